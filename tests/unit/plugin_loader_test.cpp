// Every deliberately broken fixture is refused with its precise reason; the no-op ones load through
// dlopen and are driven through every hook; run-time failures surface as the instance's error.
#include <gtest/gtest.h>

#include <string>

#include "plugin/plugin_instance.hpp"
#include "plugin/plugin_loader.hpp"

namespace sluice {
namespace {

std::string fixture(const std::string& name) { return std::string(SLUICE_FIXTURE_DIR) + "/" + name + ".so"; }

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

TEST(PluginLoader, ReportsDlopenErrors) {
  EXPECT_EQ(refusal("does_not_exist").rfind(fixture("does_not_exist") + ": dlopen failed: ", 0), 0u);
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
