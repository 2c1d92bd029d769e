#pragma once
// Datagen's configuration: reading the keys, datagen's own cross-key validation (with its messages),
// and building the record generator the keys describe.
#include <sluice/plugin.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ecommerce_generator.hpp"
#include "record_generator.hpp"

namespace sluice::datagen {

struct DatagenSettings {
  std::string topic;
  int64_t maxIntervalMs = 500;
  int64_t iterations = -1;  // total across the connector's tasks; < 1 means unlimited
  std::optional<int64_t> randomSeed;
  std::string quickstart, schemaString, schemaFilename, keyField;
  EcommerceOptions ecommerce;
  // Set by the host for each task.
  int64_t taskId = 0;
  int64_t taskCount = 1;
  int64_t taskGeneration = 0;  // the host's config generation; datagen's own count comes from offsets
  std::string connectorName;
};

// Reads the keys (types already checked by the host). Throws sluice::ConfigError.
DatagenSettings readSettings(const Config& config);

// Datagen's cross-key rules: exactly one schema source, a known quickstart, a parsable schema whose
// generator can be built, a keyfield that names a top-level field. Returns (key, message) pairs.
std::vector<std::pair<std::string, std::string>> validateDatagen(const Config& config);

// The generator for these settings, key field applied (schema.keyfield, else the quickstart's).
// Throws sluice::ConfigError with datagen's messages.
std::unique_ptr<RecordGenerator> makeGenerator(const DatagenSettings& settings);

}  // namespace sluice::datagen
