#pragma once
// HostContext: what the opaque sluice_host_ctx* handed to a plugin points at. One per plugin
// instance (or per validate call). It collects the plugin's error message and config errors and
// answers source-offset look-ups.
#include <sluice/plugin.h>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace spdlog {
class logger;
}

namespace sluice {

class HostContext {
 public:
  // Looks up the committed offset (JSON) of a source partition (JSON).
  using OffsetReader = std::function<std::optional<std::string>(const std::string& partitionJson)>;

  explicit HostContext(std::string pluginName, OffsetReader offsets = {});

  sluice_host_ctx* raw() { return reinterpret_cast<sluice_host_ctx*>(this); }
  static HostContext* from(sluice_host_ctx* ctx) { return reinterpret_cast<HostContext*>(ctx); }

  const std::string& pluginName() const { return pluginName_; }
  // The message of the last set_error, consumed by the caller that saw a non-OK status.
  std::string takeError();
  void setError(std::string message) { error_ = std::move(message); }
  void addConfigError(std::string key, std::string message) { configErrors_.emplace_back(std::move(key), std::move(message)); }
  const std::vector<std::pair<std::string, std::string>>& configErrors() const { return configErrors_; }
  void log(int32_t level, const char* message);
  const char* readOffset(const char* partitionJson);
  // report_health (any thread). Logs each change once.
  void reportHealth(bool healthy, const char* message);
  // While the plugin says it cannot reach its outside system: "<plugin> since <UTC time>: <message>".
  std::optional<std::string> healthProblem() const;

 private:
  std::string pluginName_;
  OffsetReader offsets_;
  std::string error_;
  std::string offsetScratch_;  // the text returned by read_offset lives here until the next call
  std::vector<std::pair<std::string, std::string>> configErrors_;
  std::shared_ptr<spdlog::logger> logger_;
  mutable std::mutex healthMutex_;
  std::optional<std::string> unhealthyMessage_;  // set while degraded
  std::chrono::system_clock::time_point unhealthySince_;
};

// The one host API table given to every plugin's entry point.
const sluice_host_api* hostApi();

}  // namespace sluice
