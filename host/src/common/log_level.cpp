#include "common/log_level.hpp"

#include <algorithm>
#include <cctype>
#include <map>

namespace sluice {

std::optional<spdlog::level::level_enum> parseLogLevel(const std::string& text) {
  std::string lower = text;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  static const std::map<std::string, spdlog::level::level_enum> levels = {
      {"all", spdlog::level::trace},  // log4j's lowest level
      {"trace", spdlog::level::trace},
      {"debug", spdlog::level::debug},
      {"info", spdlog::level::info},
      {"warn", spdlog::level::warn},
      {"warning", spdlog::level::warn},
      {"err", spdlog::level::err},
      {"error", spdlog::level::err},
      {"fatal", spdlog::level::critical},  // log4j's name for the level above error
      {"critical", spdlog::level::critical},
      {"off", spdlog::level::off}};
  auto it = levels.find(lower);
  if (it == levels.end()) return std::nullopt;
  return it->second;
}

const char* logLevelNames() {
  return "TRACE, DEBUG, INFO, WARN, ERROR, FATAL, OFF (log4j, as Connect) or trace, debug, info, warn, warning, err, "
         "error, critical, off (spdlog), in any case";
}

}  // namespace sluice
