// The `datagen` source plugin: kafka-connect-datagen on the Sluice ABI. The record sequence lives in
// DatagenTask (core library); this file adds datagen's pacing (a random pause before every record),
// prompt stop(), and the conversion to sluice_record.
#include <sluice/plugin.hpp>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <random>

#include "datagen_config.hpp"
#include "datagen_task.hpp"

namespace sluice {

class DatagenSource : public Source {
 public:
  static constexpr const char* kName = "datagen";
  static constexpr const char* kVersion = "0.7.0-sluice";
  static constexpr const char* kDescription =
      "Generates mock records from an Avro schema with arg.properties, a bundled quickstart, or the reference e-commerce transactions.";
  static constexpr const char* kAliases[] = {"DatagenConnector", "io.confluent.kafka.connect.datagen.DatagenConnector", nullptr};
  static constexpr sluice_config_def kConfig[] = {
      {"kafka.topic", SLUICE_CFG_STRING, SLUICE_CFG_REQUIRED, nullptr, SLUICE_IMPORTANCE_HIGH, 0, "Topic to write to.", nullptr, "Datagen"},
      {"max.interval", SLUICE_CFG_LONG, 0, "500", SLUICE_IMPORTANCE_HIGH, 1,
       "Max interval between messages (ms): each record waits a random time in [0, max.interval). 0 or less: no wait.", nullptr, "Datagen"},
      {"iterations", SLUICE_CFG_INT, 0, "-1", SLUICE_IMPORTANCE_HIGH, 2,
       "Number of messages to send in total, split across the connector's tasks; less than 1 means no limit.", nullptr, "Datagen"},
      {"schema.string", SLUICE_CFG_STRING, 0, "", SLUICE_IMPORTANCE_HIGH, 3,
       "The literal JSON-encoded Avro schema to use. Exactly one of schema.string, schema.filename, quickstart.", nullptr, "Datagen"},
      {"schema.filename", SLUICE_CFG_STRING, 0, "", SLUICE_IMPORTANCE_HIGH, 4,
       "Filename of the Avro schema to use; a bundled resource name such as users_schema.avro also works.", nullptr, "Datagen"},
      {"schema.keyfield", SLUICE_CFG_STRING, 0, "", SLUICE_IMPORTANCE_HIGH, 5,
       "Name of the top-level field whose value becomes the record key. Empty: the quickstart's key field, or no key.", nullptr, "Datagen"},
      {"quickstart", SLUICE_CFG_STRING, 0, "", SLUICE_IMPORTANCE_HIGH, 6,
       "Name of a bundled schema (case-insensitive), e.g. users, orders, transactions, or ecommerce_transactions.", nullptr, "Datagen"},
      {"random.seed", SLUICE_CFG_LONG, 0, nullptr, SLUICE_IMPORTANCE_LOW, 7,
       "Seed for the generator: the same seed (and task) gives the same data. Null: a random seed.", nullptr, "Datagen"},
      {"transactions.timestamp.format", SLUICE_CFG_STRING, 0, "yyyy-MM-dd HH:mm:ss.SSS", SLUICE_IMPORTANCE_LOW, 8,
       "ecommerce_transactions: event_timestamp pattern (y M d H m s S, 'literals'), or epoch_millis for a number.", nullptr, "Transactions"},
      {"transactions.time.zone", SLUICE_CFG_STRING, 0, "UTC", SLUICE_IMPORTANCE_LOW, 9,
       "ecommerce_transactions: zone of event_timestamp: UTC or a fixed offset such as +02:00.", nullptr, "Transactions"},
      {"transactions.start.ms", SLUICE_CFG_LONG, 0, nullptr, SLUICE_IMPORTANCE_LOW, 10,
       "ecommerce_transactions: event time (epoch ms) of the first record. Null: now.", nullptr, "Transactions"},
      {"transactions.time.step.ms", SLUICE_CFG_LONG, 0, nullptr, SLUICE_IMPORTANCE_LOW, 11,
       "ecommerce_transactions: when set, event time advances exactly this much per record instead of following the wall clock.",
       nullptr, "Transactions"},
  };

  static void validate(const Config& config, Validation& v) {
    for (const auto& [key, message] : datagen::validateDatagen(config)) v.addError(key, message);
  }

  DatagenSource(const Config& config, Context& context)
      : context_(context),
        task_(datagen::readSettings(config),
              context.readOffset(datagen::DatagenTask::sourcePartition(datagen::readSettings(config).taskId))),
        pacing_(std::random_device{}()) {
    const auto& s = task_.settings();
    topic_ = s.topic;
    if (task_.produced() > 0)
      context_.info("Resuming datagen task " + std::to_string(s.taskId) + " at iteration " + std::to_string(task_.produced()) +
                    ", generation " + std::to_string(task_.generation()));
  }

  void stop() noexcept override {
    {
      std::lock_guard lock(mutex_);
      stopped_ = true;
    }
    wake_.notify_all();
  }

  sluice_status poll(Batch& out, int32_t timeoutMs) override {
    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + std::chrono::milliseconds(std::max<int32_t>(timeoutMs, 0));
    const int64_t maxInterval = task_.settings().maxIntervalMs;
    size_t emitted = 0;
    while (true) {
      if (task_.done()) return finish();
      if (maxInterval > 0) {
        if (!due_) {
          // datagen: Thread.sleep((long) (maxInterval * Math.random())) before every record; an
          // unseeded RNG, so pacing never changes the data.
          std::uniform_real_distribution<double> u(0.0, static_cast<double>(maxInterval));
          due_ = Clock::now() + std::chrono::microseconds(static_cast<int64_t>(u(pacing_) * 1000.0));
        }
        std::unique_lock lock(mutex_);
        wake_.wait_until(lock, std::min(*due_, deadline), [&] { return stopped_; });
        if (stopped_) return SLUICE_OK;
        if (Clock::now() < *due_) return SLUICE_OK;  // timeout_ms reached first
      } else {
        std::lock_guard lock(mutex_);
        if (stopped_) return SLUICE_OK;
      }
      due_.reset();
      emitOne(out);
      ++emitted;
      if (task_.done()) return finish();
      if (Clock::now() >= deadline || emitted >= kMaxBatch) return SLUICE_OK;
    }
  }

 private:
  static constexpr size_t kMaxBatch = 4096;  // back-to-back mode: bound one poll's batch

  sluice_status finish() {
    if (!finishLogged_) {
      context_.info(task_.finishMessage());
      finishLogged_ = true;
    }
    return SLUICE_END_OF_INPUT;
  }

  void emitOne(Batch& out) {
    const datagen::TaskRecord& r = task_.next();
    headers_[0] = {bytes("task.generation"), bytes(r.generationHeader)};
    headers_[1] = {bytes("task.id"), bytes(r.taskIdHeader)};
    headers_[2] = {bytes("current.iteration"), bytes(r.iterationHeader)};
    sluice_record rec = emptyRecord();
    rec.topic = bytes(topic_);
    rec.timestamp_ms = r.record.timestampMs;
    rec.key = r.record.hasKey ? bytes(r.record.key) : kNullBytes;
    rec.value = bytes(r.record.value);
    rec.headers = headers_;
    rec.header_count = 3;
    rec.source_partition = bytes(task_.partition());
    rec.source_offset = bytes(r.sourceOffset);
    out.emit(rec);
  }

  Context& context_;
  datagen::DatagenTask task_;
  std::string topic_;
  sluice_header headers_[3]{};
  std::mt19937_64 pacing_;
  std::optional<std::chrono::steady_clock::time_point> due_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopped_ = false;
  bool finishLogged_ = false;
};

}  // namespace sluice

SLUICE_PLUGINS(sluice::DatagenSource)
