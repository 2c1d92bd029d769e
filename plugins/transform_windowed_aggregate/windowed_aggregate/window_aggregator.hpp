#pragma once
// WindowAggregator: the whole windowed-aggregate transform without the C ABI. Assigns records to
// epoch-aligned windows by event time, keeps one aggregate per (window start, group), closes them
// when the task watermark (PartitionWatermarks: the minimum over input partitions) passes end +
// grace.ms, emits results (final or every change), handles late and invalid records, and reports
// the lowest input offset the open state depends on (held offset) so the host never commits past it.
#include <sluice/plugin.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "windowed_aggregate/field_reader.hpp"
#include "windowed_aggregate/partition_watermarks.hpp"
#include "windowed_aggregate/window_options.hpp"

namespace sluice::windowed {

// Where results go. The record and its bytes are valid only during the call (emit copies).
class RecordOutput {
 public:
  virtual ~RecordOutput() = default;
  virtual void emit(const sluice_record& record) = 0;
};

// Thrown for a record that cannot be aggregated when no invalid.records.topic is configured.
class InvalidRecordError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct AggregatorStats {
  uint64_t accepted = 0;  // records added to at least one window
  uint64_t filtered = 0;  // records the filter consumed
  uint64_t late = 0;      // records whose every window was already closed
  uint64_t redelivered = 0;  // records at or below an offset this instance already processed (a seek back)
  uint64_t invalid = 0;   // records sent to invalid.records.topic
  uint64_t emitted = 0;   // result records
};

class WindowAggregator {
 public:
  using LogFn = std::function<void(int32_t level, const std::string& message)>;

  explicit WindowAggregator(WindowOptions options, LogFn log = {});

  void apply(const sluice_record& in, RecordOutput& out);
  // Processing-time hook: updates partition idleness (which may advance the watermark and close
  // windows) and closes every open window after idle.timeout.ms without any input.
  void tick(int64_t nowMs, RecordOutput& out);
  // Closes and (in final mode) emits every open window now.
  void closeAll(RecordOutput& out);
  // Lowest Kafka offset of topic/partition that open (not yet final) state depends on; -1 for none.
  int64_t heldOffset(std::string_view topic, int32_t partition);

  const AggregatorStats& stats() const { return stats_; }
  // The task watermark: INT64_MIN until one is known.
  int64_t watermark() const { return watermarks_.watermark(); }
  size_t openWindowCount() const { return windows_.size(); }
  const WindowOptions& options() const { return options_; }

 private:
  struct Accumulator {
    Number value;
    int64_t n = 0;  // non-null inputs
  };
  struct OffsetSpan {
    uint32_t topicPartition;
    int64_t min;
    int64_t max;
  };
  struct GroupValue {
    std::string text;
    FieldValue::Kind kind;
  };
  struct Window {
    int64_t start = 0;
    int64_t end = 0;
    std::string topic;
    std::vector<GroupValue> group;
    int64_t count = 0;
    std::vector<Accumulator> accumulators;
    std::vector<OffsetSpan> offsets;
  };
  struct WindowKey {
    int64_t start;
    std::string group;
  };
  struct WindowKeyView {
    int64_t start;
    std::string_view group;
  };
  struct KeyLess {
    using is_transparent = void;
    template <class A, class B>
    bool operator()(const A& a, const B& b) const {
      if (a.start != b.start) return a.start < b.start;
      return std::string_view(a.group) < std::string_view(b.group);
    }
  };
  using WindowMap = std::map<WindowKey, Window, KeyLess>;

  // apply() without the re-delivery check: filter, event time, windows, closing.
  void process(const sluice_record& in, RecordOutput& out, uint32_t topicPartition);
  void invalid(const sluice_record& in, RecordOutput& out, const std::string& reason);
  void late(const sluice_record& in, RecordOutput& out, int64_t eventTime, int64_t partitionWatermark);
  bool eventTime(const sluice_record& in, int64_t& ts, std::string& reason) const;
  uint32_t topicPartitionIndex(std::string_view topic, int32_t partition);
  void add(Window& w, const sluice_record& in, uint32_t topicPartition);
  void emitResult(const Window& w, RecordOutput& out);
  void closeWindow(WindowMap::iterator it, RecordOutput& out);
  // Closes, in start order, every window whose end + grace.ms the task watermark reached.
  void closePassedWindows(RecordOutput& out);
  // Replay start per topic-partition index (INT64_MAX: nothing held); prunes the ledger.
  void computeHeld();
  void log(int32_t level, const std::string& message) const {
    if (log_) log_(level, message);
  }

  WindowOptions options_;
  LogFn log_;
  FieldReader fields_;
  int filterIndex_ = -1;
  int timestampIndex_ = -1;
  std::vector<int> groupIndex_;
  std::vector<int> aggregateIndex_;  // -1 for count(*)

  WindowMap windows_;
  // Offset spans of each window already closed: a replay from an open window's offset must start
  // early enough, in every partition, to rebuild any closed window it would otherwise re-emit
  // half-filled (out-of-order input).
  std::vector<std::vector<OffsetSpan>> ledger_;
  std::vector<int64_t> held_;
  std::vector<std::pair<std::string, int32_t>> topicPartitions_;  // index -> input topic/partition
  // Highest Kafka offset processed per topic-partition index: a consumer that seeks back (a
  // rebalance within this instance) hands over records whose effect is already in the state.
  std::vector<int64_t> lastOffset_;
  PartitionWatermarks watermarks_;
  int64_t idleClosedUpTo_ = INT64_MIN;  // every window ending at or before this was closed on idle
  bool inputSinceTick_ = false;
  int64_t lastInputMs_ = -1;
  int64_t lastLateLogMs_ = -1;
  uint64_t lateLogged_ = 0;
  AggregatorStats stats_;

  // Per-record scratch, reused so steady state does not allocate.
  std::string groupKey_;
  std::vector<Number> numbers_;
  std::vector<bool> present_;
  std::vector<int64_t> starts_;
  std::string key_;
  std::string value_;
  std::string scratch_;
};

}  // namespace sluice::windowed
