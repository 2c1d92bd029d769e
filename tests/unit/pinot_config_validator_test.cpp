// The offline Pinot validator: the shipped pinot/ configs pass, and one deliberately broken config per
// rule of pinot_config_validator.hpp (its numbering, 0 = schema-side) is rejected by that rule.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>

#include "provision/pinot_config_validator.hpp"
#include "provision/pinot_provisioner.hpp"

namespace sluice {
namespace {

using nlohmann::json;

std::vector<PinotAsset> shippedAssets() {
  std::vector<std::string> errors;
  auto assets = loadPinotAssets(std::string(SLUICE_SOURCE_DIR) + "/pinot", "kafka:29092", errors);
  EXPECT_TRUE(errors.empty()) << errors.front();
  return assets;
}

PinotAsset shippedSluiceAsset() {
  for (auto& a : shippedAssets())
    if (a.name == "transactions_aggregate_sluice") return a;
  ADD_FAILURE() << "pinot/transactions_aggregate_sluice.schema.json not shipped";
  return {};
}

std::string describe(const std::vector<PinotIssue>& issues) {
  std::string s;
  for (const auto& i : issues) s += "\n  rule " + std::to_string(i.rule) + ": " + i.message;
  return s.empty() ? "\n  (no issues)" : s;
}

TEST(PinotConfigValidator, ShippedConfigsPass) {
  auto assets = shippedAssets();
  ASSERT_EQ(assets.size(), 2u);
  auto problems = validatePinotAssets(assets);
  std::string all;
  for (const auto& p : problems) all += "\n" + p;
  EXPECT_TRUE(problems.empty()) << all;
}

TEST(PinotConfigValidator, ShippedBrokerPlaceholderIsSubstituted) {
  auto a = shippedSluiceAsset();
  const auto& stream = a.table["ingestionConfig"]["streamIngestionConfig"]["streamConfigMaps"][0];
  EXPECT_EQ(stream["stream.kafka.broker.list"], "kafka:29092");
  EXPECT_EQ(stream["stream.kafka.consumer.prop.auto.offset.reset"], "smallest");
}

struct Case {
  int rule;
  std::string what;
  std::function<void(json& schema, json& table)> breakIt;
};

json& stream0(json& t) { return t["ingestionConfig"]["streamIngestionConfig"]["streamConfigMaps"][0]; }

std::vector<Case> cases() {
  return {
      {1, "no tableName", [](json&, json& t) { t.erase("tableName"); }},
      {1, "double underscore in tableName", [](json& s, json& t) { t["tableName"] = s["schemaName"] = "transactions__agg"; }},
      {2, "two dots in tableName", [](json&, json& t) { t["tableName"] = "a.b.c"; }},
      {2, "whitespace in tableName", [](json&, json& t) { t["tableName"] = "transactions aggregate"; }},
      {3, "no tableType", [](json&, json& t) { t.erase("tableType"); }},
      {3, "no segmentsConfig", [](json&, json& t) { t.erase("segmentsConfig"); }},
      {3, "no tenants", [](json&, json& t) { t.erase("tenants"); }},
      {3, "no tableIndexConfig", [](json&, json& t) { t.erase("tableIndexConfig"); }},
      {4, "schemaName differs from the table name", [](json& s, json&) { s["schemaName"] = "other_name"; }},
      {5, "no timeColumnName", [](json&, json& t) { t["segmentsConfig"].erase("timeColumnName"); }},
      {6, "timeColumnName is a metric", [](json&, json& t) { t["segmentsConfig"]["timeColumnName"] = "total_paid"; }},
      {6, "timeColumnName unknown", [](json&, json& t) { t["segmentsConfig"]["timeColumnName"] = "nope"; }},
      {7, "bad retention unit", [](json&, json& t) { t["segmentsConfig"]["retentionTimeUnit"] = "FORTNIGHTS"; }},
      {7, "retention unit without value", [](json&, json& t) { t["segmentsConfig"].erase("retentionTimeValue"); }},
      {7, "retention value not positive", [](json&, json& t) { t["segmentsConfig"]["retentionTimeValue"] = "0"; }},
      {8, "peer download scheme ftp", [](json&, json& t) {
         t["segmentsConfig"]["peerSegmentDownloadScheme"] = "ftp";
         t["segmentsConfig"]["replication"] = "2";
       }},
      {8, "peer download with replication 1", [](json&, json& t) { t["segmentsConfig"]["peerSegmentDownloadScheme"] = "http"; }},
      {9, "no stream config anywhere", [](json&, json& t) { t.erase("ingestionConfig"); }},
      {9, "empty streamConfigMaps", [](json&, json& t) { t["ingestionConfig"]["streamIngestionConfig"]["streamConfigMaps"] = json::array(); }},
      {10, "both stream config forms", [](json&, json& t) { t["tableIndexConfig"]["streamConfigs"] = stream0(t); }},
      {11, "no streamType", [](json&, json& t) { stream0(t).erase("streamType"); }},
      {11, "no topic", [](json&, json& t) { stream0(t).erase("stream.kafka.topic.name"); }},
      {11, "no decoder", [](json&, json& t) { stream0(t).erase("stream.kafka.decoder.class.name"); }},
      {12, "non-numeric flush rows", [](json&, json& t) { stream0(t)["realtime.segment.flush.threshold.rows"] = "many"; }},
      {12, "unparsable segment size", [](json&, json& t) {
         stream0(t).erase("realtime.segment.flush.threshold.rows");
         stream0(t)["realtime.segment.flush.threshold.segment.size"] = "big";
       }},
      {12, "unparsable flush time", [](json&, json& t) { stream0(t)["realtime.segment.flush.threshold.time"] = "soon"; }},
      {13, "flush time zero", [](json&, json& t) { stream0(t)["realtime.segment.flush.threshold.time"] = "0"; }},
      {14, "two flush thresholds", [](json&, json& t) { stream0(t)["realtime.segment.flush.threshold.segment.size"] = "100M"; }},
      {15, "two streams with upsert", [](json&, json& t) {
         json second = stream0(t);
         second["stream.kafka.topic.name"] = "another_topic";
         t["ingestionConfig"]["streamIngestionConfig"]["streamConfigMaps"].push_back(second);
       }},
      {15, "two streams on the same topic", [](json&, json& t) {
         t.erase("upsertConfig");
         t["ingestionConfig"]["streamIngestionConfig"]["streamConfigMaps"].push_back(stream0(t));
       }},
      {16, "transform destination not in schema", [](json&, json& t) {
         t["ingestionConfig"]["transformConfigs"] = {{{"columnName", "start_text"}, {"transformFunction", "toDateTime(window_start, 'yyyy-MM-dd')"}}};
       }},
      {16, "transform reads its own destination", [](json&, json& t) {
         t["ingestionConfig"]["transformConfigs"] = {{{"columnName", "total_paid"}, {"transformFunction", "plus(total_paid, 1)"}}};
       }},
      {16, "duplicate transform destination", [](json&, json& t) {
         json tc = {{"columnName", "window_end"}, {"transformFunction", "plus(window_start, 3000)"}};
         t["ingestionConfig"]["transformConfigs"] = {tc, tc};
       }},
      {16, "transform without function", [](json&, json& t) { t["ingestionConfig"]["transformConfigs"] = {{{"columnName", "window_end"}}}; }},
      {16, "unparsable transform function", [](json&, json& t) {
         t["ingestionConfig"]["transformConfigs"] = {{{"columnName", "window_end"}, {"transformFunction", "plus(window_start, 3000"}}};
       }},
      {16, "non-deterministic transform", [](json&, json& t) {
         t["ingestionConfig"]["transformConfigs"] = {{{"columnName", "window_end"}, {"transformFunction", "now()"}}};
       }},
      {17, "Groovy filter", [](json&, json& t) {
         t["ingestionConfig"]["filterConfig"] = {{"filterFunction", "Groovy({total_paid < 0}, total_paid)"}};
       }},
      {17, "unparsable filter", [](json&, json& t) { t["ingestionConfig"]["filterConfig"] = {{"filterFunction", "total_paid <"}}; }},
      {18, "fieldConfig on unknown column", [](json&, json& t) { t["fieldConfigList"] = {{{"name", "nope"}, {"encodingType", "RAW"}}}; }},
      {18, "duplicate fieldConfig", [](json&, json& t) {
         json f = {{"name", "total_paid"}, {"encodingType", "RAW"}};
         t["fieldConfigList"] = {f, f};
       }},
      {18, "TIMESTAMP index on a DOUBLE", [](json&, json& t) {
         t["fieldConfigList"] = {{{"name", "average_transaction_value"}, {"indexTypes", {"TIMESTAMP"}}}};
       }},
      {18, "inverted index on unknown column", [](json&, json& t) { t["tableIndexConfig"]["invertedIndexColumns"] = {"nope"}; }},
      {18, "sorted column unknown", [](json&, json& t) { t["tableIndexConfig"]["sortedColumn"] = {"nope"}; }},
      {19, "aggregateMetrics with upsert", [](json&, json& t) { t["tableIndexConfig"]["aggregateMetrics"] = true; }},
      {19, "aggregateMetrics together with aggregationConfigs", [](json&, json& t) {
         t.erase("upsertConfig");
         t["tableIndexConfig"]["aggregateMetrics"] = true;
         t["ingestionConfig"]["aggregationConfigs"] = {{{"columnName", "total_paid"}, {"aggregationFunction", "SUM(total_paid)"}}};
       }},
      {20, "upsert and dedup together", [](json&, json& t) { t["dedupConfig"] = {{"dedupEnabled", true}}; }},
      {20, "upsert without primary key", [](json& s, json&) { s.erase("primaryKeyColumns"); }},
      {20, "upsert without strictReplicaGroup", [](json&, json& t) { t["routing"]["instanceSelectorType"] = "balanced"; }},
      {20, "upsert without routing", [](json&, json& t) { t.erase("routing"); }},
      {20, "realtime tag override", [](json&, json& t) { t["tagOverrideConfig"] = {{"realtimeCompleted", "DefaultTenant_OFFLINE"}}; }},
      {20, "COMPLETED instance partitions", [](json&, json& t) {
         t["instanceAssignmentConfigMap"] = {{"COMPLETED", {{"tagPoolConfig", {{"tag", "DefaultTenant_OFFLINE"}}}}}};
       }},
      {21, "upsert with tiers", [](json&, json& t) { t["tierConfigs"] = {{{"name", "cold"}}}; }},
      {21, "upsert with star-tree", [](json&, json& t) { t["tableIndexConfig"]["starTreeIndexConfigs"] = {{{"dimensionsSplitOrder", json::array()}}}; }},
      {21, "comparison column not in schema", [](json&, json& t) { t["upsertConfig"]["comparisonColumns"] = {"nope"}; }},
      {21, "delete column not in schema", [](json&, json& t) { t["upsertConfig"]["deleteRecordColumn"] = "deleted"; }},
      {21, "out-of-order column not BOOLEAN", [](json&, json& t) { t["upsertConfig"]["outOfOrderRecordColumn"] = "total_paid"; }},
      {21, "deletedKeysTTL without delete column", [](json&, json& t) { t["upsertConfig"]["deletedKeysTTL"] = 3600; }},
      {21, "metadataTTL with snapshots disabled", [](json&, json& t) {
         t["upsertConfig"]["metadataTTL"] = 3600;
         t["upsertConfig"]["snapshot"] = "DISABLE";
       }},
      {22, "partial upsert without null handling", [](json&, json& t) { t["upsertConfig"]["mode"] = "PARTIAL"; }},
      {22, "partial strategy on the primary key", [](json&, json& t) {
         t["upsertConfig"]["mode"] = "PARTIAL";
         t["tableIndexConfig"]["nullHandlingEnabled"] = true;
         t["upsertConfig"]["partialUpsertStrategies"] = {{"window_start", "OVERWRITE"}};
       }},
      {22, "APPEND on a single-value column", [](json&, json& t) {
         t["upsertConfig"]["mode"] = "PARTIAL";
         t["tableIndexConfig"]["nullHandlingEnabled"] = true;
         t["upsertConfig"]["partialUpsertStrategies"] = {{"average_transaction_value", "APPEND"}};
       }},
      {23, "unknown tenant", [](json&, json& t) { t["tenants"] = {{"broker", "gold"}, {"server", "gold"}}; }},
      {24, "no replication", [](json&, json& t) { t["segmentsConfig"].erase("replication"); }},
  };
}

TEST(PinotConfigValidator, EachBrokenConfigIsRejectedByItsRule) {
  const PinotAsset good = shippedSluiceAsset();
  std::set<int> covered;
  for (const auto& c : cases()) {
    json schema = good.schema;
    json table = good.table;
    c.breakIt(schema, table);
    std::map<std::string, json> schemas{{schema.value("schemaName", std::string()), schema}};
    auto issues = validatePinotTable(table, schemas);
    bool found = std::any_of(issues.begin(), issues.end(), [&](const PinotIssue& i) { return i.rule == c.rule; });
    EXPECT_TRUE(found) << "rule " << c.rule << " (" << c.what << ") not reported; got:" << describe(issues);
    covered.insert(c.rule);
  }
  // Every numbered rule has at least one negative case.
  for (int rule = 1; rule <= 24; ++rule) EXPECT_TRUE(covered.count(rule)) << "no negative case for rule " << rule;
}

TEST(PinotConfigValidator, UnbrokenCopyOfTheFixtureHasNoIssues) {
  // Guards the test above: its cases fail because of their one change, not because the base is wrong.
  const PinotAsset good = shippedSluiceAsset();
  std::map<std::string, json> schemas{{good.schema["schemaName"].get<std::string>(), good.schema}};
  auto issues = validatePinotTable(good.table, schemas);
  EXPECT_TRUE(issues.empty()) << describe(issues);
  EXPECT_TRUE(validatePinotSchema(good.schema).empty()) << describe(validatePinotSchema(good.schema));
}

// Numbers Pinot parses with Integer.parseInt / Long.parseLong but which do not fit are that rule's
// issue, as Pinot's own parse error would be: never an exception out of the validator.
TEST(PinotConfigValidator, OutOfRangeNumbersAreIssuesNotCrashes) {
  const std::string huge = "99999999999999999999";  // beyond a 64-bit integer
  struct Case {
    int rule;
    const char* what;
    std::function<void(json&)> breakIt;
  };
  const std::vector<Case> cases = {
      {12, "flush.threshold.rows", [&](json& t) { stream0(t)["realtime.segment.flush.threshold.rows"] = huge; }},
      {12, "flush.threshold.rows over int", [](json& t) { stream0(t)["realtime.segment.flush.threshold.rows"] = "3000000000"; }},
      {12, "flush.threshold.segment.rows", [&](json& t) { stream0(t)["realtime.segment.flush.threshold.segment.rows"] = huge; }},
      {12, "flush.threshold.time", [&](json& t) { stream0(t)["realtime.segment.flush.threshold.time"] = huge; }},
      {12, "flush.threshold.time period", [&](json& t) { stream0(t)["realtime.segment.flush.threshold.time"] = huge + "h"; }},
      {24, "replication", [](json& t) { t["segmentsConfig"]["replication"] = "99999999999"; }},
  };
  const PinotAsset good = shippedSluiceAsset();
  for (const auto& c : cases) {
    json table = good.table;
    c.breakIt(table);
    std::map<std::string, json> schemas{{good.schema.value("schemaName", std::string()), good.schema}};
    std::vector<PinotIssue> issues;
    ASSERT_NO_THROW(issues = validatePinotTable(table, schemas)) << c.what;
    bool found = std::any_of(issues.begin(), issues.end(), [&](const PinotIssue& i) { return i.rule == c.rule; });
    EXPECT_TRUE(found) << c.what << ": rule " << c.rule << " not reported; got:" << describe(issues);
  }
}

TEST(PinotConfigValidator, LegacyStreamConfigsAreAccepted) {
  PinotAsset a = shippedSluiceAsset();
  json legacy = stream0(a.table);
  a.table.erase("ingestionConfig");
  a.table["tableIndexConfig"]["streamConfigs"] = legacy;
  std::map<std::string, json> schemas{{a.name, a.schema}};
  auto issues = validatePinotTable(a.table, schemas);
  EXPECT_TRUE(issues.empty()) << describe(issues);
}

TEST(PinotConfigValidator, SchemaSideRejections) {
  const PinotAsset good = shippedSluiceAsset();
  std::vector<std::pair<std::string, std::function<void(json&)>>> broken = {
      {"duplicate column", [](json& s) { s["metricFieldSpecs"].push_back({{"name", "total_paid"}, {"dataType", "LONG"}}); }},
      {"whitespace in a column", [](json& s) { s["metricFieldSpecs"][0]["name"] = "total paid"; }},
      {"STRING metric", [](json& s) { s["metricFieldSpecs"][0]["dataType"] = "STRING"; }},
      {"bad datetime format", [](json& s) { s["dateTimeFieldSpecs"][0]["format"] = "1:WEEKS:EPOCH"; }},
      {"bad granularity", [](json& s) { s["dateTimeFieldSpecs"][0]["granularity"] = "MILLISECONDS"; }},
      {"missing format", [](json& s) { s["dateTimeFieldSpecs"][0].erase("format"); }},
      {"NaN default", [](json& s) { s["metricFieldSpecs"][2]["defaultNullValue"] = "NaN"; }},
      {"multi-value JSON", [](json& s) {
         s["dimensionFieldSpecs"].push_back({{"name", "doc"}, {"dataType", "JSON"}, {"singleValueField", false}});
       }},
      {"primary key not in schema", [](json& s) { s["primaryKeyColumns"] = {"nope"}; }},
      {"deprecated timeFieldSpec", [](json& s) { s["timeFieldSpec"] = {{"incomingGranularitySpec", {{"name", "t"}}}}; }},
      {"empty schemaName", [](json& s) { s["schemaName"] = ""; }},
      {"double underscore schemaName", [](json& s) { s["schemaName"] = "a__b"; }},
      {"virtual column name", [](json& s) { s["dimensionFieldSpecs"].push_back({{"name", "$docId"}, {"dataType", "INT"}}); }},
  };
  for (const auto& [what, breakIt] : broken) {
    json schema = good.schema;
    breakIt(schema);
    EXPECT_FALSE(validatePinotSchema(schema).empty()) << what << " was accepted";
  }
}

TEST(PinotConfigValidator, DateTimeFormats) {
  for (const std::string ok : {"1:MILLISECONDS:EPOCH", "1:SECONDS:TIMESTAMP", "1:DAYS:SIMPLE_DATE_FORMAT:yyyyMMdd",
                               "1:SECONDS:SIMPLE_DATE_FORMAT:yyyy-MM-dd HH:mm:ss", "EPOCH|MILLISECONDS", "EPOCH|SECONDS|5",
                               "TIMESTAMP", "SIMPLE_DATE_FORMAT|yyyy-MM-dd'T'HH:mm:ss.SSS|UTC"})
    EXPECT_TRUE(isValidPinotDateTimeFormat(ok)) << ok;
  for (const std::string bad : {"", "0:MILLISECONDS:EPOCH", "1:WEEKS:EPOCH", "1:MILLISECONDS", "1:DAYS:SIMPLE_DATE_FORMAT",
                                "1:DAYS:SIMPLE_DATE_FORMAT:dd-MM-yyyy", "EPOCH", "EPOCH|MILLISECONDS|0", "CALENDAR|x"})
    EXPECT_FALSE(isValidPinotDateTimeFormat(bad)) << bad;
  for (const std::string ok : {"1:MILLISECONDS", "3:SECONDS", "SECONDS|3"}) EXPECT_TRUE(isValidPinotGranularity(ok)) << ok;
  for (const std::string bad : {"", "MILLISECONDS", "0:SECONDS", "3:FORTNIGHTS", "1:2:3"}) EXPECT_FALSE(isValidPinotGranularity(bad)) << bad;
}

TEST(PinotConfigValidator, LoaderReportsUnresolvedPlaceholdersAndMissingTables) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("pinot_loader_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "a.schema.json") << R"({"schemaName":"a"})";
  std::ofstream(dir / "a.table.json") << R"({"tableName":"a","x":"${OTHER}"})";
  std::ofstream(dir / "b.schema.json") << R"({"schemaName":"b"})";
  std::ofstream(dir / "c.schema.json") << R"({not json)";
  std::ofstream(dir / "c.table.json") << R"({})";
  std::vector<std::string> errors;
  auto assets = loadPinotAssets(dir, "k:1", errors);
  fs::remove_all(dir);
  EXPECT_TRUE(assets.empty());
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_NE(errors[0].find("unresolved placeholder"), std::string::npos) << errors[0];
  EXPECT_NE(errors[1].find("b.table.json: missing"), std::string::npos) << errors[1];
  EXPECT_NE(errors[2].find("c.schema.json: not valid JSON"), std::string::npos) << errors[2];
}

}  // namespace
}  // namespace sluice
