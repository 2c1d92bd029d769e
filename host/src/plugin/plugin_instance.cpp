#include "plugin/plugin_instance.hpp"

#include <vector>

namespace sluice {

namespace {
std::vector<sluice_kv> toKv(const std::map<std::string, std::string>& props) {
  std::vector<sluice_kv> kv;
  kv.reserve(props.size());
  for (const auto& [k, v] : props) kv.push_back({k.c_str(), v.c_str()});
  return kv;
}
const char* statusName(sluice_status s) {
  switch (s) {
    case SLUICE_RETRY: return "RETRY";
    case SLUICE_END_OF_INPUT: return "END_OF_INPUT";
    case SLUICE_ERR_CONFIG: return "ERR_CONFIG";
    case SLUICE_ERR_FATAL: return "ERR_FATAL";
    default: return "an unknown status";
  }
}
}  // namespace

PluginInstance::PluginInstance(PluginPtr plugin, std::unique_ptr<HostContext> context)
    : plugin_(std::move(plugin)), site_(pluginCallSiteFor(*plugin_)), context_(std::move(context)) {}

Result<PluginInstancePtr> PluginInstance::create(PluginPtr plugin, const std::map<std::string, std::string>& props,
                                                 HostContext::OffsetReader offsets) {
  auto context = std::make_unique<HostContext>(plugin->name, std::move(offsets));
  PluginInstancePtr inst(new PluginInstance(plugin, std::move(context)));
  auto kv = toKv(props);
  sluice_instance* self = nullptr;
  sluice_status s;
  {
    PluginCallScope call(inst->site_, "create");
    s = plugin->hooks->create(inst->context_->raw(), kv.data(), kv.size(), &self);
  }
  if (s != SLUICE_OK || !self) {
    inst->check(s == SLUICE_OK ? SLUICE_ERR_FATAL : s, "create");
    return Error{inst->error_};
  }
  inst->self_ = self;
  return inst;
}

PluginInstance::~PluginInstance() {
  if (!self_) return;
  stop();
  PluginCallScope call(site_, "destroy");
  plugin_->hooks->destroy(self_);
}

sluice_status PluginInstance::check(sluice_status status, const char* hook) {
  if (status == SLUICE_OK || status == SLUICE_END_OF_INPUT) return status;
  std::string message = context_->takeError();
  if (message.empty()) message = std::string("returned ") + statusName(status) + " without a message";
  error_ = plugin_->name + ": " + hook + " failed: " + message;
  return status;
}

RecordBatch& PluginInstance::emitsInto(RecordBatch& out) {
  out.acceptEmitsOf(plugin_->recordSize);
  return out;
}

sluice_status PluginInstance::checkEmitted(sluice_status status, const RecordBatch& out, const char* hook) {
  if (out.rejectedEmit().empty()) return status;
  // The plugin may have ignored emit's status; the task fails either way, naming the record's flaw.
  error_ = plugin_->name + ": " + hook + " emitted an invalid record: " + out.rejectedEmit();
  return SLUICE_ERR_FATAL;
}

sluice_status PluginInstance::start() {
  PluginCallScope call(site_, "start");
  return check(plugin_->hooks->start(self_), "start");
}

void PluginInstance::stop() {
  if (stopped_.exchange(true)) return;
  PluginCallScope call(site_, "stop");
  plugin_->hooks->stop(self_);
}

sluice_status PluginInstance::poll(RecordBatch& out, int32_t timeoutMs) {
  PluginCallScope call(site_, "poll");
  return checkEmitted(check(plugin_->hooks->poll(self_, reinterpret_cast<sluice_batch*>(&emitsInto(out)), timeoutMs), "poll"), out, "poll");
}

void PluginInstance::delivered(const sluice_record& record, int32_t partition, int64_t offset) {
  if (!plugin_->hooks->on_delivered) return;
  PluginCallScope call(site_, "on_delivered");
  plugin_->hooks->on_delivered(self_, &record, partition, offset);
}

sluice_status PluginInstance::apply(const sluice_record& in, RecordBatch& out) {
  PluginCallScope call(site_, "apply");
  return checkEmitted(check(plugin_->hooks->apply(self_, &in, reinterpret_cast<sluice_batch*>(&emitsInto(out))), "apply"), out, "apply");
}

sluice_status PluginInstance::tick(int64_t nowMs, RecordBatch& out) {
  if (!plugin_->hooks->tick) return SLUICE_OK;
  PluginCallScope call(site_, "tick");
  return checkEmitted(check(plugin_->hooks->tick(self_, nowMs, reinterpret_cast<sluice_batch*>(&emitsInto(out))), "tick"), out, "tick");
}

int64_t PluginInstance::heldOffset(const std::string& topic, int32_t partition) {
  if (!plugin_->hooks->held_offset) return -1;
  PluginCallScope call(site_, "held_offset");
  return plugin_->hooks->held_offset(self_, topic.c_str(), partition);
}

sluice_status PluginInstance::put(std::span<const sluice_record* const> records) {
  PluginCallScope call(site_, "put");
  return check(plugin_->hooks->put(self_, records.data(), records.size()), "put");
}

sluice_status PluginInstance::flush() {
  PluginCallScope call(site_, "flush");
  return check(plugin_->hooks->flush(self_), "flush");
}

std::vector<std::pair<std::string, std::string>> runPluginValidate(const PluginDescriptor& plugin,
                                                                   const std::map<std::string, std::string>& props) {
  if (!plugin.hooks->validate) return {};
  HostContext context(plugin.name);
  auto kv = toKv(props);
  PluginCallSite site = pluginCallSiteFor(plugin);
  sluice_status s;
  {
    PluginCallScope call(site, "validate");
    s = plugin.hooks->validate(context.raw(), kv.data(), kv.size());
  }
  auto errors = context.configErrors();
  if (s != SLUICE_OK) errors.emplace_back("", plugin.name + ": validate failed: " + context.takeError());
  return errors;
}

}  // namespace sluice
