// The registry: names and aliases, duplicates across files, and a .so dropped into a watched folder
// registered without a restart while a refused one never disturbs the rest.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "plugin/plugin_registry.hpp"
#include "plugin/plugin_watcher.hpp"

namespace fs = std::filesystem;

namespace sluice {
namespace {

std::string fixture(const std::string& name) { return std::string(SLUICE_FIXTURE_DIR) + "/" + name + ".so"; }

class TempDir {
 public:
  TempDir() : path_(fs::temp_directory_path() / ("sluice-registry-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++))) {
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  static inline int counter_ = 0;
  fs::path path_;
};

TEST(PluginRegistry, FindsByNameAndAlias) {
  PluginRegistry r;
  EXPECT_EQ(r.loadFile(fixture("noop_source")), "");
  ASSERT_NE(r.find("noop-source"), nullptr);
  EXPECT_EQ(r.find("NoopSource"), r.find("noop-source"));
  EXPECT_EQ(r.find("noop"), nullptr);
}

TEST(PluginRegistry, RefusesADuplicateNameFromAnotherFile) {
  TempDir dir;
  fs::copy_file(fixture("noop_source"), dir.path() / "a.so");
  fs::copy_file(fixture("noop_source"), dir.path() / "b.so");
  PluginRegistry r;
  EXPECT_EQ(r.scanDirectory(dir.path().string()), 2u);
  ASSERT_EQ(r.plugins().size(), 1u);
  ASSERT_EQ(r.refused().size(), 1u);
  std::string a = fs::absolute(dir.path() / "a.so").string();
  EXPECT_EQ(r.refused()[0].reason,
            fs::absolute(dir.path() / "b.so").string() + ": duplicate plugin name or alias 'noop-source' (already provided by " + a + ")");
}

TEST(PluginRegistry, ScanSkipsFilesAlreadySeen) {
  TempDir dir;
  fs::copy_file(fixture("noop_sink"), dir.path() / "sink.so");
  fs::copy_file(fixture("missing_entry"), dir.path() / "broken.so");
  PluginRegistry r;
  EXPECT_EQ(r.scanDirectory(dir.path().string()), 2u);
  EXPECT_EQ(r.scanDirectory(dir.path().string()), 0u) << "a refused file is looked at (and logged) once";
  EXPECT_EQ(r.refused().size(), 1u);
  EXPECT_NE(r.find("noop-sink"), nullptr);
}

TEST(PluginWatcher, RegistersADroppedInPluginWithinTwoSeconds) {
  TempDir dir;
  PluginRegistry r;
  PluginWatcher watcher(r, {dir.path().string()}, 200);
  // A broken plugin first: it must be refused without disturbing the watcher.
  fs::copy_file(fixture("abi_major_mismatch"), dir.path() / "broken.so");
  fs::copy_file(fixture("noop_transform"), dir.path() / "noop_transform.so");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (!r.find("noop-transform") && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_NE(r.find("noop-transform"), nullptr);
  ASSERT_EQ(r.refused().size(), 1u);
  EXPECT_NE(r.refused()[0].reason.find("ABI major version 2"), std::string::npos);
}

}  // namespace
}  // namespace sluice
