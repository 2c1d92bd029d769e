// The SMTs as a connector config uses them: transform-smt.so registered in a PluginRegistry, and a
// TransformChain built from Connect's `transforms=` syntax (class names, predicates, negate).
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "plugin/plugin_registry.hpp"
#include "plugin/record_batch.hpp"
#include "runtime/transform_chain.hpp"

namespace sluice {
namespace {

using Props = std::map<std::string, std::string>;

std::string str(sluice_bytes b) { return b.data ? std::string(reinterpret_cast<const char*>(b.data), b.len) : "<null>"; }

class SmtChainIt : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(registry_.loadFile(std::string(SLUICE_PLUGIN_DIR) + "/transform-smt.so"), "");
  }

  std::unique_ptr<TransformChain> chain(const Props& config) {
    auto built = TransformChain::build(config, registry_);
    EXPECT_TRUE(built.ok()) << (built.ok() ? "" : built.error());
    if (!built.ok()) return nullptr;
    auto started = built.value()->start();
    EXPECT_TRUE(started.ok()) << (started.ok() ? "" : started.error());
    return std::move(built.value());
  }

  static sluice_record record(const std::string& topic, const std::string& value, int64_t timestamp = -1) {
    sluice_record r{};
    r.topic = sluice_bytes{reinterpret_cast<const uint8_t*>(topic.data()), topic.size()};
    r.value = sluice_bytes{reinterpret_cast<const uint8_t*>(value.data()), value.size()};
    r.partition = -1;
    r.timestamp_ms = timestamp;
    r.kafka_offset = -1;
    return r;
  }

  PluginRegistry registry_;
};

// Connect's documentation example ("Transformations" in connect.html): a file line becomes
// {"line":...,"data_source":"test-file-source"}.
TEST_F(SmtChainIt, ConnectDocsExampleRunsUnchanged) {
  auto c = chain({{"transforms", "MakeMap, InsertSource"},
                  {"transforms.MakeMap.type", "org.apache.kafka.connect.transforms.HoistField$Value"},
                  {"transforms.MakeMap.field", "line"},
                  {"transforms.InsertSource.type", "org.apache.kafka.connect.transforms.InsertField$Value"},
                  {"transforms.InsertSource.static.field", "data_source"},
                  {"transforms.InsertSource.static.value", "test-file-source"}});
  ASSERT_TRUE(c);
  std::string topic = "connect-test", line = "foo";
  RecordBatch out;
  auto r = c->apply(record(topic, line), out);
  ASSERT_TRUE(r.ok()) << r.error();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(str(out[0].value), R"({"line":"foo","data_source":"test-file-source"})");
  EXPECT_EQ(str(out[0].topic), "connect-test");
}

TEST_F(SmtChainIt, FilterWithAPredicateDropsOnlyMatchingTopics) {
  Props config = {{"transforms", "DropFoo"},
                  {"transforms.DropFoo.type", "org.apache.kafka.connect.transforms.Filter"},
                  {"transforms.DropFoo.predicate", "IsFoo"},
                  {"predicates", "IsFoo"},
                  {"predicates.IsFoo.type", "org.apache.kafka.connect.transforms.predicates.TopicNameMatches"},
                  {"predicates.IsFoo.pattern", "foo.*"}};
  auto drop = chain(config);
  config["transforms.DropFoo.negate"] = "true";
  auto keep = chain(config);
  ASSERT_TRUE(drop && keep);
  std::string foo = "foo-1", bar = "bar", v = "x";
  RecordBatch out;
  ASSERT_TRUE(drop->apply(record(foo, v), out).ok());
  ASSERT_TRUE(drop->apply(record(bar, v), out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(str(out[0].topic), "bar");
  out.clear();
  ASSERT_TRUE(keep->apply(record(foo, v), out).ok());
  ASSERT_TRUE(keep->apply(record(bar, v), out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(str(out[0].topic), "foo-1");
}

TEST_F(SmtChainIt, RoutersCompose) {
  auto c = chain({{"transforms", "Rename,Daily"},
                  {"transforms.Rename.type", "RegexRouter"},
                  {"transforms.Rename.regex", "(.*)"},
                  {"transforms.Rename.replacement", "$1-v2"},
                  {"transforms.Daily.type", "TimestampRouter"}});
  ASSERT_TRUE(c);
  std::string topic = "orders", v = R"({"id":1})";
  RecordBatch out;
  ASSERT_TRUE(c->apply(record(topic, v, 1483425001864), out).ok());  // 2017-01-03T06:30:01.864Z
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(str(out[0].topic), "orders-v2-20170103");
  EXPECT_EQ(str(out[0].value), v);
}

TEST_F(SmtChainIt, ATransformErrorNamesTheAliasAndConnectsReason) {
  auto c = chain({{"transforms", "Pick"}, {"transforms.Pick.type", "ExtractField$Value"}, {"transforms.Pick.field", "id"}});
  ASSERT_TRUE(c);
  std::string topic = "t", line = "plain text";
  RecordBatch out;
  auto r = c->apply(record(topic, line), out);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("transform Pick"), std::string::npos) << r.error();
  EXPECT_NE(r.error().find("Only Map objects supported in absence of schema for [field extraction], found: java.lang.String"),
            std::string::npos)
      << r.error();
}

TEST_F(SmtChainIt, RequiredKeysAreCheckedFromTheConfigTable) {
  auto built = TransformChain::build({{"transforms", "Hoist"}, {"transforms.Hoist.type", "HoistField$Value"}}, registry_);
  ASSERT_FALSE(built.ok());
  EXPECT_NE(built.error().find("field"), std::string::npos) << built.error();
}

}  // namespace
}  // namespace sluice
