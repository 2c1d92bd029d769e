#pragma once
// Log level names as the worker accepts them in `log.level`, `sluice kafka --log-level` and
// PUT /admin/loggers/{name}.
#include <spdlog/common.h>

#include <optional>
#include <string>

namespace sluice {

// A level in log4j's spelling, as Connect's log.level and /admin/loggers take it (ALL, TRACE, DEBUG,
// INFO, WARN, ERROR, FATAL, OFF), or spdlog's (trace, debug, info, warn, warning, err, error,
// critical, off), in any case. nullopt for anything else: spdlog's own from_str answers `off` for
// an unknown name, which would silence every log line, errors included.
std::optional<spdlog::level::level_enum> parseLogLevel(const std::string& text);

// The names parseLogLevel accepts, for error messages.
const char* logLevelNames();

}  // namespace sluice
