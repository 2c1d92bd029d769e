// Converters over byte records, checked against Connect's documented JSON shapes and messages.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "runtime/converters.hpp"
#include "runtime/predicates.hpp"

namespace sluice {
namespace {

sluice_bytes bytesOf(const std::string& s) { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }

TEST(Converters, JsonSchemalessPassesJsonAndQuotesText) {
  auto c = makeConverter("org.apache.kafka.connect.json.JsonConverter", {{"schemas.enable", "false"}});
  ASSERT_TRUE(c.ok());
  std::string out, err;
  EXPECT_EQ(c.value()->toKafka(bytesOf("{\"a\":1}"), out, err), Converter::Outcome::kUnchanged);
  EXPECT_EQ(c.value()->toKafka(bytesOf("a \"line\""), out, err), Converter::Outcome::kConverted);
  EXPECT_EQ(out, "\"a \\\"line\\\"\"");
  EXPECT_EQ(c.value()->fromKafka(bytesOf("{not json"), out, err), Converter::Outcome::kFailed);
  EXPECT_NE(err.find("DataException"), std::string::npos);
}

// A text line that only starts like JSON (a log line, a truncated object) is a string, as Connect's
// JsonConverter writes a String value: what reaches Kafka always parses.
TEST(Converters, JsonQuotesTextThatOnlyLooksLikeJson) {
  for (const char* schemas : {"false", "true"}) {
    SCOPED_TRACE(std::string("schemas.enable=") + schemas);
    auto c = makeConverter("org.apache.kafka.connect.json.JsonConverter", {{"schemas.enable", schemas}});
    ASSERT_TRUE(c.ok());
    for (std::string line : {"[INFO] started", "{\"id\":1", "\"unterminated", "[1,2]]"}) {
      std::string out, err;
      ASSERT_EQ(c.value()->toKafka(bytesOf(line), out, err), Converter::Outcome::kConverted) << line;
      auto written = nlohmann::json::parse(out, nullptr, false);
      ASSERT_FALSE(written.is_discarded()) << out;
      if (std::string(schemas) == "true") {
        EXPECT_EQ(written["schema"], (nlohmann::json{{"type", "string"}, {"optional", false}})) << out;
        EXPECT_EQ(written["payload"], line) << out;
      } else {
        EXPECT_EQ(written, line) << out;
      }
    }
    // Valid JSON still goes as JSON, whatever came before it through the same converter.
    std::string out, err;
    auto o = c.value()->toKafka(bytesOf(" [1, {\"a\": \"b\"}]"), out, err);
    if (std::string(schemas) == "true") {
      ASSERT_EQ(o, Converter::Outcome::kConverted);
      EXPECT_EQ(nlohmann::json::parse(out)["schema"]["type"], "array");
    } else {
      EXPECT_EQ(o, Converter::Outcome::kUnchanged);
    }
  }
}

TEST(Converters, JsonWithSchemasWrapsAndUnwrapsTheEnvelope) {
  auto c = makeConverter("JsonConverter", {});
  ASSERT_TRUE(c.ok());
  std::string out, err;
  ASSERT_EQ(c.value()->toKafka(bytesOf("{\"id\":7,\"name\":\"x\",\"ok\":true}"), out, err), Converter::Outcome::kConverted);
  auto envelope = nlohmann::json::parse(out);
  EXPECT_EQ(envelope["schema"]["type"], "struct");
  EXPECT_EQ(envelope["schema"]["fields"][0], (nlohmann::json{{"type", "int64"}, {"optional", false}, {"field", "id"}}));
  EXPECT_EQ(envelope["payload"]["name"], "x");
  std::string payload;
  ASSERT_EQ(c.value()->fromKafka(bytesOf(out), payload, err), Converter::Outcome::kConverted);
  EXPECT_EQ(nlohmann::json::parse(payload), nlohmann::json::parse("{\"id\":7,\"name\":\"x\",\"ok\":true}"));
  EXPECT_EQ(c.value()->fromKafka(bytesOf("{\"id\":7}"), payload, err), Converter::Outcome::kFailed);
  EXPECT_EQ(err,
            "org.apache.kafka.connect.errors.DataException: JsonConverter with schemas.enable requires \"schema\" and \"payload\" "
            "fields and may not contain additional fields. If you are trying to deserialize plain JSON data, set "
            "schemas.enable=false in your converter configuration.");
}

TEST(Converters, StringAndByteArrayPassThroughAndUnknownIsRefused) {
  std::string out, err;
  for (const char* cls : {"org.apache.kafka.connect.storage.StringConverter", "ByteArrayConverter", ""}) {
    auto c = makeConverter(cls, {});
    ASSERT_TRUE(c.ok()) << cls;
    EXPECT_EQ(c.value()->toKafka(bytesOf("x"), out, err), Converter::Outcome::kUnchanged);
  }
  EXPECT_FALSE(makeConverter("com.example.AvroConverter", {}).ok());
}

TEST(Predicates, MatchAsConnectDoes) {
  sluice_record r{};
  std::string topic = "orders-eu";
  r.topic = bytesOf(topic);
  auto matches = makePredicate("TopicNameMatches", {{"pattern", "orders-.*"}});
  ASSERT_TRUE(matches.ok());
  EXPECT_TRUE(matches.value()->test(r));
  auto partial = makePredicate("TopicNameMatches", {{"pattern", "orders"}});
  EXPECT_FALSE(partial.value()->test(r)) << "the whole topic must match";
  auto tombstone = makePredicate("org.apache.kafka.connect.transforms.predicates.RecordIsTombstone", {});
  EXPECT_TRUE(tombstone.value()->test(r));
  std::string key = "trace", value = "1";
  sluice_header h{bytesOf(key), bytesOf(value)};
  r.headers = &h;
  r.header_count = 1;
  EXPECT_TRUE(makePredicate("HasHeaderKey", {{"name", "trace"}}).value()->test(r));
  EXPECT_FALSE(makePredicate("HasHeaderKey", {{"name", "other"}}).value()->test(r));
  EXPECT_FALSE(makePredicate("TopicNameMatches", {}).ok());
}

}  // namespace
}  // namespace sluice
