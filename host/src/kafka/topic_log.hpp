#pragma once
// TopicLog: Connect's KafkaBasedLog on librdkafka, the log under each internal topic (configs,
// offsets, statuses). open() makes sure the topic is there and fit for the purpose: created through
// the Admin API (compacted, the given partitions and replication factor) when absent, otherwise
// checked as Connect's TopicAdmin does (cleanup.policy must be exactly compact; the config topic
// must have one partition). Reads go through a consumer assigned to every partition from the
// beginning (no consumer group); readToEnd() consumes up to the end offsets asked for when it is
// called, as KafkaBasedLog.readToEnd(). Writes go through an idempotent producer with acks=all,
// each record to the partition the Java producer's default partitioner picks for its key.
//
// Not thread-safe: each store calls it under its own lock.
#include <librdkafka/rdkafka.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"

namespace sluice {

struct InternalTopic {
  std::string name;
  std::string workerKey;       // the worker setting that named it, for messages: "config.storage.topic"
  std::string purpose;         // Connect's words, for messages: "connector configurations"
  int partitions = 1;
  int replicationFactor = -1;  // -1: the broker's default (KIP-464, brokers >= 2.4)
  bool singlePartition = false;  // the config topic: more than one partition is refused
};

struct LogRecord {
  std::string key;
  std::optional<std::string> value;  // nullopt: a tombstone
  int32_t partition = 0;
  int64_t offset = 0;
};

class TopicLog {
 public:
  using Clock = std::chrono::steady_clock;

  // clientProps: librdkafka properties for every client (bootstrap.servers, security settings).
  static Result<std::unique_ptr<TopicLog>> open(const std::map<std::string, std::string>& clientProps,
                                                const InternalTopic& topic,
                                                std::chrono::milliseconds timeout = std::chrono::seconds(30));
  ~TopicLog();
  TopicLog(const TopicLog&) = delete;
  TopicLog& operator=(const TopicLog&) = delete;

  const InternalTopic& topic() const { return topic_; }
  int32_t partitionCount() const { return partitionCount_; }

  // Hands every record up to the current end of each partition to apply, in log order per partition.
  Result<bool> readToEnd(const std::function<void(const LogRecord&)>& apply,
                         std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // Queues a record for the partition Java's default partitioner picks for key; value nullopt
  // writes a tombstone. Delivery is confirmed by flush().
  Result<bool> send(const std::string& key, const std::optional<std::string>& value);
  // Waits until every queued record is acknowledged by all in-sync replicas; the first delivery
  // error since the last flush() is returned.
  Result<bool> flush(std::chrono::milliseconds timeout = std::chrono::seconds(30));

 private:
  TopicLog() = default;
  static void onDelivery(rd_kafka_t* rk, const rd_kafka_message_t* message, void* opaque);

  InternalTopic topic_;
  int32_t partitionCount_ = 0;
  rd_kafka_t* producer_ = nullptr;
  rd_kafka_topic_t* producerTopic_ = nullptr;
  rd_kafka_t* consumer_ = nullptr;
  std::vector<int64_t> next_;  // per partition: the next offset to read (-1 before the first)

  std::mutex deliveryMutex_;  // delivery reports arrive on librdkafka's thread during flush/poll
  std::string deliveryError_;
};

}  // namespace sluice
