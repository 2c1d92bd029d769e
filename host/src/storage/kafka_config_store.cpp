#include "storage/kafka_config_store.hpp"

#include "common/logging.hpp"

namespace sluice {

InternalTopic KafkaConfigStore::topicFor(const std::string& name, int replicationFactor) {
  return InternalTopic{name, "config.storage.topic", "connector configurations", 1, replicationFactor, true};
}

Result<std::unique_ptr<KafkaConfigStore>> KafkaConfigStore::open(const std::map<std::string, std::string>& clientProps,
                                                                  const InternalTopic& topic) {
  auto log = TopicLog::open(clientProps, topic);
  if (!log.ok()) return Error{log.error()};
  std::unique_ptr<KafkaConfigStore> store(new KafkaConfigStore(std::move(log.value())));
  std::lock_guard<std::mutex> lock(store->mutex_);
  auto read = store->readToEnd();
  if (!read.ok()) return Error{read.error()};
  return store;
}

Result<bool> KafkaConfigStore::readToEnd() {
  return log_->readToEnd([this](const LogRecord& r) {
    if (auto problem = state_.apply(r.key, r.value))
      logger("sluice.storage")->error("config topic '{}' offset {}: {}; skipped", log_->topic().name, r.offset, *problem);
  });
}

Result<bool> KafkaConfigStore::write(const std::vector<std::pair<std::string, std::optional<std::string>>>& records) {
  for (const auto& [key, value] : records) {
    auto sent = log_->send(key, value);
    if (!sent.ok()) return Error{"config store: " + sent.error()};
  }
  auto flushed = log_->flush();
  if (!flushed.ok()) return Error{"config store: " + flushed.error()};
  auto read = readToEnd();
  if (!read.ok()) return Error{"config store: " + read.error()};
  return true;
}

std::map<std::string, StoredConnector> KafkaConfigStore::all() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return state_.connectors();
}

std::set<std::string> KafkaConfigStore::inconsistent() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return state_.inconsistent();
}

Result<bool> KafkaConfigStore::refresh() {
  std::lock_guard<std::mutex> lock(mutex_);
  return readToEnd();
}

Result<bool> KafkaConfigStore::put(const std::string& name, const StoredConnector& connector) {
  auto config = encodeConfigProperties(connector.config);
  if (!config.ok()) return Error{"config store: connector " + name + ": " + config.error()};
  std::lock_guard<std::mutex> lock(mutex_);
  // The target state first, then the config, as Connect's putConnectorConfig(name, config, targetState):
  // a reader that sees the new connector sees the state it was created in.
  return write({{targetStateKey(name), encodeTargetState(connector.target)}, {connectorConfigKey(name), *config}});
}

Result<bool> KafkaConfigStore::setTarget(const std::string& name, TargetState target) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!state_.connectors().count(name)) return Error{"Unknown connector " + name};
  return write({{targetStateKey(name), encodeTargetState(target)}});
}

Result<bool> KafkaConfigStore::remove(const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  // Tombstones for the config and the target state, as Connect's removeConnectorConfig.
  return write({{connectorConfigKey(name), std::nullopt}, {targetStateKey(name), std::nullopt}});
}

Result<bool> KafkaConfigStore::putTaskConfigs(const std::string& name, const std::vector<ConfigMap>& tasks) {
  std::vector<std::pair<std::string, std::optional<std::string>>> records;
  for (size_t i = 0; i < tasks.size(); ++i) {
    auto config = encodeConfigProperties(tasks[i]);
    if (!config.ok()) return Error{"config store: task " + std::to_string(i) + " of " + name + ": " + config.error()};
    records.emplace_back(taskConfigKey(name, static_cast<int>(i)), *config);
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (!state_.connectors().count(name)) return Error{"Unknown connector " + name};
  // The task configs are acknowledged before the commit that applies them is written, as Connect does:
  // a commit is never read before the task configs it names.
  if (!records.empty()) {
    auto written = write(records);
    if (!written.ok()) return written;
  }
  return write({{commitTasksKey(name), encodeTaskCommit(static_cast<int>(tasks.size()))}});
}

}  // namespace sluice
