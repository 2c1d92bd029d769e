#include "plugin/plugin_watcher.hpp"

#include <chrono>

namespace sluice {

PluginWatcher::PluginWatcher(PluginRegistry& registry, std::vector<std::string> dirs, int intervalMs)
    : registry_(registry), dirs_(std::move(dirs)), intervalMs_(intervalMs) {
  if (intervalMs_ > 0) thread_ = std::thread([this] { run(); });
}

PluginWatcher::~PluginWatcher() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

size_t PluginWatcher::scanOnce() {
  std::map<std::string, FileStamp> thisScan;
  size_t loaded = 0;
  for (const auto& d : dirs_) {
    for (const auto& [path, stamp] : listPluginFiles(d)) {
      thisScan[path] = stamp;
      if (registry_.isCurrent(path, stamp)) continue;  // this version was looked at already
      auto before = lastScan_.find(path);
      if (before == lastScan_.end() || !(before->second == stamp)) continue;  // still changing: next scan
      registry_.loadFile(path);
      ++loaded;
    }
  }
  lastScan_ = std::move(thisScan);
  return loaded;
}

void PluginWatcher::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, std::chrono::milliseconds(intervalMs_), [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    scanOnce();
    lock.lock();
  }
}

}  // namespace sluice
