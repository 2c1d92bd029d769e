// A source task's offset commit puts the offsets on disk in the same step, not on a second timer
// (the worker's periodic flush) after it: delivered-to-disk takes at most one
// offset.flush.interval.ms, so a kill -9 replays at most that much. The interval here is ten
// minutes, so neither timer fires during the test; the commit a pause makes is the only one, and
// right after it the offset file must hold what the worker reports as committed.
#include "process_support.hpp"

namespace sluice::testing {
namespace {

constexpr const char* kConnector = "counted";

// The connector's {"position":N} in the worker's offset file; -1 when the file holds none.
int64_t positionOnDisk(const std::string& offsetFile) {
  std::string text = readFile(offsetFile);
  auto brace = text.find('{');  // after storage/atomic_file's "sluice-state-v1 <checksum> <length>" line
  if (brace == std::string::npos) return -1;
  json doc = json::parse(text.substr(brace), nullptr, false);
  if (!doc.is_object() || !doc.contains("offsets")) return -1;
  for (const auto& entry : doc["offsets"]) {
    if (entry[0] != kConnector) continue;
    json offset = json::parse(entry[2].get<std::string>(), nullptr, false);
    if (offset.is_object() && offset.contains("position")) return offset["position"].get<int64_t>();
  }
  return -1;
}

TEST(SourceOffsetsFlush, ACommittedOffsetIsOnDiskWhenTheCommitReturns) {
  TempDir dir;
  std::string config = dir.file("worker.yaml");
  writeWorkerConfig(config, {{"listeners", "http://127.0.0.1:0"},
                             {"plugin.path", SLUICE_FIXTURE_DIR},
                             {"offset.storage.file.filename", dir.file("offsets.json")},
                             {"config.storage.file.filename", dir.file("connectors.json")},
                             {"offset.flush.interval.ms", "600000"}});
  WorkerProcess worker(config, dir.file("worker.log"));
  int port = worker.waitForPort();
  ASSERT_GT(port, 0) << worker.log();
  Http http(port);
  json cfg = without(srcCfg(kConnector), "name");
  cfg["max.records"] = "50";
  ASSERT_EQ(http.post("/connectors", {{"name", kConnector}, {"config", cfg}}).status, 201);
  auto taskState = [&] {
    auto s = http.get(std::string("/connectors/") + kConnector + "/status").body;
    return s["tasks"].size() == 1 ? s["tasks"][0].value("state", "") : std::string();
  };
  ASSERT_TRUE(eventually([&] { return taskState() == "RUNNING"; })) << worker.log();

  // Each pause commits what was delivered; repeat until a commit carried an offset.
  int64_t committed = -1;
  ASSERT_TRUE(eventually([&] {
    if (http.send("PUT", std::string("/connectors/") + kConnector + "/pause", "").status != 202) return false;
    if (!eventually([&] { return taskState() == "PAUSED"; })) return false;
    auto offsets = http.get(std::string("/connectors/") + kConnector + "/offsets").body["offsets"];
    for (const auto& e : offsets) committed = e["offset"].value("position", int64_t{-1});
    if (committed >= 0) return true;
    http.send("PUT", std::string("/connectors/") + kConnector + "/resume", "");
    eventually([&] { return taskState() == "RUNNING"; });
    return false;
  }, 60000)) << worker.log();

  worker.kill();
  EXPECT_EQ(positionOnDisk(dir.file("offsets.json")), committed) << "the worker reported offset " << committed
                                                                 << " as committed, but the file does not hold it";
}

}  // namespace
}  // namespace sluice::testing
