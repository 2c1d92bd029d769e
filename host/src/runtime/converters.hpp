#pragma once
// Converters: Kafka Connect's key.converter / value.converter over Sluice's byte records.
//
// Records travel as bytes. Values made by sources are JSON text (what JsonConverter with
// schemas.enable=false would write) or plain text, so:
//  * StringConverter / ByteArrayConverter pass bytes through in both directions.
//  * JsonConverter schemas.enable=false: towards Kafka, a value that parses as a JSON object, array or
//    string passes through and anything else (plain text, text that only starts like JSON) becomes a
//    JSON string; from Kafka, the bytes must parse as JSON (else a DataException-style error).
//  * JsonConverter schemas.enable=true: towards Kafka, the value is wrapped in Connect's
//    {"schema":...,"payload":...} envelope with the schema inferred from the JSON; from Kafka, the
//    envelope is checked (Connect's message when it is not one) and its payload passed on.
#include <sluice/plugin.h>

#include <map>
#include <memory>
#include <string>

#include "common/result.hpp"

namespace sluice {

class Converter {
 public:
  enum class Outcome { kUnchanged, kConverted, kFailed };
  virtual ~Converter() = default;
  // Source side (after transforms): data -> Kafka bytes. On kConverted the bytes are in `out`.
  virtual Outcome toKafka(sluice_bytes in, std::string& out, std::string& error) = 0;
  // Sink side (before transforms): Kafka bytes -> data.
  virtual Outcome fromKafka(sluice_bytes in, std::string& out, std::string& error) = 0;
};

// Builds the converter named by `className` (Connect class name or alias; "" = pass-through) with
// its settings (`schemas.enable`, ... with the `key.converter.` / `value.converter.` prefix removed).
Result<std::unique_ptr<Converter>> makeConverter(const std::string& className,
                                                 const std::map<std::string, std::string>& settings);

}  // namespace sluice
