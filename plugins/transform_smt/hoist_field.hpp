#pragma once
// HoistField$Key / $Value (schemaless): wraps the key or value in a map under `field`.
#include "smt_base.hpp"

namespace sluice::smt {

class HoistFieldOp {
 public:
  static constexpr const char* kKeyName = "hoist-field-key";
  static constexpr const char* kValueName = "hoist-field-value";
  static constexpr const char* kKeyAliases[] = {"org.apache.kafka.connect.transforms.HoistField$Key", "HoistField$Key", nullptr};
  static constexpr const char* kValueAliases[] = {"org.apache.kafka.connect.transforms.HoistField$Value", "HoistField$Value", nullptr};
  static constexpr const char* kKeyDescription = "Wraps the key in a map under the configured field name (Connect's HoistField$Key).";
  static constexpr const char* kValueDescription = "Wraps the value in a map under the configured field name (Connect's HoistField$Value).";
  static constexpr sluice_config_def kConfig[] = {
      {"field", SLUICE_CFG_STRING, SLUICE_CFG_REQUIRED, nullptr, SLUICE_IMPORTANCE_MEDIUM, -1,
       "Field name for the single field that will be created in the resulting Struct or Map.", nullptr, nullptr},
  };

  explicit HoistFieldOp(const Config& config) : field_(requiredString(config, "field")) {}

  std::optional<Json> apply(const Json& operand, const sluice_record&) const {
    Json wrapped = Json::object();
    wrapped[field_] = operand;
    return wrapped;
  }

 private:
  std::string field_;
};

using HoistFieldKey = KeyValueSmt<HoistFieldOp, true>;
using HoistFieldValue = KeyValueSmt<HoistFieldOp, false>;

}  // namespace sluice::smt
