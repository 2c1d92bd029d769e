#include "storage/file_config_store.hpp"

#include <nlohmann/json.hpp>

#include "storage/atomic_file.hpp"

namespace sluice {

Result<std::unique_ptr<FileConfigStore>> FileConfigStore::open(const std::string& path) {
  std::unique_ptr<FileConfigStore> store(new FileConfigStore(path));
  if (path.empty()) return store;
  auto content = readCheckedFile(path);
  if (!content.ok()) return Error{"config store: " + content.error()};
  if (!content->has_value()) return store;
  try {
    auto doc = nlohmann::json::parse(**content);
    for (const auto& [name, c] : doc.at("connectors").items()) {
      StoredConnector sc;
      sc.config = c.at("config").get<std::map<std::string, std::string>>();
      if (!parseTargetState(c.at("target_state").get<std::string>(), sc.target))
        return Error{"config store: " + path + ": connector " + name + " has an unknown target state"};
      store->connectors_[name] = std::move(sc);
    }
  } catch (const std::exception& e) {
    return Error{"config store: " + path + ": unreadable content: " + e.what()};
  }
  return store;
}

std::map<std::string, StoredConnector> FileConfigStore::all() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return connectors_;
}

Result<bool> FileConfigStore::persist(const std::map<std::string, StoredConnector>& next) {
  if (!path_.empty()) {
    nlohmann::json doc;
    doc["connectors"] = nlohmann::json::object();
    for (const auto& [name, c] : next)
      doc["connectors"][name] = {{"config", c.config}, {"target_state", targetStateName(c.target)}};
    auto written = writeFileAtomically(path_, doc.dump(1));
    if (!written.ok()) return Error{"config store: " + written.error()};
  }
  connectors_ = next;
  return true;
}

Result<bool> FileConfigStore::put(const std::string& name, const StoredConnector& connector) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto next = connectors_;
  next[name].config = connector.config;
  next[name].target = connector.target;
  return persist(next);
}

Result<bool> FileConfigStore::setTarget(const std::string& name, TargetState target) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto next = connectors_;
  auto it = next.find(name);
  if (it == next.end()) return Error{"Unknown connector " + name};
  it->second.target = target;
  return persist(next);
}

Result<bool> FileConfigStore::remove(const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto next = connectors_;
  next.erase(name);
  return persist(next);
}

Result<bool> FileConfigStore::putTaskConfigs(const std::string& name, const std::vector<ConfigMap>& tasks) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = connectors_.find(name);
  if (it == connectors_.end()) return Error{"Unknown connector " + name};
  it->second.tasks = tasks;  // memory only: the file keeps connector configs and target states
  return true;
}

}  // namespace sluice
