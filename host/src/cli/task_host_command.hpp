#pragma once
// `sluice task-host --fd N --parent PID`: hidden; the worker starts it for a connector with
// `plugin.isolation: process` (runtime/isolated_pipeline.hpp). Not meant to be run by hand.
#include <CLI/CLI.hpp>

namespace sluice {

void addTaskHostCommand(CLI::App& app);

}  // namespace sluice
