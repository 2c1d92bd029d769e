#pragma once
// RecordGenerator: what a datagen task asks for one record at a time. Two implementations: the Avro
// schema generator (schema.string / schema.filename / Avro quickstarts) and the reference e-commerce
// generator (quickstart ecommerce_transactions).
#include <cstdint>
#include <string>
#include <vector>

#include "java_random.hpp"

namespace sluice::datagen {

struct GeneratedRecord {
  std::string value;           // JSON as JsonConverter (schemas.enable=false) writes it
  std::string key;             // StringConverter text of the key field; meaningful when hasKey
  bool hasKey = false;
  int64_t timestampMs = -1;    // event time, -1 when the generator has none (the producer stamps it)
  void clear() {
    value.clear();
    key.clear();
    hasKey = false;
    timestampMs = -1;
  }
};

class RecordGenerator {
 public:
  virtual ~RecordGenerator() = default;
  // Top-level field names in order (schema.keyfield must be one of them).
  virtual const std::vector<std::string>& fieldNames() const = 0;
  // Chooses the key field; "" means no key. Throws std::invalid_argument for an unknown field.
  virtual void setKeyField(const std::string& field) = 0;
  // The number of records this task produced before (a restart): iteration fields continue from it.
  virtual void setGeneration(int64_t recordsBefore) = 0;
  // Appends one record to `out` (cleared first). All randomness comes from rng.
  virtual void next(JavaRandom& rng, GeneratedRecord& out) = 0;
};

// For benchmarks and bulk tests: n values, newline-separated, appended to out.
void generateInto(RecordGenerator& generator, JavaRandom& rng, size_t n, std::string& out);

// The StringConverter text of one JSON value: strings unquoted and unescaped, null -> nullopt-like
// (returns false), anything else as its JSON text.
bool keyTextFromJson(std::string_view json, std::string& key);

}  // namespace sluice::datagen
