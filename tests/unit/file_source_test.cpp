// file-source through the real loader: Connect's FileStreamSource records and offsets, resume from a
// committed offset, tailing at EOF, waiting for a missing file, and stop() unblocking poll().
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "plugin/plugin_instance.hpp"
#include "plugin/plugin_loader.hpp"
#include "plugin/record_batch.hpp"

namespace sluice {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct Line {
  std::string value;
  json partition;
  json offset;
  std::string topic;
  bool keyIsNull;
  int64_t timestamp;
};

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string str(sluice_bytes b) { return b.data ? std::string(reinterpret_cast<const char*>(b.data), b.len) : std::string(); }

class FileSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded = loadPluginFile(std::string(SLUICE_PLUGIN_DIR) + "/file-source.so");
    ASSERT_TRUE(loaded.ok()) << loaded.error();
    ASSERT_EQ(loaded.value().size(), 1u);
    plugin_ = loaded.value()[0];
    char tmpl[] = "/tmp/sluice-file-source-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/input.txt";
  }
  void TearDown() override { fs::remove_all(dir_); }

  void append(const std::string& data) {
    std::ofstream f(path_, std::ios::binary | std::ios::app);
    f << data;
  }

  PluginInstancePtr start(std::map<std::string, std::string> props, HostContext::OffsetReader offsets = {}) {
    auto inst = PluginInstance::create(plugin_, props, std::move(offsets));
    EXPECT_TRUE(inst.ok()) << (inst.ok() ? "" : inst.error());
    if (!inst.ok()) return nullptr;
    EXPECT_EQ(inst.value()->start(), SLUICE_OK) << inst.value()->error();
    return std::move(inst.value());
  }

  static std::vector<Line> pollOnce(PluginInstance& inst, int32_t timeoutMs) {
    RecordBatch batch;
    EXPECT_EQ(inst.poll(batch, timeoutMs), SLUICE_OK) << inst.error();
    std::vector<Line> out;
    for (const auto& r : batch.records())
      out.push_back({str(r.value), r.source_partition.data ? json::parse(str(r.source_partition)) : json(),
                     r.source_offset.data ? json::parse(str(r.source_offset)) : json(), str(r.topic), r.key.data == nullptr, r.timestamp_ms});
    return out;
  }

  // Polls until `count` lines arrived or 10 s passed.
  static std::vector<Line> pollUntil(PluginInstance& inst, size_t count) {
    std::vector<Line> all;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (all.size() < count && std::chrono::steady_clock::now() < deadline) {
      auto got = pollOnce(inst, 100);
      all.insert(all.end(), got.begin(), got.end());
    }
    return all;
  }

  PluginPtr plugin_;
  std::string dir_, path_;
};

TEST_F(FileSourceTest, IsRegisteredUnderConnectsNames) {
  EXPECT_EQ(plugin_->name, "file-source");
  EXPECT_EQ(plugin_->kind, SLUICE_KIND_SOURCE);
  std::vector<std::string> expected = {"FileStreamSource", "FileStreamSourceConnector",
                                       "org.apache.kafka.connect.file.FileStreamSourceConnector"};
  EXPECT_EQ(plugin_->aliases, expected);
}

TEST_F(FileSourceTest, EmitsLinesWithConnectsPartitionAndByteOffsets) {
  // Terminators as Connect accepts them: \n, \r\n and a lone \r. The last line has none yet.
  append("one\ntwo\r\nthree\rfour\n\nfive");
  auto inst = start({{"file", path_}, {"topic", "lines"}});
  int64_t before = nowMs();
  auto lines = pollUntil(*inst, 5);
  int64_t after = nowMs();
  ASSERT_EQ(lines.size(), 5u);
  const std::vector<std::pair<std::string, int64_t>> expected = {{"one", 4}, {"two", 9}, {"three", 15}, {"four", 20}, {"", 21}};
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(lines[i].value, expected[i].first) << i;
    EXPECT_EQ(lines[i].offset, json({{"position", expected[i].second}})) << i;
    EXPECT_EQ(lines[i].partition, json({{"filename", path_}})) << i;
    EXPECT_EQ(lines[i].topic, "lines");
    EXPECT_TRUE(lines[i].keyIsNull);
    // Connect stamps source lines with the time they were read.
    EXPECT_GE(lines[i].timestamp, before);
    EXPECT_LE(lines[i].timestamp, after);
  }
  // "five" has no terminator: nothing more until one arrives.
  EXPECT_TRUE(pollOnce(*inst, 50).empty());
  append("\n");
  auto last = pollUntil(*inst, 1);
  ASSERT_EQ(last.size(), 1u);
  EXPECT_EQ(last[0].value, "five");
  EXPECT_EQ(last[0].offset, json({{"position", 26}}));
}

TEST_F(FileSourceTest, BatchSizeCapsOnePoll) {
  std::string data;
  for (int i = 0; i < 10; ++i) data += "line" + std::to_string(i) + "\n";
  append(data);
  auto inst = start({{"file", path_}, {"topic", "t"}, {"batch.size", "3"}});
  auto first = pollOnce(*inst, 1000);
  EXPECT_EQ(first.size(), 3u);
  auto rest = pollUntil(*inst, 7);
  ASSERT_EQ(rest.size(), 7u);
  EXPECT_EQ(rest.back().value, "line9");
}

TEST_F(FileSourceTest, ResumesAfterTheCommittedOffset) {
  append("alpha\nbeta\ngamma\n");
  std::string askedFor;
  auto inst = start({{"file", path_}, {"topic", "t"}}, [&](const std::string& partition) -> std::optional<std::string> {
    askedFor = partition;
    return std::string(R"({"position":6})");  // just after "alpha\n"
  });
  EXPECT_EQ(json::parse(askedFor), json({{"filename", path_}}));
  auto lines = pollUntil(*inst, 2);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].value, "beta");
  EXPECT_EQ(lines[0].offset, json({{"position", 11}}));
  EXPECT_EQ(lines[1].value, "gamma");
  EXPECT_EQ(lines[1].offset, json({{"position", 17}}));
}

TEST_F(FileSourceTest, ACorruptCommittedOffsetFailsStartWithAMessage) {
  append("x\n");
  auto inst = PluginInstance::create(plugin_, {{"file", path_}, {"topic", "t"}},
                                     [](const std::string&) -> std::optional<std::string> { return std::string("{\"pos\":\"x\"}"); });
  ASSERT_TRUE(inst.ok()) << inst.error();
  EXPECT_NE(inst.value()->start(), SLUICE_OK);
  EXPECT_NE(inst.value()->error().find("Unexpected offset"), std::string::npos) << inst.value()->error();
}

TEST_F(FileSourceTest, TailsTheFileAndReturnsWithinTheTimeout) {
  append("first\n");
  auto inst = start({{"file", path_}, {"topic", "t"}});
  ASSERT_EQ(pollUntil(*inst, 1).size(), 1u);
  auto before = std::chrono::steady_clock::now();
  EXPECT_TRUE(pollOnce(*inst, 300).empty());
  auto took = std::chrono::steady_clock::now() - before;
  EXPECT_GE(took, std::chrono::milliseconds(250));
  EXPECT_LT(took, std::chrono::milliseconds(2000));
  append("second\nthird\n");
  auto more = pollUntil(*inst, 2);
  ASSERT_EQ(more.size(), 2u);
  EXPECT_EQ(more[0].value, "second");
  EXPECT_EQ(more[1].value, "third");
  EXPECT_EQ(more[1].offset, json({{"position", 19}}));
}

TEST_F(FileSourceTest, WaitsForAMissingFileToAppear) {
  auto inst = start({{"file", path_}, {"topic", "t"}});
  EXPECT_TRUE(pollOnce(*inst, 100).empty());
  append("late\n");
  auto lines = pollUntil(*inst, 1);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].value, "late");
}

TEST_F(FileSourceTest, StopUnblocksAPollFromAnotherThread) {
  append("only\n");
  auto inst = start({{"file", path_}, {"topic", "t"}});
  ASSERT_EQ(pollUntil(*inst, 1).size(), 1u);
  auto before = std::chrono::steady_clock::now();
  std::thread poller([&] { pollOnce(*inst, 30000); });
  inst->stop();
  poller.join();
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(5));
}

TEST_F(FileSourceTest, ALineLongerThanTheReadBufferArrivesWhole) {
  std::string longLine(3 * 1024 * 1024 + 17, 'x');
  for (size_t i = 0; i < longLine.size(); i += 4096) longLine[i] = static_cast<char>('a' + (i / 4096) % 26);
  append(longLine + "\nshort\n");
  auto inst = start({{"file", path_}, {"topic", "t"}});
  auto lines = pollUntil(*inst, 2);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].value, longLine);
  EXPECT_EQ(lines[0].offset, json({{"position", static_cast<int64_t>(longLine.size() + 1)}}));
  EXPECT_EQ(lines[1].value, "short");
}

TEST_F(FileSourceTest, ReadsStdinWhenNoFileIsGivenWithoutOffsets) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  int savedStdin = dup(STDIN_FILENO);
  ASSERT_GE(savedStdin, 0);
  ASSERT_EQ(dup2(fds[0], STDIN_FILENO), STDIN_FILENO);
  close(fds[0]);
  {
    auto inst = start({{"topic", "t"}});
    EXPECT_TRUE(pollOnce(*inst, 50).empty());  // an empty pipe: poll returns within its timeout
    std::string data = "from\nstdin\n";
    ASSERT_EQ(write(fds[1], data.data(), data.size()), static_cast<ssize_t>(data.size()));
    auto lines = pollUntil(*inst, 2);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0].value, "from");
    EXPECT_EQ(lines[1].value, "stdin");
    // Connect tracks no offsets for stdin.
    EXPECT_TRUE(lines[1].partition.is_null());
    EXPECT_TRUE(lines[1].offset.is_null());
  }
  close(fds[1]);
  dup2(savedStdin, STDIN_FILENO);
  close(savedStdin);
}

// Connect runs FileStreamSource with a single task; extra tasks the host starts must not duplicate lines.
TEST_F(FileSourceTest, OnlyTaskZeroReads) {
  append("x\ny\n");
  auto second = start({{"file", path_}, {"topic", "t"}, {"task.id", "1"}});
  EXPECT_TRUE(pollOnce(*second, 100).empty());
  auto first = start({{"file", path_}, {"topic", "t"}, {"task.id", "0"}});
  EXPECT_EQ(pollUntil(*first, 2).size(), 2u);
  EXPECT_TRUE(pollOnce(*second, 50).empty());
}

TEST_F(FileSourceTest, TopicIsRequired) {
  auto inst = PluginInstance::create(plugin_, {{"file", path_}});
  ASSERT_FALSE(inst.ok());
  EXPECT_NE(inst.error().find("Missing required configuration \"topic\""), std::string::npos) << inst.error();
}

TEST_F(FileSourceTest, AnUnreadableFileFailsWithTheReason) {
  fs::create_directory(path_);  // a directory cannot be read as lines
  auto inst = start({{"file", path_}, {"topic", "t"}});
  RecordBatch batch;
  EXPECT_EQ(inst->poll(batch, 100), SLUICE_ERR_FATAL);
  EXPECT_NE(inst->error().find(path_), std::string::npos) << inst->error();
}

}  // namespace
}  // namespace sluice
