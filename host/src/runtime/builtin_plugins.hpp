#pragma once
// BuiltinPlugins: the host's own converters and predicates, as Connect lists them on
// /connector-plugins?connectorsOnly=false and resolves them by full class name or alias. This is
// the catalog (names and config keys); the pipeline implements their behaviour.
#include <string>
#include <vector>

#include "plugin/plugin_descriptor.hpp"

namespace sluice {

struct BuiltinPlugin {
  std::string className;              // full Connect class name
  std::string type;                   // "converter", "header_converter", "predicate"
  std::vector<std::string> aliases;   // simple name, and simple name minus the type suffix
  std::vector<ConfigKey> config;
};

// Every built-in, in Connect's listing order (predicates, converters, header converters).
const std::vector<BuiltinPlugin>& builtinPlugins();
// By full class name or alias; nullptr when unknown.
const BuiltinPlugin* findBuiltin(const std::string& nameOrAlias);
// The Kafka version the built-ins report (as Connect's own plugins do).
inline constexpr const char* kBuiltinVersion = "3.9.0";

}  // namespace sluice
