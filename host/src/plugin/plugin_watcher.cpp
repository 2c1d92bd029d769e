#include "plugin/plugin_watcher.hpp"

#include <chrono>

namespace sluice {

PluginWatcher::PluginWatcher(PluginRegistry& registry, std::vector<std::string> dirs, int intervalMs)
    : registry_(registry), dirs_(std::move(dirs)), intervalMs_(intervalMs), thread_([this] { run(); }) {}

PluginWatcher::~PluginWatcher() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void PluginWatcher::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, std::chrono::milliseconds(intervalMs_), [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    for (const auto& d : dirs_) registry_.scanDirectory(d);
    lock.lock();
  }
}

}  // namespace sluice
