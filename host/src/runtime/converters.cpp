#include "runtime/converters.hpp"

#include <simdjson.h>
#include <sluice/json_text.hpp>

#include <algorithm>
#include <cstring>

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

  // A source's value reaches Kafka as JSON as it is when it is JSON; anything else (a text line, even
  // one that merely starts like JSON, such as "[INFO] started") becomes a JSON string, as Connect's
  // JsonConverter writes a String value. The ABI has no type mark, so valid JSON text is taken as JSON.
  Outcome toKafka(sluice_bytes in, std::string& out, std::string&) override {
    if (!in.data) return Outcome::kUnchanged;  // null stays null (a tombstone)
    simdjson::dom::element doc;
    bool json = looksLikeJson(in) && parse(in, doc);
    if (!schemas_) {
      if (json) return Outcome::kUnchanged;
      out.clear();
      appendJsonString(out, text(in));
      return Outcome::kConverted;
    }
    out.clear();
    out += "{\"schema\":";
    if (json) {
      appendSchema(doc, out, "");
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
    simdjson::dom::element doc;
    if (!parse(in, doc)) {
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
  // Only a value whose first non-blank byte opens an object, array or string can be JSON that a
  // source meant as such; a bare number or word stays text. Everything else skips the parse.
  static bool looksLikeJson(sluice_bytes in) {
    std::string_view s = text(in);
    size_t i = s.find_first_not_of(" \t\r\n");
    if (i == std::string_view::npos) return false;
    char c = s[i];
    return c == '{' || c == '[' || c == '"';
  }

  // Parses through a padded buffer kept across records (simdjson reads past the end), so the
  // per-record path allocates only when a value is longer than any before it.
  bool parse(sluice_bytes in, simdjson::dom::element& doc) {
    if (padded_.size() < in.len + simdjson::SIMDJSON_PADDING) padded_.resize(in.len + simdjson::SIMDJSON_PADDING);
    if (in.len > 0) std::memcpy(padded_.data(), in.data, in.len);
    return parser_.parse(padded_.data(), in.len, false).get(doc) == simdjson::SUCCESS;
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
  std::string padded_;  // parse()'s input copy, grown as needed
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
