// kill -9 of a worker running a source connector that writes to Kafka (issue #4's "Done when"): the
// cluster is a separate `sluice kafka` process, so it outlives the worker. file-source reads a file
// that keeps growing; the worker is SIGKILLed right after it committed new offsets, while it still
// has lines to send. After each kill the offsets on disk may never be ahead of delivery: every line
// before the committed position is already in Kafka. At the end every line was delivered at least
// once, and nothing but those lines was.
#include <algorithm>
#include <set>

#include "integration/kafka_it_support.hpp"
#include "process_support.hpp"

namespace sluice::testing {
namespace {

using kafkait::Msg;

constexpr const char* kConnector = "lines-to-kafka";

// The lines of the input file and the byte offset just after each one.
struct InputFile {
  std::string path;
  std::vector<std::string> lines;
  std::vector<int64_t> endOffsets;

  void append(size_t count) {
    std::ofstream out(path, std::ios::app | std::ios::binary);
    int64_t size = endOffsets.empty() ? 0 : endOffsets.back();
    for (size_t i = 0; i < count; ++i) {
      std::string line = "line " + std::to_string(lines.size()) + " " + std::string(lines.size() % 50, '.');
      out << line << '\n';
      size += static_cast<int64_t>(line.size()) + 1;
      lines.push_back(std::move(line));
      endOffsets.push_back(size);
    }
  }
  // How many whole lines end at or before byte `position`.
  size_t linesBefore(int64_t position) const {
    return static_cast<size_t>(std::upper_bound(endOffsets.begin(), endOffsets.end(), position) - endOffsets.begin());
  }
};

// The connector's committed {"position":N} in the worker's offset file; -1 before the first flush.
int64_t committedPosition(const std::string& offsetFile) {
  std::string text = readFile(offsetFile);
  text.erase(0, text.find('{'));  // after storage/atomic_file's "sluice-state-v1 <checksum> <length>" line
  json doc = json::parse(text, nullptr, false);
  if (!doc.is_object() || !doc.contains("offsets")) return -1;
  for (const auto& entry : doc["offsets"]) {
    if (entry[0] != kConnector) continue;
    json offset = json::parse(entry[2].get<std::string>(), nullptr, false);
    if (offset.is_object() && offset.contains("position")) return offset["position"].get<int64_t>();
  }
  return -1;
}

std::multiset<std::string> valuesIn(const std::vector<Msg>& msgs) {
  std::multiset<std::string> out;
  for (const auto& m : msgs) out.insert(m.value.value_or("<null>"));
  return out;
}

TEST(SourceSigkill, EveryLineDeliveredAtLeastOnceAndOffsetsNeverAheadOfDelivery) {
  TempDir dir;
  // 6 partitions: the embedded cluster keeps only 5 MiB per partition, and the ~8 MB written here must stay.
  KafkaProcess kafka({"lines:6"}, dir.file("kafka.log"));
  std::string config = dir.file("worker.yaml");
  writeWorkerConfig(config, {{"listeners", "http://127.0.0.1:0"},
                             {"plugin.path", SLUICE_FIXTURE_DIR},
                             {"bootstrap.servers", kafka.bootstrap()},
                             {"offset.storage.file.filename", dir.file("offsets.json")},
                             {"config.storage.file.filename", dir.file("connectors.json")},
                             {"offset.flush.interval.ms", "50"},
                             {"key.converter", "org.apache.kafka.connect.storage.StringConverter"},
                             {"value.converter", "org.apache.kafka.connect.storage.StringConverter"}});
  InputFile input{dir.file("input.txt"), {}, {}};
  input.append(40000);

  int64_t lastPosition = -1;
  int killedMidFile = 0;
  for (int round = 0; round < 5; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    WorkerProcess worker(config, dir.file("worker-" + std::to_string(round) + ".log"));
    int port = worker.waitForPort();
    ASSERT_GT(port, 0) << worker.log();
    Http http(port);
    ASSERT_TRUE(eventually([&] { return http.get("/health").status == 200; })) << worker.log();
    if (round == 0) {  // later rounds get it back from the config store
      // A small producer queue with a linger paces the task to roughly 20,000 lines/s, so a kill
      // lands mid-stream on any machine (the queue being full is the sink's back-pressure).
      json cfg = {{"connector.class", "FileStreamSource"}, {"file", input.path}, {"topic", "lines"}, {"batch.size", "500"},
                  {"producer.override.queue.buffering.max.messages", "500"}, {"producer.override.linger.ms", "25"}};
      ASSERT_EQ(http.post("/connectors", {{"name", kConnector}, {"config", cfg}}).status, 201);
    }
    // Kill once this run has committed a quarter of what was left, with lines still to send.
    int64_t target = std::max<int64_t>(lastPosition, 0) + (input.endOffsets.back() - std::max<int64_t>(lastPosition, 0)) / 4;
    ASSERT_TRUE(kafkait::waitUntil([&] { return committedPosition(dir.file("offsets.json")) >= target; }, std::chrono::seconds(60)))
        << worker.log();
    worker.kill();

    int64_t position = committedPosition(dir.file("offsets.json"));
    EXPECT_GE(position, lastPosition) << "committed offsets went backwards";
    if (position < input.endOffsets.back()) ++killedMidFile;
    std::cout << "[ info ] round " << round << ": killed at committed position " << position << " of " << input.endOffsets.back() << "\n";
    lastPosition = position;
    std::multiset<std::string> delivered = valuesIn(kafkait::readWholeTopic(kafka.bootstrap(), "lines"));
    size_t committedLines = input.linesBefore(position);
    size_t missing = 0;
    for (size_t i = 0; i < committedLines; ++i) missing += delivered.count(input.lines[i]) == 0;
    EXPECT_EQ(missing, 0u) << "offset " << position << " committed " << committedLines << " lines, but " << missing
                           << " of them are not in Kafka";
    input.append(40000);  // the file grows while the worker is down, as a log file would
  }
  EXPECT_GT(killedMidFile, 0) << "every kill came after the whole file was sent: nothing was tested mid-stream";

  // A last run to the end of the file; SIGTERM so it stops after a final commit.
  WorkerProcess worker(config, dir.file("worker-final.log"));
  ASSERT_GT(worker.waitForPort(), 0) << worker.log();
  ASSERT_TRUE(eventually([&] { return committedPosition(dir.file("offsets.json")) == input.endOffsets.back(); }, 120000))
      << "committed " << committedPosition(dir.file("offsets.json")) << " of " << input.endOffsets.back() << "\n" << worker.log();
  ASSERT_TRUE(worker.terminate(15000));

  std::multiset<std::string> delivered = valuesIn(kafkait::readWholeTopic(kafka.bootstrap(), "lines"));
  std::set<std::string> expected(input.lines.begin(), input.lines.end());
  size_t missing = 0, unknown = 0;
  for (const auto& line : expected) missing += delivered.count(line) == 0;
  for (const auto& value : delivered) unknown += expected.count(value) == 0;
  EXPECT_EQ(missing, 0u) << "lines never delivered";
  EXPECT_EQ(unknown, 0u) << "records that are no line of the file";
  // At-least-once: each kill may repeat what was sent after the last commit, never more than that.
  std::cout << "[ info ] " << input.lines.size() << " lines, " << delivered.size() << " records in Kafka ("
            << delivered.size() - input.lines.size() << " repeated after 5 kills)\n";
}

}  // namespace
}  // namespace sluice::testing
