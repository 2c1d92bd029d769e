#include "storage/connect_config_records.hpp"

#include <charconv>

#include <nlohmann/json.hpp>

namespace sluice {

namespace {

using ordered = nlohmann::ordered_json;  // struct fields in Connect's schema order

constexpr const char* kConnectorPrefix = "connector-";
constexpr const char* kTaskPrefix = "task-";
constexpr const char* kCommitPrefix = "commit-";
constexpr const char* kTargetStatePrefix = "target-state-";

bool startsWith(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

// "{connector}-{n}" split at the last '-', as Connect's parseConnectorTaskId.
bool splitTaskId(const std::string& rest, std::string& connector, int& task) {
  auto dash = rest.rfind('-');
  if (dash == std::string::npos || dash == 0 || dash + 1 == rest.size()) return false;
  const char* first = rest.data() + dash + 1;
  const char* last = rest.data() + rest.size();
  auto [end, ec] = std::from_chars(first, last, task);
  if (ec != std::errc() || end != last || task < 0) return false;
  connector = rest.substr(0, dash);
  return true;
}

// {"properties":{...}}; a null property value (Connect's schema allows it) is left out.
std::optional<ConfigMap> readProperties(const nlohmann::json& doc, std::string& why) {
  if (!doc.is_object() || !doc.contains("properties") || !doc["properties"].is_object()) {
    why = "no \"properties\" object";
    return std::nullopt;
  }
  ConfigMap out;
  for (const auto& [k, v] : doc["properties"].items()) {
    if (v.is_string()) out[k] = v.get<std::string>();
    else if (!v.is_null()) {
      why = "property '" + k + "' is not a string";
      return std::nullopt;
    }
  }
  return out;
}

}  // namespace

std::string connectorConfigKey(const std::string& connector) { return kConnectorPrefix + connector; }
std::string taskConfigKey(const std::string& connector, int task) {
  return kTaskPrefix + connector + "-" + std::to_string(task);
}
std::string commitTasksKey(const std::string& connector) { return kCommitPrefix + connector; }
std::string targetStateKey(const std::string& connector) { return kTargetStatePrefix + connector; }

Result<std::string> encodeConfigProperties(const ConfigMap& properties) {
  try {
    ordered doc;
    doc["properties"] = ordered::object();
    for (const auto& [k, v] : properties) doc["properties"][k] = v;
    return doc.dump();
  } catch (const std::exception& e) {
    return Error{std::string("the config cannot be written as JSON: ") + e.what()};
  }
}

std::string encodeTaskCommit(int tasks) {
  ordered doc;
  doc["tasks"] = tasks;
  return doc.dump();
}

std::string encodeTargetState(TargetState state) {
  ordered doc;
  // Workers before KIP-875 know only STARTED and PAUSED: they read "state" and see STOPPED as PAUSED.
  doc["state"] = targetStateName(state == TargetState::Stopped ? TargetState::Paused : state);
  doc["state.v2"] = targetStateName(state);
  return doc.dump();
}

std::optional<std::string> ConfigTopicState::apply(const std::string& key, const std::optional<std::string>& value) {
  nlohmann::json doc;
  if (value) {
    doc = nlohmann::json::parse(*value, nullptr, false);
    if (doc.is_discarded()) return "record '" + key + "' is not JSON";
  }
  std::string why;
  if (startsWith(key, kTargetStatePrefix)) {
    std::string connector = key.substr(std::char_traits<char>::length(kTargetStatePrefix));
    if (!value || doc.is_null()) {  // written with the connector's tombstone
      targets_.erase(connector);
      return std::nullopt;
    }
    // state.v2 when present (KIP-875), else state.
    const char* field = doc.is_object() && doc.contains("state.v2") && !doc["state.v2"].is_null() ? "state.v2" : "state";
    // Connect's TargetState.valueOf: the exact names only.
    std::string name = doc.is_object() && doc.contains(field) && doc[field].is_string() ? doc[field].get<std::string>() : "";
    TargetState state;
    if ((name != "STARTED" && name != "PAUSED" && name != "STOPPED") || !parseTargetState(name, state))
      return "record '" + key + "' has no known target state";
    targets_[connector] = state;
    return std::nullopt;
  }
  if (startsWith(key, kConnectorPrefix)) {
    std::string connector = key.substr(std::char_traits<char>::length(kConnectorPrefix));
    if (!value || doc.is_null()) {  // deleted: its tasks go with it
      configs_.erase(connector);
      tasks_.erase(connector);
      deferred_.erase(connector);
      inconsistent_.erase(connector);
      return std::nullopt;
    }
    auto properties = readProperties(doc, why);
    if (!properties) return "record '" + key + "': " + why;
    configs_[connector] = std::move(*properties);
    return std::nullopt;
  }
  if (startsWith(key, kTaskPrefix)) {
    std::string connector;
    int task = 0;
    if (!splitTaskId(key.substr(std::char_traits<char>::length(kTaskPrefix)), connector, task))
      return "record '" + key + "' does not name a task";
    if (!value || doc.is_null()) return std::nullopt;  // Connect ignores null task configs too
    auto properties = readProperties(doc, why);
    if (!properties) return "record '" + key + "': " + why;
    deferred_[connector][task] = std::move(*properties);
    return std::nullopt;
  }
  if (startsWith(key, kCommitPrefix)) {
    std::string connector = key.substr(std::char_traits<char>::length(kCommitPrefix));
    if (!value || doc.is_null()) return std::nullopt;
    if (!doc.is_object() || !doc.contains("tasks") || !doc["tasks"].is_number_integer() || doc["tasks"].get<int64_t>() < 0)
      return "record '" + key + "' has no task count";
    auto count = static_cast<size_t>(doc["tasks"].get<int64_t>());
    auto pending = deferred_.find(connector);
    std::map<int, ConfigMap> received = pending == deferred_.end() ? std::map<int, ConfigMap>{} : pending->second;
    bool complete = true;
    for (size_t i = 0; i < count && complete; ++i) complete = received.count(static_cast<int>(i)) > 0;
    if (complete) {
      std::vector<ConfigMap> tasks;
      for (size_t i = 0; i < count; ++i) tasks.push_back(received[static_cast<int>(i)]);
      tasks_[connector] = std::move(tasks);
      inconsistent_.erase(connector);
    } else {
      inconsistent_.insert(connector);  // the previous task configs stay until a complete commit
    }
    deferred_.erase(connector);  // applied or not, as Connect clears the deferred updates
    return std::nullopt;
  }
  return std::nullopt;  // session-key, restart-*, tasks-fencing-*: not used by Sluice yet
}

std::map<std::string, StoredConnector> ConfigTopicState::connectors() const {
  std::map<std::string, StoredConnector> out;
  for (const auto& [name, config] : configs_) {
    StoredConnector& c = out[name];
    c.config = config;
    auto t = targets_.find(name);
    c.target = t == targets_.end() ? TargetState::Started : t->second;
    auto tasks = tasks_.find(name);
    if (tasks != tasks_.end()) c.tasks = tasks->second;
  }
  return out;
}

}  // namespace sluice
