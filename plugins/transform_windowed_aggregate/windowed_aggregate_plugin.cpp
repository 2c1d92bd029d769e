// The windowed-aggregate transform: a thin SDK adapter over windowed::WindowAggregator.
#include <sluice/plugin.hpp>

#include "windowed_aggregate/window_aggregator.hpp"

namespace sluice {
namespace {

// Adapts the SDK's Batch to the core's output interface.
class BatchOutput final : public windowed::RecordOutput {
 public:
  explicit BatchOutput(Batch& batch) : batch_(batch) {}
  void emit(const sluice_record& record) override { batch_.emit(record); }

 private:
  Batch& batch_;
};

constexpr const char* kWindow = "Window";
constexpr const char* kEventTime = "Event time";
constexpr const char* kSelect = "Filter and group";
constexpr const char* kEmit = "Emission";
constexpr const char* kOutput = "Output";

}  // namespace

class WindowedAggregate : public Transform {
 public:
  static constexpr const char* kName = "windowed-aggregate";
  static constexpr const char* kVersion = "1.0.0";
  static constexpr const char* kDescription =
      "Aggregates JSON records over event-time tumbling or hopping windows (sum, count, avg, min, max), "
      "emitting one keyed result per window and group.";
  static constexpr sluice_config_def kConfig[] = {
      {"window.size.ms", SLUICE_CFG_LONG, 0, "3000", SLUICE_IMPORTANCE_HIGH, 0,
       "Window length in ms; windows are aligned to the epoch, [start, start + size).", "[1,]", kWindow},
      {"window.advance.ms", SLUICE_CFG_LONG, 0, "0", SLUICE_IMPORTANCE_MEDIUM, 1,
       "Hop between window starts in ms (hopping windows); 0 means window.size.ms (tumbling).", "[0,]", kWindow},
      {"grace.ms", SLUICE_CFG_LONG, 0, "0", SLUICE_IMPORTANCE_MEDIUM, 2,
       "How long after its end a window still accepts records, in event time (against the watermark: the minimum over input "
       "partitions of the largest event time each delivered).",
       "[0,]", kWindow},
      {"idle.timeout.ms", SLUICE_CFG_LONG, 0, "5000", SLUICE_IMPORTANCE_MEDIUM, 3,
       "Processing time after which a partition without input stops holding the watermark, and after which, with no input "
       "at all, every open window is closed and emitted; also how long windows wait at the start for partitions not seen "
       "yet. 0 disables all three.", "[0,]", kWindow},
      {"timestamp.field", SLUICE_CFG_STRING, 0, "", SLUICE_IMPORTANCE_HIGH, 0,
       "Top-level value field holding the event time; empty means the record timestamp.", nullptr, kEventTime},
      {"timestamp.format", SLUICE_CFG_STRING, 0, "", SLUICE_IMPORTANCE_MEDIUM, 1,
       "Format of timestamp.field: a pattern such as yyyy-MM-dd HH:mm:ss.SSS (the default when a field is set), iso8601, "
       "epoch_millis or epoch_seconds.",
       nullptr, kEventTime},
      {"timestamp.time.zone", SLUICE_CFG_STRING, 0, "UTC", SLUICE_IMPORTANCE_MEDIUM, 2,
       "Zone of timestamps without an offset, and of window.format: UTC or a fixed offset such as +02:00. ksqlDB uses "
       "the server's zone instead.",
       nullptr, kEventTime},
      {"filter.field", SLUICE_CFG_STRING, 0, "", SLUICE_IMPORTANCE_HIGH, 0,
       "Keep only records whose field equals filter.value (e.g. status); others are consumed. Empty: no filter.", nullptr, kSelect},
      {"filter.value", SLUICE_CFG_STRING, 0, "", SLUICE_IMPORTANCE_HIGH, 1, "The value filter.field must equal (exact, case-sensitive).",
       nullptr, kSelect},
      {"group.by", SLUICE_CFG_LIST, 0, "", SLUICE_IMPORTANCE_MEDIUM, 2,
       "Fields to group by within a window; empty means one result per window.", nullptr, kSelect},
      {"aggregates", SLUICE_CFG_LIST, 0, windowed::kDefaultAggregates, SLUICE_IMPORTANCE_HIGH, 3,
       "op:field:name items, op one of sum, count, avg, min, max; count::name counts records.", nullptr, kSelect},
      {"average.mode", SLUICE_CFG_STRING, 0, "double", SLUICE_IMPORTANCE_LOW, 4,
       "double, or integer for the reference ksql/Flink SUM/COUNT integer division.", "double,integer", kSelect},
      {"emit.mode", SLUICE_CFG_STRING, 0, "final", SLUICE_IMPORTANCE_HIGH, 0,
       "final: one result per window once the watermark >= end + grace.ms; changes: a result per update.", "final,changes", kEmit},
      {"late.records.topic", SLUICE_CFG_STRING, 0, "", SLUICE_IMPORTANCE_LOW, 1,
       "Topic that receives records arriving after their window closed, unchanged; empty drops and counts them.", nullptr, kEmit},
      {"invalid.records.topic", SLUICE_CFG_STRING, 0, "", SLUICE_IMPORTANCE_LOW, 2,
       "Topic that receives records that cannot be aggregated, unchanged; empty fails the task on such a record.", nullptr, kEmit},
      {"output.topic", SLUICE_CFG_STRING, 0, "", SLUICE_IMPORTANCE_HIGH, 0,
       "Topic of the results, e.g. transactions_aggregate_sluice; empty keeps the input topic.", nullptr, kOutput},
      {"window.format", SLUICE_CFG_STRING, 0, "", SLUICE_IMPORTANCE_LOW, 1,
       "When set (e.g. yyyy-MM-dd HH:mm:ss), adds window_start_str and window_end_str formatted in timestamp.time.zone.",
       nullptr, kOutput},
  };

  WindowedAggregate(const Config& config, Context& context)
      : context_(context),
        aggregator_(windowed::WindowOptions::parse(config),
                    [this](int32_t level, const std::string& message) { context_.log(level, message); }) {}

  static void validate(const Config& config, Validation& v) {
    try {
      windowed::WindowOptions::parse(config);
    } catch (const ConfigError& e) {
      std::string message = e.what();
      // Messages read "Invalid value X for configuration KEY: ..."; attach them to KEY.
      std::string key = "aggregates";
      size_t at = message.find("for configuration ");
      if (at != std::string::npos) {
        size_t start = at + 18;
        key = message.substr(start, message.find(':', start) - start);
      }
      v.addError(key, message);
    }
  }

  void apply(const sluice_record& in, Batch& out) override {
    BatchOutput o(out);
    aggregator_.apply(in, o);
  }
  void tick(int64_t nowMs, Batch& out) override {
    BatchOutput o(out);
    aggregator_.tick(nowMs, o);
  }
  int64_t heldOffset(std::string_view topic, int32_t partition) override { return aggregator_.heldOffset(topic, partition); }

 private:
  Context& context_;
  windowed::WindowAggregator aggregator_;
};

}  // namespace sluice

SLUICE_PLUGINS(sluice::WindowedAggregate)
