// Secrets stay secret, seen as a user sees them: a real `sluice worker` process with a SASL password
// in its config and connectors holding secrets, every REST answer and the whole worker log searched
// for the secret values. KIP-297 placeholders reach the task resolved and the API unresolved;
// connector.client.config.override.policy refuses overrides as Connect does.
#include <sys/stat.h>

#include <fstream>

#include "process_support.hpp"

namespace sluice::testing {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

const std::string kWorkerSaslSecret = "worker-sasl-secret-5e1";
const std::string kWorkerTrustSecret = "worker-truststore-secret-7a2";
const std::string kOverrideSecret = "override-jaas-secret-9c3";
const std::string kProvidedSecret = "provided-secret-4d4";

std::string jaas(const std::string& password) {
  return "'org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"" + password + "\";'";
}

class SecretsIt : public ::testing::Test {
 protected:
  void startWorker(std::map<std::string, std::string> extra = {}) {
    std::map<std::string, std::string> values = {
        {"listeners", "http://127.0.0.1:0"},
        {"plugin.path", SLUICE_FIXTURE_DIR},
        {"bootstrap.servers", "127.0.0.1:1"},  // the no-op and file pipelines never contact it
        {"log.level", "DEBUG"},
        {"offset.storage.file.filename", dir_.file("offsets")},
        {"offset.flush.interval.ms", "100"},
        {"sasl.jaas.config", jaas(kWorkerSaslSecret)},
        {"producer.sasl.jaas.config", jaas(kWorkerSaslSecret)},
        {"ssl.truststore.password", kWorkerTrustSecret},
        {"config.providers", "file,directory"},
        {"config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider"},
        {"config.providers.directory.class", "DirectoryConfigProvider"},
    };
    for (auto& [k, v] : extra) values[k] = v;
    writeWorkerConfig(dir_.file("worker.yaml"), values);
    worker_ = std::make_unique<WorkerProcess>(dir_.file("worker.yaml"), dir_.file("worker.log"));
    int port = worker_->waitForPort();
    ASSERT_NE(port, 0) << worker_->log();
    http_ = std::make_unique<Http>(port);
  }

  std::string writeSecretsFile(const std::string& name, const std::string& text) {
    std::string path = dir_.file(name);
    std::ofstream(path) << text;
    ::chmod(path.c_str(), 0600);
    return path;
  }

  TempDir dir_;
  std::unique_ptr<WorkerProcess> worker_;
  std::unique_ptr<Http> http_;
};

TEST_F(SecretsIt, PasswordsNeverReachTheLogOrTheValidateAnswer) {
  startWorker();
  std::string props = writeSecretsFile("db.properties", "password=" + kProvidedSecret + "\n");
  json config = srcCfg("secretive");
  config["connection.password"] = "${file:" + props + ":password}";
  config["producer.override.sasl.jaas.config"] = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"c\" password=\"" +
                                                 kOverrideSecret + "\";";
  auto created = http_->post("/connectors", {{"name", "secretive"}, {"config", config}});
  ASSERT_EQ(created.status, 201) << created.raw;
  ASSERT_TRUE(eventually([&] {
    auto s = http_->get("/connectors/secretive/status");
    return s.status == 200 && s.body["tasks"].size() == 1 && s.body["tasks"][0]["state"] == "RUNNING";
  })) << http_->get("/connectors/secretive/status").raw;

  // Stored and shown as written: the placeholder, never what it stands for.
  auto stored = http_->get("/connectors/secretive/config");
  ASSERT_EQ(stored.status, 200);
  EXPECT_EQ(stored.body["connection.password"], "${file:" + props + ":password}");

  auto validated = http_->put("/connector-plugins/NoopSource/config/validate", config);
  ASSERT_EQ(validated.status, 200) << validated.raw;
  bool overrideListed = false;
  for (const auto& c : validated.body["configs"]) {
    if (c["value"]["name"] != "producer.override.sasl.jaas.config") continue;
    overrideListed = true;
    EXPECT_EQ(c["value"]["value"], "[hidden]");
    EXPECT_EQ(c["value"]["errors"], json::array());  // the default policy, All, allows it
  }
  EXPECT_TRUE(overrideListed) << validated.raw;

  std::vector<std::string> answers;
  for (const char* path : {"/connectors/secretive", "/connectors/secretive/config", "/connectors/secretive/tasks",
                           "/connectors/secretive/status", "/connectors?expand=info&expand=status", "/connectors/secretive/offsets"})
    answers.push_back(http_->get(path).raw);
  answers.push_back(validated.raw);
  for (const auto& answer : answers) {
    EXPECT_FALSE(contains(answer, kProvidedSecret)) << answer;
    EXPECT_FALSE(contains(answer, kWorkerSaslSecret)) << answer;
    EXPECT_FALSE(contains(answer, kWorkerTrustSecret)) << answer;
  }
  EXPECT_FALSE(contains(validated.raw, kOverrideSecret)) << validated.raw;

  ASSERT_TRUE(worker_->terminate(30000));
  std::string log = worker_->log();
  EXPECT_TRUE(contains(log, "sasl.jaas.config = [hidden]")) << log;
  EXPECT_TRUE(contains(log, "ssl.truststore.password = [hidden]")) << log;
  for (const auto& secret : {kWorkerSaslSecret, kWorkerTrustSecret, kOverrideSecret, kProvidedSecret})
    EXPECT_FALSE(contains(log, secret)) << secret << " in the worker log:\n" << log;
}

// The task reads the file a ${directory:...} placeholder names: its source offsets name the resolved
// path, while the stored config keeps the placeholder.
TEST_F(SecretsIt, PlaceholdersAreResolvedForTheTask) {
  startWorker();
  std::filesystem::create_directories(dir_.file("secrets"));
  std::string input = dir_.file("input.txt");
  std::ofstream(input) << "one\ntwo\n";
  std::ofstream(dir_.file("secrets") + "/input-file") << input;
  json config = {{"connector.class", "org.apache.kafka.connect.file.FileStreamSourceConnector"},
                 {"tasks.max", "1"},
                 {"topic", "lines"},
                 {"sluice.sink.class", "noop-sink"},
                 {"file", "${directory:" + dir_.file("secrets") + ":input-file}"}};
  auto created = http_->put("/connectors/reader/config", config);
  ASSERT_EQ(created.status, 201) << created.raw;
  EXPECT_TRUE(eventually([&] {
    auto offsets = http_->get("/connectors/reader/offsets");
    return offsets.status == 200 && contains(offsets.raw, input) && contains(offsets.raw, "\"position\":8");
  })) << http_->get("/connectors/reader/offsets").raw << "\n" << worker_->log();
  EXPECT_EQ(http_->get("/connectors/reader/config").body["file"], "${directory:" + dir_.file("secrets") + ":input-file}");
}

TEST_F(SecretsIt, UnresolvablePlaceholdersAre400OnCreateAndFailTheTaskLater) {
  startWorker();
  json unknown = srcCfg("unknown");
  unknown["connection.password"] = "${vault:secret/db:password}";
  auto refused = http_->post("/connectors", {{"name", "unknown"}, {"config", unknown}});
  ASSERT_TRUE(errShape(refused, 400));
  EXPECT_TRUE(contains(refused.body["message"], "connection.password: unknown config provider 'vault'")) << refused.raw;

  std::string props = writeSecretsFile("rotating.properties", "password=" + kProvidedSecret + "\n");
  json later = srcCfg("later");
  later["connection.password"] = "${file:" + props + ":password}";
  ASSERT_EQ(http_->post("/connectors", {{"name", "later"}, {"config", later}}).status, 201);
  ASSERT_TRUE(eventually([&] { return contains(http_->get("/connectors/later/status").raw, "RUNNING"); }));
  writeSecretsFile("rotating.properties", "user=someone\n");  // the key is gone
  ASSERT_EQ(http_->post("/connectors/later/restart?includeTasks=true", json::object()).status / 100, 2);
  EXPECT_TRUE(eventually([&] {
    auto s = http_->get("/connectors/later/status");
    return s.status == 200 && s.body["tasks"].size() == 1 && s.body["tasks"][0]["state"] == "FAILED" &&
           contains(s.body["tasks"][0].value("trace", ""), "connection.password: the file " + props + " has no key 'password'");
  })) << http_->get("/connectors/later/status").raw;
}

TEST_F(SecretsIt, OverridePolicyNoneAndPrincipalRefuseWithConnectsMessage) {
  startWorker({{"connector.client.config.override.policy", "Principal"}});
  json config = srcCfg("overrides");
  config["producer.override.sasl.mechanism"] = "SCRAM-SHA-512";  // allowed by Principal
  config["producer.override.linger.ms"] = "5";                   // not allowed
  auto validated = http_->put("/connector-plugins/NoopSource/config/validate", config);
  ASSERT_EQ(validated.status, 200) << validated.raw;
  EXPECT_EQ(validated.body["error_count"], 1) << validated.raw;
  for (const auto& c : validated.body["configs"]) {
    if (c["value"]["name"] == "producer.override.linger.ms") {
      EXPECT_EQ(c["value"]["errors"],
                json::array({"The 'Principal' policy does not allow 'linger.ms' to be overridden in the connector configuration."}));
    }
    if (c["value"]["name"] == "producer.override.sasl.mechanism") {
      EXPECT_EQ(c["value"]["errors"], json::array());
    }
  }
  auto refused = http_->post("/connectors", {{"name", "overrides"}, {"config", config}});
  ASSERT_TRUE(errShape(refused, 400));
  EXPECT_TRUE(contains(refused.body["message"], "The 'Principal' policy does not allow 'linger.ms' to be overridden")) << refused.raw;
}

TEST_F(SecretsIt, AnUnknownOverridePolicyStopsStart) {
  writeWorkerConfig(dir_.file("bad.yaml"), {{"listeners", "http://127.0.0.1:0"},
                                            {"bootstrap.servers", "127.0.0.1:1"},
                                            {"connector.client.config.override.policy", "Some"}});
  WorkerProcess worker(dir_.file("bad.yaml"), dir_.file("bad.log"));
  ASSERT_TRUE(eventually([&] { return worker.exited(); }, 20000)) << worker.log();
  EXPECT_TRUE(contains(worker.log(), "invalid value 'Some' for connector.client.config.override.policy: expected one of None, Principal, All"))
      << worker.log();
}

}  // namespace
}  // namespace sluice::testing
