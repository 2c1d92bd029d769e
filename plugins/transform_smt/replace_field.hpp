#pragma once
// ReplaceField$Key / $Value (schemaless): drop (exclude), keep (include) and rename fields.
#include <map>
#include <set>

#include "smt_base.hpp"

namespace sluice::smt {

class ReplaceFieldOp {
 public:
  static constexpr const char* kKeyName = "replace-field-key";
  static constexpr const char* kValueName = "replace-field-value";
  static constexpr const char* kKeyAliases[] = {"org.apache.kafka.connect.transforms.ReplaceField$Key", "ReplaceField$Key", nullptr};
  static constexpr const char* kValueAliases[] = {"org.apache.kafka.connect.transforms.ReplaceField$Value", "ReplaceField$Value", nullptr};
  static constexpr const char* kKeyDescription = "Filters or renames fields of the key (Connect's ReplaceField$Key).";
  static constexpr const char* kValueDescription = "Filters or renames fields of the value (Connect's ReplaceField$Value).";
  static constexpr sluice_config_def kConfig[] = {
      {"exclude", SLUICE_CFG_LIST, 0, "", SLUICE_IMPORTANCE_MEDIUM, -1,
       "Fields to exclude. This takes precedence over the fields to include.", nullptr, nullptr},
      {"include", SLUICE_CFG_LIST, 0, "", SLUICE_IMPORTANCE_MEDIUM, -1,
       "Fields to include. If specified, only these fields will be used.", nullptr, nullptr},
      {"renames", SLUICE_CFG_LIST, 0, "", SLUICE_IMPORTANCE_MEDIUM, -1,
       "Field rename mappings, e.g. foo:bar,abc:xyz.", nullptr, nullptr},
      {"blacklist", SLUICE_CFG_LIST, 0, nullptr, SLUICE_IMPORTANCE_LOW, -1, "Deprecated. Use exclude instead.", nullptr, nullptr},
      {"whitelist", SLUICE_CFG_LIST, 0, nullptr, SLUICE_IMPORTANCE_LOW, -1, "Deprecated. Use include instead.", nullptr, nullptr},
      {"replace.null.with.default", SLUICE_CFG_BOOLEAN, 0, "true", SLUICE_IMPORTANCE_MEDIUM, -1,
       "Whether to replace fields that have a default value and that are null to the default value (schema-based records only).", nullptr, nullptr},
  };

  explicit ReplaceFieldOp(const Config& config) {
    // exclude/include replaced blacklist/whitelist; the old names still work when the new are absent.
    for (const auto& f : listOrLegacy(config, "exclude", "blacklist")) exclude_.insert(f);
    for (const auto& f : listOrLegacy(config, "include", "whitelist")) include_.insert(f);
    for (const auto& mapping : config.getList("renames")) {
      size_t colon = mapping.find(':');
      if (colon == std::string::npos || mapping.find(':', colon + 1) != std::string::npos || colon == 0 ||
          colon + 1 == mapping.size())
        throw ConfigError("Invalid value " + config.getString("renames") + " for configuration renames: Invalid rename mapping: " + mapping);
      renames_[mapping.substr(0, colon)] = mapping.substr(colon + 1);
    }
  }

  std::optional<Json> apply(const Json& operand, const sluice_record&) const {
    if (operand.is_null()) return std::nullopt;  // tombstones pass through
    const Json& map = requireMap(operand, "field replacement");
    Json updated = Json::object();
    for (const auto& [name, field] : map.items()) {
      if (exclude_.count(name) || (!include_.empty() && !include_.count(name))) continue;
      auto r = renames_.find(name);
      updated[r == renames_.end() ? name : r->second] = field;
    }
    return updated;
  }

 private:
  static std::vector<std::string> listOrLegacy(const Config& config, const char* key, const char* legacy) {
    auto list = config.getList(key);
    return list.empty() ? config.getList(legacy) : list;
  }

  std::set<std::string> exclude_, include_;
  std::map<std::string, std::string> renames_;
};

using ReplaceFieldKey = KeyValueSmt<ReplaceFieldOp, true>;
using ReplaceFieldValue = KeyValueSmt<ReplaceFieldOp, false>;

}  // namespace sluice::smt
