// plugin.isolation: process with real `sluice worker` processes: a plugin that crashes its task
// process leaves the worker and its other connectors running, the task shows FAILED with how the
// process ended and comes back RUNNING after a restart with backoff; records reach Kafka at least
// once across the crashes, with the worker's offsets never ahead of delivery; no task process
// outlives the worker.
#include <dirent.h>

#include <set>

#include "integration/kafka_it_support.hpp"
#include "process_support.hpp"

namespace sluice::testing {
namespace {

json taskStatus(Http& http, const std::string& connector) {
  auto r = http.get("/connectors/" + connector + "/status");
  if (r.status != 200 || !r.body.contains("tasks") || r.body["tasks"].empty()) return json::object();
  return r.body["tasks"][0];
}

json crashingConnector(const std::string& counterFile, const std::string& how, int times) {
  return {{"connector.class", "NoopSource"},
          {"sluice.sink.class", "noop-sink"},
          {"poll.interval.ms", "1"},
          {"plugin.isolation", "process"},
          {"transforms", "crash"},
          {"transforms.crash.type", "isolation-crash-transform"},
          {"transforms.crash.crash.at.record", "20"},
          {"transforms.crash.crash.times", std::to_string(times)},
          {"transforms.crash.crash.count.file", counterFile},
          {"transforms.crash.crash.how", how}};
}

// The pids of a process's children, from /proc/<pid>/task/<tid>/children.
std::set<pid_t> childrenOf(pid_t pid) {
  std::set<pid_t> out;
  std::string dir = "/proc/" + std::to_string(pid) + "/task";
  DIR* d = ::opendir(dir.c_str());
  if (!d) return out;
  while (auto* e = ::readdir(d)) {
    if (e->d_name[0] == '.') continue;
    std::istringstream in(readFile(dir + "/" + e->d_name + "/children"));
    pid_t child;
    while (in >> child) out.insert(child);
  }
  ::closedir(d);
  return out;
}

bool processGone(pid_t pid) {
  std::string stat = readFile("/proc/" + std::to_string(pid) + "/stat");
  return stat.empty() || stat.find(") Z") != std::string::npos;  // gone, or a zombie its new parent will reap
}

// A connector's committed {"position":N} in the worker's offset file; -1 before the first flush.
int64_t committedPosition(const std::string& offsetFile, const std::string& connector) {
  std::string text = readFile(offsetFile);
  text.erase(0, text.find('{'));  // after storage/atomic_file's header line
  json doc = json::parse(text, nullptr, false);
  if (!doc.is_object() || !doc.contains("offsets")) return -1;
  for (const auto& entry : doc["offsets"]) {
    if (entry[0] != connector) continue;
    json offset = json::parse(entry[2].get<std::string>(), nullptr, false);
    if (offset.is_object() && offset.contains("position")) return offset["position"].get<int64_t>();
  }
  return -1;
}

class IsolationIt : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = dir_.file("worker.yaml");
    writeWorkerConfig(config_, {{"listeners", "http://127.0.0.1:0"},
                                {"plugin.path", SLUICE_FIXTURE_DIR},
                                {"bootstrap.servers", "localhost:1"},  // never used: noop source and sink
                                {"offset.storage.file.filename", dir_.file("offsets.json")},
                                {"offset.flush.interval.ms", "100"}});
  }
  TempDir dir_;
  std::string config_;
};

TEST_F(IsolationIt, ACrashFailsOnlyItsTaskWhichRestartsWithBackoffWhileTheWorkerStaysUp) {
  WorkerProcess worker(config_, dir_.file("worker.log"));
  int port = worker.waitForPort();
  ASSERT_GT(port, 0) << worker.log();
  Http http(port);
  ASSERT_TRUE(eventually([&] { return http.get("/health").status == 200; })) << worker.log();
  json steady = {{"connector.class", "NoopSource"}, {"sluice.sink.class", "noop-sink"}};
  ASSERT_EQ(http.post("/connectors", {{"name", "steady"}, {"config", steady}}).status, 201);
  std::string counter = dir_.file("crashes");
  ASSERT_EQ(http.post("/connectors", {{"name", "crashy"}, {"config", crashingConnector(counter, "segv", 2)}}).status,
            201);

  // Two crashes: FAILED with the signal and the backoff of each attempt, then RUNNING for good.
  std::vector<std::string> traces;
  bool steadyRanThroughout = true;
  ASSERT_TRUE(eventually(
      [&] {
        json t = taskStatus(http, "crashy");
        if (t.value("state", "") == "FAILED") {
          std::string trace = t.value("trace", "");
          if (traces.empty() || traces.back() != trace) traces.push_back(trace);
          steadyRanThroughout = steadyRanThroughout && taskStatus(http, "steady").value("state", "") == "RUNNING";
        }
        return traces.size() >= 2 && t.value("state", "") == "RUNNING";
      },
      60000))
      << "traces seen: " << json(traces).dump() << "\n"
      << worker.log();
  ASSERT_EQ(traces.size(), 2u);
  EXPECT_EQ(traces[0],
            "task process died with SIGSEGV (Segmentation fault) in poll()/apply()/put(); restarting in 1 s (attempt 1)");
  EXPECT_EQ(traces[1],
            "task process died with SIGSEGV (Segmentation fault) in poll()/apply()/put(); restarting in 2 s (attempt 2)");
  EXPECT_TRUE(steadyRanThroughout);
  EXPECT_EQ(readFile(counter), "xx");
  EXPECT_FALSE(worker.exited()) << worker.log();
  EXPECT_EQ(http.get("/connectors/crashy/status").body["connector"]["state"], "RUNNING");
  EXPECT_EQ(taskStatus(http, "steady").value("state", ""), "RUNNING");
  EXPECT_EQ(http.get("/health").status, 200);
  EXPECT_TRUE(worker.terminate(20000)) << worker.log();
}

TEST_F(IsolationIt, TheTraceSaysHowTheTaskProcessEnded) {
  WorkerProcess worker(config_, dir_.file("worker.log"));
  int port = worker.waitForPort();
  ASSERT_GT(port, 0) << worker.log();
  Http http(port);
  std::map<std::string, std::string> expected = {
      {"abort", "task process died with SIGABRT (Aborted) in poll()/apply()/put(); restarting in 1 s (attempt 1)"},
      {"exit", "task process exited with code 3 in poll()/apply()/put(); restarting in 1 s (attempt 1)"}};
  for (const auto& [how, trace] : expected)
    ASSERT_EQ(http.post("/connectors", {{"name", how}, {"config", crashingConnector(dir_.file(how), how, -1)}}).status,
              201);
  for (const auto& [how, trace] : expected) {
    std::string seen;
    EXPECT_TRUE(eventually([&] {
      seen = taskStatus(http, how).value("trace", "");
      return seen == trace;
    })) << how << ": " << seen;
  }
  EXPECT_FALSE(worker.exited()) << worker.log();
  EXPECT_TRUE(worker.terminate(20000)) << worker.log();
}

TEST_F(IsolationIt, TaskProcessesDieWithTheWorker) {
  WorkerProcess worker(config_, dir_.file("worker.log"));
  int port = worker.waitForPort();
  ASSERT_GT(port, 0) << worker.log();
  Http http(port);
  json cfg = {{"connector.class", "NoopSource"}, {"sluice.sink.class", "noop-sink"}, {"plugin.isolation", "process"},
              {"tasks.max", "2"}};
  ASSERT_EQ(http.post("/connectors", {{"name", "isolated"}, {"config", cfg}}).status, 201);
  // The worker is our only child; its task processes are its children.
  std::set<pid_t> mine = childrenOf(::getpid());
  ASSERT_EQ(mine.size(), 1u);
  pid_t workerPid = *mine.begin();
  std::set<pid_t> tasks;
  ASSERT_TRUE(eventually([&] {
    tasks = childrenOf(workerPid);
    return tasks.size() == 2 && taskStatus(http, "isolated").value("state", "") == "RUNNING";
  })) << worker.log();
  worker.kill();  // SIGKILL: the worker cannot stop them itself
  for (pid_t task : tasks) EXPECT_TRUE(eventually([&] { return processGone(task); }, 10000)) << "task process " << task;
}

TEST_F(IsolationIt, StoppingAnIsolatedConnectorLeavesNoTaskProcess) {
  WorkerProcess worker(config_, dir_.file("worker.log"));
  int port = worker.waitForPort();
  ASSERT_GT(port, 0) << worker.log();
  Http http(port);
  pid_t workerPid = *childrenOf(::getpid()).begin();
  json cfg = {{"connector.class", "NoopSource"}, {"sluice.sink.class", "noop-sink"}, {"plugin.isolation", "process"}};
  ASSERT_EQ(http.post("/connectors", {{"name", "isolated"}, {"config", cfg}}).status, 201);
  ASSERT_TRUE(eventually([&] { return childrenOf(workerPid).size() == 1; })) << worker.log();
  ASSERT_EQ(http.del("/connectors/isolated").status, 204);
  // Reaped, not left as a zombie: the worker's children list is empty again.
  EXPECT_TRUE(eventually([&] { return childrenOf(workerPid).empty(); })) << worker.log();
  EXPECT_TRUE(worker.terminate(20000)) << worker.log();
}

TEST_F(IsolationIt, ValidationAcceptsNoneAndProcessOnly) {
  WorkerProcess worker(config_, dir_.file("worker.log"));
  int port = worker.waitForPort();
  ASSERT_GT(port, 0) << worker.log();
  Http http(port);
  json cfg = {{"name", "bad"}, {"connector.class", "NoopSource"}, {"sluice.sink.class", "noop-sink"},
              {"plugin.isolation", "thread"}};
  auto v = http.put("/connector-plugins/NoopSource/config/validate", cfg);
  ASSERT_EQ(v.status, 200) << v.raw;
  EXPECT_EQ(v.body["error_count"], 1) << v.raw;
  bool found = false;
  for (const auto& c : v.body["configs"]) {
    if (c["value"]["name"] != "plugin.isolation") continue;
    found = true;
    EXPECT_EQ(c["definition"]["default_value"], "none");
    EXPECT_NE(c["definition"]["documentation"].get<std::string>().find("process"), std::string::npos);
    ASSERT_EQ(c["value"]["errors"].size(), 1u);
    EXPECT_EQ(c["value"]["errors"][0], "Invalid value thread for configuration plugin.isolation: String must be one of: none, process");
  }
  EXPECT_TRUE(found) << v.raw;
  auto created = http.post("/connectors", {{"name", "bad"}, {"config", cfg}});
  EXPECT_TRUE(errShape(created, 400)) << created.raw;
  EXPECT_TRUE(worker.terminate(20000)) << worker.log();
}

// file-source -> kafka-sink in a task process whose transform crashes twice mid-file: every line
// reaches Kafka (at least once), and the committed position ends at the end of the file.
TEST(IsolationKafkaIt, EveryLineIsDeliveredAcrossTaskProcessCrashes) {
  TempDir dir;
  KafkaProcess kafka({"lines:3"}, dir.file("kafka.log"));
  std::string config = dir.file("worker.yaml");
  writeWorkerConfig(config, {{"listeners", "http://127.0.0.1:0"},
                             {"plugin.path", SLUICE_FIXTURE_DIR},
                             {"bootstrap.servers", kafka.bootstrap()},
                             {"offset.storage.file.filename", dir.file("offsets.json")},
                             {"offset.flush.interval.ms", "50"},
                             {"key.converter", "org.apache.kafka.connect.storage.StringConverter"},
                             {"value.converter", "org.apache.kafka.connect.storage.StringConverter"}});
  std::vector<std::string> lines;
  {
    std::ofstream out(dir.file("input.txt"));
    for (int i = 0; i < 20000; ++i) {
      lines.push_back("line " + std::to_string(i));
      out << lines.back() << "\n";
    }
  }
  int64_t fileSize = static_cast<int64_t>(readFile(dir.file("input.txt")).size());
  WorkerProcess worker(config, dir.file("worker.log"));
  int port = worker.waitForPort();
  ASSERT_GT(port, 0) << worker.log();
  Http http(port);
  std::string counter = dir.file("crashes");
  json cfg = {{"connector.class", "FileStreamSource"},
              {"file", dir.file("input.txt")},
              {"topic", "lines"},
              {"batch.size", "200"},
              {"plugin.isolation", "process"},
              {"transforms", "crash"},
              {"transforms.crash.type", "isolation-crash-transform"},
              {"transforms.crash.crash.at.record", "3000"},
              {"transforms.crash.crash.times", "2"},
              {"transforms.crash.crash.count.file", counter}};
  ASSERT_EQ(http.post("/connectors", {{"name", "lines-to-kafka"}, {"config", cfg}}).status, 201);
  auto committed = [&] { return committedPosition(dir.file("offsets.json"), "lines-to-kafka"); };
  ASSERT_TRUE(eventually([&] { return committed() == fileSize; }, 120000))
      << "committed " << committed() << " of " << fileSize << "\n"
      << worker.log();
  EXPECT_EQ(readFile(counter), "xx") << "the transform did not crash twice";
  EXPECT_FALSE(worker.exited());
  EXPECT_EQ(taskStatus(http, "lines-to-kafka").value("state", ""), "RUNNING");
  ASSERT_TRUE(worker.terminate(20000)) << worker.log();

  std::multiset<std::string> delivered;
  for (const auto& m : kafkait::readWholeTopic(kafka.bootstrap(), "lines")) delivered.insert(m.value.value_or("<null>"));
  size_t missing = 0, unknown = 0;
  std::set<std::string> expected(lines.begin(), lines.end());
  for (const auto& line : lines) missing += delivered.count(line) == 0;
  for (const auto& value : delivered) unknown += expected.count(value) == 0;
  EXPECT_EQ(missing, 0u) << "lines lost across the crashes";
  EXPECT_EQ(unknown, 0u);
  std::cout << "[ info ] " << lines.size() << " lines, " << delivered.size() << " records in Kafka ("
            << delivered.size() - lines.size() << " repeated after 2 crashes)\n";
}

}  // namespace
}  // namespace sluice::testing
