// The reference pipeline survives kill -9 in the middle of a window (issue #6): a separate `sluice
// kafka` holds the topics; one worker process generates the reference transactions with datagen at
// about 1,000 per second, and a second worker runs connectors/transactions-aggregate.json (Kafka ->
// windowed-aggregate -> Kafka) and is SIGKILLed three times while windows are open, each time right
// after it committed input offsets.
//
// After each kill: the committed input offset is never ahead of what was delivered, i.e. every paid
// transaction before it belongs to a window that is already in the output topic. At the end: the
// output, deduplicated by key, holds exactly one value per window with paid transactions, repeats are
// identical, and every sum, count and average equals this test's own computation from the
// `transactions` topic, where each sum is also checked from the user ids (10 x leading digit).
//
// Only the aggregating worker is killed, and the input sits in one partition: kill -9 of datagen
// would add at-least-once duplicates to the input, and several partitions would make lateness depend
// on interleaving (both are tested elsewhere: source_sigkill_it, the windowed-aggregate unit tests).
#include <time.h>

#include <cmath>
#include <set>

#include "integration/kafka_it_support.hpp"
#include "process_support.hpp"

namespace sluice::testing {
namespace {

using kafkait::Msg;

constexpr int kTransactions = 30000;
constexpr int64_t kStartMs = 1700000000500;  // not on a window boundary
constexpr int64_t kStepMs = 50;              // 60 transactions per 3-second window, 500 windows
constexpr int64_t kWindowMs = 3000;
const std::string kGroup = "connect-transactions-aggregate";

struct Window {
  int64_t totalPaid = 0;
  int64_t count = 0;
  int64_t paidFromUserIds = 0;  // sum of 10 x leading digit of user_id (0 counts as 10)
};

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

int64_t paidByUser(const std::string& userId) {
  int digit = userId.at(0) - '0';
  return 10 * (digit == 0 ? 10 : digit);
}

struct Input {
  std::map<int64_t, Window> windows;   // window start -> expected aggregate
  std::vector<int64_t> paidWindowOf;   // input offset -> window start of a paid record, or -1
};

Input computeExpected(const std::vector<Msg>& transactions) {
  Input in;
  in.paidWindowOf.assign(transactions.size(), -1);
  for (const auto& m : transactions) {
    json v = json::parse(m.value.value_or("null"));
    int64_t ts = parseUtcMillis(v.at("event_timestamp").get<std::string>());
    EXPECT_EQ(v.at("total_paid").get<int64_t>(), paidByUser(v.at("user_id").get<std::string>())) << *m.value;
    if (v.at("status") != "Paid") continue;
    int64_t start = ts - ts % kWindowMs;
    Window& w = in.windows[start];
    w.totalPaid += v.at("total_paid").get<int64_t>();
    w.count += 1;
    w.paidFromUserIds += paidByUser(v.at("user_id").get<std::string>());
    in.paidWindowOf.at(static_cast<size_t>(m.offset)) = start;
  }
  return in;
}

std::set<int64_t> keysIn(const std::vector<Msg>& output) {
  std::set<int64_t> keys;
  for (const auto& m : output) keys.insert(std::stoll(m.key.value_or("-1")));
  return keys;
}

int64_t committedInput(const std::string& bootstrap) {
  auto committed = kafkait::committedOffsets(bootstrap, kGroup, "transactions");
  return committed.count(0) ? committed[0] : 0;
}

// The high watermark of `transactions` (one partition): how many transactions were generated.
int64_t inputEnd(const std::string& bootstrap) {
  rd_kafka_t* rk = kafkait::newClient(RD_KAFKA_CONSUMER, {{"bootstrap.servers", bootstrap}});
  int64_t low = 0, high = 0;
  rd_kafka_query_watermark_offsets(rk, "transactions", 0, &low, &high, 5000);
  rd_kafka_destroy(rk);
  return high;
}

json connectorFile(const std::string& name) {
  return json::parse(readFile(std::string(SLUICE_SOURCE_DIR) + "/connectors/" + name));
}

// A worker config of its own (REST port, state files) in dir, against the external cluster.
std::string workerConfig(const TempDir& dir, const std::string& name, const std::string& bootstrap) {
  std::string config = dir.file(name + ".yaml");
  writeWorkerConfig(config, {{"listeners", "http://127.0.0.1:0"},
                             {"plugin.path", SLUICE_FIXTURE_DIR},
                             {"bootstrap.servers", bootstrap},
                             {"offset.storage.file.filename", dir.file(name + "-offsets.json")},
                             {"config.storage.file.filename", dir.file(name + "-connectors.json")},
                             {"offset.flush.interval.ms", "100"},
                             // A killed member's partitions move on after its session times out.
                             {"consumer.session.timeout.ms", "6000"}});
  return config;
}

TEST(WindowedAggregateSigkill, WindowsStayExactAcrossKillsMidWindow) {
  TempDir dir;
  KafkaProcess kafka({"transactions:1", "transactions_aggregate_sluice:3"}, dir.file("kafka.log"));

  // 1. The reference transactions, with exact event times, paced into `transactions`.
  WorkerProcess generator(workerConfig(dir, "generator", kafka.bootstrap()), dir.file("generator.log"));
  int generatorPort = generator.waitForPort();
  ASSERT_GT(generatorPort, 0) << generator.log();
  Http generatorHttp(generatorPort);
  ASSERT_TRUE(eventually([&] { return generatorHttp.get("/health").status == 200; })) << generator.log();
  json datagen = connectorFile("transactions-datagen.json");
  datagen["config"]["iterations"] = std::to_string(kTransactions);
  datagen["config"]["max.interval"] = "2";  // a wait of 0 or 1 ms before each record
  datagen["config"]["transactions.start.ms"] = std::to_string(kStartMs);
  datagen["config"]["transactions.time.step.ms"] = std::to_string(kStepMs);
  // The cluster keeps 5 MiB per partition; compressed, the input stays whole for the final check.
  datagen["config"]["producer.override.compression.type"] = "lz4";
  ASSERT_EQ(generatorHttp.post("/connectors", datagen).status, 201);

  // 2. The aggregate, killed three times: once it committed 20%, 40% and 60% of the input (which
  // is then still arriving, so the last run has windows to finish too).
  std::string config = workerConfig(dir, "aggregator", kafka.bootstrap());
  auto worker = std::make_unique<WorkerProcess>(config, dir.file("aggregator-start.log"));
  int port = worker->waitForPort();
  ASSERT_GT(port, 0) << worker->log();
  Http http(port);
  ASSERT_TRUE(eventually([&] { return http.get("/health").status == 200; })) << worker->log();
  ASSERT_EQ(http.post("/connectors", connectorFile("transactions-aggregate.json")).status, 201);
  int64_t lastCommitted = 0;
  for (int kill = 0; kill < 3; ++kill) {
    SCOPED_TRACE("kill " + std::to_string(kill));
    if (!worker) {
      worker = std::make_unique<WorkerProcess>(config, dir.file("aggregator-" + std::to_string(kill) + ".log"));
      ASSERT_GT(worker->waitForPort(), 0) << worker->log();
    }
    int64_t target = (kill + 1) * kTransactions / 5;
    ASSERT_TRUE(kafkait::waitUntil([&] { return committedInput(kafka.bootstrap()) >= target; }, std::chrono::seconds(120)))
        << "committed " << committedInput(kafka.bootstrap()) << ", waiting for " << target << "\n" << worker->log();
    worker->kill();
    worker.reset();

    int64_t committed = committedInput(kafka.bootstrap());
    EXPECT_GE(committed, lastCommitted) << "committed input offsets went backwards";
    EXPECT_LT(committed, kTransactions) << "the kill came after the whole input was processed";
    ASSERT_FALSE(::testing::Test::HasFatalFailure());
    lastCommitted = committed;
    std::set<int64_t> emitted = keysIn(kafkait::readWholeTopic(kafka.bootstrap(), "transactions_aggregate_sluice"));
    Input sofar = computeExpected(kafkait::readWholeTopic(kafka.bootstrap(), "transactions"));
    ASSERT_LE(committed, static_cast<int64_t>(sofar.paidWindowOf.size()));
    for (int64_t offset = 0; offset < committed; ++offset) {
      int64_t window = sofar.paidWindowOf[static_cast<size_t>(offset)];
      if (window >= 0 && !emitted.count(window)) {
        ADD_FAILURE() << "input offset " << offset << " is committed (" << committed << ") but its window " << window
                      << " was never emitted: a restart would lose it";
        break;
      }
    }
    std::cout << "[ info ] kill " << kill << ": input committed up to " << committed << " of " << kTransactions << ", "
              << emitted.size() << " windows emitted\n";
  }

  // 3. A last run to the end; the last windows close by idle.timeout.ms once input stops.
  worker = std::make_unique<WorkerProcess>(config, dir.file("aggregator-final.log"));
  ASSERT_GT(worker->waitForPort(), 0) << worker->log();
  ASSERT_TRUE(kafkait::waitUntil([&] { return inputEnd(kafka.bootstrap()) >= kTransactions; }, std::chrono::seconds(120)))
      << generator.log();
  std::vector<Msg> transactions = kafkait::readWholeTopic(kafka.bootstrap(), "transactions");
  ASSERT_EQ(transactions.size(), static_cast<size_t>(kTransactions));
  Input expected = computeExpected(transactions);
  ASSERT_GT(expected.windows.size(), 450u);
  std::vector<Msg> output;
  ASSERT_TRUE(kafkait::waitUntil(
      [&] {
        output = kafkait::readWholeTopic(kafka.bootstrap(), "transactions_aggregate_sluice");
        return keysIn(output).size() >= expected.windows.size();
      },
      std::chrono::seconds(180)))
      << keysIn(output).size() << " of " << expected.windows.size() << " windows\n" << worker->log();
  ASSERT_TRUE(worker->terminate(15000));
  output = kafkait::readWholeTopic(kafka.bootstrap(), "transactions_aggregate_sluice");

  std::map<int64_t, std::string> byKey;  // deduplicated by key, as compaction or a Pinot upsert would
  size_t repeats = 0;
  for (const auto& m : output) {
    int64_t key = std::stoll(m.key.value_or("-1"));
    auto [it, inserted] = byKey.emplace(key, m.value.value_or(""));
    if (!inserted) {
      ++repeats;
      EXPECT_EQ(it->second, m.value.value_or("")) << "window " << key << " was emitted twice with different values";
    }
  }
  ASSERT_EQ(byKey.size(), expected.windows.size());
  for (const auto& [start, w] : expected.windows) {
    SCOPED_TRACE("window " + std::to_string(start));
    auto it = byKey.find(start);
    ASSERT_NE(it, byKey.end()) << "missing";
    json v = json::parse(it->second);
    EXPECT_EQ(v["window_start"], start);
    EXPECT_EQ(v["window_end"], start + kWindowMs);
    EXPECT_EQ(v["total_paid"], w.totalPaid);
    EXPECT_EQ(v["total_paid"], w.paidFromUserIds);
    EXPECT_EQ(v["total_transactions"], w.count);
    EXPECT_EQ(v["average_transaction_value"].get<double>(), static_cast<double>(w.totalPaid) / static_cast<double>(w.count));
  }
  std::cout << "[ info ] " << byKey.size() << " windows exact after 3 kills; " << repeats << " identical repeats in the output\n";
}

}  // namespace
}  // namespace sluice::testing
