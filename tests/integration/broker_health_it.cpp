// Status that tells the truth when the Kafka brokers cannot be reached: the affected tasks stay
// RUNNING with a trace saying so, GET /health answers 500 {"status":"unhealthy"} naming them, both
// recover when the brokers return, and every librdkafka line reaches the worker's log once, never
// raw on stderr.
#include <algorithm>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "kafka/embedded_cluster.hpp"
#include "process_support.hpp"
#include "rest_test_support.hpp"

namespace sluice::testing {
namespace {

// A loopback port nothing listens on (bound, then closed): connecting to it is refused at once.
int closedPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// A source connector writing through kafka-sink and a sink connector reading through kafka-source;
// the no-op ends produce nothing, so no record waits on the brokers.
json sourceConnector() {
  return {{"connector.class", "NoopSource"}, {"max.records", "0"}, {"topic", "health-topic"}};
}
json sinkConnector() { return {{"connector.class", "NoopSink"}, {"topics", "health-topic"}}; }

std::map<std::string, std::string> workerSettings(const std::string& bootstrap) {
  return {{"plugin.path", std::string(SLUICE_FIXTURE_DIR) + "," + SLUICE_PLUGIN_DIR},
          {"bootstrap.servers", bootstrap},
          // Reconnect quickly once the brokers are back, so recovery shows within the test's patience.
          {"producer.reconnect.backoff.max.ms", "500"},
          {"consumer.reconnect.backoff.max.ms", "500"}};
}

std::string taskTrace(Http& http, const std::string& connector) {
  auto s = http.get("/connectors/" + connector + "/status");
  if (s.body["tasks"].empty() || s.body["tasks"][0]["state"] != "RUNNING") return "<not running: " + s.raw + ">";
  return s.body["tasks"][0].value("trace", "");
}

TEST(BrokerHealthIt, UnreachableBrokersMakeTasksAndHealthSaySo) {
  TempDir dir;
  int port = closedPort();
  InProcessWorker worker(dir, workerSettings("127.0.0.1:" + std::to_string(port)));
  Http http(worker.port());
  ASSERT_EQ(http.put("/connectors/src/config", sourceConnector()).status, 201);
  ASSERT_EQ(http.put("/connectors/snk/config", sinkConnector()).status, 201);

  Reply health;
  ASSERT_TRUE(eventually([&] {
    health = http.get("/health");
    std::string message = health.body.value("message", "");
    return health.status == 500 && message.find("connector src task 0") != std::string::npos &&
           message.find("connector snk task 0") != std::string::npos;
  })) << health.status << " " << health.raw;
  EXPECT_EQ(health.body["status"], "unhealthy");
  EXPECT_EQ(health.body.size(), 2u) << "Connect's shape: status and message";
  EXPECT_NE(health.body["message"].get<std::string>().find("cannot reach Kafka brokers"), std::string::npos) << health.raw;

  std::string sourceTrace = taskTrace(http, "src"), sinkTrace = taskTrace(http, "snk");
  EXPECT_TRUE(std::regex_search(sourceTrace, std::regex("^kafka-sink since [0-9-]+T[0-9:]+Z: connector src task 0 producer: "
                                                        "cannot reach Kafka brokers: 1/1 brokers are down")))
      << sourceTrace;
  EXPECT_NE(sourceTrace.find("127.0.0.1:" + std::to_string(port)), std::string::npos) << sourceTrace;
  EXPECT_NE(sinkTrace.find("kafka-source since "), std::string::npos) << sinkTrace;
  EXPECT_NE(sinkTrace.find("connector snk task 0 consumer: cannot reach Kafka brokers"), std::string::npos) << sinkTrace;
}

TEST(BrokerHealthIt, TasksAndHealthRecoverWhenTheBrokersReturn) {
  EmbeddedClusterOptions options;
  options.brokers = 1;
  auto cluster = EmbeddedCluster::start(options);
  ASSERT_TRUE(cluster.ok()) << cluster.error();
  ASSERT_TRUE((*cluster)->ensureTopic("health-topic").ok());
  TempDir dir;
  InProcessWorker worker(dir, workerSettings((*cluster)->bootstrapServers()));
  Http http(worker.port());
  ASSERT_EQ(http.put("/connectors/src/config", sourceConnector()).status, 201);
  ASSERT_EQ(http.put("/connectors/snk/config", sinkConnector()).status, 201);
  ASSERT_TRUE(eventually([&] { return taskTrace(http, "src").empty() && taskTrace(http, "snk").empty(); }));
  EXPECT_EQ(http.get("/health").status, 200);

  ASSERT_TRUE((*cluster)->setBrokerDown(1).ok());
  ASSERT_TRUE(eventually([&] { return http.get("/health").status == 500; })) << http.get("/health").raw;
  ASSERT_TRUE(eventually([&] {
    return taskTrace(http, "src").find("cannot reach Kafka brokers") != std::string::npos &&
           taskTrace(http, "snk").find("cannot reach Kafka brokers") != std::string::npos;
  })) << taskTrace(http, "src") << " / " << taskTrace(http, "snk");

  ASSERT_TRUE((*cluster)->setBrokerUp(1).ok());
  Reply health;
  ASSERT_TRUE(eventually([&] {
    health = http.get("/health");
    return health.status == 200;
  })) << health.raw;
  EXPECT_EQ(health.body["status"], "healthy");
  EXPECT_EQ(taskTrace(http, "src"), "");
  EXPECT_EQ(taskTrace(http, "snk"), "");
}

// The worker process's whole output: librdkafka's lines arrive through the worker's logger (never
// librdkafka's own "%3|<time>|FAIL|rdkafka#..." stderr format) and name the connector, task and
// client. A connection failure reaches the log only as librdkafka's FAIL line: the error callback,
// which gets the same text, adds no second line. (librdkafka itself may repeat a FAIL line: it
// suppresses identical connection errors only from the third one within 30 s.)
TEST(BrokerHealthIt, EveryLibrdkafkaLineIsLoggedOnceThroughTheWorkerLogger) {
  TempDir dir;
  int port = closedPort();
  std::string config = dir.file("worker.yaml");
  auto settings = workerSettings("127.0.0.1:" + std::to_string(port));
  settings["listeners"] = "http://127.0.0.1:0";
  settings["offset.storage.file.filename"] = dir.file("offsets");
  writeWorkerConfig(config, settings);
  WorkerProcess process(config, dir.file("worker.log"));
  int restPort = process.waitForPort();
  ASSERT_GT(restPort, 0) << process.log();
  Http http(restPort);
  ASSERT_EQ(http.put("/connectors/src/config", sourceConnector()).status, 201);
  ASSERT_EQ(http.put("/connectors/snk/config", sinkConnector()).status, 201);
  // The sink connector's offsets come from the consumer group: the host's own admin client.
  http.get("/connectors/snk/offsets");
  const std::string failure = "Connect to ipv4#127.0.0.1:" + std::to_string(port) + " failed";
  ASSERT_TRUE(eventually([&] {
    std::string log = process.log();
    return log.find("connector src task 0 producer: FAIL:") != std::string::npos &&
           log.find("connector snk task 0 consumer: FAIL:") != std::string::npos &&
           log.find("sluice-group-offsets#producer") != std::string::npos;
  })) << process.log();
  ASSERT_TRUE(process.terminate(20000));

  // "<client>: FAIL: [thrd:<broker>]: <broker>: Connect to ...": the only shape a connection failure
  // may take, apart from the one "unhealthy: ..." line that quotes it when the task's health changes.
  const std::regex failLine("(connector [a-z]+ task 0 (producer|consumer)|sluice-group-offsets#producer-[0-9]+): FAIL: "
                            "\\[thrd:[^\\]]+\\]: [^ ]+: " +
                            std::regex_replace(failure, std::regex("[.#]"), "\\$&"));
  std::istringstream lines(process.log());
  std::set<std::string> clients;
  for (std::string line; std::getline(lines, line);) {
    EXPECT_FALSE(std::regex_search(line, std::regex("^%[0-7]\\|"))) << "raw librdkafka line: " << line;
    if (line.find(failure) == std::string::npos || line.find(" unhealthy: ") != std::string::npos) continue;
    std::smatch match;
    if (std::regex_search(line, match, failLine))
      clients.insert(match[1].str());
    else
      ADD_FAILURE() << "a connection failure logged other than as its client's FAIL line: " << line;
  }
  EXPECT_EQ(clients.count("connector src task 0 producer"), 1u);
  EXPECT_EQ(clients.count("connector snk task 0 consumer"), 1u);
  EXPECT_TRUE(std::any_of(clients.begin(), clients.end(),
                          [](const std::string& c) { return c.rfind("sluice-group-offsets#", 0) == 0; }));
}

}  // namespace
}  // namespace sluice::testing
