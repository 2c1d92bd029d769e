#pragma once
// FileOffsetStore: Connect standalone's FileOffsetBackingStore (offset.storage.file.filename).
// Offsets live in memory; flush() writes the whole map atomically (storage/atomic_file).
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "common/result.hpp"
#include "storage/offset_store.hpp"

namespace sluice {

class FileOffsetStore : public OffsetStore {
 public:
  // Loads `path` if it exists; an error when the file is corrupt.
  static Result<std::unique_ptr<FileOffsetStore>> open(const std::string& path);

  std::optional<std::string> read(const std::string& connector, const std::string& partitionJson) override;
  void write(const std::string& connector, const std::string& partitionJson, const std::string& offsetJson) override;
  std::vector<std::pair<std::string, std::string>> all(const std::string& connector) override;
  void remove(const std::string& connector, const std::string& partitionJson) override;
  void removeAll(const std::string& connector) override;
  bool flush() override;

  const std::string& path() const { return path_; }

 private:
  explicit FileOffsetStore(std::string path) : path_(std::move(path)) {}

  std::string path_;
  std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, std::string> offsets_;
  bool dirty_ = false;
  std::mutex flushMutex_;  // one writer of the file at a time
};

}  // namespace sluice
