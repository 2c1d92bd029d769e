// Every deliberately broken fixture is refused with its precise reason; the no-op ones load through
// dlopen and are driven through every hook; run-time failures surface as the instance's error.
#include <elf.h>
#include <fcntl.h>
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <functional>
#include <fstream>
#include <sstream>
#include <string>

#include "plugin/plugin_instance.hpp"
#include "plugin/plugin_loader.hpp"
#include "plugin/private_image.hpp"

namespace sluice {
namespace {

std::string fixture(const std::string& name) { return std::string(SLUICE_FIXTURE_DIR) + "/" + name + ".so"; }

std::string readAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// As cp(1) does to an existing destination: truncate, then write, in place (same inode).
void overwriteInPlace(const std::string& path, const std::string& bytes) {
  int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CREAT, 0755);
  ASSERT_GE(fd, 0) << path;
  ASSERT_EQ(::write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  ::close(fd);
}

// A scratch copy of a fixture, altered by `edit`, removed at the end of the test. It lives in a
// folder of its own (0700): the loader refuses plugins in a folder others can write, such as /tmp.
class EditedFixture {
 public:
  EditedFixture(const std::string& name, const std::function<void(std::string&)>& edit)
      : path_((scratchFolder() / ("sluice-loader-" + std::to_string(counter_++) + ".so")).string()) {
    std::string bytes = readAll(fixture(name));
    edit(bytes);
    overwriteInPlace(path_, bytes);
  }
  ~EditedFixture() {
    std::filesystem::remove(path_);
    std::error_code ec;
    std::filesystem::remove(scratchFolder(), ec);  // once the last copy is gone
  }
  static std::filesystem::path scratchFolder() {
    auto folder = std::filesystem::temp_directory_path() / ("sluice-loader-" + std::to_string(::getpid()));
    ::mkdir(folder.c_str(), 0700);
    return folder;
  }
  const std::string& path() const { return path_; }
  std::string refusal() const {
    auto r = loadPluginFile(path_);
    EXPECT_FALSE(r.ok()) << path_ << " should have been refused";
    return r.ok() ? "" : r.error().substr(std::min(r.error().size(), path_.size() + 2));
  }

 private:
  static inline int counter_ = 0;
  std::string path_;
};

Elf64_Ehdr header(const std::string& bytes) {
  Elf64_Ehdr h;
  std::memcpy(&h, bytes.data(), sizeof h);
  return h;
}

std::string refusal(const std::string& name) {
  auto r = loadPluginFile(fixture(name));
  EXPECT_FALSE(r.ok()) << name << " should have been refused";
  return r.ok() ? "" : r.error();
}

TEST(PluginLoader, RefusesAFileWithoutTheEntrySymbol) {
  EXPECT_EQ(refusal("missing_entry"), fixture("missing_entry") + ": no entry symbol 'sluice_plugin_entry' (is it a Sluice plugin?)");
}

TEST(PluginLoader, RefusesAMajorAbiMismatch) {
  EXPECT_EQ(refusal("abi_major_mismatch"), fixture("abi_major_mismatch") + ": ABI major version 2 does not match the host's 1");
}

TEST(PluginLoader, RefusesAMinorNewerThanTheHost) {
  EXPECT_EQ(refusal("abi_minor_too_new"), fixture("abi_minor_too_new") + ": ABI version 1.6 is newer than the host's 1.1");
}

TEST(PluginLoader, RefusesAStructSmallerThanItsFirstRelease) {
  EXPECT_EQ(refusal("struct_too_small"), fixture("struct_too_small") + ": plugin #0 struct_size 16 is smaller than the ABI 1.0 size 152");
}

TEST(PluginLoader, RefusesASourceWithoutPoll) {
  EXPECT_EQ(refusal("source_missing_poll"), fixture("source_missing_poll") + ": plugin 'missing-poll' (source) lacks the required hook 'poll'");
}

TEST(PluginLoader, RefusesTwoPluginsWithOneName) {
  EXPECT_EQ(refusal("duplicate_name"), fixture("duplicate_name") + ": duplicate plugin name or alias 'twin' within the file");
}

TEST(PluginLoader, RefusesAnInvalidName) {
  EXPECT_EQ(refusal("invalid_name"), fixture("invalid_name") + ": invalid plugin name 'Bad Name' (lowercase letters and digits joined by '-')");
}

TEST(PluginLoader, ReportsAFileThatCannotBeRead) {
  EXPECT_EQ(refusal("does_not_exist"), fixture("does_not_exist") + ": cannot open: No such file or directory");
}

// A .so cut short (a copy still under way, a full disk) is refused with the cause, before dlopen
// maps it: dlopen of such a file faults with SIGBUS inside the dynamic loader.
TEST(PluginLoader, RefusesATruncatedFileNamingWhatIsMissing) {
  std::string whole = readAll(fixture("noop_source"));
  ASSERT_GT(whole.size(), 4096u);
  EXPECT_EQ(EditedFixture("noop_source", [](std::string& b) { b.clear(); }).refusal(),
            "the file is empty: incomplete: truncated, or still being copied");
  EXPECT_EQ(EditedFixture("noop_source", [](std::string& b) { b.resize(40); }).refusal(),
            "the file is 40 bytes, shorter than the 64-byte ELF header: incomplete: truncated, or still being copied");
  std::string half = EditedFixture("noop_source", [](std::string& b) { b.resize(b.size() / 2); }).refusal();
  EXPECT_NE(half.find("ends beyond the file's " + std::to_string(whole.size() / 2) + " bytes: incomplete: truncated, or still being copied"),
            std::string::npos)
      << half;
  std::string lastByte = EditedFixture("noop_source", [](std::string& b) { b.pop_back(); }).refusal();
  EXPECT_EQ(lastByte.rfind("the section header table (bytes ", 0), 0u) << lastByte;
}

TEST(PluginLoader, RefusesAFileThatIsNotAnElfSharedObjectForThisHost) {
  EXPECT_EQ(EditedFixture("noop_source", [](std::string& b) { b = "#!/bin/sh\necho not a plugin\n"; }).refusal(),
            "not an ELF file (no \\x7fELF magic number)");
  EXPECT_EQ(EditedFixture("noop_source", [](std::string& b) { b[EI_CLASS] = ELFCLASS32; }).refusal(),
            "ELF class 32-bit does not match the host's 64-bit");
  EXPECT_EQ(EditedFixture("noop_source",
                          [](std::string& b) {
                            uint16_t type = ET_EXEC;
                            std::memcpy(b.data() + offsetof(Elf64_Ehdr, e_type), &type, sizeof type);
                          })
                .refusal(),
            "the file is an executable (ET_EXEC), not a shared object (ET_DYN): build it with -shared");
  uint16_t host = header(readAll(fixture("noop_source"))).e_machine;
  uint16_t other = host == EM_AARCH64 ? EM_X86_64 : EM_AARCH64;
  std::string machine = EditedFixture("noop_source", [&](std::string& b) {
                          std::memcpy(b.data() + offsetof(Elf64_Ehdr, e_machine), &other, sizeof other);
                        }).refusal();
  EXPECT_EQ(machine, other == EM_AARCH64 ? "built for AArch64, but the host is x86-64" : "built for x86-64, but the host is AArch64");
}

// dlopen runs on a private copy: overwriting the file in place (as cp does) or deleting it while
// its plugins run changes nothing for them.
TEST(PluginLoader, LoadedPluginsSurviveTheFileBeingOverwrittenOrDeleted) {
  EditedFixture file("noop_source", [](std::string&) {});
  auto loaded = loadPluginFile(file.path());
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  auto inst = PluginInstance::create(loaded.value()[0], {{"poll.interval.ms", "0"}});
  ASSERT_TRUE(inst.ok()) << inst.error();
  ASSERT_EQ(inst.value()->start(), SLUICE_OK);
  RecordBatch batch;
  ASSERT_EQ(inst.value()->poll(batch, 100), SLUICE_OK);
  overwriteInPlace(file.path(), "");  // the truncation phase of cp
  ASSERT_EQ(inst.value()->poll(batch, 100), SLUICE_OK);
  overwriteInPlace(file.path(), readAll(fixture("noop_sink")));  // then another library's bytes
  ASSERT_EQ(inst.value()->poll(batch, 100), SLUICE_OK);
  std::filesystem::remove(file.path());
  ASSERT_EQ(inst.value()->poll(batch, 100), SLUICE_OK);
  ASSERT_EQ(batch.size(), 4u);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(batch[3].value.data), batch[3].value.len), "record-3");
  inst.value()->stop();
}

// Two loads of one path are two images (dlopen of the same path would return the first), so a
// file replaced on disk is loaded as what it now is.
TEST(PluginLoader, LoadingAChangedPathAgainLoadsTheNewContent) {
  EditedFixture file("noop_source", [](std::string&) {});
  auto first = loadPluginFile(file.path());
  ASSERT_TRUE(first.ok()) << first.error();
  overwriteInPlace(file.path(), readAll(fixture("noop_sink")));
  auto second = loadPluginFile(file.path());
  ASSERT_TRUE(second.ok()) << second.error();
  EXPECT_EQ(first.value()[0]->name, "noop-source");
  EXPECT_EQ(second.value()[0]->name, "noop-sink");
  EXPECT_NE(first.value()[0]->hooks, second.value()[0]->hooks);
}

TEST(PluginLoader, LoadsThroughThePrivateTempFolderWhenMemfdIsUnavailable) {
  std::string bytes = readAll(fixture("noop_transform"));
  auto handle = dlopenPrivateCopy(bytes, fixture("noop_transform"), ImageStore::TempDir);
  ASSERT_TRUE(handle.ok()) << handle.error();
  EXPECT_NE(dlsym(handle.value(), SLUICE_ENTRY_SYMBOL), nullptr);
  auto memfd = dlopenPrivateCopy(bytes, fixture("noop_transform"), ImageStore::Memfd);
  ASSERT_TRUE(memfd.ok()) << memfd.error();
  EXPECT_NE(memfd.value(), handle.value()) << "two private copies are two images";
}

TEST(PluginLoader, LoadsTheNoOpPluginsWithTheirDescriptors) {
  auto r = loadPluginFile(fixture("noop_source"));
  ASSERT_TRUE(r.ok()) << r.error();
  ASSERT_EQ(r.value().size(), 1u);
  const PluginDescriptor& p = *r.value()[0];
  EXPECT_EQ(p.name, "noop-source");
  EXPECT_EQ(p.kind, SLUICE_KIND_SOURCE);
  EXPECT_EQ(p.aliases, std::vector<std::string>{"NoopSource"});
  ASSERT_EQ(p.config.size(), 3u);
  EXPECT_EQ(p.config[1].name, "max.records");
  EXPECT_EQ(p.config[1].type, SLUICE_CFG_LONG);
  EXPECT_EQ(p.config[1].defaultValue.value_or(""), "-1");
  EXPECT_EQ(p.config[1].validator, "[-1,]");
}

TEST(PluginInstance, DrivesASourceThroughEveryHook) {
  auto loaded = loadPluginFile(fixture("noop_source"));
  ASSERT_TRUE(loaded.ok());
  std::string seenPartition;
  auto inst = PluginInstance::create(loaded.value()[0], {{"topic", "t1"}, {"poll.interval.ms", "0"}}, [&](const std::string& partition) {
    seenPartition = partition;
    return std::optional<std::string>("{\"position\":41}");
  });
  ASSERT_TRUE(inst.ok()) << inst.error();
  EXPECT_EQ(seenPartition, "{\"source\":\"noop\"}");
  ASSERT_EQ(inst.value()->start(), SLUICE_OK);
  RecordBatch batch;
  ASSERT_EQ(inst.value()->poll(batch, 100), SLUICE_OK);
  ASSERT_EQ(inst.value()->poll(batch, 100), SLUICE_OK);
  ASSERT_EQ(batch.size(), 2u);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(batch[0].value.data), batch[0].value.len), "record-42");
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(batch[1].topic.data), batch[1].topic.len), "t1");
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(batch[1].source_offset.data), batch[1].source_offset.len), "{\"position\":43}");
  inst.value()->delivered(batch[1], 0, 7);
  inst.value()->stop();
  inst.value()->stop();  // idempotent
}

TEST(PluginInstance, DrivesATransformAndASink) {
  auto transform = loadPluginFile(fixture("noop_transform"));
  auto sink = loadPluginFile(fixture("noop_sink"));
  ASSERT_TRUE(transform.ok() && sink.ok());
  auto t = PluginInstance::create(transform.value()[0], {});
  auto s = PluginInstance::create(sink.value()[0], {{"topics", "a"}});
  ASSERT_TRUE(t.ok() && s.ok());
  ASSERT_EQ(t.value()->start(), SLUICE_OK);
  ASSERT_EQ(s.value()->start(), SLUICE_OK);
  std::string value = "v";
  sluice_record in{};
  in.value = {reinterpret_cast<const uint8_t*>(value.data()), value.size()};
  in.partition = -1;
  RecordBatch out;
  ASSERT_EQ(t.value()->apply(in, out), SLUICE_OK);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(t.value()->tick(0, out), SLUICE_OK) << "a transform without tick is a no-op";
  EXPECT_EQ(t.value()->heldOffset("a", 0), -1);
  ASSERT_EQ(s.value()->put(out.pointers()), SLUICE_OK);
  ASSERT_EQ(s.value()->flush(), SLUICE_OK);
}

TEST(PluginInstance, ReportsCreateFailureWithThePluginsMessage) {
  auto loaded = loadPluginFile(fixture("create_fails"));
  ASSERT_TRUE(loaded.ok());
  auto inst = PluginInstance::create(loaded.value()[0], {});
  ASSERT_FALSE(inst.ok());
  EXPECT_EQ(inst.error(), "create-fails: create failed: create-fails refuses every configuration");
}

TEST(PluginInstance, TurnsAThrownExceptionIntoAnError) {
  auto loaded = loadPluginFile(fixture("throws_in_start"));
  ASSERT_TRUE(loaded.ok());
  auto inst = PluginInstance::create(loaded.value()[0], {});
  ASSERT_TRUE(inst.ok());
  EXPECT_EQ(inst.value()->start(), SLUICE_ERR_FATAL);
  EXPECT_EQ(inst.value()->error(), "throws-in-start: start failed: throws-in-start always throws in start()");
}

TEST(PluginName, FollowsTheNamingRule) {
  EXPECT_TRUE(isValidPluginName("windowed-aggregate"));
  EXPECT_TRUE(isValidPluginName("datagen"));
  EXPECT_FALSE(isValidPluginName("Windowed"));
  EXPECT_FALSE(isValidPluginName("a--b"));
  EXPECT_FALSE(isValidPluginName("-a"));
  EXPECT_FALSE(isValidPluginName(""));
}

}  // namespace
}  // namespace sluice
