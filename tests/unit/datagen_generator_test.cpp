// The Avro generator's arg.properties rules (avro-random-generator semantics), the regex subset, and
// the JSON it writes (JsonConverter with schemas.enable=false).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "avro_generator.hpp"
#include "java_random.hpp"
#include "regex_generator.hpp"

namespace sluice::datagen {
namespace {

using nlohmann::json;

// A one-field record around `fieldType`, generated n times; returns the field's values.
std::vector<json> field(const std::string& fieldType, int n, int64_t seed = 7) {
  AvroGenerator g(R"({"type":"record","name":"r","fields":[{"name":"f","type":)" + fieldType + "}]}");
  JavaRandom rng(seed);
  GeneratedRecord rec;
  std::vector<json> out;
  for (int i = 0; i < n; ++i) {
    g.next(rng, rec);
    json v = json::parse(rec.value);
    EXPECT_EQ(v.size(), 1u) << rec.value;
    out.push_back(v["f"]);
  }
  return out;
}

std::string errorOf(const std::string& fieldType) {
  try {
    AvroGenerator g(R"({"type":"record","name":"r","fields":[{"name":"f","type":)" + fieldType + "}]}");
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(DatagenJavaRandom, MatchesJavaUtilRandom) {
  // Values of new java.util.Random(42), as documented by countless Java examples.
  JavaRandom a(42);
  EXPECT_EQ(a.nextInt(), -1170105035);
  JavaRandom b(42);
  EXPECT_EQ(b.nextInt(10), 0);
  JavaRandom c(42);
  EXPECT_DOUBLE_EQ(c.nextDouble(), 0.7275636800328681);
}

TEST(DatagenRange, IntIsMinInclusiveMaxExclusive) {
  std::set<int64_t> seen;
  for (const auto& v : field(R"({"type":"int","arg.properties":{"range":{"min":1,"max":5}}})", 2000)) {
    ASSERT_TRUE(v.is_number_integer());
    seen.insert(v.get<int64_t>());
  }
  EXPECT_EQ(seen, (std::set<int64_t>{1, 2, 3, 4}));
}

TEST(DatagenRange, LongAndDoubleStayInRange) {
  for (const auto& v : field(R"({"type":"long","arg.properties":{"range":{"min":10000000001,"max":10000000016}}})", 1000)) {
    EXPECT_GE(v.get<int64_t>(), 10000000001);
    EXPECT_LT(v.get<int64_t>(), 10000000016);
  }
  for (const auto& v : field(R"({"type":"double","arg.properties":{"range":{"min":0.1,"max":10.0}}})", 1000)) {
    EXPECT_GE(v.get<double>(), 0.1);
    EXPECT_LT(v.get<double>(), 10.0);
  }
  for (const auto& v : field(R"({"type":"int","arg.properties":{"range":{"min":-100,"max":-90}}})", 500)) {
    EXPECT_GE(v.get<int64_t>(), -100);
    EXPECT_LT(v.get<int64_t>(), -90);
  }
}

TEST(DatagenRange, MinNotBelowMaxIsASchemaError) {
  EXPECT_NE(errorOf(R"({"type":"int","arg.properties":{"range":{"min":5,"max":5}}})").find("'min' field must be strictly less than 'max'"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"type":"double","arg.properties":{"range":{"min":2.5,"max":1}}})").find("strictly less"), std::string::npos);
  EXPECT_NE(errorOf(R"({"type":"string","arg.properties":{"range":{"min":1,"max":2}}})"), "");
}

std::vector<int64_t> ints(const std::vector<json>& vs) {
  std::vector<int64_t> out;
  for (const auto& v : vs) out.push_back(v.get<int64_t>());
  return out;
}

TEST(DatagenIteration, WrapsModuloExclusiveRestart) {
  EXPECT_EQ(ints(field(R"({"type":"int","arg.properties":{"iteration":{"start":0,"restart":5,"step":2}}})", 7)),
            (std::vector<int64_t>{0, 2, 4, 1, 3, 0, 2}));
  EXPECT_EQ(ints(field(R"({"type":"long","arg.properties":{"iteration":{"start":1,"restart":4}}})", 7)),
            (std::vector<int64_t>{1, 2, 3, 1, 2, 3, 1}));
  std::vector<int64_t> down;
  for (int i = 0; i < 12; ++i) down.push_back(10 - (i % 10));
  EXPECT_EQ(ints(field(R"({"type":"int","arg.properties":{"iteration":{"start":10,"restart":0,"step":-1}}})", 12)), down);
}

TEST(DatagenIteration, DefaultsAndInitial) {
  std::vector<int64_t> expected;
  for (int i = 0; i < 5; ++i) expected.push_back(1 + 10 * i);
  EXPECT_EQ(ints(field(R"({"type":"long","arg.properties":{"iteration":{"start":1,"step":10}}})", 5)), expected);
  EXPECT_EQ(ints(field(R"({"type":"int","arg.properties":{"iteration":{"start":0,"restart":5,"initial":3}}})", 4)),
            (std::vector<int64_t>{3, 4, 0, 1}));
}

TEST(DatagenIteration, RejectsBadCombinations) {
  EXPECT_NE(errorOf(R"({"type":"int","arg.properties":{"iteration":{"start":0,"step":0}}})"), "");
  EXPECT_NE(errorOf(R"({"type":"int","arg.properties":{"iteration":{"start":3,"restart":3}}})"), "");
  EXPECT_NE(errorOf(R"({"type":"int","arg.properties":{"iteration":{"start":0,"restart":5,"step":-1}}})"), "");
  EXPECT_NE(errorOf(R"({"type":"int","arg.properties":{"iteration":{"start":5,"restart":0,"step":1}}})"), "");
  EXPECT_NE(errorOf(R"({"type":"int","arg.properties":{"iteration":{"restart":5}}})"), "");
  EXPECT_NE(errorOf(R"({"type":"bytes","arg.properties":{"iteration":{"start":1}}})"), "");
}

TEST(DatagenIteration, BooleansAlternateFromStart) {
  auto vs = field(R"({"type":"boolean","arg.properties":{"iteration":{"start":true}}})", 5);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(vs[static_cast<size_t>(i)].get<bool>(), i % 2 == 0);
  EXPECT_NE(errorOf(R"({"type":"boolean","arg.properties":{"iteration":{"start":true,"step":1}}})"), "");
}

TEST(DatagenIteration, StringsIterateAsTextWithPrefixAndSuffix) {
  auto vs = field(R"({"type":"string","arg.properties":{"iteration":{"start":7},"prefix":"id-","suffix":"!"}})", 3);
  EXPECT_EQ(vs[0], "id-7!");
  EXPECT_EQ(vs[2], "id-9!");
}

TEST(DatagenIteration, ResumesFromGeneration) {
  const std::string schema = R"({"type":"record","name":"r","fields":[
    {"name":"a","type":{"type":"int","arg.properties":{"iteration":{"start":0,"restart":5,"step":2}}}},
    {"name":"b","type":{"type":"double","arg.properties":{"iteration":{"start":0.5,"step":0.25}}}},
    {"name":"c","type":{"type":"boolean","arg.properties":{"iteration":{"start":false}}}}]})";
  AvroGenerator whole(schema);
  JavaRandom rng(1);
  GeneratedRecord rec;
  std::vector<std::string> all;
  for (int i = 0; i < 9; ++i) {
    whole.next(rng, rec);
    all.push_back(rec.value);
  }
  AvroGenerator resumed(schema);
  resumed.setGeneration(4);
  for (size_t i = 4; i < 9; ++i) {
    resumed.next(rng, rec);
    EXPECT_EQ(rec.value, all[i]);
  }
}

TEST(DatagenOptions, PicksOnlyListedValuesRoughlyUniformly) {
  std::map<int64_t, int> counts;
  for (const auto& v : field(R"({"type":"int","arg.properties":{"options":[30,45,60]}})", 3000)) counts[v.get<int64_t>()]++;
  ASSERT_EQ(counts.size(), 3u);
  for (int64_t o : {30, 45, 60}) {
    EXPECT_GT(counts[o], 800) << o;
    EXPECT_LT(counts[o], 1200) << o;
  }
  std::set<std::string> s;
  for (const auto& v : field(R"({"type":"string","arg.properties":{"options":["Acme","Globex"]}})", 200)) s.insert(v.get<std::string>());
  EXPECT_EQ(s, (std::set<std::string>{"Acme", "Globex"}));
}

TEST(DatagenOptions, ExclusiveWithOtherGenerationProps) {
  for (const char* other : {R"("range":{"min":1,"max":3})", R"("iteration":{"start":1})", R"("length":3)", R"("regex":"a")"}) {
    std::string type = std::string(R"({"type":"string","arg.properties":{"options":["a"],)") + other + "}}";
    EXPECT_NE(errorOf(type).find("Cannot specify"), std::string::npos) << type;
  }
  EXPECT_NE(errorOf(R"({"type":"int","arg.properties":{"options":[]}})").find("cannot be empty"), std::string::npos);
  EXPECT_NE(errorOf(R"({"type":"int","arg.properties":{"options":["x"]}})").find("Invalid option"), std::string::npos);
}

TEST(DatagenOptions, WholeRecordOptionsKeepFieldOrderAndGiveTheKey) {
  AvroGenerator g(R"({"type":"record","name":"s","fields":[{"name":"id","type":"int"},{"name":"city","type":"string"}],
    "arg.properties":{"options":[{"city":"Paris","id":5},{"id":6,"city":"Milan"}]}})");
  g.setKeyField("city");
  JavaRandom rng(3);
  GeneratedRecord rec;
  std::set<std::string> keys;
  for (int i = 0; i < 50; ++i) {
    g.next(rng, rec);
    EXPECT_TRUE(rec.value == R"({"id":5,"city":"Paris"})" || rec.value == R"({"id":6,"city":"Milan"})") << rec.value;
    ASSERT_TRUE(rec.hasKey);
    EXPECT_EQ(rec.key, json::parse(rec.value)["city"].get<std::string>());
    keys.insert(rec.key);
  }
  EXPECT_EQ(keys.size(), 2u);
}

TEST(DatagenLength, BoundsStringsBytesArraysAndMaps) {
  for (const auto& v : field(R"({"type":"string","arg.properties":{"length":5}})", 100)) EXPECT_EQ(v.get<std::string>().size(), 5u);
  std::set<size_t> lens;
  for (const auto& v : field(R"({"type":"string","arg.properties":{"length":{"min":2,"max":4}}})", 300)) lens.insert(v.get<std::string>().size());
  EXPECT_EQ(lens, (std::set<size_t>{2, 3}));
  lens.clear();
  for (const auto& v : field(R"("string")", 2000)) {
    lens.insert(v.get<std::string>().size());
    for (unsigned char c : v.get<std::string>()) EXPECT_LT(c, 128);
  }
  EXPECT_EQ(*lens.begin(), 8u);
  EXPECT_EQ(*lens.rbegin(), 15u);
  lens.clear();
  for (const auto& v : field(R"({"type":"array","items":"int","arg.properties":{"length":{"min":1,"max":3}}})", 300)) lens.insert(v.size());
  EXPECT_EQ(lens, (std::set<size_t>{1, 2}));
  for (const auto& v : field(R"({"type":"bytes","arg.properties":{"length":6}})", 50)) EXPECT_EQ(v.get<std::string>().size(), 8u);  // base64 of 6 bytes
  for (const auto& v : field(R"({"type":"map","values":"int","arg.properties":{"length":{"min":0,"max":4}}})", 300)) EXPECT_LT(v.size(), 4u);
  EXPECT_NE(errorOf(R"({"type":"string","arg.properties":{"length":{"min":3,"max":3}}})"), "");
  EXPECT_NE(errorOf(R"({"type":"string","arg.properties":{"length":{"min":-1}}})"), "");
}

TEST(DatagenRegex, OutputsFullyMatch) {
  for (const std::string pattern : {"User_[1-9]{0,1}", "BYOC_Item_[1-9][0-9]{0,2}", "City_[1-9]{0,2}", "Region_[1-9]?",
                                    "Page_[1-9][0-9]?", "[a-z]*", "(ab|cd)+x", "\\d{3}-\\d{4}", "[^0-9]{2,5}", "a.b", "(?:x|yz){2}"}) {
    std::regex re(pattern);
    std::string quoted = json(pattern).dump();
    for (const auto& v : field(R"({"type":"string","arg.properties":{"regex":)" + quoted + "}}", 300)) {
      EXPECT_TRUE(std::regex_match(v.get<std::string>(), re)) << pattern << " -> " << v;
    }
  }
}

TEST(DatagenRegex, OptionalPartsAreTakenBelowTheMinimumLength) {
  std::set<std::string> seen;
  for (const auto& v : field(R"({"type":"string","arg.properties":{"regex":"User_[1-9]{0,1}"}})", 500)) seen.insert(v.get<std::string>());
  EXPECT_EQ(seen.count("User_"), 0u);
  EXPECT_EQ(seen.size(), 9u);
  for (const auto& v : field(R"({"type":"string","arg.properties":{"regex":"[a-z]*"}})", 500)) {
    EXPECT_GE(v.get<std::string>().size(), 8u);
    EXPECT_LE(v.get<std::string>().size(), 15u);
  }
}

TEST(DatagenRegex, PrefixSuffixAndUnsupportedSyntax) {
  for (const auto& v : field(R"({"type":"string","arg.properties":{"regex":"[0-9]{2}","prefix":"<","suffix":">"}})", 20))
    EXPECT_TRUE(std::regex_match(v.get<std::string>(), std::regex("<[0-9]{2}>"))) << v;
  EXPECT_THROW(RegexGenerator("(a)\\1"), std::invalid_argument);
  EXPECT_THROW(RegexGenerator("(?=a)b"), std::invalid_argument);
  EXPECT_THROW(RegexGenerator("[a-"), std::invalid_argument);
  EXPECT_THROW(RegexGenerator("a{3,1}"), std::invalid_argument);
  EXPECT_NE(errorOf(R"({"type":"string","arg.properties":{"regex":"\\bword"}})").find("Unsupported regex"), std::string::npos);
}

TEST(DatagenMap, KeysFollowKeysOptionsAndRegex) {
  for (const auto& v : field(R"({"type":"map","values":"long","arg.properties":{"keys":{"options":["a","b","c"]}}})", 100)) {
    EXPECT_LE(v.size(), 3u);
    for (const auto& [k, val] : v.items()) {
      EXPECT_TRUE(k == "a" || k == "b" || k == "c") << k;
      EXPECT_TRUE(val.is_number_integer());
    }
  }
  for (const auto& v : field(R"({"type":"map","values":"int","arg.properties":{"length":3,"keys":{"regex":"k[0-9]{4}"}}})", 50)) {
    for (const auto& [k, val] : v.items()) EXPECT_TRUE(std::regex_match(k, std::regex("k[0-9]{4}"))) << k;
  }
}

TEST(DatagenUnion, BranchesChosenUniformly) {
  int nulls = 0;
  for (const auto& v : field(R"(["null",{"type":"string","arg.properties":{"options":["x"]}}])", 4000)) {
    if (v.is_null()) ++nulls;
    else EXPECT_EQ(v, "x");
  }
  EXPECT_GT(nulls, 1800);
  EXPECT_LT(nulls, 2200);
  // Several non-null branches: Connect's union struct, one field per branch, the unchosen ones null.
  int ints = 0, strings = 0;
  for (const auto& v : field(R"(["int",{"type":"string","arg.properties":{"options":["s"]}}])", 2000)) {
    ASSERT_TRUE(v.is_object()) << v;
    ASSERT_EQ(v.size(), 2u);
    if (v["int"].is_null()) {
      EXPECT_EQ(v["string"], "s");
      ++strings;
    } else {
      EXPECT_TRUE(v["string"].is_null());
      ++ints;
    }
  }
  EXPECT_GT(ints, 850);
  EXPECT_GT(strings, 850);
}

TEST(DatagenTypes, EnumsBooleansNestedRecordsAndFieldOrder) {
  AvroGenerator g(R"(
    // comments are accepted, as Avro's parser accepts them
    {"type":"record","name":"outer","namespace":"t","fields":[
      {"name":"z","type":{"type":"enum","name":"color","symbols":["RED","GREEN"]}},
      {"name":"a","type":{"type":"boolean","arg.properties":{"odds":1.0}}},
      {"name":"inner","type":{"type":"record","name":"inner","fields":[{"name":"q","type":{"type":"long","arg.properties":{"range":{"min":1,"max":2}}}}]}},
      {"name":"again","type":"inner"},
      {"name":"ts","type":{"type":"long","logicalType":"timestamp-millis","arg.properties":{"range":{"min":5,"max":6}}}},
      {"name":"d","type":{"type":"bytes","logicalType":"decimal","precision":4,"scale":2}}
    ]})");
  JavaRandom rng(9);
  GeneratedRecord rec;
  g.next(rng, rec);
  // Field order as declared, not alphabetical.
  EXPECT_LT(rec.value.find("\"z\""), rec.value.find("\"a\""));
  json v = json::parse(rec.value);
  EXPECT_TRUE(v["z"] == "RED" || v["z"] == "GREEN");
  EXPECT_EQ(v["a"], true);
  EXPECT_EQ(v["inner"]["q"], 1);
  EXPECT_EQ(v["again"]["q"], 1);
  EXPECT_EQ(v["ts"], 5);
  EXPECT_TRUE(v["d"].is_string());
  EXPECT_FALSE(rec.hasKey);
}

TEST(DatagenOptions, ArrayOfRecordOptionsAsPizzaOrdersUses) {
  const std::string lines = R"({"type":"array","items":{"type":"record","name":"line","fields":[
      {"name":"product_id","type":"int"},{"name":"unit_price","type":"double"}],
      "arg.properties":{"options":[{"product_id":66,"unit_price":18.78},{"product_id":71,"unit_price":4.5}]}},
    "arg.properties":{"length":{"min":1,"max":5}}})";
  for (const auto& v : field(lines, 200)) {
    ASSERT_TRUE(v.is_array());
    EXPECT_GE(v.size(), 1u);
    EXPECT_LT(v.size(), 5u);
    for (const auto& line : v) {
      EXPECT_TRUE(line == json::parse(R"({"product_id":66,"unit_price":18.78})") || line == json::parse(R"({"product_id":71,"unit_price":4.5})"))
          << line;
    }
  }
}

TEST(DatagenRegex, LengthBoundsTheUnboundedParts) {
  for (const auto& v : field(R"({"type":"string","arg.properties":{"regex":"[a-z]+","length":{"min":3,"max":6}}})", 300)) {
    EXPECT_GE(v.get<std::string>().size(), 3u);
    EXPECT_LE(v.get<std::string>().size(), 5u);  // max is exclusive
  }
}

TEST(DatagenDeterminism, SameSeedSameBytesDifferentSeedDifferent) {
  const std::string schema = R"({"type":"record","name":"r","fields":[
    {"name":"s","type":"string"},{"name":"l","type":"long"},{"name":"d","type":"double"},
    {"name":"m","type":{"type":"map","values":"float"}},{"name":"b","type":"bytes"}]})";
  auto run = [&](int64_t seed) {
    AvroGenerator g(schema);
    JavaRandom rng(seed);
    std::string out;
    generateInto(g, rng, 200, out);
    return out;
  };
  EXPECT_EQ(run(11), run(11));
  EXPECT_NE(run(11), run(12));
  // Every line is one valid JSON object (control characters escaped).
  std::string text = run(11);
  size_t lines = 0;
  for (size_t start = 0, end; (end = text.find('\n', start)) != std::string::npos; start = end + 1, ++lines)
    EXPECT_TRUE(json::accept(text.substr(start, end - start))) << text.substr(start, end - start);
  EXPECT_EQ(lines, 200u);
}

TEST(DatagenSchema, ClearErrors) {
  EXPECT_THROW(AvroGenerator("{not json"), std::invalid_argument);
  EXPECT_THROW(AvroGenerator(R"("string")"), std::invalid_argument);
  EXPECT_NE(errorOf(R"("nosuchtype")").find("unknown type"), std::string::npos);
  EXPECT_NE(errorOf(R"({"type":"int","arg.properties":[1]})").find("must be a JSON object"), std::string::npos);
  AvroGenerator g(R"({"type":"record","name":"r","fields":[{"name":"f","type":"int"}]})");
  EXPECT_THROW(g.setKeyField("nope"), std::invalid_argument);
}

}  // namespace
}  // namespace sluice::datagen
