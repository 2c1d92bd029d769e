// datagen.so through the real loader (dlopen + handshake) and PluginInstance: validate, create, start,
// poll into a RecordBatch, END_OF_INPUT after the iterations, stop() interrupting a paced poll, and a
// restart resuming from the committed source offset.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "plugin/plugin_instance.hpp"
#include "plugin/plugin_loader.hpp"
#include "plugin/record_batch.hpp"

namespace sluice {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

PluginPtr loadDatagen() {
  auto loaded = loadPluginFile(std::string(SLUICE_PLUGIN_DIR) + "/datagen.so");
  EXPECT_TRUE(loaded.ok()) << (loaded.ok() ? "" : loaded.error());
  if (!loaded.ok()) return nullptr;
  EXPECT_EQ(loaded.value().size(), 1u);
  return loaded.value().at(0);
}

std::string text(sluice_bytes b) { return b.data ? std::string(reinterpret_cast<const char*>(b.data), b.len) : std::string(); }

std::map<std::string, std::string> header(const sluice_record& r) {
  std::map<std::string, std::string> h;
  for (size_t i = 0; i < r.header_count; ++i) h[text(r.headers[i].key)] = text(r.headers[i].value);
  return h;
}

// Polls until END_OF_INPUT or a deadline; returns copies of (key, value, offset) plus the final status.
struct Drained {
  std::vector<std::string> keys, values, offsets;
  std::vector<std::map<std::string, std::string>> headers;
  sluice_status last = SLUICE_OK;
};
Drained drain(PluginInstance& inst, std::chrono::seconds limit = std::chrono::seconds(20)) {
  Drained d;
  RecordBatch batch;
  auto deadline = Clock::now() + limit;
  while (Clock::now() < deadline) {
    batch.clear();
    d.last = inst.poll(batch, 100);
    for (const auto& r : batch.records()) {
      EXPECT_EQ(text(r.topic), "orders");
      d.keys.push_back(text(r.key));
      d.values.push_back(text(r.value));
      d.offsets.push_back(text(r.source_offset));
      d.headers.push_back(header(r));
      EXPECT_EQ(text(r.source_partition), R"({"task.id":0})");
    }
    if (d.last != SLUICE_OK) break;
  }
  return d;
}

TEST(DatagenPluginIt, DescriptorNamesAliasesAndConfig) {
  PluginPtr p = loadDatagen();
  ASSERT_TRUE(p);
  EXPECT_EQ(p->name, "datagen");
  EXPECT_EQ(p->kind, SLUICE_KIND_SOURCE);
  EXPECT_NE(std::find(p->aliases.begin(), p->aliases.end(), "io.confluent.kafka.connect.datagen.DatagenConnector"), p->aliases.end());
  EXPECT_NE(std::find(p->aliases.begin(), p->aliases.end(), "DatagenConnector"), p->aliases.end());
  std::map<std::string, ConfigKey> keys;
  for (const auto& k : p->config) keys[k.name] = k;
  EXPECT_TRUE(keys.at("kafka.topic").required);
  EXPECT_EQ(keys.at("max.interval").defaultValue, "500");
  EXPECT_EQ(keys.at("iterations").defaultValue, "-1");
  EXPECT_FALSE(keys.at("random.seed").defaultValue.has_value());
  for (const char* k : {"quickstart", "schema.string", "schema.filename", "schema.keyfield", "transactions.timestamp.format",
                        "transactions.time.zone", "transactions.start.ms", "transactions.time.step.ms"})
    EXPECT_EQ(keys.count(k), 1u) << k;
}

TEST(DatagenPluginIt, ValidateHookReportsDatagenMessages) {
  PluginPtr p = loadDatagen();
  ASSERT_TRUE(p);
  auto errs = runPluginValidate(*p, {{"kafka.topic", "t"}, {"quickstart", "users"}, {"schema.string", "{}"}});
  ASSERT_EQ(errs.size(), 2u);
  for (const auto& [key, message] : errs) EXPECT_EQ(message, "Must set exactly one of schema.string, schema.filename, quickstart") << key;
  EXPECT_TRUE(runPluginValidate(*p, {{"kafka.topic", "t"}, {"quickstart", "Orders"}}).empty());
  auto bad = runPluginValidate(*p, {{"kafka.topic", "t"}, {"quickstart", "bogus"}});
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_EQ(bad[0].first, "quickstart");
  EXPECT_NE(bad[0].second.find("ecommerce_transactions"), std::string::npos);
}

TEST(DatagenPluginIt, GeneratesIterationsThenEndsAndRestartResumes) {
  PluginPtr p = loadDatagen();
  ASSERT_TRUE(p);
  std::map<std::string, std::string> props{{"kafka.topic", "orders"}, {"quickstart", "orders"}, {"max.interval", "0"},
                                           {"iterations", "25"}, {"random.seed", "3"},  {"task.id", "0"},
                                           {"task.count", "1"}, {"name", "orders-gen"}};
  // First run: stop after 10 records by remembering only the first 10 offsets (as if the rest were lost).
  auto first = PluginInstance::create(p, props);
  ASSERT_TRUE(first.ok()) << first.error();
  ASSERT_EQ((*first)->start(), SLUICE_OK);
  Drained all = drain(**first);
  EXPECT_EQ(all.last, SLUICE_END_OF_INPUT);
  ASSERT_EQ(all.values.size(), 25u);
  for (size_t i = 0; i < all.values.size(); ++i) {
    json v = json::parse(all.values[i]);
    EXPECT_EQ(v["orderid"], i);
    EXPECT_EQ(all.keys[i], std::to_string(i));  // key = orderid (the quickstart's key field) as text
    EXPECT_EQ(all.headers[i]["current.iteration"], std::to_string(i));
    EXPECT_EQ(all.headers[i]["task.id"], "0");
    EXPECT_EQ(all.headers[i]["task.generation"], "0");
  }
  (*first)->stop();
  first = Error{"released"};

  std::string committed = all.offsets[9];
  auto reader = [&](const std::string& partition) -> std::optional<std::string> {
    EXPECT_EQ(partition, R"({"task.id":0})");
    return committed;
  };
  auto second = PluginInstance::create(p, props, reader);
  ASSERT_TRUE(second.ok()) << second.error();
  ASSERT_EQ((*second)->start(), SLUICE_OK);
  Drained rest = drain(**second);
  EXPECT_EQ(rest.last, SLUICE_END_OF_INPUT);
  ASSERT_EQ(rest.values.size(), 15u);
  for (size_t i = 0; i < rest.values.size(); ++i) {
    EXPECT_EQ(rest.values[i], all.values[10 + i]);  // the same sequence, random fields included
    EXPECT_EQ(rest.headers[i]["task.generation"], "1");
  }
  // Polling again after the end stays at END_OF_INPUT.
  RecordBatch batch;
  EXPECT_EQ((*second)->poll(batch, 10), SLUICE_END_OF_INPUT);
  EXPECT_TRUE(batch.empty());
}

TEST(DatagenPluginIt, PollHonoursTimeoutAndStopInterruptsIt) {
  PluginPtr p = loadDatagen();
  ASSERT_TRUE(p);
  // A 10-minute max.interval: a record is practically never due, so poll must return on its timeout.
  auto inst = PluginInstance::create(p, {{"kafka.topic", "orders"}, {"quickstart", "orders"}, {"max.interval", "600000"}});
  ASSERT_TRUE(inst.ok()) << inst.error();
  ASSERT_EQ((*inst)->start(), SLUICE_OK);
  RecordBatch batch;
  auto t0 = Clock::now();
  EXPECT_EQ((*inst)->poll(batch, 200), SLUICE_OK);
  auto took = Clock::now() - t0;
  EXPECT_LT(took, std::chrono::seconds(2));
  EXPECT_GE(took, std::chrono::milliseconds(150));

  // A long poll on another thread, then stop(): the poll returns promptly.
  std::atomic<bool> returned{false};
  std::thread poller([&] {
    RecordBatch b;
    (*inst)->poll(b, 60000);
    returned = true;
  });
  auto deadline = Clock::now() + std::chrono::milliseconds(100);
  while (Clock::now() < deadline) std::this_thread::yield();  // give poll time to block
  auto stopAt = Clock::now();
  (*inst)->stop();
  while (!returned && Clock::now() - stopAt < std::chrono::seconds(5)) std::this_thread::yield();
  EXPECT_TRUE(returned.load());
  EXPECT_LT(Clock::now() - stopAt, std::chrono::seconds(2));
  poller.join();
}

TEST(DatagenPluginIt, PacedRecordsArriveWithinMaxInterval) {
  PluginPtr p = loadDatagen();
  ASSERT_TRUE(p);
  auto inst = PluginInstance::create(p, {{"kafka.topic", "orders"}, {"quickstart", "orders"}, {"max.interval", "20"}, {"iterations", "30"}});
  ASSERT_TRUE(inst.ok()) << inst.error();
  ASSERT_EQ((*inst)->start(), SLUICE_OK);
  auto t0 = Clock::now();
  Drained d = drain(**inst);
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
  EXPECT_EQ(d.last, SLUICE_END_OF_INPUT);
  EXPECT_EQ(d.values.size(), 30u);
  EXPECT_LT(took, 30 * 20 + 2000);  // each pause is below max.interval (plus scheduling slack)
}

TEST(DatagenPluginIt, EcommerceRecordsCarryEventTimeAndUserKey) {
  PluginPtr p = loadDatagen();
  ASSERT_TRUE(p);
  auto inst = PluginInstance::create(p, {{"kafka.topic", "orders"}, {"quickstart", "ecommerce_transactions"}, {"max.interval", "0"},
                                         {"iterations", "50"}, {"transactions.start.ms", "1000000"}, {"transactions.time.step.ms", "100"}});
  ASSERT_TRUE(inst.ok()) << inst.error();
  ASSERT_EQ((*inst)->start(), SLUICE_OK);
  RecordBatch batch;
  std::vector<int64_t> timestamps;
  for (int i = 0; i < 100 && timestamps.size() < 50; ++i) {
    batch.clear();
    sluice_status s = (*inst)->poll(batch, 100);
    for (const auto& r : batch.records()) {
      timestamps.push_back(r.timestamp_ms);
      EXPECT_EQ(text(r.key), json::parse(text(r.value))["user_id"].get<std::string>());
    }
    if (s == SLUICE_END_OF_INPUT) break;
  }
  ASSERT_EQ(timestamps.size(), 50u);
  for (size_t i = 0; i < timestamps.size(); ++i) EXPECT_EQ(timestamps[i], 1000000 + 100 * static_cast<int64_t>(i));
}

TEST(DatagenPluginIt, BadConfigFailsCreateWithAMessage) {
  PluginPtr p = loadDatagen();
  ASSERT_TRUE(p);
  auto inst = PluginInstance::create(p, {{"kafka.topic", "t"}, {"schema.string", R"({"type":"record","name":"r","fields":[{"name":"a","type":{"type":"int","arg.properties":{"range":{"min":3,"max":1}}}}]})"}});
  ASSERT_FALSE(inst.ok());
  EXPECT_NE(inst.error().find("strictly less"), std::string::npos) << inst.error();
}

}  // namespace
}  // namespace sluice
