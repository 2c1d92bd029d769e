#pragma once
// How SMTs see record bytes. Sources write JSON text (JsonConverter, schemas.enable=false) or plain
// strings, and the converters run after the transforms, so a key or value is decoded here into
// Connect's schemaless data (Map, List, String, Long, Double, Boolean, null) and encoded back.
#include <sluice/plugin.h>

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace sluice::smt {

// Ordered, so fields keep their order and inserted fields go last, as a reader of the output expects.
using Json = nlohmann::ordered_json;

// Connect's DataException: bad data for this transform (the record fails or goes to the DLQ).
class DataException : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// null bytes -> null; text starting with '{', '[' or '"' that parses as JSON -> that JSON;
// anything else -> a string holding the text unchanged (a file line, a StringConverter key).
Json decode(sluice_bytes b);

// The inverse: null -> null bytes (has_value false), a string -> its text unquoted, other JSON ->
// compact JSON text.
struct Encoded {
  bool isNull = false;
  std::string text;
};
Encoded encode(const Json& value);

// The Java class Connect would name in an error message for this schemaless value.
const char* javaClassName(const Json& value);

// Connect's Requirements.requireMap: throws "Only Map objects supported in absence of schema for
// [<purpose>], found: <class>".
const Json& requireMap(const Json& value, const char* purpose);

}  // namespace sluice::smt
