#pragma once
// Which configuration keys hold secrets. Kafka Connect hides the values of PASSWORD-typed keys
// (ConfigDef.Type.PASSWORD prints as "[hidden]") in validate answers and logged configs; the Java
// clients type these keys PASSWORD: ssl.key.password, ssl.keystore.password, ssl.truststore.password,
// sasl.jaas.config, ssl.keystore.key, ssl.keystore.certificate.chain, ssl.truststore.certificates, and
// Confluent's converters basic.auth.user.info. librdkafka's own secrets (sasl.password, ssl.key.pem,
// sasl.oauthbearer.client.secret) are added, and any `*.password` / `*.secret` key, whatever its
// prefix (`producer.`, `consumer.override.`, `value.converter.`, a connector's own key).
#include <array>
#include <string_view>

namespace sluice::kafka {

inline constexpr std::string_view kHiddenValue = "[hidden]";

inline bool isSensitiveConfigKey(std::string_view key) {
  auto endsWith = [&](std::string_view tail) {
    if (key.size() < tail.size() || key.compare(key.size() - tail.size(), tail.size(), tail) != 0) return false;
    // A whole dotted segment: "sasl.password" and "password" match, "nopassword" does not.
    return key.size() == tail.size() || key[key.size() - tail.size() - 1] == '.';
  };
  static constexpr std::array<std::string_view, 8> kSecretTails = {
      "password",         "secret",      "sasl.jaas.config",
      "basic.auth.user.info", "ssl.keystore.key", "ssl.key.pem",
      "ssl.keystore.certificate.chain", "ssl.truststore.certificates"};
  for (auto tail : kSecretTails)
    if (endsWith(tail)) return true;
  return false;
}

// The value as it may be shown: "[hidden]" for a secret.
template <typename String>
String shownConfigValue(std::string_view key, const String& value) {
  return isSensitiveConfigKey(key) ? String(kHiddenValue) : value;
}

}  // namespace sluice::kafka
