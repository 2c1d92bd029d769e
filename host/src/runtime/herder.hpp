#pragma once
// Herder: the connectors and tasks of this worker (Connect's StandaloneHerder). Owns the lifecycle
// (create, reconfigure, pause/resume/stop, restart, delete), persists configs and target states
// through ConfigStore before acting on them, and reports statuses. Client mistakes are raised as
// HerderError carrying Connect's HTTP status and message, so the REST layer maps them 1:1.
//
// Threading, as Connect's herders: one request loop thread owns the connector and task state and
// applies the requests that change it (create, put, patch, delete, pause, resume, stop, restart,
// offsets) one at a time, in the order they arrive. A public call that changes state posts a
// request to the loop and waits for its result; no lock is held while the loop joins a task,
// talks to Kafka or syncs a file. After each request the loop publishes an immutable Snapshot;
// reads (list, info, config, status, task configs, topics, offsets) are answered from the latest
// one, so a status GET never waits behind a slow task stop. Task states come live from each task's
// TaskStatusCell, so FAILED or RUNNING shows as soon as the task thread sets it.
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
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
  // The worker config, registry and offset store are shared with every task, which may outlive
  // the herder when it is abandoned for ignoring stop().
  Herder(std::shared_ptr<const WorkerConfig> worker, std::shared_ptr<PluginRegistry> registry,
         std::shared_ptr<OffsetStore> offsets, ConfigStore& configs, PipelineFactory factory, std::string workerId);
  ~Herder();
  Herder(const Herder&) = delete;
  Herder& operator=(const Herder&) = delete;

  // Starts every connector the ConfigStore holds (a connector whose config no longer validates
  // is shown FAILED with the reason). Returns how many were restored.
  size_t restore();
  // Stops every task (bounded by task.shutdown.graceful.timeout.ms), flushes offsets and ends the
  // request loop; later requests fail with 500. Safe to call more than once.
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

  std::vector<std::string> activeTopics(const std::string& name) const;
  void resetActiveTopics(const std::string& name);

  std::vector<OffsetEntry> offsets(const std::string& name) const;
  void alterOffsets(const std::string& name, const std::vector<OffsetEntry>& entries);
  void resetOffsets(const std::string& name);

 private:
  // Owned by the loop thread only.
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
    std::set<std::string> topics;  // of tasks already stopped; live tasks report their own
  };

  // What readers see: an immutable copy of the loop's state, published after every request.
  struct ConnectorView {
    std::map<std::string, std::string> config;
    TargetState target = TargetState::Started;
    ConnectorType type = ConnectorType::Unknown;
    RunState state = RunState::Unassigned;
    std::string trace;
    std::vector<TaskConfig> taskConfigs;
    std::vector<std::shared_ptr<const TaskStatusCell>> tasks;
    std::set<std::string> topics;
  };
  struct Snapshot {
    std::string workerId;
    std::map<std::string, ConnectorView> connectors;
  };

  // Runs fn on the loop thread (directly when already on it), publishes a snapshot after it, and
  // returns its result or rethrows its exception.
  template <class Fn>
  auto onLoop(Fn fn) -> decltype(fn());
  void loop();
  void publish();
  std::shared_ptr<const Snapshot> snapshot() const;
  const ConnectorView& viewOf(const Snapshot& s, const std::string& name, const std::string& notFoundMessage) const;

  Connector& get(const std::string& name, const std::string& notFoundMessage);
  // Validates or throws HerderError (400 with Connect's message).
  ConnectorValidation validOrThrow(const std::map<std::string, std::string>& config,
                                   const std::set<std::string>& nullKeys) const;
  bool applyPut(const std::string& name, const std::map<std::string, std::string>& config, const ConnectorValidation& v,
                std::optional<TargetState> initial, bool allowReplace);
  bool revalidate(Connector& c);
  void startConnector(const std::string& name, Connector& c);
  // factory: nullptr for the worker's own (a crashed connector gets one that fails with the crash).
  void startTasks(const std::string& name, Connector& c, const PipelineFactory* factory = nullptr);
  void stopTasks(Connector& c);
  void restartTaskAt(const std::string& name, Connector& c, size_t index);
  std::unique_ptr<TaskRunner> makeTask(const std::string& name, Connector& c, int id, const PipelineFactory* factory = nullptr);
  // When plugin code of `name` killed an earlier run, fails it (and its tasks) with the crash as the
  // trace instead of starting it into the same crash; true if so.
  bool failFromCrashRecord(const std::string& name, Connector& c, const std::vector<CrashRecord>& crashes);
  void collectTopics(Connector& c) const;
  void persistTarget(const std::string& name, TargetState target);
  void persistTaskConfigs(const std::string& name, const Connector& c);
  void stopAllTasks();

  std::shared_ptr<const WorkerConfig> worker_;
  std::shared_ptr<PluginRegistry> registry_;
  std::shared_ptr<OffsetStore> offsets_;
  ConfigStore& configs_;
  PipelineFactory factory_;
  int gracefulTimeoutMs_;

  std::map<std::string, Connector> connectors_;  // the loop thread's
  std::string workerId_;                         // the loop thread's

  std::mutex queueMutex_;  // guards the queue and `closed_` only
  std::condition_variable queueCv_;
  std::deque<std::function<void()>> queue_;
  bool closed_ = false;
  std::thread loopThread_;
  std::thread::id loopId_;

  mutable std::mutex snapshotMutex_;  // guards the pointer swap only
  std::shared_ptr<const Snapshot> snapshot_;
};

}  // namespace sluice
