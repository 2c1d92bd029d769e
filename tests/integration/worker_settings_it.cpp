// `sluice worker` refuses settings it cannot honour before it starts, as a user sees it: a real
// process, its exit code (2) and its stderr naming the key, the value and what is allowed. Bad
// numbers, log levels, config paths that are not a config file, a REST port another worker listens
// on, https listeners without a keystore, malformed listeners, and REST security settings that
// cannot be honoured.
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <iterator>

#include "process_support.hpp"

namespace sluice::testing {
namespace {

struct Outcome {
  bool exited = false;
  int exitCode = -1;
  std::string stderrText;
};

// Runs `sluice worker <config>`; a worker that is still running after 20 s (it started) is killed.
Outcome runWorker(const TempDir& dir, const std::string& config, const std::string& logName) {
  WorkerProcess worker(config, dir.file(logName));
  Outcome o;
  o.exited = eventually([&] { return worker.exited(); }, 20000);
  if (o.exited && WIFEXITED(worker.exitStatus())) o.exitCode = WEXITSTATUS(worker.exitStatus());
  o.stderrText = worker.log();
  return o;
}

// A worker config that would start (any free port, no Kafka contacted) plus `extra`.
std::string writeConfig(const TempDir& dir, const std::string& name, const std::map<std::string, std::string>& extra) {
  std::map<std::string, std::string> values = {{"listeners", "http://127.0.0.1:0"}, {"bootstrap.servers", "127.0.0.1:1"}};
  for (const auto& [k, v] : extra) values[k] = v;
  if (extra.count("rest.port")) values.erase("listeners");  // listeners would win over rest.port
  std::string path = dir.file(name);
  writeWorkerConfig(path, values);
  return path;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(WorkerSettings, BadNumbersAndBooleansStopStartWithKeyValueAndRange) {
  TempDir dir;
  struct Case {
    std::string key, value, allowed;
  };
  const std::vector<Case> cases = {
      {"offset.flush.interval.ms", "abc", "a whole number in [0, 9223372036854775807]"},
      {"rest.request.max.bytes", "lots", "a whole number in [1, 9223372036854775807]"},
      {"task.shutdown.graceful.timeout.ms", "5000ms", "a whole number in [0, 2147483647]"},
      {"task.shutdown.graceful.timeout.ms", "99999999999", "a whole number in [0, 2147483647]"},
      {"offset.flush.interval.ms", "-5", "a whole number in [0, 9223372036854775807]"},
      {"offset.flush.interval.ms", "99999999999999999999", "a whole number in [0, 9223372036854775807]"},
      {"rest.port", "70000", "a whole number in [0, 65535]"},
      {"embedded.partitions", "0", "a whole number in [1, 10000]"},
      {"plugin.scan.interval.ms", "1.5", "a whole number in [1, 2147483647]"},
      {"topic.tracking.enable", "yes", "true or false"},
  };
  int i = 0;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.key + ": " + c.value);
    auto config = writeConfig(dir, "w" + std::to_string(i) + ".yaml", {{c.key, c.value}});
    auto o = runWorker(dir, config, "w" + std::to_string(i++) + ".log");
    ASSERT_TRUE(o.exited) << "the worker started with a bad value:\n" << o.stderrText;
    EXPECT_EQ(o.exitCode, 2) << o.stderrText;
    EXPECT_TRUE(contains(o.stderrText, "invalid value '" + c.value + "' for " + c.key + ": expected " + c.allowed))
        << o.stderrText;
  }
}

TEST(WorkerSettings, EveryBadValueIsReportedAtOnce) {
  TempDir dir;
  auto config = writeConfig(dir, "w.yaml", {{"offset.flush.interval.ms", "abc"}, {"rest.request.max.bytes", "lots"}});
  auto o = runWorker(dir, config, "w.log");
  ASSERT_TRUE(o.exited) << o.stderrText;
  EXPECT_EQ(o.exitCode, 2);
  EXPECT_TRUE(contains(o.stderrText, "offset.flush.interval.ms")) << o.stderrText;
  EXPECT_TRUE(contains(o.stderrText, "rest.request.max.bytes")) << o.stderrText;
}

TEST(WorkerSettings, UnknownKeysAreAcceptedAsConnectAcceptsThem) {
  TempDir dir;
  auto config = writeConfig(dir, "w.yaml", {{"some.future.setting", "abc"}, {"producer.linger.ms", "5"}});
  WorkerProcess worker(config, dir.file("w.log"));
  EXPECT_GT(worker.waitForPort(), 0) << worker.log();
}

TEST(WorkerSettings, ConnectAndSpdlogLogLevelSpellingsKeepLogging) {
  TempDir dir;
  int i = 0;
  for (std::string level : {"INFO", "DEBUG", "Info", "warning", "info"}) {
    SCOPED_TRACE(level);
    auto config = writeConfig(dir, "w" + std::to_string(i) + ".yaml", {{"log.level", level}});
    WorkerProcess worker(config, dir.file("w" + std::to_string(i++) + ".log"));
    if (level == "warning") {
      // Nothing at info is printed, but a warning is: the unset offset file is one.
      ASSERT_TRUE(eventually([&] { return contains(worker.log(), "offset.storage.file.filename is not set"); }))
          << worker.log();
      EXPECT_FALSE(contains(worker.log(), "REST API listening")) << worker.log();
    } else {
      EXPECT_GT(worker.waitForPort(), 0) << "no info line with log.level " << level << ":\n" << worker.log();
    }
  }
}

TEST(WorkerSettings, AnUnknownLogLevelStopsStartNamingTheAllowedOnes) {
  TempDir dir;
  auto config = writeConfig(dir, "w.yaml", {{"log.level", "verbose"}});
  auto o = runWorker(dir, config, "w.log");
  ASSERT_TRUE(o.exited) << o.stderrText;
  EXPECT_EQ(o.exitCode, 2);
  EXPECT_TRUE(contains(o.stderrText, "invalid value 'verbose' for log.level: expected one of TRACE, DEBUG, INFO, WARN"))
      << o.stderrText;
}

TEST(WorkerSettings, ConfigPathsThatAreNotAConfigFileStopStart) {
  TempDir dir;
  std::filesystem::create_directories(dir.file("some-dir"));
  std::ofstream(dir.file("empty.yaml")).close();
  std::ofstream(dir.file("comments.yaml")) << "# nothing set\n";
  std::ofstream(dir.file("list.yaml")) << "- bootstrap.servers\n- embedded\n";
  struct Case {
    std::string path, message;
  };
  const std::vector<Case> cases = {
      {dir.file("some-dir"), "is a directory, not a worker config file"},
      {dir.file("some-dir") + "/", "is a directory, not a worker config file"},
      {dir.file("missing.yaml"), "no such worker config file"},
      {dir.file("empty.yaml"), "the worker config file has no settings"},
      {dir.file("comments.yaml"), "the worker config file has no settings"},
      {dir.file("list.yaml"), "the worker config must be a map of settings"},
  };
  int i = 0;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.path);
    auto o = runWorker(dir, c.path, "w" + std::to_string(i++) + ".log");
    ASSERT_TRUE(o.exited) << "the worker started with every default:\n" << o.stderrText;
    EXPECT_EQ(o.exitCode, 2) << o.stderrText;
    EXPECT_TRUE(contains(o.stderrText, c.path + ": " + c.message)) << o.stderrText;
  }
}

TEST(WorkerSettings, AnUnreadableConfigFileStopsStart) {
  // Root reads files whatever their mode, so the worker runs as an unprivileged user (setpriv, from
  // util-linux) when the test itself runs as root, as it does in CI.
  TempDir dir;
  auto config = writeConfig(dir, "w.yaml", {});
  ::chmod(config.c_str(), 0);
  std::string log = dir.file("w.log");
  std::string asUser = ::geteuid() == 0 ? "setpriv --reuid=65534 --regid=65534 --clear-groups " : "";
  int status = std::system((asUser + SLUICE_BINARY + " worker '" + config + "' 2>'" + log + "' >/dev/null").c_str());
  std::ifstream in(log);
  std::string stderrText((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_TRUE(WIFEXITED(status)) << stderrText;
  EXPECT_EQ(WEXITSTATUS(status), 2) << stderrText;
  EXPECT_TRUE(contains(stderrText, config + ": cannot read the worker config file: Permission denied")) << stderrText;
}

TEST(WorkerSettings, ARestPortAnotherWorkerListensOnStopsStart) {
  TempDir dir;
  WorkerProcess first(writeConfig(dir, "first.yaml", {}), dir.file("first.log"));
  int port = first.waitForPort();
  ASSERT_GT(port, 0) << first.log();
  auto second = writeConfig(dir, "second.yaml", {{"listeners", "http://127.0.0.1:" + std::to_string(port)}});
  auto o = runWorker(dir, second, "second.log");
  ASSERT_TRUE(o.exited) << "two workers listen on port " << port << ":\n" << o.stderrText;
  EXPECT_EQ(o.exitCode, 2) << o.stderrText;
  EXPECT_TRUE(contains(o.stderrText, "cannot listen on 127.0.0.1:" + std::to_string(port) + ": the address is already in use"))
      << o.stderrText;
  EXPECT_FALSE(first.exited()) << first.log();
}

TEST(WorkerSettings, HttpsWithoutKeystoreAndMalformedListenersStopStart) {
  TempDir dir;
  struct Case {
    std::string listeners, message;
  };
  const std::vector<Case> cases = {
      {"https://127.0.0.1:0", "an https listener needs a keystore: set listeners.https.ssl.keystore.location"},
      {"ftp://127.0.0.1:0", "unknown scheme 'ftp'"},
      {"http://127.0.0.1", "listeners must look like http://host:port"},
      {"http://127.0.0.1:port", "the port must be a whole number in [0, 65535], got 'port'"},
      {"http://127.0.0.1:99999", "the port must be a whole number in [0, 65535], got '99999'"},
      {"http://bad host:0", "'bad host' is not a host name or address"},
      {"http://127.0.0.1:8090,https://127.0.0.1:8090", "names 127.0.0.1:8090 twice"},
  };
  int i = 0;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.listeners);
    auto config = writeConfig(dir, "w" + std::to_string(i) + ".yaml", {{"listeners", "\"" + c.listeners + "\""}});
    auto o = runWorker(dir, config, "w" + std::to_string(i++) + ".log");
    ASSERT_TRUE(o.exited) << "the worker started with listeners " << c.listeners << ":\n" << o.stderrText;
    EXPECT_EQ(o.exitCode, 2) << o.stderrText;
    EXPECT_TRUE(contains(o.stderrText, c.message)) << o.stderrText;
  }
}

TEST(WorkerSettings, RestSecuritySettingsThatCannotBeHonouredStopStart) {
  TempDir dir;
  std::ofstream(dir.file("server.p12")) << "not a PKCS12 file";
  struct Case {
    std::map<std::string, std::string> settings;
    std::string message;
  };
  const std::vector<Case> cases = {
      // An extension Sluice cannot run would leave the API open where its owner expects protection.
      {{{"rest.extension.classes", "com.example.SsoRestExtension"}}, "'com.example.SsoRestExtension' is a Java REST extension"},
      {{{"rest.extension.classes", "org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension"}},
       "set java.security.auth.login.config"},
      {{{"rest.auth.credentials.file", dir.file("missing.properties")}}, "missing.properties cannot be read"},
      {{{"rest.auth.default.role", "superuser"}}, "rest.auth.default.role: 'superuser' is not one of admin, read-only, none"},
      {{{"listeners", "https://127.0.0.1:0"}, {"ssl.keystore.location", dir.file("server.jks")}, {"ssl.keystore.type", "JKS"}},
       "JKS stores are read by Java only"},
      {{{"listeners", "https://127.0.0.1:0"}, {"ssl.keystore.location", dir.file("server.p12")}},
       "is not a PKCS12 file"},
      {{{"listeners", "https://127.0.0.1:0"}, {"ssl.keystore.location", dir.file("server.p12")}, {"ssl.client.auth", "required"}},
       "required needs the CAs that sign client certificates"},
      {{{"listeners", "https://127.0.0.1:0"}, {"ssl.keystore.location", dir.file("server.p12")}, {"ssl.enabled.protocols", "TLSv1"}},
       "'TLSv1' is not offered"},
  };
  int i = 0;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.message);
    auto config = writeConfig(dir, "s" + std::to_string(i) + ".yaml", c.settings);
    auto o = runWorker(dir, config, "s" + std::to_string(i++) + ".log");
    ASSERT_TRUE(o.exited) << "the worker started:\n" << o.stderrText;
    EXPECT_EQ(o.exitCode, 2) << o.stderrText;
    EXPECT_TRUE(contains(o.stderrText, c.message)) << o.stderrText;
  }
}

}  // namespace
}  // namespace sluice::testing
