// file-source -> file-sink with no Kafka in between: both plugins loaded through dlopen and driven
// through PluginInstance + RecordBatch, as a pipeline does. A million lines come out byte for byte as
// they went in, and a source restarted from a committed offset neither loses nor repeats a line.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>

#include "plugin/plugin_instance.hpp"
#include "plugin/plugin_loader.hpp"
#include "plugin/record_batch.hpp"

namespace sluice {
namespace {

namespace fs = std::filesystem;

PluginPtr loadOne(const std::string& file) {
  auto loaded = loadPluginFile(std::string(SLUICE_PLUGIN_DIR) + "/" + file);
  EXPECT_TRUE(loaded.ok()) << (loaded.ok() ? "" : loaded.error());
  return loaded.ok() ? loaded.value().at(0) : nullptr;
}

std::string readAll(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// Varied lines: empty ones, long ones, JSON, UTF-8, every one distinct.
std::string makeInput(size_t lines) {
  std::string data;
  data.reserve(lines * 40);
  for (size_t i = 0; i < lines; ++i) {
    switch (i % 5) {
      case 0: data += "line " + std::to_string(i); break;
      case 1: data += "{\"id\":" + std::to_string(i) + ",\"name\":\"caf\xc3\xa9\"}"; break;
      case 2: break;  // empty line
      case 3: data += std::string(i % 97, 'x') + std::to_string(i); break;
      default: data += "\t" + std::to_string(i * 7919) + " tab-led"; break;
    }
    data += '\n';
  }
  return data;
}

class FileRoundTripIt : public ::testing::Test {
 protected:
  void SetUp() override {
    source_ = loadOne("file-source.so");
    sink_ = loadOne("file-sink.so");
    ASSERT_TRUE(source_ && sink_);
    char tmpl[] = "/tmp/sluice-file-roundtrip-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    in_ = dir_ + "/in.txt";
    out_ = dir_ + "/out.txt";
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Moves `lines` records from source to sink; returns the last source offset seen (JSON).
  static std::string pump(PluginInstance& source, PluginInstance& sink, size_t lines) {
    RecordBatch batch;
    size_t moved = 0;
    std::string lastOffset;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (moved < lines && std::chrono::steady_clock::now() < deadline) {
      batch.clear();
      EXPECT_EQ(source.poll(batch, 100), SLUICE_OK) << source.error();
      if (batch.empty()) continue;
      size_t take = std::min(batch.size(), lines - moved);
      std::span<const sluice_record* const> records(batch.pointers().data(), take);
      EXPECT_EQ(sink.put(records), SLUICE_OK) << sink.error();
      const sluice_record& last = batch[take - 1];
      lastOffset.assign(reinterpret_cast<const char*>(last.source_offset.data), last.source_offset.len);
      moved += take;
    }
    EXPECT_EQ(moved, lines);
    return lastOffset;
  }

  PluginPtr source_, sink_;
  std::string dir_, in_, out_;
};

TEST_F(FileRoundTripIt, AMillionLinesComeOutExactlyAsTheyWentIn) {
  constexpr size_t kLines = 1'000'000;
  std::string input = makeInput(kLines);
  {
    std::ofstream f(in_, std::ios::binary);
    f << input;
  }
  auto source = PluginInstance::create(source_, {{"file", in_}, {"topic", "lines"}, {"batch.size", "2000"}});
  ASSERT_TRUE(source.ok()) << source.error();
  auto sink = PluginInstance::create(sink_, {{"file", out_}});
  ASSERT_TRUE(sink.ok()) << sink.error();
  ASSERT_EQ(source.value()->start(), SLUICE_OK) << source.value()->error();
  ASSERT_EQ(sink.value()->start(), SLUICE_OK) << sink.value()->error();

  auto began = std::chrono::steady_clock::now();
  std::string lastOffset = pump(*source.value(), *sink.value(), kLines);
  ASSERT_EQ(sink.value()->flush(), SLUICE_OK) << sink.value()->error();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  std::cout << "[ round trip ] " << kLines << " lines in " << seconds << " s (" << static_cast<int64_t>(kLines / seconds)
            << " lines/s)\n";

  EXPECT_EQ(lastOffset, "{\"position\":" + std::to_string(input.size()) + "}");
  std::string output = readAll(out_);
  ASSERT_EQ(output.size(), input.size());
  EXPECT_TRUE(output == input);
}

TEST_F(FileRoundTripIt, ARestartFromTheCommittedOffsetNeitherLosesNorRepeats) {
  constexpr size_t kLines = 100'000;
  constexpr size_t kBeforeRestart = 43'210;
  std::string input = makeInput(kLines);
  {
    std::ofstream f(in_, std::ios::binary);
    f << input;
  }
  auto sink = PluginInstance::create(sink_, {{"file", out_}});
  ASSERT_TRUE(sink.ok()) << sink.error();
  ASSERT_EQ(sink.value()->start(), SLUICE_OK);

  std::string committed;
  {
    auto source = PluginInstance::create(source_, {{"file", in_}, {"topic", "lines"}, {"batch.size", "777"}});
    ASSERT_TRUE(source.ok()) << source.error();
    ASSERT_EQ(source.value()->start(), SLUICE_OK);
    committed = pump(*source.value(), *sink.value(), kBeforeRestart);
    ASSERT_EQ(sink.value()->flush(), SLUICE_OK);
  }  // the first source is stopped and destroyed here, like a task restart

  std::string partitionAsked;
  auto source = PluginInstance::create(source_, {{"file", in_}, {"topic", "lines"}},
                                       [&](const std::string& partition) -> std::optional<std::string> {
                                         partitionAsked = partition;
                                         return committed;
                                       });
  ASSERT_TRUE(source.ok()) << source.error();
  ASSERT_EQ(source.value()->start(), SLUICE_OK) << source.value()->error();
  EXPECT_NE(partitionAsked.find(in_), std::string::npos);
  pump(*source.value(), *sink.value(), kLines - kBeforeRestart);
  ASSERT_EQ(sink.value()->flush(), SLUICE_OK);
  EXPECT_TRUE(readAll(out_) == input);
}

}  // namespace
}  // namespace sluice
