#pragma once
// The librdkafka configuration of a Kafka plugin's client, built from the connector config as
// Kafka Connect builds its worker clients: Connect's defaults first, then every `consumer.` or
// `producer.` key with the prefix removed (the user's overrides; `consumer.override.X` over
// `consumer.X`, as Connect's connector-level overrides), then the settings the plugin
// cannot work without, then the required connection keys. Every refusal names the connector key.
#include <librdkafka/rdkafka.h>
#include <sluice/plugin.hpp>

#include "sluice_kafka/client_security.hpp"

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::kafka {

struct ClientConfigSpec {
  std::string_view prefix;          // "consumer." or "producer."
  std::string_view clientIdPrefix;  // client.id is this plus the connector name, as in Connect
  std::vector<std::pair<std::string, std::string>> defaults;  // overridable with the prefix
  std::vector<std::pair<std::string, std::string>> enforced;  // not overridable
  std::vector<std::string> required;                          // unprefixed keys that must be set
  std::vector<std::string> ownKeys;  // prefixed keys the plugin reads itself, not librdkafka
};

// Builds the configuration; throws sluice::ConfigError naming the key. The caller owns the result.
inline rd_kafka_conf_t* buildClientConf(const Config& config, const ClientConfigSpec& spec) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char errstr[512];
  auto set = [&](const std::string& key, const std::string& value, const std::string& shownKey) {
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      throw ConfigError("Invalid value " + shownConfigValue(shownKey, value) + " for configuration " + shownKey + ": " + errstr);
    }
  };
  const std::string prefix(spec.prefix);
  for (const auto& [k, v] : spec.defaults) set(k, v, prefix + k);
  std::string name = config.getString("name");
  if (!name.empty()) set("client.id", std::string(spec.clientIdPrefix) + name, "name");
  // Connect's per-connector `<prefix>override.X` wins over `<prefix>X`. A task's config has them
  // merged already by the host; a connector config being validated still has them as written.
  // Java's security keys are then translated to librdkafka's (client_security.hpp).
  const std::string overridePrefix = prefix + "override.";
  std::map<std::string, std::string> userSettings;
  std::set<std::string> fromOverride;  // settings an override gave, named so in errors
  for (const bool overrides : {false, true}) {
    for (const auto& [key, value] : config.all()) {
      if (key.size() <= prefix.size() || key.compare(0, prefix.size(), prefix) != 0) continue;
      const bool isOverride = key.compare(0, overridePrefix.size(), overridePrefix) == 0;
      if (isOverride != overrides) continue;
      std::string k = key.substr(isOverride ? overridePrefix.size() : prefix.size());
      bool own = false;
      for (const auto& o : spec.ownKeys) own = own || o == k;
      if (own || k.empty()) continue;
      userSettings[k] = value;
      if (isOverride) fromOverride.insert(k);
    }
  }
  if (std::string error = setClientSettings(conf, ClientSettings(userSettings.begin(), userSettings.end()), prefix); !error.empty()) {
    rd_kafka_conf_destroy(conf);
    for (const auto& k : fromOverride) {
      const std::string shown = "configuration " + prefix + k + ":";
      if (auto at = error.find(shown); at != std::string::npos) error.replace(at, shown.size(), "configuration " + overridePrefix + k + ":");
    }
    throw ConfigError(error);
  }
  for (const auto& [k, v] : spec.enforced) set(k, v, k);
  for (const auto& key : spec.required) {
    std::string value = config.getString(key);
    if (value.empty()) {
      rd_kafka_conf_destroy(conf);
      throw ConfigError("Missing required configuration \"" + key + "\" which has no default value.");
    }
    set(key, value, key);
  }
  return conf;
}

// Validation for a plugin's validate(): the error buildClientConf would throw, on the key it names.
inline void validateClientConf(const Config& config, const ClientConfigSpec& spec, Validation& v) {
  try {
    rd_kafka_conf_destroy(buildClientConf(config, spec));
  } catch (const ConfigError& e) {
    const std::string message = e.what();
    std::string key = spec.required.empty() ? std::string("name") : spec.required.front();
    for (const auto& r : spec.required) {
      if (message.find("configuration \"" + r + "\"") != std::string::npos) key = r;
    }
    for (const auto& [k, value] : config.all()) {
      if (message.find("configuration " + k + ":") != std::string::npos) key = k;
    }
    v.addError(key, message);
  }
}

}  // namespace sluice::kafka
