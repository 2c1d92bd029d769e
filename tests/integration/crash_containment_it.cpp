// Crash containment, with real `sluice worker` processes: a plugin that faults (SIGSEGV, SIGFPE,
// SIGBUS), aborts or calls exit() in a per-record hook kills the worker, but first the worker logs
// which plugin and hook did it and writes a crash record next to its state files. The next worker
// on the same state stays up with that connector FAILED and the cause in its trace (no crash
// loop); after the plugin is replaced, POST /connectors/<name>/restart?includeTasks=true runs it
// again. A C++ exception (the SDK's barrier) and a hung hook leave the worker up.
#include <filesystem>
#include <fstream>

#include "process_support.hpp"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;

enum class Role { Transform, Source, Sink };

struct Fault {
  std::string fixture;  // the .so in SLUICE_FIXTURE_DIR (and its fixed build in fixed/)
  std::string prefix;   // plugin names are <prefix>-transform / -source / -sink
  Role role;
  int signal;    // the fatal signal, or 0 for exit()
  int exitCode;  // with signal 0
  std::string cause;  // how the trace names it

  std::string plugin() const {
    return prefix + (role == Role::Transform ? "-transform" : role == Role::Source ? "-source" : "-sink");
  }
  std::string hook() const { return role == Role::Transform ? "apply" : role == Role::Source ? "poll" : "put"; }
};

std::string printName(const ::testing::TestParamInfo<Fault>& info) {
  std::string name = info.param.plugin();
  for (auto& ch : name)
    if (ch == '-') ch = '_';
  return name;
}

// The connector that runs `plugin` in the role under test, wired to the no-op fixtures.
json connectorFor(const Fault& f, const std::string& name) {
  switch (f.role) {
    case Role::Transform:
      return {{"connector.class", "NoopSource"}, {"tasks.max", "1"}, {"topic", "ct-topic"}, {"sluice.sink.class", "noop-sink"},
              {"transforms", "bad"}, {"transforms.bad.type", f.plugin()}, {"name", name}};
    case Role::Source:
      return {{"connector.class", f.plugin()}, {"tasks.max", "1"}, {"sluice.sink.class", "noop-sink"}, {"name", name}};
    default:
      return {{"connector.class", f.plugin()}, {"tasks.max", "1"}, {"topics", "ct-topic"},
              {"sluice.source.class", "noop-source"}, {"name", name}};
  }
}

// A worker over a private plugin directory (so a test can replace a plugin file) and state files.
class CrashWorkerDir {
 public:
  explicit CrashWorkerDir(const std::vector<std::string>& fixtures) {
    fs::create_directories(plugins());
    for (const auto& f : fixtures) fs::copy_file(std::string(SLUICE_FIXTURE_DIR) + "/" + f + ".so", plugins() + "/" + f + ".so");
    writeWorkerConfig(config(), {{"listeners", "http://127.0.0.1:0"},
                                 {"plugin.path", plugins()},
                                 {"bootstrap.servers", "127.0.0.1:1"},
                                 {"offset.storage.file.filename", dir_.file("offsets")},
                                 {"config.storage.file.filename", dir_.file("configs")},
                                 {"offset.flush.interval.ms", "100"},
                                 {"task.shutdown.graceful.timeout.ms", "1000"}});
  }
  std::string plugins() const { return dir_.file("plugins"); }
  std::string config() const { return dir_.file("worker.yaml"); }
  std::string log(const std::string& name) const { return dir_.file(name + ".log"); }
  // A connector file for `sluice worker <config> <file>`: created at start, before the REST API
  // answers, so the crash never races an HTTP reply.
  std::string connectorFile(const json& config) const {
    std::string path = dir_.file("connector.json");
    std::ofstream(path) << config.dump();
    return path;
  }
  // Replaces the plugin file while no worker runs, as a user deploying a fixed build would.
  void installFixed(const std::string& fixture) const {
    fs::copy_file(std::string(SLUICE_FIXTURE_DIR) + "/fixed/" + fixture + ".so", plugins() + "/" + fixture + ".so",
                  fs::copy_options::overwrite_existing);
  }

 private:
  TempDir dir_;
};

// Waits for a worker's REST API; the port, or 0 with the test failed.
int readyPort(WorkerProcess& worker) {
  int port = worker.waitForPort();
  EXPECT_GT(port, 0) << worker.log();
  if (port == 0) return 0;
  Http http(port);
  EXPECT_TRUE(eventually([&] { return http.get("/health").status == 200 || worker.exited(); }));
  EXPECT_FALSE(worker.exited()) << worker.log();
  return worker.exited() ? 0 : port;
}

::testing::AssertionResult diedOf(const Fault& f, int status, const std::string& log) {
  // Under AddressSanitizer these tests run with handle_segv/sigbus/sigfpe=0 (tests/CMakeLists.txt),
  // so the worker dies of the fault's own signal in every build.
  if (f.signal == 0) {
    if (WIFEXITED(status) && WEXITSTATUS(status) == f.exitCode) return ::testing::AssertionSuccess();
  } else if (WIFSIGNALED(status) && WTERMSIG(status) == f.signal) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "wait status " << status << " (exited " << WIFEXITED(status) << " code "
                                       << WEXITSTATUS(status) << ", signalled " << WIFSIGNALED(status) << " signal "
                                       << WTERMSIG(status) << ")\n"
                                       << log;
}

class CrashContainmentTest : public ::testing::TestWithParam<Fault> {};

TEST_P(CrashContainmentTest, WorkerDiesLoggingThePluginThenComesBackWithTheConnectorFailed) {
  const Fault& f = GetParam();
  CrashWorkerDir dir({"noop_source", "noop_sink", f.fixture});
  const std::string name = "victim";

  // 1. The fault kills the worker, which says who did it on the way down.
  {
    WorkerProcess worker(dir.config(), dir.log("crashing"), {dir.connectorFile(connectorFor(f, name))});
    ASSERT_TRUE(eventually([&] { return worker.exited(); })) << worker.log();
    std::string log = worker.log();
    EXPECT_TRUE(diedOf(f, worker.exitStatus(), log));
    std::string blame = "in plugin '" + f.plugin() + "' hook " + f.hook() + " (connector victim, task 0, file ";
    EXPECT_NE(log.find(blame), std::string::npos) << "no line with \"" << blame << "\" in:\n" << log;
  }

  // 2. The next worker stays up, with the connector and its task FAILED and the cause in the trace.
  std::string expectedTrace[] = {f.cause, "plugin '" + f.plugin() + "'", "hook " + f.hook(),
                                 dir.plugins() + "/" + f.fixture + ".so", "task 0",
                                 "POST /connectors/victim/restart?includeTasks=true"};
  auto failedWithCause = [&](Http& http) {
    auto s = http.get("/connectors/" + name + "/status").body;
    if (s["connector"]["state"] != "FAILED" || s["tasks"].size() != 1 || s["tasks"][0]["state"] != "FAILED") return false;
    for (const auto& part : expectedTrace)
      for (const auto& trace : {s["connector"]["trace"], s["tasks"][0]["trace"]})
        if (!trace.is_string() || trace.get<std::string>().find(part) == std::string::npos) return false;
    return true;
  };
  {
    WorkerProcess worker(dir.config(), dir.log("restarted"));
    int port = readyPort(worker);
    ASSERT_GT(port, 0);
    Http http(port);
    EXPECT_TRUE(eventually([&] { return failedWithCause(http); })) << http.get("/connectors/" + name + "/status").raw;
    EXPECT_FALSE(worker.exited()) << worker.log();
    EXPECT_EQ(worker.log().find("task " + name + "-0 started"), std::string::npos) << worker.log();
    ASSERT_TRUE(worker.terminate(15000)) << worker.log();
  }

  // 3. With the plugin replaced by a fixed build, the record survives a plain worker restart (the
  // worker cannot know the file was fixed), and the restart request runs the connector again.
  dir.installFixed(f.fixture);
  WorkerProcess worker(dir.config(), dir.log("fixed"));
  int port = readyPort(worker);
  ASSERT_GT(port, 0);
  Http http(port);
  EXPECT_TRUE(eventually([&] { return failedWithCause(http); })) << http.get("/connectors/" + name + "/status").raw;
  auto restarted = http.post("/connectors/" + name + "/restart?includeTasks=true", json::object());
  EXPECT_EQ(restarted.status, 202) << restarted.raw;
  EXPECT_TRUE(eventually([&] {
    auto s = http.get("/connectors/" + name + "/status").body;
    return s["connector"]["state"] == "RUNNING" && s["tasks"].size() == 1 && s["tasks"][0]["state"] == "RUNNING";
  })) << http.get("/connectors/" + name + "/status").raw;
  EXPECT_FALSE(worker.exited()) << worker.log();
}

INSTANTIATE_TEST_SUITE_P(
    Faults, CrashContainmentTest,
    ::testing::Values(Fault{"segfault_transform", "segfault", Role::Transform, SIGSEGV, 0, "signal 11 (SIGSEGV)"},
                      Fault{"segfault_transform", "segfault", Role::Source, SIGSEGV, 0, "signal 11 (SIGSEGV)"},
                      Fault{"segfault_transform", "segfault", Role::Sink, SIGSEGV, 0, "signal 11 (SIGSEGV)"},
                      Fault{"exit_transform", "exit", Role::Transform, 0, 3, "exit(3)"},
                      Fault{"exit_transform", "exit", Role::Sink, 0, 3, "exit(3)"},
                      Fault{"abort_transform", "abort", Role::Transform, SIGABRT, 0, "signal 6 (SIGABRT)"},
                      Fault{"fpe_transform", "fpe", Role::Transform, SIGFPE, 0, "signal 8 (SIGFPE)"},
                      Fault{"bus_transform", "bus", Role::Transform, SIGBUS, 0, "signal 7 (SIGBUS)"}),
    printName);

// A restart request clears the crash record: the worker after that runs the connector at once.
TEST(CrashContainmentRecovery, RestartRequestClearsTheRecordForLaterWorkers) {
  CrashWorkerDir dir({"noop_source", "noop_sink", "segfault_transform"});
  Fault f{"segfault_transform", "segfault", Role::Transform, SIGSEGV, 0, ""};
  {
    WorkerProcess worker(dir.config(), dir.log("crashing"), {dir.connectorFile(connectorFor(f, "c"))});
    ASSERT_TRUE(eventually([&] { return worker.exited(); })) << worker.log();
  }
  dir.installFixed(f.fixture);
  {
    WorkerProcess worker(dir.config(), dir.log("fixed"));
    int port = readyPort(worker);
    ASSERT_GT(port, 0);
    Http http(port);
    ASSERT_TRUE(eventually([&] { return http.get("/connectors/c/status").body["connector"]["state"] == "FAILED"; }));
    ASSERT_EQ(http.post("/connectors/c/restart?includeTasks=true", json::object()).status, 202);
    worker.kill();
  }
  WorkerProcess worker(dir.config(), dir.log("after"));
  int port = readyPort(worker);
  ASSERT_GT(port, 0);
  Http http(port);
  EXPECT_TRUE(eventually([&] {
    auto s = http.get("/connectors/c/status").body;
    return s["connector"]["state"] == "RUNNING" && s["tasks"].size() == 1 && s["tasks"][0]["state"] == "RUNNING";
  })) << http.get("/connectors/c/status").raw;
}

// PUT of a new config (here: without the crashing transform) is the other way out, and clears the record.
TEST(CrashContainmentRecovery, NewConfigRunsTheConnectorAgain) {
  CrashWorkerDir dir({"noop_source", "noop_sink", "exit_transform"});
  Fault f{"exit_transform", "exit", Role::Transform, 0, 3, ""};
  {
    WorkerProcess worker(dir.config(), dir.log("crashing"), {dir.connectorFile(connectorFor(f, "c"))});
    ASSERT_TRUE(eventually([&] { return worker.exited(); })) << worker.log();
  }
  {
    WorkerProcess worker(dir.config(), dir.log("restarted"));
    int port = readyPort(worker);
    ASSERT_GT(port, 0);
    Http http(port);
    ASSERT_TRUE(eventually([&] { return http.get("/connectors/c/status").body["connector"]["state"] == "FAILED"; }));
    json fixedConfig = without(without(connectorFor(f, "c"), "transforms"), "transforms.bad.type");
    ASSERT_EQ(http.put("/connectors/c/config", fixedConfig).status, 200);
    EXPECT_TRUE(eventually([&] {
      auto s = http.get("/connectors/c/status").body;
      return s["connector"]["state"] == "RUNNING" && s["tasks"].size() == 1 && s["tasks"][0]["state"] == "RUNNING";
    })) << http.get("/connectors/c/status").raw;
    ASSERT_TRUE(worker.terminate(15000)) << worker.log();
  }
  WorkerProcess worker(dir.config(), dir.log("after"));
  int port = readyPort(worker);
  ASSERT_GT(port, 0);
  Http http(port);
  EXPECT_TRUE(eventually([&] { return http.get("/connectors/c/status").body["tasks"][0]["state"] == "RUNNING"; }))
      << http.get("/connectors/c/status").raw;
}

// A C++ exception never gets past the SDK's barrier: the task fails with the message, the worker
// stays up, and nothing is recorded against the connector for the next start.
TEST(CrashContainmentInProcess, ThrowingTransformFailsOnlyItsTask) {
  CrashWorkerDir dir({"noop_source", "noop_sink", "throw_transform"});
  json config = {{"connector.class", "NoopSource"}, {"tasks.max", "1"}, {"topic", "ct-topic"}, {"sluice.sink.class", "noop-sink"},
                 {"transforms", "bad"}, {"transforms.bad.type", "throw-transform"}, {"name", "c"}};
  {
    WorkerProcess worker(dir.config(), dir.log("first"));
    int port = readyPort(worker);
    ASSERT_GT(port, 0);
    Http http(port);
    ASSERT_EQ(http.post("/connectors", {{"name", "c"}, {"config", config}}).status, 201);
    EXPECT_TRUE(eventually([&] {
      auto s = http.get("/connectors/c/status").body;
      return s["tasks"].size() == 1 && s["tasks"][0]["state"] == "FAILED" &&
             s["tasks"][0]["trace"].get<std::string>().find("throw-transform always throws in apply()") != std::string::npos;
    })) << http.get("/connectors/c/status").raw;
    EXPECT_EQ(http.get("/health").status, 200);
    EXPECT_FALSE(worker.exited()) << worker.log();
    ASSERT_TRUE(worker.terminate(15000)) << worker.log();
    EXPECT_TRUE(WIFEXITED(worker.exitStatus()) && WEXITSTATUS(worker.exitStatus()) == 0) << worker.exitStatus();
  }
  WorkerProcess worker(dir.config(), dir.log("second"));
  int port = readyPort(worker);
  ASSERT_GT(port, 0);
  Http http(port);
  // Started again as usual (its own exception fails it again): the connector is not FAILED by a record.
  EXPECT_TRUE(eventually([&] {
    auto s = http.get("/connectors/c/status").body;
    return s["connector"]["state"] == "RUNNING" && s["tasks"].size() == 1 && s["tasks"][0]["state"] == "FAILED";
  })) << http.get("/connectors/c/status").raw;
}

// A hook that never returns and ignores stop(): the worker stays up, abandons the task with a log
// line when the connector is deleted, answers the DELETE, and still shuts down cleanly.
TEST(CrashContainmentInProcess, HungTransformIsAbandonedAndTheWorkerStaysUp) {
  CrashWorkerDir dir({"noop_source", "noop_sink", "hang_transform"});
  Fault f{"hang_transform", "hang", Role::Transform, 0, 0, ""};
  WorkerProcess worker(dir.config(), dir.log("worker"));
  int port = readyPort(worker);
  ASSERT_GT(port, 0);
  Http http(port);
  ASSERT_EQ(http.post("/connectors", {{"name", "c"}, {"config", connectorFor(f, "c")}}).status, 201);
  ASSERT_TRUE(eventually([&] { return worker.log().find("task c-0 started") != std::string::npos; })) << worker.log();
  EXPECT_EQ(http.del("/connectors/c").status, 204);
  EXPECT_TRUE(eventually([&] { return worker.log().find("task c-0 did not stop within") != std::string::npos; })) << worker.log();
  EXPECT_EQ(http.get("/connectors/c/status").status, 404);
  EXPECT_EQ(http.get("/health").status, 200);
  // The connector can be created again while the abandoned thread still hangs.
  json good = without(without(connectorFor(f, "c"), "transforms"), "transforms.bad.type");
  ASSERT_EQ(http.post("/connectors", {{"name", "c"}, {"config", good}}).status, 201);
  EXPECT_TRUE(eventually([&] { return http.get("/connectors/c/status").body["tasks"][0]["state"] == "RUNNING"; }))
      << http.get("/connectors/c/status").raw;
  ASSERT_TRUE(worker.terminate(15000)) << worker.log();
  EXPECT_TRUE(WIFEXITED(worker.exitStatus()) && WEXITSTATUS(worker.exitStatus()) == 0) << worker.exitStatus();
}

}  // namespace
}  // namespace sluice::testing
