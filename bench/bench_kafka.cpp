#include "bench_kafka.hpp"

#include <librdkafka/rdkafka.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <thread>

#include "bench_records.hpp"
#include "kafka/embedded_cluster.hpp"
#include "runtime/pipeline.hpp"

namespace sluice::bench {
namespace {

// The producer settings both sides use: kafka-sink's Connect defaults plus the linger of
// config/worker-kafka.yaml. The worker gets them as producer.* worker keys.
const std::map<std::string, std::string> kProducerSettings = {{"enable.idempotence", "true"}, {"acks", "all"}, {"linger.ms", "5"}};
constexpr int kPartitions = 3;
constexpr int kAggregatePartitions = 12;

std::unique_ptr<EmbeddedCluster> startCluster() {
  EmbeddedClusterOptions o;
  o.brokers = 1;
  o.defaultPartitions = kPartitions;
  auto c = EmbeddedCluster::start(o);
  if (!c.ok()) throw std::runtime_error(c.error());
  return std::move(c.value());
}

void createTopic(EmbeddedCluster& cluster, const std::string& topic, int partitions = kPartitions) {
  auto r = cluster.createTopic(topic, partitions);
  if (!r.ok()) throw std::runtime_error(r.error());
}

rd_kafka_t* newClient(rd_kafka_type_t type, const std::map<std::string, std::string>& props, rd_kafka_conf_t* conf = nullptr) {
  char errstr[512];
  if (!conf) conf = rd_kafka_conf_new();
  for (const auto& [k, v] : props) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      throw std::runtime_error(k + ": " + errstr);
    }
  }
  rd_kafka_t* rk = rd_kafka_new(type, conf, errstr, sizeof(errstr));
  if (!rk) throw std::runtime_error(errstr);
  return rk;
}

std::atomic<long> g_deliveryFailures{0};
void onDelivery(rd_kafka_t*, const rd_kafka_message_t* m, void*) {
  if (m->err) ++g_deliveryFailures;
}

// Sends every record of batch to topic with a raw producer and waits for all acknowledgements.
// Returns the seconds from creating the producer to the last acknowledgement.
double rawProduce(const std::string& bootstrap, const std::string& topic, const RecordBatch& batch,
                  const std::map<std::string, std::string>& extra = {}) {
  auto t0 = Clock::now();
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set_dr_msg_cb(conf, &onDelivery);
  auto props = kProducerSettings;
  for (const auto& [k, v] : extra) props[k] = v;
  props["bootstrap.servers"] = bootstrap;
  rd_kafka_t* rk = newClient(RD_KAFKA_PRODUCER, props, conf);
  g_deliveryFailures = 0;
  for (const auto& r : batch.records()) {
    rd_kafka_headers_t* headers = nullptr;
    if (r.header_count) {
      headers = rd_kafka_headers_new(r.header_count);
      for (size_t i = 0; i < r.header_count; ++i)
        rd_kafka_header_add(headers, reinterpret_cast<const char*>(r.headers[i].key.data), static_cast<ssize_t>(r.headers[i].key.len),
                            r.headers[i].value.data, static_cast<ssize_t>(r.headers[i].value.len));
    }
    for (;;) {
      rd_kafka_resp_err_t err = rd_kafka_producev(
          rk, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
          RD_KAFKA_V_KEY(r.key.data, r.key.len), RD_KAFKA_V_VALUE(const_cast<uint8_t*>(r.value.data), r.value.len),
          RD_KAFKA_V_TIMESTAMP(r.timestamp_ms > 0 ? r.timestamp_ms : 0), RD_KAFKA_V_HEADERS(headers), RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) break;
      if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        if (headers) rd_kafka_headers_destroy(headers);
        rd_kafka_destroy(rk);
        throw std::runtime_error(std::string("produce: ") + rd_kafka_err2str(err));
      }
      rd_kafka_poll(rk, 10);  // queue full: serve delivery reports, then retry
    }
    rd_kafka_poll(rk, 0);
  }
  rd_kafka_resp_err_t err = rd_kafka_flush(rk, 60000);
  double secs = secondsSince(t0);
  rd_kafka_destroy(rk);
  if (err) throw std::runtime_error(std::string("flush: ") + rd_kafka_err2str(err));
  if (g_deliveryFailures) throw std::runtime_error(std::to_string(g_deliveryFailures.load()) + " records not delivered");
  return secs;
}

// Reads count records of topic with a fresh consumer group; seconds from creating the consumer.
double rawConsume(const std::string& bootstrap, const std::string& topic, long count, const std::string& group) {
  auto t0 = Clock::now();
  rd_kafka_t* rk = newClient(RD_KAFKA_CONSUMER, {{"bootstrap.servers", bootstrap},
                                                 {"group.id", group},
                                                 {"auto.offset.reset", "earliest"},
                                                 {"enable.auto.commit", "false"}});
  rd_kafka_poll_set_consumer(rk);
  // Assigned, not subscribed: the ceiling is reading, without a group join and rebalance.
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(kAggregatePartitions);
  for (int p = 0; p < kAggregatePartitions; ++p) rd_kafka_topic_partition_list_add(list, topic.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  rd_kafka_resp_err_t assigned = rd_kafka_assign(rk, list);
  rd_kafka_topic_partition_list_destroy(list);
  if (assigned) {
    rd_kafka_destroy(rk);
    throw std::runtime_error(std::string("assign: ") + rd_kafka_err2str(assigned));
  }
  long got = 0;
  auto deadline = Clock::now() + std::chrono::seconds(60);
  while (got < count && Clock::now() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 100);
    if (!m) continue;
    if (!m->err) ++got;
    rd_kafka_message_destroy(m);
  }
  double secs = secondsSince(t0);
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  if (got < count)
    throw std::runtime_error("raw consumer read " + std::to_string(got) + " of " + std::to_string(count) + " in " + std::to_string(secs) + " s");
  return secs;
}

// A worker-side pipeline on the embedded cluster: registry of the built-in plugins, memory offsets.
struct PipelineHarness {
  PluginRegistry registry;
  WorkerConfig worker;
  MemoryOffsetStore offsets;

  explicit PipelineHarness(const std::string& bootstrap) {
    std::map<std::string, std::string> w = {{"bootstrap.servers", bootstrap}, {"offset.flush.interval.ms", "3600000"}};
    for (const auto& [k, v] : kProducerSettings) w["producer." + k] = v;
    worker = WorkerConfig::fromMap(w);
    if (registry.scanDirectory(SLUICE_PLUGIN_DIR) == 0) throw std::runtime_error("no plugins in " SLUICE_PLUGIN_DIR);
  }

  std::unique_ptr<Pipeline> build(const std::string& name, const std::map<std::string, std::string>& config) {
    PipelineSpec spec;
    spec.connector = name;
    spec.config = config;
    spec.worker = std::shared_ptr<const WorkerConfig>(std::shared_ptr<void>(), &worker);  // borrowed: outlives the pipeline
    spec.plugins = std::shared_ptr<PluginRegistry>(std::shared_ptr<void>(), &registry);
    spec.offsets = std::shared_ptr<OffsetStore>(std::shared_ptr<void>(), &offsets);
    auto p = Pipeline::build(spec);
    if (!p.ok()) throw std::runtime_error(p.error());
    auto started = (*p)->start();
    if (!started.ok()) {
      (*p)->close();
      throw std::runtime_error(started.error());
    }
    return std::move(p.value());
  }
};

// Runs the pipeline until done() holds after an iteration, then commits (flush: every record acknowledged).
void runUntil(Pipeline& p, const std::function<bool(Result<bool>&)>& done, const char* what) {
  auto deadline = Clock::now() + std::chrono::seconds(120);
  for (;;) {
    auto r = p.runOnce(100);
    if (!r.ok()) throw std::runtime_error(r.error());
    if (done(r)) break;
    if (Clock::now() > deadline) throw std::runtime_error(std::string(what) + ": did not finish within 120 s");
  }
  auto c = p.commit();
  if (!c.ok()) throw std::runtime_error(c.error());
}

std::map<std::string, std::string> jsonConverters() {
  return {{"key.converter", "org.apache.kafka.connect.storage.StringConverter"},
          {"value.converter", "org.apache.kafka.connect.json.JsonConverter"},
          {"value.converter.schemas.enable", "false"}};
}

std::string perSecond(long n) { return std::to_string(n) + " records per run"; }

}  // namespace

std::vector<Row> benchProducerCeiling(const KafkaSizes& sizes) {
  Row ratio{"producer ceiling: worker datagen->kafka-sink / raw librdkafka producer", "ratio", {}, ">= 0.85",
            [](double v) { return v >= 0.85; }, perSecond(sizes.producerRecords)};
  Row raw{"raw librdkafka producer (datagen records, pre-generated)", "records/s", {}, "", {}, ""};
  Row worker{"worker pipeline datagen -> kafka-sink (generation included)", "records/s", {}, "", {}, "JsonConverter values"};
  // The same pipeline with pass-through converters, to show what JSON conversion costs.
  Row passThrough{"worker pipeline, ByteArrayConverter (no JSON conversion)", "records/s", {}, "", {}, ""};
  auto cluster = startCluster();
  PipelineHarness harness(cluster->bootstrapServers());
  RecordBatch records;
  generateTransactions("transactions", sizes.producerRecords, records);
  for (int run = 0; run < sizes.runs; ++run) {
    std::string rawTopic = "raw-" + std::to_string(run), workerTopic = "worker-" + std::to_string(run);
    createTopic(*cluster, rawTopic);
    createTopic(*cluster, workerTopic);
    double rawSecs = rawProduce(cluster->bootstrapServers(), rawTopic, records);

    auto config = transactionsConfig(workerTopic, sizes.producerRecords);
    config["connector.class"] = "datagen";
    for (const auto& [k, v] : jsonConverters()) config[k] = v;
    auto t0 = Clock::now();
    auto p = harness.build("transactions-datagen-" + std::to_string(run), config);
    Pipeline* raw_p = p.get();
    runUntil(*p, [&](Result<bool>&) { return raw_p->metrics().recordsWritten >= static_cast<uint64_t>(sizes.producerRecords); },
             "datagen pipeline");
    double workerSecs = secondsSince(t0);
    uint64_t written = p->metrics().recordsWritten;
    p->close();
    if (written != static_cast<uint64_t>(sizes.producerRecords))
      throw std::runtime_error("worker wrote " + std::to_string(written) + " records");
    std::string passTopic = "pass-" + std::to_string(run);
    createTopic(*cluster, passTopic);
    config = transactionsConfig(passTopic, sizes.producerRecords);
    config["connector.class"] = "datagen";
    config["key.converter"] = config["value.converter"] = "org.apache.kafka.connect.converters.ByteArrayConverter";
    auto t1 = Clock::now();
    auto q = harness.build("transactions-pass-" + std::to_string(run), config);
    Pipeline* raw_q = q.get();
    runUntil(*q, [&](Result<bool>&) { return raw_q->metrics().recordsWritten >= static_cast<uint64_t>(sizes.producerRecords); },
             "pass-through pipeline");
    passThrough.samples.push_back(sizes.producerRecords / secondsSince(t1));
    q->close();

    raw.samples.push_back(sizes.producerRecords / rawSecs);
    worker.samples.push_back(sizes.producerRecords / workerSecs);
    ratio.samples.push_back(rawSecs / workerSecs);
  }
  return {ratio, raw, worker, passThrough};
}

std::vector<Row> benchWindowedAggregate(const KafkaSizes& sizes) {
  long n = sizes.aggregateRecords;
  Row rate{"Kafka -> windowed-aggregate -> Kafka (input)", "records/s", {}, ">= 1000000", [](double v) { return v >= 1e6; },
           perSecond(n)};
  Row ratio{"windowed-aggregate pipeline / raw librdkafka consumer", "ratio", {}, ">= 0.6", [](double v) { return v >= 0.6; }, ""};
  Row raw{"raw librdkafka consumer (read only)", "records/s", {}, "", {}, ""};
  Row first{"aggregate pipeline: build -> first record polled", "ms", {}, "", {}, "group join (kafka-source subscribes)"};
  auto cluster = startCluster();
  // The mock cluster keeps only the last ~5 MB of each partition (older batches are dropped), so the
  // input is spread over enough partitions that every record of it stays readable.
  createTopic(*cluster, "transactions", kAggregatePartitions);
  createTopic(*cluster, "transactions_aggregate_sluice");
  PipelineHarness harness(cluster->bootstrapServers());
  {
    RecordBatch records;
    generateTransactions("transactions", n, records);
    rawProduce(cluster->bootstrapServers(), "transactions", records);
  }
  for (int run = 0; run < sizes.runs; ++run) {
    double rawSecs = rawConsume(cluster->bootstrapServers(), "transactions", n, "bench-raw-" + std::to_string(run));

    std::map<std::string, std::string> config = {{"connector.class", "kafka-source"},
                                                 {"topics", "transactions"},
                                                 {"transforms", "window"},
                                                 {"transforms.window.type", "windowed-aggregate"},
                                                 {"transforms.window.timestamp.field", "event_timestamp"},
                                                 {"transforms.window.filter.field", "status"},
                                                 {"transforms.window.filter.value", "Paid"},
                                                 {"transforms.window.window.size.ms", "3000"},
                                                 {"transforms.window.output.topic", "transactions_aggregate_sluice"},
                                                 {"key.converter", "org.apache.kafka.connect.converters.ByteArrayConverter"},
                                                 {"value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter"}};
    auto t0 = Clock::now();
    auto p = harness.build("transactions-aggregate-" + std::to_string(run), config);
    Pipeline* raw_p = p.get();
    std::optional<Clock::time_point> firstAt;
    runUntil(*p, [&](Result<bool>&) {
      uint64_t polled = raw_p->metrics().recordsPolled;
      if (polled > 0 && !firstAt) firstAt = Clock::now();
      return polled >= static_cast<uint64_t>(n);
    }, "aggregate pipeline");
    double secs = secondsSince(t0);
    uint64_t polled = p->metrics().recordsPolled;
    p->close();
    if (polled != static_cast<uint64_t>(n)) throw std::runtime_error("aggregate pipeline polled " + std::to_string(polled));
    raw.samples.push_back(n / rawSecs);
    rate.samples.push_back(n / secs);
    ratio.samples.push_back(rawSecs / secs);
    if (firstAt) first.samples.push_back(std::chrono::duration<double, std::milli>(*firstAt - t0).count());
  }
  return {rate, ratio, raw, first};
}

std::vector<Row> benchFileSource(const KafkaSizes& sizes) {
  long n = sizes.fileLines;
  Row rate{"file-source -> kafka-sink (" + std::to_string(n) + "-line file)", "records/s", {}, "", {}, ""};
  auto cluster = startCluster();
  PipelineHarness harness(cluster->bootstrapServers());
  char tmpl[] = "/tmp/sluice-bench-XXXXXX";
  if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
  std::filesystem::path dir = tmpl;
  std::string file = (dir / "lines.txt").string();
  {
    // The lines are the transactions' JSON values (about 150 bytes each), cycled.
    RecordBatch records;
    generateTransactions("transactions", 10000, records);
    std::ofstream out(file, std::ios::binary);
    for (long i = 0; i < n; ++i) {
      const auto& v = records[static_cast<size_t>(i) % records.size()].value;
      out.write(reinterpret_cast<const char*>(v.data), static_cast<std::streamsize>(v.len));
      out.put('\n');
    }
    if (!out) throw std::runtime_error("cannot write " + file);
  }
  rate.note = std::to_string(std::filesystem::file_size(file) / (1024 * 1024)) + " MiB";
  try {
    for (int run = 0; run < sizes.runs; ++run) {
      std::string topic = "file-" + std::to_string(run);
      createTopic(*cluster, topic);
      std::map<std::string, std::string> config = {{"connector.class", "org.apache.kafka.connect.file.FileStreamSourceConnector"},
                                                   {"file", file},
                                                   {"topic", topic},
                                                   {"key.converter", "org.apache.kafka.connect.storage.StringConverter"},
                                                   {"value.converter", "org.apache.kafka.connect.storage.StringConverter"}};
      auto t0 = Clock::now();
      auto p = harness.build("file-source-" + std::to_string(run), config);
      Pipeline* raw_p = p.get();
      runUntil(*p, [&](Result<bool>&) { return raw_p->metrics().recordsWritten >= static_cast<uint64_t>(n); }, "file pipeline");
      double secs = secondsSince(t0);
      uint64_t written = p->metrics().recordsWritten;
      p->close();
      if (written != static_cast<uint64_t>(n)) throw std::runtime_error("file pipeline wrote " + std::to_string(written));
      rate.samples.push_back(n / secs);
    }
  } catch (...) {
    std::filesystem::remove_all(dir);
    throw;
  }
  std::filesystem::remove_all(dir);
  return {rate};
}

}  // namespace sluice::bench
