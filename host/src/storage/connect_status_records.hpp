#pragma once
// The records of Connect's status topic (status.storage.topic), byte for byte as Kafka Connect's
// KafkaStatusBackingStore writes them through the internal JsonConverter (schemas.enable=false):
//   status-connector-<name>    {"state":"RUNNING","trace":null,"worker_id":"10.0.0.5:8083","generation":3}
//   status-task-<name>-<n>     the same fields
//   null value                 the connector or task was deleted (DESTROYED)
// Fields in the schema's order (state, trace, worker_id, generation); trace is null when there is
// none. status-topic-<topic>:connector-<name> records (KIP-558 active topics) are read past.
#include <string>

#include "common/result.hpp"
#include "storage/status_store.hpp"

namespace sluice {

std::string connectorStatusKey(const std::string& connector);
std::string taskStatusKey(const std::string& connector, int task);

Result<std::string> encodeStatus(const StatusRecord& status);
// Refuses values without Connect's fields or with a state Connect does not know.
Result<StatusRecord> decodeStatus(const std::string& value);

struct StatusKey {
  enum class Kind { Connector, Task, Other } kind = Kind::Other;
  std::string connector;
  int task = -1;
};
StatusKey parseStatusKey(const std::string& key);

}  // namespace sluice
