#include "kafka/retention_watch.hpp"

#include <string_view>
#include <vector>

#include "common/logging.hpp"

namespace sluice {

namespace {

constexpr int kRequestTimeoutMs = 2000;

void logCallback(const rd_kafka_t*, int, const char* fac, const char* buf) {
  logger("sluice.kafka")->debug("retention watch: {}: {}", fac, buf);
}

// A plain producer handle: metadata and ListOffsets need no consumer group.
rd_kafka_t* newClient(const std::string& bootstrapServers) {
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set_log_cb(conf, &logCallback);
  if (rd_kafka_conf_set(conf, "bootstrap.servers", bootstrapServers.c_str(), errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK ||
      rd_kafka_conf_set(conf, "client.id", "sluice-retention-watch", errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) {
    rd_kafka_conf_destroy(conf);
    return nullptr;
  }
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
  if (!rk) rd_kafka_conf_destroy(conf);
  return rk;
}

}  // namespace

RetentionWatch::RetentionWatch(const std::string& bootstrapServers, std::chrono::milliseconds interval, Listener onTrimmed)
    : client_(newClient(bootstrapServers)), onTrimmed_(std::move(onTrimmed)) {
  if (client_) thread_ = std::thread([this, interval] { run(interval); });
}

RetentionWatch::~RetentionWatch() {
  {
    std::lock_guard lock(stopMutex_);
    stopping_ = true;
  }
  stopSignal_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (client_) rd_kafka_destroy(client_);
}

void RetentionWatch::run(std::chrono::milliseconds interval) {
  std::unique_lock lock(stopMutex_);
  while (!stopSignal_.wait_for(lock, interval, [this] { return stopping_; })) {
    lock.unlock();
    checkNow();
    lock.lock();
  }
}

void RetentionWatch::checkNow() {
  if (!client_) return;
  std::lock_guard lock(checkMutex_);
  const rd_kafka_metadata_t* md = nullptr;
  if (rd_kafka_metadata(client_, 1, nullptr, &md, kRequestTimeoutMs) != RD_KAFKA_RESP_ERR_NO_ERROR) return;
  std::vector<std::pair<std::string, int32_t>> partitions;
  for (int t = 0; t < md->topic_cnt; ++t) {
    const rd_kafka_metadata_topic_t& topic = md->topics[t];
    if (topic.err != RD_KAFKA_RESP_ERR_NO_ERROR || std::string_view(topic.topic).substr(0, 2) == "__") continue;
    for (int p = 0; p < topic.partition_cnt; ++p) partitions.emplace_back(topic.topic, topic.partitions[p].id);
  }
  rd_kafka_metadata_destroy(md);
  for (const auto& key : partitions) {
    int64_t low = 0, high = 0;
    if (rd_kafka_query_watermark_offsets(client_, key.first.c_str(), key.second, &low, &high, kRequestTimeoutMs) !=
            RD_KAFKA_RESP_ERR_NO_ERROR ||
        low <= 0) {
      continue;
    }
    auto [it, first] = startOffsets_.try_emplace(key, low);
    if (!first && low <= it->second) continue;
    it->second = low;
    if (onTrimmed_) onTrimmed_({key.first, key.second, low});
  }
}

}  // namespace sluice
