// The registry: names and aliases, duplicates across files, and a .so dropped into a watched folder
// registered without a restart while a refused one never disturbs the rest.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "plugin/plugin_instance.hpp"
#include "plugin/plugin_registry.hpp"
#include "plugin/plugin_watcher.hpp"

namespace fs = std::filesystem;

namespace sluice {
namespace {

std::string fixture(const std::string& name) { return std::string(SLUICE_FIXTURE_DIR) + "/" + name + ".so"; }

std::string versioned(int version) { return std::string(SLUICE_FIXTURE_DIR) + "/versioned/versioned_v" + std::to_string(version) + ".so"; }

std::string readAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// As cp(1) does to an existing destination: truncate, then write, in place (same inode).
void overwriteInPlace(const fs::path& path, const std::string& bytes) {
  int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CREAT, 0755);
  ASSERT_GE(fd, 0) << path;
  ASSERT_EQ(::write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  ::close(fd);
}

void append(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::app);
  out << bytes;
}

// The value of one record polled from a started versioned-source instance: its version.
std::string pollVersion(PluginInstance& instance) {
  RecordBatch batch;
  if (instance.poll(batch, 100) != SLUICE_OK || batch.size() != 1) return "(poll failed: " + instance.error() + ")";
  return std::string(reinterpret_cast<const char*>(batch[0].value.data), batch[0].value.len);
}

PluginInstancePtr startInstance(const PluginPtr& plugin) {
  auto inst = PluginInstance::create(plugin, {{"poll.interval.ms", "0"}});
  EXPECT_TRUE(inst.ok()) << inst.error();
  if (!inst.ok()) return nullptr;
  EXPECT_EQ(inst.value()->start(), SLUICE_OK);
  return std::move(inst.value());
}

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

// cp over a loaded plugin: the file is loaded again as a new version; a task started before
// keeps running the old image, one started after runs the new one.
TEST(PluginRegistry, ReloadsAFileOverwrittenInPlaceAsANewVersion) {
  TempDir dir;
  fs::path file = dir.path() / "versioned.so";
  fs::copy_file(versioned(1), file);
  PluginRegistry r;
  EXPECT_EQ(r.scanDirectory(dir.path().string()), 1u);
  ASSERT_NE(r.find("versioned-source"), nullptr);
  EXPECT_EQ(r.find("versioned-source")->version, "1.0.0");
  auto running = startInstance(r.find("versioned-source"));
  ASSERT_NE(running, nullptr);
  EXPECT_EQ(pollVersion(*running), "1.0.0");

  overwriteInPlace(file, readAll(versioned(2)));
  EXPECT_EQ(pollVersion(*running), "1.0.0") << "the running instance's code must not change under it";
  EXPECT_EQ(r.scanDirectory(dir.path().string()), 1u);
  ASSERT_NE(r.find("versioned-source"), nullptr);
  EXPECT_EQ(r.find("versioned-source")->version, "2.0.0");
  EXPECT_TRUE(r.refused().empty()) << r.refused()[0].reason;
  ASSERT_EQ(r.plugins().size(), 1u);
  auto restarted = startInstance(r.find("versioned-source"));
  ASSERT_NE(restarted, nullptr);
  EXPECT_EQ(pollVersion(*restarted), "2.0.0");
  EXPECT_EQ(pollVersion(*running), "1.0.0");
  running->stop();
  restarted->stop();
}

TEST(PluginRegistry, AcceptsARefusedFileOnceItIsFixed) {
  TempDir dir;
  fs::path file = dir.path() / "plugin.so";
  fs::copy_file(fixture("missing_entry"), file);
  PluginRegistry r;
  EXPECT_EQ(r.scanDirectory(dir.path().string()), 1u);
  ASSERT_EQ(r.refused().size(), 1u);
  overwriteInPlace(file, readAll(fixture("noop_source")));
  EXPECT_EQ(r.scanDirectory(dir.path().string()), 1u);
  EXPECT_NE(r.find("noop-source"), nullptr);
  EXPECT_TRUE(r.refused().empty()) << r.refused()[0].reason;
}

TEST(PluginRegistry, KeepsTheLoadedVersionWhenTheChangedFileIsRefused) {
  TempDir dir;
  fs::path file = dir.path() / "versioned.so";
  fs::copy_file(versioned(1), file);
  PluginRegistry r;
  r.scanDirectory(dir.path().string());
  overwriteInPlace(file, readAll(fixture("abi_major_mismatch")));
  EXPECT_EQ(r.scanDirectory(dir.path().string()), 1u);
  ASSERT_NE(r.find("versioned-source"), nullptr);
  EXPECT_EQ(r.find("versioned-source")->version, "1.0.0");
  ASSERT_EQ(r.refused().size(), 1u);
  EXPECT_EQ(r.refused()[0].reason,
            file.string() + ": ABI major version 2 does not match the host's 1 (the version loaded before stays registered)");
  overwriteInPlace(file, readAll(versioned(2)));  // fixed: the new version replaces the old
  r.scanDirectory(dir.path().string());
  EXPECT_EQ(r.find("versioned-source")->version, "2.0.0");
  EXPECT_TRUE(r.refused().empty());
}

// Only the file a name came from may replace it: another file claiming it is still a duplicate,
// however often it changes.
TEST(PluginRegistry, AnotherFileCannotTakeOverARegisteredName) {
  TempDir dir;
  fs::copy_file(versioned(1), dir.path() / "a.so");
  fs::copy_file(fixture("noop_sink"), dir.path() / "b.so");
  PluginRegistry r;
  r.scanDirectory(dir.path().string());
  overwriteInPlace(dir.path() / "b.so", readAll(versioned(2)));
  r.scanDirectory(dir.path().string());
  EXPECT_EQ(r.find("versioned-source")->version, "1.0.0");
  EXPECT_EQ(r.find("versioned-source")->path, (dir.path() / "a.so").string());
  EXPECT_NE(r.find("noop-sink"), nullptr) << "b.so's earlier version stays";
  ASSERT_EQ(r.refused().size(), 1u);
  EXPECT_EQ(r.refused()[0].reason, (dir.path() / "b.so").string() +
                                       ": duplicate plugin name or alias 'versioned-source' (already provided by " +
                                       (dir.path() / "a.so").string() + ") (the version loaded before stays registered)");
}

// A file still being copied in is not loaded half-written: the watcher waits until two scans in a
// row saw the same size and mtime.
TEST(PluginWatcher, LoadsAFileOnlyOnceTwoScansSawItUnchanged) {
  TempDir dir;
  PluginRegistry r;
  PluginWatcher watcher(r, {dir.path().string()}, 0);  // scans driven by the test
  std::string bytes = readAll(fixture("noop_transform"));
  fs::path file = dir.path() / "noop_transform.so";
  overwriteInPlace(file, bytes.substr(0, bytes.size() / 2));
  EXPECT_EQ(watcher.scanOnce(), 0u) << "new: wait for the next scan";
  append(file, bytes.substr(bytes.size() / 2, 100));
  EXPECT_EQ(watcher.scanOnce(), 0u) << "grew since the last scan: still being written";
  append(file, bytes.substr(bytes.size() / 2 + 100));
  EXPECT_EQ(watcher.scanOnce(), 0u) << "grew since the last scan: still being written";
  EXPECT_EQ(r.find("noop-transform"), nullptr);
  EXPECT_TRUE(r.refused().empty()) << "nothing was tried yet, so nothing refused: " << r.refused()[0].reason;
  EXPECT_EQ(watcher.scanOnce(), 1u) << "unchanged since the last scan: loaded";
  EXPECT_NE(r.find("noop-transform"), nullptr);
  EXPECT_TRUE(r.refused().empty());
  EXPECT_EQ(watcher.scanOnce(), 0u) << "loaded once";
}

// Copied in half, then left alone (a full disk, an interrupted copy): refused with the cause, not
// loaded, and tried again once the file changes.
TEST(PluginWatcher, RefusesAFileLeftHalfWrittenAndRetriesItOnceCompleted) {
  TempDir dir;
  PluginRegistry r;
  PluginWatcher watcher(r, {dir.path().string()}, 0);
  std::string bytes = readAll(fixture("noop_transform"));
  fs::path file = dir.path() / "noop_transform.so";
  overwriteInPlace(file, bytes.substr(0, bytes.size() / 2));
  watcher.scanOnce();
  EXPECT_EQ(watcher.scanOnce(), 1u);
  ASSERT_EQ(r.refused().size(), 1u);
  EXPECT_NE(r.refused()[0].reason.find("incomplete: truncated, or still being copied"), std::string::npos) << r.refused()[0].reason;
  append(file, bytes.substr(bytes.size() / 2));
  watcher.scanOnce();
  EXPECT_EQ(watcher.scanOnce(), 1u);
  EXPECT_NE(r.find("noop-transform"), nullptr);
  EXPECT_TRUE(r.refused().empty());
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
