// Poison records in a sink connector, end to end: records produced to the embedded cluster over TCP,
// a worker whose file-sink connector reads them through JsonConverter and a Cast transform. With
// errors.tolerance=all each poison record goes to the dead letter queue with its own key, value and
// headers plus Connect's __connect.errors.* context headers, the good records reach the file, and the
// consumer group moves past the poison. With errors.tolerance=none the task fails with Connect's
// message and commits nothing past the poison record.
#include "integration/kafka_it_support.hpp"
#include "process_support.hpp"

namespace sluice::testing {
namespace {

using kafkait::Msg;

// What the test writes to `orders` (one partition, so record i has offset i).
const std::vector<std::pair<std::string, std::string>> kOrders = {
    {"k0", R"({"id":0,"amount":"10"})"},
    {"k1", R"({"id":1,"amount":)"},  // not JSON: fails in the value converter
    {"k2", R"({"id":2,"amount":"20"})"},
    {"k3", R"({"id":3,"amount":"abc"})"},  // not a number: fails in Cast
    {"k4", R"({"id":4,"amount":"40"})"},
};

void produceOrders(const std::string& bootstrap) {
  rd_kafka_t* rk = kafkait::newClient(RD_KAFKA_PRODUCER, {{"bootstrap.servers", bootstrap}, {"enable.idempotence", "true"}});
  for (const auto& [key, value] : kOrders) {
    rd_kafka_headers_t* headers = rd_kafka_headers_new(1);
    rd_kafka_header_add(headers, "trace", -1, key.data(), static_cast<ssize_t>(key.size()));
    ASSERT_EQ(rd_kafka_producev(rk, RD_KAFKA_V_TOPIC("orders"), RD_KAFKA_V_PARTITION(0), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                RD_KAFKA_V_KEY(key.data(), key.size()), RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                                RD_KAFKA_V_HEADERS(headers), RD_KAFKA_V_END),
              RD_KAFKA_RESP_ERR_NO_ERROR);
  }
  ASSERT_EQ(rd_kafka_flush(rk, 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_destroy(rk);
}

json sinkConfig(const std::string& output, const std::string& tolerance) {
  return {{"connector.class", "FileStreamSink"},
          {"topics", "orders"},
          {"file", output},
          {"key.converter", "org.apache.kafka.connect.storage.StringConverter"},
          {"value.converter", "org.apache.kafka.connect.json.JsonConverter"},
          {"value.converter.schemas.enable", "false"},
          {"transforms", "cast"},
          {"transforms.cast.type", "org.apache.kafka.connect.transforms.Cast$Value"},
          {"transforms.cast.spec", "amount:int32"},
          {"errors.tolerance", tolerance},
          {"errors.log.enable", "true"},
          {"errors.deadletterqueue.topic.name", "orders-dlq"},
          {"errors.deadletterqueue.context.headers.enable", "true"}};
}

std::map<std::string, std::string> headerMap(const Msg& m) {
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : m.headers) out[k] = v.value_or("<null>");
  return out;
}

std::vector<std::string> fileLines(const std::string& path) {
  std::vector<std::string> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

class DeadLetterQueueIt : public ::testing::Test {
 protected:
  void SetUp() override {
    worker_ = std::make_unique<InProcessWorker>(dir_, std::map<std::string, std::string>{
                                                          {"bootstrap.servers", "embedded"},
                                                          {"plugin.path", SLUICE_PLUGIN_DIR},
                                                          {"embedded.topics", "orders:1,orders-dlq:1"},
                                                      });
    bootstrap_ = worker_->worker().config().bootstrapServers();
    produceOrders(bootstrap_);
  }

  TempDir dir_;
  std::unique_ptr<InProcessWorker> worker_;
  std::string bootstrap_;
};

TEST_F(DeadLetterQueueIt, PoisonRecordsGoToTheDeadLetterQueueWithConnectHeaders) {
  Http http(worker_->port());
  std::string output = dir_.file("orders.txt");
  auto created = http.post("/connectors", {{"name", "orders-sink"}, {"config", sinkConfig(output, "all")}});
  ASSERT_EQ(created.status, 201) << created.raw;

  std::vector<Msg> dlq = kafkait::readTopics(bootstrap_, {"orders-dlq"}, 2, std::chrono::seconds(60), std::chrono::milliseconds(1000));
  ASSERT_EQ(dlq.size(), 2u);
  struct Expected {
    size_t order;
    std::string stage, className, messagePart;
  };
  const Expected expected[] = {
      {1, "VALUE_CONVERTER", "org.apache.kafka.connect.json.JsonConverter", "Converting byte[] to Kafka Connect data failed"},
      {3, "TRANSFORMATION", "org.apache.kafka.connect.transforms.Cast$Value", "Value (abc) was out of range for requested data type"},
  };
  for (size_t i = 0; i < 2; ++i) {
    SCOPED_TRACE("dead letter " + std::to_string(i));
    const Msg& m = dlq[i];
    const auto& [key, value] = kOrders[expected[i].order];
    EXPECT_EQ(m.key, key);
    EXPECT_EQ(m.value, value);  // the bytes as they were in Kafka, not as converted
    ASSERT_FALSE(m.headers.empty());
    EXPECT_EQ(m.headers[0].first, "trace") << "the record's own headers come first";
    auto h = headerMap(m);
    EXPECT_EQ(h["trace"], key);
    EXPECT_EQ(h["__connect.errors.topic"], "orders");
    EXPECT_EQ(h["__connect.errors.partition"], "0");
    EXPECT_EQ(h["__connect.errors.offset"], std::to_string(expected[i].order));
    EXPECT_EQ(h["__connect.errors.connector.name"], "orders-sink");
    EXPECT_EQ(h["__connect.errors.task.id"], "0");
    EXPECT_EQ(h["__connect.errors.stage"], expected[i].stage);
    EXPECT_EQ(h["__connect.errors.class.name"], expected[i].className);
    EXPECT_EQ(h["__connect.errors.exception.class.name"], "org.apache.kafka.connect.errors.DataException");
    EXPECT_NE(h["__connect.errors.exception.message"].find(expected[i].messagePart), std::string::npos)
        << h["__connect.errors.exception.message"];
    EXPECT_FALSE(h["__connect.errors.exception.stacktrace"].empty());
  }

  // The good records reach the file, cast; the group moves past the poison; the task keeps running.
  ASSERT_TRUE(eventually([&] { return fileLines(output).size() >= 3; })) << http.get("/connectors/orders-sink/status").raw;
  EXPECT_EQ(fileLines(output), (std::vector<std::string>{R"({"id":0,"amount":10})", R"({"id":2,"amount":20})", R"({"id":4,"amount":40})"}));
  EXPECT_TRUE(eventually([&] { return kafkait::committedOffsets(bootstrap_, "connect-orders-sink", "orders")[0] == 5; }));
  auto status = http.get("/connectors/orders-sink/status").body;
  EXPECT_EQ(status["tasks"][0]["state"], "RUNNING") << status.dump();
}

TEST_F(DeadLetterQueueIt, WithoutToleranceThePoisonRecordFailsTheTask) {
  Http http(worker_->port());
  std::string output = dir_.file("orders.txt");
  ASSERT_EQ(http.post("/connectors", {{"name", "orders-sink"}, {"config", sinkConfig(output, "none")}}).status, 201);
  json status;
  ASSERT_TRUE(eventually([&] {
    status = http.get("/connectors/orders-sink/status").body;
    return status["tasks"].size() == 1 && status["tasks"][0]["state"] == "FAILED";
  }, 60000)) << status.dump();
  std::string trace = status["tasks"][0].value("trace", "");
  EXPECT_NE(trace.find("Tolerance exceeded in error handler"), std::string::npos) << trace;
  EXPECT_NE(trace.find("Converting byte[] to Kafka Connect data failed"), std::string::npos) << trace;
  // Nothing at or after the poison record (offset 1) was written or committed; nothing was dead-lettered.
  EXPECT_LE(fileLines(output).size(), 1u);
  auto committed = kafkait::committedOffsets(bootstrap_, "connect-orders-sink", "orders");
  EXPECT_LE(committed.count(0) ? committed[0] : 0, 1);
  rd_kafka_t* rk = kafkait::newClient(RD_KAFKA_CONSUMER, {{"bootstrap.servers", bootstrap_}});
  int64_t low = -1, high = -1;
  ASSERT_EQ(rd_kafka_query_watermark_offsets(rk, "orders-dlq", 0, &low, &high, 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
  EXPECT_EQ(high, 0);
  rd_kafka_destroy(rk);
}

}  // namespace
}  // namespace sluice::testing
