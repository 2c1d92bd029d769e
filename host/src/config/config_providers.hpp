#pragma once
// KIP-297 config providers: secrets stay out of connector and worker configs, which hold
// `${provider:path:key}` placeholders instead (Connect's ConfigTransformer syntax,
// `\$\{([^}]*?):(([^}]*?):)?([^}]*?)\}`). The worker names its providers:
//
//   config.providers: file,directory,env
//   config.providers.file.class: org.apache.kafka.common.config.provider.FileConfigProvider   (or "file")
//   config.providers.directory.class: DirectoryConfigProvider                                    (or "directory")
//   config.providers.env.class: EnvVarConfigProvider                                             (or "env")
//
//   ${file:/etc/sluice/db.properties:password}  the key `password` of a Java properties file
//   ${directory:/run/secrets:db-password}       the content of the file db-password in that folder
//   ${env:DB_PASSWORD}                           an environment variable
//
// Parameters as Connect's: config.providers.<name>.param.allowed.paths (KIP-993, file and directory:
// the files must be below one of these folders) and config.providers.<name>.param.allowlist.pattern
// (KIP-887, env: the variable names allowed, a regular expression).
//
// Unlike Connect, which leaves a placeholder with an unknown provider or a missing key unchanged,
// every placeholder must resolve: a secret that silently stays "${env:DB_PASSWORD}" only fails
// later, at the database, with a less useful message.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/result.hpp"

namespace sluice {

class ConfigProvider {
 public:
  virtual ~ConfigProvider() = default;
  // The value of `key` at `path`, or an error saying what is missing (never a secret's value).
  virtual Result<std::string> get(const std::string& path, const std::string& key) const = 0;
};

class ConfigProviders {
 public:
  // From the worker's settings (config.providers and config.providers.<name>.*); an unknown class
  // or a bad parameter is an error naming the key.
  static Result<ConfigProviders> fromWorker(const std::map<std::string, std::string>& workerValues);

  bool empty() const { return providers_.empty(); }
  // True when the value holds a placeholder.
  static bool hasPlaceholder(const std::string& value);
  // Every value with its placeholders replaced. The error names the configuration key and the
  // placeholder's provider, path and key.
  Result<std::map<std::string, std::string>> resolve(const std::map<std::string, std::string>& config) const;

 private:
  std::map<std::string, std::shared_ptr<const ConfigProvider>> providers_;
};

// The worker's own settings with their placeholders resolved (the config.providers.* keys stay as
// they are): what Connect's WorkerConfig does at start.
Result<std::map<std::string, std::string>> resolveWorkerPlaceholders(const std::map<std::string, std::string>& workerValues);

}  // namespace sluice
