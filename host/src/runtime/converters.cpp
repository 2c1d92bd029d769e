#include "runtime/converters.hpp"

#include <simdjson.h>
#include <sluice/json_text.hpp>

#include <algorithm>

namespace sluice {

namespace {

bool named(const std::string& cls, const char* full, const char* simple, const char* shortName) {
  return cls == full || cls == simple || cls == shortName;
}

std::string_view text(sluice_bytes b) { return {reinterpret_cast<const char*>(b.data), b.len}; }

class PassThroughConverter : public Converter {
 public:
  Outcome toKafka(sluice_bytes, std::string&, std::string&) override { return Outcome::kUnchanged; }
  Outcome fromKafka(sluice_bytes, std::string&, std::string&) override { return Outcome::kUnchanged; }
};

class JsonConverter : public Converter {
 public:
  explicit JsonConverter(bool schemas) : schemas_(schemas) {}

  Outcome toKafka(sluice_bytes in, std::string& out, std::string& error) override {
    if (!in.data) return Outcome::kUnchanged;  // null stays null (a tombstone)
    bool json = looksLikeJson(in);
    if (!schemas_) {
      if (json) return Outcome::kUnchanged;
      out.clear();
      appendJsonString(out, text(in));
      return Outcome::kConverted;
    }
    out.clear();
    out += "{\"schema\":";
    if (json) {
      if (!inferSchema(in, out, error)) return Outcome::kFailed;
      out += ",\"payload\":";
      out.append(text(in));
    } else {
      out += "{\"type\":\"string\",\"optional\":false},\"payload\":";
      appendJsonString(out, text(in));
    }
    out.push_back('}');
    return Outcome::kConverted;
  }

  Outcome fromKafka(sluice_bytes in, std::string& out, std::string& error) override {
    if (!in.data) return Outcome::kUnchanged;
    simdjson::padded_string padded(text(in));
    simdjson::dom::element doc;
    if (parser_.parse(padded).get(doc) != simdjson::SUCCESS) {
      error = "org.apache.kafka.connect.errors.DataException: Converting byte[] to Kafka Connect data failed due to serialization error: invalid JSON";
      return Outcome::kFailed;
    }
    if (!schemas_) return Outcome::kUnchanged;
    simdjson::dom::object obj;
    simdjson::dom::element payload;
    if (doc.get(obj) != simdjson::SUCCESS || obj.size() != 2 || obj["schema"].error() || obj["payload"].get(payload)) {
      error =
          "org.apache.kafka.connect.errors.DataException: JsonConverter with schemas.enable requires \"schema\" and "
          "\"payload\" fields and may not contain additional fields. If you are trying to deserialize plain JSON data, "
          "set schemas.enable=false in your converter configuration.";
      return Outcome::kFailed;
    }
    out = simdjson::minify(payload);
    return Outcome::kConverted;
  }

 private:
  // A value that starts like JSON is taken as JSON; a full parse happens only where schemas are
  // inferred, so the schemaless source path stays a one-byte check.
  static bool looksLikeJson(sluice_bytes in) {
    std::string_view s = text(in);
    size_t i = s.find_first_not_of(" \t\r\n");
    if (i == std::string_view::npos) return false;
    char c = s[i];
    return c == '{' || c == '[' || c == '"';
  }

  bool inferSchema(sluice_bytes in, std::string& out, std::string& error) {
    simdjson::padded_string padded(text(in));
    simdjson::dom::element doc;
    if (parser_.parse(padded).get(doc) != simdjson::SUCCESS) {
      error = "org.apache.kafka.connect.errors.DataException: value is not valid JSON";
      return false;
    }
    appendSchema(doc, out, "");
    return true;
  }

  static void appendSchema(simdjson::dom::element e, std::string& out, const std::string& field) {
    std::string fieldPart = field.empty() ? "" : ",\"field\":\"" + field + "\"";
    switch (e.type()) {
      case simdjson::dom::element_type::OBJECT: {
        out += "{\"type\":\"struct\",\"fields\":[";
        bool first = true;
        for (auto [k, v] : simdjson::dom::object(e)) {
          if (!first) out.push_back(',');
          first = false;
          appendSchema(v, out, std::string(k));
        }
        out += "],\"optional\":false" + fieldPart + "}";
        return;
      }
      case simdjson::dom::element_type::ARRAY: {
        out += "{\"type\":\"array\",\"items\":";
        simdjson::dom::array a(e);
        if (a.size() > 0)
          appendSchema(a.at(0), out, "");
        else
          out += "{\"type\":\"string\",\"optional\":true}";
        out += ",\"optional\":false" + fieldPart + "}";
        return;
      }
      case simdjson::dom::element_type::INT64:
      case simdjson::dom::element_type::UINT64: out += "{\"type\":\"int64\",\"optional\":false" + fieldPart + "}"; return;
      case simdjson::dom::element_type::DOUBLE: out += "{\"type\":\"double\",\"optional\":false" + fieldPart + "}"; return;
      case simdjson::dom::element_type::BOOL: out += "{\"type\":\"boolean\",\"optional\":false" + fieldPart + "}"; return;
      case simdjson::dom::element_type::NULL_VALUE: out += "{\"type\":\"string\",\"optional\":true" + fieldPart + "}"; return;
      default: out += "{\"type\":\"string\",\"optional\":false" + fieldPart + "}"; return;
    }
  }

  bool schemas_;
  simdjson::dom::parser parser_;
};

}  // namespace

Result<std::unique_ptr<Converter>> makeConverter(const std::string& className, const std::map<std::string, std::string>& settings) {
  if (className.empty() || named(className, "org.apache.kafka.connect.converters.ByteArrayConverter", "ByteArrayConverter", "ByteArray") ||
      named(className, "org.apache.kafka.connect.storage.StringConverter", "StringConverter", "String"))
    return std::unique_ptr<Converter>(std::make_unique<PassThroughConverter>());
  if (named(className, "org.apache.kafka.connect.json.JsonConverter", "JsonConverter", "Json")) {
    auto it = settings.find("schemas.enable");
    std::string v = it == settings.end() ? "true" : it->second;
    std::transform(v.begin(), v.end(), v.begin(), ::tolower);
    if (v != "true" && v != "false")
      return Error{"Invalid value " + it->second + " for configuration schemas.enable: Expected value to be either true or false"};
    return std::unique_ptr<Converter>(std::make_unique<JsonConverter>(v == "true"));
  }
  return Error{"Class " + className + " could not be found (converters: JsonConverter, StringConverter, ByteArrayConverter)"};
}

}  // namespace sluice
