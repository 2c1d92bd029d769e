// The file plugins and the SMTs inside the host's real Pipeline (no Kafka: the other end is a no-op
// fixture plugin): a FileStreamSource connector's offsets are committed under Connect's partition
// and resumed after a rebuild, and a FileStreamSink connector writes the transformed records.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "runtime/pipeline.hpp"

namespace sluice {
namespace {

namespace fs = std::filesystem;

class FilePipelineIt : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GT(registry_.scanDirectory(SLUICE_FIXTURE_DIR), 0u);
    ASSERT_GT(registry_.scanDirectory(SLUICE_PLUGIN_DIR), 0u);
    char tmpl[] = "/tmp/sluice-file-pipeline-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }

  Result<std::unique_ptr<Pipeline>> build(const std::map<std::string, std::string>& config) {
    spec_.connector = "files";
    spec_.config = config;
    spec_.worker = std::shared_ptr<const WorkerConfig>(std::shared_ptr<void>(), &worker_);  // borrowed: outlives the pipeline
    spec_.plugins = std::shared_ptr<PluginRegistry>(std::shared_ptr<void>(), &registry_);
    spec_.offsets = std::shared_ptr<OffsetStore>(std::shared_ptr<void>(), &offsets_);
    return Pipeline::build(spec_);
  }

  static void runUntil(Pipeline& p, uint64_t written) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (p.metrics().recordsWritten < written && std::chrono::steady_clock::now() < deadline) {
      auto r = p.runOnce(50);
      ASSERT_TRUE(r.ok()) << r.error();
    }
    ASSERT_EQ(p.metrics().recordsWritten, written);
  }

  static std::string readAll(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
  }

  PluginRegistry registry_;
  WorkerConfig worker_ = WorkerConfig::fromMap({{"offset.flush.interval.ms", "3600000"}});
  MemoryOffsetStore offsets_;
  PipelineSpec spec_;
  std::string dir_;
};

TEST_F(FilePipelineIt, SourceConnectorCommitsConnectOffsetsAndResumes) {
  std::string in = dir_ + "/in.txt";
  {
    std::ofstream f(in);
    f << "a\nbb\nccc\n";
  }
  std::map<std::string, std::string> config = {{"connector.class", "org.apache.kafka.connect.file.FileStreamSourceConnector"},
                                               {"file", in},
                                               {"topic", "lines"},
                                               {"sluice.sink.class", "noop-sink"},
                                               {"transforms", "MakeMap"},
                                               {"transforms.MakeMap.type", "HoistField$Value"},
                                               {"transforms.MakeMap.field", "line"}};
  std::string partition = nlohmann::json{{"filename", in}}.dump();
  {
    auto p = build(config);
    ASSERT_TRUE(p.ok()) << p.error();
    ASSERT_TRUE(p.value()->start().ok());
    runUntil(*p.value(), 3);
    ASSERT_TRUE(p.value()->commit().ok());
    EXPECT_EQ(offsets_.read("files", partition).value_or(""), R"({"position":9})");
    p.value()->stop();
    p.value()->close();
  }
  {
    std::ofstream f(in, std::ios::app);
    f << "dddd\n";
  }
  auto p = build(config);
  ASSERT_TRUE(p.ok()) << p.error();
  ASSERT_TRUE(p.value()->start().ok());
  runUntil(*p.value(), 1);  // only the new line: the first three were committed
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(p.value()->runOnce(20).ok());
  EXPECT_EQ(p.value()->metrics().recordsWritten, 1u);
  ASSERT_TRUE(p.value()->commit().ok());
  EXPECT_EQ(offsets_.read("files", partition).value_or(""), R"({"position":14})");
  p.value()->stop();
  p.value()->close();
}

TEST_F(FilePipelineIt, SinkConnectorWritesTransformedRecords) {
  std::string out = dir_ + "/out.txt";
  auto p = build({{"connector.class", "FileStreamSink"},
                  {"file", out},
                  {"topics", "noop"},
                  {"sluice.source.class", "noop-source"},
                  {"max.records", "3"},
                  {"poll.interval.ms", "0"},
                  {"value.converter", "org.apache.kafka.connect.storage.StringConverter"},
                  {"transforms", "MakeMap,InsertSource"},
                  {"transforms.MakeMap.type", "org.apache.kafka.connect.transforms.HoistField$Value"},
                  {"transforms.MakeMap.field", "line"},
                  {"transforms.InsertSource.type", "org.apache.kafka.connect.transforms.InsertField$Value"},
                  {"transforms.InsertSource.static.field", "data_source"},
                  {"transforms.InsertSource.static.value", "test-file-source"}});
  ASSERT_TRUE(p.ok()) << p.error();
  ASSERT_TRUE(p.value()->start().ok());
  runUntil(*p.value(), 3);
  ASSERT_TRUE(p.value()->commit().ok());  // flushes the sink: the lines are on disk now
  // noop-source values are "record-<n>" (tests/fixtures/noop_source.c).
  EXPECT_EQ(readAll(out),
            "{\"line\":\"record-0\",\"data_source\":\"test-file-source\"}\n"
            "{\"line\":\"record-1\",\"data_source\":\"test-file-source\"}\n"
            "{\"line\":\"record-2\",\"data_source\":\"test-file-source\"}\n");
  p.value()->stop();
  p.value()->close();
}

}  // namespace
}  // namespace sluice
