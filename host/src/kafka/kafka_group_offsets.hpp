#pragma once
// The offsets of connectors that read Kafka (sink connectors, as Connect's SinkUtils, and
// kafka-source connectors) live in Kafka, in the consumer group connect-<name>. These read, alter
// and delete them through a librdkafka admin client on the worker's bootstrap.servers; an
// unreachable Kafka is a clear error, never a hang (bounded timeouts).
#include <string>
#include <vector>

#include "common/result.hpp"
#include "config/worker_config.hpp"

namespace sluice {

struct GroupOffset {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = -1;  // -1 in alterGroupOffsets: remove this partition's committed offset
};

// `topics`: the connector's topics (their partitions are asked for); empty: whatever the group holds.
Result<std::vector<GroupOffset>> readGroupOffsets(const WorkerConfig& worker, const std::string& group,
                                                  const std::vector<std::string>& topics);
Result<bool> alterGroupOffsets(const WorkerConfig& worker, const std::string& group,
                               const std::vector<GroupOffset>& offsets);
// Deletes the whole consumer group (Connect's reset for sink connectors).
Result<bool> deleteGroupOffsets(const WorkerConfig& worker, const std::string& group);

}  // namespace sluice
