#pragma once
// ConfigStore: connector configs and target states. Connect standalone keeps these in memory only;
// Sluice also persists them (config.storage.file.filename) so a restart, even after kill -9, brings
// every connector back in its paused/stopped/running state. Every change is written atomically
// before it is acknowledged. Without a path the store is memory-only, as Connect standalone.
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "common/result.hpp"

namespace sluice {

// Connect's TargetState: STARTED (REST "RUNNING"), PAUSED, STOPPED.
enum class TargetState { Started, Paused, Stopped };
const char* targetStateName(TargetState state);  // "STARTED", "PAUSED", "STOPPED"
bool parseTargetState(const std::string& text, TargetState& out);  // also accepts RUNNING

struct StoredConnector {
  std::map<std::string, std::string> config;
  TargetState target = TargetState::Started;
};

class ConfigStore {
 public:
  // Loads `path` when given and present; an error when the file is corrupt.
  static Result<std::unique_ptr<ConfigStore>> open(const std::string& path);

  std::map<std::string, StoredConnector> all() const;
  // Each returns an error (and changes nothing) when the file cannot be written.
  Result<bool> put(const std::string& name, const StoredConnector& connector);
  Result<bool> setTarget(const std::string& name, TargetState target);
  Result<bool> remove(const std::string& name);

 private:
  explicit ConfigStore(std::string path) : path_(std::move(path)) {}
  Result<bool> persist(const std::map<std::string, StoredConnector>& next);

  std::string path_;
  mutable std::mutex mutex_;
  std::map<std::string, StoredConnector> connectors_;
};

}  // namespace sluice
