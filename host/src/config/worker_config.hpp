#pragma once
// WorkerConfig: the worker's settings, read from YAML (nested maps flatten to Kafka Connect's dotted
// keys: `rest: {port: 8083}` is `rest.port`) and exposed as the same flat string map Connect uses.
#include <map>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "config/listeners.hpp"

namespace sluice {

class WorkerConfig {
 public:
  // Reads and checks a YAML file. The error names the file and, for YAML errors, the line. Relative
  // file and folder paths in it (state files, plugin.path, file.allowed.paths, embedded.bootstrap.file)
  // are resolved against the file's folder.
  static Result<WorkerConfig> load(const std::string& path);
  static Result<WorkerConfig> fromYaml(const std::string& text, const std::string& origin = "<string>");
  static WorkerConfig fromMap(std::map<std::string, std::string> values);

  const std::map<std::string, std::string>& values() const { return values_; }
  std::string get(const std::string& key, const std::string& fallback = "") const;
  int64_t getLong(const std::string& key, int64_t fallback) const;
  bool getBool(const std::string& key, bool fallback) const;
  void set(const std::string& key, std::string value) { values_[key] = std::move(value); }

  // Typed views over the keys Connect workers know.
  std::string bootstrapServers() const { return get("bootstrap.servers", "embedded"); }
  bool embeddedKafka() const { return bootstrapServers() == "embedded"; }
  std::vector<std::string> pluginPath() const;  // plugin.path, comma-separated
  std::string restHost() const;                  // from listeners, else rest.host.name
  int restPort() const;                          // from listeners, else rest.port (8083)
  // Every REST listener: those `listeners` names, else one http listener on rest.host.name:rest.port.
  std::vector<Listener> restListeners() const;
  // Every key starting with `prefix`, with the prefix removed ("producer." -> {"acks": "all"}).
  std::map<std::string, std::string> withPrefix(const std::string& prefix) const;

  // Keys this worker understands; anything else is reported as unknown (Connect logs it).
  static const std::vector<std::string>& knownKeys();
  std::vector<std::string> unknownKeys() const;
  // Makes the relative paths of the keys load() names absolute, below `folder`.
  void resolvePathsAgainst(const std::string& folder);

 private:
  std::map<std::string, std::string> values_;
};

}  // namespace sluice
