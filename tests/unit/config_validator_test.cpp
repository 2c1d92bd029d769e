// Config tables validated with Kafka Connect's ConfigDef rules and exact messages.
#include <gtest/gtest.h>

#include "config/config_validator.hpp"

namespace sluice {
namespace {

ConfigKey key(std::string name, sluice_config_type type, std::optional<std::string> def, std::string validator = "", bool required = false) {
  ConfigKey k;
  k.name = std::move(name);
  k.type = type;
  k.defaultValue = std::move(def);
  k.validator = std::move(validator);
  k.required = required;
  return k;
}

const std::vector<ConfigKey> kTable = {
    key("name", SLUICE_CFG_STRING, std::nullopt, "", true),
    key("tasks.max", SLUICE_CFG_INT, "1", "[1,]"),
    key("errors.tolerance", SLUICE_CFG_STRING, "none", "none,all"),
    key("errors.log.enable", SLUICE_CFG_BOOLEAN, "false"),
    key("batch.size", SLUICE_CFG_LONG, "2000", "[1,100000]"),
    key("ratio", SLUICE_CFG_DOUBLE, "0.5"),
    key("modes", SLUICE_CFG_LIST, "", "a,b"),
};

std::vector<std::string> errorsFor(std::map<std::string, std::string> config) { return validateConfig(kTable, config).allErrors(); }

TEST(ConfigValidator, FillsDefaultsAndAcceptsValidValues) {
  auto r = validateConfig(kTable, {{"name", "c"}, {"tasks.max", "3"}, {"unknown.key", "kept"}});
  EXPECT_EQ(r.errorCount(), 0u);
  EXPECT_EQ(r.effective.at("tasks.max"), "3");
  EXPECT_EQ(r.effective.at("errors.tolerance"), "none");
  EXPECT_EQ(r.effective.at("unknown.key"), "kept");
}

TEST(ConfigValidator, UsesConnectsMessages) {
  EXPECT_EQ(errorsFor({}), std::vector<std::string>{"Missing required configuration \"name\" which has no default value."});
  EXPECT_EQ(errorsFor({{"name", "c"}, {"tasks.max", "0"}}),
            std::vector<std::string>{"Invalid value 0 for configuration tasks.max: Value must be at least 1"});
  EXPECT_EQ(errorsFor({{"name", "c"}, {"tasks.max", "abc"}}),
            std::vector<std::string>{"Invalid value abc for configuration tasks.max: Not a number of type INT"});
  EXPECT_EQ(errorsFor({{"name", "c"}, {"errors.tolerance", "ALL"}}),
            std::vector<std::string>{"Invalid value ALL for configuration errors.tolerance: String must be one of: none, all"});
  EXPECT_EQ(errorsFor({{"name", "c"}, {"errors.log.enable", "x"}}),
            std::vector<std::string>{"Invalid value x for configuration errors.log.enable: Expected value to be either true or false"});
  EXPECT_EQ(errorsFor({{"name", "c"}, {"batch.size", "100001"}}),
            std::vector<std::string>{"Invalid value 100001 for configuration batch.size: Value must be between 1 and 100000"});
  EXPECT_EQ(errorsFor({{"name", "c"}, {"ratio", "x1"}}),
            std::vector<std::string>{"Invalid value x1 for configuration ratio: Not a number of type DOUBLE"});
  EXPECT_EQ(errorsFor({{"name", "c"}, {"modes", "a, c"}}),
            std::vector<std::string>{"Invalid value a, c for configuration modes: Invalid enumerator value: c. Must be one of: a, b"});
  EXPECT_EQ(errorsFor({{"name", "c"}, {"tasks.max", "99999999999"}}),
            std::vector<std::string>{"Invalid value 99999999999 for configuration tasks.max: Not a number of type INT"});
}

TEST(ConfigValidator, ReadsPrefixedKeys) {
  auto r = validateConfig({key("field", SLUICE_CFG_STRING, std::nullopt, "", true)}, {{"transforms.x.field", "a"}}, "transforms.x.");
  EXPECT_EQ(r.errorCount(), 0u);
  auto missing = validateConfig({key("field", SLUICE_CFG_STRING, std::nullopt, "", true)}, {}, "transforms.x.");
  EXPECT_EQ(missing.allErrors(), std::vector<std::string>{"Missing required configuration \"transforms.x.field\" which has no default value."});
}

}  // namespace
}  // namespace sluice
