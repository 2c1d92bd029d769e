// EmbeddedCluster: librdkafka clients over TCP see the brokers and topics it was asked for.
#include <fstream>

#include "integration/kafka_it_support.hpp"

namespace sluice {
namespace {

using namespace kafkait;

struct Metadata {
  int brokers = 0;
  std::map<std::string, int> partitions;  // topic -> partition count
};

// A metadata request as `kcat -L` sends it.
Metadata fetchMetadata(const std::string& bootstrap, const std::string& onlyTopic = "") {
  rd_kafka_t* rk = newClient(RD_KAFKA_PRODUCER, {{"bootstrap.servers", bootstrap}});
  rd_kafka_topic_t* rkt = onlyTopic.empty() ? nullptr : rd_kafka_topic_new(rk, onlyTopic.c_str(), nullptr);
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_metadata(rk, rkt ? 0 : 1, rkt, &md, 10000);
  Metadata out;
  EXPECT_EQ(err, RD_KAFKA_RESP_ERR_NO_ERROR) << rd_kafka_err2str(err);
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    out.brokers = md->broker_cnt;
    for (int i = 0; i < md->topic_cnt; ++i) {
      if (md->topics[i].err == RD_KAFKA_RESP_ERR_NO_ERROR) out.partitions[md->topics[i].topic] = md->topics[i].partition_cnt;
    }
    rd_kafka_metadata_destroy(md);
  }
  if (rkt) rd_kafka_topic_destroy(rkt);
  rd_kafka_destroy(rk);
  return out;
}

TEST(EmbeddedClusterOptions, ReadsTheWorkerKeys) {
  auto o = EmbeddedClusterOptions::fromConfig({{"bootstrap.servers", "embedded"},
                                               {"embedded.brokers", "3"},
                                               {"embedded.partitions", "6"},
                                               {"embedded.topics", "orders:4, payments ,audit:1"},
                                               {"embedded.bootstrap.file", "/tmp/x/bootstrap"}});
  ASSERT_TRUE(o.ok()) << o.error();
  EXPECT_EQ(o->brokers, 3);
  EXPECT_EQ(o->defaultPartitions, 6);
  ASSERT_EQ(o->topics.size(), 3u);
  EXPECT_EQ(o->topics[0].name, "orders");
  EXPECT_EQ(o->topics[0].partitions, 4);
  EXPECT_EQ(o->topics[1].name, "payments");
  EXPECT_EQ(o->topics[1].partitions, 6);  // no count: embedded.partitions
  EXPECT_EQ(o->topics[2].partitions, 1);
  EXPECT_EQ(o->bootstrapFile, "/tmp/x/bootstrap");
  EXPECT_TRUE(isEmbeddedBootstrap("embedded"));
  EXPECT_FALSE(isEmbeddedBootstrap("localhost:9092"));

  auto defaults = EmbeddedClusterOptions::fromConfig({});
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->brokers, 1);
  EXPECT_EQ(defaults->defaultPartitions, 3);
  EXPECT_TRUE(defaults->topics.empty());
}

TEST(EmbeddedClusterOptions, RejectsBadValuesWithTheKey) {
  auto badBrokers = EmbeddedClusterOptions::fromConfig({{"embedded.brokers", "zero"}});
  ASSERT_FALSE(badBrokers.ok());
  EXPECT_NE(badBrokers.error().find("embedded.brokers"), std::string::npos) << badBrokers.error();
  auto badCount = EmbeddedClusterOptions::fromConfig({{"embedded.topics", "orders:0"}});
  ASSERT_FALSE(badCount.ok());
  EXPECT_NE(badCount.error().find("orders:0"), std::string::npos) << badCount.error();
  EXPECT_FALSE(EmbeddedClusterOptions::fromConfig({{"embedded.topics", ":3"}}).ok());
  EXPECT_FALSE(EmbeddedClusterOptions::fromConfig({{"embedded.partitions", "-1"}}).ok());
}

TEST(EmbeddedCluster, ServesBrokersTopicsAndTheBootstrapFile) {
  std::string file = ::testing::TempDir() + uniqueName("embedded") + "/bootstrap.txt";
  EmbeddedClusterOptions o;
  o.brokers = 3;
  o.defaultPartitions = 5;
  o.topics = {{"orders", 4}, {"audit", 1}};
  o.bootstrapFile = file;
  auto cluster = EmbeddedCluster::start(o);
  ASSERT_TRUE(cluster.ok()) << cluster.error();
  const std::string& bootstrap = (*cluster)->bootstrapServers();
  EXPECT_NE(bootstrap.find("127.0.0.1:"), std::string::npos) << bootstrap;

  std::ifstream in(file);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, bootstrap);

  auto md = fetchMetadata(bootstrap);
  EXPECT_EQ(md.brokers, 3);
  EXPECT_EQ(md.partitions["orders"], 4);
  EXPECT_EQ(md.partitions["audit"], 1);

  auto created = (*cluster)->ensureTopic("payments");
  ASSERT_TRUE(created.ok()) << created.error();
  EXPECT_TRUE(*created);
  EXPECT_EQ(fetchMetadata(bootstrap, "payments").partitions["payments"], 5);  // embedded.partitions

  auto again = (*cluster)->ensureTopic("payments");
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);
  auto duplicate = (*cluster)->createTopic("orders", 2);
  ASSERT_FALSE(duplicate.ok());
  EXPECT_NE(duplicate.error().find("already exists"), std::string::npos) << duplicate.error();
  EXPECT_FALSE((*cluster)->createTopic("bad", 0).ok());
}

TEST(EmbeddedCluster, AutoCreatedTopicsGetTheMockDefault) {
  // Documented behaviour of librdkafka 2.0.2's mock: a topic first named by a client is created with
  // 4 partitions, whatever embedded.partitions says; ensureTopic() afterwards leaves it alone.
  auto cluster = startCluster(1);
  std::string topic = uniqueName("auto");
  auto md = fetchMetadata(cluster->bootstrapServers(), topic);
  EXPECT_EQ(md.partitions[topic], 4);
  auto ensured = cluster->ensureTopic(topic);
  ASSERT_TRUE(ensured.ok()) << ensured.error();
  EXPECT_FALSE(*ensured);
}

TEST(EmbeddedCluster, BrokerFaultsReportUnknownBrokers) {
  auto cluster = startCluster(2);
  EXPECT_TRUE(cluster->setBrokerDown(2).ok());
  EXPECT_TRUE(cluster->setBrokerUp(2).ok());
  EXPECT_TRUE(cluster->setBrokerRtt(1, 5).ok());
  auto unknown = cluster->setBrokerDown(7);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().find("broker 7"), std::string::npos) << unknown.error();
}

}  // namespace
}  // namespace sluice
