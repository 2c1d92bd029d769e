// kafka-sink: a librdkafka producer behind the sink ABI. put() produces asynchronously (copy
// semantics) and blocks on a full local queue rather than dropping; flush() returns only once every
// message is acknowledged by the broker, and fails the task with the broker's reason otherwise.
#include <librdkafka/rdkafka.h>
#include <sluice/plugin.hpp>
#include <sluice_kafka/client_config.hpp>

#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include <sluice_kafka/client_reporter.hpp>

namespace {

constexpr int kPollSliceMs = 100;  // how long one blocking wait lasts before stop() is checked again

// Kafka Connect's worker producer: idempotent, acks=all (producer.* may override both).
const sluice::kafka::ClientConfigSpec kProducerConfig{
    .prefix = "producer.",
    .clientIdPrefix = "connector-producer-",
    .defaults = {{"enable.idempotence", "true"}, {"acks", "all"}},
    .enforced = {},
    .required = {"bootstrap.servers"},
    .ownKeys = {},
};

class KafkaSink : public sluice::Sink {
 public:
  static constexpr const char* kName = "kafka-sink";
  static constexpr const char* kVersion = "1.0.0";
  static constexpr const char* kDescription =
      "Writes records to Kafka with an idempotent librdkafka producer (acks=all), as Kafka Connect's worker producer does.";
  static constexpr sluice_config_def kConfig[] = {
      {"bootstrap.servers", SLUICE_CFG_STRING, SLUICE_CFG_REQUIRED, nullptr, SLUICE_IMPORTANCE_HIGH, 0,
       "Kafka brokers, host:port[,host:port...].", nullptr, "Kafka"},
      {"topic", SLUICE_CFG_STRING, 0, "", SLUICE_IMPORTANCE_MEDIUM, 1,
       "Topic for records whose own topic is empty. A record with neither fails the task.", nullptr, "Kafka"},
  };

  KafkaSink(const sluice::Config& config, sluice::Context& context)
      : reporter_(context, config, "producer"), conf_(sluice::kafka::buildClientConf(config, kProducerConfig)), defaultTopic_(config.getString("topic")) {
    rd_kafka_conf_set_opaque(conf_, this);
    rd_kafka_conf_set_dr_msg_cb(conf_, &KafkaSink::onDeliveryReport);
    rd_kafka_conf_set_error_cb(conf_, &KafkaSink::onError);
    rd_kafka_conf_set_log_cb(conf_, &KafkaSink::onLog);
  }

  // Validation beyond the table: every producer.* key must be one librdkafka accepts.
  static void validate(const sluice::Config& config, sluice::Validation& v) {
    sluice::kafka::validateClientConf(config, kProducerConfig, v);
  }

  ~KafkaSink() override {
    if (conf_) rd_kafka_conf_destroy(conf_);
    if (!rk_) return;
    // Anything still queued was never acknowledged, so the host has not committed its source offsets:
    // purging loses nothing that was promised.
    rd_kafka_purge(rk_, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    rd_kafka_poll(rk_, 0);
    for (auto& [name, rkt] : topics_) rd_kafka_topic_destroy(rkt);
    rd_kafka_destroy(rk_);
  }

  void start() override {
    char errstr[512];
    rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf_, errstr, sizeof(errstr));
    if (!rk_) throw sluice::ConfigError(std::string("cannot create the Kafka producer: ") + errstr);
    conf_ = nullptr;  // owned by rk_ now
  }

  void stop() noexcept override {
    stopping_.store(true);
    if (rk_) rd_kafka_yield(rk_);
  }

  void put(std::span<const sluice_record* const> records) override {
    throwIfFailed();
    for (const sluice_record* r : records) produce(*r);
    rd_kafka_poll(rk_, 0);  // serve delivery reports so failures surface early
    throwIfFailed();
    reporter_.probe(rk_, kPollSliceMs);
  }

  void flush() override {
    // The host flushes every offset.flush.interval.ms even when nothing was put, so an idle producer
    // serves its error events (brokers down) and probes for their return here.
    if (rk_) rd_kafka_poll(rk_, 0);
    while (produced_ != completed_) {
      throwIfFailed();
      if (stopping_.load()) {
        throw sluice::RetriableError("kafka-sink: stopped with " + std::to_string(produced_ - completed_) +
                                     " message(s) not yet acknowledged");
      }
      rd_kafka_poll(rk_, kPollSliceMs);
    }
    throwIfFailed();
    reporter_.probe(rk_, kPollSliceMs);
  }

 private:
  rd_kafka_topic_t* topicHandle(std::string_view name) {
    if (name == lastTopicName_ && lastTopic_) return lastTopic_;
    auto it = topics_.find(name);
    if (it == topics_.end()) {
      rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk_, std::string(name).c_str(), nullptr);
      if (!rkt) {
        throw std::runtime_error("kafka-sink: cannot use topic '" + std::string(name) +
                                 "': " + rd_kafka_err2str(rd_kafka_last_error()));
      }
      it = topics_.emplace(std::string(name), rkt).first;
    }
    lastTopicName_ = it->first;  // views the map's key, which never moves
    lastTopic_ = it->second;
    return lastTopic_;
  }

  void produce(const sluice_record& r) {
    std::string_view topic = sluice::view(r.topic);
    if (topic.empty()) topic = defaultTopic_;
    if (topic.empty()) {
      throw sluice::ConfigError("kafka-sink: a record has no topic and no default 'topic' is configured");
    }
    rd_kafka_topic_t* rkt = topicHandle(topic);
    rd_kafka_headers_t* headers = nullptr;
    if (r.header_count > 0) {
      headers = rd_kafka_headers_new(r.header_count);
      for (size_t i = 0; i < r.header_count; ++i) {
        const sluice_header& h = r.headers[i];
        rd_kafka_header_add(headers, reinterpret_cast<const char*>(h.key.data), static_cast<ssize_t>(h.key.len),
                            h.value.data, h.value.data ? static_cast<ssize_t>(h.value.len) : 0);
      }
    }
    const int32_t partition = r.partition < 0 ? RD_KAFKA_PARTITION_UA : r.partition;
    const int64_t timestamp = r.timestamp_ms < 0 ? 0 : r.timestamp_ms;  // 0: librdkafka stamps "now"
    void* key = const_cast<uint8_t*>(r.key.data);
    void* value = const_cast<uint8_t*>(r.value.data);
    for (;;) {
      rd_kafka_resp_err_t err;
      if (headers) {
        err = rd_kafka_producev(rk_, RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_PARTITION(partition),
                                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_KEY(key, key ? r.key.len : 0),
                                RD_KAFKA_V_VALUE(value, value ? r.value.len : 0), RD_KAFKA_V_TIMESTAMP(timestamp),
                                RD_KAFKA_V_HEADERS(headers), RD_KAFKA_V_END);
      } else {
        err = rd_kafka_producev(rk_, RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_PARTITION(partition),
                                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_KEY(key, key ? r.key.len : 0),
                                RD_KAFKA_V_VALUE(value, value ? r.value.len : 0), RD_KAFKA_V_TIMESTAMP(timestamp),
                                RD_KAFKA_V_END);
      }
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        ++produced_;  // headers now belong to the message
        return;
      }
      if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        if (headers) rd_kafka_headers_destroy(headers);
        throw std::runtime_error("kafka-sink: cannot produce to " + std::string(topic) + "[" + std::to_string(r.partition) +
                                 "]: " + rd_kafka_err2str(err));
      }
      // Back-pressure: the local queue is full. Wait for deliveries to make room, never drop.
      throwIfFailed();
      if (stopping_.load()) {
        if (headers) rd_kafka_headers_destroy(headers);
        throw sluice::RetriableError("kafka-sink: stopped while waiting for room in the producer queue");
      }
      rd_kafka_poll(rk_, kPollSliceMs);
    }
  }

  void throwIfFailed() {
    char reason[512];
    rd_kafka_resp_err_t fatal = rk_ ? rd_kafka_fatal_error(rk_, reason, sizeof(reason)) : RD_KAFKA_RESP_ERR_NO_ERROR;
    if (fatal != RD_KAFKA_RESP_ERR_NO_ERROR) {
      throw std::runtime_error(std::string("kafka-sink: fatal producer error (") + rd_kafka_err2name(fatal) + "): " + reason);
    }
    if (failed_ > 0) {
      throw std::runtime_error("kafka-sink: " + std::to_string(failed_) + " message(s) could not be delivered; first failure: " +
                               firstFailure_);
    }
  }

  static void onDeliveryReport(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    auto* self = static_cast<KafkaSink*>(opaque);
    ++self->completed_;
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) return;
    if (self->failed_++ == 0) {
      self->firstFailure_ = std::string("delivery to ") + rd_kafka_topic_name(m->rkt) + "[" + std::to_string(m->partition) +
                            "] failed: " + rd_kafka_err2str(m->err) + " (" + rd_kafka_err2name(m->err) + ")";
    }
  }

  static void onError(rd_kafka_t*, int err, const char* reason, void* opaque) {
    static_cast<KafkaSink*>(opaque)->reporter_.error(err, reason);
  }

  static void onLog(const rd_kafka_t* rk, int level, const char* fac, const char* buf) {
    auto* self = static_cast<KafkaSink*>(rd_kafka_opaque(rk));
    if (self) self->reporter_.log(level, fac, buf);
  }

  sluice_kafka::KafkaClientReporter reporter_;  // log lines, errors and broker reachability, told to the host once
  rd_kafka_conf_t* conf_ = nullptr;  // until start() hands it to rd_kafka_new
  rd_kafka_t* rk_ = nullptr;
  std::string defaultTopic_;
  std::map<std::string, rd_kafka_topic_t*, std::less<>> topics_;
  std::string_view lastTopicName_;
  rd_kafka_topic_t* lastTopic_ = nullptr;
  std::atomic<bool> stopping_{false};
  // Counted on the task thread: delivery reports are served by rd_kafka_poll, which only it calls.
  uint64_t produced_ = 0;
  uint64_t completed_ = 0;
  uint64_t failed_ = 0;
  std::string firstFailure_;
};

}  // namespace

SLUICE_PLUGINS(KafkaSink)
