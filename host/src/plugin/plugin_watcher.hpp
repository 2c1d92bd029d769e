#pragma once
// PluginWatcher: rescans the plugin.path folders once a second so a .so dropped in while the worker
// runs is registered without a restart. A rescan (not inotify) also catches files copied in place
// slowly and folders that appear later, at the cost of one readdir per folder per second.
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "plugin/plugin_registry.hpp"

namespace sluice {

class PluginWatcher {
 public:
  PluginWatcher(PluginRegistry& registry, std::vector<std::string> dirs, int intervalMs = 1000);
  ~PluginWatcher();
  PluginWatcher(const PluginWatcher&) = delete;
  PluginWatcher& operator=(const PluginWatcher&) = delete;

 private:
  void run();

  PluginRegistry& registry_;
  std::vector<std::string> dirs_;
  int intervalMs_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace sluice
