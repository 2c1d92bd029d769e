// The built windowed-aggregate.so through the real loader (dlopen + handshake) and PluginInstance:
// the manifest and config table, validation, and apply/tick/held_offset across the C ABI.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "plugin/plugin_instance.hpp"
#include "plugin/plugin_loader.hpp"
#include "plugin/record_batch.hpp"

namespace sluice {
namespace {

const char* kPluginPath = SLUICE_PLUGIN_DIR "/windowed-aggregate.so";

PluginPtr loadWindowedAggregate() {
  auto loaded = loadPluginFile(kPluginPath);
  if (!loaded) ADD_FAILURE() << loaded.error();
  if (!loaded || loaded->size() != 1) return nullptr;
  return loaded->front();
}

struct Input {
  std::string topic;
  int32_t partition;
  int64_t offset;
  int64_t ts;
  std::string value;
};

sluice_record toRecord(const Input& in) {
  sluice_record r{};
  r.topic = {reinterpret_cast<const uint8_t*>(in.topic.data()), in.topic.size()};
  r.partition = in.partition;
  r.kafka_offset = in.offset;
  r.timestamp_ms = in.ts;
  r.value = {reinterpret_cast<const uint8_t*>(in.value.data()), in.value.size()};
  return r;
}

std::string text(sluice_bytes b) { return b.data ? std::string(reinterpret_cast<const char*>(b.data), b.len) : std::string(); }

TEST(WindowedAggregatePlugin, LoadsWithItsConfigTable) {
  PluginPtr plugin = loadWindowedAggregate();
  ASSERT_NE(plugin, nullptr);
  EXPECT_EQ(plugin->name, "windowed-aggregate");
  EXPECT_EQ(plugin->kind, SLUICE_KIND_TRANSFORM);
  EXPECT_NE(plugin->hooks->tick, nullptr);
  EXPECT_NE(plugin->hooks->held_offset, nullptr);
  std::map<std::string, ConfigKey> keys;
  for (const auto& k : plugin->config) keys[k.name] = k;
  for (const char* name : {"window.size.ms", "window.advance.ms", "grace.ms", "idle.timeout.ms", "timestamp.field", "timestamp.format",
                           "timestamp.time.zone", "filter.field", "filter.value", "group.by", "aggregates", "average.mode",
                           "emit.mode", "late.records.topic", "invalid.records.topic", "output.topic", "window.format"})
    EXPECT_TRUE(keys.count(name)) << name;
  EXPECT_EQ(keys["window.size.ms"].defaultValue, "3000");
  EXPECT_EQ(keys["emit.mode"].defaultValue, "final");
  EXPECT_EQ(keys["aggregates"].defaultValue,
            "sum:total_paid:total_paid,count::total_transactions,avg:total_paid:average_transaction_value");
}

TEST(WindowedAggregatePlugin, ValidateAndCreateRejectBadConfigsNamingTheKey) {
  PluginPtr plugin = loadWindowedAggregate();
  ASSERT_NE(plugin, nullptr);
  auto errors = runPluginValidate(*plugin, {{"emit.mode", "eventually"}});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].first, "emit.mode");
  EXPECT_TRUE(runPluginValidate(*plugin, {{"emit.mode", "changes"}, {"group.by", "user_id"}}).empty());

  auto created = PluginInstance::create(plugin, {{"timestamp.time.zone", "Mars/Olympus"}});
  ASSERT_FALSE(created);
  EXPECT_NE(created.error().find("timestamp.time.zone"), std::string::npos) << created.error();
}

TEST(WindowedAggregatePlugin, AggregatesAcrossTheAbiAndHoldsOffsets) {
  PluginPtr plugin = loadWindowedAggregate();
  ASSERT_NE(plugin, nullptr);
  auto created = PluginInstance::create(plugin, {{"filter.field", "status"},
                                                 {"filter.value", "Paid"},
                                                 {"output.topic", "transactions_aggregate_sluice"},
                                                 {"idle.timeout.ms", "2000"}});
  ASSERT_TRUE(created) << created.error();
  PluginInstance& inst = **created;
  ASSERT_EQ(inst.start(), SLUICE_OK) << inst.error();

  // Two partitions, four windows; the expectation is summed here from the inputs.
  std::vector<Input> inputs;
  std::map<int64_t, std::pair<int64_t, int64_t>> expected;  // window start -> (sum, count)
  int64_t offsets[2] = {100, 500};
  for (int i = 0; i < 40; ++i) {
    int32_t partition = i % 2;
    int64_t ts = 60'000 + i * 300;
    int amount = (i % 10 + 1) * 10;
    bool paid = i % 3 != 0;
    inputs.push_back({"transactions", partition, offsets[partition]++, ts,
                      nlohmann::json{{"total_paid", amount}, {"status", paid ? "Paid" : "Refused"}}.dump()});
    if (paid) {
      expected[ts / 3000 * 3000].first += amount;
      expected[ts / 3000 * 3000].second += 1;
    }
  }
  RecordBatch out;
  std::vector<nlohmann::json> results;
  auto collect = [&] {
    for (const auto& r : out.records()) {
      EXPECT_EQ(text(r.topic), "transactions_aggregate_sluice");
      EXPECT_EQ(r.partition, -1);
      nlohmann::json v = nlohmann::json::parse(text(r.value));
      EXPECT_EQ(text(r.key), std::to_string(v["window_start"].get<int64_t>()));
      EXPECT_EQ(r.timestamp_ms, v["window_end"].get<int64_t>());
      results.push_back(v);
    }
    out.clear();
  };
  for (size_t i = 0; i < inputs.size(); ++i) {
    ASSERT_EQ(inst.apply(toRecord(inputs[i]), out), SLUICE_OK) << inst.error();
    collect();
    // As the host does, tick once input flows: windows wait idle.timeout.ms from this first tick for
    // partitions not seen yet (the start hold), then close on the minimum of the partition watermarks.
    if (i == 1) {
      ASSERT_EQ(inst.tick(998'000, out), SLUICE_OK);
    }
  }
  ASSERT_EQ(inst.tick(1'000'000, out), SLUICE_OK);  // the start hold is over
  collect();
  // The last window [69000, 72000) is still open: its first paid record per partition is held.
  int64_t lastStart = (60'000 + 39 * 300) / 3000 * 3000;
  for (int32_t p = 0; p < 2; ++p) {
    int64_t firstInOpen = -1;
    for (const auto& in : inputs) {
      bool paid = nlohmann::json::parse(in.value)["status"] == "Paid";
      if (in.partition == p && paid && in.ts >= lastStart) {
        firstInOpen = in.offset;
        break;
      }
    }
    EXPECT_EQ(inst.heldOffset("transactions", p), firstInOpen) << "partition " << p;
  }
  EXPECT_EQ(inst.heldOffset("other-topic", 0), -1);

  // Idle: no input for 2 s after the last tick that saw some closes the last window.
  ASSERT_EQ(inst.tick(1'001'999, out), SLUICE_OK);
  EXPECT_EQ(out.size(), 0u);
  ASSERT_EQ(inst.tick(1'002'000, out), SLUICE_OK);
  collect();
  EXPECT_EQ(inst.heldOffset("transactions", 0), -1);
  EXPECT_EQ(inst.heldOffset("transactions", 1), -1);

  ASSERT_EQ(results.size(), expected.size());
  for (const auto& v : results) {
    auto [sum, count] = expected.at(v["window_start"].get<int64_t>());
    EXPECT_EQ(v["total_paid"].get<int64_t>(), sum);
    EXPECT_EQ(v["total_transactions"].get<int64_t>(), count);
    EXPECT_DOUBLE_EQ(v["average_transaction_value"].get<double>(), static_cast<double>(sum) / static_cast<double>(count));
  }

  // A record that cannot be aggregated fails the call with a message naming it; nothing is emitted.
  Input bad{"transactions", 1, 999, 80'000, "{\"total_paid\": oops}"};
  EXPECT_EQ(inst.apply(toRecord(bad), out), SLUICE_ERR_FATAL);
  EXPECT_NE(inst.error().find("transactions/1@999"), std::string::npos) << inst.error();
  EXPECT_EQ(out.size(), 0u);
  inst.stop();
}

TEST(WindowedAggregatePlugin, ChangesModeEmitsEveryUpdate) {
  PluginPtr plugin = loadWindowedAggregate();
  ASSERT_NE(plugin, nullptr);
  auto created = PluginInstance::create(plugin, {{"emit.mode", "changes"}, {"group.by", "user_id"}, {"average.mode", "integer"}});
  ASSERT_TRUE(created) << created.error();
  PluginInstance& inst = **created;
  ASSERT_EQ(inst.start(), SLUICE_OK);
  RecordBatch out;
  std::vector<std::pair<std::string, int>> amounts = {{"a", 10}, {"b", 25}, {"a", 30}, {"a", 5}};
  int64_t sumA = 0;
  for (size_t i = 0; i < amounts.size(); ++i) {
    Input in{"transactions", 0, static_cast<int64_t>(i), 1000, nlohmann::json{{"user_id", amounts[i].first}, {"total_paid", amounts[i].second}}.dump()};
    ASSERT_EQ(inst.apply(toRecord(in), out), SLUICE_OK) << inst.error();
    if (amounts[i].first == "a") sumA += amounts[i].second;
  }
  ASSERT_EQ(out.size(), amounts.size());
  const sluice_record& last = out.records().back();
  EXPECT_EQ(text(last.key), "0|a");
  nlohmann::json v = nlohmann::json::parse(text(last.value));
  EXPECT_EQ(v["user_id"], "a");
  EXPECT_EQ(v["total_paid"], sumA);
  EXPECT_EQ(v["total_transactions"], 3);
  EXPECT_EQ(v["average_transaction_value"], sumA / 3);
  EXPECT_EQ(inst.heldOffset("transactions", 0), 0) << "changes mode holds until the window is final";
}

}  // namespace
}  // namespace sluice
