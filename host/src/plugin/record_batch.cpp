#include "plugin/record_batch.hpp"

#include <cstring>

#include "plugin/emitted_record.hpp"

namespace sluice {

RecordBatch::Span RecordBatch::copy(sluice_bytes b) {
  if (b.data == nullptr) return {};
  size_t at = arena_.size();
  arena_.resize(at + b.len);
  if (b.len) std::memcpy(arena_.data() + at, b.data, b.len);
  return {at + 1, b.len};
}

sluice_bytes RecordBatch::resolve(Span s) const {
  if (s.offset == 0) return {nullptr, 0};
  return {arena_.data() + (s.offset - 1), s.len};
}

void RecordBatch::add(const sluice_record& r) {
  Stored s;
  s.arenaStart = arena_.size();
  s.meta = r;
  s.topic = copy(r.topic);
  s.key = copy(r.key);
  s.value = copy(r.value);
  s.sourcePartition = copy(r.source_partition);
  s.sourceOffset = copy(r.source_offset);
  s.firstHeader = headers_.size();
  for (size_t i = 0; i < r.header_count; ++i) headers_.push_back({copy(r.headers[i].key), copy(r.headers[i].value)});
  s.meta.header_count = r.header_count;
  stored_.push_back(s);
  dirty_ = true;
}

sluice_status RecordBatch::addEmitted(const sluice_record* emitted) {
  sluice_record record = readEmittedRecord(emitted, emitterRecordSize_);
  if (std::string why = checkSourcePosition(record); !why.empty()) {
    if (rejectedEmit_.empty()) rejectedEmit_ = std::move(why);  // the first bad record is the one to report
    return SLUICE_ERR_FATAL;
  }
  add(record);
  return SLUICE_OK;
}

void RecordBatch::clear() {
  arena_.clear();
  stored_.clear();
  headers_.clear();
  views_.clear();
  pointers_.clear();
  dirty_ = false;
}

void RecordBatch::truncate(size_t count) {
  if (count >= stored_.size()) return;
  arena_.resize(stored_[count].arenaStart);
  headers_.resize(stored_[count].firstHeader);
  stored_.resize(count);
  dirty_ = true;
}

void RecordBatch::buildViews() const {
  headerViews_.resize(headers_.size());
  for (size_t i = 0; i < headers_.size(); ++i) headerViews_[i] = {resolve(headers_[i].key), resolve(headers_[i].value)};
  views_.resize(stored_.size());
  pointers_.resize(stored_.size());
  for (size_t i = 0; i < stored_.size(); ++i) {
    const Stored& s = stored_[i];
    sluice_record& v = views_[i];
    v = s.meta;
    v.topic = resolve(s.topic);
    v.key = resolve(s.key);
    v.value = resolve(s.value);
    v.source_partition = resolve(s.sourcePartition);
    v.source_offset = resolve(s.sourceOffset);
    v.headers = s.meta.header_count ? headerViews_.data() + s.firstHeader : nullptr;
    pointers_[i] = &v;
  }
  dirty_ = false;
}

const std::vector<sluice_record>& RecordBatch::records() const {
  if (dirty_ || views_.size() != stored_.size()) buildViews();
  return views_;
}

const std::vector<const sluice_record*>& RecordBatch::pointers() const {
  records();
  return pointers_;
}

}  // namespace sluice
