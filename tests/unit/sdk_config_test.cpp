// The C++ SDK's typed config getters, with Connect's messages for bad values.
#include <gtest/gtest.h>

#include <sluice/plugin.hpp>

namespace {

TEST(SdkConfig, TypedGetters) {
  sluice::Config c(std::map<std::string, std::string>{{"n", "42"}, {"b", "TRUE"}, {"d", "1.5"}, {"l", " a, ,b "}});
  EXPECT_EQ(c.getLong("n"), 42);
  EXPECT_EQ(c.getLong("missing", 7), 7);
  EXPECT_TRUE(c.getBool("b"));
  EXPECT_DOUBLE_EQ(c.getDouble("d"), 1.5);
  EXPECT_EQ(c.getList("l"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(c.getString("missing", "x"), "x");
}

TEST(SdkConfig, BadValuesThrowConfigError) {
  sluice::Config c(std::map<std::string, std::string>{{"n", "4x"}, {"b", "yes"}});
  try {
    c.getLong("n");
    FAIL();
  } catch (const sluice::ConfigError& e) {
    EXPECT_STREQ(e.what(), "Invalid value 4x for configuration n: Not a number of type LONG");
  }
  EXPECT_THROW(c.getBool("b"), sluice::ConfigError);
}

}  // namespace
