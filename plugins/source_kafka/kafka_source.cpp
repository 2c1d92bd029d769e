// kafka-source: a librdkafka high-level consumer behind the source ABI. Offsets are committed only for
// records the host acknowledged (on_delivered), so a restart resumes right after the last record that
// reached its destination: nothing lost, nothing repeated in the normal case.
#include <librdkafka/rdkafka.h>
#include <sluice/plugin.hpp>
#include <sluice_kafka/client_config.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <cstdlib>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sluice_kafka/assignment_watch.hpp>
#include <sluice_kafka/client_reporter.hpp>

namespace {

using Clock = std::chrono::steady_clock;

// Kafka Connect's sink consumer starts at the earliest offset; offsets move only when the host
// acknowledges records, so auto commit and auto offset store are not negotiable.
const sluice::kafka::ClientConfigSpec kConsumerConfig{
    .prefix = "consumer.",
    .clientIdPrefix = "connector-consumer-",
    .defaults = {{"auto.offset.reset", "earliest"}},
    .enforced = {{"enable.auto.commit", "false"}, {"enable.auto.offset.store", "false"}},
    .required = {"bootstrap.servers", "group.id"},
    // max.poll.records: a Java consumer setting, honoured by this plugin itself; group.instance.id:
    // derived per task (see staticInstanceId).
    .ownKeys = {"max.poll.records", "group.instance.id"},
};

// Static membership (KIP-345): a task that restarts within session.timeout.ms rejoins as the same
// member and gets its partitions back at once, without a rebalance or waiting for its old session to
// expire. The id is <base>-<task.id>, base connect-<name> unless consumer.group.instance.id names
// another (empty: dynamic membership). Only tasks the host runs (with a task.id) are static, so two
// plain consumers of one group never fence each other.
std::string staticInstanceId(const sluice::Config& config) {
  if (!config.has("task.id")) return config.getString("consumer.group.instance.id");
  std::string base = config.has("consumer.group.instance.id") ? config.getString("consumer.group.instance.id")
                                                              : "connect-" + config.getString("name");
  return base.empty() ? base : base + "-" + config.getString("task.id");
}

constexpr int kPollSliceMs = 100;  // the longest a poll waits before looking at stop() again
constexpr int64_t kBatchSize = 1024;  // most messages taken from librdkafka's queue in one call

class KafkaSource : public sluice::Source {
 public:
  static constexpr const char* kName = "kafka-source";
  static constexpr const char* kVersion = "1.0.0";
  static constexpr const char* kDescription =
      "Reads Kafka topics as a consumer group and commits offsets only for records delivered downstream.";
  static constexpr sluice_config_def kConfig[] = {
      {"bootstrap.servers", SLUICE_CFG_STRING, SLUICE_CFG_REQUIRED, nullptr, SLUICE_IMPORTANCE_HIGH, 0,
       "Kafka brokers, host:port[,host:port...].", nullptr, "Kafka"},
      {"group.id", SLUICE_CFG_STRING, SLUICE_CFG_REQUIRED, nullptr, SLUICE_IMPORTANCE_HIGH, 1,
       "Consumer group; the host passes connect-<connector name>.", nullptr, "Kafka"},
      {"topics", SLUICE_CFG_LIST, 0, "", SLUICE_IMPORTANCE_HIGH, 2,
       "Topics to read (comma-separated). Exactly one of topics and topics.regex must be set.", nullptr, "Kafka"},
      {"topics.regex", SLUICE_CFG_STRING, 0, "", SLUICE_IMPORTANCE_HIGH, 3,
       "Regular expression (POSIX extended, as librdkafka) for the topics to read; anchored at the start.", nullptr, "Kafka"},
      {"max.poll.records", SLUICE_CFG_INT, 0, "500", SLUICE_IMPORTANCE_MEDIUM, 4,
       "Most records one poll returns (consumer.max.poll.records is accepted too).", "[1,]", "Kafka"},
      {"offset.commit.interval.ms", SLUICE_CFG_LONG, 0, "500", SLUICE_IMPORTANCE_LOW, 5,
       "How often acknowledged offsets are committed (asynchronously); stop, revoke and close commit at once.", "[0,]",
       "Kafka"},
  };

  KafkaSource(const sluice::Config& config, sluice::Context& context) : context_(context), reporter_(context, config, "consumer") {
    topics_ = config.getList("topics");
    regex_ = config.getString("topics.regex");
    if (topics_.empty() == regex_.empty()) {
      throw sluice::ConfigError("kafka-source: set exactly one of 'topics' and 'topics.regex'");
    }
    if (!regex_.empty() && regex_[0] != '^') regex_ = "^" + regex_;  // librdkafka treats "^..." as a regex
    maxRecords_ = config.getLong("max.poll.records", 500);
    if (config.has("consumer.max.poll.records")) maxRecords_ = config.getLong("consumer.max.poll.records");
    if (maxRecords_ < 1) throw sluice::ConfigError("Invalid value for configuration max.poll.records: must be at least 1");
    commitIntervalMs_ = config.getLong("offset.commit.interval.ms", 500);
    conf_ = sluice::kafka::buildClientConf(config, kConsumerConfig);
    if (std::string id = staticInstanceId(config); !id.empty()) {
      char errstr[512];
      if (rd_kafka_conf_set(conf_, "group.instance.id", id.c_str(), errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) {
        rd_kafka_conf_destroy(conf_);
        conf_ = nullptr;
        throw sluice::ConfigError("Invalid value " + id + " for configuration consumer.group.instance.id: " + errstr);
      }
    }
    char sessionTimeout[32];
    size_t sessionTimeoutSize = sizeof(sessionTimeout);
    int64_t sessionTimeoutMs = 45000;  // librdkafka's default
    if (rd_kafka_conf_get(conf_, "session.timeout.ms", sessionTimeout, &sessionTimeoutSize) == RD_KAFKA_CONF_OK)
      sessionTimeoutMs = std::strtoll(sessionTimeout, nullptr, 10);
    assignmentWatch_.emplace(topics_, config.getLong("task.count", 1), sessionTimeoutMs, config.getString("group.id"));
    rd_kafka_conf_set_opaque(conf_, this);
    rd_kafka_conf_set_rebalance_cb(conf_, &KafkaSource::onRebalance);
    rd_kafka_conf_set_error_cb(conf_, &KafkaSource::onError);
    rd_kafka_conf_set_log_cb(conf_, &KafkaSource::onLog);
  }

  static void validate(const sluice::Config& config, sluice::Validation& v) {
    if (config.getList("topics").empty() == config.getString("topics.regex").empty()) {
      v.addError("topics", "Exactly one of 'topics' and 'topics.regex' must be set");
    }
    sluice::kafka::validateClientConf(config, kConsumerConfig, v);
  }

  ~KafkaSource() override {
    if (conf_) rd_kafka_conf_destroy(conf_);
    if (!rk_) return;
    commitAcknowledged(false);
    if (queue_) rd_kafka_queue_destroy(queue_);
    // close() revokes the assignment through onRebalance, which commits again; then leaves the group.
    rd_kafka_consumer_close(rk_);
    rd_kafka_destroy(rk_);
  }

  void start() override {
    char errstr[512];
    rk_ = rd_kafka_new(RD_KAFKA_CONSUMER, conf_, errstr, sizeof(errstr));
    if (!rk_) throw sluice::ConfigError(std::string("kafka-source: cannot create the Kafka consumer: ") + errstr);
    conf_ = nullptr;  // owned by rk_ now
    rd_kafka_poll_set_consumer(rk_);  // errors and rebalances are served by consumer_poll
    queue_ = rd_kafka_queue_get_consumer(rk_);
    std::vector<std::string> names = regex_.empty() ? topics_ : std::vector<std::string>{regex_};
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(static_cast<int>(names.size()));
    for (const auto& n : names) rd_kafka_topic_partition_list_add(list, n.c_str(), RD_KAFKA_PARTITION_UA);
    rd_kafka_resp_err_t err = rd_kafka_subscribe(rk_, list);
    rd_kafka_topic_partition_list_destroy(list);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      throw std::runtime_error(std::string("kafka-source: cannot subscribe: ") + rd_kafka_err2str(err));
    }
  }

  // Wakes poll() and commits what was acknowledged without waiting for the broker (a broker that is down
  // must not make stop() hang); the synchronous commit happens on destroy, before the consumer closes.
  void stop() noexcept override {
    stopping_.store(true);
    if (queue_) rd_kafka_queue_yield(queue_);
    try {
      commitAcknowledged(true);
    } catch (...) {
    }
  }

  sluice_status poll(sluice::Batch& out, int32_t timeoutMs) override {
    throwIfFatal();
    auto deadline = Clock::now() + std::chrono::milliseconds(timeoutMs < 0 ? 0 : timeoutMs);
    int64_t emitted = 0;
    while (emitted < maxRecords_ && !stopping_.load()) {
      // Wait (in slices, so stop() is seen) only until the first record; then take what is buffered.
      int waitMs = 0;
      if (emitted == 0) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        waitMs = static_cast<int>(std::clamp<int64_t>(left, 0, kPollSliceMs));
      }
      // One call takes a whole run of fetched messages (and serves rebalances and errors on the way,
      // as consumer_poll does), instead of one queue round trip per record.
      const size_t want = static_cast<size_t>(std::min<int64_t>(maxRecords_ - emitted, kBatchSize));
      const ssize_t n = rd_kafka_consume_batch_queue(queue_, waitMs, messages_.data(), want);
      if (n <= 0) {
        if (emitted > 0 || Clock::now() >= deadline) break;
        continue;
      }
      bool failed = false;
      for (ssize_t i = 0; i < n; ++i) {
        rd_kafka_message_t* m = messages_[static_cast<size_t>(i)];
        if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
          failed = failed || m->err == RD_KAFKA_RESP_ERR__FATAL;
          warnConsumerError(m);
        } else {
          emitMessage(*m, out);
          ++emitted;
        }
        rd_kafka_message_destroy(m);
      }
      if (failed) throwIfFatal();  // after the whole batch is released
      if (emitted > 0 && static_cast<size_t>(n) < want) break;  // the queue is drained: hand over what we have
    }
    maybeCommit();
    reporter_.probe(rk_, kPollSliceMs);  // only while the brokers are unreachable, once a second
    reporter_.assignmentProblem(assignmentWatch_->check(rk_, kPollSliceMs));
    return SLUICE_OK;
  }

  // rec.topic/partition/kafka_offset = X: everything up to X on that partition reached its destination.
  void onDelivered(const sluice_record& rec, int32_t, int64_t) override {
    if (rec.kafka_offset < 0 || rec.partition < 0) return;
    std::string_view topic = sluice::view(rec.topic);
    std::lock_guard lock(mutex_);
    auto it = acknowledged_.find(std::pair<std::string_view, int32_t>(topic, rec.partition));
    if (it == acknowledged_.end()) {
      acknowledged_.emplace(std::pair<std::string, int32_t>(std::string(topic), rec.partition), rec.kafka_offset + 1);
    } else if (rec.kafka_offset + 1 > it->second) {
      it->second = rec.kafka_offset + 1;
    }
    dirty_ = true;
  }

 private:
  // Orders (topic, partition) keys so a string_view pair can look up a std::string pair.
  struct KeyLess {
    using is_transparent = void;
    template <class A, class B>
    bool operator()(const A& a, const B& b) const {
      int c = std::string_view(a.first).compare(std::string_view(b.first));
      return c < 0 || (c == 0 && a.second < b.second);
    }
  };

  void emitMessage(const rd_kafka_message_t& m, sluice::Batch& out) {
    sluice_record r = sluice::emptyRecord();
    r.topic = sluice::bytes(rd_kafka_topic_name(m.rkt));
    r.partition = m.partition;
    r.kafka_offset = m.offset;
    r.key = m.key ? sluice_bytes{static_cast<const uint8_t*>(m.key), m.key_len} : sluice::kNullBytes;
    r.value = m.payload ? sluice_bytes{static_cast<const uint8_t*>(m.payload), m.len} : sluice::kNullBytes;
    rd_kafka_timestamp_type_t tsType;
    r.timestamp_ms = rd_kafka_message_timestamp(&m, &tsType);
    headers_.clear();
    rd_kafka_headers_t* hdrs = nullptr;
    if (rd_kafka_message_headers(&m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR && hdrs) {
      const char* name;
      const void* value;
      size_t size;
      for (size_t i = 0; rd_kafka_header_get_all(hdrs, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i) {
        sluice_header h;
        h.key = sluice::bytes(name);
        h.value = value ? sluice_bytes{static_cast<const uint8_t*>(value), size} : sluice::kNullBytes;
        headers_.push_back(h);
      }
    }
    r.headers = headers_.empty() ? nullptr : headers_.data();
    r.header_count = headers_.size();
    out.emit(r);
  }

  // A fatal error is thrown by the caller (throwIfFatal); everything else (unknown topic, broker
  // down...) is transient: librdkafka keeps retrying.
  void warnConsumerError(const rd_kafka_message_t* m) {
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF || m->err == RD_KAFKA_RESP_ERR__FATAL) return;
    std::string where = m->rkt ? std::string(rd_kafka_topic_name(m->rkt)) + "[" + std::to_string(m->partition) + "]: " : "";
    context_.warn("kafka-source: consumer error: " + where + rd_kafka_message_errstr(m));
  }

  void throwIfFatal() {
    char reason[512];
    rd_kafka_resp_err_t fatal = rd_kafka_fatal_error(rk_, reason, sizeof(reason));
    if (fatal != RD_KAFKA_RESP_ERR_NO_ERROR) {
      throw std::runtime_error(std::string("kafka-source: fatal consumer error (") + rd_kafka_err2name(fatal) + "): " + reason);
    }
  }

  void maybeCommit() {
    auto now = Clock::now();
    if (now - lastCommit_ < std::chrono::milliseconds(commitIntervalMs_)) return;
    lastCommit_ = now;
    commitAcknowledged(true);
  }

  // Stores the acknowledged offsets and commits what is stored: asynchronously from poll(), synchronously
  // on stop, revoke and close. Offsets of partitions no longer assigned are refused by librdkafka; the
  // new owner reads those records again (at least once, never lost).
  void commitAcknowledged(bool async) {
    if (!rk_) return;
    std::lock_guard lock(mutex_);
    bool stored = false;
    if (dirty_) {
      rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(static_cast<int>(acknowledged_.size()));
      for (const auto& [key, offset] : acknowledged_) {
        rd_kafka_topic_partition_list_add(list, key.first.c_str(), key.second)->offset = offset;
      }
      if (rd_kafka_offsets_store(rk_, list) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        for (int i = 0; i < list->cnt; ++i) {
          if (list->elems[i].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            context_.log(SLUICE_LOG_DEBUG, std::string("kafka-source: offset for ") + list->elems[i].topic + "[" +
                                               std::to_string(list->elems[i].partition) +
                                               "] not stored: " + rd_kafka_err2str(list->elems[i].err));
          }
        }
      }
      rd_kafka_topic_partition_list_destroy(list);
      acknowledged_.clear();
      dirty_ = false;
      stored = true;
      uncommitted_ = true;
    }
    if (async ? !stored : !uncommitted_) return;
    rd_kafka_resp_err_t err = rd_kafka_commit(rk_, nullptr, async ? 1 : 0);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR__NO_OFFSET) {
      context_.warn(std::string("kafka-source: offset commit failed (retried at the next commit): ") + rd_kafka_err2str(err));
      return;
    }
    // An async commit's outcome is not awaited, so the next sync point commits again.
    if (!async) uncommitted_ = false;
  }

  static void onRebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions, void* opaque) {
    auto* self = static_cast<KafkaSource*>(opaque);
    const bool cooperative = std::strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
      self->context_.info("kafka-source: assigned " + std::to_string(partitions->cnt) + " partition(s)");
      if (cooperative) {
        if (rd_kafka_error_t* e = rd_kafka_incremental_assign(rk, partitions)) rd_kafka_error_destroy(e);
      } else {
        rd_kafka_assign(rk, partitions);
      }
      return;
    }
    // Revoked (or lost): commit what was acknowledged while the partitions are still ours.
    self->context_.info("kafka-source: revoked " + std::to_string(partitions->cnt) + " partition(s)");
    if (err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS && !rd_kafka_assignment_lost(rk)) self->commitAcknowledged(false);
    if (cooperative) {
      if (rd_kafka_error_t* e = rd_kafka_incremental_unassign(rk, partitions)) rd_kafka_error_destroy(e);
    } else {
      rd_kafka_assign(rk, nullptr);
    }
  }

  static void onError(rd_kafka_t*, int err, const char* reason, void* opaque) {
    static_cast<KafkaSource*>(opaque)->reporter_.error(err, reason);
  }

  static void onLog(const rd_kafka_t* rk, int level, const char* fac, const char* buf) {
    auto* self = static_cast<KafkaSource*>(rd_kafka_opaque(rk));
    if (self) self->reporter_.log(level, fac, buf);
  }

  sluice::Context& context_;
  sluice_kafka::KafkaClientReporter reporter_;  // log lines, errors and broker reachability, told to the host once
  std::vector<std::string> topics_;
  std::string regex_;
  int64_t maxRecords_ = 500;
  int64_t commitIntervalMs_ = 500;
  rd_kafka_conf_t* conf_ = nullptr;  // until start() hands it to rd_kafka_new
  rd_kafka_t* rk_ = nullptr;
  rd_kafka_queue_t* queue_ = nullptr;
  std::optional<sluice_kafka::AssignmentWatch> assignmentWatch_;  // task thread only
  std::atomic<bool> stopping_{false};
  std::vector<sluice_header> headers_;  // reused for every record
  std::vector<rd_kafka_message_t*> messages_ = std::vector<rd_kafka_message_t*>(kBatchSize);  // one batch, reused
  Clock::time_point lastCommit_{};
  // Guarded by mutex_: onDelivered (task thread) and stop() (any thread) both reach it.
  std::mutex mutex_;
  std::map<std::pair<std::string, int32_t>, int64_t, KeyLess> acknowledged_;
  bool dirty_ = false;
  bool uncommitted_ = false;  // stored offsets not yet confirmed by a synchronous commit
};

}  // namespace

SLUICE_PLUGINS(KafkaSource)
