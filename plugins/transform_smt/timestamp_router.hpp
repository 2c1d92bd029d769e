#pragma once
// TimestampRouter: topic becomes topic.format with ${topic} and ${timestamp} (the record timestamp
// formatted with timestamp.format, in UTC) substituted.
#include "simple_date_format.hpp"
#include "smt_base.hpp"

namespace sluice::smt {

class TimestampRouter : public Transform {
 public:
  static constexpr const char* kName = "timestamp-router";
  static constexpr const char* kVersion = kSmtVersion;
  static constexpr const char* kDescription = "Routes records to a topic named from the original topic and the record timestamp (Connect's TimestampRouter).";
  static constexpr const char* kAliases[] = {"org.apache.kafka.connect.transforms.TimestampRouter", "TimestampRouter", nullptr};
  static constexpr sluice_config_def kConfig[] = {
      {"topic.format", SLUICE_CFG_STRING, 0, "${topic}-${timestamp}", SLUICE_IMPORTANCE_HIGH, -1,
       "Format string which can contain ${topic} and ${timestamp} as placeholders for the topic and timestamp, respectively.", nullptr, nullptr},
      {"timestamp.format", SLUICE_CFG_STRING, 0, "yyyyMMdd", SLUICE_IMPORTANCE_HIGH, -1,
       "Format string for the timestamp that is compatible with java.text.SimpleDateFormat.", nullptr, nullptr},
  };

  TimestampRouter(const Config& config, Context&)
      : topicFormat_(config.getString("topic.format", "${topic}-${timestamp}")),
        timestampFormat_(makeFormat(config.getString("timestamp.format", "yyyyMMdd"))) {}

  void apply(const sluice_record& in, Batch& out) override {
    if (in.timestamp_ms < 0)
      throw DataException("Timestamp missing on record: topic=" + std::string(view(in.topic)) +
                          ", partition=" + std::to_string(in.partition));
    std::string topic = replaceAll(topicFormat_, "${topic}", view(in.topic));
    topic = replaceAll(topic, "${timestamp}", timestampFormat_.format(in.timestamp_ms));
    Change change;
    change.topic = std::move(topic);
    emitChanged(in, change, out);
  }

 private:
  static SimpleDateFormat makeFormat(const std::string& pattern) {
    try {
      return SimpleDateFormat(pattern);
    } catch (const std::invalid_argument& e) {
      throw ConfigError("Invalid value " + pattern + " for configuration timestamp.format: " + e.what());
    }
  }
  static std::string replaceAll(std::string s, std::string_view from, std::string_view to) {
    for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
      s.replace(pos, from.size(), to);
    return s;
  }

  std::string topicFormat_;
  SimpleDateFormat timestampFormat_;
};

}  // namespace sluice::smt
