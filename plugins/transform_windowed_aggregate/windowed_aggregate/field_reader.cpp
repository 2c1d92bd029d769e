#include "windowed_aggregate/field_reader.hpp"

#include <simdjson.h>

#include <charconv>
#include <cmath>
#include <utility>

namespace sluice::windowed {

namespace {
std::string_view trimToken(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}
}  // namespace

bool parseNumber(std::string_view text, Number& out) {
  if (text.empty()) return false;
  const char* b = text.data();
  const char* e = b + text.size();
  int64_t i = 0;
  auto [p, ec] = std::from_chars(b, e, i);
  if (ec == std::errc() && p == e) {
    out.isInt = true;
    out.i = i;
    return true;
  }
  double d = 0;
  auto [p2, ec2] = std::from_chars(b, e, d);
  if (ec2 != std::errc() || p2 != e || !std::isfinite(d)) return false;
  out.isInt = false;
  out.d = d;
  return true;
}

struct FieldReader::Parser {
  simdjson::ondemand::parser parser;
};

FieldReader::FieldReader(std::vector<std::string> names)
    : names_(std::move(names)), values_(names_.size()), parser_(std::make_unique<Parser>()) {}
FieldReader::~FieldReader() = default;
FieldReader::FieldReader(FieldReader&&) noexcept = default;
FieldReader& FieldReader::operator=(FieldReader&&) noexcept = default;

int FieldReader::indexOf(std::string_view name) const {
  for (size_t i = 0; i < names_.size(); ++i)
    if (names_[i] == name) return static_cast<int>(i);
  return -1;
}

bool FieldReader::read(std::string_view json, std::string& error) {
  for (auto& v : values_) v = FieldValue{};
  if (buffer_.capacity() < json.size() + simdjson::SIMDJSON_PADDING) buffer_.reserve(json.size() + simdjson::SIMDJSON_PADDING);
  buffer_.assign(json.data(), json.size());

  simdjson::ondemand::document doc;
  if (auto err = parser_->parser.iterate(buffer_.data(), buffer_.size(), buffer_.capacity()).get(doc)) {
    error = std::string("the value is not valid JSON: ") + simdjson::error_message(err);
    return false;
  }
  simdjson::ondemand::object object;
  if (doc.get_object().get(object) != simdjson::SUCCESS) {
    error = "the value is not a JSON object";
    return false;
  }
  size_t found = 0;
  for (auto entry : object) {
    simdjson::ondemand::field field;
    std::string_view key;
    if (std::move(entry).get(field) || field.unescaped_key().get(key)) {
      error = "the value is not valid JSON (bad object member)";
      return false;
    }
    int index = indexOf(key);
    if (index < 0 || values_[static_cast<size_t>(index)].kind != FieldValue::Kind::Missing) continue;
    FieldValue& out = values_[static_cast<size_t>(index)];
    simdjson::ondemand::value value = field.value();
    simdjson::ondemand::json_type type;
    if (value.type().get(type)) {
      error = "the value is not valid JSON (field '" + std::string(key) + "')";
      return false;
    }
    switch (type) {
      case simdjson::ondemand::json_type::string: {
        std::string_view s;
        if (value.get_string().get(s)) {
          error = "field '" + std::string(key) + "' is not a valid JSON string";
          return false;
        }
        out = {FieldValue::Kind::String, s};
        break;
      }
      case simdjson::ondemand::json_type::number:
      case simdjson::ondemand::json_type::boolean:
      case simdjson::ondemand::json_type::null: {
        std::string_view token = value.raw_json_token();
        out.kind = type == simdjson::ondemand::json_type::number    ? FieldValue::Kind::Number
                   : type == simdjson::ondemand::json_type::boolean ? FieldValue::Kind::Bool
                                                                    : FieldValue::Kind::Null;
        out.text = trimToken(token);
        break;
      }
      default:
        out.kind = FieldValue::Kind::Other;  // object or array: reported by the caller if it matters
        break;
    }
    if (++found == names_.size()) break;
  }
  return true;
}

}  // namespace sluice::windowed
