#include "storage/kafka_status_store.hpp"

#include "common/logging.hpp"
#include "storage/connect_status_records.hpp"

namespace sluice {

InternalTopic KafkaStatusStore::topicFor(const std::string& name, int partitions, int replicationFactor) {
  return InternalTopic{name, "status.storage.topic", "connector and task statuses", partitions, replicationFactor, false};
}

Result<std::unique_ptr<KafkaStatusStore>> KafkaStatusStore::open(const std::map<std::string, std::string>& clientProps,
                                                                  const InternalTopic& topic) {
  auto log = TopicLog::open(clientProps, topic);
  if (!log.ok()) return Error{log.error()};
  std::unique_ptr<KafkaStatusStore> store(new KafkaStatusStore(std::move(log.value())));
  auto read = store->refresh();
  if (!read.ok()) return Error{"status store: " + read.error()};
  return store;
}

Result<bool> KafkaStatusStore::refresh() {
  std::lock_guard<std::mutex> logLock(logMutex_);
  return log_->readToEnd([this](const LogRecord& r) {
    StatusKey key = parseStatusKey(r.key);
    if (key.kind == StatusKey::Kind::Other) return;  // status-topic-* (active topics): not kept yet
    std::optional<StatusRecord> status;
    if (r.value) {
      auto decoded = decodeStatus(*r.value);
      if (!decoded.ok()) {
        logger("sluice.storage")->error("status topic '{}' partition {} offset {} ('{}'): {}; skipped",
                                        log_->topic().name, r.partition, r.offset, r.key, decoded.error());
        return;
      }
      if (decoded->state != "DESTROYED") status = *decoded;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    if (key.kind == StatusKey::Kind::Connector) {
      if (status) connectors_[key.connector] = *status;
      else connectors_.erase(key.connector);
    } else if (status) {
      tasks_[key.connector][key.task] = *status;
    } else if (auto it = tasks_.find(key.connector); it != tasks_.end()) {
      it->second.erase(key.task);
      if (it->second.empty()) tasks_.erase(it);
    }
  });
}

Result<bool> KafkaStatusStore::putConnector(const std::string& connector, const StatusRecord& status) {
  auto value = encodeStatus(status);
  if (!value.ok()) return Error{"status store: connector " + connector + ": " + value.error()};
  std::lock_guard<std::mutex> logLock(logMutex_);
  auto sent = log_->send(connectorStatusKey(connector), *value);
  if (!sent.ok()) return Error{"status store: " + sent.error()};
  std::lock_guard<std::mutex> lock(mutex_);
  connectors_[connector] = status;
  return true;
}

Result<bool> KafkaStatusStore::putTask(const std::string& connector, int task, const StatusRecord& status) {
  auto value = encodeStatus(status);
  if (!value.ok()) return Error{"status store: task " + connector + "-" + std::to_string(task) + ": " + value.error()};
  std::lock_guard<std::mutex> logLock(logMutex_);
  auto sent = log_->send(taskStatusKey(connector, task), *value);
  if (!sent.ok()) return Error{"status store: " + sent.error()};
  std::lock_guard<std::mutex> lock(mutex_);
  tasks_[connector][task] = status;
  return true;
}

Result<bool> KafkaStatusStore::removeConnector(const std::string& connector) {
  std::lock_guard<std::mutex> logLock(logMutex_);
  std::map<int, StatusRecord> tasks;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (auto it = tasks_.find(connector); it != tasks_.end()) tasks = it->second;
  }
  // Tombstones, as Connect writes for a DESTROYED connector and its tasks.
  auto sent = log_->send(connectorStatusKey(connector), std::nullopt);
  for (const auto& [task, status] : tasks)
    if (sent.ok()) sent = log_->send(taskStatusKey(connector, task), std::nullopt);
  if (!sent.ok()) return Error{"status store: " + sent.error()};
  std::lock_guard<std::mutex> lock(mutex_);
  connectors_.erase(connector);
  tasks_.erase(connector);
  return true;
}

std::optional<StatusRecord> KafkaStatusStore::connector(const std::string& connector) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = connectors_.find(connector);
  if (it == connectors_.end()) return std::nullopt;
  return it->second;
}

std::map<int, StatusRecord> KafkaStatusStore::tasks(const std::string& connector) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = tasks_.find(connector);
  return it == tasks_.end() ? std::map<int, StatusRecord>{} : it->second;
}

std::set<std::string> KafkaStatusStore::connectors() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::set<std::string> out;
  for (const auto& [name, s] : connectors_) out.insert(name);
  return out;
}

Result<bool> KafkaStatusStore::flush() {
  std::lock_guard<std::mutex> logLock(logMutex_);
  auto flushed = log_->flush();
  if (!flushed.ok()) return Error{"status store: " + flushed.error()};
  return true;
}

}  // namespace sluice
