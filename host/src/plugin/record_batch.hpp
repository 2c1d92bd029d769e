#pragma once
// RecordBatch: owns copies of the records a plugin emits (host->emit) in one reusable byte arena,
// and hands out sluice_record views over them. Clearing keeps the capacity, so a steady-state
// pipeline allocates nothing per record.
#include <sluice/plugin.h>

#include <cstdint>
#include <string>
#include <vector>

namespace sluice {

class RecordBatch {
 public:
  void add(const sluice_record& record);
  void clear();
  // The emit path (host->emit): before a hook may emit into this batch, the host says how large the
  // emitting plugin's sluice_record is (its manifest record_size); addEmitted() reads no more.
  void acceptEmitsOf(size_t recordSize) {
    emitterRecordSize_ = recordSize;
    rejectedEmit_.clear();
  }
  // Adds a record a plugin emitted, or refuses it (SLUICE_ERR_FATAL) when its source position is
  // invalid; rejectedEmit() then says why until the next acceptEmitsOf().
  sluice_status addEmitted(const sluice_record* record);
  const std::string& rejectedEmit() const { return rejectedEmit_; }
  // Drops every record after the first `count` (a failed transform's partial output).
  void truncate(size_t count);
  size_t size() const { return stored_.size(); }
  bool empty() const { return stored_.empty(); }
  // Views over the stored records; valid until the next add() or clear().
  const std::vector<sluice_record>& records() const;
  const sluice_record& operator[](size_t i) const { return records()[i]; }
  // Pointers to the views, the form sinks take (sluice_plugin.put).
  const std::vector<const sluice_record*>& pointers() const;

 private:
  // Byte ranges are stored as arena offsets + 1 (0 = null) until views are built.
  struct Span {
    size_t offset = 0;  // 0 means null; otherwise arena offset + 1
    size_t len = 0;
  };
  struct Stored {
    sluice_record meta;  // scalar fields only; byte fields are rebuilt from the spans below
    Span topic, key, value, sourcePartition, sourceOffset;
    size_t firstHeader = 0;
    size_t arenaStart = 0;  // arena size before this record's bytes
  };
  struct StoredHeader {
    Span key, value;
  };
  Span copy(sluice_bytes b);
  sluice_bytes resolve(Span s) const;
  void buildViews() const;

  std::vector<uint8_t> arena_;
  std::vector<Stored> stored_;
  std::vector<StoredHeader> headers_;
  mutable std::vector<sluice_record> views_;
  mutable std::vector<sluice_header> headerViews_;
  mutable std::vector<const sluice_record*> pointers_;
  mutable bool dirty_ = false;
  size_t emitterRecordSize_ = sizeof(sluice_record);
  std::string rejectedEmit_;
};

}  // namespace sluice
