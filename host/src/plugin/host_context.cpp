#include "plugin/host_context.hpp"

#include <spdlog/spdlog.h>

#include "common/logging.hpp"
#include "plugin/record_batch.hpp"

namespace sluice {

HostContext::HostContext(std::string pluginName, OffsetReader offsets)
    : pluginName_(std::move(pluginName)), offsets_(std::move(offsets)), logger_(logger("sluice.plugin." + pluginName_)) {}

std::string HostContext::takeError() {
  std::string e = std::move(error_);
  error_.clear();
  return e;
}

void HostContext::log(int32_t level, const char* message) {
  static constexpr spdlog::level::level_enum kLevels[] = {spdlog::level::trace, spdlog::level::debug, spdlog::level::info,
                                                          spdlog::level::warn, spdlog::level::err};
  auto lvl = level >= 0 && level <= 4 ? kLevels[level] : spdlog::level::info;
  logger_->log(lvl, "{}", message ? message : "");
}

const char* HostContext::readOffset(const char* partitionJson) {
  if (!offsets_ || !partitionJson) return nullptr;
  auto found = offsets_(partitionJson);
  if (!found) return nullptr;
  offsetScratch_ = std::move(*found);
  return offsetScratch_.c_str();
}

namespace {

void apiSetError(sluice_host_ctx* ctx, const char* message) {
  if (ctx) HostContext::from(ctx)->setError(message ? message : "");
}
void apiLog(sluice_host_ctx* ctx, int32_t level, const char* message) {
  if (ctx) HostContext::from(ctx)->log(level, message);
}
sluice_status apiEmit(sluice_batch* batch, const sluice_record* record) {
  if (!batch || !record) return SLUICE_ERR_FATAL;
  return reinterpret_cast<RecordBatch*>(batch)->addEmitted(record);
}
void apiAddConfigError(sluice_host_ctx* ctx, const char* key, const char* message) {
  if (ctx) HostContext::from(ctx)->addConfigError(key ? key : "", message ? message : "");
}
const char* apiReadOffset(sluice_host_ctx* ctx, const char* partitionJson) {
  return ctx ? HostContext::from(ctx)->readOffset(partitionJson) : nullptr;
}

const sluice_host_api kHostApi = {
    sizeof(sluice_host_api), SLUICE_ABI_MAJOR, SLUICE_ABI_MINOR, apiSetError, apiLog, apiEmit, apiAddConfigError,
    apiReadOffset,
};

}  // namespace

const sluice_host_api* hostApi() { return &kHostApi; }

}  // namespace sluice
