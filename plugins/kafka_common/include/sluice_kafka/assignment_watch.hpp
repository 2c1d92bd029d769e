#pragma once
// AssignmentWatch: notices a consumer that holds fewer partitions than its share for longer than its
// session timeout. A dead member keeps its partitions until the coordinator times its session out;
// past that, a shortfall means another member of the group holds them (a foreign consumer in the
// group, or a zombie the broker failed to expire, as KAFKA-9752 on brokers before 2.4.2 / 2.5.1),
// and the task's windows and outputs silently cover only part of its input.
//
// The share is floor(partitions of the subscribed topics / task.count): exact for a single task
// (it must hold every partition), a lower bound with several tasks (the range and round-robin
// assignors give each member at least that much). For a topics.regex subscription the topics
// counted are the ones ever assigned, since librdkafka does not expose the regex's matches.
#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace sluice_kafka {

class AssignmentWatch {
 public:
  using Clock = std::chrono::steady_clock;

  AssignmentWatch(std::vector<std::string> topics, int64_t taskCount, int64_t sessionTimeoutMs, std::string group)
      : topics_(topics.begin(), topics.end()),
        taskCount_(std::max<int64_t>(taskCount, 1)),
        sessionTimeout_(std::chrono::milliseconds(std::max<int64_t>(sessionTimeoutMs, 1))),
        group_(std::move(group)) {}

  // Task thread. Looks at most every few seconds (a metadata request each time); returns the problem
  // to report, or "" when the consumer holds its share (or has not been short for a session timeout).
  const std::string& check(rd_kafka_t* rk, int metadataTimeoutMs) {
    auto now = Clock::now();
    if (now - lastCheck_ < kCheckEvery) return problem_;
    lastCheck_ = now;
    rd_kafka_topic_partition_list_t* assigned = nullptr;
    if (rd_kafka_assignment(rk, &assigned) != RD_KAFKA_RESP_ERR_NO_ERROR) return problem_;
    const int64_t held = assigned->cnt;
    for (int i = 0; i < assigned->cnt; ++i) topics_.insert(assigned->elems[i].topic);
    rd_kafka_topic_partition_list_destroy(assigned);
    int64_t total = 0;
    for (const auto& t : topics_) {
      // A metadata request that fails (a slow or unreachable broker) keeps the last known count, so
      // the judgment follows what the task holds; a topic never seen yet is judged later.
      if (int64_t n = partitionCount(rk, t, metadataTimeoutMs); n >= 0) partitions_[t] = n;
      auto known = partitions_.find(t);
      if (known == partitions_.end()) return problem_;
      total += known->second;
    }
    const int64_t share = total / taskCount_;
    if (held >= share) {
      shortSince_.reset();
      problem_.clear();
      return problem_;
    }
    if (!shortSince_) shortSince_ = now;
    if (now - *shortSince_ > sessionTimeout_) {
      problem_ = "holds " + std::to_string(held) + " of the " + std::to_string(total) + " partitions of its topics (its share: " +
                 std::to_string(share) + " with " + std::to_string(taskCount_) + " task(s)) for longer than session.timeout.ms=" +
                 std::to_string(sessionTimeout_.count()) + "; another member of consumer group " + group_ +
                 " holds the rest (see the group with kafka-consumer-groups --describe)";
    }
    return problem_;
  }

 private:
  static constexpr std::chrono::seconds kCheckEvery{2};

  static int64_t partitionCount(rd_kafka_t* rk, const std::string& topic, int timeoutMs) {
    rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
    if (!rkt) return -1;
    const rd_kafka_metadata_t* md = nullptr;
    rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, rkt, &md, timeoutMs);
    rd_kafka_topic_destroy(rkt);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return -1;
    int64_t n = -1;
    if (md->topic_cnt == 1 && md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR) n = md->topics[0].partition_cnt;
    rd_kafka_metadata_destroy(md);
    return n;
  }

  std::set<std::string> topics_;
  std::map<std::string, int64_t> partitions_;  // last known partition count per topic
  int64_t taskCount_;
  std::chrono::milliseconds sessionTimeout_;
  std::string group_;
  Clock::time_point lastCheck_{};
  std::optional<Clock::time_point> shortSince_;
  std::string problem_;
};

}  // namespace sluice_kafka
