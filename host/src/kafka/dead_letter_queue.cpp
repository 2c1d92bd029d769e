#include "kafka/dead_letter_queue.hpp"

#include <librdkafka/rdkafka.h>

#include <sluice_kafka/client_security.hpp>

#include <atomic>
#include <regex>
#include <utility>

#include "kafka/kafka_log.hpp"

namespace sluice {

namespace {

// Errors carry Connect's "<java exception class>: <message>" text somewhere, possibly after a
// "transform <alias>: " prefix. Returns that class and the message after it, or DataException and the
// whole text when no such class is named.
std::pair<std::string, std::string> splitException(const std::string& text) {
  static const std::regex kJavaException(R"(([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+(?:Exception|Error)): )");
  std::smatch m;
  if (std::regex_search(text, m, kJavaException)) return {m[1].str(), m.suffix().str()};
  return {"org.apache.kafka.connect.errors.DataException", text};
}

}  // namespace

void DeadLetterQueue::onDelivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  if (m->err) static_cast<DeadLetterQueue*>(opaque)->failedDeliveries_++;
}

Result<std::unique_ptr<DeadLetterQueue>> DeadLetterQueue::open(const std::string& bootstrapServers, const std::string& topic,
                                                               bool contextHeaders,
                                                               const std::map<std::string, std::string>& producerProps) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  routeKafkaLogs(conf);
  auto set = [&](const std::string& k, const std::string& v) { return rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) == RD_KAFKA_CONF_OK; };
  if (!set("bootstrap.servers", bootstrapServers) || !set("acks", "all")) {
    rd_kafka_conf_destroy(conf);
    return Error{std::string("dead letter queue producer: ") + err};
  }
  // Java's security keys translated (sluice_kafka/client_security.hpp); the error never quotes a secret.
  kafka::ClientSettings settings(producerProps.begin(), producerProps.end());
  if (std::string error = kafka::setClientSettings(conf, settings, "producer."); !error.empty()) {
    rd_kafka_conf_destroy(conf);
    return Error{"dead letter queue producer: " + error};
  }
  std::unique_ptr<DeadLetterQueue> dlq(new DeadLetterQueue());
  rd_kafka_conf_set_dr_msg_cb(conf, &DeadLetterQueue::onDelivery);
  rd_kafka_conf_set_opaque(conf, dlq.get());
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!rk) return Error{std::string("dead letter queue producer: ") + err};
  dlq->producer_ = rk;
  dlq->topic_ = topic;
  dlq->contextHeaders_ = contextHeaders;
  return dlq;
}

DeadLetterQueue::~DeadLetterQueue() {
  if (!producer_) return;
  rd_kafka_flush(producer_, 5000);
  rd_kafka_destroy(producer_);
}

Result<bool> DeadLetterQueue::send(const sluice_record& r, const ErrorContext& c) {
  rd_kafka_headers_t* headers = rd_kafka_headers_new(16);
  for (size_t i = 0; i < r.header_count; ++i)
    rd_kafka_header_add(headers, reinterpret_cast<const char*>(r.headers[i].key.data), static_cast<ssize_t>(r.headers[i].key.len),
                        r.headers[i].value.data, static_cast<ssize_t>(r.headers[i].value.len));
  if (contextHeaders_) {
    auto add = [&](const char* k, const std::string& v) { rd_kafka_header_add(headers, k, -1, v.data(), static_cast<ssize_t>(v.size())); };
    add("__connect.errors.topic", std::string(reinterpret_cast<const char*>(r.topic.data), r.topic.len));
    add("__connect.errors.partition", std::to_string(r.partition));
    add("__connect.errors.offset", std::to_string(r.kafka_offset));
    add("__connect.errors.connector.name", c.connector);
    add("__connect.errors.task.id", std::to_string(c.taskId));
    add("__connect.errors.stage", c.stage);
    add("__connect.errors.class.name", c.className);
    auto [exceptionClass, exceptionMessage] = splitException(c.message);
    add("__connect.errors.exception.class.name", exceptionClass);
    add("__connect.errors.exception.message", exceptionMessage);
    add("__connect.errors.exception.stacktrace", c.message);
  }
  rd_kafka_resp_err_t err = rd_kafka_producev(
      producer_, RD_KAFKA_V_TOPIC(topic_.c_str()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
      RD_KAFKA_V_KEY(const_cast<uint8_t*>(r.key.data), r.key.len), RD_KAFKA_V_VALUE(const_cast<uint8_t*>(r.value.data), r.value.len),
      RD_KAFKA_V_HEADERS(headers), RD_KAFKA_V_END);
  if (err) {
    rd_kafka_headers_destroy(headers);
    return Error{std::string("dead letter queue: ") + rd_kafka_err2str(err)};
  }
  rd_kafka_poll(producer_, 0);
  return true;
}

Result<bool> DeadLetterQueue::flush(int timeoutMs) {
  rd_kafka_resp_err_t err = rd_kafka_flush(producer_, timeoutMs);
  if (err) return Error{std::string("dead letter queue flush: ") + rd_kafka_err2str(err)};
  if (failedDeliveries_.exchange(0) > 0) return Error{"dead letter queue: a record could not be delivered to " + topic_};
  return true;
}

}  // namespace sluice
