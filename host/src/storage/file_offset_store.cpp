#include "storage/file_offset_store.hpp"

#include <nlohmann/json.hpp>

#include "common/logging.hpp"
#include "storage/atomic_file.hpp"

namespace sluice {

// File content: a JSON array of [connector, partition JSON, offset JSON], as Connect keys its
// offsets by ["<connector>", {partition}].
Result<std::unique_ptr<FileOffsetStore>> FileOffsetStore::open(const std::string& path) {
  std::unique_ptr<FileOffsetStore> store(new FileOffsetStore(path));
  auto content = readCheckedFile(path);
  if (!content.ok()) return Error{"offset store: " + content.error()};
  if (!content->has_value()) return store;
  try {
    auto doc = nlohmann::json::parse(**content);
    for (const auto& e : doc.at("offsets"))
      store->offsets_[{e.at(0).get<std::string>(), e.at(1).get<std::string>()}] = e.at(2).get<std::string>();
  } catch (const std::exception& e) {
    return Error{"offset store: " + path + ": unreadable content: " + e.what()};
  }
  return store;
}

std::optional<std::string> FileOffsetStore::read(const std::string& connector, const std::string& partitionJson) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = offsets_.find({connector, partitionJson});
  if (it == offsets_.end()) return std::nullopt;
  return it->second;
}

void FileOffsetStore::write(const std::string& connector, const std::string& partitionJson, const std::string& offsetJson) {
  std::lock_guard<std::mutex> lock(mutex_);
  offsets_[{connector, partitionJson}] = offsetJson;
  dirty_ = true;
}

std::vector<std::pair<std::string, std::string>> FileOffsetStore::all(const std::string& connector) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [k, v] : offsets_)
    if (k.first == connector) out.emplace_back(k.second, v);
  return out;
}

void FileOffsetStore::remove(const std::string& connector, const std::string& partitionJson) {
  std::lock_guard<std::mutex> lock(mutex_);
  dirty_ |= offsets_.erase({connector, partitionJson}) > 0;
}

void FileOffsetStore::removeAll(const std::string& connector) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = offsets_.begin(); it != offsets_.end();) {
    if (it->first.first == connector) {
      it = offsets_.erase(it);
      dirty_ = true;
    } else {
      ++it;
    }
  }
}

bool FileOffsetStore::flush() {
  std::lock_guard<std::mutex> writer(flushMutex_);
  std::string content;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!dirty_) return true;
    // flush() runs on the worker's offset flusher thread, where an exception would end the process:
    // an entry that cannot be serialised (nlohmann::json refuses bytes that are not UTF-8) is logged
    // and the last good file stays as it is.
    try {
      nlohmann::json doc;
      doc["offsets"] = nlohmann::json::array();
      for (const auto& [k, v] : offsets_) doc["offsets"].push_back({k.first, k.second, v});
      content = doc.dump();
    } catch (const std::exception& e) {
      logger("sluice.storage")->error("offset flush to {} failed, the file keeps the last flushed offsets: {}", path_, e.what());
      return false;
    }
    dirty_ = false;
  }
  auto written = writeFileAtomically(path_, content);
  if (!written.ok()) {
    logger("sluice.storage")->error("offset flush failed: {}", written.error());
    std::lock_guard<std::mutex> lock(mutex_);
    dirty_ = true;  // try again next time
    return false;
  }
  return true;
}

}  // namespace sluice
