#pragma once
// RetentionWatch: notices when the embedded cluster deletes records.
//
// librdkafka's mock keeps only the newest 5 MiB or 100,000 batches of each partition and deletes
// older ones without telling anybody. A consumer that falls behind gets a librdkafka warning (offset
// reset), but one that starts after the deletion (a new sink connector, a group joining while a
// source is fast) simply begins at the new earliest offset: the lost records would go unnoticed. So
// a background thread asks for every partition's log start offset now and then and reports each
// time one moves up.
#include <librdkafka/rdkafka.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

namespace sluice {

struct TrimmedPartition {
  std::string topic;
  int32_t partition = 0;
  int64_t startOffset = 0;  // the partition's oldest offset now; records below it are gone
};

class RetentionWatch {
 public:
  using Listener = std::function<void(const TrimmedPartition&)>;

  // Starts watching the cluster at bootstrapServers; onTrimmed runs on the watch thread.
  RetentionWatch(const std::string& bootstrapServers, std::chrono::milliseconds interval, Listener onTrimmed);
  ~RetentionWatch();
  RetentionWatch(const RetentionWatch&) = delete;
  RetentionWatch& operator=(const RetentionWatch&) = delete;

  // One pass over every topic's partitions; the thread calls it each interval. Public for tests.
  void checkNow();

 private:
  void run(std::chrono::milliseconds interval);

  rd_kafka_t* client_ = nullptr;
  Listener onTrimmed_;
  std::map<std::pair<std::string, int32_t>, int64_t> startOffsets_;  // last start offset seen > 0
  std::mutex checkMutex_;                                           // checkNow() from a test and the thread
  std::mutex stopMutex_;
  std::condition_variable stopSignal_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace sluice
