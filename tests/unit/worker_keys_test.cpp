// The worker key table: each numeric, boolean and enumerated key refuses what Connect's ConfigDef
// would (text, units, fractions, out-of-range and out-of-type values) and accepts its default, and
// docs/worker-config.md is the table as generated.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "common/log_level.hpp"
#include "config/worker_config.hpp"
#include "config/worker_keys.hpp"

namespace sluice {
namespace {

TEST(WorkerKeys, DocsListEveryKey) {
  std::ifstream in(std::string(SLUICE_SOURCE_DIR) + "/docs/worker-config.md");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), workerKeysMarkdown()) << "docs/worker-config.md is out of date; write the expected text above to it";
}

TEST(WorkerKeys, EveryNumberKeyRefusesTextUnitsFractionsAndOutOfRange) {
  int numbers = 0;
  for (const auto& key : workerKeys()) {
    if (key.type != WorkerKeyType::Int && key.type != WorkerKeyType::Long) continue;
    ++numbers;
    SCOPED_TRACE(key.name);
    for (std::string bad : {"abc", "lots", "5000ms", "1.5", "1e3", "", " 5", "99999999999999999999"})
      EXPECT_TRUE(invalidWorkerValue(key, bad)) << "'" << bad << "' accepted";
    EXPECT_TRUE(invalidWorkerValue(key, std::to_string(key.min - 1)));
    EXPECT_TRUE(key.max == INT64_MAX || invalidWorkerValue(key, std::to_string(key.max + 1)));
    EXPECT_FALSE(invalidWorkerValue(key, std::to_string(key.min)));
    EXPECT_FALSE(invalidWorkerValue(key, std::to_string(key.max)));
    if (!key.defaultValue.empty()) {
      EXPECT_FALSE(invalidWorkerValue(key, key.defaultValue)) << "default " << key.defaultValue;
    }
  }
  EXPECT_GE(numbers, 9);
}

TEST(WorkerKeys, TheMessageSaysWhatIsAllowed) {
  EXPECT_EQ(*invalidWorkerValue(*findWorkerKey("rest.port"), "http"), "expected a whole number in [0, 65535]");
  EXPECT_EQ(*invalidWorkerValue(*findWorkerKey("topic.tracking.enable"), "yes"), "expected true or false");
  EXPECT_FALSE(invalidWorkerValue(*findWorkerKey("topic.tracking.enable"), "TRUE"));  // Connect's BOOLEAN ignores case
}

TEST(WorkerKeys, LogLevelsInConnectAndSpdlogSpellingsInAnyCase) {
  for (std::string s : {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL", "OFF", "trace", "debug", "info", "warn",
                        "warning", "err", "error", "critical", "off", "Info", "dEbUg"})
    EXPECT_TRUE(parseLogLevel(s)) << s;
  EXPECT_EQ(*parseLogLevel("INFO"), spdlog::level::info);
  EXPECT_EQ(*parseLogLevel("DEBUG"), spdlog::level::debug);
  EXPECT_EQ(*parseLogLevel("FATAL"), spdlog::level::critical);
  EXPECT_EQ(*parseLogLevel("WARNING"), spdlog::level::warn);
  EXPECT_EQ(*parseLogLevel("off"), spdlog::level::off);
  for (std::string s : {"verbose", "", "information", "5"}) EXPECT_FALSE(parseLogLevel(s)) << s;
}

TEST(WorkerKeys, ConfigReportsEveryBadValueWithKeyValueAndRange) {
  auto c = WorkerConfig::fromYaml("offset.flush.interval.ms: abc\nrest.request.max.bytes: lots\nlog.level: INFO\n", "w.yaml");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error(),
            "w.yaml: invalid value 'abc' for offset.flush.interval.ms: expected a whole number in [0, 9223372036854775807]\n"
            "w.yaml: invalid value 'lots' for rest.request.max.bytes: expected a whole number in [1, 9223372036854775807]");
}

TEST(WorkerKeys, NestedYamlIsCheckedUnderItsDottedName) {
  auto c = WorkerConfig::fromYaml("rest:\n  port: eighty\n", "w.yaml");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error(), "w.yaml: invalid value 'eighty' for rest.port: expected a whole number in [0, 65535]");
}

}  // namespace
}  // namespace sluice
