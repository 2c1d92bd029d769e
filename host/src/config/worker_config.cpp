#include "config/worker_config.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace sluice {

namespace {

Result<bool> flatten(const YAML::Node& node, const std::string& prefix, std::map<std::string, std::string>& out) {
  if (node.IsMap()) {
    for (const auto& kv : node) {
      std::string key = kv.first.as<std::string>();
      auto r = flatten(kv.second, prefix.empty() ? key : prefix + "." + key, out);
      if (!r.ok()) return r;
    }
  } else if (node.IsSequence()) {
    std::string joined;
    for (const auto& item : node) {
      if (!item.IsScalar()) return Error{"'" + prefix + "' must be a list of plain values"};
      joined += (joined.empty() ? "" : ",") + item.as<std::string>();
    }
    out[prefix] = joined;
  } else if (node.IsScalar()) {
    out[prefix] = node.as<std::string>();
  } else if (node.IsNull()) {
    out[prefix] = "";
  }
  return true;
}

// "http://host:port" -> (host, port); the first listener wins.
bool parseListener(const std::string& listeners, std::string& host, int& port) {
  std::string first = listeners.substr(0, listeners.find(','));
  auto scheme = first.find("://");
  if (scheme == std::string::npos) return false;
  std::string rest = first.substr(scheme + 3);
  auto colon = rest.rfind(':');
  if (colon == std::string::npos) return false;
  host = rest.substr(0, colon);
  try {
    port = std::stoi(rest.substr(colon + 1));
  } catch (const std::exception&) {
    return false;
  }
  return true;
}

}  // namespace

Result<WorkerConfig> WorkerConfig::fromYaml(const std::string& text, const std::string& origin) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return Error{origin + ": invalid YAML at line " + std::to_string(e.mark.line + 1) + ", column " +
                 std::to_string(e.mark.column + 1) + ": " + e.msg};
  }
  WorkerConfig config;
  if (root.IsNull()) return config;
  if (!root.IsMap()) return Error{origin + ": the worker config must be a map of settings"};
  auto r = flatten(root, "", config.values_);
  if (!r.ok()) return Error{origin + ": " + r.error()};
  int port = 0;
  std::string host;
  auto listeners = config.get("listeners");
  if (!listeners.empty() && !parseListener(listeners, host, port))
    return Error{origin + ": listeners must look like http://host:port, got '" + listeners + "'"};
  return config;
}

Result<WorkerConfig> WorkerConfig::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error{path + ": cannot read the worker config file"};
  std::stringstream text;
  text << in.rdbuf();
  return fromYaml(text.str(), path);
}

WorkerConfig WorkerConfig::fromMap(std::map<std::string, std::string> values) {
  WorkerConfig c;
  c.values_ = std::move(values);
  return c;
}

std::string WorkerConfig::get(const std::string& key, const std::string& fallback) const {
  auto it = values_.find(key);
  return it == values_.end() ? fallback : it->second;
}

int64_t WorkerConfig::getLong(const std::string& key, int64_t fallback) const {
  auto it = values_.find(key);
  if (it == values_.end() || it->second.empty()) return fallback;
  try {
    return std::stoll(it->second);
  } catch (const std::exception&) {
    return fallback;
  }
}

bool WorkerConfig::getBool(const std::string& key, bool fallback) const {
  auto v = get(key);
  if (v == "true") return true;
  if (v == "false") return false;
  return fallback;
}

std::vector<std::string> WorkerConfig::pluginPath() const {
  std::vector<std::string> out;
  std::stringstream s(get("plugin.path"));
  std::string item;
  while (std::getline(s, item, ',')) {
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

std::string WorkerConfig::restHost() const {
  std::string host;
  int port = 0;
  if (parseListener(get("listeners"), host, port)) return host.empty() ? "0.0.0.0" : host;
  return get("rest.host.name", "127.0.0.1");
}

int WorkerConfig::restPort() const {
  std::string host;
  int port = 0;
  if (parseListener(get("listeners"), host, port)) return port;
  return static_cast<int>(getLong("rest.port", 8083));
}

std::map<std::string, std::string> WorkerConfig::withPrefix(const std::string& prefix) const {
  std::map<std::string, std::string> out;
  for (auto it = values_.lower_bound(prefix); it != values_.end() && it->first.rfind(prefix, 0) == 0; ++it)
    out[it->first.substr(prefix.size())] = it->second;
  return out;
}

const std::vector<std::string>& WorkerConfig::knownKeys() {
  static const std::vector<std::string> keys = {
      "bootstrap.servers", "plugin.path", "listeners", "rest.port", "rest.host.name", "rest.advertised.host.name",
      "rest.advertised.port", "offset.storage.file.filename", "config.storage.file.filename",
      "offset.flush.interval.ms", "offset.flush.timeout.ms", "key.converter", "value.converter", "header.converter",
      "task.shutdown.graceful.timeout.ms", "log.level", "embedded.brokers", "embedded.partitions",
      "embedded.bootstrap.file", "embedded.topics", "topic.tracking.enable", "topic.tracking.allow.reset",
      "rest.request.max.bytes", "plugin.scan.interval.ms", "group.id"};
  return keys;
}

std::vector<std::string> WorkerConfig::unknownKeys() const {
  static const std::vector<std::string> prefixes = {"producer.", "consumer.", "admin.", "key.converter.",
                                                    "value.converter.", "header.converter."};
  std::vector<std::string> out;
  for (const auto& [k, _] : values_) {
    if (std::find(knownKeys().begin(), knownKeys().end(), k) != knownKeys().end()) continue;
    if (std::any_of(prefixes.begin(), prefixes.end(), [&](const std::string& p) { return k.rfind(p, 0) == 0; })) continue;
    out.push_back(k);
  }
  return out;
}

}  // namespace sluice
