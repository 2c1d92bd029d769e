// Crash records: written with the async-signal-safe writer a signal handler uses, read back by the
// herder's restore, cleared by a restart request; names Connect accepts (slashes, quotes, unicode)
// survive the round trip.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "plugin/plugin_call.hpp"
#include "storage/crash_record.hpp"

namespace sluice {
namespace {

namespace fs = std::filesystem;

class CrashRecordTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("sluice-crash-" + std::to_string(rd()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(CrashRecordTest, RecordWrittenAsInASignalHandlerReadsBackWithItsTrace) {
  CrashRecordTarget target;
  ASSERT_TRUE(prepareCrashRecordTarget(dir_.string(), target));
  PluginCallSite site{"orders/eu \"v2\" \xc3\xa9t\xc3\xa9\n", 3, "segfault-transform", "/opt/plugins/seg fault.so"};
  PluginCall call{&site, "apply"};
  ASSERT_TRUE(writeCrashRecord(target, call, 11, -1, 1764417000123));
  EXPECT_FALSE(fs::exists(target.tmpPath));

  auto records = readCrashRecords(dir_.string());
  ASSERT_EQ(records.size(), 1u);
  const CrashRecord& r = records[0];
  EXPECT_EQ(r.connector, site.connector);
  EXPECT_EQ(r.task, 3);
  EXPECT_EQ(r.plugin, "segfault-transform");
  EXPECT_EQ(r.file, "/opt/plugins/seg fault.so");
  EXPECT_EQ(r.hook, "apply");
  EXPECT_EQ(r.signal, 11);
  EXPECT_EQ(r.timeMs, 1764417000123);
  EXPECT_EQ(r.cause(), "signal 11 (SIGSEGV)");
  std::string trace = r.trace();
  for (const std::string part : {"signal 11 (SIGSEGV)", "plugin 'segfault-transform' hook apply", "2025-11-29T11:50:00.123Z",
                                 "file /opt/plugins/seg fault.so", "task 3", "restart?includeTasks=true"})
    EXPECT_NE(trace.find(part), std::string::npos) << part << " not in " << trace;
}

TEST_F(CrashRecordTest, ExitStatusIsTheCause) {
  CrashRecordTarget target;
  ASSERT_TRUE(prepareCrashRecordTarget(dir_.string(), target));
  PluginCallSite site{"c", 0, "exit-transform", "/p/exit.so"};
  ASSERT_TRUE(writeCrashRecord(target, PluginCall{&site, "put"}, 0, 3, 1));
  auto records = readCrashRecords(dir_.string());
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].cause(), "exit(3)");
}

TEST_F(CrashRecordTest, NothingIsWrittenOutsidePluginCode) {
  CrashRecordTarget target;
  ASSERT_TRUE(prepareCrashRecordTarget(dir_.string(), target));
  EXPECT_FALSE(writeCrashRecord(target, PluginCall{}, 11, -1, 1));
  EXPECT_TRUE(readCrashRecords(dir_.string()).empty());
}

TEST_F(CrashRecordTest, ClearRemovesOnlyThatConnectorsRecords) {
  PluginCallSite a{"a", 0, "p", "/p.so"}, b{"b", 0, "p", "/p.so"};
  CrashRecordTarget ta, tb;
  ASSERT_TRUE(prepareCrashRecordTarget(dir_.string(), ta));
  std::snprintf(tb.path, sizeof tb.path, "%s/sluice-crash-other.json", dir_.c_str());
  std::snprintf(tb.tmpPath, sizeof tb.tmpPath, "%s.tmp", tb.path);
  ASSERT_TRUE(writeCrashRecord(ta, PluginCall{&a, "poll"}, 6, -1, 1));
  ASSERT_TRUE(writeCrashRecord(tb, PluginCall{&b, "poll"}, 6, -1, 2));
  clearCrashRecords(dir_.string(), "a");
  auto left = readCrashRecords(dir_.string());
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].connector, "b");
}

TEST_F(CrashRecordTest, TornRecordIsIgnoredAndKept) {
  std::ofstream(dir_ / "sluice-crash-1.json") << "{\"connector\":\"c\",\"ta";
  EXPECT_TRUE(readCrashRecords(dir_.string()).empty());
  EXPECT_TRUE(fs::exists(dir_ / "sluice-crash-1.json"));
}

TEST_F(CrashRecordTest, RecordsLiveNextToTheConfigStore) {
  EXPECT_EQ(crashRecordDir(WorkerConfig::fromMap({{"config.storage.file.filename", "/var/lib/sluice/configs"},
                                                   {"offset.storage.file.filename", "/elsewhere/offsets"}})),
            "/var/lib/sluice");
  EXPECT_EQ(crashRecordDir(WorkerConfig::fromMap({{"offset.storage.file.filename", "/elsewhere/offsets"}})), "/elsewhere");
  EXPECT_EQ(crashRecordDir(WorkerConfig::fromMap({})), "");
}

}  // namespace
}  // namespace sluice
