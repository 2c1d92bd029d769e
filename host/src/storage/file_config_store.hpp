#pragma once
// FileConfigStore: the standalone ConfigStore. Connect standalone keeps configs in memory only;
// Sluice also persists connector configs and target states (config.storage.file.filename) so a
// restart, even after kill -9, brings every connector back in its paused/stopped/running state.
// Every change is written atomically (storage/atomic_file) before it is acknowledged. Without a
// path the store is memory-only, as Connect standalone. Task configs are kept in memory only: a
// standalone worker regenerates them from the connector config when it starts.
#include <memory>
#include <mutex>
#include <string>

#include "storage/config_store.hpp"

namespace sluice {

class FileConfigStore : public ConfigStore {
 public:
  // Loads `path` when given and present; an error when the file is corrupt.
  static Result<std::unique_ptr<FileConfigStore>> open(const std::string& path);

  std::map<std::string, StoredConnector> all() const override;
  Result<bool> put(const std::string& name, const StoredConnector& connector) override;
  Result<bool> setTarget(const std::string& name, TargetState target) override;
  Result<bool> remove(const std::string& name) override;
  Result<bool> putTaskConfigs(const std::string& name, const std::vector<ConfigMap>& tasks) override;

 private:
  explicit FileConfigStore(std::string path) : path_(std::move(path)) {}
  Result<bool> persist(const std::map<std::string, StoredConnector>& next);

  std::string path_;
  mutable std::mutex mutex_;
  std::map<std::string, StoredConnector> connectors_;
};

}  // namespace sluice
