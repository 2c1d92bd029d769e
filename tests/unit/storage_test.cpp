// Durable standalone storage: atomic checksummed files, the file offset store and the config store.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <vector>
#include <unistd.h>

#include "storage/atomic_file.hpp"
#include "storage/file_config_store.hpp"
#include "storage/file_offset_store.hpp"

namespace sluice {
namespace {

class StorageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() / ("sluice-storage-" + std::to_string(rd()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  static std::string slurp(const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  static void spit(const std::string& p, const std::string& content) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << content;
  }
  std::filesystem::path dir_;
};

TEST_F(StorageTest, AtomicFileRoundTripsAndMissingFileIsEmpty) {
  auto missing = readCheckedFile(path("none"));
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  std::string content = "line one\n{\"x\":1}\n\0binary";
  ASSERT_TRUE(writeFileAtomically(path("f"), content).ok());
  auto back = readCheckedFile(path("f"));
  ASSERT_TRUE(back.ok()) << back.error();
  EXPECT_EQ(**back, content);
  std::vector<std::string> left;
  for (const auto& e : std::filesystem::directory_iterator(dir_)) left.push_back(e.path().filename().string());
  EXPECT_EQ(left, std::vector<std::string>{"f"}) << "a temp file was left behind";
}

TEST_F(StorageTest, AStateFileThatIsALinkIsNeverFollowed) {
  spit(path("elsewhere"), "not state\n");
  ASSERT_EQ(::symlink(path("elsewhere").c_str(), path("f").c_str()), 0);
  auto r = readCheckedFile(path("f"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), path("f") + ": is a symbolic link; state files are never read or written through a link (another "
                                   "user could have pointed it at a file of yours): remove it, or set the real path");
  // Written, the link itself is replaced; what it pointed to is untouched.
  ASSERT_TRUE(writeFileAtomically(path("f"), "new").ok());
  EXPECT_FALSE(std::filesystem::is_symlink(path("f")));
  EXPECT_EQ(slurp(path("elsewhere")), "not state\n");
}

TEST_F(StorageTest, TornOrEditedFileIsReportedNotReset) {
  ASSERT_TRUE(writeFileAtomically(path("f"), std::string(200, 'a')).ok());
  std::string full = slurp(path("f"));
  for (size_t cut : {full.size() - 1, full.size() / 2, static_cast<size_t>(5)}) {
    spit(path("f"), full.substr(0, cut));
    auto r = readCheckedFile(path("f"));
    ASSERT_FALSE(r.ok()) << "truncated to " << cut;
    EXPECT_NE(r.error().find(path("f")), std::string::npos);
  }
  std::string edited = full;
  edited.back() = 'b';
  spit(path("f"), edited);
  auto r = readCheckedFile(path("f"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("checksum"), std::string::npos);
}

TEST_F(StorageTest, FileOffsetStoreIsDurableOnlyAfterFlush) {
  auto store = FileOffsetStore::open(path("offsets"));
  ASSERT_TRUE(store.ok()) << store.error();
  (*store)->write("c1", R"({"source":"noop"})", R"({"position":7})");
  (*store)->write("c2", R"({"f":"a"})", R"({"position":1})");
  {
    auto before = FileOffsetStore::open(path("offsets"));
    ASSERT_TRUE(before.ok());
    EXPECT_FALSE((*before)->read("c1", R"({"source":"noop"})").has_value());
  }
  ASSERT_TRUE((*store)->flush());
  auto after = FileOffsetStore::open(path("offsets"));
  ASSERT_TRUE(after.ok()) << after.error();
  EXPECT_EQ((*after)->read("c1", R"({"source":"noop"})").value_or(""), R"({"position":7})");
  EXPECT_EQ((*after)->all("c2").size(), 1u);
  (*after)->removeAll("c1");
  ASSERT_TRUE((*after)->flush());
  auto again = FileOffsetStore::open(path("offsets"));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE((*again)->all("c1").empty());
  EXPECT_EQ((*again)->all("c2").size(), 1u);
}

// The offset flusher runs on its own thread: a flush that cannot serialise an entry (here bytes that
// are not UTF-8, which nlohmann::json refuses to dump) must report it, not throw, and leave the last
// good file in place.
TEST_F(StorageTest, FlushOfAnUnserialisableOffsetFailsWithoutThrowingAndKeepsTheLastGoodFile) {
  auto store = FileOffsetStore::open(path("offsets"));
  ASSERT_TRUE(store.ok()) << store.error();
  (*store)->write("c1", R"({"source":"noop"})", R"({"position":7})");
  ASSERT_TRUE((*store)->flush());
  std::string good = slurp(path("offsets"));
  (*store)->write("c1", R"({"source":"noop"})", "{\"position\":\"\xFF\"}");
  bool flushed = true;
  EXPECT_NO_THROW(flushed = (*store)->flush());
  EXPECT_FALSE(flushed);
  EXPECT_EQ(slurp(path("offsets")), good);
}

TEST_F(StorageTest, CorruptOffsetFileFailsToOpenWithTheReason) {
  spit(path("offsets"), "sluice-state-v1 0000000000000000 3\nabc");
  auto store = FileOffsetStore::open(path("offsets"));
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().find("corrupt"), std::string::npos);
  EXPECT_EQ(slurp(path("offsets")), "sluice-state-v1 0000000000000000 3\nabc");  // left as found
}

TEST_F(StorageTest, ConfigStorePersistsConfigsAndTargetStates) {
  auto store = FileConfigStore::open(path("configs"));
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->put("a", {{{"name", "a"}, {"connector.class", "NoopSource"}}, TargetState::Started}).ok());
  ASSERT_TRUE((*store)->put("b", {{{"name", "b"}}, TargetState::Started}).ok());
  ASSERT_TRUE((*store)->setTarget("b", TargetState::Paused).ok());
  ASSERT_TRUE((*store)->put("c", {{{"name", "c"}}, TargetState::Stopped}).ok());
  ASSERT_TRUE((*store)->remove("a").ok());
  EXPECT_FALSE((*store)->setTarget("zz", TargetState::Paused).ok());

  auto back = FileConfigStore::open(path("configs"));
  ASSERT_TRUE(back.ok()) << back.error();
  auto all = (*back)->all();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all["b"].target, TargetState::Paused);
  EXPECT_EQ(all["b"].config.at("name"), "b");
  EXPECT_EQ(all["c"].target, TargetState::Stopped);
}

TEST_F(StorageTest, FileConfigStoreKeepsTaskConfigsInMemoryAcrossConfigUpdates) {
  auto store = FileConfigStore::open(path("configs"));
  ASSERT_TRUE(store.ok());
  EXPECT_FALSE((*store)->putTaskConfigs("a", {{{"task.id", "0"}}}).ok());  // no such connector
  ASSERT_TRUE((*store)->put("a", {{{"name", "a"}}, TargetState::Started}).ok());
  ASSERT_TRUE((*store)->putTaskConfigs("a", {{{"task.id", "0"}}, {{"task.id", "1"}}}).ok());
  ASSERT_TRUE((*store)->put("a", {{{"name", "a"}, {"x", "y"}}, TargetState::Paused}).ok());
  EXPECT_EQ((*store)->all()["a"].tasks.size(), 2u);  // a config update keeps them, as Connect's putConnectorConfig
  // The file holds configs and target states only: a standalone worker regenerates task configs.
  auto back = FileConfigStore::open(path("configs"));
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE((*back)->all()["a"].tasks.empty());
  EXPECT_EQ((*back)->all()["a"].config.at("x"), "y");
}

TEST_F(StorageTest, ConfigStoreWithoutPathIsMemoryOnly) {
  auto store = FileConfigStore::open("");
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->put("a", {{{"name", "a"}}, TargetState::Started}).ok());
  EXPECT_EQ((*store)->all().size(), 1u);
  EXPECT_TRUE(std::filesystem::is_empty(dir_));
}

TEST_F(StorageTest, UnwritableLocationIsAnErrorAndChangesNothing) {
  std::filesystem::create_directories(path("ro"));
  std::filesystem::permissions(path("ro"), std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
  if (::geteuid() == 0) GTEST_SKIP() << "root ignores directory permissions";
  auto store = FileConfigStore::open(path("ro/configs"));
  ASSERT_TRUE(store.ok());
  auto r = (*store)->put("a", {{{"name", "a"}}, TargetState::Started});
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE((*store)->all().empty());
}

TEST(TargetStateTest, ParsesConnectNamesCaseInsensitively) {
  TargetState t;
  ASSERT_TRUE(parseTargetState("running", t));
  EXPECT_EQ(t, TargetState::Started);
  ASSERT_TRUE(parseTargetState("Paused", t));
  EXPECT_EQ(t, TargetState::Paused);
  ASSERT_TRUE(parseTargetState("STOPPED", t));
  EXPECT_EQ(t, TargetState::Stopped);
  EXPECT_FALSE(parseTargetState("gone", t));
}

}  // namespace
}  // namespace sluice
