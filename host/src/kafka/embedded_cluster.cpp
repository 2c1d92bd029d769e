#include "kafka/embedded_cluster.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <random>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string_view>

#include <sluice/text.hpp>

#include "common/logging.hpp"
#include "common/private_folder.hpp"

namespace sluice {

namespace {

constexpr int kMaxBrokers = 32;
constexpr int kMaxPartitions = 10000;

Result<int> parseCount(const std::string& key, const std::string& text, int min, int max) {
  std::string t = trim(text);
  int v = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (t.empty() || ec != std::errc() || p != t.data() + t.size() || v < min || v > max) {
    return Error{"Invalid value " + text + " for configuration " + key + ": expected an integer in [" + std::to_string(min) +
                 "," + std::to_string(max) + "]"};
  }
  return v;
}

constexpr std::chrono::seconds kRetentionCheckInterval{5};
constexpr std::chrono::seconds kRetentionWarningEvery{60};

// The first deletion in a partition is a warning with the explanation; later ones an info line a minute at most.
RetentionWatch::Listener warnAboutTrimming() {
  using Clock = std::chrono::steady_clock;
  return [lastWarned = std::map<std::pair<std::string, int32_t>, Clock::time_point>{}](const TrimmedPartition& t) mutable {
    auto now = Clock::now();
    auto [it, first] = lastWarned.try_emplace({t.topic, t.partition}, now);
    if (first) {
      logger("sluice.kafka")->warn(
          "embedded Kafka deleted the oldest records of {}[{}], which now starts at offset {}: the embedded cluster keeps "
          "only the newest 5 MiB or 100,000 batches of a partition, and a consumer that had not read them skips them. "
          "Use more partitions (embedded.partitions) or a real broker (bootstrap.servers) for more data.",
          t.topic, t.partition, t.startOffset);
    } else if (now - it->second >= kRetentionWarningEvery) {
      it->second = now;
      logger("sluice.kafka")->info("embedded Kafka is still deleting records of {}[{}], which now starts at offset {}", t.topic,
                                   t.partition, t.startOffset);
    }
  };
}

// Mock broker log lines go to the "sluice.kafka" logger at librdkafka's syslog level.
void logCallback(const rd_kafka_t*, int level, const char* fac, const char* buf) {
  // The handle the mock lives on never connects anywhere, so its missing bootstrap.servers is expected.
  if (std::string_view(fac) == "CONFWARN" && std::string_view(buf).find("bootstrap.servers") != std::string_view::npos) return;
  auto log = logger("sluice.kafka");
  if (level <= 3) {
    log->error("{}: {}", fac, buf);
  } else if (level == 4) {
    log->warn("{}: {}", fac, buf);
  } else if (level <= 6) {
    log->info("{}: {}", fac, buf);
  } else {
    log->debug("{}: {}", fac, buf);
  }
}

Result<int32_t> checked(rd_kafka_resp_err_t err, const std::string& what, int32_t value) {
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return Error{what + ": " + rd_kafka_err2str(err)};
  return value;
}

}  // namespace

bool isEmbeddedBootstrap(const std::string& bootstrapServers) { return trim(bootstrapServers) == "embedded"; }

Result<std::vector<TopicSpec>> parseTopicSpecs(const std::string& text, int defaultPartitions) {
  std::vector<TopicSpec> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    std::string item = trim(text.substr(start, end - start));
    start = end + 1;
    if (item.empty()) continue;
    TopicSpec spec;
    size_t colon = item.rfind(':');
    if (colon == std::string::npos) {
      spec.name = item;
      spec.partitions = defaultPartitions;
    } else {
      spec.name = trim(item.substr(0, colon));
      auto n = parseCount("embedded.topics", item.substr(colon + 1), 1, kMaxPartitions);
      if (!n.ok()) return Error{"topic '" + item + "': " + n.error()};
      spec.partitions = *n;
    }
    if (spec.name.empty()) return Error{"topic '" + item + "': the topic name is empty (expected name:partitions)"};
    out.push_back(std::move(spec));
  }
  return out;
}

Result<EmbeddedClusterOptions> EmbeddedClusterOptions::fromConfig(const std::map<std::string, std::string>& config) {
  EmbeddedClusterOptions o;
  if (auto it = config.find("embedded.brokers"); it != config.end()) {
    auto n = parseCount("embedded.brokers", it->second, 1, kMaxBrokers);
    if (!n.ok()) return Error{n.error()};
    o.brokers = *n;
  }
  if (auto it = config.find("embedded.partitions"); it != config.end()) {
    auto n = parseCount("embedded.partitions", it->second, 1, kMaxPartitions);
    if (!n.ok()) return Error{n.error()};
    o.defaultPartitions = *n;
  }
  if (auto it = config.find("embedded.topics"); it != config.end()) {
    auto topics = parseTopicSpecs(it->second, o.defaultPartitions);
    if (!topics.ok()) return Error{topics.error()};
    o.topics = std::move(topics.value());
  }
  if (auto it = config.find("embedded.bootstrap.file"); it != config.end()) o.bootstrapFile = trim(it->second);
  return o;
}

Result<std::unique_ptr<EmbeddedCluster>> EmbeddedCluster::start(const EmbeddedClusterOptions& options) {
  if (options.brokers < 1 || options.brokers > kMaxBrokers) {
    return Error{"embedded Kafka: broker count must be in [1," + std::to_string(kMaxBrokers) + "], got " +
                 std::to_string(options.brokers)};
  }
  if (options.defaultPartitions < 1) return Error{"embedded Kafka: the default partition count must be at least 1"};

  std::unique_ptr<EmbeddedCluster> cluster(new EmbeddedCluster());
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set_log_cb(conf, &logCallback);
  if (rd_kafka_conf_set(conf, "client.id", "sluice-embedded-kafka", errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) {
    rd_kafka_conf_destroy(conf);
    return Error{std::string("embedded Kafka: ") + errstr};
  }
  // rd_kafka_new takes ownership of conf on success only.
  cluster->handle_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
  if (!cluster->handle_) {
    rd_kafka_conf_destroy(conf);
    return Error{std::string("embedded Kafka: cannot create the mock cluster's client handle: ") + errstr};
  }
  cluster->mock_ = rd_kafka_mock_cluster_new(cluster->handle_, options.brokers);
  if (!cluster->mock_) return Error{"embedded Kafka: rd_kafka_mock_cluster_new failed (could not bind loopback listeners?)"};
  cluster->bootstrap_ = rd_kafka_mock_cluster_bootstraps(cluster->mock_);
  cluster->brokers_ = options.brokers;
  cluster->defaultPartitions_ = options.defaultPartitions;

  for (const auto& t : options.topics) {
    auto created = cluster->createTopic(t.name, t.partitions);
    if (!created.ok()) return Error{created.error()};
  }
  if (!options.bootstrapFile.empty()) {
    auto written = cluster->writeBootstrapFile(options.bootstrapFile);
    if (!written.ok()) return Error{written.error()};
  }
  cluster->retentionWatch_ = std::make_unique<RetentionWatch>(cluster->bootstrap_, kRetentionCheckInterval, warnAboutTrimming());
  logger("sluice.kafka")->info("embedded Kafka: {} broker(s) at {}", cluster->brokers_, cluster->bootstrap_);
  return cluster;
}

EmbeddedCluster::~EmbeddedCluster() {
  retentionWatch_.reset();
  if (mock_) rd_kafka_mock_cluster_destroy(mock_);
  if (handle_) rd_kafka_destroy(handle_);
}

Result<int> EmbeddedCluster::createTopic(const std::string& name, int partitions) {
  if (name.empty()) return Error{"embedded Kafka: a topic name must not be empty"};
  if (partitions < 1 || partitions > kMaxPartitions) {
    return Error{"embedded Kafka: topic " + name + ": partition count must be in [1," + std::to_string(kMaxPartitions) +
                 "], got " + std::to_string(partitions)};
  }
  std::lock_guard lock(mutex_);
  int replication = std::min(3, brokers_);
  rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(mock_, name.c_str(), partitions, replication);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    std::string reason = err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS ? "it already exists" : rd_kafka_err2str(err);
    return Error{"embedded Kafka: cannot create topic " + name + ": " + reason};
  }
  created_.insert(name);
  return partitions;
}

Result<bool> EmbeddedCluster::ensureTopic(const std::string& name) {
  {
    std::lock_guard lock(mutex_);
    if (created_.count(name)) return false;
  }
  if (name.empty()) return Error{"embedded Kafka: a topic name must not be empty"};
  std::lock_guard lock(mutex_);
  rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(mock_, name.c_str(), defaultPartitions_, std::min(3, brokers_));
  if (err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) return false;
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Error{"embedded Kafka: cannot create topic " + name + ": " + rd_kafka_err2str(err)};
  }
  created_.insert(name);
  return true;
}

Result<std::string> EmbeddedCluster::writeBootstrapFile(const std::string& path) const {
  namespace fs = std::filesystem;
  fs::path target(path);
  std::error_code ec;
  if (target.has_parent_path()) {
    auto made = createPrivateDirectories(target.parent_path().string());
    if (!made.ok()) return Error{"embedded Kafka: " + made.error()};
  }
  // A fresh name created with O_EXCL | O_NOFOLLOW: a link another user planted at a fixed
  // "<path>.tmp" would otherwise have this (perhaps root) process overwrite the file it points to.
  fs::path tmp = target;
  tmp += ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(std::random_device{}());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) return Error{"embedded Kafka: cannot create " + tmp.string() + ": " + std::strerror(errno)};
  std::string line = bootstrap_ + "\n";
  bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ::close(fd);
  if (!written) {
    fs::remove(tmp, ec);
    return Error{"embedded Kafka: cannot write the bootstrap file " + tmp.string()};
  }
  fs::rename(tmp, target, ec);
  if (ec) return Error{"embedded Kafka: cannot write the bootstrap file " + path + ": " + ec.message()};
  return path;
}

void EmbeddedCluster::pushRequestErrors(int16_t apiKey, const std::vector<rd_kafka_resp_err_t>& errors) {
  rd_kafka_mock_push_request_errors_array(mock_, apiKey, errors.size(), errors.data());
}

void EmbeddedCluster::clearRequestErrors(int16_t apiKey) { rd_kafka_mock_clear_request_errors(mock_, apiKey); }

Result<int32_t> EmbeddedCluster::setBrokerDown(int32_t brokerId) {
  return checked(rd_kafka_mock_broker_set_down(mock_, brokerId), "embedded Kafka: broker " + std::to_string(brokerId) + " down",
                 brokerId);
}

Result<int32_t> EmbeddedCluster::setBrokerUp(int32_t brokerId) {
  return checked(rd_kafka_mock_broker_set_up(mock_, brokerId), "embedded Kafka: broker " + std::to_string(brokerId) + " up",
                 brokerId);
}

Result<int32_t> EmbeddedCluster::setBrokerRtt(int32_t brokerId, int rttMs) {
  return checked(rd_kafka_mock_broker_set_rtt(mock_, brokerId, rttMs),
                 "embedded Kafka: broker " + std::to_string(brokerId) + " rtt", brokerId);
}

Result<int32_t> EmbeddedCluster::setPartitionLeader(const std::string& topic, int32_t partition, int32_t brokerId) {
  return checked(rd_kafka_mock_partition_set_leader(mock_, topic.c_str(), partition, brokerId),
                 "embedded Kafka: leader of " + topic + "[" + std::to_string(partition) + "]", brokerId);
}

}  // namespace sluice
