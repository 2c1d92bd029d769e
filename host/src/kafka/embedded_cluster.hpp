#pragma once
// EmbeddedCluster: librdkafka's mock cluster (rdkafka_mock.h) as an in-process Kafka on loopback, for
// `bootstrap.servers: embedded`, `sluice kafka` and the integration tests.
//
// Topics. The mock does not serve CreateTopics (admin API), so topics are created up front with
// createTopic() / ensureTopic(). In librdkafka 2.0.2 the mock also auto-creates a topic when a client's
// Metadata or Produce request names an unknown one, but always with its own built-in default of 4
// partitions (and replication factor min(3, brokers)); that default cannot be changed through the public
// API. So `embedded.partitions` only applies to topics created through this class: callers that know a
// topic name (a connector's kafka.topic / topics) should call ensureTopic() before clients use it.
// createTopic() on a topic that already exists (created here or auto-created) fails with
// "already exists"; ensureTopic() accepts it.
//
// Retention. The mock keeps at most 5 MiB or 100,000 message batches per partition (librdkafka 2.0.2,
// not configurable through the public API) and deletes the oldest batches beyond that, so the log
// start offset moves up as on a broker with retention.bytes. A consumer further behind resumes at
// auto.offset.reset; tests that read a topic whole must stay within the limit. Since a consumer that
// starts after the deletion gets no warning from librdkafka, a RetentionWatch logs one for every
// partition that loses records (later deletions: an info line a minute at most).
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "kafka/retention_watch.hpp"

namespace sluice {

struct TopicSpec {
  std::string name;
  int partitions = 0;
};

struct EmbeddedClusterOptions {
  int brokers = 1;                 // embedded.brokers
  int defaultPartitions = 3;       // embedded.partitions
  std::vector<TopicSpec> topics;   // embedded.topics ("name:partitions,...")
  std::string bootstrapFile;       // embedded.bootstrap.file ("" = do not write)

  // Reads the embedded.* keys of a worker config (missing keys keep the defaults above).
  static Result<EmbeddedClusterOptions> fromConfig(const std::map<std::string, std::string>& config);
};

// Parses "name:partitions,name2:partitions"; a bare "name" gets defaultPartitions.
Result<std::vector<TopicSpec>> parseTopicSpecs(const std::string& text, int defaultPartitions);

// True for the worker's `bootstrap.servers: embedded`.
bool isEmbeddedBootstrap(const std::string& bootstrapServers);

class EmbeddedCluster {
 public:
  // Starts the brokers, creates options.topics and writes the bootstrap file when one is named.
  static Result<std::unique_ptr<EmbeddedCluster>> start(const EmbeddedClusterOptions& options);
  ~EmbeddedCluster();
  EmbeddedCluster(const EmbeddedCluster&) = delete;
  EmbeddedCluster& operator=(const EmbeddedCluster&) = delete;

  // "127.0.0.1:port,..." for clients' bootstrap.servers.
  const std::string& bootstrapServers() const { return bootstrap_; }
  int brokerCount() const { return brokers_; }
  int defaultPartitions() const { return defaultPartitions_; }

  // Creates a topic; fails when it exists or partitions < 1. Returns the partition count.
  Result<int> createTopic(const std::string& name, int partitions);
  // Creates the topic with defaultPartitions() unless it already exists; true when it was created.
  Result<bool> ensureTopic(const std::string& name);

  // Writes bootstrapServers() plus a newline to path (temp file + rename, so readers never see half).
  Result<std::string> writeBootstrapFile(const std::string& path) const;

  // Fault injection, for tests. apiKey is the Kafka protocol request type (Produce = 0, Fetch = 1, ...).
  // The next errors.size() such requests fail with these codes, in order.
  void pushRequestErrors(int16_t apiKey, const std::vector<rd_kafka_resp_err_t>& errors);
  void clearRequestErrors(int16_t apiKey);
  // Broker ids are 1..brokerCount(). A down broker closes its connections and refuses new ones.
  Result<int32_t> setBrokerDown(int32_t brokerId);
  Result<int32_t> setBrokerUp(int32_t brokerId);
  Result<int32_t> setBrokerRtt(int32_t brokerId, int rttMs);
  Result<int32_t> setPartitionLeader(const std::string& topic, int32_t partition, int32_t brokerId);

  // The underlying mock, for fault injection this class does not wrap.
  rd_kafka_mock_cluster_t* mock() const { return mock_; }

 private:
  EmbeddedCluster() = default;

  rd_kafka_t* handle_ = nullptr;  // the dummy producer the mock cluster lives on
  rd_kafka_mock_cluster_t* mock_ = nullptr;
  std::string bootstrap_;
  int brokers_ = 0;
  int defaultPartitions_ = 0;
  mutable std::mutex mutex_;
  std::set<std::string> created_;  // topics created through this class
  std::unique_ptr<RetentionWatch> retentionWatch_;  // destroyed first: it talks to the mock
};

}  // namespace sluice
