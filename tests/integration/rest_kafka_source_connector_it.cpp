// kafka-source as a source connector (Kafka -> transforms -> Kafka, the windowed aggregate's shape),
// through the REST API of a worker on the embedded (librdkafka mock) cluster:
//  * consumer.override.* / producer.override.* reach its two clients as for any connector;
//  * its offsets are its consumer group's committed positions (group connect-<name>), shown and
//    changed through the Admin API as a sink connector's are, never the (empty) source offset store.
#include <atomic>
#include <thread>
#include <utility>

#include "kafka/embedded_cluster.hpp"
#include "rest_test_support.hpp"

namespace sluice::testing {
namespace {

bool produce(const std::string& servers, const std::string& topic, int n) {
  char err[256];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", servers.c_str(), err, sizeof err);
  rd_kafka_t* p = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!p) return false;
  for (int i = 0; i < n; ++i) {
    std::string v = "v" + std::to_string(i);
    rd_kafka_producev(p, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_VALUE(v.data(), v.size()),
                      RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
  }
  bool ok = rd_kafka_flush(p, 10000) == RD_KAFKA_RESP_ERR_NO_ERROR;
  rd_kafka_destroy(p);
  return ok;
}

// Reads ks-in and writes every record to ks-out (RegexRouter), so nothing loops back.
json kafkaSourceCfg() {
  return {{"connector.class", "kafka-source"},
          {"tasks.max", "1"},
          {"topics", "ks-in"},
          {"transforms", "route"},
          {"transforms.route.type", "org.apache.kafka.connect.transforms.RegexRouter"},
          {"transforms.route.regex", "ks-in"},
          {"transforms.route.replacement", "ks-out"},
          // The mock coordinator ends a rebalance after a member left only when its session times out.
          {"consumer.override.session.timeout.ms", "6000"}};
}

class KafkaSourceConnectorOnMockCluster : public ::testing::Test {
 protected:
  void SetUp() override {
    EmbeddedClusterOptions options;
    options.topics = {{"ks-in", 2}, {"ks-out", 2}};
    auto started = EmbeddedCluster::start(options);
    ASSERT_TRUE(started.ok()) << started.error();
    cluster_ = std::move(started.value());
    worker_ = std::make_unique<InProcessWorker>(
        dir_, std::map<std::string, std::string>{{"bootstrap.servers", cluster_->bootstrapServers()},
                                                 {"plugin.path", std::string(SLUICE_FIXTURE_DIR) + "," + SLUICE_PLUGIN_DIR}});
    http_ = std::make_unique<Http>(worker_->port());
  }

  bool running(const std::string& name) {
    auto s = http_->get("/connectors/" + name + "/status").body;
    return s["connector"]["state"] == "RUNNING" && s["tasks"].size() == 1 && s["tasks"][0]["state"] == "RUNNING";
  }

  // Sum of the committed positions the REST API shows, checking each entry's sink-connector shape.
  int64_t committedSum(const std::string& name) {
    int64_t sum = 0;
    auto r = http_->get("/connectors/" + name + "/offsets");
    EXPECT_EQ(r.status, 200) << r.raw;
    for (const auto& e : r.body["offsets"]) {
      EXPECT_EQ(e["partition"]["kafka_topic"], "ks-in") << r.raw;
      sum += e["offset"]["kafka_offset"].get<int64_t>();
    }
    return sum;
  }

  std::unique_ptr<EmbeddedCluster> cluster_;  // destroyed last: the worker talks to it until it stops
  TempDir dir_;
  std::unique_ptr<InProcessWorker> worker_;
  std::unique_ptr<Http> http_;
};

TEST_F(KafkaSourceConnectorOnMockCluster, ClientOverridesAreAcceptedAndTheConnectorRuns) {
  json cfg = kafkaSourceCfg();
  cfg["consumer.override.queued.min.messages"] = "200000";
  cfg["producer.override.linger.ms"] = "5";
  json named = cfg;
  named["name"] = "ko";
  auto validated = http_->put("/connector-plugins/kafka-source/config/validate", named);
  ASSERT_EQ(validated.status, 200) << validated.raw;
  EXPECT_EQ(validated.body["error_count"], 0) << validated.raw;

  auto created = http_->post("/connectors", {{"name", "ko"}, {"config", cfg}});
  ASSERT_EQ(created.status, 201) << created.raw;
  ASSERT_TRUE(eventually([&] { return running("ko"); })) << http_->get("/connectors/ko/status").raw;
  ASSERT_TRUE(produce(cluster_->bootstrapServers(), "ks-in", 8));
  ASSERT_TRUE(eventually([&] { return committedSum("ko") == 8; })) << http_->get("/connectors/ko/offsets").raw;
}

TEST_F(KafkaSourceConnectorOnMockCluster, AnUnknownOverrideIsRefusedWithItsKeyNamed) {
  json cfg = kafkaSourceCfg();
  cfg["consumer.override.no.such.property"] = "1";
  auto created = http_->post("/connectors", {{"name", "kb"}, {"config", cfg}});
  ASSERT_TRUE(errShape(created, 400)) << created.raw;
  EXPECT_NE(created.body["message"].get<std::string>().find("consumer.override.no.such.property"), std::string::npos)
      << created.raw;
  EXPECT_EQ(http_->get("/connectors/kb").status, 404);
}

TEST_F(KafkaSourceConnectorOnMockCluster, OffsetsAreTheConsumerGroupPositions) {
  ASSERT_EQ(http_->post("/connectors", {{"name", "kg"}, {"config", kafkaSourceCfg()}}).status, 201);
  ASSERT_TRUE(eventually([&] { return running("kg"); })) << http_->get("/connectors/kg/status").raw;
  constexpr int kRecords = 10;
  ASSERT_TRUE(produce(cluster_->bootstrapServers(), "ks-in", kRecords));
  ASSERT_TRUE(eventually([&] { return committedSum("kg") == kRecords; })) << http_->get("/connectors/kg/offsets").raw;

  // Connect's rule: offsets change only while the connector is STOPPED.
  json rewind = {{"offsets", {{{"partition", {{"kafka_topic", "ks-in"}, {"kafka_partition", 0}}}, {"offset", {{"kafka_offset", 0}}}}}}};
  auto early = http_->patch("/connectors/kg/offsets", rewind);
  ASSERT_TRUE(errShape(early, 400)) << early.raw;
  EXPECT_NE(early.body["message"].get<std::string>().find("STOPPED"), std::string::npos) << early.raw;
  auto earlyReset = http_->send("DELETE", "/connectors/kg/offsets", "");
  ASSERT_TRUE(errShape(earlyReset, 400)) << earlyReset.raw;

  ASSERT_EQ(http_->send("PUT", "/connectors/kg/stop", "").status, 204);
  ASSERT_TRUE(eventually([&] { return http_->get("/connectors/kg/status").body["connector"]["state"] == "STOPPED"; }));
  EXPECT_EQ(committedSum("kg"), kRecords);

  // A source-offset shape is not a consumer group position: refused, not written anywhere.
  auto wrongShape = http_->patch("/connectors/kg/offsets", {{"offsets", {{{"partition", {{"file", "x"}}}, {"offset", {{"position", 1}}}}}}});
  ASSERT_TRUE(errShape(wrongShape, 400)) << wrongShape.raw;
  EXPECT_NE(wrongShape.body["message"].get<std::string>().find("kafka_topic"), std::string::npos) << wrongShape.raw;

  // Resetting deletes the group (DeleteGroups), which the mock lacks: a clear 500 naming the group,
  // never "reset successfully" with the positions left where they were.
  auto reset = http_->send("DELETE", "/connectors/kg/offsets", "");
  ASSERT_TRUE(errShape(reset, 500)) << reset.raw;
  EXPECT_NE(reset.body["message"].get<std::string>().find("connect-kg"), std::string::npos) << reset.raw;
  EXPECT_EQ(committedSum("kg"), kRecords);
  EXPECT_EQ(http_->get("/connectors").status, 200);
}

// A consumer outside the connector joins its group and takes a partition: past the session timeout
// the task's status says it is short, and once the stranger leaves and the task holds every
// partition again, it says nothing.
TEST_F(KafkaSourceConnectorOnMockCluster, ATaskShortOfPartitionsSaysSoInItsStatus) {
  ASSERT_EQ(http_->post("/connectors", {{"name", "kh"}, {"config", kafkaSourceCfg()}}).status, 201);
  ASSERT_TRUE(eventually([&] { return running("kh"); })) << http_->get("/connectors/kh/status").raw;
  auto trace = [&] { return http_->get("/connectors/kh/status").body["tasks"][0].value("trace", ""); };

  std::atomic<bool> leave{false};
  std::thread stranger([&] {
    char err[256];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    for (auto [k, v] : {std::pair{"bootstrap.servers", cluster_->bootstrapServers()}, std::pair{"group.id", std::string("connect-kh")},
                        std::pair{"session.timeout.ms", std::string("6000")}})
      rd_kafka_conf_set(conf, k, v.c_str(), err, sizeof err);
    rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
    ASSERT_NE(rk, nullptr) << err;
    rd_kafka_poll_set_consumer(rk);
    auto* topics = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(topics, "ks-in", RD_KAFKA_PARTITION_UA);
    rd_kafka_subscribe(rk, topics);
    rd_kafka_topic_partition_list_destroy(topics);
    while (!leave.load()) {
      if (rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 100)) rd_kafka_message_destroy(m);
    }
    rd_kafka_consumer_close(rk);  // a dynamic member: leaves the group at once
    rd_kafka_destroy(rk);
  });
  bool reported = eventually([&] { return trace().find("holds 1 of the 2 partitions") != std::string::npos; }, 120000);
  leave = true;
  stranger.join();
  ASSERT_TRUE(reported) << http_->get("/connectors/kh/status").raw;
  EXPECT_NE(trace().find("connect-kh"), std::string::npos) << trace();
  EXPECT_EQ(running("kh"), true) << "a task short of partitions keeps working on the ones it has";
  ASSERT_TRUE(eventually([&] { return trace().find("holds") == std::string::npos; }, 120000))
      << http_->get("/connectors/kh/status").raw;
}

}  // namespace
}  // namespace sluice::testing
