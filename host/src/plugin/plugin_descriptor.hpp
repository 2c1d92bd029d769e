#pragma once
// PluginDescriptor: the host's own deep copy of what a plugin declared (names, config table), plus
// the hook table, which stays valid because libraries are never unloaded.
#include <sluice/plugin.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sluice {

// One key of a config table, as Connect's ConfigDef.ConfigKey.
struct ConfigKey {
  std::string name;
  sluice_config_type type = SLUICE_CFG_STRING;
  bool required = false;
  std::optional<std::string> defaultValue;  // nullopt: null default (or none, when required)
  sluice_importance importance = SLUICE_IMPORTANCE_MEDIUM;
  int32_t order = -1;
  std::string documentation;
  std::string validator;  // "" means any value; see sluice_config_def.validator
  std::optional<std::string> group;
};

struct PluginDescriptor {
  std::string name;
  sluice_kind kind = 0;
  std::vector<std::string> aliases;
  std::string version;
  std::string description;
  std::vector<ConfigKey> config;
  std::string path;                      // the .so it came from
  uint64_t contentHash = 0;              // of the file's bytes when loaded: which version this is
  const sluice_plugin* hooks = nullptr;  // static in the loaded library
  uint32_t recordSize = sizeof(sluice_record);  // the manifest's record_size: how much of an emitted record to read
};

using PluginPtr = std::shared_ptr<const PluginDescriptor>;

// "source", "transform", "sink".
const char* kindName(sluice_kind kind);
// Connect's names: "STRING", "INT", ...; "HIGH", ...
const char* configTypeName(sluice_config_type type);
const char* importanceName(sluice_importance importance);

}  // namespace sluice
