#pragma once
// MaskField$Key / $Value (schemaless): replaces fields with their type's empty value or a replacement.
#include "java_format.hpp"
#include "smt_base.hpp"

namespace sluice::smt {

class MaskFieldOp {
 public:
  static constexpr const char* kKeyName = "mask-field-key";
  static constexpr const char* kValueName = "mask-field-value";
  static constexpr const char* kKeyAliases[] = {"org.apache.kafka.connect.transforms.MaskField$Key", "MaskField$Key", nullptr};
  static constexpr const char* kValueAliases[] = {"org.apache.kafka.connect.transforms.MaskField$Value", "MaskField$Value", nullptr};
  static constexpr const char* kKeyDescription = "Masks fields of the key with a null value for their type or a replacement (Connect's MaskField$Key).";
  static constexpr const char* kValueDescription = "Masks fields of the value with a null value for their type or a replacement (Connect's MaskField$Value).";
  static constexpr sluice_config_def kConfig[] = {
      {"fields", SLUICE_CFG_LIST, SLUICE_CFG_REQUIRED, nullptr, SLUICE_IMPORTANCE_HIGH, -1, "Names of fields to mask.", nullptr, nullptr},
      {"replacement", SLUICE_CFG_STRING, 0, nullptr, SLUICE_IMPORTANCE_LOW, -1,
       "Custom value replacement, that will be applied to all 'fields' values (numeric or non-empty string values only).", nullptr, nullptr},
      {"replace.null.with.default", SLUICE_CFG_BOOLEAN, 0, "true", SLUICE_IMPORTANCE_MEDIUM, -1,
       "Whether to replace fields that have a default value and that are null to the default value (schema-based records only).", nullptr, nullptr},
  };

  explicit MaskFieldOp(const Config& config) : fields_(requiredNonEmptyList(config, "fields")) {
    if (config.has("replacement")) {
      replacement_ = config.getString("replacement");
      if (replacement_->empty()) throw ConfigError("Invalid value  for configuration replacement: String must be non-empty");
    }
  }

  std::optional<Json> apply(const Json& operand, const sluice_record&) const {
    const Json& map = requireMap(operand, "mask fields");
    Json updated = map;
    for (const auto& field : fields_) {
      auto it = map.find(field);
      // Connect puts every listed field, so an absent one appears as null.
      updated[field] = it == map.end() ? Json(nullptr) : masked(*it);
    }
    return updated;
  }

 private:
  Json masked(const Json& v) const {
    if (v.is_null()) return v;
    if (!replacement_) {
      switch (v.type()) {
        case Json::value_t::boolean: return false;
        case Json::value_t::number_integer:
        case Json::value_t::number_unsigned: return 0;
        case Json::value_t::number_float: return 0.0;
        case Json::value_t::string: return "";
        case Json::value_t::array: return Json::array();
        case Json::value_t::object: return Json::object();
        default: throw DataException(std::string("Cannot mask value of type: class ") + javaClassName(v));
      }
    }
    const std::string& r = *replacement_;
    switch (v.type()) {
      case Json::value_t::string: return r;
      case Json::value_t::number_integer:
      case Json::value_t::number_unsigned:
        if (auto n = javaParseLong(r)) return *n;
        throw DataException("Unable to convert " + r + " (class java.lang.String) to number");
      case Json::value_t::number_float:
        if (auto d = javaParseDouble(r)) return *d;
        throw DataException("Unable to convert " + r + " (class java.lang.String) to number");
      default:
        throw DataException(std::string("Cannot mask value of type class ") + javaClassName(v) + " with custom replacement.");
    }
  }

  std::vector<std::string> fields_;
  std::optional<std::string> replacement_;
};

using MaskFieldKey = KeyValueSmt<MaskFieldOp, true>;
using MaskFieldValue = KeyValueSmt<MaskFieldOp, false>;

}  // namespace sluice::smt
