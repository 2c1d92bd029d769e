#pragma once
// ConfigStore: where connector configs, task configs and target states live (Connect's
// ConfigBackingStore). The herder persists every change through it before acting on it.
// Implementations: storage/file_config_store (standalone: one atomically written file, kill -9
// safe) and storage/kafka_config_store (distributed: Connect's config topic, in its record format).
#include <map>
#include <string>
#include <vector>

#include "common/result.hpp"

namespace sluice {

// Connect's TargetState: STARTED (REST "RUNNING"), PAUSED, STOPPED.
enum class TargetState { Started, Paused, Stopped };
const char* targetStateName(TargetState state);  // "STARTED", "PAUSED", "STOPPED"
bool parseTargetState(const std::string& text, TargetState& out);  // also accepts RUNNING

using ConfigMap = std::map<std::string, std::string>;

struct StoredConnector {
  ConfigMap config;
  TargetState target = TargetState::Started;
  // The last committed task configs (Connect's task-<name>-<n> records applied by commit-<name>);
  // put() leaves them as they are, as Connect's putConnectorConfig does.
  std::vector<ConfigMap> tasks;
};

class ConfigStore {
 public:
  virtual ~ConfigStore() = default;

  virtual std::map<std::string, StoredConnector> all() const = 0;
  // Each returns an error (and changes nothing the store shows) when the change cannot be made durable.
  // put() stores the config and target state; the connector's task configs are kept.
  virtual Result<bool> put(const std::string& name, const StoredConnector& connector) = 0;
  virtual Result<bool> setTarget(const std::string& name, TargetState target) = 0;
  // Removes the connector with its target state and task configs.
  virtual Result<bool> remove(const std::string& name) = 0;
  // Replaces the connector's task configs, all of them at once.
  virtual Result<bool> putTaskConfigs(const std::string& name, const std::vector<ConfigMap>& tasks) = 0;
};

}  // namespace sluice
