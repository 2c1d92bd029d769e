// RetentionWatch against the embedded cluster over TCP: a partition that outgrows the mock's 5 MiB
// is reported with its new start offset, once per move; one within the limit never is. And a
// `sluice kafka` process says so in its log, since a consumer starting late would get no warning.
#include "integration/kafka_it_support.hpp"
#include "kafka/retention_watch.hpp"
#include "process_support.hpp"

namespace sluice {
namespace {

using namespace kafkait;

// Writes count records of valueBytes each to topic[partition] and waits until all are acknowledged.
void produce(const std::string& bootstrap, const std::string& topic, int32_t partition, int count, size_t valueBytes) {
  rd_kafka_t* rk = newClient(RD_KAFKA_PRODUCER, {{"bootstrap.servers", bootstrap}, {"linger.ms", "20"}});
  std::string value(valueBytes, 'v');
  for (int i = 0; i < count; ++i) {
    while (rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(partition),
                             RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_VALUE(value.data(), value.size()),
                             RD_KAFKA_V_END) == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      rd_kafka_poll(rk, 10);
    }
  }
  ASSERT_EQ(rd_kafka_flush(rk, 30000), RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_destroy(rk);
}

int64_t startOffset(const std::string& bootstrap, const std::string& topic, int32_t partition) {
  rd_kafka_t* rk = newClient(RD_KAFKA_PRODUCER, {{"bootstrap.servers", bootstrap}});
  int64_t low = -1, high = -1;
  rd_kafka_query_watermark_offsets(rk, topic.c_str(), partition, &low, &high, 10000);
  rd_kafka_destroy(rk);
  return low;
}

TEST(RetentionWatch, ReportsEachPartitionThatLosesRecordsOncePerMove) {
  EmbeddedClusterOptions o;
  o.topics = {{"big", 2}};
  auto cluster = EmbeddedCluster::start(o);
  ASSERT_TRUE(cluster.ok()) << cluster.error();
  const std::string bootstrap = (*cluster)->bootstrapServers();
  std::vector<TrimmedPartition> reports;
  // An interval of an hour: only checkNow() runs the checks, so the test decides when.
  RetentionWatch watch(bootstrap, std::chrono::hours(1), [&](const TrimmedPartition& t) { reports.push_back(t); });

  produce(bootstrap, "big", 1, 100, 1000);  // 100 KB: stays whole
  watch.checkNow();
  EXPECT_TRUE(reports.empty());

  produce(bootstrap, "big", 0, 7000, 1000);  // ~7 MB: past the mock's 5 MiB
  int64_t start = startOffset(bootstrap, "big", 0);
  ASSERT_GT(start, 0) << "the mock kept more than 5 MiB; this test's premise changed";
  watch.checkNow();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].topic, "big");
  EXPECT_EQ(reports[0].partition, 0);
  EXPECT_EQ(reports[0].startOffset, start);

  watch.checkNow();  // nothing moved: nothing new
  EXPECT_EQ(reports.size(), 1u);

  produce(bootstrap, "big", 0, 2000, 1000);
  watch.checkNow();
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_GT(reports[1].startOffset, start);
  EXPECT_EQ(reports[1].startOffset, startOffset(bootstrap, "big", 0));
  EXPECT_EQ(startOffset(bootstrap, "big", 1), 0);
}

TEST(RetentionWatch, SluiceKafkaLogsTheDeletion) {
  testing::TempDir dir;
  testing::KafkaProcess kafka({"big:1"}, dir.file("kafka.log"));
  produce(kafka.bootstrap(), "big", 0, 7000, 1000);
  ASSERT_GT(startOffset(kafka.bootstrap(), "big", 0), 0);
  // The watch looks every 5 s.
  EXPECT_TRUE(waitUntil([&] { return kafka.log().find("deleted the oldest records of big[0]") != std::string::npos; },
                        std::chrono::seconds(20)))
      << kafka.log();
  EXPECT_NE(kafka.log().find("5 MiB"), std::string::npos) << kafka.log();
}

}  // namespace
}  // namespace sluice
