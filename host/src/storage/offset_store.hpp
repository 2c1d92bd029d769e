#pragma once
// OffsetStore: where source offsets live (Connect's OffsetBackingStore). Keys are the connector
// name plus the source partition as flat JSON; values are the source offset as flat JSON.
// Implementations: storage/file_offset_store (standalone, atomic file writes) and
// MemoryOffsetStore below (tests).
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sluice {

class OffsetStore {
 public:
  virtual ~OffsetStore() = default;
  virtual std::optional<std::string> read(const std::string& connector, const std::string& partitionJson) = 0;
  // Records offsets in memory; durable only after flush().
  virtual void write(const std::string& connector, const std::string& partitionJson, const std::string& offsetJson) = 0;
  // Every (partition, offset) of a connector.
  virtual std::vector<std::pair<std::string, std::string>> all(const std::string& connector) = 0;
  virtual void remove(const std::string& connector, const std::string& partitionJson) = 0;
  virtual void removeAll(const std::string& connector) = 0;
  // Makes written offsets durable. Returns false with a logged reason on I/O failure.
  virtual bool flush() = 0;
};

class MemoryOffsetStore : public OffsetStore {
 public:
  std::optional<std::string> read(const std::string& connector, const std::string& partitionJson) override {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = offsets_.find({connector, partitionJson});
    if (it == offsets_.end()) return std::nullopt;
    return it->second;
  }
  void write(const std::string& connector, const std::string& partitionJson, const std::string& offsetJson) override {
    std::lock_guard<std::mutex> lock(mutex_);
    offsets_[{connector, partitionJson}] = offsetJson;
  }
  std::vector<std::pair<std::string, std::string>> all(const std::string& connector) override {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& [k, v] : offsets_)
      if (k.first == connector) out.emplace_back(k.second, v);
    return out;
  }
  void remove(const std::string& connector, const std::string& partitionJson) override {
    std::lock_guard<std::mutex> lock(mutex_);
    offsets_.erase({connector, partitionJson});
  }
  void removeAll(const std::string& connector) override {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto it = offsets_.begin(); it != offsets_.end();) it = it->first.first == connector ? offsets_.erase(it) : std::next(it);
  }
  bool flush() override { return true; }

 private:
  std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, std::string> offsets_;
};

}  // namespace sluice
