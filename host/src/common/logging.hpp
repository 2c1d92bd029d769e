#pragma once
// Named loggers, as Connect's log4j loggers: "sluice.worker", "sluice.rest", "sluice.plugin.<name>".
// Every logger is registered with spdlog so /admin/loggers can list and change their levels.
#include <spdlog/spdlog.h>

#include <memory>
#include <string>

namespace sluice {

// The logger with this name, created on first use with the current default level.
std::shared_ptr<spdlog::logger> logger(const std::string& name);

// Sets up the console sink and the default level ("info", "debug", ...).
void initLogging(const std::string& level);

}  // namespace sluice
