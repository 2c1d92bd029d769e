// Fuzzes connector config validation (POST/PUT /connectors, PUT .../config/validate) with arbitrary
// keys and values against the built-in plugins, so the framework's ConfigDef, the transforms and
// predicates chains, the converters and every plugin's own validate() hook see hostile configs.
// Input: one `key=value` per line; a line without '=' is a key sent as JSON null.
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>

#include "runtime/connector_config.hpp"

namespace {

sluice::PluginRegistry& registry() {
  static sluice::PluginRegistry* plugins = [] {
    auto* r = new sluice::PluginRegistry();  // lives as long as the process: plugins are never unloaded
    r->scanDirectory(SLUICE_PLUGIN_DIR);
    return r;
  }();
  return *plugins;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  registry();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::map<std::string, std::string> config;
  std::set<std::string> nullKeys;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) nullKeys.emplace(line);
    else config[std::string(line.substr(0, eq))] = std::string(line.substr(eq + 1));
  }
  auto validation = sluice::validateConnectorConfig(config, registry(), nullKeys);
  if (!validation.failure) {
    (void)validation.infos.errorCount();
    (void)sluice::invalidConfigMessage(validation.infos);
  }
  (void)sluice::javaMapString(config);
  return 0;
}
