// Connect's framework ConfigDef (ConnectorConfig, SinkConnectorConfig) and ConfigInfos, against the fixture plugins.
#include <gtest/gtest.h>

#include <algorithm>

#include "runtime/builtin_plugins.hpp"
#include "runtime/connector_config.hpp"

namespace sluice {
namespace {

class ConnectorConfigTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    registry_ = new PluginRegistry();
    registry_->scanDirectory(SLUICE_FIXTURE_DIR);
  }
  static void TearDownTestSuite() { delete registry_; }

  static std::map<std::string, std::string> src(const std::string& name = "s") {
    return {{"name", name}, {"connector.class", "NoopSource"}, {"tasks.max", "1"}, {"topic", "t"}};
  }
  static std::map<std::string, std::string> snk(const std::string& name = "k") {
    return {{"name", name}, {"connector.class", "NoopSink"}, {"tasks.max", "1"}, {"topics", "t"}};
  }
  static const ConfigEntry* entry(const ConnectorValidation& v, const std::string& name) {
    for (const auto& e : v.infos.configs)
      if (e.name == name) return &e;
    return nullptr;
  }
  static bool hasError(const ConnectorValidation& v, const std::string& needle) {
    auto all = v.infos.allErrors();
    return std::any_of(all.begin(), all.end(), [&](const std::string& e) { return e.find(needle) != std::string::npos; });
  }
  static PluginRegistry* registry_;
};
PluginRegistry* ConnectorConfigTest::registry_ = nullptr;

TEST_F(ConnectorConfigTest, ValidSourceHasNoErrorsAndFillsDefaults) {
  auto v = validateConnectorConfig(src(), *registry_);
  ASSERT_FALSE(v.failure);
  EXPECT_EQ(v.type, ConnectorType::Source);
  EXPECT_EQ(v.infos.errorCount(), 0u) << v.infos.allErrors().front();
  EXPECT_EQ(v.plugin->name, "noop-source");
  EXPECT_EQ(v.effective.at("errors.tolerance"), "none");
  EXPECT_EQ(v.effective.at("max.records"), "-1");  // the plugin's own default
  EXPECT_EQ(v.infos.name, "NoopSource");
  std::vector<std::string> firstGroups(v.infos.groups.begin(), v.infos.groups.begin() + 4);
  EXPECT_EQ(firstGroups, (std::vector<std::string>{"Common", "Transforms", "Predicates", "Error Handling"}));
}

TEST_F(ConnectorConfigTest, MissingAndUnknownClassAreFailuresNotErrors) {
  auto none = validateConnectorConfig({{"tasks.max", "1"}}, *registry_);
  ASSERT_TRUE(none.failure);
  EXPECT_EQ(none.failure->status, 400);
  EXPECT_EQ(none.failure->message, "Connector config {tasks.max=1} contains no connector type");
  auto unknown = validateConnectorConfig({{"connector.class", "com.example.Nope"}}, *registry_);
  ASSERT_TRUE(unknown.failure);
  EXPECT_EQ(unknown.failure->status, 400);
  EXPECT_EQ(unknown.failure->message.rfind(
                "Failed to find any class that implements Connector and which name matches com.example.Nope", 0),
            0u);
  auto transform = validateConnectorConfig({{"connector.class", "noop-transform"}}, *registry_);
  EXPECT_TRUE(transform.failure);
}

TEST_F(ConnectorConfigTest, ConnectMessagesForCommonKeys) {
  auto c = src();
  c["tasks.max"] = "0";
  c["errors.tolerance"] = "ALL";
  c["errors.log.enable"] = "x";
  auto v = validateConnectorConfig(c, *registry_);
  EXPECT_EQ(v.infos.errorCount(), 3u);
  EXPECT_TRUE(hasError(v, "Invalid value 0 for configuration tasks.max: Value must be at least 1"));
  EXPECT_TRUE(hasError(v, "Invalid value ALL for configuration errors.tolerance: String must be one of: none, all"));
  EXPECT_TRUE(hasError(v, "Invalid value x for configuration errors.log.enable: Expected value to be either true or false"));
  std::string msg = invalidConfigMessage(v.infos);
  EXPECT_EQ(msg.rfind("Connector configuration is invalid and contains the following 3 error(s):\n", 0), 0u);
  EXPECT_TRUE(msg.ends_with("You can also find the above list of errors at the endpoint "
                            "`/connector-plugins/{connectorType}/config/validate`"));
}

TEST_F(ConnectorConfigTest, NameIsRequiredAndMayNotHoldControlCharacters) {
  auto c = src();
  c.erase("name");
  auto v = validateConnectorConfig(c, *registry_);
  ASSERT_NE(entry(v, "name"), nullptr);
  EXPECT_EQ(entry(v, "name")->errors,
            std::vector<std::string>{"Missing required configuration \"name\" which has no default value."});
  c["name"] = "a\nb";
  v = validateConnectorConfig(c, *registry_);
  EXPECT_TRUE(hasError(v, "String may not contain control sequences but had the following ASCII chars: 10"));
}

TEST_F(ConnectorConfigTest, SinkTopicsRulesCountOnBothKeys) {
  auto c = snk();
  c.erase("topics");
  auto v = validateConnectorConfig(c, *registry_);
  EXPECT_EQ(v.type, ConnectorType::Sink);
  EXPECT_EQ(v.infos.errorCount(), 2u);
  EXPECT_EQ(entry(v, "topics")->errors, std::vector<std::string>{"Must configure one of topics or topics.regex"});
  EXPECT_EQ(entry(v, "topics.regex")->errors, std::vector<std::string>{"Must configure one of topics or topics.regex"});

  c = snk();
  c["topics.regex"] = "ct-.*";
  v = validateConnectorConfig(c, *registry_);
  EXPECT_EQ(v.infos.errorCount(), 2u);
  EXPECT_TRUE(hasError(v, "topics and topics.regex are mutually exclusive options, but both are set."));

  c = snk();
  c["errors.deadletterqueue.topic.name"] = "t";
  v = validateConnectorConfig(c, *registry_);
  EXPECT_TRUE(hasError(v, "The DLQ topic 't' may not be included in the list of topics ('topics=[t]') consumed by the connector"));
}

TEST_F(ConnectorConfigTest, TransformChainValidation) {
  auto c = src();
  c["transforms"] = "x";
  auto v = validateConnectorConfig(c, *registry_);
  EXPECT_TRUE(hasError(v, "Missing required configuration \"transforms.x.type\" which has no default value."));

  c["transforms.x.type"] = "com.example.Nope";
  v = validateConnectorConfig(c, *registry_);
  EXPECT_TRUE(hasError(
      v, "Invalid value com.example.Nope for configuration transforms.x.type: Class com.example.Nope could not be found."));

  c["transforms.x.type"] = "noop-transform";
  c["transforms.x.negate"] = "true";
  v = validateConnectorConfig(c, *registry_);
  EXPECT_TRUE(hasError(v, "Config 'transforms.x.negate' was provided but there is no config 'transforms.x.predicate' "
                          "defining a predicate to be negated."));
  EXPECT_NE(std::find(v.infos.groups.begin(), v.infos.groups.end(), "Transforms: x"), v.infos.groups.end());

  c = src();
  c["transforms"] = "a,a";
  v = validateConnectorConfig(c, *registry_);
  EXPECT_TRUE(hasError(v, "Invalid value [a, a] for configuration transforms: Duplicate alias provided."));
}

TEST_F(ConnectorConfigTest, PredicatesAndConvertersResolveThroughTheBuiltinCatalog) {
  auto c = src();
  c["predicates"] = "p";
  c["predicates.p.type"] = "org.apache.kafka.connect.transforms.predicates.TopicNameMatches";
  auto v = validateConnectorConfig(c, *registry_);
  EXPECT_TRUE(hasError(v, "Missing required configuration \"predicates.p.pattern\" which has no default value."));
  c["predicates.p.pattern"] = "t.*";
  c["value.converter"] = "JsonConverter";
  c["value.converter.schemas.enable"] = "maybe";
  v = validateConnectorConfig(c, *registry_);
  EXPECT_EQ(v.infos.errorCount(), 1u);
  EXPECT_TRUE(hasError(v, "Invalid value maybe for configuration value.converter.schemas.enable"));
  c["key.converter"] = "com.example.NoConverter";
  v = validateConnectorConfig(c, *registry_);
  EXPECT_TRUE(hasError(v, "Class com.example.NoConverter could not be found."));
}

TEST_F(ConnectorConfigTest, NullValuesAreErrors) {
  auto v = validateConnectorConfig(src(), *registry_, {"topic"});
  EXPECT_TRUE(hasError(v, "Null value can not be supplied as the configuration value."));
}

TEST_F(ConnectorConfigTest, PluginConfigListsOwnKeysFirstThenFramework) {
  auto plugin = registry_->find("NoopSink");
  ASSERT_TRUE(plugin);
  auto keys = connectorPluginConfigKeys(*plugin);
  ASSERT_FALSE(keys.empty());
  EXPECT_EQ(keys.front().name, "topics");
  EXPECT_EQ(std::count_if(keys.begin(), keys.end(), [](const ConfigKey& k) { return k.name == "topics"; }), 1);
  EXPECT_TRUE(std::any_of(keys.begin(), keys.end(), [](const ConfigKey& k) { return k.name == "tasks.max"; }));
}

TEST(BuiltinPluginsTest, ConnectClassNamesAndAliasesResolve) {
  for (const char* n : {"org.apache.kafka.connect.json.JsonConverter", "JsonConverter", "Json"})
    ASSERT_NE(findBuiltin(n), nullptr) << n;
  EXPECT_EQ(findBuiltin("StringConverter")->className, "org.apache.kafka.connect.storage.StringConverter");
  EXPECT_EQ(findBuiltin("ByteArray")->type, "converter");
  EXPECT_EQ(findBuiltin("RecordIsTombstone")->type, "predicate");
  EXPECT_EQ(findBuiltin("HasHeaderKey")->config.front().name, "name");
  EXPECT_EQ(findBuiltin("Nope"), nullptr);
}

}  // namespace
}  // namespace sluice
