#include "common/logging.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>

#include <mutex>

#include "common/log_level.hpp"

namespace sluice {

namespace {
std::mutex g_mutex;
spdlog::sink_ptr sink() {
  static spdlog::sink_ptr s = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  return s;
}
}  // namespace

std::shared_ptr<spdlog::logger> logger(const std::string& name) {
  std::lock_guard<std::mutex> lock(g_mutex);
  if (auto existing = spdlog::get(name)) return existing;
  auto l = std::make_shared<spdlog::logger>(name, sink());
  l->set_level(spdlog::get_level());
  l->set_pattern("[%Y-%m-%d %H:%M:%S.%e] %^%l%$ %n: %v");
  spdlog::register_logger(l);
  return l;
}

void initLogging(const std::string& level) {
  // Callers check the name first (parseLogLevel); an unknown one must not turn logging off.
  spdlog::set_level(parseLogLevel(level).value_or(spdlog::level::info));
  spdlog::set_default_logger(logger("sluice"));
}

}  // namespace sluice
