#pragma once
// Herder: the connectors and tasks of this worker (Connect's StandaloneHerder). Owns the lifecycle
// (create, reconfigure, pause/resume/stop, restart, delete), persists configs and target states
// through ConfigStore before acting on them, and reports statuses. Client mistakes are raised as
// HerderError carrying Connect's HTTP status and message, so the REST layer maps them 1:1.
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/worker_config.hpp"
#include "plugin/plugin_registry.hpp"
#include "runtime/connector_config.hpp"
#include "storage/offset_store.hpp"
#include "runtime/task_runner.hpp"
#include "storage/config_store.hpp"
#include "storage/crash_record.hpp"

namespace sluice {

class HerderError : public std::runtime_error {
 public:
  HerderError(int status, const std::string& message) : std::runtime_error(message), status_(status) {}
  int status() const { return status_; }

 private:
  int status_;
};

struct ConnectorInfo {
  std::string name;
  std::map<std::string, std::string> config;
  std::vector<int> tasks;
  ConnectorType type = ConnectorType::Unknown;
};

struct InstanceState {
  int id = 0;  // task id (unused for the connector)
  std::string state;
  std::string trace;
};

struct ConnectorStatus {
  std::string name;
  InstanceState connector;
  std::vector<InstanceState> tasks;  // sorted by id
  ConnectorType type = ConnectorType::Unknown;
};

struct TaskConfig {
  int id = 0;
  std::map<std::string, std::string> config;
};

struct OffsetEntry {
  nlohmann::json partition;
  nlohmann::json offset;  // null: reset this partition
};

class Herder {
 public:
  Herder(const WorkerConfig& worker, PluginRegistry& registry, OffsetStore& offsets, ConfigStore& configs,
         PipelineFactory factory, std::string workerId);
  ~Herder();

  // Starts every connector the ConfigStore holds (a connector whose config no longer validates
  // is shown FAILED with the reason). Returns how many were restored.
  size_t restore();
  // Stops every task (bounded by task.shutdown.graceful.timeout.ms) and flushes offsets.
  void shutdown();

  std::string workerId() const;
  void setWorkerId(std::string id);
  std::vector<std::string> connectorNames() const;

  ConnectorValidation validate(const std::map<std::string, std::string>& config,
                               const std::set<std::string>& nullKeys = {}) const;
  // Creates (or, with allowReplace, replaces) a connector. Returns whether it was created.
  bool putConnector(const std::string& name, const std::map<std::string, std::string>& config,
                    const std::set<std::string>& nullKeys, std::optional<TargetState> initial, bool allowReplace);
  // Sets non-null keys and removes null ones, then revalidates and reconfigures.
  void patchConnector(const std::string& name, const std::map<std::string, std::optional<std::string>>& patch);
  void deleteConnector(const std::string& name);

  ConnectorInfo info(const std::string& name) const;
  std::map<std::string, std::string> config(const std::string& name) const;
  std::optional<ConnectorStatus> status(const std::string& name) const;
  std::vector<TaskConfig> taskConfigs(const std::string& name) const;

  void pause(const std::string& name);
  void resume(const std::string& name);
  void stop(const std::string& name);
  void restartConnector(const std::string& name);
  // The restart plan (instances to restart shown RESTARTING), then the restart itself.
  ConnectorStatus restart(const std::string& name, bool includeTasks, bool onlyFailed);
  void restartTask(const std::string& name, int task);

  std::vector<std::string> activeTopics(const std::string& name);
  void resetActiveTopics(const std::string& name);

  std::vector<OffsetEntry> offsets(const std::string& name) const;
  void alterOffsets(const std::string& name, const std::vector<OffsetEntry>& entries);
  void resetOffsets(const std::string& name);

  bool flushOffsets() { return offsets_.flush(); }

 private:
  struct Connector {
    std::map<std::string, std::string> config;     // as stored
    std::map<std::string, std::string> effective;  // validated, defaults filled in
    TargetState target = TargetState::Started;
    ConnectorType type = ConnectorType::Unknown;
    std::string pluginName;
    RunState state = RunState::Unassigned;
    std::string trace;
    int generation = 0;
    std::vector<std::unique_ptr<TaskRunner>> tasks;
    std::vector<TaskConfig> taskConfigs;
    std::set<std::string> topics;
  };

  Connector& get(const std::string& name, const std::string& notFoundMessage);
  const Connector& get(const std::string& name, const std::string& notFoundMessage) const;
  // Validates or throws HerderError (400 with Connect's message).
  ConnectorValidation validOrThrow(const std::map<std::string, std::string>& config,
                                   const std::set<std::string>& nullKeys) const;
  void startConnector(const std::string& name, Connector& c);
  // factory: nullptr for the worker's own (a crashed connector gets one that fails with the crash).
  void startTasks(const std::string& name, Connector& c, const PipelineFactory* factory = nullptr);
  void stopTasks(Connector& c);
  std::unique_ptr<TaskRunner> makeTask(const std::string& name, Connector& c, int id, const PipelineFactory* factory = nullptr);
  // When plugin code of `name` killed an earlier run, fails it (and its tasks) with the crash as the
  // trace instead of starting it into the same crash; true if so.
  bool failFromCrashRecord(const std::string& name, Connector& c, const std::vector<CrashRecord>& crashes);
  void collectTopics(Connector& c) const;
  bool usesFrameworkOffsets(const Connector& c) const;
  void persistTarget(const std::string& name, TargetState target);

  const WorkerConfig& worker_;
  PluginRegistry& registry_;
  OffsetStore& offsets_;
  ConfigStore& configs_;
  PipelineFactory factory_;
  std::string workerId_;
  int gracefulTimeoutMs_;
  mutable std::mutex mutex_;
  std::map<std::string, Connector> connectors_;
};

}  // namespace sluice
