// Sink connector offsets over REST live in Kafka (consumer group connect-<name>): read, altered and
// reset through the admin API against the embedded (librdkafka mock) cluster; an unreachable
// Kafka is a 500 with a clear message, not a hang, and what the mock cannot do is refused, not a crash.
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

json kafkaSinkCfg(const std::string& name) {
  return {{"connector.class", "NoopSink"}, {"tasks.max", "1"}, {"topics", "ct-topic"}, {"name", name}};
}

// A worker whose Kafka is an embedded cluster (librdkafka's mock) with topic ct-topic (2 partitions).
class SinkOffsetsOnMockCluster : public ::testing::Test {
 protected:
  void SetUp() override {
    EmbeddedClusterOptions options;
    options.topics = {{"ct-topic", 2}};
    auto started = EmbeddedCluster::start(options);
    ASSERT_TRUE(started.ok()) << started.error();
    cluster_ = std::move(started.value());
    worker_ = std::make_unique<InProcessWorker>(
        dir_, std::map<std::string, std::string>{{"bootstrap.servers", cluster_->bootstrapServers()},
                                                 {"plugin.path", std::string(SLUICE_FIXTURE_DIR) + "," + SLUICE_PLUGIN_DIR}});
    http_ = std::make_unique<Http>(worker_->port());
  }

  std::unique_ptr<EmbeddedCluster> cluster_;  // destroyed last: the worker talks to it until it stops
  TempDir dir_;
  std::unique_ptr<InProcessWorker> worker_;
  std::unique_ptr<Http> http_;
};

TEST_F(SinkOffsetsOnMockCluster, AlterReadAndResetThroughTheConsumerGroup) {
  Http& http = *http_;
  auto created = http.post("/connectors", {{"name", "ks"}, {"config", without(kafkaSinkCfg("ks"), "name")}});
  ASSERT_EQ(created.status, 201) << created.raw;
  // Records go in; the running kafka-source task commits them in group connect-ks.
  constexpr int kRecords = 10;
  ASSERT_TRUE(produce(cluster_->bootstrapServers(), "ct-topic", kRecords));
  auto committed = [&] {
    int64_t sum = 0;
    auto r = http.get("/connectors/ks/offsets");
    for (const auto& e : r.body["offsets"]) {
      EXPECT_EQ(e["partition"]["kafka_topic"], "ct-topic");
      sum += e["offset"]["kafka_offset"].get<int64_t>();
    }
    return sum;
  };
  // Wait until the task has consumed everything, then stop it: its final commit lands in the group.
  ASSERT_TRUE(eventually([&] {
    auto s = http.get("/connectors/ks/status").body;
    return s["tasks"].size() == 1 && s["tasks"][0]["state"] == "RUNNING";
  }));
  ASSERT_TRUE(eventually([&] { return committed() == kRecords; }, 30000)) << http.get("/connectors/ks/offsets").raw;
  ASSERT_EQ(http.send("PUT", "/connectors/ks/stop", "").status, 204);
  EXPECT_EQ(committed(), kRecords);
  auto altered = http.patch("/connectors/ks/offsets",
                            {{"offsets", {{{"partition", {{"kafka_topic", "ct-topic"}, {"kafka_partition", 0}}},
                                           {"offset", {{"kafka_offset", 0}}}}}}});
  if (altered.status == 200) {
    EXPECT_LT(committed(), kRecords);
  } else {
    // librdkafka's mock refuses admin commits outside a live member ("Unknown member"); real Kafka
    // accepts them. Either way the outcome is reported, never a silent success.
    ASSERT_TRUE(errShape(altered, 500));
    EXPECT_NE(altered.body["message"].get<std::string>().find("connect-ks"), std::string::npos) << altered.raw;
    EXPECT_EQ(committed(), kRecords);
  }
}

// The mock lacks DeleteGroups and OffsetDelete, and librdkafka 2.0.2 aborts the process when a broker
// lacks them. A reset or a null offset must come back as a 500 saying why, with the worker alive and
// the group's offsets untouched (this test's own process would die otherwise).
TEST_F(SinkOffsetsOnMockCluster, ResetAndRemovalAreRefusedWithoutACrash) {
  Http& http = *http_;
  ASSERT_EQ(http.post("/connectors", {{"name", "km"}, {"config", without(kafkaSinkCfg("km"), "name")}}).status, 201);
  ASSERT_TRUE(produce(cluster_->bootstrapServers(), "ct-topic", 6));
  auto offsets = [&] { return http.get("/connectors/km/offsets").body["offsets"]; };
  ASSERT_TRUE(eventually([&] {
    int64_t sum = 0;
    for (const auto& e : offsets()) sum += e["offset"]["kafka_offset"].get<int64_t>();
    return sum == 6;
  }, 30000)) << offsets().dump();
  ASSERT_EQ(http.send("PUT", "/connectors/km/stop", "").status, 204);
  json before = offsets();

  auto reset = http.send("DELETE", "/connectors/km/offsets", "");
  ASSERT_TRUE(errShape(reset, 500)) << reset.raw;
  EXPECT_NE(reset.body["message"].get<std::string>().find("does not implement DeleteGroups"), std::string::npos) << reset.raw;
  EXPECT_NE(reset.body["message"].get<std::string>().find("connect-km"), std::string::npos) << reset.raw;

  // One explicit offset and one removal: refused as a whole, so the explicit one is not applied either.
  auto removal = http.patch("/connectors/km/offsets",
                            {{"offsets", {{{"partition", {{"kafka_topic", "ct-topic"}, {"kafka_partition", 0}}}, {"offset", {{"kafka_offset", 0}}}},
                                          {{"partition", {{"kafka_topic", "ct-topic"}, {"kafka_partition", 1}}}, {"offset", nullptr}}}}});
  ASSERT_TRUE(errShape(removal, 500)) << removal.raw;
  EXPECT_NE(removal.body["message"].get<std::string>().find("ct-topic-1"), std::string::npos) << removal.raw;
  EXPECT_NE(removal.body["message"].get<std::string>().find("OffsetDelete"), std::string::npos) << removal.raw;

  EXPECT_EQ(http.get("/connectors").status, 200);
  EXPECT_EQ(offsets(), before);
}

TEST(RestSinkOffsetsTest, UnreachableKafkaIsAClear500) {
  TempDir dir;
  InProcessWorker worker(dir, {{"bootstrap.servers", "127.0.0.1:1"}});
  Http http(worker.port());
  ASSERT_EQ(http.post("/connectors", {{"name", "k2"}, {"config", without(kafkaSinkCfg("k2"), "name")}}).status, 201);
  auto r = http.get("/connectors/k2/offsets");
  ASSERT_TRUE(errShape(r, 500));
  EXPECT_NE(r.body["message"].get<std::string>().find("consumer group connect-k2"), std::string::npos) << r.raw;
}

}  // namespace
}  // namespace sluice::testing
