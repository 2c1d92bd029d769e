#include "app/worker.hpp"

#include <sluice_kafka/sensitive_keys.hpp>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "common/logging.hpp"
#include "common/paths.hpp"
#include "plugin/plugin_call.hpp"
#include "plugin/plugin_permissions.hpp"
#include "runtime/connector_topics.hpp"
#include "runtime/isolated_pipeline.hpp"
#include "runtime/pipeline.hpp"
#include "storage/file_config_store.hpp"
#include "storage/file_offset_store.hpp"

namespace sluice {

namespace {

// Stable and non-empty without asking Kafka: derived from bootstrap.servers.
std::string clusterIdFor(const std::string& bootstrap) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : bootstrap) h = (h ^ c) * 1099511628211ULL;
  char buf[32];
  std::snprintf(buf, sizeof buf, "sluice-%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace

Worker::Worker(WorkerConfig config) : config_(std::move(config)) {}

Worker::~Worker() { stop(); }

std::vector<std::string> Worker::pluginDirs() const {
  std::vector<std::string> dirs{builtinPluginDir()};
  for (const auto& d : config_.pluginPath())
    if (d != dirs.front()) dirs.push_back(d);
  return dirs;
}

Result<bool> Worker::start() {
  auto log = logger("sluice.worker");
  // As Connect's "WorkerConfig values:" line: every setting, secrets as [hidden] (sasl.jaas.config,
  // *.password, ...), so a support bundle of logs holds no password.
  std::string shown;
  for (const auto& [key, value] : config_.values()) shown += "\n\t" + key + " = " + kafka::shownConfigValue(key, value);
  log->info("worker config values:{}", shown);
  for (const auto& key : config_.unknownKeys()) log->warn("the configuration '{}' was supplied but isn't a known config", key);
  std::string permissionsValue = config_.get("plugin.path.permissions", "strict");
  auto permissions = parsePluginPermissions(permissionsValue);
  if (!permissions)
    return Error{"invalid value '" + permissionsValue + "' for plugin.path.permissions: expected strict or relaxed"};
  if (*permissions == PluginPermissions::Relaxed)
    log->warn("plugin.path.permissions is relaxed: plugin files are loaded whoever owns or can write them (development only)");
  registry_->setPermissions(*permissions);
  for (const auto& dir : pluginDirs()) registry_->scanDirectory(dir);
  watcher_ = std::make_unique<PluginWatcher>(*registry_, pluginDirs(),
                                             static_cast<int>(config_.getLong("plugin.scan.interval.ms", 1000)));
  log->info("worker started with {} plugins ({} refused)", registry_->plugins().size(), registry_->refused().size());

  std::string clusterId = clusterIdFor(config_.bootstrapServers());
  if (isEmbeddedBootstrap(config_.bootstrapServers())) {
    auto options = EmbeddedClusterOptions::fromConfig(config_.values());
    if (!options.ok()) return Error{options.error()};
    auto cluster = EmbeddedCluster::start(*options);
    if (!cluster.ok()) return Error{"embedded Kafka: " + cluster.error()};
    kafka_ = std::move(cluster.value());
    config_.set("bootstrap.servers", kafka_->bootstrapServers());  // pipelines and admin clients connect here
    // The mock group coordinator completes a rebalance only when the departed member's session
    // times out (45 s by default), so connector restarts would stall that long.
    if (config_.get("consumer.session.timeout.ms").empty()) config_.set("consumer.session.timeout.ms", "6000");
    log->info("embedded Kafka listening on {}", kafka_->bootstrapServers());
  }

  std::string offsetFile = config_.get("offset.storage.file.filename");
  if (offsetFile.empty()) {
    log->warn("offset.storage.file.filename is not set: source offsets are kept in memory only");
    offsets_ = std::make_unique<MemoryOffsetStore>();
  } else {
    auto store = FileOffsetStore::open(offsetFile);
    if (!store.ok()) return Error{store.error()};
    offsets_ = std::move(store.value());
  }
  std::string configFile = config_.get("config.storage.file.filename");
  if (configFile.empty()) log->warn("config.storage.file.filename is not set: connectors are not kept across restarts");
  auto configs = FileConfigStore::open(configFile);
  if (!configs.ok()) return Error{configs.error()};
  configs_ = std::move(configs.value());

  std::string host = config_.restHost();
  auto factory = [this](const PipelineSpec& spec) -> Result<std::unique_ptr<Pipeline>> {
    PluginTaskScope task(spec.connector, spec.taskId);  // the plugins built here know their task, for crash blame
    if (kafka_) createEmbeddedTopics(spec.config);
    if (wantsProcessIsolation(spec.config)) {
      IsolationOptions options;
      options.pluginDirs = pluginDirs();
      options.gracefulStopMs = static_cast<int>(config_.getLong("task.shutdown.graceful.timeout.ms", 5000));
      return std::unique_ptr<Pipeline>(std::make_unique<IsolatedPipeline>(spec, std::move(options)));
    }
    return Pipeline::build(spec);
  };
  // The herder and its tasks get their own copy of the config, complete now that bootstrap.servers is known.
  herder_ = std::make_unique<Herder>(std::make_shared<const WorkerConfig>(config_), registry_, offsets_, *configs_, factory, "");
  rest_context_ = std::unique_ptr<RestContext>(new RestContext{*herder_, *registry_, config_, clusterId});
  for (const auto& listener : config_.restListeners()) {
    rest_.push_back(std::make_unique<RestServer>(*rest_context_));
    auto bound = rest_.back()->start(listener);
    if (!bound.ok()) return Error{bound.error()};
    if (rest_.size() == 1) restPort_ = *bound;  // the first listener is the worker's address
  }
  // worker_id = <advertised host>:<advertised port> (Connect's AbstractConnectCli); port 0 is known only now.
  std::string advertisedHost =
      config_.get("rest.advertised.host.name", host == "0.0.0.0" || host.empty() ? "127.0.0.1" : host);
  int64_t advertisedPort = config_.getLong("rest.advertised.port", restPort_);
  herder_->setWorkerId(advertisedHost + ":" + std::to_string(advertisedPort));

  size_t restored = herder_->restore();
  if (restored > 0) log->info("restored {} connectors from {}", restored, configFile);
  flusher_ = std::thread([this] { flushLoop(); });
  return true;
}

void Worker::ready() {
  if (rest_context_) rest_context_->ready = true;
}

Result<bool> Worker::addConnectorFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error{path + ": cannot read the connector file"};
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text.str());
  } catch (const nlohmann::json::parse_error& e) {
    return Error{path + ": malformed JSON at byte " + std::to_string(e.byte) + ": " + e.what()};
  }
  if (!doc.is_object()) return Error{path + ": a connector file must hold a JSON object"};
  nlohmann::json flat = doc;
  std::optional<TargetState> initial;
  if (doc.contains("config") && doc["config"].is_object()) {  // {name, config[, initial_state]}
    flat = doc["config"];
    if (doc.contains("name") && doc["name"].is_string() && !flat.contains("name")) flat["name"] = doc["name"];
    if (doc.contains("initial_state") && doc["initial_state"].is_string()) {
      TargetState t;
      if (!parseTargetState(doc["initial_state"].get<std::string>(), t))
        return Error{path + ": initial_state must be RUNNING, PAUSED or STOPPED"};
      initial = t;
    }
  }
  std::map<std::string, std::string> config;
  std::set<std::string> nullKeys;
  for (const auto& [k, v] : flat.items()) {
    if (v.is_string()) config[k] = v.get<std::string>();
    else if (v.is_number() || v.is_boolean()) config[k] = v.dump();
    else if (v.is_null()) nullKeys.insert(k);
    else return Error{path + ": config value '" + k + "' must be a string, number or boolean"};
  }
  auto name = config.find("name");
  if (name == config.end() || name->second.empty()) return Error{path + ": the connector has no name"};
  try {
    // A connector already restored from the config store is updated in place (it keeps its state).
    bool created = herder_->putConnector(name->second, config, nullKeys, initial, true);
    logger("sluice.worker")->info("connector {} {} from {}", name->second, created ? "created" : "updated", path);
  } catch (const HerderError& e) {
    return Error{path + ": " + e.what()};
  }
  return true;
}

void Worker::createEmbeddedTopics(const std::map<std::string, std::string>& connectorConfig) {
  auto log = logger("sluice.worker");
  for (const auto& topic : topicsNamedIn(connectorConfig)) {
    auto created = kafka_->ensureTopic(topic);
    if (!created.ok()) log->warn("{}", created.error());  // the task's own client then reports the topic problem
    else if (*created) log->info("embedded Kafka: created topic {} with {} partitions", topic, kafka_->defaultPartitions());
  }
}

void Worker::flushLoop() {
  auto interval = std::chrono::milliseconds(std::max<int64_t>(config_.getLong("offset.flush.interval.ms", 10000), 10));
  std::unique_lock<std::mutex> lock(flushMutex_);
  while (!stopping_) {
    flushCv_.wait_for(lock, interval, [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    offsets_->flush();
    lock.lock();
  }
}

void Worker::stop() {
  {
    std::lock_guard<std::mutex> lock(flushMutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  flushCv_.notify_all();
  if (rest_context_) rest_context_->ready = false;
  for (auto& server : rest_) server->stop();
  if (herder_) herder_->shutdown();  // stops tasks within task.shutdown.graceful.timeout.ms, flushes offsets
  if (flusher_.joinable()) flusher_.join();
  if (offsets_) offsets_->flush();
  rest_.clear();
  herder_.reset();
  watcher_.reset();
  kafka_.reset();
}

}  // namespace sluice
