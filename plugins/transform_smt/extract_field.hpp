#pragma once
// ExtractField$Key / $Value (schemaless): replaces the key or value with one of its fields. With
// field.syntax.version=V2 the field is a dotted path; a segment containing dots is `backquoted`.
#include <algorithm>
#include <cctype>

#include "smt_base.hpp"

namespace sluice::smt {

class ExtractFieldOp {
 public:
  static constexpr const char* kKeyName = "extract-field-key";
  static constexpr const char* kValueName = "extract-field-value";
  static constexpr const char* kKeyAliases[] = {"org.apache.kafka.connect.transforms.ExtractField$Key", "ExtractField$Key", nullptr};
  static constexpr const char* kValueAliases[] = {"org.apache.kafka.connect.transforms.ExtractField$Value", "ExtractField$Value", nullptr};
  static constexpr const char* kKeyDescription = "Replaces the key with one of its fields (Connect's ExtractField$Key).";
  static constexpr const char* kValueDescription = "Replaces the value with one of its fields (Connect's ExtractField$Value).";
  static constexpr sluice_config_def kConfig[] = {
      {"field", SLUICE_CFG_STRING, SLUICE_CFG_REQUIRED, nullptr, SLUICE_IMPORTANCE_MEDIUM, -1,
       "Field name to extract.", nullptr, nullptr},
      {"field.syntax.version", SLUICE_CFG_STRING, 0, "V1", SLUICE_IMPORTANCE_HIGH, -1,
       "Field syntax version: V1 takes the name literally, V2 reads dots as nested fields (backquote a name containing dots).", "V1,V2", nullptr},
      {"replace.null.with.default", SLUICE_CFG_BOOLEAN, 0, "true", SLUICE_IMPORTANCE_MEDIUM, -1,
       "Whether to replace fields that have a default value and that are null to the default value (schema-based records only).", nullptr, nullptr},
  };

  explicit ExtractFieldOp(const Config& config) {
    std::string field = requiredString(config, "field");
    std::string version = config.getString("field.syntax.version", "V1");
    std::transform(version.begin(), version.end(), version.begin(), [](unsigned char c) { return std::toupper(c); });
    if (version == "V1") path_ = {field};
    else if (version == "V2") path_ = parsePath(field);
    else throw ConfigError("Invalid value " + version + " for configuration field.syntax.version: String must be one of (case insensitive): V1, V2");
  }

  std::optional<Json> apply(const Json& operand, const sluice_record&) const {
    if (operand.is_null()) return Json(nullptr);
    const Json* cur = &requireMap(operand, "field extraction");
    for (const auto& segment : path_) {
      if (!cur->is_object()) return Json(nullptr);
      auto it = cur->find(segment);
      if (it == cur->end()) return Json(nullptr);
      cur = &*it;
    }
    return *cur;
  }

 private:
  static std::vector<std::string> parsePath(const std::string& path) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i <= path.size()) {
      if (i < path.size() && path[i] == '`') {
        size_t close = path.find("`.", i + 1);
        if (close == std::string::npos && path.size() > i + 1 && path.back() == '`') close = path.size() - 1;
        if (close != std::string::npos && close > i) {
          out.push_back(path.substr(i + 1, close - i - 1));
          i = close + 2;
          continue;
        }
      }
      size_t dot = path.find('.', i);
      if (dot == std::string::npos) dot = path.size();
      out.push_back(path.substr(i, dot - i));
      i = dot + 1;
    }
    return out;
  }

  std::vector<std::string> path_;
};

using ExtractFieldKey = KeyValueSmt<ExtractFieldOp, true>;
using ExtractFieldValue = KeyValueSmt<ExtractFieldOp, false>;

}  // namespace sluice::smt
