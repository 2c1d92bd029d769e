#include "config/worker_config.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/config_providers.hpp"
#include "config/listeners.hpp"
#include "config/worker_keys.hpp"

namespace sluice {

namespace {

// Far deeper than any dotted Kafka key; a YAML alias that contains itself (`a: &x {b: *x}`) is endless.
constexpr int kMaxNesting = 32;

std::string lineOf(const YAML::Node& node) { return "line " + std::to_string(node.Mark().line + 1); }

Result<bool> flatten(const YAML::Node& node, const std::string& prefix, std::map<std::string, std::string>& out,
                     int depth = 0) {
  if (depth > kMaxNesting)
    return Error{"'" + prefix.substr(0, 200) + "...' is nested more than " + std::to_string(kMaxNesting) +
                 " levels deep (an alias that refers to itself?)"};
  if (node.IsMap()) {
    for (const auto& kv : node) {
      if (!kv.first.IsScalar())
        return Error{"keys must be plain text, but " + (prefix.empty() ? std::string("a key") : "a key under '" + prefix + "'") +
                     " at " + lineOf(kv.first) + " is a " + (kv.first.IsMap() ? "map" : kv.first.IsSequence() ? "list" : "null")};
      std::string key = kv.first.as<std::string>();
      auto r = flatten(kv.second, prefix.empty() ? key : prefix + "." + key, out, depth + 1);
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

// Every key of the table (config/worker_keys.hpp) with a value it does not allow, one line each.
std::vector<std::string> invalidSettings(const std::map<std::string, std::string>& values) {
  std::vector<std::string> out;
  for (const auto& [key, value] : values) {
    const WorkerKey* known = findWorkerKey(key);
    if (!known) continue;
    auto why = invalidWorkerValue(*known, value);
    if (!why) continue;
    if (known->type == WorkerKeyType::Listeners)
      out.push_back(*why);  // names the listener and the value already
    else
      out.push_back("invalid value '" + value + "' for " + key + ": " + *why);
  }
  return out;
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
  // KIP-297: ${provider:path:key} in the worker's own settings is resolved once, at start.
  auto resolved = resolveWorkerPlaceholders(config.values_);
  if (!resolved.ok()) return Error{origin + ": " + resolved.error()};
  config.values_ = std::move(resolved.value());
  auto invalid = invalidSettings(config.values_);
  if (!invalid.empty()) {
    std::string message;
    for (const auto& line : invalid) message += (message.empty() ? "" : "\n") + origin + ": " + line;
    return Error{message};
  }
  return config;
}

// Beyond fromYaml's checks (every value against config/worker_keys.hpp), a missing, unreadable or
// empty file and a directory are errors.
Result<WorkerConfig> WorkerConfig::load(const std::string& path) {
  // std::ifstream opens a directory and reads nothing from it, which would start a worker with every
  // default: each of these is refused with its cause instead.
  std::error_code ec;
  auto status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) return Error{path + ": no such worker config file"};
  if (std::filesystem::is_directory(status)) return Error{path + ": is a directory, not a worker config file"};
  std::ifstream in(path);
  if (!in) return Error{path + ": cannot read the worker config file: " + std::strerror(errno)};
  std::stringstream text;
  text << in.rdbuf();
  if (in.bad()) return Error{path + ": cannot read the worker config file: " + std::strerror(errno)};
  auto config = fromYaml(text.str(), path);
  if (config.ok() && config->values().empty())
    return Error{path + ": the worker config file has no settings (it must be a YAML map, e.g. 'bootstrap.servers: embedded')"};
  if (config.ok()) config->resolvePathsAgainst(std::filesystem::absolute(path, ec).parent_path().string());
  return config;
}

void WorkerConfig::resolvePathsAgainst(const std::string& folder) {
  // A relative path means the same file whatever folder the worker is started from: `data/x.json`
  // in config/worker.yaml is config/data/x.json.
  auto resolve = [&](const std::string& value) {
    std::filesystem::path p(value);
    return value.empty() || p.is_absolute() ? value : (std::filesystem::path(folder) / p).lexically_normal().string();
  };
  for (const char* key : {"config.storage.file.filename", "offset.storage.file.filename", "embedded.bootstrap.file"}) {
    auto it = values_.find(key);
    if (it != values_.end()) it->second = resolve(it->second);
  }
  for (const char* key : {"plugin.path", "file.allowed.paths"}) {
    auto it = values_.find(key);
    if (it == values_.end()) continue;
    std::string joined;
    std::stringstream items(it->second);
    for (std::string item; std::getline(items, item, ',');) {
      item.erase(0, item.find_first_not_of(" \t"));
      item.erase(item.find_last_not_of(" \t") + 1);
      if (item.empty()) continue;
      joined += (joined.empty() ? "" : ",") + resolve(item);
    }
    it->second = joined;
  }
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
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
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
  auto listener = parseListeners(get("listeners"));
  if (listener.ok()) return listener->host.empty() ? "0.0.0.0" : listener->host;
  return get("rest.host.name", "127.0.0.1");
}

int WorkerConfig::restPort() const {
  auto listener = parseListeners(get("listeners"));
  if (listener.ok()) return listener->port;
  return static_cast<int>(getLong("rest.port", 8083));
}

std::vector<Listener> WorkerConfig::restListeners() const {
  auto listeners = parseListenerList(get("listeners"));
  if (!listeners.ok()) return {Listener{"http", restHost(), restPort()}};
  for (auto& l : listeners.value())
    if (l.host.empty()) l.host = "0.0.0.0";  // as restHost(): every IPv4 interface
  return listeners.value();
}

std::map<std::string, std::string> WorkerConfig::withPrefix(const std::string& prefix) const {
  std::map<std::string, std::string> out;
  for (auto it = values_.lower_bound(prefix); it != values_.end() && it->first.rfind(prefix, 0) == 0; ++it)
    out[it->first.substr(prefix.size())] = it->second;
  return out;
}

const std::vector<std::string>& WorkerConfig::knownKeys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> names;
    for (const auto& k : workerKeys()) names.push_back(k.name);
    return names;
  }();
  return keys;
}

std::vector<std::string> WorkerConfig::unknownKeys() const {
  const auto& prefixes = workerPassThroughPrefixes();
  std::vector<std::string> out;
  for (const auto& entry : values_) {
    const std::string& k = entry.first;  // not a structured binding: clang 14 cannot capture those
    if (findWorkerKey(k)) continue;
    if (std::any_of(prefixes.begin(), prefixes.end(), [&](const std::string& p) { return k.rfind(p, 0) == 0; })) continue;
    out.push_back(k);
  }
  return out;
}

}  // namespace sluice
