#include "windowed_aggregate/window_options.hpp"

#include <sluice/text.hpp>

#include <stdexcept>

namespace sluice::windowed {

namespace {

TimestampFormat compileFormat(const std::string& key, const std::string& spec) {
  try {
    return TimestampFormat::compile(spec);
  } catch (const std::invalid_argument& e) {
    throw ConfigError("Invalid value " + spec + " for configuration " + key + ": " + e.what());
  }
}

}  // namespace

std::vector<AggregateSpec> parseAggregates(const std::string& text) {
  std::vector<AggregateSpec> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    std::string item = trim(std::string_view(text).substr(start, end - start));
    start = end + 1;
    if (item.empty()) continue;
    size_t c1 = item.find(':');
    size_t c2 = c1 == std::string::npos ? std::string::npos : item.find(':', c1 + 1);
    if (c2 == std::string::npos)
      throw ConfigError("Invalid value " + text + " for configuration aggregates: '" + item + "' is not op:field:name");
    AggregateSpec spec;
    std::string op = trim(std::string_view(item).substr(0, c1));
    spec.field = trim(std::string_view(item).substr(c1 + 1, c2 - c1 - 1));
    spec.output = trim(std::string_view(item).substr(c2 + 1));
    if (op == "sum") spec.op = AggregateOp::Sum;
    else if (op == "count") spec.op = AggregateOp::Count;
    else if (op == "avg") spec.op = AggregateOp::Avg;
    else if (op == "min") spec.op = AggregateOp::Min;
    else if (op == "max") spec.op = AggregateOp::Max;
    else throw ConfigError("Invalid value " + text + " for configuration aggregates: unknown op '" + op + "' (use sum, count, avg, min, max)");
    if (spec.field.empty() && spec.op != AggregateOp::Count)
      throw ConfigError("Invalid value " + text + " for configuration aggregates: '" + item + "' needs a field");
    if (spec.output.empty())
      throw ConfigError("Invalid value " + text + " for configuration aggregates: '" + item + "' needs an output name");
    for (const auto& other : out)
      if (other.output == spec.output)
        throw ConfigError("Invalid value " + text + " for configuration aggregates: output name '" + spec.output + "' is used twice");
    out.push_back(std::move(spec));
  }
  if (out.empty()) throw ConfigError("Invalid value " + text + " for configuration aggregates: no aggregate given");
  return out;
}

WindowOptions WindowOptions::parse(const Config& config) {
  WindowOptions o;
  o.sizeMs = config.getLong("window.size.ms", 3000);
  if (o.sizeMs <= 0) throw ConfigError("Invalid value " + std::to_string(o.sizeMs) + " for configuration window.size.ms: must be at least 1");
  o.advanceMs = config.getLong("window.advance.ms", 0);
  if (o.advanceMs == 0) o.advanceMs = o.sizeMs;
  if (o.advanceMs < 0 || o.advanceMs > o.sizeMs)
    throw ConfigError("Invalid value " + std::to_string(o.advanceMs) + " for configuration window.advance.ms: must be in [1, window.size.ms]");

  o.timestampField = trim(config.getString("timestamp.field"));
  std::string format = trim(config.getString("timestamp.format"));
  if (format.empty()) format = o.timestampField.empty() ? "epoch_millis" : kDefaultPatternFormat;
  o.timestampFormat = compileFormat("timestamp.format", format);
  std::string zone = trim(config.getString("timestamp.time.zone", "UTC"));
  std::string zoneError;
  if (!parseZoneOffset(zone, o.zoneOffsetMs, zoneError))
    throw ConfigError("Invalid value " + zone + " for configuration timestamp.time.zone: " + zoneError);

  o.filterField = trim(config.getString("filter.field"));
  o.filterValue = config.getString("filter.value");
  o.groupBy = config.getList("group.by");
  std::string aggregates = config.getString("aggregates");
  o.aggregates = parseAggregates(trim(aggregates).empty() ? std::string(kDefaultAggregates) : aggregates);
  for (const auto& g : o.groupBy)
    for (const auto& a : o.aggregates)
      if (g == a.output) throw ConfigError("Invalid value " + g + " for configuration group.by: it clashes with aggregate output '" + g + "'");

  std::string average = trim(config.getString("average.mode", "double"));
  if (average == "double") o.averageMode = AverageMode::Double;
  else if (average == "integer") o.averageMode = AverageMode::Integer;
  else throw ConfigError("Invalid value " + average + " for configuration average.mode: use double or integer");

  std::string emit = trim(config.getString("emit.mode", "final"));
  if (emit == "final") o.emitMode = EmitMode::Final;
  else if (emit == "changes") o.emitMode = EmitMode::Changes;
  else throw ConfigError("Invalid value " + emit + " for configuration emit.mode: use final or changes");

  o.graceMs = config.getLong("grace.ms", 0);
  constexpr int64_t kMaxDurationMs = 1'000'000'000'000'000;  // keeps end + grace far from overflow
  if (o.sizeMs > kMaxDurationMs) throw ConfigError("Invalid value " + std::to_string(o.sizeMs) + " for configuration window.size.ms: too large");
  if (o.graceMs > kMaxDurationMs) throw ConfigError("Invalid value " + std::to_string(o.graceMs) + " for configuration grace.ms: too large");
  if (o.graceMs < 0) throw ConfigError("Invalid value " + std::to_string(o.graceMs) + " for configuration grace.ms: must be at least 0");
  o.idleTimeoutMs = config.getLong("idle.timeout.ms", 5000);
  if (o.idleTimeoutMs < 0) throw ConfigError("Invalid value " + std::to_string(o.idleTimeoutMs) + " for configuration idle.timeout.ms: must be at least 0");

  o.lateRecordsTopic = trim(config.getString("late.records.topic"));
  o.invalidRecordsTopic = trim(config.getString("invalid.records.topic"));
  o.outputTopic = trim(config.getString("output.topic"));
  std::string windowFormat = trim(config.getString("window.format"));
  if (!windowFormat.empty()) {
    o.hasWindowFormat = true;
    o.windowFormat = compileFormat("window.format", windowFormat);
  }
  return o;
}

}  // namespace sluice::windowed
