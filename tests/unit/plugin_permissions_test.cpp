// Plugin file permissions: strict mode checks the real location of a plugin (links resolved), from
// / down, on the descriptors it then reads through; relaxed opens what it is given.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "plugin/plugin_permissions.hpp"

namespace fs = std::filesystem;

namespace sluice {
namespace {

class PluginPermissionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("sluice-perm-" + std::to_string(rd()));
    fs::create_directories(dir_);
    ::chmod(dir_.c_str(), 0755);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string file(const std::string& folder, mode_t folderMode, mode_t fileMode) {
    fs::create_directories(dir_ / folder);
    ::chmod((dir_ / folder).c_str(), folderMode);
    std::string path = (dir_ / folder / "p.so").string();
    std::ofstream(path) << "bytes";
    ::chmod(path.c_str(), fileMode);
    return path;
  }
  static std::string opened(const std::string& path, PluginPermissions permissions) {
    auto fd = openPluginFile(path, permissions);
    if (!fd.ok()) return fd.error();
    ::close(fd.value());
    return "";
  }
  fs::path dir_;
};

TEST_F(PluginPermissionsTest, ASafeFileOpensAndTheCheckFollowsLinksToTheRealFile) {
  std::string safe = file("safe", 0755, 0644);
  EXPECT_EQ(opened(safe, PluginPermissions::Strict), "");
  std::string unsafe = file("unsafe", 0755, 0666);
  std::string link = (dir_ / "safe" / "link.so").string();
  ASSERT_EQ(::symlink(unsafe.c_str(), link.c_str()), 0);
  // The link sits in a safe folder, but what is read is the file it leads to.
  EXPECT_EQ(opened(link, PluginPermissions::Strict),
            link + ": the plugin file " + unsafe + " is writable by others (mode 0666), so another user could put "
            "their code in it: chmod go-w " + unsafe + "; or set plugin.path.permissions: relaxed (development only)");
}

TEST_F(PluginPermissionsTest, AStickyWorldWritableFolderAboveIsAcceptedAsTmpIs) {
  fs::create_directories(dir_ / "shared");
  ::chmod((dir_ / "shared").c_str(), 01777);
  EXPECT_EQ(opened(file("shared/mine", 0755, 0644), PluginPermissions::Strict), "");
  // The sticky bit does not make a plugin folder safe: anybody could still add a file to it.
  EXPECT_NE(opened(file("sticky", 01777, 0644), PluginPermissions::Strict).find("is writable by others (mode 1777)"),
            std::string::npos);
}

TEST_F(PluginPermissionsTest, RelaxedOpensWhatStrictRefuses) {
  std::string unsafe = file("open", 0777, 0666);
  EXPECT_NE(opened(unsafe, PluginPermissions::Strict), "");
  EXPECT_EQ(opened(unsafe, PluginPermissions::Relaxed), "");
  EXPECT_EQ(opened((dir_ / "missing.so").string(), PluginPermissions::Strict).find("cannot open: No such file or directory"),
            (dir_ / "missing.so").string().size() + 2);
}

TEST(PluginPermissionsValues, OnlyStrictAndRelaxedAreKnown) {
  EXPECT_EQ(parsePluginPermissions("strict"), PluginPermissions::Strict);
  EXPECT_EQ(parsePluginPermissions("relaxed"), PluginPermissions::Relaxed);
  EXPECT_FALSE(parsePluginPermissions("STRICT").has_value());
  EXPECT_FALSE(parsePluginPermissions("").has_value());
}

}  // namespace
}  // namespace sluice
