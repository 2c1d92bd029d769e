#pragma once
// The records of Connect's config topic (config.storage.topic), byte for byte as Kafka Connect's
// KafkaConfigBackingStore writes them: keys are plain strings, values JSON as Connect's internal
// JsonConverter (schemas.enable=false) serialises its structs, a null value is a tombstone.
//   connector-<name>     {"properties":{"k":"v",...}}           null: the connector was deleted
//   task-<name>-<n>      {"properties":{"k":"v",...}}           buffered until the commit
//   commit-<name>        {"tasks":N}                             applies task-<name>-0..N-1
//   target-state-<name>  {"state":"PAUSED","state.v2":"STOPPED"} state.v2 since KIP-875 (Kafka 3.5);
//                        older workers wrote {"state":"STARTED|PAUSED"} and read only "state", so
//                        STOPPED is written as "state":"PAUSED" plus "state.v2":"STOPPED"
// Other keys Connect writes there (session-key, restart-connector-*, restart-task-*,
// tasks-fencing-*) are read past: they matter to features Sluice does not have yet.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "storage/config_store.hpp"

namespace sluice {

std::string connectorConfigKey(const std::string& connector);
std::string taskConfigKey(const std::string& connector, int task);
std::string commitTasksKey(const std::string& connector);
std::string targetStateKey(const std::string& connector);

// Errors only for text nlohmann::json cannot write (bytes that are not UTF-8).
Result<std::string> encodeConfigProperties(const ConfigMap& properties);
std::string encodeTaskCommit(int tasks);
std::string encodeTargetState(TargetState state);

// The config topic read in log order, as KafkaConfigBackingStore's consumer callback applies it.
class ConfigTopicState {
 public:
  // Applies one record. A record that cannot be read changes nothing and returns why, so the
  // caller can log it (Connect logs and skips such records too).
  std::optional<std::string> apply(const std::string& key, const std::optional<std::string>& value);

  // Connectors with a config; target STARTED when no target-state record was read; tasks as of
  // the last complete commit.
  std::map<std::string, StoredConnector> connectors() const;
  // Connectors whose last commit named task configs that were not all read (compaction or a
  // writer that died mid-way): Connect's "inconsistent" set, until the next complete commit.
  const std::set<std::string>& inconsistent() const { return inconsistent_; }

 private:
  std::map<std::string, ConfigMap> configs_;
  std::map<std::string, TargetState> targets_;
  std::map<std::string, std::vector<ConfigMap>> tasks_;
  std::map<std::string, std::map<int, ConfigMap>> deferred_;  // task configs waiting for their commit
  std::set<std::string> inconsistent_;
};

}  // namespace sluice
