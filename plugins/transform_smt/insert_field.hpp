#pragma once
// InsertField$Key / $Value (schemaless): adds topic, partition, offset, timestamp and a static field.
#include "smt_base.hpp"

namespace sluice::smt {

class InsertFieldOp {
 public:
  static constexpr const char* kKeyName = "insert-field-key";
  static constexpr const char* kValueName = "insert-field-value";
  static constexpr const char* kKeyAliases[] = {"org.apache.kafka.connect.transforms.InsertField$Key", "InsertField$Key", nullptr};
  static constexpr const char* kValueAliases[] = {"org.apache.kafka.connect.transforms.InsertField$Value", "InsertField$Value", nullptr};
  static constexpr const char* kKeyDescription = "Inserts record metadata or a static value as fields of the key (Connect's InsertField$Key).";
  static constexpr const char* kValueDescription = "Inserts record metadata or a static value as fields of the value (Connect's InsertField$Value).";
  static constexpr sluice_config_def kConfig[] = {
      {"topic.field", SLUICE_CFG_STRING, 0, nullptr, SLUICE_IMPORTANCE_MEDIUM, -1,
       "Field name for Kafka topic. Suffix with ! to make this a required field, or ? to keep it optional (the default).", nullptr, nullptr},
      {"partition.field", SLUICE_CFG_STRING, 0, nullptr, SLUICE_IMPORTANCE_MEDIUM, -1,
       "Field name for Kafka partition. Suffix with ! to make this a required field, or ? to keep it optional (the default).", nullptr, nullptr},
      {"offset.field", SLUICE_CFG_STRING, 0, nullptr, SLUICE_IMPORTANCE_MEDIUM, -1,
       "Field name for Kafka offset - only applicable to sink connectors. Suffix with ! to make this a required field, or ? to keep it optional (the default).", nullptr, nullptr},
      {"timestamp.field", SLUICE_CFG_STRING, 0, nullptr, SLUICE_IMPORTANCE_MEDIUM, -1,
       "Field name for record timestamp. Suffix with ! to make this a required field, or ? to keep it optional (the default).", nullptr, nullptr},
      {"static.field", SLUICE_CFG_STRING, 0, nullptr, SLUICE_IMPORTANCE_MEDIUM, -1,
       "Field name for static data field. Suffix with ! to make this a required field, or ? to keep it optional (the default).", nullptr, nullptr},
      {"static.value", SLUICE_CFG_STRING, 0, nullptr, SLUICE_IMPORTANCE_MEDIUM, -1,
       "Static field value, if field name configured.", nullptr, nullptr},
      {"replace.null.with.default", SLUICE_CFG_BOOLEAN, 0, "true", SLUICE_IMPORTANCE_MEDIUM, -1,
       "Whether to replace fields that have a default value and that are null to the default value (schema-based records only; schemaless records have no defaults).", nullptr, nullptr},
  };

  explicit InsertFieldOp(const Config& config)
      : topicField_(fieldName(config, "topic.field")),
        partitionField_(fieldName(config, "partition.field")),
        offsetField_(fieldName(config, "offset.field")),
        timestampField_(fieldName(config, "timestamp.field")),
        staticField_(fieldName(config, "static.field")),
        hasStaticValue_(config.has("static.value")),
        staticValue_(config.getString("static.value")) {
    if (!topicField_ && !partitionField_ && !offsetField_ && !timestampField_ && !staticField_)
      throw ConfigError("No field insertion configured");
    if (staticField_ && !hasStaticValue_) throw ConfigError("No value specified for static field: " + *staticField_);
  }

  std::optional<Json> apply(const Json& operand, const sluice_record& rec) const {
    if (operand.is_null()) return std::nullopt;  // Connect passes a null key/value through untouched
    Json updated = requireMap(operand, "field insertion");
    if (topicField_) updated[*topicField_] = std::string(view(rec.topic));
    if (partitionField_ && rec.partition >= 0) updated[*partitionField_] = rec.partition;
    if (offsetField_) {
      if (rec.kafka_offset < 0)
        throw DataException("Only SinkRecord supported for [field insertion], found: org.apache.kafka.connect.source.SourceRecord");
      updated[*offsetField_] = rec.kafka_offset;
    }
    if (timestampField_ && rec.timestamp_ms >= 0) updated[*timestampField_] = rec.timestamp_ms;
    if (staticField_) updated[*staticField_] = staticValue_;
    return updated;
  }

 private:
  // "name", "name!" (required) and "name?" (optional) all insert under "name" in schemaless data.
  static std::optional<std::string> fieldName(const Config& config, const std::string& key) {
    if (!config.has(key)) return std::nullopt;
    std::string v = config.getString(key);
    if (v.empty()) return std::nullopt;
    if (v.back() == '!' || v.back() == '?') v.pop_back();
    return v;
  }

  std::optional<std::string> topicField_, partitionField_, offsetField_, timestampField_, staticField_;
  bool hasStaticValue_;
  std::string staticValue_;
};

using InsertFieldKey = KeyValueSmt<InsertFieldOp, true>;
using InsertFieldValue = KeyValueSmt<InsertFieldOp, false>;

}  // namespace sluice::smt
