#pragma once
// Cast$Key / $Value (schemaless): casts fields (spec "f:type,...") or the whole key/value ("type")
// to int8..int64, float32/64, boolean or string, with Java's conversion rules.
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "java_format.hpp"
#include "smt_base.hpp"

namespace sluice::smt {

class CastOp {
 public:
  static constexpr const char* kKeyName = "cast-key";
  static constexpr const char* kValueName = "cast-value";
  static constexpr const char* kKeyAliases[] = {"org.apache.kafka.connect.transforms.Cast$Key", "Cast$Key", nullptr};
  static constexpr const char* kValueAliases[] = {"org.apache.kafka.connect.transforms.Cast$Value", "Cast$Value", nullptr};
  static constexpr const char* kKeyDescription = "Casts fields of the key, or the whole key, to another primitive type (Connect's Cast$Key).";
  static constexpr const char* kValueDescription = "Casts fields of the value, or the whole value, to another primitive type (Connect's Cast$Value).";
  static constexpr sluice_config_def kConfig[] = {
      {"spec", SLUICE_CFG_LIST, SLUICE_CFG_REQUIRED, nullptr, SLUICE_IMPORTANCE_HIGH, -1,
       "List of fields and the type to cast them to of the form field1:type,field2:type to cast fields of Maps or Structs. "
       "A single type to cast the entire value. Valid types are int8, int16, int32, int64, float32, float64, boolean, and string.",
       nullptr, nullptr},
      {"replace.null.with.default", SLUICE_CFG_BOOLEAN, 0, "true", SLUICE_IMPORTANCE_MEDIUM, -1,
       "Whether to replace fields that have a default value and that are null to the default value (schema-based records only).", nullptr, nullptr},
  };

  enum class Type { kInt8, kInt16, kInt32, kInt64, kFloat32, kFloat64, kBoolean, kString };

  explicit CastOp(const Config& config) {
    auto spec = requiredNonEmptyList(config, "spec");
    for (const auto& item : spec) {
      size_t colon = item.find(':');
      if (colon == std::string::npos) {
        if (spec.size() > 1)
          throw ConfigError("Invalid value " + config.getString("spec") + " for configuration spec: Cast transformations that specify a type to cast the entire value to may only specify a single cast in their spec");
        wholeValue_ = parseType(item, config);
      } else {
        if (item.find(':', colon + 1) != std::string::npos)
          throw ConfigError("Invalid value " + config.getString("spec") + " for configuration spec: Invalid cast spec: " + item);
        std::string field = item.substr(0, colon);
        Type type = parseType(item.substr(colon + 1), config);
        auto same = std::find_if(casts_.begin(), casts_.end(), [&](const auto& c) { return c.first == field; });
        if (same != casts_.end()) same->second = type;
        else casts_.emplace_back(field, type);
      }
    }
  }

  std::optional<Json> apply(const Json& operand, const sluice_record&) const {
    if (wholeValue_) return castValue(operand, *wholeValue_);
    if (operand.is_null()) return std::nullopt;  // nothing to cast in a tombstone
    const Json& map = requireMap(operand, "cast types");
    Json updated = map;
    // Connect puts every field of the spec, so one missing from the value appears as null.
    for (const auto& [name, type] : casts_) {
      auto it = map.find(name);
      updated[name] = it == map.end() ? Json(nullptr) : castValue(*it, type);
    }
    return updated;
  }

  static Json castValue(const Json& v, Type t) {
    if (v.is_null()) return v;
    if (v.is_object() || v.is_array())
      throw DataException(std::string("Cast transformation does not support casting from ") + (v.is_object() ? "MAP" : "ARRAY") +
                          "; supported types are [INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING, BYTES]");
    switch (t) {
      case Type::kInt8: return toInteger<int8_t>(v);
      case Type::kInt16: return toInteger<int16_t>(v);
      case Type::kInt32: return toInteger<int32_t>(v);
      case Type::kInt64: return toInteger<int64_t>(v);
      case Type::kFloat32: return floatAsDouble(static_cast<float>(toDouble(v)));
      case Type::kFloat64: return toDouble(v);
      case Type::kBoolean:
        if (v.is_boolean()) return v;
        if (v.is_string()) return equalsIgnoreCase(v.get<std::string>(), "true");
        if (v.is_number_float()) return javaToLong(v.get<double>()) != 0;
        return v.get<int64_t>() != 0;
      case Type::kString:
        if (v.is_string()) return v;
        if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
        if (v.is_number_float()) return javaDoubleToString(v.get<double>());
        return v.dump();
    }
    return v;
  }

 private:
  static Type parseType(const std::string& name, const Config& config) {
    static const std::map<std::string, Type> kTypes = {
        {"int8", Type::kInt8},       {"int16", Type::kInt16},     {"int32", Type::kInt32},     {"int64", Type::kInt64},
        {"float32", Type::kFloat32}, {"float64", Type::kFloat64}, {"boolean", Type::kBoolean}, {"string", Type::kString}};
    std::string lower = name;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto it = kTypes.find(lower);
    if (lower == "bytes" || lower == "array" || lower == "map" || lower == "struct") {
      std::string upper = lower;
      for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      throw ConfigError("Invalid value " + config.getString("spec") + " for configuration spec: Cast transformation does not support casting to " +
                        upper + "; supported types are [INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING]");
    }
    if (it == kTypes.end())
      throw ConfigError("Invalid value " + config.getString("spec") + " for configuration spec: Invalid type found in casting spec: " + name);
    return it->second;
  }

  static bool equalsIgnoreCase(const std::string& a, const char* b) {
    std::string l = a;
    for (auto& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return l == b;
  }

  // Java's (long) of a double: NaN is 0, out-of-range values saturate.
  static int64_t javaToLong(double d) {
    if (std::isnan(d)) return 0;
    if (d >= 9.2233720368547758e18) return std::numeric_limits<int64_t>::max();
    if (d <= -9.2233720368547758e18) return std::numeric_limits<int64_t>::min();
    return static_cast<int64_t>(d);
  }
  static int32_t javaToInt(double d) {
    if (std::isnan(d)) return 0;
    if (d >= 2147483647.0) return std::numeric_limits<int32_t>::max();
    if (d <= -2147483648.0) return std::numeric_limits<int32_t>::min();
    return static_cast<int32_t>(d);
  }

  template <class I>
  static Json toInteger(const Json& v) {
    if (v.is_boolean()) return static_cast<int64_t>(v.get<bool>() ? 1 : 0);
    if (v.is_number_float()) {
      double d = v.get<double>();
      // Number.byteValue()/shortValue() narrow the int value; longValue() saturates.
      if constexpr (sizeof(I) == 8) return javaToLong(d);
      else return static_cast<int64_t>(static_cast<I>(static_cast<uint32_t>(javaToInt(d))));
    }
    if (v.is_number()) {
      // Long.byteValue() etc. keep the low bits, as Java's narrowing does.
      return static_cast<int64_t>(static_cast<I>(static_cast<uint64_t>(v.get<int64_t>())));
    }
    std::string s = v.get<std::string>();
    auto n = javaParseLong(s);
    if (!n || *n < std::numeric_limits<I>::min() || *n > std::numeric_limits<I>::max())
      throw DataException("Value (" + s + ") was out of range for requested data type");
    return *n;
  }

  static double toDouble(const Json& v) {
    if (v.is_boolean()) return v.get<bool>() ? 1.0 : 0.0;
    if (v.is_number()) return v.get<double>();
    std::string s = v.get<std::string>();
    auto d = javaParseDouble(s);
    if (!d) throw DataException("Value (" + s + ") was out of range for requested data type");
    return *d;
  }

  std::optional<Type> wholeValue_;
  std::vector<std::pair<std::string, Type>> casts_;  // spec order
};

using CastKey = KeyValueSmt<CastOp, true>;
using CastValue = KeyValueSmt<CastOp, false>;

}  // namespace sluice::smt
