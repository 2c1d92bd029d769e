// The Connect SMTs in transform-smt.so, loaded through the real loader and driven through
// PluginInstance. Every expected output is written by hand from Kafka Connect's documentation and its
// own schemaless unit tests (connect/transforms/src/test/.../*Test.java), never from this code.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "plugin/plugin_instance.hpp"
#include "plugin/plugin_loader.hpp"
#include "plugin/record_batch.hpp"

namespace sluice {
namespace {

using nlohmann::json;
using Props = std::map<std::string, std::string>;

struct In {
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::string topic = "test";
  int32_t partition = 0;
  int64_t timestamp = -1;
  int64_t kafkaOffset = -1;
  std::vector<std::pair<std::string, std::optional<std::string>>> headers;
};

struct Out {
  sluice_status status = SLUICE_OK;
  std::string error;
  size_t count = 0;
  std::optional<std::string> key, value;
  std::string topic;
  int32_t partition = -1;
  int64_t timestamp = -1;
  std::vector<std::pair<std::string, std::optional<std::string>>> headers;
};

std::optional<std::string> text(sluice_bytes b) {
  if (!b.data) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(b.data), b.len);
}
sluice_bytes view(const std::optional<std::string>& s) {
  return s ? sluice_bytes{reinterpret_cast<const uint8_t*>(s->data()), s->size()} : sluice_bytes{nullptr, 0};
}

class SmtTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto loaded = loadPluginFile(std::string(SLUICE_PLUGIN_DIR) + "/transform-smt.so");
    ASSERT_TRUE(loaded.ok()) << loaded.error();
    plugins_ = new std::vector<PluginPtr>(loaded.value());
  }
  static void TearDownTestSuite() {
    delete plugins_;
    plugins_ = nullptr;
  }

  // By name or by any alias, as a connector config names it.
  static PluginPtr find(const std::string& name) {
    for (const auto& p : *plugins_) {
      if (p->name == name) return p;
      for (const auto& a : p->aliases)
        if (a == name) return p;
    }
    return nullptr;
  }

  static Result<PluginInstancePtr> make(const std::string& type, const Props& props) {
    PluginPtr plugin = find(type);
    if (!plugin) return Error{"no plugin " + type};
    auto inst = PluginInstance::create(plugin, props);
    if (!inst.ok()) return inst;
    if (inst.value()->start() != SLUICE_OK) return Error{inst.value()->error()};
    return inst;
  }

  static Out apply(PluginInstance& inst, const In& in) {
    sluice_record rec{};
    rec.topic = sluice_bytes{reinterpret_cast<const uint8_t*>(in.topic.data()), in.topic.size()};
    rec.partition = in.partition;
    rec.timestamp_ms = in.timestamp;
    rec.key = view(in.key);
    rec.value = view(in.value);
    rec.kafka_offset = in.kafkaOffset;
    std::vector<sluice_header> headers;
    for (const auto& [k, v] : in.headers)
      headers.push_back({sluice_bytes{reinterpret_cast<const uint8_t*>(k.data()), k.size()}, view(v)});
    rec.headers = headers.empty() ? nullptr : headers.data();
    rec.header_count = headers.size();
    RecordBatch batch;
    Out out;
    out.status = inst.apply(rec, batch);
    out.error = inst.error();
    out.count = batch.size();
    if (batch.size() > 0) {
      const sluice_record& r = batch[0];
      out.key = text(r.key);
      out.value = text(r.value);
      out.topic = text(r.topic).value_or("");
      out.partition = r.partition;
      out.timestamp = r.timestamp_ms;
      for (size_t i = 0; i < r.header_count; ++i) out.headers.emplace_back(*text(r.headers[i].key), text(r.headers[i].value));
    }
    return out;
  }

  // One record through a freshly configured transform; the test fails if configuration fails.
  static Out run(const std::string& type, const Props& props, const In& in) {
    auto inst = make(type, props);
    EXPECT_TRUE(inst.ok()) << (inst.ok() ? "" : inst.error());
    if (!inst.ok()) return Out{SLUICE_ERR_CONFIG, inst.error()};
    return apply(*inst.value(), in);
  }

  static json parsed(const std::optional<std::string>& s) { return s ? json::parse(*s) : json(); }

  static inline std::vector<PluginPtr>* plugins_ = nullptr;
};

TEST_F(SmtTest, EveryTransformLoadsWithItsConnectClassNames) {
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"insert-field-key", "InsertField$Key"},     {"insert-field-value", "InsertField$Value"},
      {"replace-field-key", "ReplaceField$Key"},   {"replace-field-value", "ReplaceField$Value"},
      {"mask-field-key", "MaskField$Key"},         {"mask-field-value", "MaskField$Value"},
      {"value-to-key", "ValueToKey"},              {"extract-field-key", "ExtractField$Key"},
      {"extract-field-value", "ExtractField$Value"}, {"cast-key", "Cast$Key"},
      {"cast-value", "Cast$Value"},                {"timestamp-router", "TimestampRouter"},
      {"regex-router", "RegexRouter"},             {"filter", "Filter"},
      {"hoist-field-key", "HoistField$Key"},       {"hoist-field-value", "HoistField$Value"},
      {"flatten-key", "Flatten$Key"},              {"flatten-value", "Flatten$Value"},
      {"insert-header", "InsertHeader"},           {"drop-headers", "DropHeaders"},
      {"header-from-key", "HeaderFrom$Key"},       {"header-from-value", "HeaderFrom$Value"},
      {"timestamp-converter-key", "TimestampConverter$Key"}, {"timestamp-converter-value", "TimestampConverter$Value"}};
  EXPECT_EQ(plugins_->size(), expected.size());
  for (const auto& [name, simple] : expected) {
    PluginPtr byName = find(name);
    ASSERT_NE(byName, nullptr) << name;
    EXPECT_EQ(byName->kind, SLUICE_KIND_TRANSFORM);
    EXPECT_EQ(find(simple), byName) << simple;
    EXPECT_EQ(find("org.apache.kafka.connect.transforms." + simple), byName) << simple;
  }
}

// connect.html "Transformations": HoistField then InsertField turn a file line into a map.
TEST_F(SmtTest, ConnectDocsFileSourceExampleHoistsThenInserts) {
  Out hoisted = run("org.apache.kafka.connect.transforms.HoistField$Value", {{"field", "line"}}, In{.value = "hello world"});
  ASSERT_EQ(hoisted.status, SLUICE_OK) << hoisted.error;
  EXPECT_EQ(parsed(hoisted.value), json::parse(R"({"line":"hello world"})"));
  Out inserted = run("org.apache.kafka.connect.transforms.InsertField$Value",
                     {{"static.field", "data_source"}, {"static.value", "test-file-source"}}, In{.value = hoisted.value});
  ASSERT_EQ(inserted.status, SLUICE_OK) << inserted.error;
  EXPECT_EQ(*inserted.value, R"({"line":"hello world","data_source":"test-file-source"})");
}

// InsertFieldTest.schemalessInsertConfiguredFields
TEST_F(SmtTest, InsertFieldAddsMetadataFields) {
  Props props = {{"topic.field", "topic_field!"},       {"partition.field", "partition_field"},
                 {"offset.field", "offset_field"},      {"timestamp.field", "timestamp_field?"},
                 {"static.field", "instance_id"},       {"static.value", "my-instance-id"}};
  Out out = run("InsertField$Value", props,
                In{.key = std::nullopt, .value = R"({"magic":42})", .topic = "test", .partition = 0, .timestamp = 1483425001864,
                   .kafkaOffset = 42});
  ASSERT_EQ(out.status, SLUICE_OK) << out.error;
  EXPECT_EQ(*out.value,
            R"({"magic":42,"topic_field":"test","partition_field":0,"offset_field":42,"timestamp_field":1483425001864,"instance_id":"my-instance-id"})");
  EXPECT_EQ(out.topic, "test");
  EXPECT_EQ(out.timestamp, 1483425001864);
}

TEST_F(SmtTest, InsertFieldPassesTombstonesThrough) {
  Out out = run("InsertField$Value", {{"topic.field", "t"}}, In{.key = "k", .value = std::nullopt});
  ASSERT_EQ(out.status, SLUICE_OK) << out.error;
  ASSERT_EQ(out.count, 1u);
  EXPECT_FALSE(out.value.has_value());
  EXPECT_EQ(out.key, "k");
  Out nullKey = run("InsertField$Key", {{"topic.field", "t"}}, In{.key = std::nullopt, .value = "v"});
  ASSERT_EQ(nullKey.status, SLUICE_OK) << nullKey.error;
  EXPECT_FALSE(nullKey.key.has_value());
}

TEST_F(SmtTest, InsertFieldOffsetOnlyForSinkRecords) {
  Out out = run("InsertField$Value", {{"offset.field", "o"}}, In{.value = R"({"a":1})"});
  EXPECT_EQ(out.status, SLUICE_ERR_FATAL);
  EXPECT_NE(out.error.find("Only SinkRecord supported for [field insertion]"), std::string::npos) << out.error;
}

TEST_F(SmtTest, InsertFieldOnNonMapFailsLikeConnect) {
  Out out = run("InsertField$Value", {{"topic.field", "t"}}, In{.value = "just a line"});
  EXPECT_EQ(out.status, SLUICE_ERR_FATAL);
  EXPECT_NE(out.error.find("Only Map objects supported in absence of schema for [field insertion], found: java.lang.String"),
            std::string::npos)
      << out.error;
}

TEST_F(SmtTest, InsertFieldKeyWorksOnTheKey) {
  Out out = run("InsertField$Key", {{"static.field", "src"}, {"static.value", "x"}}, In{.key = R"({"id":7})", .value = "v"});
  ASSERT_EQ(out.status, SLUICE_OK) << out.error;
  EXPECT_EQ(*out.key, R"({"id":7,"src":"x"})");
  EXPECT_EQ(out.value, "v");
}

TEST_F(SmtTest, InsertFieldWithoutAnyFieldIsAConfigError) {
  auto inst = make("InsertField$Value", {});
  ASSERT_FALSE(inst.ok());
  EXPECT_NE(inst.error().find("No field insertion configured"), std::string::npos) << inst.error();
}

// ReplaceFieldTest.schemaless
TEST_F(SmtTest, ReplaceFieldExcludesAndRenames) {
  Out out = run("ReplaceField$Value", {{"exclude", "dont"}, {"renames", "abc:xyz,foo:bar"}},
                In{.value = R"({"dont":"whatever","abc":42,"foo":true,"etc":"etc"})"});
  ASSERT_EQ(out.status, SLUICE_OK) << out.error;
  EXPECT_EQ(parsed(out.value), json::parse(R"({"xyz":42,"bar":true,"etc":"etc"})"));
}

TEST_F(SmtTest, ReplaceFieldIncludeKeepsOnlyListedAndExcludeWins) {
  Out included = run("ReplaceField$Value", {{"include", "abc,foo"}, {"renames", "abc:xyz"}},
                     In{.value = R"({"dont":"whatever","abc":42,"foo":true,"etc":"etc"})"});
  ASSERT_EQ(included.status, SLUICE_OK) << included.error;
  EXPECT_EQ(parsed(included.value), json::parse(R"({"xyz":42,"foo":true})"));
  Out both = run("ReplaceField$Value", {{"include", "abc,foo"}, {"exclude", "abc"}}, In{.value = R"({"abc":42,"foo":true,"etc":1})"});
  ASSERT_EQ(both.status, SLUICE_OK) << both.error;
  EXPECT_EQ(parsed(both.value), json::parse(R"({"foo":true})"));
}

TEST_F(SmtTest, ReplaceFieldRejectsABadRenameMapping) {
  auto inst = make("ReplaceField$Value", {{"renames", "abc"}});
  ASSERT_FALSE(inst.ok());
  EXPECT_NE(inst.error().find("Invalid rename mapping: abc"), std::string::npos) << inst.error();
}

// MaskFieldTest.schemaless
TEST_F(SmtTest, MaskFieldUsesEachTypesNullValue) {
  Out out = run("MaskField$Value", {{"fields", "int,double,bool,string,list,map"}},
                In{.value = R"({"magic":42,"int":42,"double":4.2,"bool":true,"string":"55.121.20.20","list":["one","two"],"map":{"k":"v"}})"});
  ASSERT_EQ(out.status, SLUICE_OK) << out.error;
  EXPECT_EQ(parsed(out.value), json::parse(R"({"magic":42,"int":0,"double":0.0,"bool":false,"string":"","list":[],"map":{}})"));
}

TEST_F(SmtTest, MaskFieldWithReplacementConvertsToTheFieldType) {
  Out out = run("MaskField$Value", {{"fields", "int,double,string"}, {"replacement", "123"}},
                In{.value = R"({"int":42,"double":4.2,"string":"secret","other":"x"})"});
  ASSERT_EQ(out.status, SLUICE_OK) << out.error;
  EXPECT_EQ(parsed(out.value), json::parse(R"({"int":123,"double":123.0,"string":"123","other":"x"})"));
}

TEST_F(SmtTest, MaskFieldReplacementErrors) {
  Out list = run("MaskField$Value", {{"fields", "list"}, {"replacement", "x"}}, In{.value = R"({"list":[1]})"});
  EXPECT_EQ(list.status, SLUICE_ERR_FATAL);
  EXPECT_NE(list.error.find("with custom replacement"), std::string::npos) << list.error;
  Out number = run("MaskField$Value", {{"fields", "n"}, {"replacement", "abc"}}, In{.value = R"({"n":5})"});
  EXPECT_EQ(number.status, SLUICE_ERR_FATAL);
  EXPECT_NE(number.error.find("Unable to convert abc"), std::string::npos) << number.error;
}

TEST_F(SmtTest, MaskFieldRequiresFields) {
  auto inst = make("MaskField$Value", {});
  ASSERT_FALSE(inst.ok());
  EXPECT_NE(inst.error().find("Missing required configuration \"fields\" which has no default value."), std::string::npos)
      << inst.error();
}

// ValueToKeyTest.schemaless
TEST_F(SmtTest, ValueToKeyCopiesFieldsIntoANewKey) {
  Out out = run("ValueToKey", {{"fields", "a,b"}}, In{.key = std::nullopt, .value = R"({"a":1,"b":2,"c":3})"});
  ASSERT_EQ(out.status, SLUICE_OK) << out.error;
  EXPECT_EQ(parsed(out.key), json::parse(R"({"a":1,"b":2})"));
  EXPECT_EQ(parsed(out.value), json::parse(R"({"a":1,"b":2,"c":3})"));
}

// ExtractFieldTest.schemaless / .nullSchemaless / .testNestedSchemalessV2
TEST_F(SmtTest, ExtractFieldReplacesTheKeyWithOneField) {
  Out out = run("ExtractField$Key", {{"field", "magic"}}, In{.key = R"({"magic":42})", .value = "v"});
  ASSERT_EQ(out.status, SLUICE_OK) << out.error;
  EXPECT_EQ(out.key, "42");
  Out string = run("ExtractField$Value", {{"field", "name"}}, In{.value = R"({"name":"bob","age":3})"});
  ASSERT_EQ(string.status, SLUICE_OK) << string.error;
  EXPECT_EQ(string.value, "bob");  // a string value travels as its text, as StringConverter would write it
  Out null = run("ExtractField$Key", {{"field", "magic"}}, In{.key = std::nullopt, .value = "v"});
  ASSERT_EQ(null.status, SLUICE_OK) << null.error;
  EXPECT_FALSE(null.key.has_value());
}

TEST_F(SmtTest, ExtractFieldV2ReadsNestedPaths) {
  In in{.value = R"({"magic":{"foo":42},"magic.foo":7})"};
  Out v2 = run("ExtractField$Value", {{"field", "magic.foo"}, {"field.syntax.version", "V2"}}, in);
  ASSERT_EQ(v2.status, SLUICE_OK) << v2.error;
  EXPECT_EQ(v2.value, "42");
  Out v1 = run("ExtractField$Value", {{"field", "magic.foo"}}, in);
  ASSERT_EQ(v1.status, SLUICE_OK) << v1.error;
  EXPECT_EQ(v1.value, "7");
  Out quoted = run("ExtractField$Value", {{"field", "`magic.foo`"}, {"field.syntax.version", "V2"}}, in);
  ASSERT_EQ(quoted.status, SLUICE_OK) << quoted.error;
  EXPECT_EQ(quoted.value, "7");
  Out missing = run("ExtractField$Value", {{"field", "magic.bar"}, {"field.syntax.version", "V2"}}, in);
  ASSERT_EQ(missing.status, SLUICE_OK) << missing.error;
  EXPECT_FALSE(missing.value.has_value());
}

TEST_F(SmtTest, ExtractFieldOnNonMapFails) {
  Out out = run("ExtractField$Value", {{"field", "a"}}, In{.value = R"([1,2])"});
  EXPECT_EQ(out.status, SLUICE_ERR_FATAL);
  EXPECT_NE(out.error.find("Only Map objects supported in absence of schema for [field extraction], found: java.util.ArrayList"),
            std::string::npos)
      << out.error;
}

// CastTest.castFieldsSchemaless
TEST_F(SmtTest, CastFieldsFollowsJavaConversions) {
  Out out = run("Cast$Value",
                {{"spec", "int8:int16,int16:int32,int32:int64,int64:boolean,float32:float64,float64:boolean,boolean:int8,string:int32,optional:int32"}},
                In{.value = R"({"int8":8,"int16":16,"int32":32,"int64":64,"float32":32.0,"float64":64.0,"boolean":true,"string":"42","optional":null,"untouched":"x"})"});
  ASSERT_EQ(out.status, SLUICE_OK) << out.error;
  EXPECT_EQ(parsed(out.value),
            json::parse(R"({"int8":8,"int16":16,"int32":32,"int64":true,"float32":32.0,"float64":true,"boolean":1,"string":42,"optional":null,"untouched":"x"})"));
}

// Cast.applySchemaless puts every field named in the spec, so an absent one appears as null.
TEST_F(SmtTest, CastPutsAbsentSpecFieldsAsNull) {
  Out out = run("Cast$Value", {{"spec", "a:int32,missing:string"}}, In{.value = R"({"a":"5","b":2})"});
  ASSERT_EQ(out.status, SLUICE_OK) << out.error;
  EXPECT_EQ(parsed(out.value), json::parse(R"({"a":5,"b":2,"missing":null})"));
}

TEST_F(SmtTest, CastToStringAndNarrowing) {
  Out out = run("Cast$Value", {{"spec", "a:string,b:string,c:string,d:int8,e:float32,f:int32"}},
                In{.value = R"({"a":1.5,"b":true,"c":7,"d":300,"e":0.1,"f":-2.9})"});
  ASSERT_EQ(out.status, SLUICE_OK) << out.error;
  // Java: Double.toString(1.5)="1.5", (byte)300 = 44, (int)-2.9 = -2; Jackson writes 0.1f as 0.1.
  EXPECT_EQ(parsed(out.value), json::parse(R"({"a":"1.5","b":"true","c":"7","d":44,"e":0.1,"f":-2})"));
}

// CastTest.castWholeRecordValueSchemalessInt32 and ...Boolean
TEST_F(SmtTest, CastWholeValue) {
  Out i = run("Cast$Value", {{"spec", "int32"}}, In{.value = "42"});
  ASSERT_EQ(i.status, SLUICE_OK) << i.error;
  EXPECT_EQ(i.value, "42");
  Out b = run("Cast$Key", {{"spec", "boolean"}}, In{.key = "TRUE", .value = "v"});
  ASSERT_EQ(b.status, SLUICE_OK) << b.error;
  EXPECT_EQ(b.key, "true");
  Out s = run("Cast$Value", {{"spec", "string"}}, In{.value = R"("1e10")"});
  ASSERT_EQ(s.status, SLUICE_OK) << s.error;
  EXPECT_EQ(s.value, "1e10");
}

TEST_F(SmtTest, CastErrors) {
  Out bad = run("Cast$Value", {{"spec", "a:int32"}}, In{.value = R"({"a":"abc"})"});
  EXPECT_EQ(bad.status, SLUICE_ERR_FATAL);
  EXPECT_NE(bad.error.find("Value (abc) was out of range for requested data type"), std::string::npos) << bad.error;
  auto spec = make("Cast$Value", {{"spec", "a:bogus"}});
  ASSERT_FALSE(spec.ok());
  EXPECT_NE(spec.error().find("Invalid type found in casting spec: bogus"), std::string::npos) << spec.error();
  auto bytes = make("Cast$Value", {{"spec", "a:bytes"}});
  ASSERT_FALSE(bytes.ok());
  EXPECT_NE(bytes.error().find("Cast transformation does not support casting to BYTES"), std::string::npos) << bytes.error();
  Out map = run("Cast$Value", {{"spec", "a:string"}}, In{.value = R"({"a":{"b":1}})"});
  EXPECT_EQ(map.status, SLUICE_ERR_FATAL);
  EXPECT_NE(map.error.find("does not support casting from MAP"), std::string::npos) << map.error;
}

// TimestampRouterTest.defaultConfiguration: 1483425001864 is 2017-01-03T06:30:01.864Z.
TEST_F(SmtTest, TimestampRouterDefaultFormat) {
  Out out = run("TimestampRouter", {}, In{.value = "v", .topic = "test", .partition = 3, .timestamp = 1483425001864});
  ASSERT_EQ(out.status, SLUICE_OK) << out.error;
  EXPECT_EQ(out.topic, "test-20170103");
  EXPECT_EQ(out.partition, 3);
  EXPECT_EQ(out.value, "v");
}

TEST_F(SmtTest, TimestampRouterCustomFormat) {
  Out out = run("TimestampRouter", {{"topic.format", "${topic}_${timestamp}"}, {"timestamp.format", "yyyy-MM-dd'T'HH:mm:ss.SSS"}},
                In{.value = "v", .topic = "orders", .timestamp = 1483425001864});
  ASSERT_EQ(out.status, SLUICE_OK) << out.error;
  EXPECT_EQ(out.topic, "orders_2017-01-03T06:30:01.864");
}

TEST_F(SmtTest, TimestampRouterNeedsATimestamp) {
  Out out = run("TimestampRouter", {}, In{.value = "v", .timestamp = -1});
  EXPECT_EQ(out.status, SLUICE_ERR_FATAL);
  EXPECT_NE(out.error.find("Timestamp missing on record"), std::string::npos) << out.error;
  auto bad = make("TimestampRouter", {{"timestamp.format", "yyyyQQ"}});
  EXPECT_FALSE(bad.ok());
}

// RegexRouterTest: whole-topic match, then Java replaceFirst semantics.
TEST_F(SmtTest, RegexRouterRenamesOnAFullMatch) {
  EXPECT_EQ(run("RegexRouter", {{"regex", "(.*)"}, {"replacement", "prefix-$1"}}, In{.value = "v", .topic = "orig"}).topic, "prefix-orig");
  EXPECT_EQ(run("RegexRouter", {{"regex", "(.*)"}, {"replacement", "$1-suffix"}}, In{.value = "v", .topic = "orig"}).topic, "orig-suffix");
  EXPECT_EQ(run("RegexRouter", {{"regex", "(.*)-(.*)"}, {"replacement", "$2-$1"}}, In{.value = "v", .topic = "foo-bar"}).topic, "bar-foo");
  EXPECT_EQ(run("RegexRouter", {{"regex", "(.*)"}, {"replacement", "\\$1"}}, In{.value = "v", .topic = "t"}).topic, "$1");
  // "orig" is found inside "original" but does not match the whole topic: untouched.
  EXPECT_EQ(run("RegexRouter", {{"regex", "orig"}, {"replacement", "x"}}, In{.value = "v", .topic = "original"}).topic, "original");
}

TEST_F(SmtTest, RegexRouterRejectsABadRegex) {
  auto inst = make("RegexRouter", {{"regex", "(unclosed"}, {"replacement", "x"}});
  ASSERT_FALSE(inst.ok());
  EXPECT_NE(inst.error().find("Invalid value (unclosed for configuration regex"), std::string::npos) << inst.error();
}

TEST_F(SmtTest, FilterDropsEverything) {
  auto inst = make("org.apache.kafka.connect.transforms.Filter", {});
  ASSERT_TRUE(inst.ok()) << inst.error();
  for (const char* v : {"a", R"({"b":1})"}) {
    Out out = apply(*inst.value(), In{.value = v});
    EXPECT_EQ(out.status, SLUICE_OK);
    EXPECT_EQ(out.count, 0u);
  }
}

// HoistFieldTest.schemaless
TEST_F(SmtTest, HoistFieldWrapsKeyOrValue) {
  Out key = run("HoistField$Key", {{"field", "magic"}}, In{.key = "42", .value = "v"});
  ASSERT_EQ(key.status, SLUICE_OK) << key.error;
  EXPECT_EQ(parsed(key.key), json::parse(R"({"magic":"42"})"));
  Out value = run("HoistField$Value", {{"field", "wrapped"}}, In{.value = R"({"a":[1,2]})"});
  ASSERT_EQ(value.status, SLUICE_OK) << value.error;
  EXPECT_EQ(parsed(value.value), json::parse(R"({"wrapped":{"a":[1,2]}})"));
}

// FlattenTest.testNestedMapWithDelimiter (schemaless): nested maps join their names with the
// delimiter; arrays and nulls are kept as they are.
TEST_F(SmtTest, FlattenJoinsNestedNames) {
  Out out = run("Flatten$Value", {{"delimiter", "#"}},
                In{.value = R"({"A":{"B":{"int8":8,"string":"s","list":[1,2]},"n":null},"top":true,"empty":{}})"});
  ASSERT_EQ(out.status, SLUICE_OK) << out.error;
  EXPECT_EQ(parsed(out.value), json::parse(R"({"A#B#int8":8,"A#B#string":"s","A#B#list":[1,2],"A#n":null,"top":true})"));
  Out key = run("Flatten$Key", {}, In{.key = R"({"a":{"b":1}})", .value = "v"});
  ASSERT_EQ(key.status, SLUICE_OK) << key.error;
  EXPECT_EQ(parsed(key.key), json::parse(R"({"a.b":1})"));
  Out tomb = run("Flatten$Value", {}, In{.key = "k", .value = std::nullopt});
  ASSERT_EQ(tomb.status, SLUICE_OK) << tomb.error;
  EXPECT_FALSE(tomb.value.has_value());
}

// InsertHeaderTest / DropHeadersTest
TEST_F(SmtTest, InsertHeaderAppendsAndDropHeadersRemovesEveryMatch) {
  In in{.value = "v", .headers = {{"existing", "e"}, {"dropped", "d1"}, {"dropped", std::nullopt}}};
  Out inserted = run("InsertHeader", {{"header", "inserted"}, {"value.literal", "inserted-value"}}, in);
  ASSERT_EQ(inserted.status, SLUICE_OK) << inserted.error;
  decltype(in.headers) expected = {{"existing", "e"}, {"dropped", "d1"}, {"dropped", std::nullopt}, {"inserted", "inserted-value"}};
  EXPECT_EQ(inserted.headers, expected);
  Out dropped = run("DropHeaders", {{"headers", "dropped,absent"}}, in);
  ASSERT_EQ(dropped.status, SLUICE_OK) << dropped.error;
  decltype(in.headers) kept = {{"existing", "e"}};
  EXPECT_EQ(dropped.headers, kept);
  EXPECT_EQ(dropped.value, "v");
}

// HeaderFromTest (schemaless): move removes the fields, copy keeps them.
TEST_F(SmtTest, HeaderFromMovesOrCopiesFields) {
  In in{.key = R"({"k":1})", .value = R"({"field1":"a","field2":{"x":1},"field3":3})", .headers = {{"h0", "0"}}};
  Out moved = run("HeaderFrom$Value", {{"fields", "field1,field2"}, {"headers", "inserted1,inserted2"}, {"operation", "move"}}, in);
  ASSERT_EQ(moved.status, SLUICE_OK) << moved.error;
  EXPECT_EQ(parsed(moved.value), json::parse(R"({"field3":3})"));
  decltype(in.headers) expected = {{"h0", "0"}, {"inserted1", "a"}, {"inserted2", R"({"x":1})"}};
  EXPECT_EQ(moved.headers, expected);
  Out copied = run("HeaderFrom$Key", {{"fields", "k"}, {"headers", "key-k"}, {"operation", "copy"}}, in);
  ASSERT_EQ(copied.status, SLUICE_OK) << copied.error;
  EXPECT_EQ(parsed(copied.key), json::parse(R"({"k":1})"));
  decltype(in.headers) keyHeaders = {{"h0", "0"}, {"key-k", "1"}};
  EXPECT_EQ(copied.headers, keyHeaders);
  auto mismatch = make("HeaderFrom$Value", {{"fields", "a,b"}, {"headers", "x"}, {"operation", "copy"}});
  ASSERT_FALSE(mismatch.ok());
  EXPECT_NE(mismatch.error().find("'fields' config must have the same number of elements as 'headers' config."), std::string::npos)
      << mismatch.error();
}

// TimestampConverterTest (schemaless). 86401000 ms is 1970-01-02T00:00:01Z (Connect's DATE_PLUS_TIME);
// 1483425001864 is 2017-01-03T06:30:01.864Z.
TEST_F(SmtTest, TimestampConverterBetweenUnixAndString) {
  const std::string fmt = "yyyy MM dd HH mm ss SSS";
  Out str = run("TimestampConverter$Value", {{"target.type", "string"}, {"format", fmt}}, In{.value = "86401000"});
  ASSERT_EQ(str.status, SLUICE_OK) << str.error;
  EXPECT_EQ(str.value, "1970 01 02 00 00 01 000");
  Out unix = run("TimestampConverter$Value", {{"target.type", "unix"}, {"format", fmt}}, In{.value = "\"1970 01 02 00 00 01 000\""});
  ASSERT_EQ(unix.status, SLUICE_OK) << unix.error;
  EXPECT_EQ(unix.value, "86401000");
  Out field = run("TimestampConverter$Value", {{"field", "ts"}, {"target.type", "string"}, {"format", "yyyy-MM-dd HH:mm:ss.SSS"}},
                  In{.value = R"({"ts":1483425001864,"other":"x"})"});
  ASSERT_EQ(field.status, SLUICE_OK) << field.error;
  EXPECT_EQ(parsed(field.value), json::parse(R"({"ts":"2017-01-03 06:30:01.864","other":"x"})"));
  Out back = run("TimestampConverter$Value", {{"field", "ts"}, {"target.type", "Timestamp"}, {"format", "yyyy-MM-dd HH:mm:ss.SSS"}},
                 In{.value = R"({"ts":"2017-01-03 06:30:01.864"})"});
  ASSERT_EQ(back.status, SLUICE_OK) << back.error;
  EXPECT_EQ(parsed(back.value), json::parse(R"({"ts":1483425001864})"));
}

TEST_F(SmtTest, TimestampConverterDateTimeAndPrecision) {
  EXPECT_EQ(run("TimestampConverter$Value", {{"target.type", "Date"}}, In{.value = R"({"x":1})"}).status, SLUICE_ERR_FATAL);
  Out date = run("TimestampConverter$Value", {{"field", "t"}, {"target.type", "Date"}}, In{.value = R"({"t":86401000})"});
  ASSERT_EQ(date.status, SLUICE_OK) << date.error;
  EXPECT_EQ(parsed(date.value), json::parse(R"({"t":86400000})"));
  Out time = run("TimestampConverter$Value", {{"field", "t"}, {"target.type", "Time"}}, In{.value = R"({"t":86401000})"});
  ASSERT_EQ(time.status, SLUICE_OK) << time.error;
  EXPECT_EQ(parsed(time.value), json::parse(R"({"t":1000})"));
  Out seconds = run("TimestampConverter$Value", {{"field", "t"}, {"target.type", "string"}, {"format", "yyyyMMddHHmmss"}, {"unix.precision", "seconds"}},
                    In{.value = R"({"t":86401})"});
  ASSERT_EQ(seconds.status, SLUICE_OK) << seconds.error;
  EXPECT_EQ(parsed(seconds.value), json::parse(R"({"t":"19700102000001"})"));
  // unix.precision applies to unix input as well as unix output.
  Out micros = run("TimestampConverter$Value", {{"field", "t"}, {"target.type", "Timestamp"}, {"unix.precision", "microseconds"}},
                   In{.value = R"({"t":86401000123})"});
  ASSERT_EQ(micros.status, SLUICE_OK) << micros.error;
  EXPECT_EQ(parsed(micros.value), json::parse(R"({"t":86401000})"));
  Out toMicros = run("TimestampConverter$Value",
                     {{"field", "t"}, {"target.type", "unix"}, {"format", "yyyy MM dd HH mm ss SSS"}, {"unix.precision", "microseconds"}},
                     In{.value = R"({"t":"1970 01 02 00 00 01 000"})"});
  ASSERT_EQ(toMicros.status, SLUICE_OK) << toMicros.error;
  EXPECT_EQ(parsed(toMicros.value), json::parse(R"({"t":86401000000})"));
  Out compact = run("TimestampConverter$Value", {{"field", "t"}, {"target.type", "unix"}, {"format", "yyyyMMddHHmmss"}},
                    In{.value = R"({"t":"19700102000001"})"});
  ASSERT_EQ(compact.status, SLUICE_OK) << compact.error;
  EXPECT_EQ(parsed(compact.value), json::parse(R"({"t":86401000})"));
}

TEST_F(SmtTest, TimestampConverterErrors) {
  auto noFormat = make("TimestampConverter$Value", {{"target.type", "string"}});
  ASSERT_FALSE(noFormat.ok());
  EXPECT_NE(noFormat.error().find("TimestampConverter requires format option to be specified when using string timestamps"),
            std::string::npos)
      << noFormat.error();
  Out bad = run("TimestampConverter$Value", {{"field", "t"}, {"target.type", "unix"}, {"format", "yyyy-MM-dd"}},
                In{.value = R"({"t":"not a date"})"});
  EXPECT_EQ(bad.status, SLUICE_ERR_FATAL);
  EXPECT_NE(bad.error.find("Could not parse timestamp: value (not a date) does not match pattern (yyyy-MM-dd)"), std::string::npos)
      << bad.error;
}

}  // namespace
}  // namespace sluice
