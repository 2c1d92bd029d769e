#include "kafka/topic_log.hpp"

#include <algorithm>
#include <set>
#include <sstream>
#include <thread>

#include "common/logging.hpp"
#include "kafka/java_partitioner.hpp"
#include "kafka/kafka_log.hpp"

namespace sluice {

namespace {

int remainingMs(TopicLog::Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - TopicLog::Clock::now()).count();
  return static_cast<int>(std::clamp<int64_t>(left, 0, 60000));
}

// Errors a consumer recovers from by itself (reconnects, leader changes, a topic just created).
bool isTransient(rd_kafka_resp_err_t err) {
  switch (err) {
    case RD_KAFKA_RESP_ERR__TRANSPORT:
    case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
    case RD_KAFKA_RESP_ERR__RESOLVE:
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION:
      return true;
    default:
      return false;
  }
}

// A client of the given type with clientProps plus extra; nullptr and the reason on failure.
rd_kafka_t* makeClient(rd_kafka_type_t type, const std::map<std::string, std::string>& clientProps,
                       const std::map<std::string, std::string>& extra, void* opaque,
                       void (*onDelivery)(rd_kafka_t*, const rd_kafka_message_t*, void*), std::string& error) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  routeKafkaLogs(conf);
  auto props = clientProps;
  for (const auto& [k, v] : extra) props[k] = v;
  for (const auto& [k, v] : props) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      error = std::string("Kafka client setting ") + k + ": " + err;
      return nullptr;
    }
  }
  if (onDelivery) rd_kafka_conf_set_dr_msg_cb(conf, onDelivery);
  if (opaque) rd_kafka_conf_set_opaque(conf, opaque);
  rd_kafka_t* rk = rd_kafka_new(type, conf, err, sizeof err);  // takes conf on success only
  if (!rk) {
    rd_kafka_conf_destroy(conf);
    error = std::string("Kafka client: ") + err;
  }
  return rk;
}

struct TopicMetadata {
  int partitions = 0;       // 0: the topic does not exist
  int32_t controller = -1;  // the controller id the cluster reports
  bool controllerIsBroker = false;
};

// The topic's partition count and the cluster's controller, from the whole cluster's metadata. All
// topics are asked for: a Metadata request naming the topic may make the broker auto-create it
// (auto.create.topics.enable), with the broker's defaults instead of a compacted topic.
Result<TopicMetadata> describeTopic(rd_kafka_t* rk, const std::string& topic, int timeoutMs) {
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 1, nullptr, &md, timeoutMs);
  if (err) return Error{"reading the metadata of topic '" + topic + "' failed: " + rd_kafka_err2str(err) +
                        " (is Kafka reachable at bootstrap.servers?)"};
  TopicMetadata out;
  std::string topicError;
  for (int i = 0; i < md->topic_cnt; ++i) {
    if (topic != md->topics[i].topic) continue;
    if (md->topics[i].err && md->topics[i].err != RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART)
      topicError = rd_kafka_err2str(md->topics[i].err);
    else out.partitions = md->topics[i].partition_cnt;
  }
  // CreateTopics and DescribeConfigs go to the controller; the id comes from the metadata just read.
  out.controller = rd_kafka_controllerid(rk, 0);
  for (int i = 0; i < md->broker_cnt; ++i) out.controllerIsBroker |= md->brokers[i].id == out.controller;
  rd_kafka_metadata_destroy(md);
  if (!topicError.empty()) return Error{"topic '" + topic + "': " + topicError};
  return out;
}

std::string noControllerReason(const TopicMetadata& md) {
  return "the cluster's metadata names no controller among its brokers (controller id " + std::to_string(md.controller) +
         "), and CreateTopics and DescribeConfigs are served by the controller";
}

// Waits for one admin result event on queue.
Result<rd_kafka_event_t*> awaitAdmin(rd_kafka_queue_t* queue, int timeoutMs, const std::string& what) {
  rd_kafka_event_t* ev = rd_kafka_queue_poll(queue, timeoutMs + 2000);
  if (!ev) return Error{what + " timed out (is Kafka reachable at bootstrap.servers?)"};
  if (rd_kafka_event_error(ev)) {
    std::string msg = what + " failed: " + rd_kafka_event_error_string(ev);
    rd_kafka_event_destroy(ev);
    return Error{msg};
  }
  return ev;
}

// CreateTopics; true when created, false when it already existed (another worker won the race).
Result<bool> createTopic(rd_kafka_t* rk, const InternalTopic& topic, int timeoutMs) {
  char err[512];
  rd_kafka_NewTopic_t* nt = rd_kafka_NewTopic_new(topic.name.c_str(), topic.partitions, topic.replicationFactor, err, sizeof err);
  if (!nt) return Error{"topic '" + topic.name + "' cannot be defined: " + err};
  rd_kafka_NewTopic_set_config(nt, "cleanup.policy", "compact");
  rd_kafka_AdminOptions_t* options = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
  rd_kafka_AdminOptions_set_request_timeout(options, timeoutMs, err, sizeof err);
  rd_kafka_AdminOptions_set_operation_timeout(options, timeoutMs, err, sizeof err);
  rd_kafka_queue_t* queue = rd_kafka_queue_new(rk);
  rd_kafka_CreateTopics(rk, &nt, 1, options, queue);
  auto ev = awaitAdmin(queue, timeoutMs, "creating topic '" + topic.name + "'");
  rd_kafka_AdminOptions_destroy(options);
  rd_kafka_NewTopic_destroy(nt);
  Result<bool> out = false;
  if (!ev.ok()) {
    out = Error{ev.error()};
  } else {
    size_t n = 0;
    const rd_kafka_topic_result_t** results = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(*ev), &n);
    for (size_t i = 0; i < n; ++i) {
      rd_kafka_resp_err_t e = rd_kafka_topic_result_error(results[i]);
      if (e == RD_KAFKA_RESP_ERR_NO_ERROR) out = true;
      else if (e != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
        const char* msg = rd_kafka_topic_result_error_string(results[i]);
        out = Error{"creating topic '" + topic.name + "' failed: " + (msg ? msg : rd_kafka_err2str(e))};
      }
    }
    rd_kafka_event_destroy(*ev);
  }
  rd_kafka_queue_destroy(queue);
  return out;
}

// Errors after which Connect's TopicAdmin.describeTopicConfigs gives up quietly (the broker is too old,
// or the principal may not describe topic configs) instead of failing the worker's start.
bool cannotDescribe(rd_kafka_resp_err_t err) {
  return err == RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE || err == RD_KAFKA_RESP_ERR_UNSUPPORTED_VERSION ||
         err == RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED || err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED;
}

// The topic's cleanup.policy values (comma-separated in Kafka); nullopt with `why` when the cluster
// cannot say (see cannotDescribe); an error for any other failure.
Result<std::optional<std::set<std::string>>> cleanupPolicyOf(rd_kafka_t* rk, const std::string& topic, int timeoutMs,
                                                             std::string& why) {
  char err[512];
  const std::string what = "describing the configuration of topic '" + topic + "'";
  rd_kafka_ConfigResource_t* resource = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic.c_str());
  rd_kafka_AdminOptions_t* options = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS);
  rd_kafka_AdminOptions_set_request_timeout(options, timeoutMs, err, sizeof err);
  rd_kafka_queue_t* queue = rd_kafka_queue_new(rk);
  rd_kafka_DescribeConfigs(rk, &resource, 1, options, queue);
  rd_kafka_event_t* ev = rd_kafka_queue_poll(queue, timeoutMs + 2000);
  rd_kafka_AdminOptions_destroy(options);
  rd_kafka_ConfigResource_destroy(resource);
  rd_kafka_queue_destroy(queue);
  if (!ev) return Error{what + " timed out (is Kafka reachable at bootstrap.servers?)"};

  Result<std::optional<std::set<std::string>>> out = std::optional<std::set<std::string>>{};
  if (rd_kafka_resp_err_t e = rd_kafka_event_error(ev)) {
    if (cannotDescribe(e)) why = rd_kafka_event_error_string(ev);
    else out = Error{what + " failed: " + rd_kafka_event_error_string(ev)};
    rd_kafka_event_destroy(ev);
    return out;
  }
  size_t n = 0;
  const rd_kafka_ConfigResource_t** resources =
      rd_kafka_DescribeConfigs_result_resources(rd_kafka_event_DescribeConfigs_result(ev), &n);
  std::optional<std::set<std::string>> policies;
  for (size_t i = 0; i < n && out.ok(); ++i) {
    if (rd_kafka_resp_err_t e = rd_kafka_ConfigResource_error(resources[i])) {
      const char* msg = rd_kafka_ConfigResource_error_string(resources[i]);
      std::string text = msg && *msg ? msg : rd_kafka_err2str(e);
      if (cannotDescribe(e)) why = text;
      else out = Error{what + " failed: " + text};
      continue;
    }
    size_t m = 0;
    const rd_kafka_ConfigEntry_t** entries = rd_kafka_ConfigResource_configs(resources[i], &m);
    for (size_t j = 0; j < m; ++j) {
      if (std::string(rd_kafka_ConfigEntry_name(entries[j])) != "cleanup.policy") continue;
      policies.emplace();
      const char* value = rd_kafka_ConfigEntry_value(entries[j]);
      std::stringstream in(value ? value : "");
      for (std::string item; std::getline(in, item, ',');) {
        item.erase(0, item.find_first_not_of(' '));
        item.erase(item.find_last_not_of(' ') + 1);
        if (!item.empty()) policies->insert(item);
      }
    }
  }
  rd_kafka_event_destroy(ev);
  if (!out.ok()) return out;
  if (!policies && why.empty()) why = "the cluster did not return cleanup.policy";
  return policies;
}

std::string joined(const std::set<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ",") + i;
  return out;
}

// Creates the topic when absent, else checks it as Connect's TopicAdmin.verifyTopicCleanupPolicyOnlyCompact
// and KafkaConfigBackingStore.start() do. Returns the partition count.
Result<int> ensureTopic(rd_kafka_t* rk, const InternalTopic& topic, TopicLog::Clock::time_point deadline) {
  auto log = logger("sluice.storage");
  auto md = describeTopic(rk, topic.name, remainingMs(deadline));
  if (!md.ok()) return Error{md.error()};
  if (md->partitions == 0) {
    if (!md->controllerIsBroker)
      return Error{"topic '" + topic.name + "' ('" + topic.workerKey + "') does not exist and cannot be created: " +
                   noControllerReason(*md) + ". Create it beforehand: cleanup.policy=compact, " +
                   std::to_string(topic.partitions) + " partition(s)."};
    auto created = createTopic(rk, topic, remainingMs(deadline));
    if (!created.ok()) return Error{created.error()};
    if (*created)
      log->info("created topic '{}' for {} ({} partitions, replication factor {}, cleanup.policy=compact)", topic.name,
                topic.purpose, topic.partitions,
                topic.replicationFactor < 0 ? std::string("broker default") : std::to_string(topic.replicationFactor));
    // Metadata follows a creation with a delay on a real cluster: wait until the partitions show.
    while ((md = describeTopic(rk, topic.name, remainingMs(deadline))).ok() && md->partitions == 0 &&
           TopicLog::Clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (!md.ok()) return Error{md.error()};
    if (md->partitions == 0) return Error{"topic '" + topic.name + "' was created but its partitions did not appear in time"};
    if (*created) return md->partitions;
  }
  std::string why;
  std::optional<std::set<std::string>> policies;
  if (!md->controllerIsBroker) {
    why = noControllerReason(*md);
  } else {
    auto described = cleanupPolicyOf(rk, topic.name, remainingMs(deadline), why);
    if (!described.ok()) return Error{described.error()};
    policies = *described;
  }
  if (!policies) {
    log->info("Unable to verify that the cleanup policy of topic '{}' is 'compact' ({}); continuing as Kafka Connect does",
              topic.name, why);
  } else if (*policies != std::set<std::string>{"compact"}) {
    return Error{"Topic '" + topic.name + "' supplied via the '" + topic.workerKey +
                 "' property is required to have 'cleanup.policy=compact' to guarantee consistency and durability of " +
                 topic.purpose + ", but found the topic currently has 'cleanup.policy=" + joined(*policies) +
                 "'. Continuing would likely result in eventually losing " + topic.purpose +
                 " and problems restarting this Connect cluster in the future. Change the '" + topic.workerKey +
                 "' property in the Connect worker configurations to use a topic with 'cleanup.policy=compact'."};
  }
  return md->partitions;
}

}  // namespace

Result<std::unique_ptr<TopicLog>> TopicLog::open(const std::map<std::string, std::string>& clientProps,
                                                 const InternalTopic& topic, std::chrono::milliseconds timeout) {
  if (topic.name.empty()) return Error{"Must specify topic for " + topic.purpose + " ('" + topic.workerKey + "')."};
  auto deadline = Clock::now() + timeout;
  std::unique_ptr<TopicLog> log(new TopicLog());
  log->topic_ = topic;
  std::string error;

  // The producer doubles as the admin client (librdkafka runs admin requests on any client).
  log->producer_ = makeClient(RD_KAFKA_PRODUCER, clientProps,
                              {{"client.id", "sluice-" + topic.workerKey}, {"acks", "all"}, {"enable.idempotence", "true"}},
                              log.get(), &TopicLog::onDelivery, error);
  if (!log->producer_) return Error{error};
  auto count = ensureTopic(log->producer_, topic, deadline);
  if (!count.ok()) return Error{count.error()};
  if (topic.singlePartition && *count > 1)
    return Error{"Topic '" + topic.name + "' supplied via the '" + topic.workerKey +
                 "' property is required to have a single partition in order to guarantee consistency of " +
                 topic.purpose + ", but found " + std::to_string(*count) + " partitions."};
  log->partitionCount_ = *count;
  log->producerTopic_ = rd_kafka_topic_new(log->producer_, topic.name.c_str(), nullptr);

  log->consumer_ = makeClient(RD_KAFKA_CONSUMER, clientProps,
                              {{"client.id", "sluice-" + topic.workerKey + "-reader"},
                               // librdkafka's assign() needs a group; it is never joined and nothing is
                               // committed (offsets come from the beginning), so the broker keeps no state.
                               {"group.id", "sluice-reader-" + topic.name},
                               {"enable.auto.commit", "false"},
                               {"enable.auto.offset.store", "false"},
                               {"enable.partition.eof", "true"},
                               {"auto.offset.reset", "earliest"}},
                              nullptr, nullptr, error);
  if (!log->consumer_) return Error{error};
  rd_kafka_poll_set_consumer(log->consumer_);
  rd_kafka_topic_partition_list_t* all = rd_kafka_topic_partition_list_new(*count);
  for (int p = 0; p < *count; ++p)
    rd_kafka_topic_partition_list_add(all, topic.name.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  rd_kafka_resp_err_t err = rd_kafka_assign(log->consumer_, all);
  rd_kafka_topic_partition_list_destroy(all);
  if (err) return Error{"reading topic '" + topic.name + "' failed: " + rd_kafka_err2str(err)};
  log->next_.assign(static_cast<size_t>(*count), -1);
  return log;
}

TopicLog::~TopicLog() {
  if (consumer_) {
    rd_kafka_assign(consumer_, nullptr);
    rd_kafka_consumer_close(consumer_);
    rd_kafka_destroy(consumer_);
  }
  if (producer_) {
    rd_kafka_flush(producer_, 5000);  // best effort: flush() is where callers learn of failures
    if (producerTopic_) rd_kafka_topic_destroy(producerTopic_);
    rd_kafka_destroy(producer_);
  }
}

void TopicLog::onDelivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
  if (!message->err) return;
  auto* self = static_cast<TopicLog*>(opaque);
  std::lock_guard<std::mutex> lock(self->deliveryMutex_);
  if (self->deliveryError_.empty())
    self->deliveryError_ = "writing to topic '" + self->topic_.name + "' failed: " + rd_kafka_err2str(message->err);
}

Result<bool> TopicLog::send(const std::string& key, const std::optional<std::string>& value) {
  int32_t partition = javaDefaultPartition(key, partitionCount_);
  // Tombstones need a null value (RD_KAFKA_V_VALUE(nullptr, 0)), not an empty one.
  void* payload = value ? const_cast<char*>(value->data()) : nullptr;
  size_t len = value ? value->size() : 0;
  for (;;) {
    rd_kafka_resp_err_t err = rd_kafka_producev(
        producer_, RD_KAFKA_V_RKT(producerTopic_), RD_KAFKA_V_PARTITION(partition),
        RD_KAFKA_V_KEY(const_cast<char*>(key.data()), key.size()), RD_KAFKA_V_VALUE(payload, len),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return true;
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL)
      return Error{"writing to topic '" + topic_.name + "' failed: " + rd_kafka_err2str(err)};
    rd_kafka_poll(producer_, 100);  // the local queue is full: let deliveries drain it
  }
}

Result<bool> TopicLog::flush(std::chrono::milliseconds timeout) {
  rd_kafka_resp_err_t err = rd_kafka_flush(producer_, static_cast<int>(timeout.count()));
  std::lock_guard<std::mutex> lock(deliveryMutex_);
  std::string failure;
  failure.swap(deliveryError_);
  if (!failure.empty()) return Error{failure};
  if (err) return Error{"writing to topic '" + topic_.name + "' did not complete in time: " + rd_kafka_err2str(err)};
  return true;
}

Result<bool> TopicLog::readToEnd(const std::function<void(const LogRecord&)>& apply, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  // The end offsets as of now (the last stable offset under read_committed), as KafkaBasedLog.readToEnd.
  std::vector<int64_t> end(next_.size(), 0);
  for (size_t p = 0; p < next_.size(); ++p) {
    int64_t low = 0, high = 0;
    rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(consumer_, topic_.name.c_str(), static_cast<int32_t>(p),
                                                               &low, &high, std::max(remainingMs(deadline), 1));
    if (err) return Error{"reading the end of topic '" + topic_.name + "' failed: " + rd_kafka_err2str(err)};
    end[p] = high;
    if (high <= low) next_[p] = std::max(next_[p], high);  // nothing there to read
  }
  auto behind = [&] {
    for (size_t p = 0; p < next_.size(); ++p)
      if (next_[p] < end[p]) return true;
    return false;
  };
  std::string lastError;
  while (behind()) {
    if (Clock::now() >= deadline)
      return Error{"reading topic '" + topic_.name + "' to its end timed out after " + std::to_string(timeout.count()) +
                   " ms" + (lastError.empty() ? "" : " (last error: " + lastError + ")")};
    rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer_, std::min(remainingMs(deadline), 200));
    if (!m) continue;
    size_t p = m->partition >= 0 ? static_cast<size_t>(m->partition) : next_.size();
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      // The fetch position reached the end; it counts past control records a message never shows.
      if (p < next_.size()) next_[p] = std::max(next_[p], m->offset);
    } else if (m->err) {
      lastError = rd_kafka_message_errstr(m);
      bool fatal = !isTransient(m->err);
      rd_kafka_message_destroy(m);
      if (fatal) return Error{"reading topic '" + topic_.name + "' failed: " + lastError};
      continue;  // librdkafka reconnects and refreshes leaders by itself
    } else if (p < next_.size()) {
      LogRecord r;
      r.key.assign(static_cast<const char*>(m->key ? m->key : ""), m->key ? m->key_len : 0);
      if (m->payload) r.value.emplace(static_cast<const char*>(m->payload), m->len);
      r.partition = m->partition;
      r.offset = m->offset;
      next_[p] = std::max(next_[p], m->offset + 1);
      apply(r);
    }
    rd_kafka_message_destroy(m);
  }
  return true;
}

}  // namespace sluice
