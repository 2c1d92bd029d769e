// Event time that does not depend on arrival order: a watermark per input partition, the task
// watermark as their minimum, idle partitions left out after idle.timeout.ms, lateness judged in
// event time, and progress (held offsets, re-delivered records) under replay. Every expected window
// is recomputed here from the input alone, without the plugin's window arithmetic.
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

constexpr const char* kTopic = "transactions";
constexpr int64_t kWindowMs = 3000;
constexpr int64_t kIdleMs = 5000;

struct In {
  int32_t partition = 0;
  int64_t offset = 0;
  int64_t ts = 0;
  std::string value;
};

sluice_record toRecord(const In& r) {
  sluice_record rec = emptyRecord();
  rec.topic = bytes(kTopic);
  rec.partition = r.partition;
  rec.kafka_offset = r.offset;
  rec.timestamp_ms = r.ts;
  rec.value = bytes(r.value);
  return rec;
}

// Downstream as a compacted topic sees it: the last value per key, and every emission in order.
class Downstream : public RecordOutput {
 public:
  void emit(const sluice_record& r) override {
    std::string key(view(r.key));
    nlohmann::json v = nlohmann::json::parse(view(r.value));
    table[key] = v;
    emissions.emplace_back(key, v);
  }
  std::map<std::string, nlohmann::json> table;
  std::vector<std::pair<std::string, nlohmann::json>> emissions;
};

WindowOptions options(std::map<std::string, std::string> props) { return WindowOptions::parse(Config(std::move(props))); }

// The reference scenario: ten users, each paying ten times the leading digit of its id (0 is 10).
int64_t paidBy(int user) { return 10 * (user == 0 ? 10 : user); }

std::string payment(int user) {
  return nlohmann::json{{"user_id", std::to_string(user) + "-user"}, {"total_paid", paidBy(user)}, {"status", "Paid"}}.dump();
}

struct Expected {
  int64_t sum = 0;
  int64_t count = 0;
};

// `partitions` partitions, each in event-time order, all covering the same span of event time.
std::vector<std::vector<In>> backlog(int partitions, int perPartition, int64_t stepMs, uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::vector<In>> out(static_cast<size_t>(partitions));
  for (int p = 0; p < partitions; ++p) {
    int64_t ts = 1'700'000'000'000 + static_cast<int64_t>(rng() % 1000);
    for (int i = 0; i < perPartition; ++i) {
      ts += 1 + static_cast<int64_t>(rng() % static_cast<uint64_t>(2 * stepMs));
      out[static_cast<size_t>(p)].push_back({p, i, ts, payment(static_cast<int>(rng() % 10))});
    }
  }
  return out;
}

std::map<int64_t, Expected> recompute(const std::vector<std::vector<In>>& input) {
  std::map<int64_t, Expected> windows;
  for (const auto& partition : input)
    for (const auto& r : partition) {
      Expected& e = windows[r.ts - r.ts % kWindowMs];
      e.sum += nlohmann::json::parse(r.value)["total_paid"].get<int64_t>();
      e.count += 1;
    }
  return windows;
}

void expectExact(const std::map<int64_t, Expected>& expected, const std::map<std::string, nlohmann::json>& table) {
  EXPECT_EQ(table.size(), expected.size());
  for (const auto& [start, e] : expected) {
    auto it = table.find(std::to_string(start));
    ASSERT_NE(it, table.end()) << "window " << start << " missing";
    EXPECT_EQ(it->second["total_paid"], e.sum) << "window " << start;
    EXPECT_EQ(it->second["total_transactions"], e.count) << "window " << start;
  }
}

// Hands the backlog over as a consumer does: a run of `run` records of one partition, then of the
// next, round robin; processing time advances 100 ms per run and the host ticks every second.
// `stopAfter` records (then returns) simulate a crash; `from` gives each partition's start offset.
class RunReader {
 public:
  RunReader(const std::vector<std::vector<In>>& input, size_t run) : input_(input), run_(run), next_(input.size(), 0) {}
  void startAt(const std::vector<int64_t>& offsets) {
    for (size_t p = 0; p < next_.size(); ++p) next_[p] = static_cast<size_t>(std::max<int64_t>(offsets[p], 0));
  }
  // Returns false once every partition is read to its end or `limit` records were handed over.
  bool step(WindowAggregator& agg, Downstream& down, size_t& handed, size_t limit) {
    bool any = false;
    for (size_t p = 0; p < input_.size(); ++p) {
      for (size_t i = 0; i < run_ && next_[p] < input_[p].size(); ++i) {
        if (handed >= limit) return false;
        agg.apply(toRecord(input_[p][next_[p]++]), down);
        ++handed;
        any = true;
      }
      nowMs_ += 100;
      if (nowMs_ - lastTickMs_ >= 1000) {
        agg.tick(nowMs_, down);
        lastTickMs_ = nowMs_;
      }
    }
    return any;
  }
  const std::vector<size_t>& next() const { return next_; }

 private:
  const std::vector<std::vector<In>>& input_;
  size_t run_;
  std::vector<size_t> next_;
  int64_t nowMs_ = 10'000;
  int64_t lastTickMs_ = -1'000'000;
};

TEST(WindowedAggregateWatermark, BacklogReadOnePartitionRunAtATimeIsExactWithZeroGrace) {
  // Six partitions covering the same 4 minutes, handed over 400 records of one partition at a
  // time: 40 s of event time per run. Stream time (the maximum) would close windows the other
  // partitions have not delivered yet; the minimum over partitions does not.
  auto input = backlog(6, 8000, 15, 1);
  WindowAggregator agg(options({{"grace.ms", "0"}, {"idle.timeout.ms", std::to_string(kIdleMs)}}));
  Downstream down;
  RunReader reader(input, 400);
  size_t handed = 0;
  while (reader.step(agg, down, handed, SIZE_MAX)) {
  }
  EXPECT_EQ(agg.stats().late, 0u) << "no record is late in event time";
  auto expected = recompute(input);
  EXPECT_GE(down.emissions.size(), expected.size() - 2) << "windows close while the backlog is read, not only at its end";
  agg.closeAll(down);
  expectExact(expected, down.table);
  EXPECT_EQ(down.emissions.size(), down.table.size()) << "each window emitted once";
}

TEST(WindowedAggregateWatermark, WindowsCloseOnlyWhenEveryPartitionPassedThem) {
  WindowAggregator agg(options({{"idle.timeout.ms", "0"}}));
  Downstream down;
  agg.apply(toRecord({0, 0, 1000, payment(1)}), down);
  agg.apply(toRecord({1, 0, 1500, payment(2)}), down);
  agg.apply(toRecord({0, 1, 9000, payment(3)}), down);  // partition 0 is past [0,3000), partition 1 is not
  EXPECT_TRUE(down.emissions.empty()) << "partition 1 still holds the watermark at 1500";
  agg.apply(toRecord({1, 1, 2500, payment(4)}), down);
  EXPECT_EQ(agg.stats().late, 0u);
  agg.apply(toRecord({1, 2, 3100, payment(5)}), down);  // both partitions past 3000 now
  ASSERT_EQ(down.emissions.size(), 1u);
  EXPECT_EQ(down.emissions[0].second["window_start"], 0);
  EXPECT_EQ(down.emissions[0].second["total_paid"], paidBy(1) + paidBy(2) + paidBy(4));
  EXPECT_EQ(down.emissions[0].second["total_transactions"], 3);
}

TEST(WindowedAggregateWatermark, APartitionNotSeenYetHoldsWindowsUntilIdleTimeout) {
  // Partition 1 is assigned but its first records come after partition 0 delivered 30 s of event
  // time: until idle.timeout.ms after the first tick that follows input, nothing closes, so they are
  // not late. A tick before any input (a group join still under way) does not start that time.
  WindowAggregator agg(options({{"idle.timeout.ms", std::to_string(kIdleMs)}}));
  Downstream down;
  agg.tick(0, down);
  for (int i = 0; i < 30; ++i) agg.apply(toRecord({0, i, 1000 + i * 1000, payment(i % 10)}), down);
  agg.tick(1000, down);
  EXPECT_TRUE(down.emissions.empty()) << "a partition not seen yet may still deliver old records";
  agg.apply(toRecord({1, 0, 1200, payment(7)}), down);
  agg.tick(2000, down);
  EXPECT_EQ(agg.stats().late, 0u);
  agg.apply(toRecord({1, 1, 31'000, payment(7)}), down);
  agg.tick(5999, down);
  EXPECT_TRUE(down.emissions.empty()) << "still within idle.timeout.ms of the first tick after input";
  agg.tick(6000, down);
  ASSERT_FALSE(down.emissions.empty());
  EXPECT_EQ(down.emissions[0].second["window_start"], 0);
  EXPECT_EQ(down.emissions[0].second["total_paid"], paidBy(0) + paidBy(1) + paidBy(7));
}

TEST(WindowedAggregateWatermark, AnIdlePartitionStopsHoldingTheWatermark) {
  WindowAggregator agg(options({{"idle.timeout.ms", std::to_string(kIdleMs)}}));
  Downstream down;
  agg.tick(0, down);
  agg.apply(toRecord({1, 0, 500, payment(1)}), down);  // partition 1 delivers once, then nothing
  int64_t offset = 0, ts = 1000;
  for (int64_t now = 1000; now <= 20'000; now += 1000) {
    for (int i = 0; i < 3; ++i, ts += 1000) agg.apply(toRecord({0, offset++, ts, payment(2)}), down);
    agg.tick(now, down);
    if (now < 1000 + kIdleMs) {
      EXPECT_TRUE(down.emissions.empty()) << "partition 1 is not idle yet at " << now;
    }
  }
  ASSERT_FALSE(down.emissions.empty()) << "partition 1 is idle: partition 0 alone moves the watermark";
  EXPECT_EQ(agg.stats().late, 0u);
  EXPECT_LT(down.emissions.back().second["window_end"].get<int64_t>(), ts) << "only windows partition 0 has passed";
  // Partition 1 comes back behind the watermark: its window is final, its record late and counted.
  agg.apply(toRecord({1, 1, 600, payment(3)}), down);
  EXPECT_EQ(agg.stats().late, 1u);
  EXPECT_EQ(down.table.at("0")["total_paid"], paidBy(1) + 2 * paidBy(2));
}

TEST(WindowedAggregateWatermark, OutOfOrderWithinAPartitionIsLateOnlyBeyondItsWatermarkMinusGrace) {
  // grace 2000: partition 0 reaches 10000; [6000,9000) ends at 9000 + 2000 > 10000 and still takes
  // records; [3000,6000) ends at 6000 + 2000 <= 10000 and does not, even though partition 1 holds
  // the task watermark far behind (lateness is event time within the partition, not luck of order).
  WindowAggregator agg(options({{"grace.ms", "2000"}, {"idle.timeout.ms", "0"}}));
  Downstream down;
  agg.apply(toRecord({1, 0, 100, payment(9)}), down);
  agg.apply(toRecord({0, 0, 4000, payment(1)}), down);
  agg.apply(toRecord({0, 1, 10'000, payment(2)}), down);
  agg.apply(toRecord({0, 2, 8500, payment(3)}), down);  // older than the watermark, within grace
  agg.apply(toRecord({0, 3, 6000, payment(4)}), down);  // window [6000,9000): within grace
  EXPECT_EQ(agg.stats().late, 0u);
  agg.apply(toRecord({0, 4, 5999, payment(5)}), down);  // window [3000,6000): 6000 + 2000 <= 10000
  EXPECT_EQ(agg.stats().late, 1u);
  agg.closeAll(down);
  EXPECT_EQ(down.table.at("3000")["total_paid"], paidBy(1));
  EXPECT_EQ(down.table.at("6000")["total_paid"], paidBy(3) + paidBy(4));
}

TEST(WindowedAggregateWatermark, LateCountAndResultsDoNotDependOnPartitionInterleaving) {
  // Three partitions with disorder up to 3 s inside each, grace 1 s: some records are late in event
  // time. Read with five different interleavings, the late count and every window are the same.
  // Each reading starts with one record of every partition, as after the start hold (a partition
  // never seen cannot hold the watermark; that is the hold's job, tested above).
  std::mt19937_64 rng(3);
  std::vector<std::vector<In>> input(3);
  for (int32_t p = 0; p < 3; ++p) {
    int64_t clock = 1'000'000;
    for (int i = 0; i < 1500; ++i) {
      clock += static_cast<int64_t>(rng() % 60);
      input[static_cast<size_t>(p)].push_back({p, i, clock - static_cast<int64_t>(rng() % 3000), payment(static_cast<int>(rng() % 10))});
    }
  }
  std::vector<std::string> results;
  std::vector<uint64_t> lates;
  for (uint32_t order = 0; order < 5; ++order) {
    WindowAggregator agg(options({{"grace.ms", "1000"}, {"idle.timeout.ms", "0"}}));
    Downstream down;
    std::mt19937_64 pick(order);
    std::vector<size_t> next(3, 1);
    for (size_t p = 0; p < 3; ++p) agg.apply(toRecord(input[p][0]), down);
    size_t left = 4497;
    while (left > 0) {
      size_t p = pick() % 3;
      size_t run = 1 + pick() % (order * 200 + 1);  // order 0: one record at a time
      for (size_t i = 0; i < run && next[p] < input[p].size(); ++i, --left) agg.apply(toRecord(input[p][next[p]++]), down);
    }
    agg.closeAll(down);
    lates.push_back(agg.stats().late);
    results.push_back(nlohmann::json(down.table).dump());
  }
  EXPECT_GT(lates[0], 0u) << "the input has records late in event time";
  for (size_t i = 1; i < results.size(); ++i) {
    EXPECT_EQ(lates[i], lates[0]) << "interleaving " << i;
    EXPECT_EQ(results[i], results[0]) << "interleaving " << i;
  }
}

TEST(WindowedAggregateWatermark, RecordsRedeliveredAfterASeekBackAreNotCountedTwice) {
  // A rebalance within the same instance makes the consumer resume from the committed (held)
  // offset: records already aggregated come again and must not be added twice.
  WindowAggregator agg(options({{"idle.timeout.ms", "0"}}));
  Downstream down;
  for (int i = 0; i < 6; ++i) agg.apply(toRecord({0, i, 1000 + i * 300, payment(i)}), down);
  int64_t held = agg.heldOffset(kTopic, 0);
  ASSERT_EQ(held, 0);
  for (int i = 0; i < 6; ++i) agg.apply(toRecord({0, i, 1000 + i * 300, payment(i)}), down);  // again from 0
  agg.apply(toRecord({0, 6, 4000, payment(6)}), down);
  ASSERT_EQ(down.emissions.size(), 1u);
  EXPECT_EQ(down.emissions[0].second["total_transactions"], 6);
  EXPECT_EQ(down.emissions[0].second["total_paid"], paidBy(0) + paidBy(1) + paidBy(2) + paidBy(3) + paidBy(4) + paidBy(5));
  EXPECT_EQ(agg.stats().late, 0u) << "re-delivered records are not late records either";
}

TEST(WindowedAggregateWatermark, HeldOffsetsAdvanceAsTheBacklogIsRead) {
  // The host commits below the held offset; it must follow the windows as they close, in every
  // partition, and release everything once the last window is final.
  auto input = backlog(6, 4000, 15, 5);
  WindowAggregator agg(options({{"grace.ms", "0"}, {"idle.timeout.ms", std::to_string(kIdleMs)}}));
  Downstream down;
  RunReader reader(input, 300);
  size_t handed = 0;
  std::vector<int64_t> lastHeld(6, -1);
  int rounds = 0;
  while (reader.step(agg, down, handed, SIZE_MAX)) {
    ++rounds;
    for (int32_t p = 0; p < 6; ++p) {
      int64_t held = agg.heldOffset(kTopic, p);
      if (held < 0) continue;
      EXPECT_GE(held, lastHeld[static_cast<size_t>(p)]) << "partition " << p << " went back, round " << rounds;
      lastHeld[static_cast<size_t>(p)] = held;
    }
  }
  for (int32_t p = 0; p < 6; ++p) EXPECT_GT(lastHeld[static_cast<size_t>(p)], 3000) << "partition " << p << " never advanced";
  agg.closeAll(down);
  for (int32_t p = 0; p < 6; ++p) EXPECT_EQ(agg.heldOffset(kTopic, p), -1);
}

TEST(WindowedAggregateWatermark, CrashMidBacklogAndReplayFromHeldOffsetsConverges) {
  // Crash at several points of a backlog read in runs; the new instance resumes every partition at
  // its held offset (or after the last record processed). Downstream, deduplicated by key, equals
  // the recomputation, and no window is ever re-emitted smaller than before.
  auto input = backlog(6, 2000, 15, 9);
  auto expected = recompute(input);
  for (size_t crashAt : {size_t{700}, size_t{3100}, size_t{6000}, size_t{9500}}) {
    SCOPED_TRACE("crash after " + std::to_string(crashAt) + " records");
    Downstream down;
    std::vector<int64_t> resume(6, 0);
    {
      WindowAggregator first(options({{"grace.ms", "0"}, {"idle.timeout.ms", std::to_string(kIdleMs)}}));
      RunReader reader(input, 250);
      size_t handed = 0;
      while (reader.step(first, down, handed, crashAt)) {
      }
      // A partition with nothing held resumes after its last processed record.
      for (int32_t p = 0; p < 6; ++p) {
        int64_t held = first.heldOffset(kTopic, p);
        resume[static_cast<size_t>(p)] = held >= 0 ? held : static_cast<int64_t>(reader.next()[static_cast<size_t>(p)]);
      }
    }
    std::map<std::string, nlohmann::json> before = down.table;
    WindowAggregator second(options({{"grace.ms", "0"}, {"idle.timeout.ms", std::to_string(kIdleMs)}}));
    RunReader reader(input, 250);
    reader.startAt(resume);
    size_t handed = 0;
    size_t emittedBefore = down.emissions.size();
    while (reader.step(second, down, handed, SIZE_MAX)) {
    }
    second.closeAll(down);
    EXPECT_EQ(second.stats().late, 0u);
    for (size_t i = emittedBefore; i < down.emissions.size(); ++i) {
      const auto& [key, value] = down.emissions[i];
      auto was = before.find(key);
      if (was != before.end()) {
        EXPECT_GE(value["total_transactions"].get<int64_t>(), was->second["total_transactions"].get<int64_t>())
            << "window " << key << " re-emitted smaller after the restart";
      }
    }
    expectExact(expected, down.table);
  }
}

}  // namespace
}  // namespace sluice::windowed
