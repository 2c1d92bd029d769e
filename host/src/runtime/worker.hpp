#pragma once
// Worker: the process-level object behind `sluice worker`. Owns the plugin registry and its
// watcher; the REST server, the herder (connectors and tasks) and embedded Kafka hang off it.
#include <memory>
#include <string>
#include <vector>

#include "config/worker_config.hpp"
#include "plugin/plugin_registry.hpp"
#include "plugin/plugin_watcher.hpp"

namespace sluice {

class Worker {
 public:
  explicit Worker(WorkerConfig config);
  ~Worker();

  // Scans the plugin folders and starts everything. Returns an error message on failure.
  Result<bool> start();
  // Stops tasks and servers; safe to call more than once.
  void stop();

  const WorkerConfig& config() const { return config_; }
  PluginRegistry& plugins() { return registry_; }
  std::vector<std::string> pluginDirs() const;

 private:
  WorkerConfig config_;
  PluginRegistry registry_;
  std::unique_ptr<PluginWatcher> watcher_;
};

}  // namespace sluice
