// Datagen's configuration rules, the quickstarts, the task sequence (seeds, iterations across tasks,
// headers, offsets and resuming) and the reference e-commerce generator.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "datagen_config.hpp"
#include "datagen_task.hpp"
#include "ecommerce_generator.hpp"
#include "quickstarts.hpp"

namespace sluice::datagen {
namespace {

using nlohmann::json;

Config cfg(std::map<std::string, std::string> m) {
  m.emplace("kafka.topic", "t");
  return Config(std::move(m));
}

std::map<std::string, std::string> errors(const Config& c) {
  std::map<std::string, std::string> out;
  for (auto& [k, v] : validateDatagen(c)) out[k] = v;
  return out;
}

constexpr const char* kExactlyOne = "Must set exactly one of schema.string, schema.filename, quickstart";

TEST(DatagenValidate, ExactlyOneSchemaSource) {
  auto none = errors(cfg({}));
  EXPECT_EQ(none.size(), 3u);
  for (const char* k : {"schema.string", "schema.filename", "quickstart"}) EXPECT_EQ(none[k], kExactlyOne);
  auto two = errors(cfg({{"quickstart", "users"}, {"schema.filename", "/x.avro"}}));
  EXPECT_EQ(two.size(), 2u);
  EXPECT_EQ(two["quickstart"], kExactlyOne);
  EXPECT_EQ(two["schema.filename"], kExactlyOne);
  EXPECT_TRUE(errors(cfg({{"quickstart", "users"}})).empty());
}

TEST(DatagenValidate, QuickstartNamesAreCaseInsensitiveAndUnknownOnesListTheAllowed) {
  EXPECT_TRUE(errors(cfg({{"quickstart", "USERS"}})).empty());
  EXPECT_TRUE(errors(cfg({{"quickstart", "Ecommerce_Transactions"}})).empty());
  auto e = errors(cfg({{"quickstart", "nope"}}));
  ASSERT_EQ(e.count("quickstart"), 1u);
  EXPECT_EQ(e["quickstart"].rfind("quickstart must be one out of ", 0), 0u);
  for (const auto& q : quickstarts()) EXPECT_NE(e["quickstart"].find(q.name), std::string::npos) << q.name;
}

TEST(DatagenValidate, KeyfieldMustNameATopLevelField) {
  auto e = errors(cfg({{"quickstart", "users"}, {"schema.keyfield", "nope"}}));
  EXPECT_EQ(e["schema.keyfield"], "The schema does not contain the field provided in 'schema.keyfield'");
  EXPECT_TRUE(errors(cfg({{"quickstart", "users"}, {"schema.keyfield", "gender"}})).empty());
}

TEST(DatagenValidate, BadSchemasAndFilesAreReportedOnTheirKey) {
  auto bad = errors(cfg({{"schema.string", "{oops"}}));
  EXPECT_NE(bad["schema.string"].find("Unable to parse the provided schema"), std::string::npos);
  auto missing = errors(cfg({{"schema.filename", "/nonexistent/dir/x.avro"}}));
  EXPECT_NE(missing["schema.filename"].find("Unable to find the schema file"), std::string::npos);
  // A bundled resource name works as schema.filename, as datagen's classpath fallback.
  EXPECT_TRUE(errors(cfg({{"schema.filename", "users_schema.avro"}})).empty());
  auto zone = errors(cfg({{"quickstart", "ecommerce_transactions"}, {"transactions.time.zone", "Mars/Olympus"}}));
  EXPECT_NE(zone["transactions.time.zone"].find("Unsupported time zone"), std::string::npos);
}

TEST(DatagenValidate, SchemaFileFromDisk) {
  std::string path = testing::TempDir() + "datagen_schema_test.avro";
  std::ofstream(path) << R"({"type":"record","name":"x","fields":[{"name":"n","type":{"type":"int","arg.properties":{"iteration":{"start":5}}}}]})";
  EXPECT_TRUE(errors(cfg({{"schema.filename", path}, {"schema.keyfield", "n"}})).empty());
  DatagenTask task(readSettings(cfg({{"schema.filename", path}, {"schema.keyfield", "n"}, {"random.seed", "1"}})), std::nullopt);
  EXPECT_EQ(task.next().record.key, "5");
}

TEST(DatagenQuickstarts, EveryShippedOneGeneratesValidJsonWithItsKey) {
  ASSERT_GE(quickstarts().size(), 12u);
  for (const auto& q : quickstarts()) {
    DatagenTask task(readSettings(cfg({{"quickstart", q.name}, {"random.seed", "5"}})), std::nullopt);
    for (int i = 0; i < 200; ++i) {
      const auto& r = task.next().record;
      json v;
      ASSERT_NO_THROW(v = json::parse(r.value)) << q.name << ": " << r.value;
      ASSERT_TRUE(v.is_object());
      ASSERT_TRUE(v.contains(q.keyField)) << q.name;
      ASSERT_TRUE(r.hasKey) << q.name;
      const json& k = v[q.keyField];
      EXPECT_EQ(r.key, k.is_string() ? k.get<std::string>() : k.dump()) << q.name;
    }
  }
}

TEST(DatagenQuickstarts, TransactionsFollowTheirSchema) {
  DatagenTask task(readSettings(cfg({{"quickstart", "transactions"}, {"random.seed", "99"}})), std::nullopt);
  std::set<std::string> users;
  for (int64_t i = 0; i < 2000; ++i) {
    const auto& r = task.next().record;
    json v = json::parse(r.value);
    std::vector<std::string> order;
    for (auto it = v.begin(); it != v.end(); ++it) order.push_back(it.key());
    EXPECT_LT(r.value.find("transaction_id"), r.value.find("card_id"));
    EXPECT_LT(r.value.find("purchase_id"), r.value.find("store_id"));
    EXPECT_EQ(v["transaction_id"], i + 1);
    EXPECT_EQ(v["purchase_id"], i);
    EXPECT_GE(v["card_id"].get<int64_t>(), 1);
    EXPECT_LT(v["card_id"].get<int64_t>(), 24);
    EXPECT_GE(v["store_id"].get<int64_t>(), 1);
    EXPECT_LT(v["store_id"].get<int64_t>(), 7);
    ASSERT_TRUE(std::regex_match(v["user_id"].get<std::string>(), std::regex("User_[1-9]"))) << v;
    users.insert(v["user_id"].get<std::string>());
    EXPECT_EQ(r.key, std::to_string(i + 1));
  }
  EXPECT_EQ(users.size(), 9u);
}

TEST(DatagenQuickstarts, SeedCommercialsConfigValidatesAndGenerates) {
  // The schema.string example from the seed (datagen-commercials-json), keys unchanged.
  std::ifstream in(std::string(SLUICE_SOURCE_DIR) + "/connectors/datagen-commercials.json");
  ASSERT_TRUE(in.good());
  json body = json::parse(in);
  std::map<std::string, std::string> props;
  for (auto& [k, v] : body["config"].items()) props[k] = v.is_string() ? v.get<std::string>() : v.dump();
  Config config(props);
  EXPECT_TRUE(errors(config).empty());
  DatagenSettings s = readSettings(config);
  EXPECT_EQ(s.iterations, 1000);
  EXPECT_EQ(s.maxIntervalMs, 1000);
  DatagenTask task(s, std::nullopt);
  EXPECT_EQ(task.quota(), 1000);
  std::map<std::string, int> brands;
  while (!task.done()) {
    const auto& r = task.next().record;
    json v = json::parse(r.value);
    ASSERT_EQ(v.size(), 3u);
    EXPECT_EQ(r.key, v["brand"].get<std::string>());
    brands[r.key]++;
    int d = v["duration"].get<int>();
    EXPECT_TRUE(d == 30 || d == 45 || d == 60);
    EXPECT_GE(v["rating"].get<int>(), 1);
    EXPECT_LT(v["rating"].get<int>(), 5);
  }
  EXPECT_EQ(task.produced(), 1000);
  EXPECT_EQ(brands.size(), 2u);
}

std::vector<std::string> values(DatagenTask& task, int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n && !task.done(); ++i) out.push_back(task.next().record.value);
  return out;
}

TEST(DatagenTaskSequence, SameSeedAndTaskSameBytesOtherTaskDifferent) {
  auto make = [](const char* taskId) {
    return DatagenTask(readSettings(cfg({{"quickstart", "orders"}, {"random.seed", "42"}, {"task.id", taskId}, {"task.count", "2"}})),
                       std::nullopt);
  };
  DatagenTask a = make("0"), b = make("0"), c = make("1");
  auto va = values(a, 300), vb = values(b, 300), vc = values(c, 300);
  EXPECT_EQ(va, vb);
  EXPECT_NE(va, vc);
}

TEST(DatagenTaskSequence, IterationsAreSplitAcrossTasks) {
  int64_t total = 0;
  for (int t = 0; t < 3; ++t) {
    DatagenTask task(readSettings(cfg({{"quickstart", "users"}, {"iterations", "10"}, {"task.id", std::to_string(t)}, {"task.count", "3"}})),
                     std::nullopt);
    int64_t n = 0;
    while (!task.done()) task.next(), ++n;
    EXPECT_EQ(n, task.quota());
    EXPECT_EQ(n, t == 0 ? 4 : 3);
    total += n;
    EXPECT_NE(task.finishMessage().find("generated the configured 10 number of messages"), std::string::npos);
  }
  EXPECT_EQ(total, 10);
  DatagenTask unlimited(readSettings(cfg({{"quickstart", "users"}, {"iterations", "0"}})), std::nullopt);
  EXPECT_EQ(unlimited.quota(), -1);
  for (int i = 0; i < 100; ++i) unlimited.next();
  EXPECT_FALSE(unlimited.done());
}

TEST(DatagenTaskSequence, HeadersAndOffsets) {
  DatagenTask task(readSettings(cfg({{"quickstart", "transactions"}, {"task.id", "1"}, {"task.count", "2"}})), std::nullopt);
  EXPECT_EQ(task.partition(), R"({"task.id":1})");
  for (int i = 0; i < 3; ++i) {
    const TaskRecord& r = task.next();
    EXPECT_EQ(r.generationHeader, "0");
    EXPECT_EQ(r.taskIdHeader, "1");
    EXPECT_EQ(r.iterationHeader, std::to_string(i));
    json o = json::parse(r.sourceOffset);
    EXPECT_EQ(o["task.generation"], 1);
    EXPECT_EQ(o["current.iteration"], i + 1);
    EXPECT_TRUE(o["random.seed"].is_number_integer());
  }
}

TEST(DatagenTaskSequence, RestartFromTheOffsetContinuesTheSequence) {
  auto settings = readSettings(cfg({{"quickstart", "transactions"}, {"iterations", "20"}}));  // no seed: random
  DatagenTask first(settings, std::nullopt);
  std::vector<std::string> before;
  std::string offset;
  for (int i = 0; i < 8; ++i) {
    const TaskRecord& r = first.next();
    before.push_back(r.record.value);
    offset = r.sourceOffset;
  }
  std::vector<std::string> expectedRest = values(first, 100);  // what an uninterrupted run yields

  DatagenTask resumed(settings, offset);
  EXPECT_EQ(resumed.produced(), 8);
  EXPECT_EQ(resumed.generation(), 1);
  const TaskRecord& r = resumed.next();
  EXPECT_EQ(r.generationHeader, "1");
  EXPECT_EQ(r.iterationHeader, "8");
  EXPECT_EQ(json::parse(r.record.value)["transaction_id"], 9);  // no repeat of transaction_id 1
  std::vector<std::string> rest{r.record.value};
  for (auto& v : values(resumed, 100)) rest.push_back(v);
  EXPECT_EQ(rest, expectedRest);  // same random stream
  EXPECT_TRUE(resumed.done());
  EXPECT_EQ(resumed.produced(), 20);

  EXPECT_THROW(DatagenTask(settings, std::string(R"({"position":3})")), ConfigError);
}

// ---- the reference e-commerce generator ----------------------------------------------------

TEST(DatagenEcommerce, InvariantsOver100kRecords) {
  auto settings = readSettings(cfg({{"quickstart", "ecommerce_transactions"}, {"random.seed", "2022"},
                                    {"transactions.start.ms", "1700000000000"}, {"transactions.time.step.ms", "7"}}));
  DatagenTask task(settings, std::nullopt);
  const std::set<std::string> ids(EcommerceGenerator::kUserIds.begin(), EcommerceGenerator::kUserIds.end());
  const std::regex tsFormat(R"(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3})");
  std::map<std::string, int> statuses;
  std::map<int64_t, int> amounts;
  std::set<int64_t> txIds;
  for (int64_t i = 0; i < 100000; ++i) {
    const auto& r = task.next().record;
    json v = json::parse(r.value);
    ASSERT_EQ(v.size(), 5u);
    std::string user = v["user_id"].get<std::string>();
    ASSERT_EQ(ids.count(user), 1u) << user;
    int lead = user[0] - '0';
    ASSERT_EQ(v["total_paid"].get<int64_t>(), 10 * (lead == 0 ? 10 : lead)) << r.value;
    amounts[v["total_paid"].get<int64_t>()]++;
    std::string status = v["status"].get<std::string>();
    ASSERT_TRUE(status == "Paid" || status == "Refused") << status;
    statuses[status]++;
    int64_t tx = v["transaction_id"].get<int64_t>();
    ASSERT_GE(tx, 1);
    ASSERT_LE(tx, 1000000);
    txIds.insert(tx);
    ASSERT_TRUE(std::regex_match(v["event_timestamp"].get<std::string>(), tsFormat));
    ASSERT_EQ(r.timestampMs, 1700000000000 + 7 * i);
    ASSERT_EQ(r.key, user);
  }
  EXPECT_EQ(amounts.size(), 10u);
  for (auto& [amount, n] : amounts) EXPECT_NEAR(n, 10000, 600) << amount;
  EXPECT_NEAR(statuses["Paid"], 50000, 1000);
  EXPECT_GT(txIds.size(), 90000u);  // random, not sequential, and rarely repeated
}

TEST(DatagenEcommerce, TimestampFormatZoneAndEpochMillis) {
  // 2023-11-14 22:13:20.123 UTC
  const int64_t t = 1700000000123;
  EcommerceOptions utc;
  utc.startMs = t;
  utc.stepMs = 1000;
  EcommerceGenerator g(utc);
  JavaRandom rng(1);
  GeneratedRecord rec;
  g.next(rng, rec);
  EXPECT_EQ(json::parse(rec.value)["event_timestamp"], "2023-11-14 22:13:20.123");
  g.next(rng, rec);
  EXPECT_EQ(json::parse(rec.value)["event_timestamp"], "2023-11-14 22:13:21.123");
  EXPECT_EQ(rec.value.find("{\"event_timestamp\""), 0u);

  EcommerceOptions shifted = utc;
  shifted.timeZone = "+02:00";
  EcommerceGenerator g2(shifted);
  g2.next(rng, rec);
  EXPECT_EQ(json::parse(rec.value)["event_timestamp"], "2023-11-15 00:13:20.123");
  EXPECT_EQ(rec.timestampMs, t);

  EcommerceOptions epoch = utc;
  epoch.timestampFormat = "epoch_millis";
  EcommerceGenerator g3(epoch);
  g3.next(rng, rec);
  EXPECT_EQ(json::parse(rec.value)["event_timestamp"], t);

  EcommerceOptions iso = utc;
  iso.timestampFormat = "yyyy-MM-dd'T'HH:mm:ss";
  EcommerceGenerator g4(iso);
  g4.next(rng, rec);
  EXPECT_EQ(json::parse(rec.value)["event_timestamp"], "2023-11-14T22:13:20");

  EcommerceOptions bad = utc;
  bad.timestampFormat = "yyyy-MM-dd QQ";
  EXPECT_THROW(EcommerceGenerator{bad}, std::invalid_argument);
}

TEST(DatagenEcommerce, WallClockByDefault) {
  using namespace std::chrono;
  int64_t before = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  DatagenTask task(readSettings(cfg({{"quickstart", "ecommerce_transactions"}})), std::nullopt);
  int64_t ts = task.next().record.timestampMs;
  int64_t after = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  EXPECT_GE(ts, before);
  EXPECT_LE(ts, after);
}

}  // namespace
}  // namespace sluice::datagen
