#pragma once
// ValueToKey (schemaless): the new key is a map of the listed value fields (absent ones are null).
#include "smt_base.hpp"

namespace sluice::smt {

class ValueToKey : public Transform {
 public:
  static constexpr const char* kName = "value-to-key";
  static constexpr const char* kVersion = kSmtVersion;
  static constexpr const char* kDescription = "Replaces the key with a map of fields taken from the value (Connect's ValueToKey).";
  static constexpr const char* kAliases[] = {"org.apache.kafka.connect.transforms.ValueToKey", "ValueToKey", nullptr};
  static constexpr sluice_config_def kConfig[] = {
      {"fields", SLUICE_CFG_LIST, SLUICE_CFG_REQUIRED, nullptr, SLUICE_IMPORTANCE_HIGH, -1,
       "Field names on the record value to extract as the record key.", nullptr, nullptr},
      {"replace.null.with.default", SLUICE_CFG_BOOLEAN, 0, "true", SLUICE_IMPORTANCE_MEDIUM, -1,
       "Whether to replace fields that have a default value and that are null to the default value (schema-based records only).", nullptr, nullptr},
  };

  ValueToKey(const Config& config, Context&) : fields_(requiredNonEmptyList(config, "fields")) {}

  void apply(const sluice_record& in, Batch& out) override {
    Json value = decode(in.value);
    const Json& map = requireMap(value, "copying fields from value to key");
    Json key = Json::object();
    for (const auto& f : fields_) {
      auto it = map.find(f);
      key[f] = it == map.end() ? Json(nullptr) : *it;
    }
    Change change;
    change.key = std::move(key);
    emitChanged(in, change, out);
  }

 private:
  std::vector<std::string> fields_;
};

}  // namespace sluice::smt
