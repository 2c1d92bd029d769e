#pragma once
// Flatten$Key / $Value (schemaless): nested maps become one map with `outer<delimiter>inner` names.
#include "smt_base.hpp"

namespace sluice::smt {

class FlattenOp {
 public:
  static constexpr const char* kKeyName = "flatten-key";
  static constexpr const char* kValueName = "flatten-value";
  static constexpr const char* kKeyAliases[] = {"org.apache.kafka.connect.transforms.Flatten$Key", "Flatten$Key", nullptr};
  static constexpr const char* kValueAliases[] = {"org.apache.kafka.connect.transforms.Flatten$Value", "Flatten$Value", nullptr};
  static constexpr const char* kKeyDescription = "Flattens nested maps in the key into delimited field names (Connect's Flatten$Key).";
  static constexpr const char* kValueDescription = "Flattens nested maps in the value into delimited field names (Connect's Flatten$Value).";
  static constexpr sluice_config_def kConfig[] = {
      {"delimiter", SLUICE_CFG_STRING, 0, ".", SLUICE_IMPORTANCE_MEDIUM, -1,
       "Delimiter to insert between field names from the input record when generating field names for the output record", nullptr, nullptr},
  };

  explicit FlattenOp(const Config& config) : delimiter_(config.getString("delimiter", ".")) {}

  std::optional<Json> apply(const Json& operand, const sluice_record&) const {
    if (operand.is_null()) return std::nullopt;  // tombstones pass through
    Json flat = Json::object();
    flatten(requireMap(operand, "flattening"), "", flat);
    return flat;
  }

 private:
  void flatten(const Json& map, const std::string& prefix, Json& out) const {
    for (const auto& [name, field] : map.items()) {
      std::string full = prefix.empty() ? name : prefix + delimiter_ + name;
      if (field.is_object()) flatten(field, full, out);
      else out[full] = field;  // primitives, null and arrays are kept as they are
    }
  }

  std::string delimiter_;
};

using FlattenKey = KeyValueSmt<FlattenOp, true>;
using FlattenValue = KeyValueSmt<FlattenOp, false>;

}  // namespace sluice::smt
