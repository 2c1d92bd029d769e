#pragma once
// `sluice plugins list | describe | check`.
#include <CLI/CLI.hpp>

namespace sluice {

void addPluginsCommand(CLI::App& app);

}  // namespace sluice
