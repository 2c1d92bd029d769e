#pragma once
// ConnectorConfig: Kafka Connect's framework ConfigDef (ConnectorConfig + SinkConnectorConfig) and
// the whole-connector validation behind POST/PUT /connectors and .../config/validate: framework
// keys, the plugin's own table and validate() hook, transforms/predicates chains and converters,
// with Connect's messages. Produces the ConfigInfos document and the effective config.
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "config/client_override_policy.hpp"
#include "config/worker_config.hpp"
#include "plugin/plugin_descriptor.hpp"
#include "plugin/plugin_registry.hpp"

namespace sluice {

enum class ConnectorType { Source, Sink, Unknown };
const char* connectorTypeName(ConnectorType type);  // "source", "sink", "unknown"
ConnectorType connectorTypeOf(const PluginPtr& plugin);

// One entry of ConfigInfos.configs: a definition (absent for values no table defines) and its value.
struct ConfigEntry {
  std::optional<ConfigKey> definition;
  std::string name;
  std::optional<std::string> value;
  std::vector<std::string> recommended;
  std::vector<std::string> errors;
};

struct ConfigInfos {
  std::string name;  // connector.class as submitted
  std::vector<std::string> groups;
  std::vector<ConfigEntry> configs;
  size_t errorCount() const;
  std::vector<std::string> allErrors() const;
};

// A request the validation cannot even start on (no class, unknown class): status + message.
struct ConfigFailure {
  int status = 400;
  std::string message;
};

struct ConnectorValidation {
  std::optional<ConfigFailure> failure;  // set: nothing else is meaningful
  PluginPtr plugin;
  ConnectorType type = ConnectorType::Unknown;
  ConfigInfos infos;
  std::map<std::string, std::string> effective;  // defaults filled in
};

// Framework keys for a connector of this type, in Connect's definition order.
std::vector<ConfigKey> frameworkConfigKeys(ConnectorType type);
// GET /connector-plugins/{p}/config for a connector: its own keys first, then framework keys it
// does not define itself.
std::vector<ConfigKey> connectorPluginConfigKeys(const PluginDescriptor& plugin);

// `nullKeys` are keys the client sent as JSON null (reported as errors, as Connect does). Client
// overrides (`producer.override.*`, ...) are listed after the connector's keys, each with the
// worker's `policy` verdict, as Connect's AbstractHerder.validateClientOverrides does. `worker`
// supplies what the host hands to every task (file.allowed.paths), so validate() sees it too.
ConnectorValidation validateConnectorConfig(const std::map<std::string, std::string>& config,
                                            const PluginRegistry& registry,
                                            const std::set<std::string>& nullKeys = {},
                                            OverridePolicy policy = OverridePolicy::All,
                                            std::shared_ptr<const WorkerConfig> worker = nullptr);

// "Connector configuration is invalid and contains the following N error(s):\n...".
std::string invalidConfigMessage(const ConfigInfos& infos);
// Java's Map.toString: "{a=1, b=2}".
std::string javaMapString(const std::map<std::string, std::string>& config);
// Comma list split with whitespace trimmed, empty items dropped (Connect's LIST type).
std::vector<std::string> splitConfigList(const std::string& value);

}  // namespace sluice
