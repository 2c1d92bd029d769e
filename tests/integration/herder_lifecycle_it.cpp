// Task lifetimes as the herder drives them, in a real worker (REST over a real socket, fixture
// plugins through the real loader): a restart racing a reconfiguration that lowers tasks.max, a
// task abandoned because it ignored stop() that keeps calling into the host after the worker is
// gone, and status answered while a delete waits for a plugin whose stop() hangs.
#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "rest_test_support.hpp"

namespace sluice::testing {
namespace {

bool exists(const TempDir& dir, const std::string& marker) { return std::filesystem::exists(dir.file(marker)); }

void touch(const TempDir& dir, const std::string& marker) { std::ofstream(dir.file(marker)).put('\n'); }

std::map<std::string, std::string> noopSource(const std::string& name, int tasksMax) {
  return {{"name", name},           {"connector.class", "NoopSource"}, {"tasks.max", std::to_string(tasksMax)},
          {"topic", "lifecycle"},   {"sluice.sink.class", "noop-sink"}};
}

json probeSource(const std::string& name, const TempDir& probeDir, std::map<std::string, std::string> extra) {
  json config = {{"name", name},
                 {"connector.class", "lifecycle-probe"},
                 {"tasks.max", "1"},
                 {"probe.dir", probeDir.file("")},
                 {"sluice.sink.class", "noop-sink"}};
  for (const auto& [k, v] : extra) config[k] = v;
  return config;
}

// Restart reads the tasks it planned to restart; a reconfiguration between the plan and the
// restart (here: tasks.max going from 3 to 1 and back) must never make it index a task that no
// longer exists. Under ASan the unchecked index is a heap-buffer-overflow.
TEST(HerderLifecycleTest, RestartRacingAReconfigurationThatLowersTasksMaxStaysInBounds) {
  TempDir dir;
  InProcessWorker worker(dir);
  Herder& herder = *worker.worker().herder();
  herder.putConnector("race", noopSource("race", 3), {}, std::nullopt, true);

  // Several restarters and reconfigurers, so that a reconfiguration often lands between a
  // restart's plan and its action when they are not one step.
  std::atomic<int> reconfigurersLeft{2};
  std::vector<std::thread> threads;
  for (int r = 0; r < 2; ++r)
    threads.emplace_back([&] {
      for (int i = 0; i < 150; ++i) herder.putConnector("race", noopSource("race", i % 2 == 0 ? 1 : 3), {}, std::nullopt, true);
      --reconfigurersLeft;
    });
  std::atomic<size_t> restarts{0};
  for (int r = 0; r < 3; ++r)
    threads.emplace_back([&] {
      while (reconfigurersLeft > 0) {
        auto plan = herder.restart("race", true, false);
        EXPECT_TRUE(plan.tasks.size() == 1 || plan.tasks.size() == 3) << plan.tasks.size();
        ++restarts;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_GT(restarts.load(), 0u);
  herder.putConnector("race", noopSource("race", 3), {}, std::nullopt, true);

  // The last reconfiguration (tasks.max 3) wins, and every one of its tasks runs.
  ASSERT_TRUE(eventually([&] {
    auto s = herder.status("race");
    if (!s || s->tasks.size() != 3) return false;
    for (const auto& t : s->tasks)
      if (t.state != "RUNNING") return false;
    return true;
  }));
}

// A task that ignores stop() is abandoned after task.shutdown.graceful.timeout.ms, as Connect
// abandons it; it must still be able to use the offset store, the worker config and the plugin
// registry it was given, even once the worker that made them is destroyed.
TEST(HerderLifecycleTest, AnAbandonedTaskOutlivesTheWorkerSafely) {
  TempDir dir, probe;
  {
    InProcessWorker worker(dir, {{"task.shutdown.graceful.timeout.ms", "100"}});
    Http http(worker.port());
    ASSERT_EQ(http.post("/connectors", {{"name", "stubborn"}, {"config", probeSource("stubborn", probe, {{"ignore.stop.ms", "1500"}})}}).status, 201);
    ASSERT_TRUE(eventually([&] { return exists(probe, "start-entered"); }));
    worker.stop();  // abandons the task, still inside poll() reading offsets
    EXPECT_FALSE(exists(probe, "poll-ended")) << "the task was meant to outlive the worker's stop";
  }  // the worker, its stores, config and registry are destroyed here
  ASSERT_TRUE(eventually([&] { return exists(probe, "destroyed"); })) << "the abandoned task finishes on its own";
  EXPECT_TRUE(exists(probe, "poll-ended"));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // let its thread release what it owns before exit
}

// A status GET is answered from the herder's snapshot: it never waits behind a delete that is
// stuck in a plugin's stop(). Ordering, not timing: the GET is answered while the DELETE has
// demonstrably not returned (the plugin's stop is still blocked until the test releases it).
TEST(HerderLifecycleTest, StatusAnswersWhileADeleteWaitsForAHangingStop) {
  TempDir dir, probe;
  InProcessWorker worker(dir);
  Http http(worker.port());
  ASSERT_EQ(http.post("/connectors", {{"name", "slow"}, {"config", probeSource("slow", probe, {{"stop.blocks", "true"}})}}).status, 201);
  ASSERT_EQ(http.post("/connectors", {{"name", "other"}, {"config", srcCfg("other")}}).status, 201);
  for (const char* name : {"slow", "other"})
    ASSERT_TRUE(eventually([&] {
      auto s = http.get(std::string("/connectors/") + name + "/status").body;
      return s["tasks"].size() == 1 && s["tasks"][0]["state"] == "RUNNING";
    })) << name;

  std::atomic<bool> deleted{false};
  int deleteStatus = 0;
  std::thread deleter([&] {
    Http own(worker.port());
    deleteStatus = own.del("/connectors/slow").status;
    deleted = true;
  });
  ASSERT_TRUE(eventually([&] { return exists(probe, "stop-entered"); }));

  httplib::Client client("127.0.0.1", worker.port());
  client.set_read_timeout(10, 0);  // a worker that makes the GET wait for the stop fails here
  auto other = client.Get("/connectors/other/status");
  auto list = client.Get("/connectors");
  bool deleteWasPending = !deleted;
  touch(probe, "release-stop");
  deleter.join();

  ASSERT_TRUE(other) << "GET /connectors/other/status got no answer while the delete was in progress";
  EXPECT_EQ(other->status, 200);
  EXPECT_EQ(json::parse(other->body)["connector"]["state"], "RUNNING") << other->body;
  ASSERT_TRUE(list) << "GET /connectors got no answer while the delete was in progress";
  EXPECT_EQ(list->status, 200);
  EXPECT_TRUE(deleteWasPending) << "the GETs must have been answered before the DELETE returned";
  EXPECT_EQ(deleteStatus, 204);
  EXPECT_EQ(http.get("/connectors/slow/status").status, 404);
  EXPECT_EQ(http.get("/connectors").body, json::array({"other"}));
}

}  // namespace
}  // namespace sluice::testing
