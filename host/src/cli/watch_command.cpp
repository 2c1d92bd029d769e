#include "cli/watch_command.hpp"

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include <iterator>
#include <sluice_kafka/client_security.hpp>

#include "cli/watch_records.hpp"
#include "config/java_properties.hpp"
#include "kafka/kafka_log.hpp"

namespace sluice {

namespace {

struct WatchOptions {
  std::string bootstrap;
  std::string bootstrapFile;
  std::string commandConfig;  // Java client properties (security.protocol, sasl.*, ssl.*), as Kafka's CLI tools
  std::string topic = "transactions_aggregate_sluice";
  std::string inputTopic = "transactions";
  int64_t windowMs = 3000;
  WatchFields fields;
  int maxWindows = 0;  // 0 = until Ctrl-C
};

std::atomic<bool> g_interrupted{false};

std::string formatTime(int64_t ms) {
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%H:%M:%S", &tm);
  return std::string(buf) + "." + std::to_string(1000 + ms % 1000).substr(1);
}

rd_kafka_t* makeConsumer(const std::string& bootstrap, const std::string& commandConfig, std::string& error) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  routeKafkaLogs(conf);
  if (!commandConfig.empty()) {
    std::ifstream in(commandConfig);
    if (!in) {
      error = "cannot read --command-config " + commandConfig;
      rd_kafka_conf_destroy(conf);
      return nullptr;
    }
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto props = parseJavaProperties(text);
    error = kafka::setClientSettings(conf, kafka::ClientSettings(props.begin(), props.end()), "");
    if (!error.empty()) {
      error = commandConfig + ": " + error;
      rd_kafka_conf_destroy(conf);
      return nullptr;
    }
  }
  std::string group = "sluice-watch-" + std::to_string(::getpid());
  for (auto [k, v] : {std::pair<const char*, std::string>{"bootstrap.servers", bootstrap}, {"group.id", group},
                      {"auto.offset.reset", "earliest"}, {"enable.auto.commit", "false"}}) {
    if (rd_kafka_conf_set(conf, k, v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      error = err;
      rd_kafka_conf_destroy(conf);
      return nullptr;
    }
  }
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  if (!rk) error = err;
  return rk;
}

// Independent bookkeeping of the input: the paid sum and count per window, from raw records.
struct Expected {
  int64_t sum = 0;
  int64_t count = 0;
};

int runWatch(const WatchOptions& o) {
  std::string bootstrap = o.bootstrap;
  if (bootstrap.empty() && !o.bootstrapFile.empty()) {
    std::ifstream in(o.bootstrapFile);
    std::getline(in, bootstrap);
  }
  if (bootstrap.empty()) {
    std::cerr << "sluice watch: give --bootstrap-server or a readable --bootstrap-file\n";
    return 2;
  }
  std::string error;
  rd_kafka_t* rk = makeConsumer(bootstrap, o.commandConfig, error);
  if (!rk) {
    std::cerr << "sluice watch: " << error << "\n";
    return 1;
  }
  rd_kafka_poll_set_consumer(rk);
  rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(2);
  rd_kafka_topic_partition_list_add(topics, o.topic.c_str(), RD_KAFKA_PARTITION_UA);
  if (!o.inputTopic.empty()) rd_kafka_topic_partition_list_add(topics, o.inputTopic.c_str(), RD_KAFKA_PARTITION_UA);
  rd_kafka_subscribe(rk, topics);
  rd_kafka_topic_partition_list_destroy(topics);

  std::signal(SIGINT, [](int) { g_interrupted = true; });
  std::signal(SIGTERM, [](int) { g_interrupted = true; });

  std::map<int64_t, Expected> expected;         // window start -> from the input
  std::map<int64_t, WindowAggregate> pending;   // emitted windows waiting for the input to catch up
  std::map<int64_t, bool> printed;              // window start -> exact?
  // The input's partitions are consumed interleaved, so a window is complete only once every
  // partition has moved past its end: the low watermark is the minimum of per-partition maxima.
  std::map<int32_t, int64_t> partitionTime;
  int64_t inputRecords = 0, inputLowWatermark = -1, exact = 0, mismatched = 0;
  auto started = std::chrono::steady_clock::now(), lastProgress = started;
  int64_t lastInputRecords = 0;
  int64_t skipped = 0;
  // A record the watch cannot read is skipped, counted, and its reason printed (the first few of them).
  auto skip = [&skipped](const rd_kafka_message_t* msg, const std::string& why) {
    if (++skipped <= 5)
      std::cout << "warning: skipped the record at " << rd_kafka_topic_name(msg->rkt) << "[" << msg->partition << "]@"
                << msg->offset << ": " << why << "\n"
                << std::flush;
  };

  std::cout << "watching " << o.topic << " on " << bootstrap << " (each window checked against the raw " << o.inputTopic
            << " records; Ctrl-C to stop)\n"
            << std::flush;
  while (!g_interrupted && (o.maxWindows == 0 || static_cast<int>(printed.size()) < o.maxWindows)) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 200);
    if (m && !m->err && m->payload) {
      std::string topic = rd_kafka_topic_name(m->rkt);
      auto value = nlohmann::json::parse(static_cast<const char*>(m->payload), static_cast<const char*>(m->payload) + m->len, nullptr, false);
      if (value.is_discarded()) {
        skip(m, "not JSON");
      } else if (topic == o.inputTopic) {
        ++inputRecords;
        auto t = readInputTransaction(value, o.fields);
        if (!t.ok()) {
          skip(m, t.error());
        } else {
          auto& pt = partitionTime[m->partition];
          pt = std::max(pt, t->eventTimeMs);
          inputLowWatermark = pt;
          for (const auto& [_, time] : partitionTime) inputLowWatermark = std::min(inputLowWatermark, time);
          if (t->counted) {
            int64_t start = t->eventTimeMs - ((t->eventTimeMs % o.windowMs) + o.windowMs) % o.windowMs;
            expected[start].sum += t->amount;
            expected[start].count += 1;
          }
        }
      } else {
        auto w = readWindowAggregate(value);
        if (w.ok())
          pending[w->start] = *w;
        else
          skip(m, w.error());
      }
    }
    if (m) rd_kafka_message_destroy(m);
    // A window can be checked once the input has moved past its end.
    for (auto it = pending.begin(); it != pending.end() && o.inputTopic.size() && inputLowWatermark >= it->second.end;) {
      const auto& w = it->second;
      int64_t start = it->first;
      Expected e = expected[start];
      int64_t sum = w.totalPaid;
      int64_t count = w.transactions;
      bool ok = sum == e.sum && count == e.count;
      bool repeat = printed.count(start) != 0;
      char line[256];
      std::snprintf(line, sizeof line, "[%s, %s)  total_paid=%6lld  transactions=%4lld  average=%7.2f  %s%s", formatTime(start).c_str(),
                    formatTime(w.end).c_str(), static_cast<long long>(sum), static_cast<long long>(count),
                    w.average, ok ? "exact" : "MISMATCH", repeat ? " (re-emitted)" : "");
      std::cout << line;
      if (!ok) std::cout << "  expected total_paid=" << e.sum << " transactions=" << e.count;
      std::cout << "\n" << std::flush;
      if (!repeat) (ok ? exact : mismatched)++;
      printed[start] = ok;
      it = pending.erase(it);
    }
    auto now = std::chrono::steady_clock::now();
    if (now - lastProgress >= std::chrono::seconds(5)) {
      double secs = std::chrono::duration<double>(now - lastProgress).count();
      std::cout << "-- " << inputRecords << " transactions generated (" << static_cast<int64_t>((inputRecords - lastInputRecords) / secs)
                << "/s), " << printed.size() << " windows emitted, " << exact << " exact, " << mismatched << " mismatched, " << skipped << " skipped\n"
                << std::flush;
      lastProgress = now;
      lastInputRecords = inputRecords;
    }
  }
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  return mismatched == 0 ? 0 : 1;
}

}  // namespace

void addWatchCommand(CLI::App& app) {
  auto opts = std::make_shared<WatchOptions>();
  auto* cmd = app.add_subcommand("watch", "Print window aggregates as they arrive, each checked against the raw input");
  cmd->add_option("--bootstrap-server", opts->bootstrap, "Kafka bootstrap servers");
  cmd->add_option("--bootstrap-file", opts->bootstrapFile, "File holding the bootstrap address (embedded.bootstrap.file)");
  cmd->add_option("--command-config", opts->commandConfig,
                  "Kafka client properties file (security.protocol, sasl.jaas.config, ssl.*), as Kafka's CLI tools");
  cmd->add_option("--topic", opts->topic, "Aggregates topic")->capture_default_str();
  cmd->add_option("--input-topic", opts->inputTopic, "Raw transactions topic (empty: no checking)")->capture_default_str();
  cmd->add_option("--window-ms", opts->windowMs, "Window size")->capture_default_str()->check(CLI::PositiveNumber);
  cmd->add_option("--max-windows", opts->maxWindows, "Stop after this many windows (0: until Ctrl-C)");
  cmd->callback([opts] {
    int rc = runWatch(*opts);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace sluice
