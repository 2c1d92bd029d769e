// The Kafka-topic stores (configs, offsets, statuses) on the embedded cluster: what one set of stores
// writes, a fresh set opened on the same topics reads back, deletions included; the records on the
// topics are Connect's bytes in the partitions Java's partitioner picks; topics a Java Connect worker
// wrote (records produced here by hand, byte for byte) are read as Connect reads them.
//
// The mock cluster serves neither CreateTopics nor DescribeConfigs, so the topics are created up
// front (EmbeddedCluster::createTopic) and the cleanup.policy check is skipped as Connect skips it
// when a cluster does not answer; creation and the compaction refusal need a real broker.
#include <gtest/gtest.h>

#include <set>

#include "kafka/java_partitioner.hpp"
#include "kafka_it_support.hpp"
#include "storage/kafka_config_store.hpp"
#include "storage/kafka_offset_store.hpp"
#include "storage/kafka_status_store.hpp"

namespace sluice {
namespace {

using namespace kafkait;

class KafkaBackingStoresIt : public ::testing::Test {
 protected:
  void SetUp() override {
    cluster_ = startCluster();
    props_ = {{"bootstrap.servers", cluster_->bootstrapServers()}};
    ASSERT_TRUE(cluster_->createTopic(configTopic_, 1).ok());
    ASSERT_TRUE(cluster_->createTopic(offsetTopic_, 5).ok());
    ASSERT_TRUE(cluster_->createTopic(statusTopic_, 3).ok());
  }

  std::unique_ptr<KafkaConfigStore> openConfigs() {
    auto s = KafkaConfigStore::open(props_, KafkaConfigStore::topicFor(configTopic_, -1));
    if (!s.ok()) ADD_FAILURE() << s.error();
    return s.ok() ? std::move(s.value()) : nullptr;
  }
  std::unique_ptr<KafkaOffsetStore> openOffsets() {
    auto s = KafkaOffsetStore::open(props_, KafkaOffsetStore::topicFor(offsetTopic_, 5, -1));
    if (!s.ok()) ADD_FAILURE() << s.error();
    return s.ok() ? std::move(s.value()) : nullptr;
  }
  std::unique_ptr<KafkaStatusStore> openStatuses() {
    auto s = KafkaStatusStore::open(props_, KafkaStatusStore::topicFor(statusTopic_, 3, -1));
    if (!s.ok()) ADD_FAILURE() << s.error();
    return s.ok() ? std::move(s.value()) : nullptr;
  }

  // Produces records as a Java worker would: the bytes given, keyed, placed by librdkafka's
  // murmur2_random partitioner (documented as Java's default partitioner), not by Sluice's code.
  void produceAsConnect(const std::string& topic, const std::vector<std::pair<std::string, Bytes>>& records) {
    rd_kafka_t* rk = newClient(RD_KAFKA_PRODUCER, {{"bootstrap.servers", cluster_->bootstrapServers()},
                                                   {"partitioner", "murmur2_random"}, {"acks", "all"}});
    for (const auto& [key, value] : records) {
      void* payload = value ? const_cast<char*>(value->data()) : nullptr;
      ASSERT_EQ(rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic.c_str()),
                                  RD_KAFKA_V_KEY(const_cast<char*>(key.data()), key.size()),
                                  RD_KAFKA_V_VALUE(payload, (value ? value->size() : 0)),
                                  RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END),
                RD_KAFKA_RESP_ERR_NO_ERROR);
    }
    ASSERT_EQ(rd_kafka_flush(rk, 30000), RD_KAFKA_RESP_ERR_NO_ERROR);
    rd_kafka_destroy(rk);
  }

  std::unique_ptr<EmbeddedCluster> cluster_;
  std::map<std::string, std::string> props_;
  std::string configTopic_ = uniqueName("connect-configs");
  std::string offsetTopic_ = uniqueName("connect-offsets");
  std::string statusTopic_ = uniqueName("connect-status");
};

TEST_F(KafkaBackingStoresIt, AFreshConfigStoreReadsBackConnectorsTaskConfigsTargetStatesAndDeletions) {
  {
    auto configs = openConfigs();
    ASSERT_TRUE(configs);
    ASSERT_TRUE(configs->put("orders", {{{"name", "orders"}, {"connector.class", "FileStreamSource"}}, TargetState::Started}).ok());
    ASSERT_TRUE(configs->putTaskConfigs("orders", {{{"task.id", "0"}}, {{"task.id", "1"}}}).ok());
    ASSERT_TRUE(configs->setTarget("orders", TargetState::Paused).ok());
    ASSERT_TRUE(configs->put("halted", {{{"name", "halted"}}, TargetState::Stopped}).ok());
    ASSERT_TRUE(configs->put("gone", {{{"name", "gone"}}, TargetState::Started}).ok());
    ASSERT_TRUE(configs->putTaskConfigs("gone", {{{"task.id", "0"}}}).ok());
    ASSERT_TRUE(configs->remove("gone").ok());
    EXPECT_FALSE(configs->setTarget("never-created", TargetState::Paused).ok());
    EXPECT_EQ(configs->all().size(), 2u);  // written and read back before each call returned
  }
  auto fresh = openConfigs();
  ASSERT_TRUE(fresh);
  auto all = fresh->all();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all.at("orders").config.at("connector.class"), "FileStreamSource");
  EXPECT_EQ(all.at("orders").target, TargetState::Paused);
  ASSERT_EQ(all.at("orders").tasks.size(), 2u);
  EXPECT_EQ(all.at("orders").tasks[1].at("task.id"), "1");
  EXPECT_EQ(all.at("halted").target, TargetState::Stopped);
  EXPECT_TRUE(all.at("halted").tasks.empty());
  EXPECT_EQ(all.count("gone"), 0u);
  EXPECT_TRUE(fresh->inconsistent().empty());
}

TEST_F(KafkaBackingStoresIt, TheConfigTopicHoldsConnectsRecordsWithTombstonesForADeletion) {
  {
    auto configs = openConfigs();
    ASSERT_TRUE(configs);
    ASSERT_TRUE(configs->put("c", {{{"name", "c"}}, TargetState::Stopped}).ok());
    ASSERT_TRUE(configs->putTaskConfigs("c", {{{"task.id", "0"}}}).ok());
    ASSERT_TRUE(configs->remove("c").ok());
  }
  auto records = readTopics(cluster_->bootstrapServers(), {configTopic_}, 6);
  ASSERT_EQ(records.size(), 6u);
  std::vector<std::pair<Bytes, Bytes>> seen;
  for (const auto& r : records) seen.emplace_back(r.key, r.value);
  std::vector<std::pair<Bytes, Bytes>> expected{
      {"target-state-c", R"({"state":"PAUSED","state.v2":"STOPPED"})"},
      {"connector-c", R"({"properties":{"name":"c"}})"},
      {"task-c-0", R"({"properties":{"task.id":"0"}})"},
      {"commit-c", R"({"tasks":1})"},
      {"connector-c", std::nullopt},
      {"target-state-c", std::nullopt},
  };
  EXPECT_EQ(seen, expected);
}

TEST_F(KafkaBackingStoresIt, AFreshOffsetStoreReadsBackOffsetsAndRemovals) {
  {
    auto offsets = openOffsets();
    ASSERT_TRUE(offsets);
    for (int i = 0; i < 20; ++i)
      offsets->write("src", R"({"file":"/data/)" + std::to_string(i) + R"(.txt"})", R"({"position":)" + std::to_string(i * 10) + "}");
    offsets->write("other", R"({"file":"/data/0.txt"})", R"({"position":999})");
    ASSERT_TRUE(offsets->flush());
    offsets->remove("src", R"({"file":"/data/3.txt"})");
    offsets->write("src", R"({"file":"/data/4.txt"})", R"({"position":41})");
    offsets->removeAll("other");
    ASSERT_TRUE(offsets->flush());
  }
  auto fresh = openOffsets();
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->all("src").size(), 19u);
  EXPECT_EQ(fresh->read("src", R"({"file":"/data/7.txt"})"), R"({"position":70})");
  EXPECT_EQ(fresh->read("src", R"({"file":"/data/4.txt"})"), R"({"position":41})");
  EXPECT_FALSE(fresh->read("src", R"({"file":"/data/3.txt"})"));
  EXPECT_TRUE(fresh->all("other").empty());
}

TEST_F(KafkaBackingStoresIt, OffsetRecordsAreConnectsBytesInTheJavaPartitionersPartition) {
  {
    auto offsets = openOffsets();
    ASSERT_TRUE(offsets);
    offsets->write("local-file-source", R"({"filename":"/tmp/test.txt"})", R"({"position":20})");
    ASSERT_TRUE(offsets->flush());
  }
  // The same key produced by librdkafka's Java-compatible partitioner lands beside Sluice's record.
  const std::string key = R"(["local-file-source",{"filename":"/tmp/test.txt"}])";
  produceAsConnect(offsetTopic_, {{key, R"({"position":25})"}});
  auto records = readTopics(cluster_->bootstrapServers(), {offsetTopic_}, 2);
  ASSERT_EQ(records.size(), 2u);
  for (const auto& r : records) EXPECT_EQ(r.key, key);
  EXPECT_EQ(records[0].partition, records[1].partition);
  EXPECT_EQ(records[0].partition, javaDefaultPartition(key, 5));
  std::set<Bytes> values{records[0].value, records[1].value};
  EXPECT_EQ(values, (std::set<Bytes>{R"({"position":20})", R"({"position":25})"}));
}

TEST_F(KafkaBackingStoresIt, AFreshStatusStoreReadsBackStatusesAndDeletions) {
  {
    auto statuses = openStatuses();
    ASSERT_TRUE(statuses);
    ASSERT_TRUE(statuses->putConnector("orders", {"RUNNING", "", "10.0.0.5:8083", 3}).ok());
    ASSERT_TRUE(statuses->putTask("orders", 0, {"RUNNING", "", "10.0.0.5:8083", 3}).ok());
    ASSERT_TRUE(statuses->putTask("orders", 1, {"FAILED", "java.lang.Exception: boom\n", "10.0.0.6:8083", 3}).ok());
    ASSERT_TRUE(statuses->putConnector("gone", {"RUNNING", "", "10.0.0.5:8083", 3}).ok());
    ASSERT_TRUE(statuses->putTask("gone", 0, {"RUNNING", "", "10.0.0.5:8083", 3}).ok());
    ASSERT_TRUE(statuses->removeConnector("gone").ok());
    ASSERT_TRUE(statuses->flush().ok());
  }
  auto fresh = openStatuses();
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->connectors(), std::set<std::string>{"orders"});
  EXPECT_EQ(fresh->connector("orders"), (StatusRecord{"RUNNING", "", "10.0.0.5:8083", 3}));
  auto tasks = fresh->tasks("orders");
  ASSERT_EQ(tasks.size(), 2u);
  EXPECT_EQ(tasks.at(1), (StatusRecord{"FAILED", "java.lang.Exception: boom\n", "10.0.0.6:8083", 3}));
  EXPECT_FALSE(fresh->connector("gone"));
  EXPECT_TRUE(fresh->tasks("gone").empty());
}

TEST_F(KafkaBackingStoresIt, TopicsAJavaConnectWorkerWroteAreReadAsConnectReadsThem) {
  produceAsConnect(configTopic_, {
      {"connector-local-file-source",
       R"({"properties":{"connector.class":"org.apache.kafka.connect.file.FileStreamSourceConnector","file":"/tmp/test.txt","tasks.max":"1","name":"local-file-source","topic":"connect-test"}})"},
      {"task-local-file-source-0",
       R"({"properties":{"connector.class":"org.apache.kafka.connect.file.FileStreamSourceConnector","task.class":"org.apache.kafka.connect.file.FileStreamSourceTask","file":"/tmp/test.txt","tasks.max":"1","name":"local-file-source","topic":"connect-test"}})"},
      {"commit-local-file-source", R"({"tasks":1})"},
      {"target-state-local-file-source", R"({"state":"PAUSED"})"},
      {"connector-deleted", R"({"properties":{"name":"deleted"}})"},
      {"connector-deleted", std::nullopt},
      {"target-state-deleted", std::nullopt},
  });
  produceAsConnect(offsetTopic_, {
      {R"(["local-file-source",{"filename":"/tmp/test.txt"}])", R"({"position":1234})"},
      {R"(["jdbc-source",{"protocol":"1","table":"orders"}])", R"({"incrementing":42})"},
      {R"(["jdbc-source",{"protocol":"1","table":"dropped"}])", R"({"incrementing":7})"},
      {R"(["jdbc-source",{"protocol":"1","table":"dropped"}])", std::nullopt},
  });
  produceAsConnect(statusTopic_, {
      {"status-connector-local-file-source", R"({"state":"PAUSED","trace":null,"worker_id":"172.18.0.4:8083","generation":5})"},
      {"status-task-local-file-source-0", R"({"state":"PAUSED","trace":null,"worker_id":"172.18.0.4:8083","generation":5})"},
      {"status-topic-connect-test:connector-local-file-source",
       R"({"topic":{"name":"connect-test","connector":"local-file-source","task":0,"discoverTimestamp":1700000000000}})"},
  });

  auto configs = openConfigs();
  ASSERT_TRUE(configs);
  auto all = configs->all();
  ASSERT_EQ(all.size(), 1u);
  const auto& c = all.at("local-file-source");
  EXPECT_EQ(c.config.at("file"), "/tmp/test.txt");
  EXPECT_EQ(c.target, TargetState::Paused);
  ASSERT_EQ(c.tasks.size(), 1u);
  EXPECT_EQ(c.tasks[0].at("task.class"), "org.apache.kafka.connect.file.FileStreamSourceTask");

  auto offsets = openOffsets();
  ASSERT_TRUE(offsets);
  EXPECT_EQ(offsets->read("local-file-source", R"({"filename":"/tmp/test.txt"})"), R"({"position":1234})");
  // Keys in another order than the Java HashMap wrote them name the same partition.
  EXPECT_EQ(offsets->read("jdbc-source", R"({"table":"orders","protocol":"1"})"), R"({"incrementing":42})");
  EXPECT_FALSE(offsets->read("jdbc-source", R"({"table":"dropped","protocol":"1"})"));
  EXPECT_EQ(offsets->all("jdbc-source").size(), 1u);

  auto statuses = openStatuses();
  ASSERT_TRUE(statuses);
  EXPECT_EQ(statuses->connector("local-file-source"), (StatusRecord{"PAUSED", "", "172.18.0.4:8083", 5}));
  EXPECT_EQ(statuses->tasks("local-file-source").size(), 1u);
}

TEST_F(KafkaBackingStoresIt, AConfigTopicWithMoreThanOnePartitionIsRefusedWithConnectsReason) {
  std::string wide = uniqueName("wide-configs");
  ASSERT_TRUE(cluster_->createTopic(wide, 3).ok());
  auto s = KafkaConfigStore::open(props_, KafkaConfigStore::topicFor(wide, -1));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error(), "Topic '" + wide +
                           "' supplied via the 'config.storage.topic' property is required to have a single partition "
                           "in order to guarantee consistency of connector configurations, but found 3 partitions.");
}

TEST_F(KafkaBackingStoresIt, AMissingTopicTheClusterCannotCreateIsAClearError) {
  // This cluster cannot serve CreateTopics (its metadata names no controller): the worker must say
  // which topic to create and how, not time out.
  auto s = KafkaOffsetStore::open(props_, KafkaOffsetStore::topicFor(uniqueName("absent-offsets"), 25, -1));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().find("'offset.storage.topic') does not exist and cannot be created"), std::string::npos) << s.error();
  EXPECT_NE(s.error().find("cleanup.policy=compact, 25 partition(s)"), std::string::npos) << s.error();
}

TEST_F(KafkaBackingStoresIt, AnUnreachableClusterIsAClearErrorNotAHang) {
  // Port 1 on loopback: nothing listens there.
  std::map<std::string, std::string> nowhere{{"bootstrap.servers", "127.0.0.1:1"}};
  auto topic = KafkaConfigStore::topicFor("connect-configs", -1);
  auto s = TopicLog::open(nowhere, topic, std::chrono::seconds(3));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().find("connect-configs"), std::string::npos) << s.error();
  EXPECT_NE(s.error().find("bootstrap.servers"), std::string::npos) << s.error();
}

}  // namespace
}  // namespace sluice
