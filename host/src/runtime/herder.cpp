#include "runtime/herder.hpp"

#include <algorithm>
#include <chrono>
#include <future>

#include "common/logging.hpp"
#include "kafka/kafka_group_offsets.hpp"
#include "runtime/resolved_validation.hpp"

namespace sluice {

namespace {

int tasksMax(const std::map<std::string, std::string>& effective) {
  auto it = effective.find("tasks.max");
  try {
    return it == effective.end() ? 1 : std::max(1, std::stoi(it->second));
  } catch (const std::exception&) {
    return 1;
  }
}

RunState connectorStateFor(TargetState t) {
  switch (t) {
    case TargetState::Paused:
      return RunState::Paused;
    case TargetState::Stopped:
      return RunState::Stopped;
    default:
      return RunState::Running;
  }
}

// Source offsets live in the OffsetStore; whatever reads through kafka-source (a sink connector, as
// Connect's sink connectors, or a kafka-source connector such as the windowed aggregate's input)
// keeps them as the consumer group's committed offsets.
bool usesFrameworkOffsets(ConnectorType type, const std::map<std::string, std::string>& config) {
  auto it = config.find(type == ConnectorType::Sink ? "sluice.source.class" : "connector.class");
  if (type == ConnectorType::Sink) return it != config.end() && it->second != "kafka-source";
  return it == config.end() || it->second != "kafka-source";
}

std::string notStoppedMessage(const std::string& name) {
  return "Connectors must be in the STOPPED state before their offsets can be modified. This can be done "
         "for the specified connector by issuing a 'PUT' request to the '/connectors/" +
         name + "/stop' endpoint";
}

}  // namespace

Herder::Herder(std::shared_ptr<const WorkerConfig> worker, std::shared_ptr<PluginRegistry> registry,
               std::shared_ptr<OffsetStore> offsets, ConfigStore& configs, PipelineFactory factory, std::string workerId)
    : worker_(std::move(worker)),
      registry_(std::move(registry)),
      offsets_(std::move(offsets)),
      configs_(configs),
      factory_(std::move(factory)),
      gracefulTimeoutMs_(static_cast<int>(worker_->getLong("task.shutdown.graceful.timeout.ms", 5000))),
      workerId_(std::move(workerId)) {
  publish();  // readers find an (empty) snapshot from the start
  loopThread_ = std::thread([this] { loop(); });
  loopId_ = loopThread_.get_id();  // read only by requests, which are posted after the constructor
}

Herder::~Herder() { shutdown(); }

// ---- the request loop ----------------------------------------------------------------------

void Herder::loop() {
  while (true) {
    std::function<void()> request;
    {
      std::unique_lock<std::mutex> lock(queueMutex_);
      queueCv_.wait(lock, [&] { return !queue_.empty() || closed_; });
      if (queue_.empty()) return;  // closed and drained
      request = std::move(queue_.front());
      queue_.pop_front();
    }
    request();  // a packaged task: its exceptions go to the caller's future
  }
}

template <class Fn>
auto Herder::onLoop(Fn fn) -> decltype(fn()) {
  using Value = decltype(fn());
  if (std::this_thread::get_id() == loopId_) return fn();  // a request calling another (patch -> put)
  auto request = std::make_shared<std::packaged_task<Value()>>([this, &fn]() -> Value {
    // Published before the caller's future is ready, so its next read sees what it just did.
    struct PublishAfter {
      Herder& herder;
      ~PublishAfter() { herder.publish(); }
    } publishAfter{*this};
    return fn();
  });
  auto result = request->get_future();
  {
    std::lock_guard<std::mutex> lock(queueMutex_);
    if (closed_) throw HerderError(500, "The worker is shutting down");
    queue_.push_back([request] { (*request)(); });
  }
  queueCv_.notify_one();
  return result.get();  // rethrows the request's HerderError
}

void Herder::publish() {
  try {
    auto next = std::make_shared<Snapshot>();
    next->workerId = workerId_;
    for (const auto& [name, c] : connectors_) {
      ConnectorView view{c.config, c.target, c.type, c.state, c.trace, c.taskConfigs, {}, c.topics};
      for (const auto& t : c.tasks) view.tasks.push_back(t->statusCell());
      next->connectors.emplace(name, std::move(view));
    }
    std::lock_guard<std::mutex> lock(snapshotMutex_);
    snapshot_ = std::move(next);
  } catch (const std::exception& e) {
    logger("sluice.worker")->error("could not publish the connectors' state: {}", e.what());
  }
}

std::shared_ptr<const Herder::Snapshot> Herder::snapshot() const {
  std::lock_guard<std::mutex> lock(snapshotMutex_);
  return snapshot_;
}

const Herder::ConnectorView& Herder::viewOf(const Snapshot& s, const std::string& name,
                                            const std::string& notFoundMessage) const {
  auto it = s.connectors.find(name);
  if (it == s.connectors.end()) throw HerderError(404, notFoundMessage);
  return it->second;
}

// ---- lifecycle -----------------------------------------------------------------------------

size_t Herder::restore() {
  return onLoop([&] {
    size_t n = 0;
    auto crashes = readCrashRecords(crashRecordDir(*worker_));
    for (const auto& [name, stored] : configs_.all()) {
      Connector c;
      c.config = stored.config;
      c.target = stored.target;
      auto v = validate(stored.config);
      if (v.failure || v.infos.errorCount() > 0) {
        // Keep it visible and FAILED (with why) rather than dropping it: the plugin may be back later.
        c.type = connectorTypeOf(v.plugin);
        c.state = RunState::Failed;
        c.trace = v.failure ? v.failure->message : invalidConfigMessage(v.infos);
        logger("sluice.worker")->error("connector {} could not be restored: {}", name, c.trace);
        connectors_[name] = std::move(c);
        continue;
      }
      c.effective = v.effective;
      c.type = v.type;
      c.pluginName = v.plugin->name;
      auto& slot = connectors_[name] = std::move(c);
      if (failFromCrashRecord(name, slot, crashes)) continue;
      startConnector(name, slot);
      ++n;
    }
    return n;
  });
}

void Herder::stopAllTasks() {
  // Ask every task first, then wait, so the total is bounded by one graceful timeout.
  for (auto& [_, c] : connectors_)
    for (auto& t : c.tasks) t->requestStop();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(gracefulTimeoutMs_);
  for (auto& [_, c] : connectors_) {
    for (auto& t : c.tasks) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      t->awaitStop(static_cast<int>(std::max<int64_t>(left.count(), 1)));
    }
    c.tasks.clear();
  }
}

void Herder::shutdown() {
  if (!loopThread_.joinable()) return;  // already shut down (called by the owner, never by the loop)
  try {
    onLoop([&] { stopAllTasks(); });
  } catch (const HerderError&) {
  }
  {
    std::lock_guard<std::mutex> lock(queueMutex_);
    closed_ = true;
  }
  queueCv_.notify_all();
  loopThread_.join();
  offsets_->flush();
}

std::string Herder::workerId() const { return snapshot()->workerId; }

void Herder::setWorkerId(std::string id) {
  onLoop([&] { workerId_ = std::move(id); });
}

std::vector<std::string> Herder::connectorNames() const {
  std::vector<std::string> out;
  for (const auto& [name, _] : snapshot()->connectors) out.push_back(name);
  return out;
}

ConnectorValidation Herder::validate(const std::map<std::string, std::string>& config,
                                     const std::set<std::string>& nullKeys) const {
  auto policy = parseOverridePolicy(worker_->get("connector.client.config.override.policy", "All")).value_or(OverridePolicy::All);
  return validateWithProviders(config, *worker_, [&](const std::map<std::string, std::string>& resolved) {
    return validateConnectorConfig(resolved, *registry_, nullKeys, policy, worker_);
  });
}

ConnectorValidation Herder::validOrThrow(const std::map<std::string, std::string>& config,
                                         const std::set<std::string>& nullKeys) const {
  auto v = validate(config, nullKeys);
  if (v.failure) throw HerderError(v.failure->status, v.failure->message);
  if (v.infos.errorCount() > 0) throw HerderError(400, invalidConfigMessage(v.infos));
  return v;
}

Herder::Connector& Herder::get(const std::string& name, const std::string& notFoundMessage) {
  auto it = connectors_.find(name);
  if (it == connectors_.end()) throw HerderError(404, notFoundMessage);
  return it->second;
}

std::unique_ptr<TaskRunner> Herder::makeTask(const std::string& name, Connector& c, int id, const PipelineFactory* factory) {
  PipelineSpec spec;
  spec.connector = name;
  spec.taskId = id;
  spec.taskCount = static_cast<int>(c.taskConfigs.size());
  spec.generation = c.generation;
  spec.config = c.effective;
  spec.worker = worker_;
  spec.plugins = registry_;
  spec.offsets = offsets_;
  return std::make_unique<TaskRunner>(std::move(spec), factory ? *factory : factory_, c.target == TargetState::Paused);
}

void Herder::startTasks(const std::string& name, Connector& c, const PipelineFactory* factory) {
  // Task configs exist only while the connector is meant to run (StandaloneHerder.updateConnectorTasks).
  c.taskConfigs.clear();
  int n = tasksMax(c.effective);
  for (int i = 0; i < n; ++i) {
    TaskConfig tc{i, c.config};
    tc.config["task.class"] = c.pluginName;
    tc.config["task.id"] = std::to_string(i);
    c.taskConfigs.push_back(std::move(tc));
  }
  persistTaskConfigs(name, c);
  ++c.generation;
  for (int i = 0; i < n; ++i) c.tasks.push_back(makeTask(name, c, i, factory));
}

void Herder::persistTaskConfigs(const std::string& name, const Connector& c) {
  std::vector<ConfigMap> tasks;
  for (const auto& t : c.taskConfigs) tasks.push_back(t.config);
  // The tasks run from the herder's own copy; a store that cannot keep them is reported, not fatal,
  // as the task configs are derived from the connector config that is already stored.
  auto r = configs_.putTaskConfigs(name, tasks);
  if (!r.ok()) logger("sluice.worker")->warn("task configs of connector {} not stored: {}", name, r.error());
}

bool Herder::failFromCrashRecord(const std::string& name, Connector& c, const std::vector<CrashRecord>& crashes) {
  const CrashRecord* last = nullptr;  // records come oldest first
  for (const auto& r : crashes)
    if (r.connector == name) last = &r;
  if (!last) return false;
  c.state = RunState::Failed;
  c.trace = last->trace();
  logger("sluice.worker")->error("connector {} is FAILED: {}", name, c.trace);
  if (c.target == TargetState::Stopped) return true;
  // Its tasks show FAILED with the same trace, and a restart request replaces them with real ones.
  PipelineFactory failing = [trace = c.trace](const PipelineSpec&) -> Result<std::unique_ptr<Pipeline>> { return Error{trace}; };
  startTasks(name, c, &failing);
  return true;
}

void Herder::stopTasks(Connector& c) {
  collectTopics(c);
  for (auto& t : c.tasks) t->requestStop();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(gracefulTimeoutMs_);
  for (auto& t : c.tasks) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    t->awaitStop(static_cast<int>(std::max<int64_t>(left.count(), 1)));
  }
  c.tasks.clear();
}

void Herder::restartTaskAt(const std::string& name, Connector& c, size_t index) {
  auto& slot = c.tasks[index];
  for (auto& topic : slot->activeTopics()) c.topics.insert(topic);
  slot->requestStop();
  slot->awaitStop(gracefulTimeoutMs_);
  slot = makeTask(name, c, static_cast<int>(index));
}

void Herder::startConnector(const std::string& name, Connector& c) {
  c.state = connectorStateFor(c.target);
  c.trace.clear();
  if (c.target == TargetState::Started) startTasks(name, c);
  logger("sluice.worker")->info("connector {} is {}", name, runStateName(c.state));
}

void Herder::collectTopics(Connector& c) const {
  for (const auto& t : c.tasks)
    for (auto& topic : t->activeTopics()) c.topics.insert(topic);
}

void Herder::persistTarget(const std::string& name, TargetState target) {
  auto r = configs_.setTarget(name, target);
  if (!r.ok()) throw HerderError(500, r.error());
}

bool Herder::revalidate(Connector& c) {
  auto v = validate(c.config);
  if (v.failure || v.infos.errorCount() > 0) {
    c.trace = v.failure ? v.failure->message : invalidConfigMessage(v.infos);
    return false;
  }
  c.effective = v.effective;
  c.type = v.type;
  c.pluginName = v.plugin->name;
  return true;
}

bool Herder::putConnector(const std::string& name, const std::map<std::string, std::string>& config,
                          const std::set<std::string>& nullKeys, std::optional<TargetState> initial, bool allowReplace) {
  auto v = validOrThrow(config, nullKeys);  // before the existence check, as Connect; off the loop
  return onLoop([&] { return applyPut(name, config, v, initial, allowReplace); });
}

bool Herder::applyPut(const std::string& name, const std::map<std::string, std::string>& config,
                      const ConnectorValidation& v, std::optional<TargetState> initial, bool allowReplace) {
  auto it = connectors_.find(name);
  bool created = it == connectors_.end();
  if (!created && !allowReplace) throw HerderError(409, "Connector " + name + " already exists");
  clearCrashRecords(crashRecordDir(*worker_), name);  // a new config is a new chance
  TargetState target = created ? initial.value_or(TargetState::Started) : it->second.target;
  auto r = configs_.put(name, StoredConnector{config, target});
  if (!r.ok()) throw HerderError(500, r.error());
  Connector& c = connectors_[name];
  stopTasks(c);  // reconfiguring restarts the tasks cleanly
  c.config = config;
  c.effective = v.effective;
  c.type = v.type;
  c.pluginName = v.plugin->name;
  c.target = target;
  startConnector(name, c);
  return created;
}

void Herder::patchConnector(const std::string& name, const std::map<std::string, std::optional<std::string>>& patch) {
  onLoop([&] {  // read, merge and write in one request, so no other change slips in between
    auto merged = get(name, "Connector " + name + " not found").config;
    for (const auto& [k, v] : patch) {
      if (v) merged[k] = *v;
      else merged.erase(k);
    }
    auto nameIt = merged.find("name");
    if (nameIt != merged.end() && nameIt->second != name)  // the same check as PUT
      throw HerderError(400, "Connector name configuration (" + nameIt->second +
                                 ") doesn't match connector name in the URL (" + name + ")");
    auto v = validOrThrow(merged, {});
    applyPut(name, merged, v, std::nullopt, true);
  });
}

void Herder::deleteConnector(const std::string& name) {
  onLoop([&] {
    Connector& c = get(name, "Connector " + name + " not found");
    auto r = configs_.remove(name);
    if (!r.ok()) throw HerderError(500, r.error());
    clearCrashRecords(crashRecordDir(*worker_), name);
    stopTasks(c);
    connectors_.erase(name);
  });
}

// ---- reads, from the published snapshot ----------------------------------------------------

ConnectorInfo Herder::info(const std::string& name) const {
  auto s = snapshot();
  const ConnectorView& c = viewOf(*s, name, "Connector " + name + " not found");
  ConnectorInfo info{name, c.config, {}, c.type};
  for (const auto& t : c.taskConfigs) info.tasks.push_back(t.id);
  return info;
}

std::map<std::string, std::string> Herder::config(const std::string& name) const {
  auto s = snapshot();
  return viewOf(*s, name, "Connector " + name + " not found").config;
}

std::optional<ConnectorStatus> Herder::status(const std::string& name) const {
  auto s = snapshot();
  auto it = s->connectors.find(name);
  if (it == s->connectors.end()) return std::nullopt;
  const ConnectorView& c = it->second;
  ConnectorStatus out{name, {0, runStateName(c.state), c.trace}, {}, c.type};
  for (size_t i = 0; i < c.tasks.size(); ++i) {
    // Live from the task thread: a task not yet started shows UNASSIGNED, as Connect before its first status write.
    auto ts = c.tasks[i]->status();
    out.tasks.push_back({static_cast<int>(i), runStateName(ts.state), ts.trace});
  }
  return out;
}

std::vector<TaskConfig> Herder::taskConfigs(const std::string& name) const {
  auto s = snapshot();
  return viewOf(*s, name, "Connector " + name + " not found").taskConfigs;
}

std::vector<std::string> Herder::activeTopics(const std::string& name) const {
  auto s = snapshot();
  auto it = s->connectors.find(name);
  if (it == s->connectors.end()) return {};  // no existence check, as Connect's GET .../topics
  std::set<std::string> topics = it->second.topics;
  for (const auto& t : it->second.tasks)
    for (auto& topic : t->topics()) topics.insert(topic);
  return {topics.begin(), topics.end()};
}

// ---- state changes, on the loop ------------------------------------------------------------

void Herder::pause(const std::string& name) {
  onLoop([&] {
    Connector& c = get(name, "Unknown connector " + name);
    persistTarget(name, TargetState::Paused);
    c.target = TargetState::Paused;
    if (c.state != RunState::Failed) c.state = RunState::Paused;
    for (auto& t : c.tasks) t->setPaused(true);
  });
}

void Herder::resume(const std::string& name) {
  onLoop([&] {
    Connector& c = get(name, "Unknown connector " + name);
    persistTarget(name, TargetState::Started);
    c.target = TargetState::Started;
    if (c.state == RunState::Failed) return;  // needs a restart
    c.state = RunState::Running;
    if (c.tasks.empty()) startTasks(name, c);  // from STOPPED (or created PAUSED): regenerate tasks
    for (auto& t : c.tasks) t->setPaused(false);
  });
}

void Herder::stop(const std::string& name) {
  onLoop([&] {
    Connector& c = get(name, "Unknown connector " + name);  // 404 rather than standalone Connect's 500
    persistTarget(name, TargetState::Stopped);
    c.target = TargetState::Stopped;
    stopTasks(c);
    c.taskConfigs.clear();
    persistTaskConfigs(name, c);  // a stopped connector has no task configs (KIP-875)
    offsets_->flush();
    if (c.state != RunState::Failed) c.state = RunState::Stopped;
  });
}

void Herder::restartConnector(const std::string& name) {
  onLoop([&] {
    Connector& c = get(name, "Connector " + name + " not found");
    clearCrashRecords(crashRecordDir(*worker_), name);  // the user asked to run it again
    if (c.state != RunState::Failed) return;  // the connector instance itself holds nothing to restart
    if (!revalidate(c)) return;
    stopTasks(c);
    startConnector(name, c);
  });
}

ConnectorStatus Herder::restart(const std::string& name, bool includeTasks, bool onlyFailed) {
  return onLoop([&] {
    auto it = connectors_.find(name);
    if (it == connectors_.end()) throw HerderError(404, "Unknown connector: " + name);
    Connector& c = it->second;
    clearCrashRecords(crashRecordDir(*worker_), name);  // the user asked to run it again
    // The plan (Connect's RestartPlan) is made from the very state the restart acts on: nothing
    // can change the tasks in between, since only this loop changes them.
    ConnectorStatus plan{name, {0, runStateName(c.state), c.trace}, {}, c.type};
    std::vector<size_t> restartTasks;
    for (size_t i = 0; i < c.tasks.size(); ++i) {
      auto ts = c.tasks[i]->status();
      plan.tasks.push_back({static_cast<int>(i), runStateName(ts.state), ts.trace});
      if (includeTasks && (!onlyFailed || ts.state == RunState::Failed)) restartTasks.push_back(i);
    }
    bool connectorToo = !onlyFailed || c.state == RunState::Failed;
    if (connectorToo) plan.connector.state = "RESTARTING";
    for (size_t i : restartTasks) plan.tasks[i].state = "RESTARTING";

    if (connectorToo && c.state == RunState::Failed) {
      if (!revalidate(c)) return plan;
      c.state = connectorStateFor(c.target);
      c.trace.clear();
      if (c.tasks.empty() && c.target == TargetState::Started) startTasks(name, c);
    }
    for (size_t i : restartTasks)
      if (i < c.tasks.size()) restartTaskAt(name, c, i);
    return plan;
  });
}

void Herder::restartTask(const std::string& name, int task) {
  onLoop([&] {
    std::string notFound = "Task " + name + "-" + std::to_string(task) + " not found";
    Connector& c = get(name, notFound);
    if (task < 0 || static_cast<size_t>(task) >= c.tasks.size()) throw HerderError(404, notFound);
    clearCrashRecords(crashRecordDir(*worker_), name);  // the user asked to run it again
    restartTaskAt(name, c, static_cast<size_t>(task));
  });
}

void Herder::resetActiveTopics(const std::string& name) {
  onLoop([&] {
    auto it = connectors_.find(name);
    if (it != connectors_.end()) it->second.topics.clear();
  });
}

std::vector<OffsetEntry> Herder::offsets(const std::string& name) const {
  bool framework;
  std::vector<std::string> topics;
  {
    auto s = snapshot();
    const ConnectorView& c = viewOf(*s, name, "Connector " + name + " not found");
    framework = usesFrameworkOffsets(c.type, c.config);
    auto it = c.config.find("topics");
    if (it != c.config.end()) topics = splitConfigList(it->second);
    for (const auto& t : activeTopics(name)) topics.push_back(t);  // topics.regex matches seen so far
  }
  std::sort(topics.begin(), topics.end());
  topics.erase(std::unique(topics.begin(), topics.end()), topics.end());
  std::vector<OffsetEntry> out;
  if (!framework) {
    auto group = readGroupOffsets(*worker_, "connect-" + name, topics);
    if (!group.ok()) throw HerderError(500, group.error());
    for (const auto& o : *group)
      out.push_back({{{"kafka_topic", o.topic}, {"kafka_partition", o.partition}}, {{"kafka_offset", o.offset}}});
    return out;
  }
  for (const auto& [p, o] : offsets_->all(name)) {
    auto partition = nlohmann::json::parse(p, nullptr, false);
    auto offset = nlohmann::json::parse(o, nullptr, false);
    if (partition.is_discarded() || offset.is_discarded()) continue;
    out.push_back({partition, offset});
  }
  return out;
}

namespace {

// A client's value in an error message: never echoed back whole.
std::string shortText(const nlohmann::json& j) {
  std::string text = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return text.size() <= 200 ? text : text.substr(0, 200) + "... (" + std::to_string(text.size()) + " bytes)";
}

// OffsetUtils.validateFormat: flat maps with primitive values.
void checkFlat(const nlohmann::json& j, const std::string& what) {
  if (j.is_null() && what == "offset") return;
  if (!j.is_object())
    throw HerderError(400, "The " + what + " for a source connector offset must be a JSON object, got " + shortText(j));
  for (const auto& [k, v] : j.items())
    if (v.is_object() || v.is_array())
      throw HerderError(400, "The " + what + " for a source connector offset may only contain primitive values, but '" + k +
                                 "' is " + shortText(v));
}

int64_t sinkNumber(const nlohmann::json& v, const std::string& what) {
  if (v.is_number_integer()) return v.get<int64_t>();
  std::string text = v.is_string() ? v.get<std::string>() : v.dump();
  try {
    size_t used = 0;
    int64_t n = std::stoll(text, &used);
    if (used == text.size()) return n;
  } catch (const std::exception&) {
  }
  std::string kind = what == "partition" ? "Partition" : "Offset";
  throw HerderError(400, "Failed to parse the following Kafka " + what + " value in the provided offsets: '" + text + "'. " +
                             kind + " values for sink connectors need to be integers.");
}

// SinkUtils.parseSinkConnectorOffsets checks.
void checkSinkEntry(const OffsetEntry& e) {
  if (!e.partition.is_object() || !e.partition.contains("kafka_topic") || !e.partition.contains("kafka_partition"))
    throw HerderError(400, "The partition for a sink connector offset must contain the keys 'kafka_topic' and 'kafka_partition'");
  if (!e.offset.is_null() && (!e.offset.is_object() || !e.offset.contains("kafka_offset")))
    throw HerderError(400, "The offset for a sink connector should either be null or contain the key 'kafka_offset'");
  if (!e.partition["kafka_topic"].is_string())
    throw HerderError(400, "Kafka topic names must be valid strings and may not be null");
  if (e.partition["kafka_partition"].is_null())
    throw HerderError(400, "Kafka partitions must be valid numbers and may not be null");
  sinkNumber(e.partition["kafka_partition"], "partition");
  if (!e.offset.is_null()) sinkNumber(e.offset["kafka_offset"], "offset");
}

}  // namespace

void Herder::alterOffsets(const std::string& name, const std::vector<OffsetEntry>& entries) {
  onLoop([&] {
    const Connector& c = get(name, "Connector " + name + " not found");
    if (entries.empty()) throw HerderError(400, "Partitions / offsets need to be provided for an alter offsets request");
    if (c.target != TargetState::Stopped || !c.tasks.empty()) throw HerderError(400, notStoppedMessage(name));
    bool framework = usesFrameworkOffsets(c.type, c.config);
    for (const auto& e : entries) {
      // Sink connectors take Connect's sink format whatever feeds them; so does a kafka-source
      // connector, whose offsets are its consumer group's.
      if (c.type == ConnectorType::Sink || !framework) {
        checkSinkEntry(e);
      } else {
        checkFlat(e.partition, "partition");
        checkFlat(e.offset, "offset");
      }
    }
    if (!framework) {
      std::vector<GroupOffset> wanted;
      for (const auto& e : entries)
        wanted.push_back({e.partition["kafka_topic"].get<std::string>(),
                          static_cast<int32_t>(sinkNumber(e.partition["kafka_partition"], "partition")),
                          e.offset.is_null() ? -1 : sinkNumber(e.offset["kafka_offset"], "offset")});
      auto r = alterGroupOffsets(*worker_, "connect-" + name, wanted);
      if (!r.ok()) throw HerderError(500, r.error());
      return;
    }
    auto existing = offsets_->all(name);
    for (const auto& e : entries) {
      // Reuse the stored key text when it is the same partition, so the task finds it again.
      std::string key = e.partition.dump();
      for (const auto& [p, _] : existing)
        if (nlohmann::json::parse(p, nullptr, false) == e.partition) key = p;
      if (e.offset.is_null()) offsets_->remove(name, key);
      else offsets_->write(name, key, e.offset.dump());
    }
    if (!offsets_->flush()) throw HerderError(500, "Failed to write the offsets for connector " + name + "; see the worker log");
  });
}

void Herder::resetOffsets(const std::string& name) {
  onLoop([&] {
    const Connector& c = get(name, "Connector " + name + " not found");
    if (c.target != TargetState::Stopped || !c.tasks.empty()) throw HerderError(400, notStoppedMessage(name));
    if (!usesFrameworkOffsets(c.type, c.config)) {
      auto r = deleteGroupOffsets(*worker_, "connect-" + name);
      if (!r.ok()) throw HerderError(500, r.error());
      return;
    }
    offsets_->removeAll(name);
    if (!offsets_->flush()) throw HerderError(500, "Failed to write the offsets for connector " + name + "; see the worker log");
  });
}

}  // namespace sluice
