// The pipeline (source -> transforms -> converters -> sink) driven with the fixture plugins through
// the real loader: counts, offsets committed only at commit(), resume from committed offsets, and
// failures reported with the plugin's own message.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "fake_retry_clock.hpp"
#include "runtime/pipeline.hpp"

namespace sluice {
namespace {

class PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_GT(registry_.scanDirectory(SLUICE_FIXTURE_DIR), 0u); }

  Result<std::unique_ptr<Pipeline>> build(std::map<std::string, std::string> config) {
    config.emplace("sluice.sink.class", "noop-sink");
    spec_.connector = "c1";
    spec_.config = config;
    spec_.worker = std::shared_ptr<const WorkerConfig>(std::shared_ptr<void>(), &worker_);  // borrowed: outlives the pipeline
    spec_.plugins = std::shared_ptr<PluginRegistry>(std::shared_ptr<void>(), &registry_);
    spec_.offsets = std::shared_ptr<OffsetStore>(std::shared_ptr<void>(), &offsets_);
    return Pipeline::build(spec_);
  }

  // Runs until `written` records reached the sink or 5 s passed.
  void runUntil(Pipeline& p, uint64_t written) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (p.metrics().recordsWritten < written && std::chrono::steady_clock::now() < deadline) ASSERT_TRUE(p.runOnce(50).ok());
  }

  PluginRegistry registry_;
  WorkerConfig worker_ = WorkerConfig::fromMap({{"offset.flush.interval.ms", "3600000"}});
  MemoryOffsetStore offsets_;
  PipelineSpec spec_;
};

TEST_F(PipelineTest, DeliversEveryRecordAndCommitsOffsetsOnlyAtCommit) {
  auto p = build({{"connector.class", "NoopSource"}, {"max.records", "5"}, {"poll.interval.ms", "0"}});
  ASSERT_TRUE(p.ok()) << p.error();
  ASSERT_TRUE(p.value()->start().ok());
  runUntil(*p.value(), 5);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(p.value()->runOnce(10).ok());  // no more than max.records
  EXPECT_EQ(p.value()->metrics().recordsWritten, 5u);
  EXPECT_FALSE(offsets_.read("c1", "{\"source\":\"noop\"}").has_value()) << "offsets must wait for the sink's flush";
  ASSERT_TRUE(p.value()->commit().ok());
  EXPECT_EQ(offsets_.read("c1", "{\"source\":\"noop\"}").value_or(""), "{\"position\":4}");
  EXPECT_EQ(p.value()->activeTopics(), std::vector<std::string>{"noop"});
}

TEST_F(PipelineTest, ResumesFromTheCommittedOffset) {
  offsets_.write("c1", "{\"source\":\"noop\"}", "{\"position\":6}");
  auto p = build({{"connector.class", "noop-source"}, {"max.records", "10"}, {"poll.interval.ms", "0"}});
  ASSERT_TRUE(p.ok()) << p.error();
  ASSERT_TRUE(p.value()->start().ok());
  runUntil(*p.value(), 3);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(p.value()->runOnce(10).ok());
  EXPECT_EQ(p.value()->metrics().recordsWritten, 3u) << "records 7, 8 and 9 remain after position 6";
  ASSERT_TRUE(p.value()->commit().ok());
  EXPECT_EQ(offsets_.read("c1", "{\"source\":\"noop\"}").value_or(""), "{\"position\":9}");
}

TEST_F(PipelineTest, RunsTheTransformChain) {
  auto p = build({{"connector.class", "noop-source"},
                  {"max.records", "4"},
                  {"poll.interval.ms", "0"},
                  {"transforms", "a, b"},
                  {"transforms.a.type", "noop-transform"},
                  {"transforms.b.type", "noop-transform"},
                  {"transforms.b.predicate", "isNoop"},
                  {"predicates", "isNoop"},
                  {"predicates.isNoop.type", "org.apache.kafka.connect.transforms.predicates.TopicNameMatches"},
                  {"predicates.isNoop.pattern", "no+p"}});
  ASSERT_TRUE(p.ok()) << p.error();
  ASSERT_TRUE(p.value()->start().ok());
  runUntil(*p.value(), 4);
  EXPECT_EQ(p.value()->metrics().recordsWritten, 4u);
}

// errors.retry.*: a transform's RetriableError (SLUICE_RETRY) is retried within errors.retry.timeout.
std::map<std::string, std::string> flaky(std::map<std::string, std::string> extra) {
  std::map<std::string, std::string> c = {{"connector.class", "noop-source"}, {"max.records", "4"}, {"poll.interval.ms", "0"},
                                          {"transforms", "flaky"}, {"transforms.flaky.type", "flaky-transform"},
                                          {"transforms.flaky.emit.before.failing", "true"}};
  for (auto& [k, v] : extra) c[k] = v;
  return c;
}

TEST_F(PipelineTest, RetriableTransformErrorsAreRetriedWithinTheRetryTimeout) {
  auto p = build(flaky({{"errors.retry.timeout", "10000"}, {"errors.retry.delay.max.ms", "5"}}));
  ASSERT_TRUE(p.ok()) << p.error();
  ASSERT_TRUE(p.value()->start().ok());
  runUntil(*p.value(), 4);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(p.value()->runOnce(10).ok());
  // Two refusals per record, each after emitting a copy: only the successful attempt's output counts.
  EXPECT_EQ(p.value()->metrics().recordsWritten, 4u);
  EXPECT_EQ(p.value()->metrics().errorsTolerated, 0u);
}

TEST_F(PipelineTest, WithoutRetryTimeoutARetriableTransformErrorFailsTheTask) {
  auto p = build(flaky({}));  // errors.retry.timeout defaults to 0: no retry, as in Connect
  ASSERT_TRUE(p.ok()) << p.error();
  ASSERT_TRUE(p.value()->start().ok());
  Result<bool> ran = true;
  for (int i = 0; i < 50 && ran.ok(); ++i) ran = p.value()->runOnce(10);
  ASSERT_FALSE(ran.ok());
  EXPECT_NE(ran.error().find("Tolerance exceeded in error handler"), std::string::npos) << ran.error();
  EXPECT_NE(ran.error().find("flaky-transform: refused (attempt 1)"), std::string::npos) << ran.error();
  EXPECT_EQ(p.value()->metrics().recordsWritten, 0u);
}

TEST_F(PipelineTest, ExhaustedRetriesAreToleratedWithToleranceAll) {
  auto p = build(flaky({{"transforms.flaky.failures.per.record", "-1"},
                        {"errors.retry.timeout", "50"},
                        {"errors.retry.delay.max.ms", "5"},
                        {"errors.tolerance", "all"}}));
  ASSERT_TRUE(p.ok()) << p.error();
  ASSERT_TRUE(p.value()->start().ok());
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (p.value()->metrics().errorsTolerated < 4 && std::chrono::steady_clock::now() < deadline) ASSERT_TRUE(p.value()->runOnce(10).ok());
  EXPECT_EQ(p.value()->metrics().errorsTolerated, 4u);
  EXPECT_EQ(p.value()->metrics().recordsWritten, 0u) << "a record that failed yields nothing, not its partial output";
}

// A source whose poll() returns RETRY is polled again only after the retry backoff, not in a spin.
TEST_F(PipelineTest, ASourceThatAsksForRetryIsPolledAfterABackoffNotInASpin) {
  auto clock = std::make_shared<FakeRetryClock>();
  spec_.clock = clock;
  std::string callsFile = (std::filesystem::temp_directory_path() / ("retry-source-" + std::to_string(::getpid()))).string();
  auto p = build({{"connector.class", "retry-source"}, {"calls.file", callsFile}});
  ASSERT_TRUE(p.ok()) << p.error();
  ASSERT_TRUE(p.value()->start().ok());
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(p.value()->runOnce(50).ok());
  long calls = 0;
  std::ifstream(callsFile) >> calls;
  std::filesystem::remove(callsFile);
  // 20 loop turns of 50 ms: a poll at 0 ms, then 300 ms later, then the next is due at 900 ms.
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(clock->sleeps(), std::vector<int64_t>(18, 50)) << "the loop waits in steps of its poll timeout";
}

// Source positions are checked where the plugin hands them over: a bad one fails the task with a
// trace naming the plugin and the flaw, and is never stored.
TEST_F(PipelineTest, ASourcePositionThatIsNotAUtf8JsonObjectFailsTheTaskNamingThePlugin) {
  for (auto [flaw, expected] : {std::pair{"invalid-utf8", "bad-offset-source: poll emitted an invalid record: source_offset is not valid UTF-8"},
                                std::pair{"not-object", "bad-offset-source: poll emitted an invalid record: source_offset is not a JSON object"},
                                std::pair{"too-large", "bad-offset-source: poll emitted an invalid record: source_partition is 102400 bytes"}}) {
    auto p = build({{"connector.class", "bad-offset-source"}, {"flaw", flaw}});
    ASSERT_TRUE(p.ok()) << p.error();
    ASSERT_TRUE(p.value()->start().ok());
    auto ran = p.value()->runOnce(50);
    ASSERT_FALSE(ran.ok()) << flaw;
    EXPECT_NE(ran.error().find(expected), std::string::npos) << ran.error();
    EXPECT_FALSE(p.value()->commit().ok());
    EXPECT_TRUE(offsets_.all("c1").empty()) << "nothing of a refused record is stored";
    p.value()->close();
  }
}

// A plugin's record_size bounds what the host reads of each record it emits (the fixture's records
// end at a PROT_NONE page).
TEST_F(PipelineTest, RecordsEmittedAtThePluginsRecordSizeAreReadNoFurther) {
  auto p = build({{"connector.class", "page-end-source"}, {"max.records", "3"}});
  ASSERT_TRUE(p.ok()) << p.error();
  ASSERT_TRUE(p.value()->start().ok());
  runUntil(*p.value(), 3);
  EXPECT_EQ(p.value()->metrics().recordsWritten, 3u);
}

TEST_F(PipelineTest, RefusesUnknownTransformWithConnectMessage) {
  auto p = build({{"connector.class", "noop-source"}, {"transforms", "x"}, {"transforms.x.type", "com.example.Nope"}});
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error(), "Invalid value com.example.Nope for configuration transforms.x.type: Class com.example.Nope could not be found.");
}

TEST_F(PipelineTest, ReportsCreateFailureWithThePluginsMessage) {
  auto p = build({{"connector.class", "noop-source"}, {"sluice.sink.class", "create-fails"}});
  spec_.config["sluice.sink.class"] = "create-fails";
  p = Pipeline::build(spec_);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error(), "create-fails: create failed: create-fails refuses every configuration");
}

TEST_F(PipelineTest, ReportsAnExceptionThrownInStart) {
  auto p = build({{"connector.class", "throws-in-start"}});
  ASSERT_TRUE(p.ok()) << p.error();
  auto started = p.value()->start();
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.error(), "throws-in-start: start failed: throws-in-start always throws in start()");
}

TEST_F(PipelineTest, StopUnblocksAndCloseIsIdempotent) {
  auto p = build({{"connector.class", "noop-source"}, {"poll.interval.ms", "100000"}});
  ASSERT_TRUE(p.ok()) << p.error();
  ASSERT_TRUE(p.value()->start().ok());
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    p.value()->stop();
  });
  auto begin = std::chrono::steady_clock::now();
  ASSERT_TRUE(p.value()->runOnce(60000).ok());
  stopper.join();
  EXPECT_LT(std::chrono::steady_clock::now() - begin, std::chrono::seconds(5));
  p.value()->close();
  p.value()->close();
}

}  // namespace
}  // namespace sluice
