#include "windowed_aggregate/window_aggregator.hpp"

#include <sluice/json_text.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace sluice::windowed {

namespace {

std::vector<std::string> fieldNames(const WindowOptions& o) {
  std::vector<std::string> names;
  auto addName = [&](const std::string& n) {
    if (!n.empty() && std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  };
  addName(o.filterField);
  addName(o.timestampField);
  for (const auto& g : o.groupBy) addName(g);
  for (const auto& a : o.aggregates) addName(a.field);
  return names;
}

void appendInt(std::string& out, int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void appendDouble(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  char buf[40];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  std::string_view s(buf, static_cast<size_t>(r.ptr - buf));
  out += s;
  if (s.find_first_of(".eE") == std::string_view::npos) out += ".0";  // keep it visibly a double
}

void appendNumber(std::string& out, const Number& n) {
  if (n.isInt) appendInt(out, n.i);
  else appendDouble(out, n.d);
}

// Adds b to a, falling back to double on int64 overflow or a fractional input.
void addNumber(Number& a, const Number& b) {
  if (a.isInt && b.isInt) {
    int64_t r = 0;
    if (!__builtin_add_overflow(a.i, b.i, &r)) {
      a.i = r;
      return;
    }
  }
  double sum = a.asDouble() + b.asDouble();
  a.isInt = false;
  a.d = sum;
}

bool lessThan(const Number& a, const Number& b) {
  if (a.isInt && b.isInt) return a.i < b.i;
  return a.asDouble() < b.asDouble();
}

std::string describe(const sluice_record& in) {
  std::string s(view(in.topic));
  s += "/" + std::to_string(in.partition);
  if (in.kafka_offset >= 0) s += "@" + std::to_string(in.kafka_offset);
  return s;
}

}  // namespace

WindowAggregator::WindowAggregator(WindowOptions options, LogFn log)
    : options_(std::move(options)), log_(std::move(log)), fields_(fieldNames(options_)), watermarks_(options_.idleTimeoutMs) {
  filterIndex_ = options_.filterField.empty() ? -1 : fields_.indexOf(options_.filterField);
  timestampIndex_ = options_.timestampField.empty() ? -1 : fields_.indexOf(options_.timestampField);
  for (const auto& g : options_.groupBy) groupIndex_.push_back(fields_.indexOf(g));
  for (const auto& a : options_.aggregates) aggregateIndex_.push_back(a.field.empty() ? -1 : fields_.indexOf(a.field));
  numbers_.resize(options_.aggregates.size());
  present_.resize(options_.aggregates.size());
  starts_.reserve(static_cast<size_t>(options_.sizeMs / options_.advanceMs + 1));
}

bool WindowAggregator::eventTime(const sluice_record& in, int64_t& ts, std::string& reason) const {
  if (timestampIndex_ < 0) {
    if (in.timestamp_ms == -1) {
      reason = "the record has no timestamp (set timestamp.field to read event time from the value)";
      return false;
    }
    ts = in.timestamp_ms;
    return true;
  }
  const FieldValue& v = fields_.value(static_cast<size_t>(timestampIndex_));
  if (v.kind == FieldValue::Kind::String || v.kind == FieldValue::Kind::Number) {
    bool numericOnly = options_.timestampFormat.kind() == TimestampFormat::Kind::EpochMillis ||
                       options_.timestampFormat.kind() == TimestampFormat::Kind::EpochSeconds;
    if ((v.kind == FieldValue::Kind::String || numericOnly) && options_.timestampFormat.parse(v.text, options_.zoneOffsetMs, ts))
      return true;
    reason = "field '" + options_.timestampField + "' value '" + std::string(v.text) + "' does not match timestamp.format";
    return false;
  }
  reason = "field '" + options_.timestampField + "' is missing or not a string/number";
  return false;
}

void WindowAggregator::apply(const sluice_record& in, RecordOutput& out) {
  inputSinceTick_ = true;
  uint32_t tp = topicPartitionIndex(view(in.topic), in.partition);
  if (in.kafka_offset >= 0 && in.kafka_offset <= lastOffset_[tp]) {
    ++stats_.redelivered;
    return;
  }
  process(in, out, tp);
  // Not reached when process() threw: an invalid record changed nothing, so it is not "processed".
  if (in.kafka_offset >= 0) lastOffset_[tp] = in.kafka_offset;
}

void WindowAggregator::process(const sluice_record& in, RecordOutput& out, uint32_t tp) {
  if (!in.value.data) return invalid(in, out, "the value is null (a tombstone)");
  std::string reason;
  if (!fields_.read(view(in.value), reason)) return invalid(in, out, reason);

  if (filterIndex_ >= 0) {
    const FieldValue& f = fields_.value(static_cast<size_t>(filterIndex_));
    bool keep = f.kind != FieldValue::Kind::Missing && f.kind != FieldValue::Kind::Other && f.text == options_.filterValue;
    if (!keep) {
      ++stats_.filtered;
      return;
    }
  }

  int64_t ts = 0;
  if (!eventTime(in, ts, reason)) return invalid(in, out, reason);
  // Keeps start/end/grace arithmetic far from int64 overflow (about +-31,000 years).
  constexpr int64_t kMaxEventTimeMs = 1'000'000'000'000'000;
  if (ts > kMaxEventTimeMs || ts < -kMaxEventTimeMs) return invalid(in, out, "event time " + std::to_string(ts) + " is out of range");

  // Read every aggregate input before touching state, so an invalid record changes nothing.
  for (size_t i = 0; i < options_.aggregates.size(); ++i) {
    present_[i] = false;
    if (aggregateIndex_[i] < 0) continue;
    const FieldValue& v = fields_.value(static_cast<size_t>(aggregateIndex_[i]));
    if (v.kind == FieldValue::Kind::Missing || v.kind == FieldValue::Kind::Null) continue;  // SQL: nulls are skipped
    if (options_.aggregates[i].op == AggregateOp::Count) {
      present_[i] = true;
      continue;
    }
    if ((v.kind != FieldValue::Kind::Number && v.kind != FieldValue::Kind::String) || !parseNumber(v.text, numbers_[i]))
      return invalid(in, out, "field '" + options_.aggregates[i].field + "' is not a number");
    present_[i] = true;
  }
  groupKey_.clear();
  for (int index : groupIndex_) {
    const FieldValue& v = fields_.value(static_cast<size_t>(index));
    if (v.kind == FieldValue::Kind::Other) return invalid(in, out, "a group.by field is an object or array");
    // A group is identified by the text that goes into the output key, so two groups never share
    // a key: missing and null are one group, and so are 2 and "2".
    bool isNull = v.kind == FieldValue::Kind::Missing || v.kind == FieldValue::Kind::Null;
    groupKey_.append(isNull ? std::string_view("null") : v.text);
    groupKey_.push_back('\0');
  }

  // Lateness is judged against the later of the record's own partition watermark (event time in
  // that partition, whatever the other partitions did) and the task watermark (what is closed).
  watermarks_.observe(tp, ts);
  int64_t partitionWatermark = watermarks_.partitionWatermark(tp);
  int64_t judgedAgainst = std::max(partitionWatermark, watermarks_.watermark());
  // Every window [start, start + size) holding ts, with starts on multiples of the advance.
  starts_.clear();
  int64_t last = floorDiv(ts, options_.advanceMs) * options_.advanceMs;
  for (int64_t start = last; start > ts - options_.sizeMs; start -= options_.advanceMs) {
    int64_t end = start + options_.sizeMs;
    if (end + options_.graceMs > judgedAgainst && end > idleClosedUpTo_) starts_.push_back(start);
  }
  if (starts_.empty()) return late(in, out, ts, partitionWatermark);
  ++stats_.accepted;

  for (auto it = starts_.rbegin(); it != starts_.rend(); ++it) {
    int64_t start = *it;
    auto found = windows_.find(WindowKeyView{start, groupKey_});
    if (found == windows_.end()) {
      Window w;
      w.start = start;
      w.end = start + options_.sizeMs;
      w.topic = std::string(view(in.topic));
      for (int index : groupIndex_) {
        const FieldValue& v = fields_.value(static_cast<size_t>(index));
        bool isNull = v.kind == FieldValue::Kind::Missing || v.kind == FieldValue::Kind::Null;
        w.group.push_back({std::string(isNull ? std::string_view("null") : v.text), isNull ? FieldValue::Kind::Null : v.kind});
      }
      w.accumulators.resize(options_.aggregates.size());
      found = windows_.emplace(WindowKey{start, groupKey_}, std::move(w)).first;
    }
    add(found->second, in, tp);
    if (options_.emitMode == EmitMode::Changes) emitResult(found->second, out);
  }
  closePassedWindows(out);
}

void WindowAggregator::closePassedWindows(RecordOutput& out) {
  // Ordered by start; all windows share one size, so also by end.
  int64_t watermark = watermarks_.watermark();
  while (!windows_.empty()) {
    auto first = windows_.begin();
    if (first->second.end + options_.graceMs > watermark) break;
    closeWindow(first, out);
  }
}

void WindowAggregator::add(Window& w, const sluice_record& in, uint32_t tp) {
  ++w.count;
  for (size_t i = 0; i < options_.aggregates.size(); ++i) {
    if (!present_[i]) continue;
    Accumulator& a = w.accumulators[i];
    const Number& n = numbers_[i];
    switch (options_.aggregates[i].op) {
      case AggregateOp::Count: break;
      case AggregateOp::Sum:
      case AggregateOp::Avg:
        if (a.n == 0) a.value = n;
        else addNumber(a.value, n);
        break;
      case AggregateOp::Min:
        if (a.n == 0 || lessThan(n, a.value)) a.value = n;
        break;
      case AggregateOp::Max:
        if (a.n == 0 || lessThan(a.value, n)) a.value = n;
        break;
    }
    ++a.n;
  }
  if (in.kafka_offset >= 0) {
    for (auto& span : w.offsets) {
      if (span.topicPartition == tp) {
        span.min = std::min(span.min, in.kafka_offset);
        span.max = std::max(span.max, in.kafka_offset);
        return;
      }
    }
    w.offsets.push_back({tp, in.kafka_offset, in.kafka_offset});
  }
}

uint32_t WindowAggregator::topicPartitionIndex(std::string_view topic, int32_t partition) {
  for (size_t i = 0; i < topicPartitions_.size(); ++i)
    if (topicPartitions_[i].second == partition && topicPartitions_[i].first == topic) return static_cast<uint32_t>(i);
  topicPartitions_.emplace_back(std::string(topic), partition);
  lastOffset_.push_back(-1);
  return static_cast<uint32_t>(topicPartitions_.size() - 1);
}

void WindowAggregator::emitResult(const Window& w, RecordOutput& out) {
  key_.clear();
  appendInt(key_, w.start);
  for (const auto& g : w.group) {
    key_.push_back('|');
    key_ += g.text;
  }

  value_.clear();
  value_ += "{\"window_start\":";
  appendInt(value_, w.start);
  value_ += ",\"window_end\":";
  appendInt(value_, w.end);
  if (options_.hasWindowFormat) {
    scratch_.clear();
    options_.windowFormat.format(w.start, options_.zoneOffsetMs, scratch_);
    value_ += ",\"window_start_str\":";
    appendJsonString(value_, scratch_);
    scratch_.clear();
    options_.windowFormat.format(w.end, options_.zoneOffsetMs, scratch_);
    value_ += ",\"window_end_str\":";
    appendJsonString(value_, scratch_);
  }
  for (size_t i = 0; i < w.group.size(); ++i) {
    value_.push_back(',');
    appendJsonString(value_, options_.groupBy[i]);
    value_.push_back(':');
    const GroupValue& g = w.group[i];
    if (g.kind == FieldValue::Kind::String) appendJsonString(value_, g.text);
    else if (g.kind == FieldValue::Kind::Number || g.kind == FieldValue::Kind::Bool) value_ += g.text;
    else value_ += "null";
  }
  for (size_t i = 0; i < options_.aggregates.size(); ++i) {
    const AggregateSpec& spec = options_.aggregates[i];
    const Accumulator& a = w.accumulators[i];
    value_.push_back(',');
    appendJsonString(value_, spec.output);
    value_.push_back(':');
    if (spec.op == AggregateOp::Count) {
      appendInt(value_, spec.field.empty() ? w.count : a.n);
      continue;
    }
    if (a.n == 0) {
      value_ += "null";
      continue;
    }
    if (spec.op != AggregateOp::Avg) {
      appendNumber(value_, a.value);
    } else if (options_.averageMode == AverageMode::Integer) {
      // The reference ksql/Flink SUM/COUNT: integer division truncating toward zero.
      appendInt(value_, a.value.isInt ? a.value.i / a.n : static_cast<int64_t>(std::trunc(a.value.d / static_cast<double>(a.n))));
    } else {
      appendDouble(value_, a.value.asDouble() / static_cast<double>(a.n));
    }
  }
  value_.push_back('}');

  sluice_record r = emptyRecord();
  r.topic = bytes(options_.outputTopic.empty() ? std::string_view(w.topic) : std::string_view(options_.outputTopic));
  r.partition = -1;
  r.timestamp_ms = w.end;
  r.key = bytes(key_);
  r.value = bytes(value_);
  out.emit(r);
  ++stats_.emitted;
}

void WindowAggregator::closeWindow(WindowMap::iterator it, RecordOutput& out) {
  // In changes mode the last update already carried the final value.
  if (options_.emitMode == EmitMode::Final) emitResult(it->second, out);
  if (!it->second.offsets.empty()) ledger_.push_back(std::move(it->second.offsets));
  windows_.erase(it);
  if (ledger_.size() > 4096) computeHeld();
}

void WindowAggregator::closeAll(RecordOutput& out) {
  while (!windows_.empty()) {
    idleClosedUpTo_ = std::max(idleClosedUpTo_, windows_.begin()->second.end);
    closeWindow(windows_.begin(), out);
  }
}

void WindowAggregator::tick(int64_t nowMs, RecordOutput& out) {
  // A partition that fell idle no longer holds the watermark back; the start hold may end.
  size_t idleBefore = watermarks_.idleCount();
  watermarks_.tick(nowMs);
  if (watermarks_.idleCount() > idleBefore)
    log(SLUICE_LOG_INFO, std::to_string(watermarks_.idleCount()) + " of " + std::to_string(watermarks_.partitionCount()) +
                             " input partition(s) without input for idle.timeout.ms: they no longer hold the watermark back");
  closePassedWindows(out);
  if (inputSinceTick_ || lastInputMs_ < 0) {
    lastInputMs_ = nowMs;
    inputSinceTick_ = false;
  }
  if (options_.idleTimeoutMs > 0 && !windows_.empty() && nowMs - lastInputMs_ >= options_.idleTimeoutMs) {
    log(SLUICE_LOG_DEBUG, "no input for " + std::to_string(nowMs - lastInputMs_) + " ms: closing " +
                              std::to_string(windows_.size()) + " open window(s)");
    closeAll(out);
  }
  // Late records are logged at most every 10 s, as a running total.
  if (stats_.late > lateLogged_ && (lastLateLogMs_ < 0 || nowMs - lastLateLogMs_ >= 10'000)) {
    log(SLUICE_LOG_WARN, std::to_string(stats_.late) + " late record(s) so far (every window holding them ended before the watermark minus grace.ms)" +
                             (options_.lateRecordsTopic.empty() ? ", dropped" : ", sent to " + options_.lateRecordsTopic));
    lateLogged_ = stats_.late;
    lastLateLogMs_ = nowMs;
  }
}

void WindowAggregator::late(const sluice_record& in, RecordOutput& out, int64_t eventTime, int64_t partitionWatermark) {
  ++stats_.late;
  if (stats_.late == 1)
    log(SLUICE_LOG_WARN, "late record " + describe(in) + " (event time " + std::to_string(eventTime) + ", partition watermark " +
                             std::to_string(partitionWatermark) + ", task watermark " + std::to_string(watermarks_.watermark()) +
                             "): its windows ended before the watermark minus grace.ms; further ones are summarised every 10 s");
  if (options_.lateRecordsTopic.empty()) return;
  sluice_record copy = in;
  copy.topic = bytes(options_.lateRecordsTopic);
  copy.partition = -1;
  out.emit(copy);
}

void WindowAggregator::invalid(const sluice_record& in, RecordOutput& out, const std::string& reason) {
  std::string message = "windowed-aggregate: cannot aggregate record " + describe(in) + ": " + reason;
  if (options_.invalidRecordsTopic.empty()) throw InvalidRecordError(message + " (set invalid.records.topic to divert such records)");
  ++stats_.invalid;
  if (stats_.invalid == 1 || (stats_.invalid & (stats_.invalid - 1)) == 0)  // 1, 2, 4, 8...: rate-limited
    log(SLUICE_LOG_WARN, message + " (" + std::to_string(stats_.invalid) + " so far, sent to " + options_.invalidRecordsTopic + ")");
  sluice_record copy = in;
  copy.topic = bytes(options_.invalidRecordsTopic);
  copy.partition = -1;
  out.emit(copy);
}

int64_t WindowAggregator::heldOffset(std::string_view topic, int32_t partition) {
  computeHeld();
  for (size_t i = 0; i < topicPartitions_.size(); ++i)
    if (topicPartitions_[i].second == partition && topicPartitions_[i].first == topic)
      return held_[i] == INT64_MAX ? -1 : held_[i];
  return -1;
}

void WindowAggregator::computeHeld() {
  held_.assign(topicPartitions_.size(), INT64_MAX);
  for (const auto& [key, w] : windows_)
    for (const auto& span : w.offsets) held_[span.topicPartition] = std::min(held_[span.topicPartition], span.min);
  // A closed window with a record at or after the replay point of its partition would be rebuilt
  // half-filled and re-emitted with a wrong value: replay it whole, in every partition it spans.
  std::vector<bool> replayed(ledger_.size(), false);
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t i = 0; i < ledger_.size(); ++i) {
      if (replayed[i]) continue;
      bool touched = std::any_of(ledger_[i].begin(), ledger_[i].end(),
                                 [this](const OffsetSpan& s) { return s.max >= held_[s.topicPartition]; });
      if (!touched) continue;
      replayed[i] = true;
      changed = true;
      for (const auto& s : ledger_[i]) held_[s.topicPartition] = std::min(held_[s.topicPartition], s.min);
    }
  }
  // Held offsets only grow, so a closed window that no replay reaches now never will.
  size_t kept = 0;
  for (size_t i = 0; i < ledger_.size(); ++i) {
    if (!replayed[i]) continue;
    if (kept != i) ledger_[kept] = std::move(ledger_[i]);  // never self-move: it would empty the entry
    ++kept;
  }
  ledger_.resize(kept);
}

}  // namespace sluice::windowed
