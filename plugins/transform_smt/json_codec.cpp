#include "json_codec.hpp"

namespace sluice::smt {

Json decode(sluice_bytes b) {
  if (!b.data) return Json(nullptr);
  std::string_view text(reinterpret_cast<const char*>(b.data), b.len);
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && (text[first] == '{' || text[first] == '[' || text[first] == '"')) {
    Json parsed = Json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!parsed.is_discarded()) return parsed;
  }
  return Json(std::string(text));
}

Encoded encode(const Json& value) {
  if (value.is_null()) return {true, {}};
  if (value.is_string()) return {false, value.get<std::string>()};
  return {false, value.dump()};
}

const char* javaClassName(const Json& value) {
  switch (value.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::string: return "java.lang.String";
    case Json::value_t::boolean: return "java.lang.Boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned: return "java.lang.Long";
    case Json::value_t::number_float: return "java.lang.Double";
    case Json::value_t::array: return "java.util.ArrayList";
    case Json::value_t::object: return "java.util.HashMap";
    default: return "byte[]";
  }
}

const Json& requireMap(const Json& value, const char* purpose) {
  if (!value.is_object())
    throw DataException(std::string("Only Map objects supported in absence of schema for [") + purpose +
                        "], found: " + javaClassName(value));
  return value;
}

}  // namespace sluice::smt
