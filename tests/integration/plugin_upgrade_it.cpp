// Upgrading a plugin under a running `sluice worker`: its .so is overwritten in place the way cp
// does it (truncate, then write, slowly), first with the same version, then with a new one. The
// worker stays up, the running task keeps running the image it started with, a restarted task runs
// the new version, and GET /connector-plugins shows it. A half-written .so left in the folder is
// refused with its cause, at start-up too, instead of crashing the worker inside dlopen.
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "process_support.hpp"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;

std::string versioned(int version) { return std::string(SLUICE_FIXTURE_DIR) + "/versioned/versioned_v" + std::to_string(version) + ".so"; }

// cp(1) onto an existing file, slowed down: truncate in place, then 4 KiB at a time with pauses,
// so the worker's scans and the running task see the file empty and half-written.
void slowCopyInPlace(const std::string& from, const std::string& to) {
  std::string bytes = readFile(from);
  int fd = ::open(to.c_str(), O_WRONLY | O_TRUNC);
  ASSERT_GE(fd, 0) << to;
  for (size_t at = 0; at < bytes.size(); at += 4096) {
    std::this_thread::sleep_for(std::chrono::milliseconds(40));
    size_t n = std::min<size_t>(4096, bytes.size() - at);
    ASSERT_EQ(::write(fd, bytes.data() + at, n), static_cast<ssize_t>(n));
  }
  ::close(fd);
}

// "<version> <records emitted>" as the running versioned-source task last wrote it.
std::pair<std::string, long> marker(const std::string& path) {
  std::istringstream in(readFile(path));
  std::string version;
  long count = -1;
  in >> version >> count;
  return {version, count};
}

std::string pluginVersion(Http& http, const std::string& cls) {
  for (const auto& p : http.get("/connector-plugins").body)
    if (p.value("class", "") == cls) return p.value("version", "");
  return "";
}

void writeConfig(const TempDir& dir, const std::string& plugins) {
  writeWorkerConfig(dir.file("worker.yaml"), {{"listeners", "http://127.0.0.1:0"},
                                              {"plugin.path", plugins},
                                              {"plugin.scan.interval.ms", "100"},
                                              {"bootstrap.servers", "127.0.0.1:1"},
                                              {"offset.storage.file.filename", dir.file("offsets")},
                                              {"config.storage.file.filename", dir.file("configs")}});
}

TEST(PluginUpgradeIt, OverwritingARunningPluginInPlaceIsAnUpgradeForRestartedTasks) {
  TempDir dir;
  std::string plugins = dir.file("plugins");
  fs::create_directories(plugins);
  std::string so = plugins + "/versioned.so";
  fs::copy_file(versioned(1), so);
  fs::copy_file(std::string(SLUICE_FIXTURE_DIR) + "/noop_sink.so", plugins + "/noop_sink.so");
  writeConfig(dir, plugins);
  WorkerProcess worker(dir.file("worker.yaml"), dir.file("worker.log"));
  int port = worker.waitForPort();
  ASSERT_GT(port, 0) << worker.log();
  Http http(port);
  EXPECT_EQ(pluginVersion(http, "versioned-source"), "1.0.0");

  std::string markerFile = dir.file("marker");
  json config = {{"connector.class", "versioned-source"}, {"sluice.sink.class", "noop-sink"}, {"tasks.max", "1"},
                 {"topic", "t"}, {"marker.file", markerFile}, {"poll.interval.ms", "5"}};
  ASSERT_EQ(http.post("/connectors", {{"name", "up"}, {"config", config}}).status, 201);
  ASSERT_TRUE(eventually([&] { return marker(markerFile).first == "1.0.0" && marker(markerFile).second > 0; })) << worker.log();

  // The same version copied over itself: nothing changes, nothing crashes.
  slowCopyInPlace(versioned(1), so);
  long before = marker(markerFile).second;
  ASSERT_TRUE(eventually([&] { return marker(markerFile).second > before + 10 || worker.exited(); }));
  ASSERT_FALSE(worker.exited()) << worker.log();
  EXPECT_EQ(marker(markerFile).first, "1.0.0");

  // A new version copied over it.
  slowCopyInPlace(versioned(2), so);
  ASSERT_TRUE(eventually([&] { return pluginVersion(http, "versioned-source") == "2.0.0" || worker.exited(); })) << worker.log();
  ASSERT_FALSE(worker.exited()) << worker.log();
  before = marker(markerFile).second;
  ASSERT_TRUE(eventually([&] { return marker(markerFile).second > before + 10 || worker.exited(); }));
  ASSERT_FALSE(worker.exited()) << worker.log();
  EXPECT_EQ(marker(markerFile).first, "1.0.0") << "the running task keeps the image it started with";
  EXPECT_EQ(http.get("/connectors/up/status").body["tasks"][0]["state"], "RUNNING");

  ASSERT_EQ(http.send("POST", "/connectors/up/tasks/0/restart", "").status / 100, 2);
  ASSERT_TRUE(eventually([&] { return marker(markerFile).first == "2.0.0" || worker.exited(); })) << worker.log();
  ASSERT_FALSE(worker.exited()) << worker.log();
  EXPECT_EQ(http.get("/connectors/up/status").body["tasks"][0]["state"], "RUNNING");
  EXPECT_NE(worker.log().find("replacing 1.0.0"), std::string::npos) << worker.log();
}

TEST(PluginUpgradeIt, AHalfWrittenPluginIsRefusedAtEveryStartInsteadOfCrashingTheWorker) {
  TempDir dir;
  std::string plugins = dir.file("plugins");
  fs::create_directories(plugins);
  std::string bytes = readFile(versioned(1));
  {
    std::ofstream out(plugins + "/half.so", std::ios::binary);
    out << bytes.substr(0, bytes.size() / 2);
  }
  writeConfig(dir, plugins);
  const std::string cause = "ends beyond the file's " + std::to_string(bytes.size() / 2) + " bytes: incomplete: truncated, or still being copied";
  for (int start = 0; start < 2; ++start) {
    SCOPED_TRACE("start " + std::to_string(start));
    WorkerProcess worker(dir.file("worker.yaml"), dir.file("worker-" + std::to_string(start) + ".log"));
    int port = worker.waitForPort();
    ASSERT_GT(port, 0) << worker.log();
    Http http(port);
    EXPECT_EQ(http.get("/health").status, 200);
    EXPECT_EQ(pluginVersion(http, "versioned-source"), "");
    EXPECT_NE(worker.log().find("refused plugin " + plugins + "/half.so: "), std::string::npos) << worker.log();
    EXPECT_NE(worker.log().find(cause), std::string::npos) << worker.log();
    worker.kill();
  }
  SluiceProcess list({"plugins", "list", "--path", plugins}, dir.file("list.log"));
  ASSERT_TRUE(eventually([&] { return list.exited(); }));
  EXPECT_NE(list.log().find("refused: " + plugins + "/half.so: "), std::string::npos) << list.log();
  EXPECT_NE(list.log().find(cause), std::string::npos) << list.log();
  SluiceProcess check({"plugins", "check", plugins + "/half.so"}, dir.file("check.log"));
  ASSERT_TRUE(eventually([&] { return check.exited(); }));
  EXPECT_TRUE(WIFEXITED(check.exitStatus()) && WEXITSTATUS(check.exitStatus()) == 1) << check.log();
  EXPECT_NE(check.log().find("refused: " + plugins + "/half.so: "), std::string::npos) << check.log();
  EXPECT_NE(check.log().find(cause), std::string::npos) << check.log();
}

}  // namespace
}  // namespace sluice::testing
