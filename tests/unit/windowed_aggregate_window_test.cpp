// WindowAggregator behaviour (in-order, out-of-order, late, idle, group-by, emission modes,
// partitions, hopping windows, invalid input), each checked against a brute-force model written
// here, independently of the plugin's window arithmetic.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "windowed_aggregate/window_aggregator.hpp"

namespace sluice::windowed {
namespace {

struct In {
  std::string topic = "transactions";
  int32_t partition = 0;
  int64_t offset = -1;
  int64_t ts = -1;
  std::string value;
};

sluice_record toRecord(const In& r) {
  sluice_record rec = emptyRecord();
  rec.topic = bytes(r.topic);
  rec.partition = r.partition;
  rec.kafka_offset = r.offset;
  rec.timestamp_ms = r.ts;
  rec.value = bytes(r.value);
  return rec;
}

struct Out {
  std::string topic;
  std::string key;
  std::string raw;
  nlohmann::json value;
  int64_t ts;
  int32_t partition;
};

class Capture : public RecordOutput {
 public:
  void emit(const sluice_record& r) override {
    Out o{std::string(view(r.topic)), std::string(view(r.key)), std::string(view(r.value)), nullptr, r.timestamp_ms, r.partition};
    if (o.topic.find("late") == std::string::npos && o.topic.find("invalid") == std::string::npos)
      o.value = nlohmann::json::parse(o.raw);
    records.push_back(std::move(o));
  }
  std::vector<Out> records;
};

// idle.timeout.ms is 0 unless a test sets it: no start hold and no idleness, so windows close on
// event time alone and no test depends on ticks it does not make (the time model's own tests are in
// windowed_aggregate_watermark_test.cpp).
WindowOptions options(std::map<std::string, std::string> props) {
  props.emplace("idle.timeout.ms", "0");
  return WindowOptions::parse(Config(std::move(props)));
}

std::string txn(int amount, const std::string& status = "Paid", const std::string& user = "u1") {
  return nlohmann::json{{"user_id", user}, {"total_paid", amount}, {"status", status}}.dump();
}

// Window start from the non-negative remainder: a different formula than the plugin's floor division.
int64_t startOf(int64_t ts, int64_t size) { return ts - (((ts % size) + size) % size); }

struct Agg {
  int64_t sum = 0;
  int64_t count = 0;
};

// The model: stream time = max event time of records that pass the filter; a record counts iff
// its window's end + grace is still after stream time (after including the record itself).
struct Model {
  int64_t size = 3000;
  int64_t grace = 0;
  int64_t streamTime = INT64_MIN;
  int64_t late = 0;
  std::map<std::pair<int64_t, std::string>, Agg> windows;
  void add(int64_t ts, int64_t amount, const std::string& group = "") {
    streamTime = std::max(streamTime, ts);
    int64_t start = startOf(ts, size);
    if (start + size + grace <= streamTime) {
      ++late;
      return;
    }
    auto& a = windows[{start, group}];
    a.sum += amount;
    a.count += 1;
  }
};

std::map<std::string, nlohmann::json> lastByKey(const std::vector<Out>& records) {
  std::map<std::string, nlohmann::json> out;
  for (const auto& r : records) out[r.key] = r.value;
  return out;
}

void expectMatchesModel(const Model& model, const std::vector<Out>& emitted, bool grouped = false) {
  std::map<std::string, int> seen;
  for (const auto& o : emitted) {
    ++seen[o.key];
    int64_t start = o.value.at("window_start").get<int64_t>();
    std::string group = grouped ? o.value.at("user_id").get<std::string>() : "";
    auto it = model.windows.find({start, group});
    ASSERT_NE(it, model.windows.end()) << "unexpected window " << o.raw;
    EXPECT_EQ(o.value.at("window_end").get<int64_t>(), start + model.size);
    EXPECT_EQ(o.value.at("total_paid").get<int64_t>(), it->second.sum) << o.raw;
    EXPECT_EQ(o.value.at("total_transactions").get<int64_t>(), it->second.count) << o.raw;
    EXPECT_DOUBLE_EQ(o.value.at("average_transaction_value").get<double>(),
                     static_cast<double>(it->second.sum) / static_cast<double>(it->second.count));
    EXPECT_EQ(o.ts, start + model.size) << "record timestamp is the window end";
    EXPECT_EQ(o.partition, -1);
    EXPECT_EQ(o.key, std::to_string(start) + (grouped ? "|" + group : ""));
  }
  EXPECT_EQ(seen.size(), model.windows.size());
  for (const auto& [key, n] : seen) EXPECT_EQ(n, 1) << "window " << key << " emitted more than once";
}

TEST(WindowedAggregateWindow, InOrderFinalResultsMatchModel) {
  WindowAggregator agg(options({{"filter.field", "status"}, {"filter.value", "Paid"}, {"output.topic", "transactions_aggregate_sluice"}}));
  Capture out;
  Model model;
  std::mt19937_64 rng(7);
  int64_t ts = 1'669'000'000'123;
  int filtered = 0;
  for (int i = 0; i < 2000; ++i) {
    ts += static_cast<int64_t>(rng() % 700);
    int amount = static_cast<int>(rng() % 10 + 1) * 10;
    bool paid = rng() % 2 == 0;
    agg.apply(toRecord({.ts = ts, .value = txn(amount, paid ? "Paid" : "Refused")}), out);
    if (paid) model.add(ts, amount);
    else ++filtered;
  }
  agg.closeAll(out);
  expectMatchesModel(model, out.records);
  for (const auto& o : out.records) EXPECT_EQ(o.topic, "transactions_aggregate_sluice");
  EXPECT_EQ(agg.stats().filtered, static_cast<uint64_t>(filtered));
  EXPECT_EQ(agg.stats().late, 0u);
}

TEST(WindowedAggregateWindow, WindowIsFinalOnlyWhenStreamTimeReachesEnd) {
  // ksql suppress.json: window [0,2) with grace 0 is emitted only when a record with ts 2 arrives.
  WindowAggregator agg(options({{"window.size.ms", "2"}}));
  Capture out;
  agg.apply(toRecord({.ts = 0, .value = txn(10)}), out);
  agg.apply(toRecord({.ts = 1, .value = txn(20)}), out);
  EXPECT_TRUE(out.records.empty());
  agg.apply(toRecord({.ts = 2, .value = txn(40)}), out);  // exactly at end: the next window
  ASSERT_EQ(out.records.size(), 1u);
  EXPECT_EQ(out.records[0].value["window_start"], 0);
  EXPECT_EQ(out.records[0].value["window_end"], 2);
  EXPECT_EQ(out.records[0].value["total_paid"], 30);
  EXPECT_EQ(out.records[0].value["total_transactions"], 2);
  agg.closeAll(out);
  ASSERT_EQ(out.records.size(), 2u);
  EXPECT_EQ(out.records[1].value["window_start"], 2);
  EXPECT_EQ(out.records[1].value["total_paid"], 40);
}

TEST(WindowedAggregateWindow, GraceDelaysFinalEmission) {
  WindowAggregator agg(options({{"grace.ms", "500"}}));
  Capture out;
  agg.apply(toRecord({.ts = 100, .value = txn(10)}), out);
  agg.apply(toRecord({.ts = 3400, .value = txn(20)}), out);
  EXPECT_TRUE(out.records.empty()) << "stream time 3400 < end 3000 + grace 500";
  agg.apply(toRecord({.ts = 2999, .value = txn(30)}), out);  // out of order, within grace
  agg.apply(toRecord({.ts = 3500, .value = txn(40)}), out);
  ASSERT_EQ(out.records.size(), 1u);
  EXPECT_EQ(out.records[0].value["total_paid"], 40);  // 10 + 30
}

TEST(WindowedAggregateWindow, OutOfOrderWithinGraceLosesNothing) {
  const int64_t grace = 2000;
  WindowAggregator agg(options({{"grace.ms", std::to_string(grace)}}));
  Capture out;
  Model model;
  model.grace = grace;
  std::mt19937_64 rng(11);
  std::vector<std::pair<int64_t, int>> input;
  for (int i = 0; i < 3000; ++i) input.push_back({1'000'000 + i * 37, static_cast<int>(rng() % 9 + 1)});
  // Disorder bounded by the grace: each record moves back by at most 1999 ms of event time.
  for (auto& [ts, amount] : input) ts -= static_cast<int64_t>(rng() % grace);
  for (const auto& [ts, amount] : input) {
    agg.apply(toRecord({.ts = ts, .value = txn(amount)}), out);
    model.add(ts, amount);
  }
  agg.closeAll(out);
  EXPECT_EQ(model.late, 0);
  EXPECT_EQ(agg.stats().late, 0u);
  expectMatchesModel(model, out.records);
}

TEST(WindowedAggregateWindow, LateRecordsAreCountedAndDropped) {
  WindowAggregator agg(options({{"grace.ms", "100"}}));
  Capture out;
  Model model;
  model.grace = 100;
  std::mt19937_64 rng(5);
  for (int i = 0; i < 3000; ++i) {
    int64_t ts = 50'000 + i * 20 - static_cast<int64_t>(rng() % 4000);  // heavy disorder: many late
    int amount = static_cast<int>(rng() % 100);
    agg.apply(toRecord({.ts = ts, .value = txn(amount)}), out);
    model.add(ts, amount);
  }
  agg.closeAll(out);
  ASSERT_GT(model.late, 0);
  EXPECT_EQ(agg.stats().late, static_cast<uint64_t>(model.late));
  expectMatchesModel(model, out.records);
}

TEST(WindowedAggregateWindow, LateRecordsGoUnchangedToTheLateTopic) {
  WindowAggregator agg(options({{"late.records.topic", "transactions_late"}}));
  Capture out;
  agg.apply(toRecord({.offset = 1, .ts = 1000, .value = txn(10)}), out);
  agg.apply(toRecord({.offset = 2, .ts = 7000, .value = txn(20)}), out);  // closes [0,3000)
  ASSERT_EQ(out.records.size(), 1u);
  In lateIn{.partition = 0, .offset = 3, .ts = 2500, .value = txn(30)};
  agg.apply(toRecord(lateIn), out);
  ASSERT_EQ(out.records.size(), 2u);
  EXPECT_EQ(out.records[1].topic, "transactions_late");
  EXPECT_EQ(out.records[1].raw, lateIn.value);
  EXPECT_EQ(out.records[1].ts, 2500);
  EXPECT_EQ(agg.stats().late, 1u);
  agg.closeAll(out);
  ASSERT_EQ(out.records.size(), 3u);
  EXPECT_EQ(out.records[2].value["total_paid"], 20) << "the late record never joins a window";
}

TEST(WindowedAggregateWindow, IdleTimeoutClosesOpenWindowsOnTick) {
  WindowAggregator agg(options({{"idle.timeout.ms", "5000"}}));
  Capture out;
  agg.apply(toRecord({.ts = 1000, .value = txn(10)}), out);
  agg.tick(95'000, out);  // first tick after input: the idle clock and the start hold begin here
  agg.apply(toRecord({.ts = 4000, .value = txn(20)}), out);
  agg.tick(99'000, out);
  EXPECT_TRUE(out.records.empty()) << "the start hold (idle.timeout.ms after the first tick) is not over";
  agg.tick(100'000, out);  // the hold ends: the watermark 4000 closes [0,3000)
  ASSERT_EQ(out.records.size(), 1u);
  agg.tick(103'999, out);
  EXPECT_EQ(out.records.size(), 1u) << "not idle long enough";
  agg.tick(104'000, out);
  ASSERT_EQ(out.records.size(), 2u);
  EXPECT_EQ(out.records[1].value["window_start"], 3000);
  EXPECT_EQ(out.records[1].value["total_paid"], 20);
  EXPECT_EQ(agg.openWindowCount(), 0u);
  // The window closed on idle stays closed: a record for it is late, a later one opens a new window.
  agg.apply(toRecord({.ts = 5000, .value = txn(30)}), out);
  EXPECT_EQ(agg.stats().late, 1u);
  agg.apply(toRecord({.ts = 6000, .value = txn(40)}), out);
  agg.tick(106'000, out);
  agg.tick(111'000, out);
  ASSERT_EQ(out.records.size(), 3u);
  EXPECT_EQ(out.records[2].value["window_start"], 6000);
  EXPECT_EQ(out.records[2].value["total_paid"], 40);
}

TEST(WindowedAggregateWindow, IdleTimeoutZeroNeverCloses) {
  WindowAggregator agg(options({{"idle.timeout.ms", "0"}}));
  Capture out;
  agg.apply(toRecord({.ts = 1000, .value = txn(10)}), out);
  agg.tick(0, out);
  agg.tick(1'000'000'000, out);
  EXPECT_TRUE(out.records.empty());
  EXPECT_EQ(agg.openWindowCount(), 1u);
}

TEST(WindowedAggregateWindow, GroupByUserMatchesModel) {
  WindowAggregator agg(options({{"group.by", "user_id"}}));
  Capture out;
  Model model;
  std::mt19937_64 rng(3);
  int64_t ts = 0;
  for (int i = 0; i < 2000; ++i) {
    ts += static_cast<int64_t>(rng() % 300);
    std::string user = "user-" + std::to_string(rng() % 5);
    int amount = static_cast<int>(rng() % 50);
    agg.apply(toRecord({.ts = ts, .value = txn(amount, "Paid", user)}), out);
    model.add(ts, amount, user);
  }
  agg.closeAll(out);
  expectMatchesModel(model, out.records, true);
}

TEST(WindowedAggregateWindow, GroupsAreIdentifiedByTheirKeyText) {
  WindowAggregator agg(options({{"group.by", "region,tier"}}));
  Capture out;
  agg.apply(toRecord({.ts = 10, .value = R"({"total_paid":1,"tier":2})"}), out);
  agg.apply(toRecord({.ts = 11, .value = R"({"total_paid":2,"region":null,"tier":2})"}), out);
  agg.apply(toRecord({.ts = 12, .value = R"({"total_paid":4,"region":"eu","tier":2})"}), out);
  agg.apply(toRecord({.ts = 13, .value = R"({"total_paid":8,"region":"eu","tier":"2"})"}), out);
  agg.closeAll(out);
  std::map<std::string, int64_t> sums;
  for (const auto& o : out.records) sums[o.key] = o.value["total_paid"].get<int64_t>();
  EXPECT_EQ(sums, (std::map<std::string, int64_t>{{"0|null|2", 3}, {"0|eu|2", 12}}));
  ASSERT_EQ(out.records.size(), 2u) << "groups are identified by their key text: 2 and \"2\" are one group";
  for (const auto& o : out.records) {
    if (o.key == "0|null|2") {
      EXPECT_TRUE(o.value["region"].is_null());
      EXPECT_EQ(o.value["tier"], 2);
    }
  }
}

TEST(WindowedAggregateWindow, ChangesModeLastUpdateEqualsFinal) {
  WindowAggregator finalAgg(options({{"grace.ms", "1000"}, {"filter.field", "status"}, {"filter.value", "Paid"}}));
  WindowAggregator changesAgg(options({{"grace.ms", "1000"}, {"emit.mode", "changes"}, {"filter.field", "status"}, {"filter.value", "Paid"}}));
  Capture finals, changes;
  std::mt19937_64 rng(9);
  int accepted = 0;
  for (int i = 0; i < 1500; ++i) {
    int64_t ts = 10'000 + i * 25 - static_cast<int64_t>(rng() % 1500);
    bool paid = rng() % 3 != 0;
    In r{.ts = ts, .value = txn(static_cast<int>(rng() % 100), paid ? "Paid" : "Refused")};
    finalAgg.apply(toRecord(r), finals);
    changesAgg.apply(toRecord(r), changes);
  }
  finalAgg.closeAll(finals);
  changesAgg.closeAll(changes);
  accepted = static_cast<int>(changesAgg.stats().accepted);
  EXPECT_EQ(changes.records.size(), static_cast<size_t>(accepted)) << "one update per accepted record";
  EXPECT_EQ(lastByKey(changes.records), lastByKey(finals.records));
  EXPECT_EQ(finals.records.size(), lastByKey(finals.records).size()) << "final mode emits each window once";
  // Updates of one window grow monotonically in count.
  std::map<std::string, int64_t> lastCount;
  for (const auto& o : changes.records) {
    int64_t c = o.value["total_transactions"].get<int64_t>();
    EXPECT_EQ(c, lastCount[o.key] + 1);
    lastCount[o.key] = c;
  }
}

TEST(WindowedAggregateWindow, SeveralPartitionsInEventTimeOrderMatchModel) {
  WindowAggregator agg(options({}));
  Capture out;
  Model model;
  std::mt19937_64 rng(21);
  std::vector<int64_t> next(3, 0);
  int64_t clock = 0;
  for (int i = 0; i < 3000; ++i) {
    int32_t p = static_cast<int32_t>(rng() % 3);
    clock += static_cast<int64_t>(rng() % 20);
    int amount = static_cast<int>(rng() % 10);
    agg.apply(toRecord({.partition = p, .offset = next[static_cast<size_t>(p)]++, .ts = clock, .value = txn(amount)}), out);
    model.add(clock, amount);
  }
  agg.closeAll(out);
  expectMatchesModel(model, out.records);
  for (int p = 0; p < 3; ++p) EXPECT_EQ(agg.heldOffset("transactions", p), -1) << "nothing open after closeAll";
}

TEST(WindowedAggregateWindow, HoppingWindowsMatchBruteForce) {
  const int64_t size = 3000, advance = 1000;
  WindowAggregator agg(options({{"window.size.ms", "3000"}, {"window.advance.ms", "1000"}}));
  Capture out;
  std::map<int64_t, Agg> expected;
  std::mt19937_64 rng(4);
  int64_t ts = -10'000;  // negative event times too
  for (int i = 0; i < 500; ++i) {
    ts += static_cast<int64_t>(rng() % 400);
    int amount = static_cast<int>(rng() % 10);
    agg.apply(toRecord({.ts = ts, .value = txn(amount)}), out);
    for (int64_t start = -20'000; start <= 200'000; start += advance) {
      if (start <= ts && ts < start + size) {
        expected[start].sum += amount;
        expected[start].count += 1;
      }
    }
  }
  agg.closeAll(out);
  ASSERT_EQ(out.records.size(), expected.size());
  for (const auto& o : out.records) {
    int64_t start = o.value["window_start"].get<int64_t>();
    ASSERT_TRUE(expected.count(start)) << o.raw;
    EXPECT_EQ(o.value["window_end"].get<int64_t>(), start + size);
    EXPECT_EQ(o.value["total_paid"].get<int64_t>(), expected[start].sum);
    EXPECT_EQ(o.value["total_transactions"].get<int64_t>(), expected[start].count);
  }
}

TEST(WindowedAggregateWindow, NegativeTimestampsUseFloor) {
  // A record timestamp of -1 means "none" in the ABI, so negative event times come from a field.
  WindowAggregator agg(options({{"timestamp.field", "t"}, {"timestamp.format", "epoch_millis"}}));
  Capture out;
  agg.apply(toRecord({.value = R"({"t":-1,"total_paid":10})"}), out);
  agg.apply(toRecord({.value = R"({"t":"-3000","total_paid":20})"}), out);
  agg.apply(toRecord({.value = R"({"t":-3001,"total_paid":40})"}), out);
  agg.closeAll(out);
  std::map<int64_t, int64_t> sums;
  for (const auto& o : out.records) sums[o.value["window_start"].get<int64_t>()] = o.value["total_paid"].get<int64_t>();
  EXPECT_EQ(sums, (std::map<int64_t, int64_t>{{-3000, 30}}));  // -3001 was late: window [-6000,-3000) closed
  EXPECT_EQ(agg.stats().late, 1u);
}

TEST(WindowedAggregateWindow, IntegerAverageTruncatesLikeKsql) {
  WindowAggregator agg(options({{"average.mode", "integer"}}));
  Capture out;
  for (int amount : {10, 20, 20}) agg.apply(toRecord({.ts = 5, .value = txn(amount)}), out);
  agg.closeAll(out);
  ASSERT_EQ(out.records.size(), 1u);
  EXPECT_TRUE(out.records[0].value["average_transaction_value"].is_number_integer());
  EXPECT_EQ(out.records[0].value["average_transaction_value"], 50 / 3);
}

TEST(WindowedAggregateWindow, MinMaxCountFieldAndFractions) {
  WindowAggregator agg(options({{"aggregates", "min:v:lo,max:v:hi,count:v:n,count::all,sum:v:total"}}));
  Capture out;
  std::vector<std::string> values = {R"({"v":2.5})", R"({"v":-1})", R"({"v":null})", R"({"w":1})", R"({"v":"7"})"};
  for (const auto& v : values) agg.apply(toRecord({.ts = 1, .value = v}), out);
  agg.closeAll(out);
  ASSERT_EQ(out.records.size(), 1u);
  const auto& j = out.records[0].value;
  EXPECT_DOUBLE_EQ(j["lo"].get<double>(), -1);
  EXPECT_DOUBLE_EQ(j["hi"].get<double>(), 7);
  EXPECT_EQ(j["n"], 3) << "nulls and missing fields are skipped by field aggregates";
  EXPECT_EQ(j["all"], 5);
  EXPECT_DOUBLE_EQ(j["total"].get<double>(), 2.5 - 1 + 7);
}

TEST(WindowedAggregateWindow, InvalidRecordFailsClearlyAndChangesNothing) {
  WindowAggregator agg(options({}));
  Capture out;
  agg.apply(toRecord({.ts = 1, .value = txn(10)}), out);
  for (std::string bad : {std::string("not json"), std::string("[1,2]"), std::string(R"({"total_paid":"ten"})"),
                          std::string(R"({"total_paid":{"a":1}})")}) {
    In r{.offset = 42, .ts = 2, .value = bad};
    try {
      agg.apply(toRecord(r), out);
      ADD_FAILURE() << "accepted " << bad;
    } catch (const InvalidRecordError& e) {
      EXPECT_NE(std::string(e.what()).find("transactions/0@42"), std::string::npos) << e.what();
    }
  }
  In tombstoneIn{.ts = 3};
  sluice_record tombstone = toRecord(tombstoneIn);
  tombstone.value = kNullBytes;
  EXPECT_THROW(agg.apply(tombstone, out), InvalidRecordError);
  EXPECT_THROW(agg.apply(toRecord({.ts = -1, .value = txn(10)}), out), InvalidRecordError) << "no timestamp";
  agg.closeAll(out);
  ASSERT_EQ(out.records.size(), 1u);
  EXPECT_EQ(out.records[0].value["total_paid"], 10);
  EXPECT_EQ(out.records[0].value["total_transactions"], 1);
}

TEST(WindowedAggregateWindow, InvalidRecordsCanGoToATopic) {
  WindowAggregator agg(options({{"invalid.records.topic", "transactions_invalid"}}));
  Capture out;
  agg.apply(toRecord({.ts = 1, .value = "{broken"}), out);
  ASSERT_EQ(out.records.size(), 1u);
  EXPECT_EQ(out.records[0].topic, "transactions_invalid");
  EXPECT_EQ(out.records[0].raw, "{broken");
  EXPECT_EQ(agg.stats().invalid, 1u);
}

TEST(WindowedAggregateWindow, EventTimeFromAFieldInAZone) {
  WindowAggregator agg(options({{"timestamp.field", "event_timestamp"}, {"timestamp.time.zone", "+02:00"},
                                {"window.format", "yyyy-MM-dd HH:mm:ss"}}));
  Capture out;
  // 2022-11-21 10:00:01.500 at +02:00 is 08:00:01.500 UTC.
  agg.apply(toRecord({.ts = 0, .value = R"({"event_timestamp":"2022-11-21 10:00:01.500","total_paid":30})"}), out);
  agg.closeAll(out);
  ASSERT_EQ(out.records.size(), 1u);
  std::tm tm{};
  tm.tm_year = 2022 - 1900;
  tm.tm_mon = 10;
  tm.tm_mday = 21;
  tm.tm_hour = 8;
  int64_t utcSeconds = static_cast<int64_t>(timegm(&tm));  // libc as the independent reference
  EXPECT_EQ(out.records[0].value["window_start"], utcSeconds * 1000);
  EXPECT_EQ(out.records[0].value["window_start_str"], "2022-11-21 10:00:00");
  EXPECT_EQ(out.records[0].value["window_end_str"], "2022-11-21 10:00:03");
}

TEST(WindowedAggregateWindow, BadConfigurationsAreRejectedWithTheKey) {
  auto message = [](std::map<std::string, std::string> props) -> std::string {
    try {
      WindowOptions::parse(Config(std::move(props)));
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(message({{"window.size.ms", "0"}}).find("window.size.ms"), std::string::npos);
  EXPECT_NE(message({{"window.advance.ms", "5000"}}).find("window.advance.ms"), std::string::npos);
  EXPECT_NE(message({{"aggregates", "median:x:y"}}).find("aggregates"), std::string::npos);
  EXPECT_NE(message({{"emit.mode", "sometimes"}}).find("emit.mode"), std::string::npos);
  EXPECT_NE(message({{"timestamp.time.zone", "Europe/Paris"}}).find("timestamp.time.zone"), std::string::npos);
  EXPECT_NE(message({{"timestamp.field", "t"}, {"timestamp.format", "yyyy-MM-dd QQ"}}).find("timestamp.format"), std::string::npos);
  EXPECT_EQ(message({}), "");
}

}  // namespace
}  // namespace sluice::windowed
