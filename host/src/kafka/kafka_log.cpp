#include "kafka/kafka_log.hpp"

#include "common/logging.hpp"

namespace sluice {

namespace {

// librdkafka calls this from its own threads; spdlog loggers are thread-safe.
void logLine(const rd_kafka_t* rk, int level, const char* facility, const char* text) {
  // syslog levels, as librdkafka uses them: 0-3 error, 4 warning, 5-6 info, 7 debug.
  auto lvl = level <= 3 ? spdlog::level::err : level == 4 ? spdlog::level::warn : level <= 6 ? spdlog::level::info : spdlog::level::debug;
  logger("sluice.kafka")->log(lvl, "{}: {}: {}", rk ? rd_kafka_name(rk) : "librdkafka", facility, text);
}

}  // namespace

void routeKafkaLogs(rd_kafka_conf_t* conf) { rd_kafka_conf_set_log_cb(conf, &logLine); }

}  // namespace sluice
