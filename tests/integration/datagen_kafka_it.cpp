// datagen -> kafka-sink -> the embedded (mock) cluster over TCP, read back with a plain consumer: the
// reference e-commerce stream lands in Kafka with user_id keys, event-time timestamps and datagen's
// headers, exactly `iterations` records.
#include <nlohmann/json.hpp>

#include <set>

#include "integration/kafka_it_support.hpp"

namespace sluice {
namespace {

using namespace kafkait;

TEST(DatagenKafkaIt, EcommerceTransactionsReachKafkaIntact) {
  auto cluster = startCluster(1);
  std::string topic = uniqueName("transactions");
  ASSERT_TRUE(cluster->createTopic(topic, 3).ok());

  const int n = 500;
  const int64_t start = 1700000000000, step = 13;
  auto source = startInstance("datagen.so", {{"kafka.topic", topic}, {"quickstart", "ecommerce_transactions"}, {"max.interval", "0"},
                                             {"iterations", std::to_string(n)}, {"random.seed", "8"}, {"name", "transactions-datagen"},
                                             {"transactions.start.ms", std::to_string(start)},
                                             {"transactions.time.step.ms", std::to_string(step)}});
  auto sink = startInstance("kafka-sink.so", {{"bootstrap.servers", cluster->bootstrapServers()}, {"name", "transactions-datagen"}});

  std::vector<Msg> sent;
  RecordBatch batch;
  sluice_status status = SLUICE_OK;
  auto deadline = Clock::now() + std::chrono::seconds(30);
  while (status == SLUICE_OK && Clock::now() < deadline) {
    batch.clear();
    status = source->poll(batch, 100);
    for (const auto& r : batch.records()) sent.push_back(fromRecord(r));
    if (!batch.empty()) {
      ASSERT_EQ(sink->put(batch.pointers()), SLUICE_OK) << sink->error();
    }
  }
  ASSERT_EQ(status, SLUICE_END_OF_INPUT) << source->error();
  ASSERT_EQ(sink->flush(), SLUICE_OK) << sink->error();
  ASSERT_EQ(sent.size(), static_cast<size_t>(n));

  auto got = readTopics(cluster->bootstrapServers(), {topic}, sent.size());
  ASSERT_EQ(got.size(), sent.size());
  EXPECT_EQ(fingerprints(got), fingerprints(sent));

  std::set<int64_t> timestamps;
  for (const auto& m : got) {
    ASSERT_TRUE(m.key && m.value);
    auto v = nlohmann::json::parse(*m.value);
    EXPECT_EQ(*m.key, v["user_id"].get<std::string>());
    int lead = (*m.key)[0] - '0';
    EXPECT_EQ(v["total_paid"].get<int>(), 10 * (lead == 0 ? 10 : lead));
    std::map<std::string, std::string> h;
    for (const auto& [k, val] : m.headers) h[k] = val.value_or("");
    EXPECT_EQ(h["task.id"], "0");
    EXPECT_EQ(h["task.generation"], "0");
    int64_t iteration = std::stoll(h["current.iteration"]);
    EXPECT_EQ(m.timestamp, start + step * iteration);  // record timestamp = event time of that record
    timestamps.insert(m.timestamp);
  }
  EXPECT_EQ(timestamps.size(), static_cast<size_t>(n));
}

}  // namespace
}  // namespace sluice
