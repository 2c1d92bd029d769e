#pragma once
// Worker: the process-level object behind `sluice worker`. Owns the plugin registry and its
// watcher, embedded Kafka (bootstrap.servers: embedded), the durable stores, the herder
// (connectors and tasks) and the REST server, and starts/stops them in order.
#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "config/worker_config.hpp"
#include "kafka/embedded_cluster.hpp"
#include "plugin/plugin_registry.hpp"
#include "plugin/plugin_watcher.hpp"
#include "rest/rest_context.hpp"
#include "rest/rest_server.hpp"
#include "runtime/herder.hpp"
#include "storage/offset_store.hpp"
#include "storage/config_store.hpp"

namespace sluice {

class Worker {
 public:
  explicit Worker(WorkerConfig config);
  ~Worker();

  // Scans the plugin folders, opens the stores (a corrupt file is an error), restores persisted
  // connectors, and starts the REST server. Returns an error message on failure.
  Result<bool> start();
  // Creates (or updates) a connector from a JSON file, as connect-standalone's command-line
  // arguments: a flat config or a POST /connectors body ({name, config[, initial_state]}).
  Result<bool> addConnectorFile(const std::string& path);
  // Marks startup complete (GET /health turns 200).
  void ready();
  // Stops the REST server, every task (bounded) and flushes offsets; safe to call more than once.
  void stop();

  const WorkerConfig& config() const { return config_; }
  PluginRegistry& plugins() { return *registry_; }
  Herder* herder() { return herder_.get(); }
  int restPort() const { return restPort_; }
  std::vector<std::string> pluginDirs() const;

 private:
  void flushLoop();
  // Creates the topics a connector names on the embedded cluster, with embedded.partitions.
  void createEmbeddedTopics(const std::map<std::string, std::string>& connectorConfig);

  WorkerConfig config_;
  // Shared with every task, which may outlive the worker when abandoned for ignoring stop().
  std::shared_ptr<PluginRegistry> registry_ = std::make_shared<PluginRegistry>();
  std::unique_ptr<PluginWatcher> watcher_;
  std::unique_ptr<EmbeddedCluster> kafka_;
  std::shared_ptr<OffsetStore> offsets_;
  std::unique_ptr<ConfigStore> configs_;
  std::unique_ptr<Herder> herder_;
  std::unique_ptr<RestContext> rest_context_;
  std::vector<std::unique_ptr<RestServer>> rest_;  // one per listener (http and https side by side)
  int restPort_ = 0;
  std::thread flusher_;
  std::mutex flushMutex_;
  std::condition_variable flushCv_;
  bool stopping_ = false;
};

}  // namespace sluice
