#pragma once
// StatusStore: the last known status of each connector and task (Connect's StatusBackingStore).
// Implementations: MemoryStatusStore below (standalone, as Connect's MemoryStatusBackingStore)
// and storage/kafka_status_store (distributed: Connect's status topic, in its record format).
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "common/result.hpp"

namespace sluice {

// One status record: Connect's AbstractStatus fields.
struct StatusRecord {
  std::string state;  // UNASSIGNED, RUNNING, PAUSED, STOPPED, FAILED, RESTARTING
  std::string trace;  // "" when none
  std::string workerId;
  int generation = 0;

  bool operator==(const StatusRecord&) const = default;
};

class StatusStore {
 public:
  virtual ~StatusStore() = default;
  virtual Result<bool> putConnector(const std::string& connector, const StatusRecord& status) = 0;
  virtual Result<bool> putTask(const std::string& connector, int task, const StatusRecord& status) = 0;
  // The connector was deleted (Connect's DESTROYED): its status and its tasks' go.
  virtual Result<bool> removeConnector(const std::string& connector) = 0;

  virtual std::optional<StatusRecord> connector(const std::string& connector) const = 0;
  virtual std::map<int, StatusRecord> tasks(const std::string& connector) const = 0;
  virtual std::set<std::string> connectors() const = 0;
  // Makes the puts so far durable; the first failure since the last flush() is returned.
  virtual Result<bool> flush() = 0;
};

class MemoryStatusStore : public StatusStore {
 public:
  Result<bool> putConnector(const std::string& connector, const StatusRecord& status) override {
    std::lock_guard<std::mutex> lock(mutex_);
    connectors_[connector] = status;
    return true;
  }
  Result<bool> putTask(const std::string& connector, int task, const StatusRecord& status) override {
    std::lock_guard<std::mutex> lock(mutex_);
    tasks_[connector][task] = status;
    return true;
  }
  Result<bool> removeConnector(const std::string& connector) override {
    std::lock_guard<std::mutex> lock(mutex_);
    connectors_.erase(connector);
    tasks_.erase(connector);
    return true;
  }
  std::optional<StatusRecord> connector(const std::string& connector) const override {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = connectors_.find(connector);
    if (it == connectors_.end()) return std::nullopt;
    return it->second;
  }
  std::map<int, StatusRecord> tasks(const std::string& connector) const override {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = tasks_.find(connector);
    return it == tasks_.end() ? std::map<int, StatusRecord>{} : it->second;
  }
  std::set<std::string> connectors() const override {
    std::lock_guard<std::mutex> lock(mutex_);
    std::set<std::string> out;
    for (const auto& [name, s] : connectors_) out.insert(name);
    return out;
  }
  Result<bool> flush() override { return true; }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, StatusRecord> connectors_;
  std::map<std::string, std::map<int, StatusRecord>> tasks_;
};

}  // namespace sluice
