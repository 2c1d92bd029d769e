#include "storage/config_store.hpp"

#include <nlohmann/json.hpp>

#include "storage/atomic_file.hpp"

namespace sluice {

const char* targetStateName(TargetState state) {
  switch (state) {
    case TargetState::Paused:
      return "PAUSED";
    case TargetState::Stopped:
      return "STOPPED";
    default:
      return "STARTED";
  }
}

bool parseTargetState(const std::string& text, TargetState& out) {
  std::string up;
  for (char c : text) up += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (up == "RUNNING" || up == "STARTED") out = TargetState::Started;
  else if (up == "PAUSED") out = TargetState::Paused;
  else if (up == "STOPPED") out = TargetState::Stopped;
  else return false;
  return true;
}

Result<std::unique_ptr<ConfigStore>> ConfigStore::open(const std::string& path) {
  std::unique_ptr<ConfigStore> store(new ConfigStore(path));
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

std::map<std::string, StoredConnector> ConfigStore::all() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return connectors_;
}

Result<bool> ConfigStore::persist(const std::map<std::string, StoredConnector>& next) {
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

Result<bool> ConfigStore::put(const std::string& name, const StoredConnector& connector) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto next = connectors_;
  next[name] = connector;
  return persist(next);
}

Result<bool> ConfigStore::setTarget(const std::string& name, TargetState target) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto next = connectors_;
  auto it = next.find(name);
  if (it == next.end()) return Error{"Unknown connector " + name};
  it->second.target = target;
  return persist(next);
}

Result<bool> ConfigStore::remove(const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto next = connectors_;
  next.erase(name);
  return persist(next);
}

}  // namespace sluice
