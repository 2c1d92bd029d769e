#pragma once
// The Kafka topics a connector config names, so the embedded cluster can create them with
// `embedded.partitions` before any client touches them (the mock would otherwise auto-create them
// with its fixed default of 4 partitions; see kafka/embedded_cluster.hpp).
#include <map>
#include <string>
#include <vector>

namespace sluice {

// Topic names from `topics` (comma-separated, as a sink connector's), `topic`, and every key ending
// in `.topic` or `.topic.name` (datagen's kafka.topic, a transform's output.topic, the DLQ's
// errors.deadletterqueue.topic.name). Empty values are skipped; the result is sorted and unique.
std::vector<std::string> topicsNamedIn(const std::map<std::string, std::string>& connectorConfig);

}  // namespace sluice
