#include "plugin/host_context.hpp"

#include <spdlog/spdlog.h>

#include <ctime>

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

void HostContext::reportHealth(bool healthy, const char* message) {
  std::string text = message ? message : "";
  std::lock_guard<std::mutex> lock(healthMutex_);
  if (healthy) {
    if (unhealthyMessage_) logger_->info("healthy again after: {}", *unhealthyMessage_);
    unhealthyMessage_.reset();
    return;
  }
  if (!unhealthyMessage_) {
    unhealthySince_ = std::chrono::system_clock::now();
    logger_->warn("unhealthy: {}", text);
  }
  unhealthyMessage_ = text.empty() ? "unhealthy (no reason given)" : text;
}

std::optional<std::string> HostContext::healthProblem() const {
  std::lock_guard<std::mutex> lock(healthMutex_);
  if (!unhealthyMessage_) return std::nullopt;
  // ISO 8601 in UTC, as Connect's logs and Kafka's tools print times.
  std::time_t since = std::chrono::system_clock::to_time_t(unhealthySince_);
  std::tm utc{};
  gmtime_r(&since, &utc);
  char when[32];
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return pluginName_ + " since " + when + ": " + *unhealthyMessage_;
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

void apiReportHealth(sluice_host_ctx* ctx, int32_t healthy, const char* message) {
  if (ctx) HostContext::from(ctx)->reportHealth(healthy != 0, message);
}

const sluice_host_api kHostApi = {
    sizeof(sluice_host_api), SLUICE_ABI_MAJOR, SLUICE_ABI_MINOR, apiSetError, apiLog, apiEmit, apiAddConfigError,
    apiReadOffset, apiReportHealth,
};

}  // namespace

const sluice_host_api* hostApi() { return &kHostApi; }

}  // namespace sluice
