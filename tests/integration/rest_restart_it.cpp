// Durability across kill -9: the sluice worker runs as a subprocess of SLUICE_BINARY and is killed
// with SIGKILL while connectors run and flush offsets; after each restart every connector must be
// back with its config and target state (running/paused/stopped), deleted ones must stay deleted,
// and a stopped connector's offsets must be exactly what they were. Repeated 20 times.
#include <fstream>
#include <set>

#include "process_support.hpp"

namespace sluice::testing {
namespace {

TEST(RestRestartTest, ConnectorsTargetStatesAndOffsetsSurviveSigkill) {
  TempDir dir;
  std::string config = dir.file("worker.yaml");
  {
    std::ofstream out(config);
    out << "listeners: http://127.0.0.1:0\n"
        << "plugin.path: " << SLUICE_FIXTURE_DIR << "\n"
        << "bootstrap.servers: 127.0.0.1:1\n"
        << "offset.storage.file.filename: " << dir.file("offsets") << "\n"
        << "config.storage.file.filename: " << dir.file("configs") << "\n"
        << "offset.flush.interval.ms: 20\n";
  }
  std::map<std::string, std::string> expectedState;  // connector -> RUNNING / PAUSED / STOPPED
  std::map<std::string, json> stoppedOffsets;
  for (int i = 0; i < 20; ++i) {
    SCOPED_TRACE("iteration " + std::to_string(i));
    WorkerProcess worker(config, dir.file("worker-" + std::to_string(i) + ".log"));
    int port = worker.waitForPort();
    ASSERT_GT(port, 0) << worker.log();
    Http http(port);
    ASSERT_TRUE(eventually([&] { return http.get("/health").status == 200; })) << worker.log();

    auto names = http.get("/connectors").body;
    std::set<std::string> expectedNames;
    for (const auto& [n, _] : expectedState) expectedNames.insert(n);
    ASSERT_EQ(std::set<std::string>(names.begin(), names.end()), expectedNames);
    for (const auto& [name, state] : expectedState) {
      EXPECT_EQ(http.get("/connectors/" + name + "/config").body, srcCfg(name)) << name;
      ASSERT_TRUE(eventually([&, name = name, state = state] {
        auto s = http.get("/connectors/" + name + "/status").body;
        if (s["connector"]["state"] != state) return false;
        if (state == "STOPPED") return s["tasks"].empty();
        if (state == "PAUSED") return true;  // created paused or paused later: tasks (if any) follow
        return s["tasks"].size() == 1 && s["tasks"][0]["state"] == "RUNNING";
      })) << name << " expected " << state << ": " << http.get("/connectors/" + name + "/status").raw;
      if (state == "STOPPED") {
        EXPECT_EQ(http.get("/connectors/" + name + "/offsets").body, stoppedOffsets[name]) << name;
      }
    }

    std::string name = "c" + std::to_string(i);
    ASSERT_EQ(http.post("/connectors", {{"name", name}, {"config", srcCfg(name)}}).status, 201);
    ASSERT_TRUE(eventually([&] { return !http.get("/connectors/" + name + "/offsets").body["offsets"].empty(); }));
    expectedState[name] = "RUNNING";
    if (i % 3 == 1) {
      ASSERT_EQ(http.send("PUT", "/connectors/" + name + "/pause", "").status, 202);
      expectedState[name] = "PAUSED";
    } else if (i % 3 == 2) {
      ASSERT_EQ(http.send("PUT", "/connectors/" + name + "/stop", "").status, 204);
      expectedState[name] = "STOPPED";
      stoppedOffsets[name] = http.get("/connectors/" + name + "/offsets").body;
      ASSERT_FALSE(stoppedOffsets[name]["offsets"].empty());
    }
    if (i % 4 == 3) {
      std::string victim = "c" + std::to_string(i - 1);
      ASSERT_EQ(http.del("/connectors/" + victim).status, 204);
      expectedState.erase(victim);
      stoppedOffsets.erase(victim);
    }
    worker.kill();  // SIGKILL while the running connectors produce and flush offsets
  }
}

TEST(RestRestartTest, ConnectorFilesOnTheCommandLineAreCreated) {
  TempDir dir;
  std::string config = dir.file("worker.yaml");
  {
    std::ofstream out(config);
    out << "listeners: http://127.0.0.1:0\nplugin.path: " << SLUICE_FIXTURE_DIR << "\nbootstrap.servers: 127.0.0.1:1\n";
    std::ofstream flat(dir.file("flat.json"));
    flat << srcCfg("flat").dump();
    std::ofstream body(dir.file("body.json"));
    body << json{{"name", "wrapped"}, {"config", without(srcCfg("x"), "name")}, {"initial_state", "PAUSED"}}.dump();
  }
  WorkerProcess worker(config, dir.file("worker.log"), {dir.file("flat.json"), dir.file("body.json")});
  int port = worker.waitForPort();
  ASSERT_GT(port, 0) << worker.log();
  Http http(port);
  ASSERT_TRUE(eventually([&] { return http.get("/health").status == 200; }));
  EXPECT_EQ(http.get("/connectors/flat/config").body, srcCfg("flat"));
  EXPECT_EQ(http.get("/connectors/wrapped/status").body["connector"]["state"], "PAUSED");
  // SIGTERM: a graceful stop within task.shutdown.graceful.timeout.ms, exit status 0.
  ASSERT_TRUE(worker.terminate(10000)) << worker.log();
  EXPECT_TRUE(WIFEXITED(worker.exitStatus()) && WEXITSTATUS(worker.exitStatus()) == 0) << worker.exitStatus();
}

TEST(RestRestartTest, BadConnectorFileStopsTheWorkerWithTheReason) {
  TempDir dir;
  std::string config = dir.file("worker.yaml");
  {
    std::ofstream out(config);
    out << "listeners: http://127.0.0.1:0\nplugin.path: " << SLUICE_FIXTURE_DIR << "\nbootstrap.servers: 127.0.0.1:1\n";
    std::ofstream bad(dir.file("bad.json"));
    bad << R"({"name":"b","connector.class":"NoopSource","tasks.max":"0"})";
  }
  WorkerProcess worker(config, dir.file("worker.log"), {dir.file("bad.json")});
  ASSERT_TRUE(eventually([&] { return worker.exited(); }, 15000));
  EXPECT_TRUE(WIFEXITED(worker.exitStatus()) && WEXITSTATUS(worker.exitStatus()) != 0);
  EXPECT_NE(worker.log().find("Invalid value 0 for configuration tasks.max"), std::string::npos) << worker.log();
}

}  // namespace
}  // namespace sluice::testing
