// Issue #4's "Done when": a file of 1,000,000 lines goes file-source -> Kafka -> file-sink through a
// worker on the embedded cluster, both connectors created over REST. The output holds exactly the
// input's lines, in the input's order within each Kafka partition, and kcat (a Kafka client that is
// not Sluice) reads the same records from the topic through the bootstrap file the worker wrote.
#include <stdio.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <unordered_map>

#include "integration/kafka_it_support.hpp"
#include "kafka/retention_watch.hpp"
#include "process_support.hpp"

namespace sluice::testing {
namespace {

constexpr size_t kLines = 1000000;
// The embedded cluster keeps only the newest 5 MiB (and 100,000 batches) of each partition and
// silently deletes older records, even unread ones. The lines have no key, so librdkafka's sticky
// partitioner would send 10 ms runs of them to one random partition: locally the fullest of 16
// partitions got twice the mean, and the source writes all 1,000,000 lines in about 2 s, before the
// sink's consumer has joined its group. A partition past 5 MiB then loses its head before anyone
// reads it (the sink starts at the new earliest offset), which is how a CI run came up 675 KB short.
// So the producer picks a random partition per line (sticky.partitioning.linger.ms=0): every
// partition stays near 31,250 lines, under 3 MB even at one line per batch (~95 bytes stored).
constexpr int kPartitions = 32;

// Distinct, varied lines: plain, JSON with UTF-8, long, tab-led.
std::vector<std::string> makeLines(size_t n) {
  std::vector<std::string> lines;
  lines.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    std::string id = std::to_string(i);
    switch (i % 4) {
      case 0: lines.push_back("line " + id); break;
      case 1: lines.push_back("{\"id\":" + id + ",\"name\":\"caf\xc3\xa9\"}"); break;
      case 2: lines.push_back(std::string(i % 61, 'x') + id); break;
      default: lines.push_back("\t" + id + " tab-led"); break;
    }
  }
  return lines;
}

// Per partition "p: low-high committed" of the topic and the sink's consumer group, for failure messages.
std::string topicState(const std::string& bootstrap, const std::string& topic, const std::string& group) {
  rd_kafka_t* rk = kafkait::newClient(RD_KAFKA_CONSUMER, {{"bootstrap.servers", bootstrap}, {"group.id", group}});
  int partitions = kafkait::partitionCount(rk, topic);
  std::map<int32_t, int64_t> committed = kafkait::committedOffsets(bootstrap, group, topic);
  std::string out;
  for (int32_t p = 0; p < partitions; ++p) {
    int64_t low = -1, high = -1;
    rd_kafka_query_watermark_offsets(rk, topic.c_str(), p, &low, &high, 5000);
    out += std::to_string(p) + ": " + std::to_string(low) + "-" + std::to_string(high) + " committed " +
           (committed.count(p) ? std::to_string(committed[p]) : "none") + "\n";
  }
  rd_kafka_destroy(rk);
  return out;
}

std::vector<std::string> splitLines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1) out.push_back(text.substr(start, nl - start));
  return out;
}

// kcat's stdout for the whole topic, each record as "<partition>\t<value>".
std::string kcatTopic(const std::string& bootstrap, const std::string& topic) {
  std::string cmd = "kcat -b " + bootstrap + " -C -t " + topic + " -o beginning -e -q -f '%p\\t%s\\n' 2>&1";
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (!pipe) return "";
  std::string out;
  char buf[1 << 16];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) out.append(buf, n);
  ::pclose(pipe);
  return out;
}

TEST(FileKafkaRoundTrip, MillionLinesFileSourceKafkaFileSink) {
  ASSERT_EQ(std::system("command -v kcat >/dev/null"), 0) << "kcat is not installed: run `make deps`";
  TempDir dir;
  std::vector<std::string> lines = makeLines(kLines);
  std::string inputPath = dir.file("input.txt"), outputPath = dir.file("output.txt");
  size_t inputSize = 0;
  {
    std::ofstream in(inputPath, std::ios::binary);
    for (const auto& l : lines) {
      in << l << '\n';
      inputSize += l.size() + 1;
    }
  }
  InProcessWorker worker(dir, {{"bootstrap.servers", "embedded"},
                               {"plugin.path", SLUICE_PLUGIN_DIR},
                               {"embedded.partitions", std::to_string(kPartitions)},
                               {"embedded.bootstrap.file", dir.file("bootstrap.txt")},
                               {"key.converter", "org.apache.kafka.connect.storage.StringConverter"},
                               {"value.converter", "org.apache.kafka.connect.storage.StringConverter"}});
  Http http(worker.port());
  ASSERT_EQ(http.post("/connectors", {{"name", "lines-sink"},
                                      {"config", {{"connector.class", "FileStreamSink"}, {"file", outputPath}, {"topics", "lines"}}}})
                .status,
            201);
  ASSERT_EQ(http.post("/connectors", {{"name", "lines-source"},
                                      {"config",
                                       {{"connector.class", "FileStreamSource"},
                                        {"file", inputPath},
                                        {"topic", "lines"},
                                        {"producer.override.sticky.partitioning.linger.ms", "0"}}}})
                .status,
            201);
  const std::string bootstrapServers = worker.worker().config().bootstrapServers();
  // Once the embedded cluster deleted records the output cannot complete: say so at once. The watch
  // is the one the worker runs; here its checks are driven by the wait below (the hour never passes).
  std::string trimmed;
  RetentionWatch watch(bootstrapServers, std::chrono::hours(1), [&](const TrimmedPartition& t) {
    if (t.topic == "lines" && trimmed.empty())
      trimmed = "lines[" + std::to_string(t.partition) + "] starts at offset " + std::to_string(t.startOffset) +
                ": the embedded cluster deleted records (5 MiB / 100,000 batches per partition)";
  });
  int checks = 0;
  auto outputComplete = [&] {
    if (std::filesystem::exists(outputPath) && std::filesystem::file_size(outputPath) >= inputSize) return true;
    if (++checks % 10 == 0) watch.checkNow();
    return !trimmed.empty();
  };
  bool complete = eventually(outputComplete, 300000) && trimmed.empty();
  ASSERT_TRUE(complete)
      << trimmed << "\n"
      << "file-sink wrote " << (std::filesystem::exists(outputPath) ? std::filesystem::file_size(outputPath) : 0) << " of " << inputSize
      << " bytes\n"
      << http.get("/connectors/lines-source/status").raw << "\n"
      << http.get("/connectors/lines-sink/status").raw << "\n"
      << http.get("/connectors/lines-source/offsets").raw << "\n"
      << topicState(bootstrapServers, "lines", "connect-lines-sink");
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // anything beyond the input would show now
  std::vector<std::string> output = splitLines(readFile(outputPath));
  ASSERT_EQ(output.size(), kLines) << "the output has " << output.size() << " lines";

  // The topic was created by the worker with embedded.partitions, not the mock's default of 4.
  std::string bootstrap = readFile(dir.file("bootstrap.txt"));
  bootstrap.erase(bootstrap.find_last_not_of("\n") + 1);
  EXPECT_EQ(bootstrap, worker.worker().config().bootstrapServers());
  rd_kafka_t* rk = kafkait::newClient(RD_KAFKA_PRODUCER, {{"bootstrap.servers", bootstrap}});
  EXPECT_EQ(kafkait::partitionCount(rk, "lines"), kPartitions);
  rd_kafka_destroy(rk);

  // kcat sees every line once; within a partition, in the order of the file.
  std::unordered_map<std::string, size_t> indexOf;
  for (size_t i = 0; i < lines.size(); ++i) indexOf.emplace(lines[i], i);
  std::vector<std::string> kcat = splitLines(kcatTopic(bootstrap, "lines"));
  ASSERT_EQ(kcat.size(), kLines) << (kcat.empty() ? "" : kcat.front());
  std::unordered_map<std::string, int> partitionOf;
  std::map<int, size_t> lastIndex;  // partition -> input index of its previous record
  std::vector<bool> seen(kLines, false);
  for (const auto& record : kcat) {
    size_t tab = record.find('\t');
    ASSERT_NE(tab, std::string::npos) << record;
    int partition = std::stoi(record.substr(0, tab));
    auto it = indexOf.find(record.substr(tab + 1));
    ASSERT_NE(it, indexOf.end()) << "kcat read a record that is no input line: " << record;
    ASSERT_FALSE(seen[it->second]) << "kcat read line " << it->second << " twice";
    seen[it->second] = true;
    auto last = lastIndex.find(partition);
    ASSERT_TRUE(last == lastIndex.end() || last->second < it->second) << "partition " << partition << " out of the file's order";
    lastIndex[partition] = it->second;
    partitionOf.emplace(it->first, partition);
  }

  // The output file: every input line exactly once, and per partition in the file's order.
  std::fill(seen.begin(), seen.end(), false);
  lastIndex.clear();
  for (const auto& line : output) {
    auto it = indexOf.find(line);
    ASSERT_NE(it, indexOf.end()) << "the output has a line that is not in the input: " << line;
    ASSERT_FALSE(seen[it->second]) << "line " << it->second << " is in the output twice";
    seen[it->second] = true;
    int partition = partitionOf.at(line);
    auto last = lastIndex.find(partition);
    ASSERT_TRUE(last == lastIndex.end() || last->second < it->second) << "partition " << partition << " written out of order";
    lastIndex[partition] = it->second;
  }
  EXPECT_EQ(std::count(seen.begin(), seen.end(), true), static_cast<long>(kLines));
}

}  // namespace
}  // namespace sluice::testing
