#pragma once
// `sluice watch`: the demo's window display. Consumes the aggregates topic and the raw input topic,
// and checks every emitted window against its own independent sum of the paid input.
#include <CLI/CLI.hpp>

namespace sluice {

void addWatchCommand(CLI::App& app);

}  // namespace sluice
