#pragma once
// `sluice provision`: apply ksql/ statements to ksqlDB and pinot/ schemas + tables to Pinot.
#include <CLI/CLI.hpp>
#include <string>

namespace sluice {

void addProvisionCommand(CLI::App& app);

// The repo's `ksql` or `pinot` folder: <exe dir>/../../<name> (build tree: build/bin/sluice),
// <exe dir>/../share/sluice/<name> (installed), then ./<name>. Empty when none exists.
std::string findAssetDir(const std::string& name);

}  // namespace sluice
