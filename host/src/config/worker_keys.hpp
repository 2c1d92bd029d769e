#pragma once
// The worker keys Sluice reads, with their type, default and allowed range: one table that both the
// start-up check (WorkerConfig::load) and docs/worker-config.md come from, as Connect's WorkerConfig
// ConfigDef is both its validator and its documentation.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sluice {

enum class WorkerKeyType {
  String,     // any text (file names, host names, class names)
  List,       // comma-separated values (a YAML list is joined with commas)
  Int,        // a whole number that must fit Java's int, as Connect's Type.INT
  Long,       // a whole number that must fit Java's long, as Connect's Type.LONG
  Boolean,    // true or false, in any case (Connect's Type.BOOLEAN)
  LogLevel,   // a level name (common/logging.hpp parseLogLevel)
  Listeners,  // Connect's `listeners`: http://host:port[,...]
  OverridePolicy,  // connector.client.config.override.policy: None, Principal, All or a class name
};

struct WorkerKey {
  std::string name;
  WorkerKeyType type;
  std::string defaultValue;  // as written in YAML; "" when none (or derived, see documentation)
  int64_t min = 0;           // numbers only: the inclusive range
  int64_t max = 0;
  std::string documentation;
};

// Every key the worker reads, in documentation order.
const std::vector<WorkerKey>& workerKeys();
const WorkerKey* findWorkerKey(const std::string& name);

// Prefixes whose keys are handed to Kafka clients and converters as they are (producer.acks, ...).
const std::vector<std::string>& workerPassThroughPrefixes();

// What `key` accepts, as a phrase: "a whole number in [0, 65535]", "true or false", ...
std::string allowedValues(const WorkerKey& key);

// Why `value` is not valid for `key`, or nullopt when it is.
std::optional<std::string> invalidWorkerValue(const WorkerKey& key, const std::string& value);

// docs/worker-config.md as generated from the table (a unit test keeps the file in step).
std::string workerKeysMarkdown();

}  // namespace sluice
