#pragma once
// Validates a flat string config against a config table with Kafka Connect's ConfigDef rules and
// messages ("Missing required configuration ...", "Invalid value x for configuration k: ...").
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "plugin/plugin_descriptor.hpp"

namespace sluice {

struct ConfigValueResult {
  std::string name;
  std::optional<std::string> value;  // the given value, else the default; nullopt for null
  std::vector<std::string> errors;
};

struct ValidationResult {
  std::vector<ConfigValueResult> values;  // one per key of the table, in table order
  // The config with defaults filled in for absent keys (keys outside the table pass through).
  std::map<std::string, std::string> effective;
  size_t errorCount() const;
  std::vector<std::string> allErrors() const;
};

// `prefix` is prepended to every table key (e.g. "transforms.window.") when reading `config`.
ValidationResult validateConfig(const std::vector<ConfigKey>& table, const std::map<std::string, std::string>& config,
                                const std::string& prefix = "");

// One value against one key; returns the error detail ("" when valid), e.g. "Value must be at least 1".
std::string checkValue(const ConfigKey& key, const std::string& value);

}  // namespace sluice
