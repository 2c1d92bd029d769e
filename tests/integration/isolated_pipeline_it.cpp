// IsolatedPipeline against real child processes: the real `sluice task-host` running the fixture
// plugins (offsets read and written through the worker's store, every child reaped), and stand-in
// children (/bin/sh) that break the protocol or die, each of which must end in a clear trace and
// a pending restart rather than a hang or a crash of the test process.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <thread>

#include "config/worker_config.hpp"
#include "runtime/isolated_pipeline.hpp"

namespace sluice {
namespace {

constexpr const char* kPartition = "{\"source\":\"noop\"}";

class IsolatedPipelineIt : public ::testing::Test {
 protected:
  PipelineSpec spec(std::map<std::string, std::string> extra = {}) {
    PipelineSpec s;
    s.connector = "isolated";
    s.config = {{"name", "isolated"}, {"connector.class", "noop-source"}, {"sluice.sink.class", "noop-sink"},
                {"poll.interval.ms", "0"}, {"plugin.isolation", "process"}};
    for (auto& [k, v] : extra) s.config[k] = v;
    s.worker = std::shared_ptr<const WorkerConfig>(std::shared_ptr<void>(), &worker_);  // borrowed: outlives the pipeline
    s.offsets = std::shared_ptr<OffsetStore>(std::shared_ptr<void>(), &offsets_);  // borrowed: outlives the pipeline
    return s;
  }
  IsolationOptions options(std::vector<std::string> shellArgs = {}) {
    IsolationOptions o;
    o.pluginDirs = {SLUICE_FIXTURE_DIR};
    o.executable = SLUICE_BINARY;
    o.initialBackoffMs = 100;
    o.gracefulStopMs = 2000;
    if (!shellArgs.empty()) {
      o.executable = "/bin/sh";
      o.arguments = std::move(shellArgs);
    }
    return o;
  }
  // Runs the pipeline until its source reports `n` records polled.
  static void runUntilPolled(Pipeline& p, uint64_t n) {
    for (int i = 0; i < 500 && p.metrics().recordsPolled < n; ++i) {
      auto r = p.runOnce(20);
      ASSERT_TRUE(r.ok()) << r.error();
    }
    ASSERT_GE(p.metrics().recordsPolled, n);
  }
  // No child of this process is left, running or zombie.
  static bool noChildrenLeft() { return ::waitpid(-1, nullptr, WNOHANG) == -1 && errno == ECHILD; }

  WorkerConfig worker_ = WorkerConfig::fromMap({{"offset.flush.interval.ms", "0"}});
  MemoryOffsetStore offsets_;
};

TEST_F(IsolatedPipelineIt, RunsTheTaskInAChildWithOffsetsKeptByTheWorker) {
  offsets_.write("isolated", kPartition, "{\"position\":41}");
  IsolatedPipeline p(spec(), options());
  auto started = p.start();
  ASSERT_TRUE(started.ok()) << started.error();
  ASSERT_EQ(p.restartingTrace(), "");
  runUntilPolled(p, 5);
  ASSERT_TRUE(p.commit().ok());
  // The child resumed from the worker's offset (it read it over the socket) and wrote back its own.
  auto committed = offsets_.read("isolated", kPartition);
  ASSERT_TRUE(committed.has_value());
  int position = std::stoi(committed->substr(committed->find(':') + 1));
  EXPECT_GE(position, 41 + 5);
  EXPECT_EQ(p.activeTopics(), std::vector<std::string>{"noop"});
  p.stop();
  p.close();
  EXPECT_TRUE(noChildrenLeft());
}

TEST_F(IsolatedPipelineIt, AConfigErrorInTheChildFailsTheTaskWithoutARestart) {
  IsolatedPipeline p(spec({{"sluice.sink.class", "no-such-sink"}}), options());
  auto started = p.start();
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.error(), "no sink plugin named no-such-sink to write the source connector's records");
  EXPECT_EQ(p.restartingTrace(), "");
  p.close();
  EXPECT_TRUE(noChildrenLeft());
}

TEST_F(IsolatedPipelineIt, AChildThatWritesGarbageIsKilledAndRestarted) {
  IsolatedPipeline p(spec(), options({"-c", "printf 'garbage, not a frame' >&3; exec sleep 30"}));
  ASSERT_TRUE(p.start().ok());
  EXPECT_EQ(p.restartingTrace(),
            "task process broke the protocol (refused a frame of 1734439522 bytes: over the limit of 16777216 bytes); "
            "killed it in create(); restarting in 100 ms (attempt 1)");
  EXPECT_TRUE(noChildrenLeft());
  p.close();
}

TEST_F(IsolatedPipelineIt, AChildThatSendsAFrameThatIsNotJsonIsKilled) {
  IsolatedPipeline p(spec(), options({"-c", "printf '\\000\\000\\000\\005hello' >&3; exec sleep 30"}));
  ASSERT_TRUE(p.start().ok());
  EXPECT_EQ(p.restartingTrace(),
            "task process broke the protocol (malformed message (not JSON): hello); killed it in create(); "
            "restarting in 100 ms (attempt 1)");
  EXPECT_TRUE(noChildrenLeft());
  p.close();
}

TEST_F(IsolatedPipelineIt, ChildDeathsRestartWithADoublingBackoff) {
  IsolatedPipeline p(spec(), options({"-c", "exit 7"}));
  ASSERT_TRUE(p.start().ok());
  EXPECT_EQ(p.restartingTrace(), "task process exited with code 7 in create(); restarting in 100 ms (attempt 1)");
  // Each runOnce waits for the restart time, restarts, and the child dies again.
  std::vector<std::string> traces;
  for (int i = 0; i < 200 && traces.size() < 3; ++i) {
    ASSERT_TRUE(p.runOnce(50).ok());
    if (traces.empty() || traces.back() != p.restartingTrace()) traces.push_back(p.restartingTrace());
  }
  ASSERT_EQ(traces.size(), 3u);
  EXPECT_EQ(traces[0], "task process exited with code 7 in create(); restarting in 100 ms (attempt 1)");
  EXPECT_EQ(traces[1], "task process exited with code 7 in create(); restarting in 200 ms (attempt 2)");
  EXPECT_EQ(traces[2], "task process exited with code 7 in create(); restarting in 400 ms (attempt 3)");
  p.close();
  EXPECT_TRUE(noChildrenLeft());
}

TEST_F(IsolatedPipelineIt, ACrashingTransformFailsTheTaskUntilTheRestartedChildRuns) {
  std::string counter = ::testing::TempDir() + "isolated-pipeline-crashes-" + std::to_string(::getpid());
  std::remove(counter.c_str());
  IsolatedPipeline p(spec({{"transforms", "crash"},
                           {"transforms.crash.type", "isolation-crash-transform"},
                           {"transforms.crash.crash.at.record", "3"},
                           {"transforms.crash.crash.count.file", counter}}),
                     options());
  ASSERT_TRUE(p.start().ok());
  std::string trace;
  for (int i = 0; i < 500 && trace.empty(); ++i) {
    ASSERT_TRUE(p.runOnce(20).ok());
    trace = p.restartingTrace();
  }
  EXPECT_EQ(trace,
            "task process died with SIGSEGV (Segmentation fault) in poll()/apply()/put(); restarting in 100 ms "
            "(attempt 1)");
  // The crash happened once (crash.times = 1): the restarted child runs on.
  for (int i = 0; i < 500 && !p.restartingTrace().empty(); ++i) ASSERT_TRUE(p.runOnce(20).ok());
  EXPECT_EQ(p.restartingTrace(), "");
  uint64_t before = p.metrics().recordsPolled;
  runUntilPolled(p, before + 5);
  p.stop();
  ASSERT_TRUE(p.commit().ok());
  p.close();
  EXPECT_TRUE(noChildrenLeft());
  std::remove(counter.c_str());
}

TEST_F(IsolatedPipelineIt, TheBackoffStartsOverAfterAPeriodOfStableRunning) {
  std::string counter = ::testing::TempDir() + "isolated-pipeline-resets-" + std::to_string(::getpid());
  std::remove(counter.c_str());
  IsolationOptions o = options();
  o.stableResetMs = 0;  // any runOnce of a running child counts as stable
  IsolatedPipeline p(spec({{"transforms", "crash"},
                           {"transforms.crash.type", "isolation-crash-transform"},
                           {"transforms.crash.crash.at.record", "3"},
                           {"transforms.crash.crash.times", "2"},
                           {"transforms.crash.crash.count.file", counter}}),
                     o);
  ASSERT_TRUE(p.start().ok());
  // Each change of state: "running", or the trace while a restart is pending.
  std::vector<std::string> states;
  for (int i = 0; i < 2000 && states.size() < 5; ++i) {
    ASSERT_TRUE(p.runOnce(20).ok());
    std::string state = p.restartingTrace().empty() ? "running" : p.restartingTrace();
    if (states.empty() || states.back() != state) states.push_back(state);
  }
  const std::string crash = "task process died with SIGSEGV (Segmentation fault) in poll()/apply()/put(); ";
  EXPECT_EQ(states, (std::vector<std::string>{"running", crash + "restarting in 100 ms (attempt 1)", "running",
                                              crash + "restarting in 100 ms (attempt 1)", "running"}));
  p.stop();
  p.close();
  EXPECT_TRUE(noChildrenLeft());
  std::remove(counter.c_str());
}

TEST_F(IsolatedPipelineIt, StopKillsAChildThatDoesNotAnswerWithinTheGracefulTimeout) {
  IsolationOptions o = options({"-c", "exec sleep 30"});  // never answers init
  o.gracefulStopMs = 300;
  IsolatedPipeline p(spec(), o);
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    p.stop();
  });
  ASSERT_TRUE(p.start().ok());  // returns once the stopped child was killed
  stopper.join();
  EXPECT_EQ(p.restartingTrace(), "");  // a task being stopped is not restarted
  p.close();
  EXPECT_TRUE(noChildrenLeft());
}

}  // namespace
}  // namespace sluice
