// The reference aggregate (connectors/transactions-aggregate.json: kafka-source -> windowed-aggregate
// -> kafka-sink) on input spread over 6 partitions, with real worker processes against `sluice kafka`:
//
// - Backlog: every transaction is produced before the connector starts, so the consumer hands the
//   partitions over in whatever runs its fetches return. With grace.ms=0 every window must equal this
//   test's own recomputation and no record may be late.
// - A quiet partition: one partition delivers once, then nothing, while the others keep receiving
//   live records; windows must still close (the quiet one stops holding the watermark after
//   idle.timeout.ms) while input flows.
// - Replay: kill -9 of the worker while input keeps coming, then a restart: the output deduplicated
//   by key equals the recomputation, no window is ever emitted with a value other than the exact one,
//   and the committed input offsets reach the end of every partition.
//
// The reference scenario: ten users, each paying ten times the leading digit of its id (0 counts as
// 10), so every sum is also checked from the user ids.
#include <time.h>

#include <atomic>
#include <set>
#include <thread>

#include "integration/kafka_it_support.hpp"
#include "process_support.hpp"

namespace sluice::testing {
namespace {

using kafkait::Msg;

constexpr int kPartitions = 6;
constexpr int64_t kWindowMs = 3000;
constexpr int64_t kStartMs = 1700000000500;  // not on a window boundary
const std::string kGroup = "connect-transactions-aggregate";
const std::string kInput = "transactions";
const std::string kOutput = "transactions_aggregate_sluice";

int64_t paidByDigit(int digit) { return 10 * (digit == 0 ? 10 : digit); }

std::string eventTimestamp(int64_t ms) {
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03d", buf, static_cast<int>(ms % 1000));
  return out;
}

// "yyyy-MM-dd HH:mm:ss.SSS" in UTC to epoch ms, without the plugin's parser.
int64_t parseUtcMillis(const std::string& text) {
  std::tm tm{};
  int ms = 0;
  if (std::sscanf(text.c_str(), "%d-%d-%d %d:%d:%d.%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms) != 7)
    throw std::runtime_error("bad event_timestamp " + text);
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<int64_t>(::timegm(&tm)) * 1000 + ms;
}

// Transaction `seq` of partition `partition` at event time `ts`: one of ten users, one in nine refused.
std::string transaction(int partition, int seq, int64_t ts) {
  int digit = (seq + partition) % 10;
  std::string userId = std::to_string(digit) + "a1b2c3-p" + std::to_string(partition) + "-" + std::to_string(seq);
  bool paid = (seq * 7 + partition) % 9 != 0;
  return json{{"transaction_id", "t-" + std::to_string(partition) + "-" + std::to_string(seq)},
              {"user_id", userId},
              {"total_paid", paidByDigit(digit)},
              {"status", paid ? "Paid" : "Refused"},
              {"event_timestamp", eventTimestamp(ts)}}
      .dump();
}

// Produces into explicit partitions and waits until the cluster has every record.
class Producer {
 public:
  explicit Producer(const std::string& bootstrap)
      : rk_(kafkait::newClient(RD_KAFKA_PRODUCER, {{"bootstrap.servers", bootstrap}, {"linger.ms", "5"}})) {}
  ~Producer() {
    rd_kafka_flush(rk_, 30000);
    rd_kafka_destroy(rk_);
  }
  void send(int partition, const std::string& value) {
    for (;;) {
      rd_kafka_resp_err_t err = rd_kafka_producev(rk_, RD_KAFKA_V_TOPIC(kInput.c_str()), RD_KAFKA_V_PARTITION(partition),
                                                  RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                                                  RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return;
      if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) throw std::runtime_error(std::string("produce: ") + rd_kafka_err2str(err));
      rd_kafka_poll(rk_, 100);
    }
  }
  void flush() {
    if (rd_kafka_flush(rk_, 60000) != RD_KAFKA_RESP_ERR_NO_ERROR) throw std::runtime_error("produce: flush timed out");
  }

 private:
  rd_kafka_t* rk_;
};

// Partition p, records [from, to): each partition in event-time order, all partitions covering the
// same event time (one record per partition every stepMs).
void produceRange(Producer& producer, int from, int to, int64_t stepMs) {
  for (int seq = from; seq < to; ++seq)
    for (int p = 0; p < kPartitions; ++p) producer.send(p, transaction(p, seq, kStartMs + seq * stepMs + p * 7));
}

struct Window {
  int64_t totalPaid = 0;
  int64_t count = 0;
  int64_t paidFromUserIds = 0;
};

// The test's own aggregate of the whole input topic: window start -> paid sum and count.
std::map<int64_t, Window> recompute(const std::vector<Msg>& transactions) {
  std::map<int64_t, Window> windows;
  for (const auto& m : transactions) {
    json v = json::parse(m.value.value_or("null"));
    if (v.at("status") != "Paid") continue;
    int64_t ts = parseUtcMillis(v.at("event_timestamp").get<std::string>());
    Window& w = windows[ts - ts % kWindowMs];
    w.totalPaid += v.at("total_paid").get<int64_t>();
    w.count += 1;
    w.paidFromUserIds += paidByDigit(v.at("user_id").get<std::string>().at(0) - '0');
  }
  return windows;
}

std::set<int64_t> keysIn(const std::vector<Msg>& output) {
  std::set<int64_t> keys;
  for (const auto& m : output) keys.insert(std::stoll(m.key.value_or("-1")));
  return keys;
}

// Every emitted value (not only the last per key) is the exact window: no partial window was ever
// written, before or after a restart. Returns how many windows the output holds.
size_t expectEveryEmissionExact(const std::map<int64_t, Window>& expected, const std::vector<Msg>& output) {
  std::set<int64_t> seen;
  for (const auto& m : output) {
    int64_t start = std::stoll(m.key.value_or("-1"));
    auto it = expected.find(start);
    if (it == expected.end()) {
      ADD_FAILURE() << "unexpected window " << m.key.value_or("null") << ": " << m.value.value_or("null");
      continue;
    }
    json v = json::parse(m.value.value_or("null"));
    EXPECT_EQ(v["window_end"], start + kWindowMs);
    EXPECT_EQ(v["total_paid"], it->second.totalPaid) << "window " << start << ": " << *m.value;
    EXPECT_EQ(v["total_paid"], it->second.paidFromUserIds) << "window " << start;
    EXPECT_EQ(v["total_transactions"], it->second.count) << "window " << start << ": " << *m.value;
    seen.insert(start);
  }
  for (const auto& [start, w] : expected) EXPECT_TRUE(seen.count(start)) << "window " << start << " never emitted";
  return seen.size();
}

// True when the connector's committed offsets are at the end of every input partition.
bool committedToTheEnd(const std::string& bootstrap, const std::vector<Msg>& input) {
  std::map<int32_t, int64_t> end;
  for (const auto& m : input) end[m.partition] = std::max(end[m.partition], m.offset + 1);
  auto committed = kafkait::committedOffsets(bootstrap, kGroup, kInput);
  for (const auto& [p, e] : end)
    if (!committed.count(p) || committed[p] != e) return false;
  return true;
}

std::string committedText(const std::string& bootstrap) {
  std::string s;
  for (const auto& [p, o] : kafkait::committedOffsets(bootstrap, kGroup, kInput)) s += " " + std::to_string(p) + "@" + std::to_string(o);
  return s.empty() ? " none" : s;
}

json aggregateConnector(const std::string& idleTimeoutMs) {
  json c = json::parse(readFile(std::string(SLUICE_SOURCE_DIR) + "/connectors/transactions-aggregate.json"));
  c["config"]["transforms.window.grace.ms"] = "0";
  c["config"]["transforms.window.idle.timeout.ms"] = idleTimeoutMs;
  return c;
}

std::string workerConfig(const TempDir& dir, const std::string& bootstrap) {
  std::string config = dir.file("worker.yaml");
  writeWorkerConfig(config, {{"listeners", "http://127.0.0.1:0"},
                             {"plugin.path", SLUICE_FIXTURE_DIR},
                             {"bootstrap.servers", bootstrap},
                             {"offset.storage.file.filename", dir.file("offsets.json")},
                             {"config.storage.file.filename", dir.file("connectors.json")},
                             {"offset.flush.interval.ms", "200"},
                             // A killed member's partitions move on after its session times out; the mock
                             // coordinator holds the restarted member's join for the rebalance timeout
                             // (max.poll.interval.ms, 300 s by default), so keep that short too.
                             {"consumer.session.timeout.ms", "6000"},
                             {"consumer.max.poll.interval.ms", "10000"}});
  return config;
}

std::unique_ptr<WorkerProcess> startWorker(const std::string& config, const std::string& log) {
  auto worker = std::make_unique<WorkerProcess>(config, log);
  int port = worker->waitForPort();
  if (port <= 0) throw std::runtime_error("the worker did not start: " + worker->log());
  Http http(port);
  if (!eventually([&] { return http.get("/health").status == 200; })) throw std::runtime_error("no /health: " + worker->log());
  return worker;
}

int workerPort(WorkerProcess& worker) { return worker.waitForPort(); }

// Stops and joins a producer thread on every way out of a test, a failed ASSERT included.
class JoinOnExit {
 public:
  JoinOnExit(std::thread& thread, std::atomic<bool>& stop) : thread_(thread), stop_(stop) {}
  ~JoinOnExit() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::thread& thread_;
  std::atomic<bool>& stop_;
};

TEST(WindowedAggregateBacklog, BacklogOverSixPartitionsGivesExactWindowsWithZeroGrace) {
  TempDir dir;
  KafkaProcess kafka({kInput + ":6", kOutput + ":3"}, dir.file("kafka.log"));
  {
    Producer producer(kafka.bootstrap());
    produceRange(producer, 0, 4000, 60);  // 24,000 transactions, 4 minutes of event time, 80 windows
    producer.flush();
  }
  std::vector<Msg> input = kafkait::readWholeTopic(kafka.bootstrap(), kInput);
  ASSERT_EQ(input.size(), 4000u * kPartitions);
  auto expected = recompute(input);
  ASSERT_GE(expected.size(), 80u);

  auto worker = startWorker(workerConfig(dir, kafka.bootstrap()), dir.file("worker.log"));
  Http http(workerPort(*worker));
  ASSERT_EQ(http.post("/connectors", aggregateConnector("8000")).status, 201);
  std::vector<Msg> output;
  ASSERT_TRUE(kafkait::waitUntil(
      [&] {
        output = kafkait::readWholeTopic(kafka.bootstrap(), kOutput);
        return keysIn(output).size() >= expected.size();
      },
      std::chrono::seconds(180)))
      << keysIn(output).size() << " of " << expected.size() << " windows\n" << worker->log();
  ASSERT_TRUE(kafkait::waitUntil([&] { return committedToTheEnd(kafka.bootstrap(), input); }, std::chrono::seconds(60)))
      << "committed:" << committedText(kafka.bootstrap()) << "\n" << worker->log();
  ASSERT_TRUE(worker->terminate(15000));
  output = kafkait::readWholeTopic(kafka.bootstrap(), kOutput);
  EXPECT_EQ(expectEveryEmissionExact(expected, output), expected.size());
  EXPECT_EQ(output.size(), expected.size()) << "each window emitted once";
  EXPECT_EQ(worker->log().find("late record"), std::string::npos) << "no record is late in event time\n" << worker->log();
}

TEST(WindowedAggregateBacklog, AQuietPartitionDoesNotStallTheWindows) {
  TempDir dir;
  KafkaProcess kafka({kInput + ":6", kOutput + ":3"}, dir.file("kafka.log"));
  {
    // Every partition delivers once at the start; partition 5 never again.
    Producer producer(kafka.bootstrap());
    produceRange(producer, 0, 1, 100);
    producer.flush();
  }
  auto worker = startWorker(workerConfig(dir, kafka.bootstrap()), dir.file("worker.log"));
  Http http(workerPort(*worker));
  ASSERT_EQ(http.post("/connectors", aggregateConnector("5000")).status, 201);

  // Live input into partitions 0-4 only, a round every 100 ms (100 ms of event time), until windows
  // appear in the output while it still flows. Partition 5, at its first record, would hold the
  // watermark there forever if it were not left out once idle.
  std::atomic<bool> stop{false};
  std::thread live([&] {
    Producer producer(kafka.bootstrap());
    for (int seq = 1; !stop; ++seq) {
      for (int p = 0; p < kPartitions - 1; ++p) producer.send(p, transaction(p, seq, kStartMs + seq * 100 + p * 7));
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    producer.flush();
  });
  JoinOnExit joinLive(live, stop);
  size_t emittedWhileFlowing = 0;
  kafkait::waitUntil(
      [&] {
        emittedWhileFlowing = keysIn(kafkait::readWholeTopic(kafka.bootstrap(), kOutput)).size();
        return emittedWhileFlowing >= 3;
      },
      std::chrono::seconds(180));
  stop = true;
  live.join();
  ASSERT_GE(emittedWhileFlowing, 3u) << "no window closed while partition 5 was quiet\n" << worker->log();

  // Input stopped: the last windows close on idle.timeout.ms; everything is exact and nothing late.
  std::vector<Msg> input = kafkait::readWholeTopic(kafka.bootstrap(), kInput);
  auto expected = recompute(input);
  std::vector<Msg> output;
  ASSERT_TRUE(kafkait::waitUntil(
      [&] {
        output = kafkait::readWholeTopic(kafka.bootstrap(), kOutput);
        return keysIn(output).size() >= expected.size();
      },
      std::chrono::seconds(120)))
      << keysIn(output).size() << " of " << expected.size() << " windows\n" << worker->log();
  ASSERT_TRUE(worker->terminate(15000));
  output = kafkait::readWholeTopic(kafka.bootstrap(), kOutput);
  EXPECT_EQ(expectEveryEmissionExact(expected, output), expected.size());
  EXPECT_EQ(worker->log().find("late record"), std::string::npos) << worker->log();
}

TEST(WindowedAggregateBacklog, KillMidBacklogAndRestartConvergesFromHeldOffsets) {
  TempDir dir;
  KafkaProcess kafka({kInput + ":6", kOutput + ":3"}, dir.file("kafka.log"));
  constexpr int kBacklogRounds = 2000;  // 12,000 transactions before the connector starts
  constexpr int kLiveRounds = 2000;     // then 12,000 more while it runs, is killed and restarts
  {
    Producer producer(kafka.bootstrap());
    produceRange(producer, 0, kBacklogRounds, 60);
    producer.flush();
  }
  std::string config = workerConfig(dir, kafka.bootstrap());
  auto worker = startWorker(config, dir.file("worker-1.log"));
  Http http(workerPort(*worker));
  ASSERT_EQ(http.post("/connectors", aggregateConnector("6000")).status, 201);

  // Input keeps arriving (a round of six every 10 ms) through the kill and the restart, so windows
  // are open and offsets held when the worker dies, and a new backlog builds while it is down.
  std::atomic<bool> producing{true};
  std::atomic<bool> stop{false};
  std::thread live([&] {
    Producer producer(kafka.bootstrap());
    for (int seq = kBacklogRounds; seq < kBacklogRounds + kLiveRounds && !stop; ++seq) {
      produceRange(producer, seq, seq + 1, 60);
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    producer.flush();
    producing = false;
  });
  JoinOnExit joinLive(live, stop);

  // Kill once part of the backlog is committed (windows closed and their input released).
  bool progressed = kafkait::waitUntil(
      [&] {
        int64_t total = 0;
        for (const auto& [p, o] : kafkait::committedOffsets(kafka.bootstrap(), kGroup, kInput)) total += o;
        return total >= kBacklogRounds * kPartitions / 2;
      },
      std::chrono::seconds(180));
  std::string beforeKill = committedText(kafka.bootstrap());
  worker->kill();
  worker.reset();
  std::cout << "[ info ] killed with input committed at" << beforeKill << (producing ? ", input still arriving" : "") << "\n";
  ASSERT_TRUE(progressed) << "the connector committed less than half the backlog in 180 s:" << beforeKill;

  worker = startWorker(config, dir.file("worker-2.log"));
  ASSERT_TRUE(kafkait::waitUntil([&] { return !producing; }, std::chrono::seconds(180))) << "the live input did not finish";
  std::vector<Msg> input = kafkait::readWholeTopic(kafka.bootstrap(), kInput);
  ASSERT_EQ(input.size(), static_cast<size_t>(kBacklogRounds + kLiveRounds) * kPartitions);
  auto expected = recompute(input);
  std::vector<Msg> output;
  ASSERT_TRUE(kafkait::waitUntil(
      [&] {
        output = kafkait::readWholeTopic(kafka.bootstrap(), kOutput);
        return keysIn(output).size() >= expected.size();
      },
      std::chrono::seconds(240)))
      << keysIn(output).size() << " of " << expected.size() << " windows\n" << worker->log();
  ASSERT_TRUE(kafkait::waitUntil([&] { return committedToTheEnd(kafka.bootstrap(), input); }, std::chrono::seconds(120)))
      << "committed:" << committedText(kafka.bootstrap()) << "\n" << worker->log();
  ASSERT_TRUE(worker->terminate(15000));
  output = kafkait::readWholeTopic(kafka.bootstrap(), kOutput);
  // Deduplicated by key and also every single emission: repeats after the restart are identical.
  EXPECT_EQ(expectEveryEmissionExact(expected, output), expected.size());
  std::string logs = readFile(dir.file("worker-1.log")) + worker->log();
  EXPECT_EQ(logs.find("late record"), std::string::npos) << logs;
}

}  // namespace
}  // namespace sluice::testing
