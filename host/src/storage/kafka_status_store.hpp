#pragma once
// KafkaStatusStore: the distributed StatusStore, on Connect's status topic (status.storage.topic)
// in Connect's record format (storage/connect_status_records). open() creates or checks the topic
// (compacted, status.storage.partitions) and reads it to the end. Puts are sent at once and are
// durable after flush(), as KafkaStatusBackingStore's; refresh() reads other workers' updates.
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "kafka/topic_log.hpp"
#include "storage/status_store.hpp"

namespace sluice {

class KafkaStatusStore : public StatusStore {
 public:
  // The status topic as Connect defines it: compacted, status.storage.partitions (5 by default).
  static InternalTopic topicFor(const std::string& name, int partitions, int replicationFactor);
  static Result<std::unique_ptr<KafkaStatusStore>> open(const std::map<std::string, std::string>& clientProps,
                                                        const InternalTopic& topic);

  Result<bool> putConnector(const std::string& connector, const StatusRecord& status) override;
  Result<bool> putTask(const std::string& connector, int task, const StatusRecord& status) override;
  Result<bool> removeConnector(const std::string& connector) override;
  std::optional<StatusRecord> connector(const std::string& connector) const override;
  std::map<int, StatusRecord> tasks(const std::string& connector) const override;
  std::set<std::string> connectors() const override;
  Result<bool> flush() override;

  Result<bool> refresh();

 private:
  explicit KafkaStatusStore(std::unique_ptr<TopicLog> log) : log_(std::move(log)) {}

  std::mutex logMutex_;  // the log; taken before mutex_
  std::unique_ptr<TopicLog> log_;
  mutable std::mutex mutex_;  // the maps
  std::map<std::string, StatusRecord> connectors_;
  std::map<std::string, std::map<int, StatusRecord>> tasks_;
};

}  // namespace sluice
