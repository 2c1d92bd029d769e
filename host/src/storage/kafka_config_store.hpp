#pragma once
// KafkaConfigStore: the distributed ConfigStore, on Connect's config topic (config.storage.topic)
// in Connect's record format (storage/connect_config_records). open() creates or checks the topic
// (one partition, compacted) and reads it to the end; every change is written with acks=all and
// read back to the end before it returns, as KafkaConfigBackingStore does, so all() shows it.
// Connect's rule holds here too: one writer at a time (the leader); refresh() picks up the records
// other workers wrote.
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "kafka/topic_log.hpp"
#include "storage/config_store.hpp"
#include "storage/connect_config_records.hpp"

namespace sluice {

class KafkaConfigStore : public ConfigStore {
 public:
  // The config topic as Connect defines it: one partition, compacted.
  static InternalTopic topicFor(const std::string& name, int replicationFactor);
  static Result<std::unique_ptr<KafkaConfigStore>> open(const std::map<std::string, std::string>& clientProps,
                                                        const InternalTopic& topic);

  std::map<std::string, StoredConnector> all() const override;
  Result<bool> put(const std::string& name, const StoredConnector& connector) override;
  Result<bool> setTarget(const std::string& name, TargetState target) override;
  Result<bool> remove(const std::string& name) override;
  Result<bool> putTaskConfigs(const std::string& name, const std::vector<ConfigMap>& tasks) override;

  // Reads what was written to the topic since the last read.
  Result<bool> refresh();
  // Connectors whose task configs were left incomplete (see ConfigTopicState::inconsistent).
  std::set<std::string> inconsistent() const;

 private:
  explicit KafkaConfigStore(std::unique_ptr<TopicLog> log) : log_(std::move(log)) {}
  // Sends the records, waits for their acknowledgement, then reads the topic to its end.
  Result<bool> write(const std::vector<std::pair<std::string, std::optional<std::string>>>& records);
  Result<bool> readToEnd();

  mutable std::mutex mutex_;  // the log and the state
  std::unique_ptr<TopicLog> log_;
  ConfigTopicState state_;
};

}  // namespace sluice
