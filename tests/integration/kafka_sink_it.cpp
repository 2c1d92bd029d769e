// kafka-sink through the real loader and PluginInstance, against the embedded (mock) cluster over TCP.
#include <future>

#include "integration/kafka_it_support.hpp"

namespace sluice {
namespace {

using namespace kafkait;
using namespace std::chrono_literals;

constexpr int16_t kProduceApiKey = 0;

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

class KafkaSinkIt : public ::testing::Test {
 protected:
  void SetUp() override {
    cluster_ = startCluster(1);
    topic_ = uniqueName("sink");
    ASSERT_TRUE(cluster_->createTopic(topic_, 3).ok());
  }
  std::map<std::string, std::string> props(std::map<std::string, std::string> extra = {}) {
    extra["bootstrap.servers"] = cluster_->bootstrapServers();
    extra["name"] = "sink-test";
    return extra;
  }
  sluice_status putAll(PluginInstance& sink, const std::vector<Msg>& msgs) {
    RecordBatch batch;
    fill(batch, msgs);
    return sink.put(batch.pointers());
  }

  std::unique_ptr<EmbeddedCluster> cluster_;
  std::string topic_;
};

TEST_F(KafkaSinkIt, ProducesEveryFieldExactly) {
  auto sink = startInstance("kafka-sink.so", props());
  auto records = makeRecords(topic_, 300, nowMs() - 60000);
  // Every 4th record names its partition; the rest go through the partitioner.
  for (size_t i = 0; i < records.size(); i += 4) records[i].partition = static_cast<int32_t>((i / 4) % 3);
  for (size_t off = 0; off < records.size(); off += 64) {
    std::vector<Msg> chunk(records.begin() + off, records.begin() + std::min(records.size(), off + 64));
    ASSERT_EQ(putAll(*sink, chunk), SLUICE_OK) << sink->error();
  }
  ASSERT_EQ(sink->flush(), SLUICE_OK) << sink->error();

  auto got = readTopics(cluster_->bootstrapServers(), {topic_}, records.size());
  ASSERT_EQ(got.size(), records.size());
  EXPECT_EQ(fingerprints(got), fingerprints(records));

  // Explicit partitions are honoured, and each partition keeps the order records were put in.
  std::map<std::string, int32_t> partitionById;
  std::map<int32_t, std::vector<std::string>> idsByPartition;
  for (const auto& m : got) {
    partitionById[*m.headers[0].second] = m.partition;
    idsByPartition[m.partition].push_back(*m.headers[0].second);
  }
  std::map<int32_t, std::vector<std::string>> expectedOrder;
  for (const auto& r : records) {
    const std::string& id = *r.headers[0].second;
    if (r.partition >= 0) {
      EXPECT_EQ(partitionById[id], r.partition) << id;
    }
    expectedOrder[partitionById[id]].push_back(id);
  }
  for (auto& [p, ids] : idsByPartition) {
    std::vector<std::pair<int64_t, std::string>> byOffset;
    for (const auto& m : got) {
      if (m.partition == p) byOffset.emplace_back(m.offset, *m.headers[0].second);
    }
    std::sort(byOffset.begin(), byOffset.end());
    std::vector<std::string> inOffsetOrder;
    for (auto& [o, id] : byOffset) inOffsetOrder.push_back(id);
    EXPECT_EQ(inOffsetOrder, expectedOrder[p]) << "partition " << p;
  }
}

TEST_F(KafkaSinkIt, EmptyTopicUsesDefaultTopicAndOtherwiseFailsClearly) {
  auto sink = startInstance("kafka-sink.so", props({{"topic", topic_}}));
  auto records = makeRecords("", 5, nowMs());
  ASSERT_EQ(putAll(*sink, records), SLUICE_OK) << sink->error();
  ASSERT_EQ(sink->flush(), SLUICE_OK) << sink->error();
  for (auto& r : records) r.topic = topic_;
  EXPECT_EQ(fingerprints(readTopics(cluster_->bootstrapServers(), {topic_}, records.size())), fingerprints(records));

  auto noDefault = startInstance("kafka-sink.so", props());
  EXPECT_NE(putAll(*noDefault, makeRecords("", 1, nowMs())), SLUICE_OK);
  EXPECT_NE(noDefault->error().find("no topic"), std::string::npos) << noDefault->error();
}

TEST_F(KafkaSinkIt, RejectsAnUnknownProducerProperty) {
  auto created = PluginInstance::create(loadKafkaPlugin("kafka-sink.so"), props({{"producer.no.such.setting", "1"}}));
  ASSERT_FALSE(created.ok());
  EXPECT_NE(created.error().find("producer.no.such.setting"), std::string::npos) << created.error();
}

TEST_F(KafkaSinkIt, RetriableProduceErrorsLoseAndDuplicateNothing) {
  auto sink = startInstance("kafka-sink.so", props({{"producer.retry.backoff.ms", "10"}}));
  // Errors the broker returns without appending. (An injected _TRANSPORT disconnect is left out: the
  // librdkafka 2.0.2 mock appends the batch before disconnecting and does not de-duplicate the idempotent
  // retry, which a real broker does; outages are covered by BrokerDownThenUpLosesNothing.)
  cluster_->pushRequestErrors(kProduceApiKey, {RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION, RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT,
                                               RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS});
  auto records = makeRecords(topic_, 200, nowMs());
  ASSERT_EQ(putAll(*sink, records), SLUICE_OK) << sink->error();
  ASSERT_EQ(sink->flush(), SLUICE_OK) << sink->error();
  auto got = readTopics(cluster_->bootstrapServers(), {topic_}, records.size());
  EXPECT_EQ(diffRecords(got, records), "");
}

TEST_F(KafkaSinkIt, BrokerDownThenUpLosesNothing) {
  auto sink = startInstance("kafka-sink.so", props({{"producer.reconnect.backoff.ms", "10"},
                                                    {"producer.reconnect.backoff.max.ms", "100"}}));
  auto first = makeRecords(topic_, 50, nowMs(), 1);
  ASSERT_EQ(putAll(*sink, first), SLUICE_OK) << sink->error();
  ASSERT_EQ(sink->flush(), SLUICE_OK) << sink->error();

  ASSERT_TRUE(cluster_->setBrokerDown(1).ok());
  auto second = makeRecords(topic_, 100, nowMs(), 2);
  ASSERT_EQ(putAll(*sink, second), SLUICE_OK) << sink->error();
  auto flushed = std::async(std::launch::async, [&] { return sink->flush(); });
  // While the only broker is down, nothing can be acknowledged, so flush must still be waiting.
  EXPECT_EQ(flushed.wait_for(500ms), std::future_status::timeout);
  ASSERT_TRUE(cluster_->setBrokerUp(1).ok());
  ASSERT_EQ(flushed.wait_for(30s), std::future_status::ready);
  ASSERT_EQ(flushed.get(), SLUICE_OK) << sink->error();

  auto all = first;
  all.insert(all.end(), second.begin(), second.end());
  EXPECT_EQ(fingerprints(readTopics(cluster_->bootstrapServers(), {topic_}, all.size())), fingerprints(all));
}

TEST_F(KafkaSinkIt, FullQueueBlocksInsteadOfDropping) {
  // A 5-message local queue: put() of 3000 records can only finish by waiting for deliveries.
  auto sink = startInstance("kafka-sink.so", props({{"producer.queue.buffering.max.messages", "5"},
                                                    {"producer.linger.ms", "1"}}));
  auto records = makeRecords(topic_, 3000, nowMs());
  ASSERT_EQ(putAll(*sink, records), SLUICE_OK) << sink->error();
  ASSERT_EQ(sink->flush(), SLUICE_OK) << sink->error();
  auto got = readTopics(cluster_->bootstrapServers(), {topic_}, records.size());
  EXPECT_EQ(got.size(), records.size());
  EXPECT_EQ(fingerprints(got), fingerprints(records));
}

TEST_F(KafkaSinkIt, StopUnblocksAPutWaitingForQueueSpace) {
  auto sink = startInstance("kafka-sink.so", props({{"producer.queue.buffering.max.messages", "5"}}));
  ASSERT_TRUE(cluster_->setBrokerDown(1).ok());
  auto records = makeRecords(topic_, 100, nowMs());
  auto put = std::async(std::launch::async, [&] { return putAll(*sink, records); });
  EXPECT_EQ(put.wait_for(300ms), std::future_status::timeout);  // blocked on the full queue
  auto stopAt = Clock::now();
  sink->stop();
  ASSERT_EQ(put.wait_for(5s), std::future_status::ready);
  EXPECT_LT(Clock::now() - stopAt, 2s);
  EXPECT_EQ(put.get(), SLUICE_RETRY);  // not OK: the records were not taken, so nothing is lost
  EXPECT_NE(sink->error().find("stopped"), std::string::npos) << sink->error();
  ASSERT_TRUE(cluster_->setBrokerUp(1).ok());
}

TEST_F(KafkaSinkIt, UndeliverableRecordsFailFlushWithTheReason) {
  auto sink = startInstance("kafka-sink.so", props({{"producer.message.timeout.ms", "1500"}, {"producer.linger.ms", "1"}}));
  ASSERT_TRUE(cluster_->setBrokerDown(1).ok());
  ASSERT_EQ(putAll(*sink, makeRecords(topic_, 10, nowMs())), SLUICE_OK) << sink->error();
  auto started = Clock::now();
  EXPECT_EQ(sink->flush(), SLUICE_ERR_FATAL);
  EXPECT_LT(Clock::now() - started, 20s);
  const std::string& error = sink->error();
  EXPECT_NE(error.find("kafka-sink: flush failed"), std::string::npos) << error;
  EXPECT_TRUE(error.find("could not be delivered") != std::string::npos || error.find("fatal producer error") != std::string::npos)
      << error;
  EXPECT_NE(error.find("timed out"), std::string::npos) << error;
  // The failure is sticky: later calls keep failing rather than pretending all is well.
  EXPECT_EQ(sink->flush(), SLUICE_ERR_FATAL);
  ASSERT_TRUE(cluster_->setBrokerUp(1).ok());
}

}  // namespace
}  // namespace sluice
