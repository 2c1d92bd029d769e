#pragma once
// KafkaOffsetStore: the distributed OffsetStore, on Connect's offsets topic (offset.storage.topic)
// in Connect's record format (storage/connect_offset_records). open() creates or checks the topic
// (compacted, offset.storage.partitions) and reads it to the end. As the file store, write() and
// remove() change memory at once and flush() makes them durable: one record per changed source
// partition (a tombstone for a removed one), acknowledged by all in-sync replicas.
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "common/result.hpp"
#include "kafka/topic_log.hpp"
#include "storage/offset_store.hpp"

namespace sluice {

class KafkaOffsetStore : public OffsetStore {
 public:
  // The offsets topic as Connect defines it: compacted, offset.storage.partitions (25 by default).
  static InternalTopic topicFor(const std::string& name, int partitions, int replicationFactor);
  static Result<std::unique_ptr<KafkaOffsetStore>> open(const std::map<std::string, std::string>& clientProps,
                                                        const InternalTopic& topic);

  std::optional<std::string> read(const std::string& connector, const std::string& partitionJson) override;
  void write(const std::string& connector, const std::string& partitionJson, const std::string& offsetJson) override;
  std::vector<std::pair<std::string, std::string>> all(const std::string& connector) override;
  void remove(const std::string& connector, const std::string& partitionJson) override;
  void removeAll(const std::string& connector) override;
  bool flush() override;

  // Reads what other workers wrote since the last read; partitions with unflushed changes keep them.
  Result<bool> refresh();

 private:
  // A source partition: the connector and its partition JSON with sorted keys, so the same partition
  // written by Java (HashMap order) and by Sluice is one entry.
  using Key = std::pair<std::string, std::string>;
  struct Entry {
    std::string partitionJson;  // as written, for all() and the record key
    std::string offsetJson;
  };
  struct Change {
    std::string partitionJson;
    std::optional<std::string> offsetJson;  // nullopt: remove
  };

  explicit KafkaOffsetStore(std::unique_ptr<TopicLog> log) : log_(std::move(log)) {}
  Result<bool> readToEnd();  // under logMutex_

  std::mutex logMutex_;  // the log: one flush or read at a time; taken before mutex_
  std::unique_ptr<TopicLog> log_;
  std::mutex mutex_;     // the maps
  std::map<Key, Entry> offsets_;
  std::map<Key, Change> pending_;  // changed since the last flush
};

}  // namespace sluice
