#pragma once
// `sluice worker CONFIG.yaml [CONNECTOR.json ...]`.
#include <CLI/CLI.hpp>

namespace sluice {

void addWorkerCommand(CLI::App& app);

}  // namespace sluice
