// Checks of the Docker stack (deploy/), since no Docker engine runs here: Compose's own `config`
// validates the compose file (it needs no engine), every service and dependency exists, the published ports are the ones the docs and
// stack.sh use, and the Kafka/ksqlDB/Pinot addresses agree with `sluice provision` and the configs.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "provision/reference_fields.hpp"

namespace {

const std::string kRoot = SLUICE_SOURCE_DIR;

std::string readText(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

YAML::Node compose() { return YAML::LoadFile(kRoot + "/deploy/docker-compose.yml"); }

std::string env(const YAML::Node& service, const std::string& key) {
  YAML::Node e = service["environment"];
  if (!e || !e[key]) return {};
  return e[key].as<std::string>();
}

// "host:container" entries of a service's ports.
std::set<std::string> ports(const YAML::Node& service) {
  std::set<std::string> out;
  if (service["ports"])
    for (const auto& p : service["ports"]) out.insert(p.as<std::string>());
  return out;
}

std::string joined(const YAML::Node& seq) {
  std::string out;
  for (const auto& n : seq) out += n.as<std::string>() + " ";
  return out;
}

// Compose validates the file against its schema and resolves it, as `docker compose config` does:
// with the v2 plugin when the docker CLI has it, else with Debian's docker-compose (make deps).
TEST(DockerStack, ComposeConfigValidatesTheFile) {
  std::string file = kRoot + "/deploy/docker-compose.yml";
  bool plugin = std::system("docker compose version >/dev/null 2>&1") == 0;
  ASSERT_TRUE(plugin || std::system("command -v docker-compose >/dev/null") == 0)
      << "neither `docker compose` nor docker-compose is installed: run `make deps`";
  std::string cmd = std::string(plugin ? "docker compose" : "docker-compose") + " -p sluice -f " + file + " config -q 2>&1";
  FILE* pipe = ::popen(cmd.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string out;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) out.append(buf, n);
  int status = ::pclose(pipe);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << cmd << "\n" << out;
}

TEST(DockerStack, ComposeHasEveryServiceAndValidDependencies) {
  YAML::Node services = compose()["services"];
  ASSERT_TRUE(services && services.IsMap());
  std::set<std::string> names;
  for (const auto& s : services) names.insert(s.first.as<std::string>());
  EXPECT_EQ(names, (std::set<std::string>{"kafka", "kafka-init", "ksqldb", "pinot-zookeeper", "pinot-controller", "pinot-broker",
                                          "pinot-server", "sluice", "provision"}));
  for (const auto& s : services) {
    const std::string name = s.first.as<std::string>();
    EXPECT_TRUE(s.second["image"] || s.second["build"]) << name << " has neither image nor build";
    if (!s.second["depends_on"]) continue;
    for (const auto& d : s.second["depends_on"]) {
      const std::string dep = d.first.as<std::string>();
      EXPECT_TRUE(names.count(dep)) << name << " depends on unknown service " << dep;
      const std::string condition = d.second["condition"].as<std::string>();
      EXPECT_TRUE(condition == "service_started" || condition == "service_healthy" || condition == "service_completed_successfully")
          << name << " -> " << dep << ": " << condition;
      if (condition == "service_healthy") {
        EXPECT_TRUE(services[dep]["healthcheck"]) << dep << " has no healthcheck";
      }
    }
  }
}

TEST(DockerStack, PublishedPortsMatchTheDocumentedAddresses) {
  YAML::Node services = compose()["services"];
  EXPECT_TRUE(ports(services["kafka"]).count("9092:9092"));
  EXPECT_TRUE(ports(services["ksqldb"]).count("8088:8088"));
  EXPECT_TRUE(ports(services["pinot-controller"]).count("9000:9000"));
  EXPECT_TRUE(ports(services["pinot-broker"]).count("8099:8099"));
  EXPECT_TRUE(ports(services["sluice"]).count("8083:8083"));
  std::string stack = readText(kRoot + "/deploy/stack.sh");
  for (const std::string url : {"http://localhost:8083", "http://localhost:9000", "http://localhost:8099/query/sql"})
    EXPECT_NE(stack.find(url), std::string::npos) << url;
}

TEST(DockerStack, KafkaRunsInKraftModeAndEveryoneUsesTheSameInternalListener) {
  YAML::Node services = compose()["services"];
  const YAML::Node kafka = services["kafka"];
  EXPECT_NE(env(kafka, "KAFKA_PROCESS_ROLES").find("controller"), std::string::npos);
  EXPECT_TRUE(env(kafka, "KAFKA_ZOOKEEPER_CONNECT").empty()) << "KRaft: no ZooKeeper for Kafka";
  const std::string internal = "kafka:29092";
  EXPECT_NE(env(kafka, "KAFKA_ADVERTISED_LISTENERS").find("PLAINTEXT://" + internal), std::string::npos);
  EXPECT_EQ(env(services["ksqldb"], "KSQL_BOOTSTRAP_SERVERS"), internal);
  YAML::Node worker = YAML::LoadFile(kRoot + "/deploy/worker.yaml");
  EXPECT_EQ(worker["bootstrap.servers"].as<std::string>(), internal);
  EXPECT_EQ(worker["listeners"].as<std::string>(), "http://0.0.0.0:8083");
  std::string provision = joined(services["provision"]["command"]);
  EXPECT_NE(provision.find("--kafka-brokers " + internal), std::string::npos) << provision;
}

TEST(DockerStack, ProvisionTargetsTheComposeServices) {
  YAML::Node services = compose()["services"];
  std::string cmd = joined(services["provision"]["command"]);
  EXPECT_EQ(cmd.rfind("provision ", 0), 0u) << cmd;
  EXPECT_NE(cmd.find("--ksql http://ksqldb:8088"), std::string::npos) << cmd;
  EXPECT_NE(cmd.find("--pinot http://pinot-controller:9000"), std::string::npos) << cmd;
  EXPECT_EQ(services["provision"]["image"].as<std::string>(), services["sluice"]["image"].as<std::string>());
  EXPECT_NE(services["pinot-controller"]["command"].as<std::string>().find("-controllerPort 9000"), std::string::npos);
  // event_timestamp is UTC text without a zone: ksqlDB must parse it in UTC.
  EXPECT_EQ(env(services["ksqldb"], "TZ"), "UTC");
}

TEST(DockerStack, TopicsAreCreatedBeforeUse) {
  YAML::Node services = compose()["services"];
  std::string init = joined(services["kafka-init"]["command"]);
  for (auto topic : {sluice::reference::kTransactionsTopic, sluice::reference::kSluiceAggregateTopic, sluice::reference::kKsqlAggregateTopic})
    EXPECT_NE(init.find(std::string(topic)), std::string::npos) << topic;
  for (const std::string s : {"ksqldb", "sluice", "provision"})
    EXPECT_EQ(services[s]["depends_on"]["kafka-init"]["condition"].as<std::string>(), "service_completed_successfully") << s;
}

TEST(DockerStack, DockerfileBuildsOnBookwormWithTheProjectsAptPackages) {
  std::string dockerfile = readText(kRoot + "/deploy/Dockerfile");
  EXPECT_NE(dockerfile.find("FROM debian:bookworm"), std::string::npos);
  EXPECT_NE(dockerfile.find("apt-get install"), std::string::npos);
  EXPECT_NE(dockerfile.find("cmake -S . -B build"), std::string::npos);
  // Every library the top-level CMakeLists.txt finds comes from Debian.
  for (const std::string pkg : {"librdkafka-dev", "libcpp-httplib-dev", "libyaml-cpp-dev", "libcurl4-openssl-dev",
                                "nlohmann-json3-dev", "libsimdjson-dev", "libspdlog-dev", "libcli11-dev"})
    EXPECT_NE(dockerfile.find(pkg), std::string::npos) << pkg;
  YAML::Node sluice = compose()["services"]["sluice"];
  EXPECT_EQ(sluice["build"]["dockerfile"].as<std::string>(), "deploy/Dockerfile");
}

TEST(DockerStack, MakeStackRunsTheScriptWhichStartsTheReferenceConnectors) {
  std::string makefile = readText(kRoot + "/Makefile");
  EXPECT_NE(makefile.find("\nstack:"), std::string::npos);
  EXPECT_NE(makefile.find("deploy/stack.sh"), std::string::npos);
  struct stat st{};
  ASSERT_EQ(::stat((kRoot + "/deploy/stack.sh").c_str(), &st), 0);
  EXPECT_TRUE(st.st_mode & S_IXUSR) << "deploy/stack.sh must be executable";
  std::string stack = readText(kRoot + "/deploy/stack.sh");
  EXPECT_NE(stack.find("transactions-datagen.json"), std::string::npos);
  EXPECT_NE(stack.find("transactions-aggregate.json"), std::string::npos);
  EXPECT_NE(stack.find("run --rm provision"), std::string::npos);
}

}  // namespace
