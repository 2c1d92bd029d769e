// Worker YAML: nested keys flatten to Connect's dotted names; bad files give clear errors.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "config/worker_config.hpp"

namespace sluice {
namespace {

TEST(WorkerConfig, FlattensNestedYamlToDottedKeys) {
  auto c = WorkerConfig::fromYaml(R"(
bootstrap.servers: localhost:9092
rest:
  port: 18083
plugin.path: [/opt/a, /opt/b]
producer:
  linger.ms: 5
)");
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ(c->bootstrapServers(), "localhost:9092");
  EXPECT_FALSE(c->embeddedKafka());
  EXPECT_EQ(c->restPort(), 18083);
  EXPECT_EQ(c->restHost(), "127.0.0.1");
  EXPECT_EQ(c->pluginPath(), (std::vector<std::string>{"/opt/a", "/opt/b"}));
  EXPECT_EQ(c->withPrefix("producer."), (std::map<std::string, std::string>{{"linger.ms", "5"}}));
}

TEST(WorkerConfig, ListenersWinOverRestPort) {
  auto c = WorkerConfig::fromYaml("listeners: http://0.0.0.0:9999\nrest.port: 1\n");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->restPort(), 9999);
  EXPECT_EQ(c->restHost(), "0.0.0.0");
}

TEST(WorkerConfig, DefaultsToEmbeddedKafkaOn8083) {
  auto c = WorkerConfig::fromYaml("");
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->embeddedKafka());
  EXPECT_EQ(c->restPort(), 8083);
}

TEST(WorkerConfig, ReportsInvalidYamlWithItsLine) {
  auto c = WorkerConfig::fromYaml("a: b\nc: [unclosed\n", "w.yaml");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().rfind("w.yaml: invalid YAML at line ", 0), 0u) << c.error();
}

TEST(WorkerConfig, RejectsANonMapDocumentAndBadListeners) {
  EXPECT_EQ(WorkerConfig::fromYaml("- a\n- b\n", "w.yaml").error(), "w.yaml: the worker config must be a map of settings");
  EXPECT_EQ(WorkerConfig::fromYaml("listeners: localhost\n", "w.yaml").error(),
            "w.yaml: listeners must look like http://host:port, got 'localhost'");
}

TEST(WorkerConfig, ReportsAMissingFile) {
  EXPECT_EQ(WorkerConfig::load("/nonexistent/w.yaml").error(), "/nonexistent/w.yaml: no such worker config file");
}

TEST(WorkerConfig, ADirectoryOrAnEmptyFileIsNotAConfig) {
  auto dir = std::filesystem::temp_directory_path() / ("sluice-wc-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  EXPECT_EQ(WorkerConfig::load(dir.string()).error(), dir.string() + ": is a directory, not a worker config file");
  std::ofstream((dir / "empty.yaml").string()).close();
  EXPECT_EQ(WorkerConfig::load((dir / "empty.yaml").string()).error().rfind((dir / "empty.yaml").string() +
                                                                             ": the worker config file has no settings", 0),
            0u);
  std::filesystem::remove_all(dir);
}

TEST(WorkerConfig, ListenersMayBeIPv6OrBindEveryInterface) {
  auto v6 = WorkerConfig::fromYaml("listeners: http://[::1]:9000\n");
  ASSERT_TRUE(v6.ok()) << v6.error();
  EXPECT_EQ(v6->restHost(), "::1");
  EXPECT_EQ(v6->restPort(), 9000);
  auto any = WorkerConfig::fromYaml("listeners: http://:9001\n");
  ASSERT_TRUE(any.ok()) << any.error();
  EXPECT_EQ(any->restHost(), "0.0.0.0");
}

TEST(WorkerConfig, ListsUnknownKeysButNotPassthroughPrefixes) {
  auto c = WorkerConfig::fromYaml("bootstrap.servers: x\nproducer.acks: all\ntypo.key: 1\n");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->unknownKeys(), std::vector<std::string>{"typo.key"});
}

TEST(WorkerConfig, ShippedConfigsParse) {
  for (const char* f : {"/config/worker.yaml", "/config/worker-kafka.yaml"}) {
    auto c = WorkerConfig::load(std::string(SLUICE_SOURCE_DIR) + f);
    ASSERT_TRUE(c.ok()) << c.error();
    EXPECT_TRUE(c->unknownKeys().empty()) << f << " has unknown key " << c->unknownKeys().front();
  }
}

// Seen: the shipped config put plugin.path and the state files under /tmp, where any local user can
// create them first. They live next to the config now, whatever folder the worker starts in.
TEST(WorkerConfig, ShippedConfigsKeepPluginsAndStateOutOfTmp) {
  const std::string root = SLUICE_SOURCE_DIR;
  for (const char* f : {"/config/worker.yaml", "/config/worker-kafka.yaml", "/deploy/worker.yaml"}) {
    SCOPED_TRACE(f);
    auto c = WorkerConfig::load(root + f);
    ASSERT_TRUE(c.ok()) << c.error();
    for (const char* key : {"plugin.path", "config.storage.file.filename", "offset.storage.file.filename", "embedded.bootstrap.file"}) {
      std::string value = c->get(key);
      EXPECT_EQ(value.find("/tmp"), std::string::npos) << key << ": " << value;
      EXPECT_TRUE(value.empty() || value[0] == '/') << key << " is not resolved: " << value;
    }
  }
  auto shipped = WorkerConfig::load(root + "/config/worker.yaml");
  ASSERT_TRUE(shipped.ok());
  EXPECT_EQ(shipped->get("config.storage.file.filename"), root + "/config/data/connectors.json");
  EXPECT_EQ(shipped->pluginPath(), std::vector<std::string>{root + "/config/plugins"});
}

TEST(WorkerConfig, RelativePathsResolveAgainstTheConfigFilesFolder) {
  auto dir = std::filesystem::temp_directory_path() / ("sluice-wc-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "w.yaml") << "plugin.path: plugins, /abs/p\nfile.allowed.paths: ../in\n"
                                   "offset.storage.file.filename: data/offsets.json\nconfig.storage.file.filename: /x/c.json\n";
  auto c = WorkerConfig::load((dir / "w.yaml").string());
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ(c->get("plugin.path"), (dir / "plugins").string() + ",/abs/p");
  EXPECT_EQ(c->get("file.allowed.paths"), (dir.parent_path() / "in").string());
  EXPECT_EQ(c->get("offset.storage.file.filename"), (dir / "data/offsets.json").string());
  EXPECT_EQ(c->get("config.storage.file.filename"), "/x/c.json");
}

}  // namespace
}  // namespace sluice
