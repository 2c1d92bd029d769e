#pragma once
// The records of Connect's offsets topic (offset.storage.topic), byte for byte as Kafka Connect's
// OffsetStorageWriter and KafkaOffsetBackingStore write them through the internal JsonConverter
// (schemas.enable=false):
//   key    ["<connector>",{<source partition>}]   e.g. ["file-source",{"filename":"/data/in.txt"}]
//   value  {<source offset>}                       e.g. {"position":1234}; null: offset removed
// The record goes to the partition Java's default partitioner picks for the key bytes
// (kafka/java_partitioner), so Java workers find it where they look.
#include <string>

#include "common/result.hpp"

namespace sluice {

// partitionJson: a JSON object (a source partition); written compact, keys in the order given.
Result<std::string> encodeOffsetKey(const std::string& connector, const std::string& partitionJson);
// offsetJson: the source offset as JSON; written compact.
Result<std::string> encodeOffsetValue(const std::string& offsetJson);

struct OffsetKey {
  std::string connector;
  std::string partitionJson;  // compact, keys in the order the record had them
};
// Refuses keys that are not ["<connector>",{...}] (Connect's OffsetUtils.validateFormat).
Result<OffsetKey> decodeOffsetKey(const std::string& key);
// The value as compact JSON; refuses values that are not a JSON object.
Result<std::string> decodeOffsetValue(const std::string& value);

// The same source partition written with its keys in another order (a Java HashMap's order is not
// Sluice's) must be the same partition: a form with the keys sorted, for lookups.
std::string canonicalJson(const std::string& json);

}  // namespace sluice
