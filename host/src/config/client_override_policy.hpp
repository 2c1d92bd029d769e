#pragma once
// connector.client.config.override.policy (KIP-458): which Kafka client settings a connector may
// override with `producer.override.`, `consumer.override.` and `admin.override.` keys. Connect's
// three policies, by class name, simple name or alias:
//   None      (NoneConnectorClientConfigOverridePolicy)      no override at all
//   Principal (PrincipalConnectorClientConfigOverridePolicy) sasl.jaas.config, sasl.mechanism, security.protocol
//   All       (AllConnectorClientConfigOverridePolicy)       any key; Connect's default since 3.0
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sluice {

enum class OverridePolicy { None, Principal, All };

// The policy a worker setting names, or nullopt for a name Connect does not know.
std::optional<OverridePolicy> parseOverridePolicy(const std::string& value);
const char* overridePolicyName(OverridePolicy policy);  // "None", "Principal", "All"
const char* overridePolicyChoices();                    // for error messages

// One `<client>.override.<key>` setting of a connector config.
struct ClientOverride {
  std::string name;       // as written: "producer.override.sasl.jaas.config"
  std::string clientKey;  // without the prefix: "sasl.jaas.config"
  std::string value;
  std::optional<std::string> refusal;  // Connect's message when the policy does not allow it
};

// Every client override in the connector config, each with the policy's verdict.
std::vector<ClientOverride> connectorClientOverrides(const std::map<std::string, std::string>& connectorConfig,
                                                     OverridePolicy policy);

}  // namespace sluice
