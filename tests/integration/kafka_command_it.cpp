// `sluice kafka` as a subprocess: the first stdout line is a bootstrap address that librdkafka clients
// (as kcat) can query, and SIGTERM stops it cleanly.
#include "integration/kafka_it_support.hpp"
#include "process_support.hpp"

namespace sluice::testing {
namespace {

using kafkait::newClient;

TEST(KafkaCommand, PrintsABootstrapAddressThatAnswersMetadata) {
  TempDir dir;
  std::string file = dir.file("kafka.bootstrap");
  SluiceProcess kafka({"kafka", "--brokers", "2", "--topic", "orders:6", "--topic", "audit:1", "--bootstrap-file", file},
                      dir.file("kafka.log"), true);
  std::string bootstrap = kafka.readLine();
  ASSERT_FALSE(bootstrap.empty()) << "no output from sluice kafka: " << kafka.log();
  EXPECT_NE(bootstrap.find("127.0.0.1:"), std::string::npos) << bootstrap;
  EXPECT_EQ(readFile(file), bootstrap + "\n");

  rd_kafka_t* rk = newClient(RD_KAFKA_PRODUCER, {{"bootstrap.servers", bootstrap}});
  const rd_kafka_metadata_t* md = nullptr;
  ASSERT_EQ(rd_kafka_metadata(rk, 1, nullptr, &md, 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
  EXPECT_EQ(md->broker_cnt, 2);
  std::map<std::string, int> partitions;
  for (int i = 0; i < md->topic_cnt; ++i) partitions[md->topics[i].topic] = md->topics[i].partition_cnt;
  EXPECT_EQ(partitions["orders"], 6);
  EXPECT_EQ(partitions["audit"], 1);
  rd_kafka_metadata_destroy(md);
  rd_kafka_destroy(rk);

  ASSERT_TRUE(kafka.terminate(10000)) << "SIGTERM did not stop it";
  EXPECT_TRUE(WIFEXITED(kafka.exitStatus()) && WEXITSTATUS(kafka.exitStatus()) == 0) << kafka.exitStatus();
}

TEST(KafkaCommand, RejectsABadTopicSpec) {
  TempDir dir;
  SluiceProcess kafka({"kafka", "--topic", "orders:many"}, dir.file("kafka.log"));
  ASSERT_TRUE(eventually([&] { return kafka.exited(); }, 10000));
  EXPECT_TRUE(WIFEXITED(kafka.exitStatus()) && WEXITSTATUS(kafka.exitStatus()) == 2) << kafka.exitStatus();
  EXPECT_NE(kafka.log().find("orders:many"), std::string::npos) << kafka.log();
}

}  // namespace
}  // namespace sluice::testing
