#pragma once
// KafkaClientReporter: what one librdkafka client of a Kafka plugin says about itself, told to the
// host exactly once.
//  * Log lines (rd_kafka_conf_set_log_cb) go through host->log as "<client>: <facility>: <text>",
//    where <client> names the connector, the task and the role ("connector orders task 0 producer"),
//    so nothing reaches stderr raw.
//  * Errors (rd_kafka_conf_set_error_cb): librdkafka reports a broker connection failure
//    (_TRANSPORT, _RESOLVE) both as a FAIL log line and as an error with the same text; the log line
//    is kept and the error is not logged again. _ALL_BROKERS_DOWN marks the client unhealthy
//    (host->report_health), so the task's status and GET /health say the brokers cannot be reached.
//    Any other error is logged.
//  * librdkafka has no "broker up" event, so while unhealthy, probe() (from the task thread, at
//    most once a second) asks the cluster for metadata; the first answer makes the client healthy.
//  * A plugin can add one problem of its own (assignmentProblem(), e.g. a consumer holding fewer
//    partitions than it should); the host keeps one health state per task, so both are told together.
#include <librdkafka/rdkafka.h>
#include <sluice/plugin.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <string>

namespace sluice_kafka {

class KafkaClientReporter {
 public:
  // role: "producer" or "consumer". config carries the host-supplied `name` and `task.id`.
  KafkaClientReporter(const sluice::Context& context, const sluice::Config& config, const std::string& role)
      : context_(context), client_(describe(config, role)) {}

  void log(int level, const char* facility, const char* text) const {
    // syslog levels, as librdkafka uses them: 0-3 error, 4 warning, 5-6 info, 7 debug.
    int32_t l = level <= 3 ? SLUICE_LOG_ERROR : level == 4 ? SLUICE_LOG_WARN : level <= 6 ? SLUICE_LOG_INFO : SLUICE_LOG_DEBUG;
    context_.log(l, client_ + ": " + facility + ": " + text);
  }

  void error(int err, const char* reason) {
    auto code = static_cast<rd_kafka_resp_err_t>(err);
    if (code == RD_KAFKA_RESP_ERR__TRANSPORT || code == RD_KAFKA_RESP_ERR__RESOLVE) {
      std::lock_guard<std::mutex> lock(mutex_);
      lastConnectionError_ = reason;
      return;
    }
    if (code == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) {
      std::lock_guard<std::mutex> lock(mutex_);
      brokersProblem_ = "cannot reach Kafka brokers: " + std::string(reason);
      if (!lastConnectionError_.empty()) brokersProblem_ += " (" + lastConnectionError_ + ")";
      down_ = true;
      publish("");
      return;
    }
    context_.log(code == RD_KAFKA_RESP_ERR__FATAL ? SLUICE_LOG_ERROR : SLUICE_LOG_WARN,
                 client_ + ": " + rd_kafka_err2name(code) + ": " + reason);
  }

  // Task thread only. Waits at most timeoutMs (and only while the brokers are unreachable).
  void probe(rd_kafka_t* rk, int timeoutMs) {
    if (!down_ || !rk) return;
    auto now = std::chrono::steady_clock::now();
    if (now - lastProbe_ < std::chrono::seconds(1)) return;
    lastProbe_ = now;
    const rd_kafka_metadata_t* metadata = nullptr;
    if (rd_kafka_metadata(rk, 0, nullptr, &metadata, std::max(timeoutMs, 1)) != RD_KAFKA_RESP_ERR_NO_ERROR) return;
    rd_kafka_metadata_destroy(metadata);
    std::lock_guard<std::mutex> lock(mutex_);
    down_ = false;
    brokersProblem_.clear();
    publish("reached the Kafka brokers again");
  }

  // Sets (non-empty) or clears (empty) the plugin's own problem; tells the host only on a change.
  void assignmentProblem(const std::string& problem) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (problem == assignmentProblem_) return;
    assignmentProblem_ = problem;
    publish("holds its share of partitions again");
  }

 private:
  static std::string describe(const sluice::Config& config, const std::string& role) {
    if (!config.has("name")) return role;
    return "connector " + config.getString("name") + " task " + config.getString("task.id", "0") + " " + role;
  }

  // mutex_ held. Unhealthy while either problem stands, with both named; healthyNote says what cleared.
  void publish(const std::string& healthyNote) {
    std::string message;
    for (const std::string* p : {&brokersProblem_, &assignmentProblem_}) {
      if (p->empty()) continue;
      message += (message.empty() ? client_ + ": " : "; ") + *p;
    }
    if (message.empty()) context_.reportHealth(true, client_ + ": " + healthyNote);
    else context_.reportHealth(false, message);
  }

  const sluice::Context& context_;
  const std::string client_;
  std::atomic<bool> down_{false};
  std::mutex mutex_;
  std::string lastConnectionError_;
  std::string brokersProblem_;     // guarded by mutex_
  std::string assignmentProblem_;  // guarded by mutex_
  std::chrono::steady_clock::time_point lastProbe_{};
};

}  // namespace sluice_kafka
