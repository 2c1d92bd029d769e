// file-sink through the real loader: one line per value, "null" for a null value, appends to what is
// there, flush() makes it visible and durable, and an unwritable path fails at create with the cause.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "plugin/plugin_instance.hpp"
#include "plugin/plugin_loader.hpp"

namespace sluice {
namespace {

namespace fs = std::filesystem;

class FileSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded = loadPluginFile(std::string(SLUICE_PLUGIN_DIR) + "/file-sink.so");
    ASSERT_TRUE(loaded.ok()) << loaded.error();
    ASSERT_EQ(loaded.value().size(), 1u);
    plugin_ = loaded.value()[0];
    char tmpl[] = "/tmp/sluice-file-sink-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/out.txt";
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string contents() const {
    std::ifstream f(path_, std::ios::binary);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
  }

  static sluice_status put(PluginInstance& inst, const std::vector<std::optional<std::string>>& values) {
    std::vector<sluice_record> records(values.size());
    std::vector<const sluice_record*> pointers;
    for (size_t i = 0; i < values.size(); ++i) {
      records[i].partition = -1;
      records[i].timestamp_ms = -1;
      records[i].kafka_offset = static_cast<int64_t>(i);
      if (values[i]) records[i].value = sluice_bytes{reinterpret_cast<const uint8_t*>(values[i]->data()), values[i]->size()};
      pointers.push_back(&records[i]);
    }
    return inst.put(pointers);
  }

  PluginPtr plugin_;
  std::string dir_, path_;
};

TEST_F(FileSinkTest, IsRegisteredUnderConnectsNames) {
  EXPECT_EQ(plugin_->name, "file-sink");
  EXPECT_EQ(plugin_->kind, SLUICE_KIND_SINK);
  std::vector<std::string> expected = {"FileStreamSink", "FileStreamSinkConnector", "org.apache.kafka.connect.file.FileStreamSinkConnector"};
  EXPECT_EQ(plugin_->aliases, expected);
}

TEST_F(FileSinkTest, WritesOneLinePerValueAndNullAsNull) {
  auto inst = PluginInstance::create(plugin_, {{"file", path_}});
  ASSERT_TRUE(inst.ok()) << inst.error();
  ASSERT_EQ(inst.value()->start(), SLUICE_OK) << inst.value()->error();
  ASSERT_EQ(put(*inst.value(), {std::string("line1"), std::nullopt, std::string(""), std::string(R"({"a":1})")}), SLUICE_OK);
  ASSERT_EQ(inst.value()->flush(), SLUICE_OK) << inst.value()->error();
  // Visible to another reader as soon as flush() returned OK.
  EXPECT_EQ(contents(), "line1\nnull\n\n{\"a\":1}\n");
}

TEST_F(FileSinkTest, AppendsToAnExistingFileAcrossInstances) {
  {
    std::ofstream f(path_);
    f << "existing\n";
  }
  for (const char* v : {"first", "second"}) {
    auto inst = PluginInstance::create(plugin_, {{"file", path_}});
    ASSERT_TRUE(inst.ok()) << inst.error();
    ASSERT_EQ(inst.value()->start(), SLUICE_OK);
    ASSERT_EQ(put(*inst.value(), {std::string(v)}), SLUICE_OK);
    ASSERT_EQ(inst.value()->flush(), SLUICE_OK) << inst.value()->error();
  }
  EXPECT_EQ(contents(), "existing\nfirst\nsecond\n");
}

TEST_F(FileSinkTest, ManyPutsBetweenFlushesKeepOrder) {
  auto inst = PluginInstance::create(plugin_, {{"file", path_}});
  ASSERT_TRUE(inst.ok()) << inst.error();
  ASSERT_EQ(inst.value()->start(), SLUICE_OK);
  std::string expected;
  for (int batch = 0; batch < 50; ++batch) {
    std::vector<std::optional<std::string>> values;
    for (int i = 0; i < 1000; ++i) {
      std::string v = std::to_string(batch) + ":" + std::to_string(i) + std::string(static_cast<size_t>(i % 40), 'z');
      expected += v + "\n";
      values.push_back(v);
    }
    ASSERT_EQ(put(*inst.value(), values), SLUICE_OK);
    if (batch % 10 == 9) {
      ASSERT_EQ(inst.value()->flush(), SLUICE_OK);
    }
  }
  EXPECT_EQ(contents(), expected);
}

TEST_F(FileSinkTest, AnUnwritablePathFailsCreateWithTheCause) {
  std::string missingDir = dir_ + "/no/such/dir/out.txt";
  auto inst = PluginInstance::create(plugin_, {{"file", missingDir}});
  ASSERT_FALSE(inst.ok());
  EXPECT_NE(inst.error().find("Couldn't find or create file '" + missingDir + "' for FileStreamSinkTask"), std::string::npos)
      << inst.error();
  EXPECT_NE(inst.error().find("No such file or directory"), std::string::npos) << inst.error();

  auto isDir = PluginInstance::create(plugin_, {{"file", dir_}});
  ASSERT_FALSE(isDir.ok());
  EXPECT_NE(isDir.error().find("Is a directory"), std::string::npos) << isDir.error();
}

}  // namespace
}  // namespace sluice
