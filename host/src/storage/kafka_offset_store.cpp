#include "storage/kafka_offset_store.hpp"

#include "common/logging.hpp"
#include "storage/connect_offset_records.hpp"

namespace sluice {

InternalTopic KafkaOffsetStore::topicFor(const std::string& name, int partitions, int replicationFactor) {
  return InternalTopic{name, "offset.storage.topic", "source connector offsets", partitions, replicationFactor, false};
}

Result<std::unique_ptr<KafkaOffsetStore>> KafkaOffsetStore::open(const std::map<std::string, std::string>& clientProps,
                                                                  const InternalTopic& topic) {
  auto log = TopicLog::open(clientProps, topic);
  if (!log.ok()) return Error{log.error()};
  std::unique_ptr<KafkaOffsetStore> store(new KafkaOffsetStore(std::move(log.value())));
  auto read = store->refresh();
  if (!read.ok()) return Error{"offset store: " + read.error()};
  return store;
}

Result<bool> KafkaOffsetStore::refresh() {
  std::lock_guard<std::mutex> logLock(logMutex_);
  return readToEnd();
}

Result<bool> KafkaOffsetStore::readToEnd() {
  return log_->readToEnd([this](const LogRecord& r) {
    auto key = decodeOffsetKey(r.key);
    std::optional<std::string> offset;
    std::string problem = key.ok() ? "" : key.error();
    if (key.ok() && r.value) {
      auto value = decodeOffsetValue(*r.value);
      if (value.ok()) offset = *value;
      else problem = value.error();
    }
    if (!problem.empty()) {
      logger("sluice.storage")->error("offsets topic '{}' partition {} offset {}: {}; skipped", log_->topic().name,
                                      r.partition, r.offset, problem);
      return;
    }
    Key k{key->connector, canonicalJson(key->partitionJson)};
    std::lock_guard<std::mutex> lock(mutex_);
    if (pending_.count(k)) return;  // a change not yet flushed is newer than what the topic holds
    if (offset) offsets_[k] = Entry{key->partitionJson, *offset};
    else offsets_.erase(k);
  });
}

std::optional<std::string> KafkaOffsetStore::read(const std::string& connector, const std::string& partitionJson) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = offsets_.find({connector, canonicalJson(partitionJson)});
  if (it == offsets_.end()) return std::nullopt;
  return it->second.offsetJson;
}

void KafkaOffsetStore::write(const std::string& connector, const std::string& partitionJson, const std::string& offsetJson) {
  Key k{connector, canonicalJson(partitionJson)};
  std::lock_guard<std::mutex> lock(mutex_);
  offsets_[k] = Entry{partitionJson, offsetJson};
  pending_[k] = Change{partitionJson, offsetJson};
}

std::vector<std::pair<std::string, std::string>> KafkaOffsetStore::all(const std::string& connector) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [k, e] : offsets_)
    if (k.first == connector) out.emplace_back(e.partitionJson, e.offsetJson);
  return out;
}

void KafkaOffsetStore::remove(const std::string& connector, const std::string& partitionJson) {
  Key k{connector, canonicalJson(partitionJson)};
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = offsets_.find(k);
  // The tombstone names the partition as it was written, so a compacted topic drops that record.
  pending_[k] = Change{it != offsets_.end() ? it->second.partitionJson : partitionJson, std::nullopt};
  if (it != offsets_.end()) offsets_.erase(it);
}

void KafkaOffsetStore::removeAll(const std::string& connector) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = offsets_.begin(); it != offsets_.end();) {
    if (it->first.first == connector) {
      pending_[it->first] = Change{it->second.partitionJson, std::nullopt};
      it = offsets_.erase(it);
    } else {
      ++it;
    }
  }
}

bool KafkaOffsetStore::flush() {
  std::lock_guard<std::mutex> logLock(logMutex_);
  std::map<Key, Change> batch;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    batch.swap(pending_);
  }
  if (batch.empty()) return true;
  auto log = logger("sluice.storage");
  std::string failure;
  bool unwritable = false;
  for (const auto& [k, change] : batch) {
    auto key = encodeOffsetKey(k.first, change.partitionJson);
    std::optional<std::string> value;
    if (key.ok() && change.offsetJson) {
      auto encoded = encodeOffsetValue(*change.offsetJson);
      if (!encoded.ok()) key = Error{encoded.error()};
      else value = *encoded;
    }
    if (!key.ok()) {
      // It can never be written (not JSON, not UTF-8): retrying would block every later flush, so it
      // is reported and the flush fails, while the other partitions' offsets are still stored.
      log->error("offset of connector {} partition {} cannot be stored: {}", k.first, change.partitionJson, key.error());
      unwritable = true;
      continue;
    }
    auto sent = log_->send(*key, value);
    if (!sent.ok()) {
      failure = sent.error();
      break;
    }
  }
  if (failure.empty()) {
    auto flushed = log_->flush();
    if (flushed.ok()) return !unwritable;
    failure = flushed.error();
  }
  log->error("offset flush to topic '{}' failed, the offsets are tried again at the next flush: {}", log_->topic().name, failure);
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& [k, change] : batch) pending_.emplace(k, std::move(change));  // newer writes since then win
  return false;
}

}  // namespace sluice
