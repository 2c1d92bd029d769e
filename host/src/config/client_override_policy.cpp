#include "config/client_override_policy.hpp"

#include <array>

namespace sluice {

namespace {

constexpr std::array<const char*, 3> kClientOverridePrefixes = {"producer.override.", "consumer.override.", "admin.override."};
constexpr const char* kPackage = "org.apache.kafka.connect.connector.policy.";
constexpr const char* kSuffix = "ConnectorClientConfigOverridePolicy";

bool allowed(OverridePolicy policy, const std::string& clientKey) {
  switch (policy) {
    case OverridePolicy::All: return true;
    case OverridePolicy::None: return false;
    case OverridePolicy::Principal:
      // Who the connector authenticates as, and nothing else.
      return clientKey == "sasl.jaas.config" || clientKey == "sasl.mechanism" || clientKey == "security.protocol";
  }
  return false;
}

}  // namespace

std::optional<OverridePolicy> parseOverridePolicy(const std::string& value) {
  for (OverridePolicy p : {OverridePolicy::None, OverridePolicy::Principal, OverridePolicy::All}) {
    std::string alias = overridePolicyName(p);
    std::string simple = alias + kSuffix;
    if (value == alias || value == simple || value == kPackage + simple) return p;
  }
  return std::nullopt;
}

const char* overridePolicyName(OverridePolicy policy) {
  switch (policy) {
    case OverridePolicy::None: return "None";
    case OverridePolicy::Principal: return "Principal";
    case OverridePolicy::All: return "All";
  }
  return "All";
}

const char* overridePolicyChoices() {
  return "None, Principal, All (or org.apache.kafka.connect.connector.policy.<Name>ConnectorClientConfigOverridePolicy)";
}

std::vector<ClientOverride> connectorClientOverrides(const std::map<std::string, std::string>& connectorConfig,
                                                     OverridePolicy policy) {
  std::vector<ClientOverride> out;
  for (const char* prefix : kClientOverridePrefixes) {
    std::string p = prefix;
    for (auto it = connectorConfig.lower_bound(p); it != connectorConfig.end() && it->first.compare(0, p.size(), p) == 0; ++it) {
      ClientOverride o{it->first, it->first.substr(p.size()), it->second, std::nullopt};
      if (!allowed(policy, o.clientKey))
        o.refusal = std::string("The '") + overridePolicyName(policy) + "' policy does not allow '" + o.clientKey +
                    "' to be overridden in the connector configuration.";
      out.push_back(std::move(o));
    }
  }
  return out;
}

}  // namespace sluice
