#pragma once
// WindowOptions: the windowed-aggregate configuration, parsed and checked once at create().
#include <sluice/plugin.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "windowed_aggregate/event_time.hpp"

namespace sluice::windowed {

enum class EmitMode { Final, Changes };
enum class AverageMode { Double, Integer };
enum class AggregateOp { Sum, Count, Avg, Min, Max };

struct AggregateSpec {
  AggregateOp op = AggregateOp::Count;
  std::string field;   // empty only for count (COUNT(*))
  std::string output;  // the JSON name in the result
};

// The reference project's three outputs (ksql/Flink): SUM, COUNT(*), SUM/COUNT over total_paid.
inline constexpr const char* kDefaultAggregates =
    "sum:total_paid:total_paid,count::total_transactions,avg:total_paid:average_transaction_value";
inline constexpr const char* kDefaultPatternFormat = "yyyy-MM-dd HH:mm:ss.SSS";

struct WindowOptions {
  int64_t sizeMs = 3000;
  int64_t advanceMs = 3000;  // == sizeMs: tumbling
  std::string timestampField;  // empty: the record timestamp
  TimestampFormat timestampFormat = TimestampFormat::compile(kDefaultPatternFormat);
  int64_t zoneOffsetMs = 0;
  std::string filterField;  // empty: no filter
  std::string filterValue;
  std::vector<std::string> groupBy;
  std::vector<AggregateSpec> aggregates;
  AverageMode averageMode = AverageMode::Double;
  EmitMode emitMode = EmitMode::Final;
  int64_t graceMs = 0;
  int64_t idleTimeoutMs = 5000;  // 0: off
  std::string lateRecordsTopic;     // empty: count and drop
  std::string invalidRecordsTopic;  // empty: an invalid record fails the task
  std::string outputTopic;          // empty: the input topic
  bool hasWindowFormat = false;
  TimestampFormat windowFormat = TimestampFormat::compile(kDefaultPatternFormat);

  // Throws sluice::ConfigError naming the key and the problem.
  static WindowOptions parse(const Config& config);
};

// "op:field:name,..." into specs; throws ConfigError.
std::vector<AggregateSpec> parseAggregates(const std::string& text);

}  // namespace sluice::windowed
