// Restart safety (held offsets: a crash, then a replay from the held offsets, must give downstream
// the same result per key as a run without a crash) and the reference generator's invariants.
#include <gtest/gtest.h>

#include <ctime>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "windowed_aggregate/window_aggregator.hpp"

namespace sluice::windowed {
namespace {

constexpr const char* kTopic = "transactions";

struct In {
  int32_t partition = 0;
  int64_t offset = -1;
  int64_t ts = -1;
  std::string key;
  std::string value;
};

sluice_record toRecord(const In& r) {
  sluice_record rec = emptyRecord();
  rec.topic = bytes(kTopic);
  rec.partition = r.partition;
  rec.kafka_offset = r.offset;
  rec.timestamp_ms = r.ts;
  rec.key = bytes(r.key);
  rec.value = bytes(r.value);
  return rec;
}

// Downstream as a compacted topic / Pinot upsert table sees it: the last value per key.
class Downstream : public RecordOutput {
 public:
  void emit(const sluice_record& r) override {
    table[std::string(view(r.key))] = std::string(view(r.value));
    ++count;
  }
  std::map<std::string, std::string> table;
  size_t count = 0;
};

// idle.timeout.ms is 0 unless a test sets it: no start hold and no idleness, so windows close on
// event time alone and no test depends on ticks it does not make (the time model's own tests are in
// windowed_aggregate_watermark_test.cpp).
WindowOptions options(std::map<std::string, std::string> props) {
  props.emplace("idle.timeout.ms", "0");
  return WindowOptions::parse(Config(std::move(props)));
}

// Three partitions, offsets dense per partition, event time disordered by less than `jitter`.
std::vector<In> makeInput(uint32_t seed, int n, int64_t jitter) {
  std::mt19937_64 rng(seed);
  std::vector<In> input;
  std::vector<int64_t> next(3, 0);
  int64_t clock = 1'669'000'000'000;
  for (int i = 0; i < n; ++i) {
    In r;
    r.partition = static_cast<int32_t>(rng() % 3);
    r.offset = next[static_cast<size_t>(r.partition)]++;
    clock += static_cast<int64_t>(rng() % 150);
    r.ts = clock - (jitter > 0 ? static_cast<int64_t>(rng() % static_cast<uint64_t>(jitter)) : 0);
    r.value = nlohmann::json{{"user_id", "u" + std::to_string(rng() % 4)},
                             {"total_paid", static_cast<int>(rng() % 10 + 1) * 10},
                             {"status", rng() % 4 == 0 ? "Refused" : "Paid"}}
                  .dump();
    input.push_back(std::move(r));
  }
  return input;
}

std::map<std::string, std::string> runWithoutCrash(const std::map<std::string, std::string>& props, const std::vector<In>& input) {
  WindowAggregator agg(options(props));
  Downstream down;
  for (const auto& r : input) agg.apply(toRecord(r), down);
  agg.closeAll(down);
  return down.table;
}

// Feeds input[0, crashAt), "crashes" (the instance is lost), then a fresh instance replays every
// partition from its committed position: the held offset, or just past the last record processed
// when nothing was held. Records are replayed in their original interleaving.
std::map<std::string, std::string> runWithCrash(const std::map<std::string, std::string>& props, const std::vector<In>& input,
                                                size_t crashAt) {
  Downstream down;
  std::vector<int64_t> resume(3, 0);
  {
    WindowAggregator first(options(props));
    std::vector<int64_t> processed(3, -1);
    for (size_t i = 0; i < crashAt; ++i) {
      first.apply(toRecord(input[i]), down);
      processed[static_cast<size_t>(input[i].partition)] = input[i].offset;
    }
    for (int p = 0; p < 3; ++p) {
      int64_t held = first.heldOffset(kTopic, p);
      // The held offset is never beyond what was processed, and nothing processed is held twice.
      if (held >= 0) {
        EXPECT_LE(held, processed[static_cast<size_t>(p)]);
      }
      resume[static_cast<size_t>(p)] = held >= 0 ? held : processed[static_cast<size_t>(p)] + 1;
    }
  }
  WindowAggregator second(options(props));
  for (const auto& r : input)
    if (r.offset >= resume[static_cast<size_t>(r.partition)]) second.apply(toRecord(r), down);
  second.closeAll(down);
  return down.table;
}

void checkCrashPoints(const std::map<std::string, std::string>& props, uint32_t seed, int64_t jitter) {
  auto input = makeInput(seed, 1200, jitter);
  auto expected = runWithoutCrash(props, input);
  ASSERT_GT(expected.size(), 20u);
  for (size_t crashAt = 0; crashAt <= input.size(); crashAt += 37) {
    auto actual = runWithCrash(props, input, crashAt);
    EXPECT_EQ(actual.size(), expected.size()) << "crash after " << crashAt << " records";
    for (const auto& [key, value] : expected)
      EXPECT_EQ(actual[key], value) << "window " << key << ", crash after " << crashAt << " records";
  }
}

TEST(WindowedAggregateReplay, CrashAndReplayFromHeldOffsetsGivesTheSameResultsInOrder) {
  checkCrashPoints({{"filter.field", "status"}, {"filter.value", "Paid"}}, 1, 0);
}

TEST(WindowedAggregateReplay, CrashAndReplayWithOutOfOrderInputWithinGrace) {
  checkCrashPoints({{"filter.field", "status"}, {"filter.value", "Paid"}, {"grace.ms", "2000"}}, 2, 2000);
}

TEST(WindowedAggregateReplay, CrashAndReplayInChangesModeWithGroups) {
  checkCrashPoints({{"emit.mode", "changes"}, {"group.by", "user_id"}, {"grace.ms", "1500"}}, 3, 1500);
}

TEST(WindowedAggregateReplay, HeldOffsetCoversAClosedWindowInterleavedWithAnOpenOne) {
  // W0 = [0,3000) holds offsets 0 and 2, W1 = [3000,6000) holds 1. Offset 3 closes W0 (emitted).
  // Replaying from 1 alone would rebuild W0 from offset 2 only and re-emit a wrong total, so the
  // held offset must stay at 0 until W1 is final too.
  std::map<std::string, std::string> props = {{"grace.ms", "2000"}};
  WindowAggregator agg(options(props));
  Downstream down;
  std::vector<In> input = {{0, 0, 1000, "", R"({"total_paid":10})"},
                           {0, 1, 3500, "", R"({"total_paid":20})"},
                           {0, 2, 2900, "", R"({"total_paid":40})"},
                           {0, 3, 5200, "", R"({"total_paid":80})"}};
  EXPECT_EQ(agg.heldOffset(kTopic, 0), -1) << "nothing seen yet";
  for (const auto& r : input) agg.apply(toRecord(r), down);
  ASSERT_EQ(down.count, 1u);
  EXPECT_EQ(nlohmann::json::parse(down.table.at("0"))["total_paid"], 50);
  EXPECT_EQ(agg.heldOffset(kTopic, 0), 0);
  EXPECT_EQ(agg.heldOffset(kTopic, 7), -1) << "a partition never seen holds nothing";
  for (size_t crashAt = 0; crashAt <= input.size(); ++crashAt)
    EXPECT_EQ(runWithCrash(props, input, crashAt), runWithoutCrash(props, input)) << crashAt;
  // Once every window is final nothing is held.
  agg.apply(toRecord({0, 4, 20'000, "", R"({"total_paid":1})"}), down);
  EXPECT_EQ(agg.heldOffset(kTopic, 0), 4);
  agg.closeAll(down);
  EXPECT_EQ(agg.heldOffset(kTopic, 0), -1);
}

TEST(WindowedAggregateReplay, FilteredAndLateRecordsAreNeverHeld) {
  WindowAggregator agg(options({{"filter.field", "status"}, {"filter.value", "Paid"}}));
  Downstream down;
  agg.apply(toRecord({0, 0, 1000, "", R"({"status":"Refused","total_paid":10})"}), down);
  EXPECT_EQ(agg.heldOffset(kTopic, 0), -1);
  agg.apply(toRecord({0, 1, 1000, "", R"({"status":"Paid","total_paid":10})"}), down);
  EXPECT_EQ(agg.heldOffset(kTopic, 0), 1);
  agg.apply(toRecord({0, 2, 9000, "", R"({"status":"Paid","total_paid":10})"}), down);
  agg.apply(toRecord({0, 3, 10, "", R"({"status":"Paid","total_paid":10})"}), down);  // late
  EXPECT_EQ(agg.stats().late, 1u);
  EXPECT_EQ(agg.heldOffset(kTopic, 0), 2);
}

// The reference generator (stream-processing-project/producer/fake_data.py, static mode): ten fixed
// user ids; the amount is 10 x the id's leading digit, 100 for the id starting with 0.
const std::vector<std::string> kStaticIds = {
    "14660caf-508e-42bf-8cc5-c4b9a576a6ac", "245d2676-04f8-4036-bc25-1a9b02bb75f1", "357a63c8-e1f6-4adf-8a54-25e78ef6a0f0",
    "4536beb6-b9b1-4fdf-b248-41807cd5b080", "58c405ab-535e-4d25-b76a-7d6cab8adcd1", "6dce3cca-2bf1-488a-8e43-6f05e15ae84f",
    "7c0284d-d1a4-44ab-9e32-b4d61a586f35",  "8d1417e6-9429-4220-9874-14e475aed9d2", "93e01ba4-861c-4e1e-9ae8-b0e317214c24",
    "071a417f-b4df-487d-8bd3-d54c7ad14672"};

std::string eventTimestamp(int64_t ms) {
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03d", buf, static_cast<int>(ms % 1000));
  return out;
}

void checkReferenceInvariant(const std::string& averageMode) {
  WindowAggregator agg(options({{"timestamp.field", "event_timestamp"}, {"filter.field", "status"}, {"filter.value", "Paid"},
                                {"output.topic", "transactions_aggregate_sluice"}, {"average.mode", averageMode}}));
  struct Collect : RecordOutput {
    void emit(const sluice_record& r) override {
      EXPECT_EQ(view(r.topic), "transactions_aggregate_sluice");
      values.push_back(nlohmann::json::parse(view(r.value)));
      keys.emplace_back(view(r.key));
    }
    std::vector<nlohmann::json> values;
    std::vector<std::string> keys;
  } out;
  // The expectation, from the Paid records' user ids only (never from their total_paid field).
  std::map<int64_t, std::pair<int64_t, int64_t>> expected;  // window start -> (sum, count)
  std::mt19937_64 rng(42);
  int64_t ms = 1'669'000'000'000;
  for (int i = 0; i < 5000; ++i) {
    ms += static_cast<int64_t>(rng() % 60);  // ten workers, 0.3 s apart each
    size_t idx = rng() % 10;
    bool paid = rng() % 2 == 0;
    nlohmann::json v = {{"event_timestamp", eventTimestamp(ms)}, {"user_id", kStaticIds[idx]},
                        {"transaction_id", static_cast<int>(rng() % 1'000'000) + 1}, {"total_paid", static_cast<int>(idx + 1) * 10},
                        {"status", paid ? "Paid" : "Refused"}};
    std::string value = v.dump();
    In r{0, i, -1, kStaticIds[idx], value};
    agg.apply(toRecord(r), out);
    if (paid) {
      int digit = kStaticIds[idx][0] - '0';
      auto& e = expected[ms - ms % 3000];
      e.first += digit == 0 ? 100 : digit * 10;
      e.second += 1;
    }
  }
  agg.closeAll(out);
  ASSERT_EQ(out.values.size(), expected.size());
  for (size_t i = 0; i < out.values.size(); ++i) {
    const auto& v = out.values[i];
    int64_t start = v["window_start"].get<int64_t>();
    ASSERT_TRUE(expected.count(start)) << v.dump();
    EXPECT_EQ(out.keys[i], std::to_string(start));
    auto [sum, count] = expected[start];
    EXPECT_EQ(v["window_end"].get<int64_t>(), start + 3000);
    EXPECT_EQ(v["total_paid"].get<int64_t>(), sum);
    EXPECT_EQ(v["total_transactions"].get<int64_t>(), count);
    EXPECT_EQ(v["total_paid"].get<int64_t>() % 10, 0);
    double avg = v["average_transaction_value"].get<double>();
    EXPECT_GE(avg, 10);
    EXPECT_LE(avg, 100);
    if (averageMode == "integer") {
      EXPECT_EQ(v["average_transaction_value"].get<int64_t>(), sum / count);
    } else {
      EXPECT_DOUBLE_EQ(avg, static_cast<double>(sum) / static_cast<double>(count));
    }
  }
}

TEST(WindowedAggregateReplay, ReferenceGeneratorInvariantsWithIntegerAverage) { checkReferenceInvariant("integer"); }
TEST(WindowedAggregateReplay, ReferenceGeneratorInvariantsWithDoubleAverage) { checkReferenceInvariant("double"); }

}  // namespace
}  // namespace sluice::windowed
