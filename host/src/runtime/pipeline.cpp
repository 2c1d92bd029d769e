#include "runtime/pipeline.hpp"

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>

#include "common/logging.hpp"
#include "config/client_override_policy.hpp"
#include "config/config_providers.hpp"
#include "config/config_validator.hpp"
#include "plugin/plugin_instance.hpp"
#include "runtime/converters.hpp"
#include "kafka/dead_letter_queue.hpp"
#include "runtime/transform_chain.hpp"

namespace sluice {

namespace {

using Clock = std::chrono::steady_clock;
using Config = std::map<std::string, std::string>;

std::string get(const Config& c, const std::string& k, const std::string& fallback = "") {
  auto it = c.find(k);
  return it == c.end() ? fallback : it->second;
}

std::string_view text(sluice_bytes b) { return b.data ? std::string_view(reinterpret_cast<const char*>(b.data), b.len) : ""; }

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Connect's client settings for one client ("producer" or "consumer"): the worker's `<client>.X`,
// then the connector's `<client>.override.X` as `<client>.X` over it. The override keys themselves
// are not passed on, since the plugin reads every `<client>.` key as a librdkafka property.
void applyClientSettings(const WorkerConfig& worker, const Config& connector, const std::string& client, Config& props) {
  std::string prefix = client + ".";
  std::string overridePrefix = client + ".override.";
  for (auto it = props.lower_bound(overridePrefix); it != props.end() && it->first.rfind(overridePrefix, 0) == 0;)
    it = props.erase(it);
  for (const auto& [k, v] : worker.withPrefix(prefix)) props[prefix + k] = v;
  for (auto it = connector.lower_bound(overridePrefix); it != connector.end() && it->first.rfind(overridePrefix, 0) == 0; ++it)
    props[prefix + it->first.substr(overridePrefix.size())] = it->second;
}

// Where a source record came from, for committing once the sink has it.
struct KafkaPosition {
  int64_t processed = -1;  // highest offset fully processed and handed to the sink
  int64_t committed = -1;  // highest offset acknowledged to the source
};

class PipelineImpl : public Pipeline {
 public:
  explicit PipelineImpl(const PipelineSpec& spec) : spec_(spec), log_(logger("sluice.task")) {}
  ~PipelineImpl() override { close(); }

  Result<bool> init();
  Result<bool> start() override;
  Result<bool> runOnce(int timeoutMs) override;
  Result<bool> commit() override;
  void stop() override;
  void close() override;
  PipelineMetrics metrics() const override {
    PipelineMetrics m;
    m.recordsPolled = polled_.load();
    m.recordsWritten = written_.load();
    m.errorsTolerated = tolerated_.load();
    return m;
  }
  std::optional<std::string> healthProblem() const override {
    std::optional<std::string> problem;
    for (const auto* instance : {source_.get(), sink_.get()}) {
      if (!instance) continue;
      if (auto p = instance->healthProblem()) problem = problem ? *problem + "; " + *p : *p;
    }
    return problem;
  }
  std::vector<std::string> activeTopics() const override {
    std::lock_guard<std::mutex> lock(topicsMutex_);
    return {topics_.begin(), topics_.end()};
  }

 private:
  Result<PluginInstancePtr> createPlugin(PluginPtr plugin, Config props);
  Result<bool> step(int timeoutMs);
  Result<bool> processPolled();
  Result<bool> handleRecordError(const sluice_record& original, const std::string& stage, const std::string& className,
                                 const std::string& message);
  Result<const RecordBatch*> convertOutputs(const RecordBatch& in, RecordBatch& out);
  Result<bool> deliver(const RecordBatch& batch);
  void notePosition(const sluice_record& r);
  void noteTopic(sluice_bytes topic);
  std::string name() const { return spec_.connector + "-" + std::to_string(spec_.taskId); }

  PipelineSpec spec_;
  std::shared_ptr<spdlog::logger> log_;
  bool connectorIsSink_ = false;  // converters run on input (sink connector) or output (source)
  PluginInstancePtr source_;
  PluginInstancePtr sink_;
  std::unique_ptr<TransformChain> transforms_;
  std::unique_ptr<Converter> keyConverter_, valueConverter_;
  std::string keyConverterClass_, valueConverterClass_;  // as configured: the DLQ's __connect.errors.class.name
  bool passThroughConverters_ = true;
  std::unique_ptr<DeadLetterQueue> dlq_;
  bool tolerateAll_ = false;
  bool logErrors_ = false, logMessages_ = false;
  int64_t commitIntervalMs_ = 10000;
  Clock::time_point lastCommit_ = Clock::now(), lastTick_ = Clock::now();
  bool ended_ = false;
  bool failed_ = false;  // after an error nothing is committed: the failed batch was not delivered
  std::atomic<bool> stopping_{false};
  bool closed_ = false;
  // The connector's own poll() and put() retry until the task stops (see pipeline.hpp).
  std::unique_ptr<RetryOperator> sourceRetry_, sinkRetry_;

  // Reused buffers: steady state allocates nothing per record.
  RecordBatch polledBatch_, transformed_, converted_;
  std::string keyScratch_, valueScratch_;

  // Positions waiting for the next successful flush: source partition JSON -> offset JSON.
  std::unordered_map<std::string, std::string> pendingSourceOffsets_;
  std::map<std::pair<std::string, int32_t>, KafkaPosition> kafkaPositions_;

  std::atomic<uint64_t> polled_{0}, written_{0}, tolerated_{0};
  mutable std::mutex topicsMutex_;
  std::set<std::string> topics_;
  std::string lastTopic_;
};

Result<PluginInstancePtr> PipelineImpl::createPlugin(PluginPtr plugin, Config props) {
  auto validated = validateConfig(plugin->config, props);
  if (validated.errorCount() > 0) return Error{plugin->name + ": " + validated.allErrors().front()};
  std::shared_ptr<OffsetStore> store = spec_.offsets;  // the plugin's context keeps the store alive
  std::string connector = spec_.connector;
  HostContext::OffsetReader reader;
  if (store) reader = [store, connector](const std::string& partition) { return store->read(connector, partition); };
  return PluginInstance::create(plugin, validated.effective, reader);
}

Result<bool> PipelineImpl::init() {
  const Config& c = spec_.config;
  const WorkerConfig& worker = *spec_.worker;
  // Validation refuses these already; a config stored before the policy changed is refused here, as
  // Connect's Worker does when it builds the task's clients.
  auto overridePolicy = parseOverridePolicy(worker.get("connector.client.config.override.policy", "All")).value_or(OverridePolicy::All);
  std::string refused;
  for (const auto& o : connectorClientOverrides(c, overridePolicy))
    if (o.refusal) refused += (refused.empty() ? "" : " ") + *o.refusal;
  if (!refused.empty()) return Error{"Client Config Overrides not allowed: " + refused};
  std::string cls = get(c, "connector.class");
  PluginPtr connectorPlugin = spec_.plugins->find(cls);
  if (!connectorPlugin)
    return Error{"Failed to find any class that implements Connector and which name matches " + cls};
  if (connectorPlugin->kind == SLUICE_KIND_TRANSFORM)
    return Error{cls + " is a transform plugin; connector.class must name a source or sink plugin"};
  connectorIsSink_ = connectorPlugin->kind == SLUICE_KIND_SINK;

  PluginPtr sourcePlugin = connectorPlugin, sinkPlugin = connectorPlugin;
  if (connectorIsSink_) {
    std::string name = get(c, "sluice.source.class", "kafka-source");
    sourcePlugin = spec_.plugins->find(name);
    if (!sourcePlugin || sourcePlugin->kind != SLUICE_KIND_SOURCE) return Error{"no source plugin named " + name + " to feed the sink connector"};
  } else {
    std::string name = get(c, "sluice.sink.class", "kafka-sink");
    sinkPlugin = spec_.plugins->find(name);
    if (!sinkPlugin || sinkPlugin->kind != SLUICE_KIND_SINK) return Error{"no sink plugin named " + name + " to write the source connector's records"};
  }

  // Every plugin sees the connector config plus the task identity, as Connect's task configs do.
  Config base = c;
  for (auto& [k, v] : hostSuppliedProps(spec_)) base[k] = v;

  Config sourceProps = base;  // the consumer side: kafka-source keys
  applyClientSettings(worker, c, "consumer", sourceProps);
  Config sinkProps = base;  // the producer side: kafka-sink keys
  applyClientSettings(worker, c, "producer", sinkProps);

  auto source = createPlugin(sourcePlugin, sourceProps);
  if (!source.ok()) return Error{source.error()};
  source_ = std::move(source.value());
  auto sink = createPlugin(sinkPlugin, sinkProps);
  if (!sink.ok()) return Error{sink.error()};
  sink_ = std::move(sink.value());

  auto policy = RetryPolicy::fromConfig(c);
  if (!policy.ok()) return Error{policy.error()};
  RetryPolicy untilStopped = policy.value();
  untilStopped.timeoutMs = -1;
  sourceRetry_ = std::make_unique<RetryOperator>(untilStopped, spec_.clock, stopping_);
  sinkRetry_ = std::make_unique<RetryOperator>(untilStopped, spec_.clock, stopping_);

  auto chain = TransformChain::build(c, *spec_.plugins, spec_.clock);
  if (!chain.ok()) return Error{chain.error()};
  transforms_ = std::move(chain.value());

  // Converters: connector settings override the worker's (Connect).
  for (auto [which, target, className] : {std::tuple{"key.converter", &keyConverter_, &keyConverterClass_},
                                         std::tuple{"value.converter", &valueConverter_, &valueConverterClass_}}) {
    std::string prefix = std::string(which) + ".";
    std::string cls2 = get(c, which, worker.get(which));
    *className = cls2;
    Config settings = worker.withPrefix(prefix);
    for (const auto& [k, v] : c)
      if (k.rfind(prefix, 0) == 0) settings[k.substr(prefix.size())] = v;
    auto converter = makeConverter(cls2, settings);
    if (!converter.ok()) return Error{std::string(which) + ": " + converter.error()};
    *target = std::move(converter.value());
    if (!cls2.empty() && cls2.find("String") == std::string::npos && cls2.find("ByteArray") == std::string::npos)
      passThroughConverters_ = false;
  }

  tolerateAll_ = get(c, "errors.tolerance", "none") == "all";
  logErrors_ = get(c, "errors.log.enable") == "true";
  logMessages_ = get(c, "errors.log.include.messages") == "true";
  commitIntervalMs_ = worker.getLong("offset.flush.interval.ms", 10000);
  std::string dlqTopic = get(c, "errors.deadletterqueue.topic.name");
  if (connectorIsSink_ && !dlqTopic.empty()) {
    Config producer = worker.withPrefix("producer.");
    for (const auto& o : connectorClientOverrides(c, OverridePolicy::All))  // checked above; Connect's DLQ producer takes them too
      if (o.name.rfind("producer.override.", 0) == 0) producer[o.clientKey] = o.value;
    producer.emplace("client.id", "connector-dlq-producer-" + name());  // Connect's name for it, in every log line
    auto dlq = DeadLetterQueue::open(worker.bootstrapServers(), dlqTopic, get(c, "errors.deadletterqueue.context.headers.enable") == "true",
                                     producer);
    if (!dlq.ok()) return Error{dlq.error()};
    dlq_ = std::move(dlq.value());
  }
  return true;
}

Result<bool> PipelineImpl::start() {
  // Downstream first, so nothing the source produces finds its consumer missing.
  if (sink_->start() != SLUICE_OK) return Error{sink_->error()};
  auto t = transforms_->start();
  if (!t.ok()) return t;
  if (source_->start() != SLUICE_OK) return Error{source_->error()};
  log_->info("{} started: {} -> {}{} -> {}", name(), source_->plugin().name, transforms_->empty() ? "" : "transforms -> ",
             connectorIsSink_ ? "" : "converters", sink_->plugin().name);
  return true;
}

void PipelineImpl::noteTopic(sluice_bytes topic) {
  std::string_view t = text(topic);
  if (t.empty() || t == lastTopic_) return;
  lastTopic_ = std::string(t);
  std::lock_guard<std::mutex> lock(topicsMutex_);
  topics_.insert(lastTopic_);
}

void PipelineImpl::notePosition(const sluice_record& r) {
  if (r.kafka_offset >= 0) {
    auto& pos = kafkaPositions_[{std::string(text(r.topic)), r.partition}];
    if (r.kafka_offset > pos.processed) pos.processed = r.kafka_offset;
  } else if (r.source_partition.data && r.source_offset.data) {
    pendingSourceOffsets_[std::string(text(r.source_partition))] = std::string(text(r.source_offset));
  }
}

Result<bool> PipelineImpl::handleRecordError(const sluice_record& original, const std::string& stage, const std::string& className,
                                             const std::string& message) {
  if (logErrors_) {
    std::string where = std::string(text(original.topic)) + "-" + std::to_string(original.partition) + "@" + std::to_string(original.kafka_offset);
    if (logMessages_)
      log_->error("{}: error in stage {} ({}) for record {} key={} value={}: {}", name(), stage, className, where, text(original.key),
                  text(original.value), message);
    else
      log_->error("{}: error in stage {} ({}) for record {}: {}", name(), stage, className, where, message);
  }
  if (!tolerateAll_)
    return Error{"org.apache.kafka.connect.errors.ConnectException: Tolerance exceeded in error handler\nCaused by: " + message};
  tolerated_++;
  if (dlq_) {
    auto sent = dlq_->send(original, ErrorContext{spec_.connector, spec_.taskId, stage, className, message});
    if (!sent.ok()) return sent;
  }
  return true;
}

// Source connectors: serialise each output's key and value for Kafka. Records the converters leave
// unchanged (JSON values under schemaless JsonConverter, the common case) are not copied: the
// result is `in` itself until the first record that changes.
Result<const RecordBatch*> PipelineImpl::convertOutputs(const RecordBatch& in, RecordBatch& out) {
  out.clear();
  bool copying = false;
  const auto& records = in.records();
  for (size_t i = 0; i < records.size(); ++i) {
    const sluice_record& r = records[i];
    std::string error;
    sluice_record copy = r;
    auto k = keyConverter_->toKafka(r.key, keyScratch_, error);
    if (k == Converter::Outcome::kConverted) copy.key = {reinterpret_cast<const uint8_t*>(keyScratch_.data()), keyScratch_.size()};
    auto v = k == Converter::Outcome::kFailed ? k : valueConverter_->toKafka(r.value, valueScratch_, error);
    if (v == Converter::Outcome::kConverted) copy.value = {reinterpret_cast<const uint8_t*>(valueScratch_.data()), valueScratch_.size()};
    if (!copying && k == Converter::Outcome::kUnchanged && v == Converter::Outcome::kUnchanged) continue;
    if (!copying) {
      copying = true;
      for (size_t j = 0; j < i; ++j) out.add(records[j]);
    }
    if (k == Converter::Outcome::kFailed || v == Converter::Outcome::kFailed) {
      bool keyFailed = k == Converter::Outcome::kFailed;
      auto handled = handleRecordError(r, keyFailed ? "KEY_CONVERTER" : "VALUE_CONVERTER", keyFailed ? keyConverterClass_ : valueConverterClass_, error);
      if (!handled.ok()) return Error{handled.error()};
      continue;
    }
    out.add(copy);
  }
  return copying ? &out : &in;
}

Result<bool> PipelineImpl::deliver(const RecordBatch& batch) {
  if (batch.empty()) return true;
  auto outcome = sinkRetry_->execute([&] {
    sluice_status s = sink_->put(batch.pointers());
    if (s == SLUICE_RETRY) log_->warn("{}: {} (retrying in {} ms)", name(), sink_->error(), sinkRetry_->nextDelayMs());
    return s;
  });
  if (outcome.status == SLUICE_RETRY) return Error{"stopped while retrying put: " + sink_->error()};
  if (outcome.status != SLUICE_OK) return Error{sink_->error()};
  written_ += batch.size();
  for (const auto& r : batch.records()) noteTopic(r.topic);
  return true;
}

Result<bool> PipelineImpl::processPolled() {
  polled_ += polledBatch_.size();
  transformed_.clear();
  bool sinkSideConversion = connectorIsSink_ && !passThroughConverters_;
  for (const auto& original : polledBatch_.records()) {
    if (connectorIsSink_) noteTopic(original.topic);
    const sluice_record* input = &original;
    sluice_record converted;
    if (sinkSideConversion) {
      std::string error;
      converted = original;
      auto k = keyConverter_->fromKafka(original.key, keyScratch_, error);
      if (k == Converter::Outcome::kConverted) converted.key = {reinterpret_cast<const uint8_t*>(keyScratch_.data()), keyScratch_.size()};
      auto v = k == Converter::Outcome::kFailed ? k : valueConverter_->fromKafka(original.value, valueScratch_, error);
      if (v == Converter::Outcome::kConverted) converted.value = {reinterpret_cast<const uint8_t*>(valueScratch_.data()), valueScratch_.size()};
      if (k == Converter::Outcome::kFailed || v == Converter::Outcome::kFailed) {
        bool keyFailed = k == Converter::Outcome::kFailed;
        auto handled = handleRecordError(original, keyFailed ? "KEY_CONVERTER" : "VALUE_CONVERTER",
                                         keyFailed ? keyConverterClass_ : valueConverterClass_, error);
        if (!handled.ok()) return handled;
        notePosition(original);
        continue;
      }
      input = &converted;
    }
    size_t before = transformed_.size();
    auto applied = transforms_->apply(*input, transformed_);
    if (!applied.ok()) {
      transformed_.truncate(before);  // a failed record yields nothing, not what earlier steps made of it
      auto handled = handleRecordError(original, "TRANSFORMATION", transforms_->lastFailedType(), applied.error());
      if (!handled.ok()) return handled;
    }
    notePosition(original);
  }
  const RecordBatch* out = &transformed_;
  if (!connectorIsSink_ && !passThroughConverters_) {
    auto c = convertOutputs(transformed_, converted_);
    if (!c.ok()) return Error{c.error()};
    out = c.value();
  }
  return deliver(*out);
}

Result<bool> PipelineImpl::runOnce(int timeoutMs) {
  if (failed_) return Error{"the task has failed; restart it"};
  auto result = step(timeoutMs);
  if (!result.ok()) failed_ = true;
  return result;
}

Result<bool> PipelineImpl::step(int timeoutMs) {
  if (ended_) {
    // The source is finished: keep ticking (windows may close on idle) and committing.
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min(timeoutMs, 100)));
  } else if (int64_t backoffMs = sourceRetry_->msUntilNextAttempt(); backoffMs > 0) {
    // The source asked to be called again later: wait (part of) its backoff, then tick and commit.
    spec_.clock->sleepMs(std::min<int64_t>(timeoutMs, backoffMs), stopping_);
  } else {
    polledBatch_.clear();
    sluice_status s = source_->poll(polledBatch_, timeoutMs);
    if (s == SLUICE_END_OF_INPUT) {
      ended_ = true;
      log_->info("{}: source {} reached the end of its input", name(), source_->plugin().name);
    } else if (s == SLUICE_RETRY) {
      sourceRetry_->onRetry();
      log_->warn("{}: {} (retrying in {} ms)", name(), source_->error(), sourceRetry_->msUntilNextAttempt());
    } else if (s != SLUICE_OK) {
      return Error{source_->error()};
    } else {
      sourceRetry_->onSuccess();
    }
    if (!polledBatch_.empty()) {
      auto r = processPolled();
      if (!r.ok()) return r;
    }
  }
  auto now = Clock::now();
  if (now - lastTick_ >= std::chrono::seconds(1)) {
    lastTick_ = now;
    transformed_.clear();
    auto t = transforms_->tick(nowMs(), transformed_);
    if (!t.ok()) return t;
    if (!transformed_.empty()) {
      const RecordBatch* out = &transformed_;
      if (!connectorIsSink_ && !passThroughConverters_) {
        auto c = convertOutputs(transformed_, converted_);
        if (!c.ok()) return Error{c.error()};
        out = c.value();
      }
      auto d = deliver(*out);
      if (!d.ok()) return d;
    }
  }
  if (now - lastCommit_ >= std::chrono::milliseconds(commitIntervalMs_)) {
    auto c = commit();
    if (!c.ok()) return c;
  }
  return !ended_ || !pendingSourceOffsets_.empty();
}

Result<bool> PipelineImpl::commit() {
  if (failed_) return Error{"not committing offsets of a failed task"};
  lastCommit_ = Clock::now();
  if (sink_->flush() != SLUICE_OK) {
    failed_ = true;
    return Error{sink_->error()};
  }
  if (dlq_) {
    auto f = dlq_->flush(30000);
    if (!f.ok()) return f;
  }
  // Everything handed to the sink is durable now: its offsets go to disk in this same step, so a
  // kill replays at most one offset.flush.interval.ms of delivered records (not that plus the
  // worker's own flush timer); then they are acknowledged upstream.
  if (spec_.offsets && !pendingSourceOffsets_.empty()) {
    for (const auto& [partition, offset] : pendingSourceOffsets_) spec_.offsets->write(spec_.connector, partition, offset);
    spec_.offsets->flush();  // a failed write is logged by the store and retried at its next flush
  }
  for (const auto& [partition, offset] : pendingSourceOffsets_) {
    sluice_record ack{};
    ack.partition = -1;
    ack.timestamp_ms = -1;
    ack.kafka_offset = -1;
    ack.source_partition = {reinterpret_cast<const uint8_t*>(partition.data()), partition.size()};
    ack.source_offset = {reinterpret_cast<const uint8_t*>(offset.data()), offset.size()};
    source_->delivered(ack, -1, -1);
  }
  pendingSourceOffsets_.clear();
  for (auto& [tp, pos] : kafkaPositions_) {
    int64_t upTo = pos.processed;
    // Never acknowledge input a stateful transform still needs to rebuild an open window.
    int64_t held = transforms_->heldOffset(tp.first, tp.second);
    if (held >= 0) upTo = std::min(upTo, held - 1);
    if (upTo <= pos.committed) continue;
    sluice_record ack{};
    ack.topic = {reinterpret_cast<const uint8_t*>(tp.first.data()), tp.first.size()};
    ack.partition = tp.second;
    ack.timestamp_ms = -1;
    ack.kafka_offset = upTo;
    source_->delivered(ack, tp.second, upTo);
    pos.committed = upTo;
  }
  return true;
}

void PipelineImpl::stop() {
  // The sink is left running so the final commit() can still drain it; a sink blocked by a down
  // broker is bounded by the worker's task.shutdown.graceful.timeout.ms.
  stopping_ = true;
  if (source_) source_->stop();
  if (transforms_) transforms_->stop();
}

void PipelineImpl::close() {
  if (closed_) return;
  closed_ = true;
  // Source first: nothing new arrives while the rest winds down.
  if (source_) source_->stop();
  source_.reset();
  transforms_.reset();
  if (sink_) sink_->stop();
  sink_.reset();
  dlq_.reset();
}

}  // namespace

std::map<std::string, std::string> hostSuppliedProps(const PipelineSpec& spec) {
  std::map<std::string, std::string> props = {{"name", spec.connector},
                                              {"task.id", std::to_string(spec.taskId)},
                                              {"task.count", std::to_string(spec.taskCount)},
                                              {"task.generation", std::to_string(spec.generation)},
                                              {"bootstrap.servers", spec.worker ? spec.worker->bootstrapServers() : "localhost:9092"},
                                              {"group.id", "connect-" + spec.connector}};
  // The folders the file connectors are confined to (docs/security.md, "Files").
  if (spec.worker && !spec.worker->get("file.allowed.paths").empty())
    props["file.allowed.paths"] = spec.worker->get("file.allowed.paths");
  return props;
}

Result<std::unique_ptr<Pipeline>> Pipeline::build(const PipelineSpec& spec) {
  if (!spec.worker || !spec.plugins) return Error{"pipeline spec lacks the worker config or the plugin registry"};
  // KIP-297: the stored config keeps its ${provider:path:key} placeholders; only the running task
  // sees the values, read now so a rotated secret is picked up by a restart.
  auto providers = ConfigProviders::fromWorker(spec.worker->values());
  if (!providers.ok()) return Error{providers.error()};
  auto resolved = providers->resolve(spec.config);
  if (!resolved.ok()) return Error{resolved.error()};
  PipelineSpec resolvedSpec = spec;
  resolvedSpec.config = std::move(resolved.value());
  auto p = std::make_unique<PipelineImpl>(resolvedSpec);
  auto ok = p->init();
  if (!ok.ok()) return Error{ok.error()};
  return std::unique_ptr<Pipeline>(std::move(p));
}

}  // namespace sluice
