#pragma once
// PluginWatcher: rescans the plugin.path folders every interval (plugin.scan.interval.ms, 1 s) so
// a .so dropped in or changed while the worker runs is registered without a restart. A rescan (not
// inotify) also catches folders that appear later, at the cost of one readdir per folder per scan.
//
// A new or changed file is loaded only once two consecutive scans saw the same stamp (size, mtime,
// ctime, inode): a file still being copied in is not loaded half-written. So a file is loaded
// between one and two intervals after its last write.
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "plugin/plugin_file.hpp"
#include "plugin/plugin_registry.hpp"

namespace sluice {

class PluginWatcher {
 public:
  // With intervalMs 0 no thread runs: the caller drives scanOnce() (tests).
  PluginWatcher(PluginRegistry& registry, std::vector<std::string> dirs, int intervalMs = 1000);
  ~PluginWatcher();
  PluginWatcher(const PluginWatcher&) = delete;
  PluginWatcher& operator=(const PluginWatcher&) = delete;

  // One scan of every folder: loads the files whose stamp is new but the same as on the scan
  // before. Returns the number of files loaded.
  size_t scanOnce();

 private:
  void run();

  PluginRegistry& registry_;
  std::vector<std::string> dirs_;
  int intervalMs_;
  std::map<std::string, FileStamp> lastScan_;  // path -> stamp on the previous scan (scan thread only)
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace sluice
