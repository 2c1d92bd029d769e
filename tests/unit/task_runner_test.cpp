// TaskRunner drives one task's pipeline on its own thread. These tests use the real loader and the
// lifecycle-probe fixture, whose marker files show the order the plugin's hooks were called in.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "runtime/task_runner.hpp"

namespace sluice {
namespace {

class TaskRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GT(registry_->scanDirectory(SLUICE_FIXTURE_DIR), 0u);
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() / ("sluice-task-runner-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  PipelineSpec spec(std::map<std::string, std::string> extra) {
    PipelineSpec s;
    s.connector = "probe";
    s.config = {{"connector.class", "lifecycle-probe"}, {"probe.dir", dir_.string()}, {"sluice.sink.class", "noop-sink"}};
    for (auto& [k, v] : extra) s.config[k] = v;
    s.worker = worker_;
    s.plugins = registry_;
    s.offsets = offsets_;
    return s;
  }
  bool exists(const std::string& marker) const { return std::filesystem::exists(dir_ / marker); }
  bool waitFor(const std::string& marker) const {
    for (int i = 0; i < 1000 && !exists(marker); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return exists(marker);
  }
  void touch(const std::string& marker) const { std::ofstream(dir_ / marker).put('\n'); }

  std::shared_ptr<PluginRegistry> registry_ = std::make_shared<PluginRegistry>();
  std::shared_ptr<const WorkerConfig> worker_ = std::make_shared<const WorkerConfig>(WorkerConfig::fromMap({}));
  std::shared_ptr<OffsetStore> offsets_ = std::make_shared<MemoryOffsetStore>();
  std::filesystem::path dir_;
};

// A stop requested while the plugin's start() is still running is applied once start() returned,
// never during it (a plugin is entitled to set up in start() what its stop() tears down).
TEST_F(TaskRunnerTest, StopNeverReachesAPluginBeforeStartReturned) {
  TaskRunner runner(spec({{"start.blocks", "true"}}), Pipeline::build, false);
  ASSERT_TRUE(waitFor("start-entered"));
  runner.requestStop();  // while start() blocks
  touch("release-start");
  ASSERT_TRUE(runner.awaitStop(10000)) << "the stop requested during start() is applied right after it";
  EXPECT_FALSE(exists("stop-before-start-returned")) << "stop() reached the plugin while its start() was running";
  EXPECT_TRUE(exists("stop-entered")) << "the stop requested during start() was never applied";
  EXPECT_TRUE(exists("destroyed"));
}

}  // namespace
}  // namespace sluice
