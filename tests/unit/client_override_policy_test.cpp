// connector.client.config.override.policy (KIP-458): Connect's policy names and class names, which
// overrides each allows, and Connect's refusal message.
#include <gtest/gtest.h>

#include "config/client_override_policy.hpp"
#include "config/worker_config.hpp"

namespace sluice {
namespace {

TEST(ClientOverridePolicy, AliasesSimpleAndFullClassNamesAreAccepted) {
  EXPECT_EQ(parseOverridePolicy("None"), OverridePolicy::None);
  EXPECT_EQ(parseOverridePolicy("PrincipalConnectorClientConfigOverridePolicy"), OverridePolicy::Principal);
  EXPECT_EQ(parseOverridePolicy("org.apache.kafka.connect.connector.policy.AllConnectorClientConfigOverridePolicy"), OverridePolicy::All);
  EXPECT_FALSE(parseOverridePolicy("all").has_value());
  EXPECT_FALSE(parseOverridePolicy("Some").has_value());
}

TEST(ClientOverridePolicy, PrincipalAllowsOnlyWhoTheConnectorAuthenticatesAs) {
  std::map<std::string, std::string> config = {{"name", "c"},
                                               {"producer.override.sasl.jaas.config", "x"},
                                               {"consumer.override.security.protocol", "SASL_SSL"},
                                               {"admin.override.sasl.mechanism", "PLAIN"},
                                               {"producer.override.acks", "1"},
                                               {"producer.acks", "all"}};
  auto overrides = connectorClientOverrides(config, OverridePolicy::Principal);
  ASSERT_EQ(overrides.size(), 4u);
  std::map<std::string, std::optional<std::string>> verdicts;
  for (const auto& o : overrides) verdicts[o.name] = o.refusal;
  EXPECT_FALSE(verdicts["producer.override.sasl.jaas.config"].has_value());
  EXPECT_FALSE(verdicts["consumer.override.security.protocol"].has_value());
  EXPECT_FALSE(verdicts["admin.override.sasl.mechanism"].has_value());
  EXPECT_EQ(verdicts["producer.override.acks"],
            "The 'Principal' policy does not allow 'acks' to be overridden in the connector configuration.");
}

TEST(ClientOverridePolicy, NoneRefusesEveryOverrideAndAllNone) {
  std::map<std::string, std::string> config = {{"consumer.override.max.poll.records", "10"}};
  auto none = connectorClientOverrides(config, OverridePolicy::None);
  ASSERT_EQ(none.size(), 1u);
  EXPECT_EQ(none[0].refusal, "The 'None' policy does not allow 'max.poll.records' to be overridden in the connector configuration.");
  auto all = connectorClientOverrides(config, OverridePolicy::All);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_FALSE(all[0].refusal.has_value());
}

TEST(ClientOverridePolicy, WorkerRefusesAnUnknownPolicyAtLoad) {
  auto bad = WorkerConfig::fromYaml("connector.client.config.override.policy: Some\n", "w.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("invalid value 'Some' for connector.client.config.override.policy: expected one of None, Principal, All"),
            std::string::npos)
      << bad.error();
  EXPECT_TRUE(WorkerConfig::fromYaml("connector.client.config.override.policy: None\n").ok());
}

}  // namespace
}  // namespace sluice
