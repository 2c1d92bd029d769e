#pragma once
// TimestampConverter$Key / $Value (schemaless): converts a timestamp (the whole key/value or one
// field) between a formatted string, a unix number (milliseconds or unix.precision) and Connect's
// Date / Time / Timestamp, which without a schema travel as epoch milliseconds (Date truncated to
// midnight UTC, Time the milliseconds of the day).
#include "java_format.hpp"
#include "simple_date_format.hpp"
#include "smt_base.hpp"

namespace sluice::smt {

class TimestampConverterOp {
 public:
  static constexpr const char* kKeyName = "timestamp-converter-key";
  static constexpr const char* kValueName = "timestamp-converter-value";
  static constexpr const char* kKeyAliases[] = {"org.apache.kafka.connect.transforms.TimestampConverter$Key", "TimestampConverter$Key", nullptr};
  static constexpr const char* kValueAliases[] = {"org.apache.kafka.connect.transforms.TimestampConverter$Value", "TimestampConverter$Value", nullptr};
  static constexpr const char* kKeyDescription = "Converts timestamps in the key between string, unix and Connect's logical types (Connect's TimestampConverter$Key).";
  static constexpr const char* kValueDescription = "Converts timestamps in the value between string, unix and Connect's logical types (Connect's TimestampConverter$Value).";
  static constexpr sluice_config_def kConfig[] = {
      {"field", SLUICE_CFG_STRING, 0, "", SLUICE_IMPORTANCE_HIGH, -1,
       "The field containing the timestamp, or empty if the entire value is a timestamp", nullptr, nullptr},
      {"target.type", SLUICE_CFG_STRING, SLUICE_CFG_REQUIRED, nullptr, SLUICE_IMPORTANCE_HIGH, -1,
       "The desired timestamp representation: string, unix, Date, Time, or Timestamp", "string,unix,Date,Time,Timestamp", nullptr},
      {"format", SLUICE_CFG_STRING, 0, "", SLUICE_IMPORTANCE_MEDIUM, -1,
       "A SimpleDateFormat-compatible format for the timestamp. Used to generate the output when type=string or used to parse the input if the input is a string.",
       nullptr, nullptr},
      {"unix.precision", SLUICE_CFG_STRING, 0, "milliseconds", SLUICE_IMPORTANCE_LOW, -1,
       "The desired Unix precision for the timestamp: seconds, milliseconds, microseconds, or nanoseconds. Used to generate the output when type=unix or used to parse the input if the input is a Long.",
       "nanoseconds,microseconds,milliseconds,seconds", nullptr},
      {"replace.null.with.default", SLUICE_CFG_BOOLEAN, 0, "true", SLUICE_IMPORTANCE_MEDIUM, -1,
       "Whether to replace fields that have a default value and that are null to the default value (schema-based records only).", nullptr, nullptr},
  };

  explicit TimestampConverterOp(const Config& config)
      : field_(config.getString("field")), target_(requiredString(config, "target.type")), pattern_(config.getString("format")) {
    if (target_ != "string" && target_ != "unix" && target_ != "Date" && target_ != "Time" && target_ != "Timestamp")
      throw ConfigError("Invalid value " + target_ + " for configuration target.type: String must be one of: string, unix, Date, Time, Timestamp");
    if (target_ == "string" && pattern_.empty())
      throw ConfigError("TimestampConverter requires format option to be specified when using string timestamps");
    if (!pattern_.empty()) {
      try {
        format_.emplace(pattern_);
      } catch (const std::invalid_argument& e) {
        throw ConfigError("TimestampConverter requires a SimpleDateFormat-compatible pattern for string timestamps: " + pattern_ + ", " + e.what());
      }
    }
    std::string precision = config.getString("unix.precision", "milliseconds");
    if (precision == "seconds") unitsPerMs_ = 0, msPerUnit_ = 1000;
    else if (precision == "milliseconds") unitsPerMs_ = 1, msPerUnit_ = 1;
    else if (precision == "microseconds") unitsPerMs_ = 1000, msPerUnit_ = 0;
    else if (precision == "nanoseconds") unitsPerMs_ = 1000000, msPerUnit_ = 0;
    else throw ConfigError("Invalid value " + precision + " for configuration unix.precision: String must be one of: nanoseconds, microseconds, milliseconds, seconds");
  }

  std::optional<Json> apply(const Json& operand, const sluice_record&) const {
    if (operand.is_null()) return std::nullopt;  // tombstones pass through
    if (field_.empty()) return convert(operand);
    Json updated = requireMap(operand, "converting timestamp formats");
    auto it = updated.find(field_);
    updated[field_] = it == updated.end() ? Json(nullptr) : convert(*it);
    return updated;
  }

 private:
  Json convert(const Json& v) const {
    if (v.is_null()) return v;
    int64_t ms = toMillis(v);
    if (target_ == "string") return format_->format(ms);
    if (target_ == "unix") return unitsPerMs_ ? ms * unitsPerMs_ : floorDiv(ms, msPerUnit_);
    if (target_ == "Date") return floorDiv(ms, 86400000) * 86400000;
    if (target_ == "Time") return ms - floorDiv(ms, 86400000) * 86400000;
    return ms;  // Timestamp
  }

  int64_t toMillis(const Json& v) const {
    if (v.is_number_integer() || v.is_number_unsigned()) return fromUnix(v.get<int64_t>());
    if (v.is_string()) {
      const std::string s = v.get<std::string>();
      // Plain text keys/values arrive as strings; all-digit text is a unix number, as a Long would be.
      if (auto n = javaParseLong(s); n && (!format_ || !format_->parse(s))) return fromUnix(*n);
      if (!format_) throw DataException("TimestampConverter requires format option to be specified when using string timestamps");
      if (auto ms = format_->parse(s)) return *ms;
      throw DataException("Could not parse timestamp: value (" + s + ") does not match pattern (" + pattern_ + ")");
    }
    throw DataException(std::string("TimestampConverter does not support ") + javaClassName(v) + " objects as timestamps");
  }

  int64_t fromUnix(int64_t units) const { return unitsPerMs_ ? floorDiv(units, unitsPerMs_) : units * msPerUnit_; }
  static int64_t floorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0); }

  std::string field_, target_, pattern_;
  std::optional<SimpleDateFormat> format_;
  int64_t unitsPerMs_ = 1;  // output units per millisecond (0 when a unit is longer than 1 ms)
  int64_t msPerUnit_ = 1;   // milliseconds per unit, when unitsPerMs_ is 0
};

using TimestampConverterKey = KeyValueSmt<TimestampConverterOp, true>;
using TimestampConverterValue = KeyValueSmt<TimestampConverterOp, false>;

}  // namespace sluice::smt
