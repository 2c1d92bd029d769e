#pragma once
// PluginInstance: one live plugin object behind the C ABI, with RAII (destroy on scope exit) and
// every failure turned into a message naming the plugin and the hook. Every hook call runs inside a
// PluginCallScope, so a crash in plugin code is blamed on this instance (plugin/plugin_call.hpp).
#include <atomic>
#include <map>
#include <memory>
#include <span>
#include <string>

#include "common/result.hpp"
#include "plugin/host_context.hpp"
#include "plugin/plugin_call.hpp"
#include "plugin/plugin_descriptor.hpp"
#include "plugin/record_batch.hpp"

namespace sluice {

class PluginInstance;
using PluginInstancePtr = std::unique_ptr<PluginInstance>;

class PluginInstance {
 public:
  // Creates (but does not start) an instance. props are the plugin's validated config.
  static Result<PluginInstancePtr> create(PluginPtr plugin, const std::map<std::string, std::string>& props,
                                          HostContext::OffsetReader offsets = {});
  ~PluginInstance();
  PluginInstance(const PluginInstance&) = delete;
  PluginInstance& operator=(const PluginInstance&) = delete;

  const PluginDescriptor& plugin() const { return *plugin_; }

  // Each returns the plugin's status; on a non-OK status error() says why.
  sluice_status start();
  void stop();  // any thread; idempotent
  sluice_status poll(RecordBatch& out, int32_t timeoutMs);
  void delivered(const sluice_record& record, int32_t partition, int64_t offset);
  sluice_status apply(const sluice_record& in, RecordBatch& out);
  bool hasTick() const { return plugin_->hooks->tick != nullptr; }
  sluice_status tick(int64_t nowMs, RecordBatch& out);
  // -1 when nothing is held (or the transform keeps no state).
  int64_t heldOffset(const std::string& topic, int32_t partition);
  sluice_status put(std::span<const sluice_record* const> records);
  sluice_status flush();

  // Any thread: set while the plugin reports it cannot reach its outside system (report_health).
  std::optional<std::string> healthProblem() const { return context_->healthProblem(); }

  // "<plugin>: <hook> failed: <message>" for the last non-OK status.
  const std::string& error() const { return error_; }

 private:
  PluginInstance(PluginPtr plugin, std::unique_ptr<HostContext> context);
  sluice_status check(sluice_status status, const char* hook);
  // Around a hook that may emit into `out`: the plugin's record size in, a refused record out.
  RecordBatch& emitsInto(RecordBatch& out);
  sluice_status checkEmitted(sluice_status status, const RecordBatch& out, const char* hook);

  PluginPtr plugin_;
  PluginCallSite site_;  // connector, task, plugin and file, for crash blame
  std::unique_ptr<HostContext> context_;
  sluice_instance* self_ = nullptr;
  std::atomic<bool> stopped_{false};
  std::string error_;
};

// Runs a plugin's own validate() hook over props; returns (key, message) errors.
std::vector<std::pair<std::string, std::string>> runPluginValidate(const PluginDescriptor& plugin,
                                                                   const std::map<std::string, std::string>& props);

}  // namespace sluice
