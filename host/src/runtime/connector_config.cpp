#include "runtime/connector_config.hpp"

#include <algorithm>
#include <regex>

#include <sluice/text.hpp>

#include "config/config_validator.hpp"
#include "plugin/plugin_instance.hpp"
#include "runtime/builtin_plugins.hpp"
#include "runtime/pipeline.hpp"

namespace sluice {

namespace {

ConfigKey key(std::string name, sluice_config_type type, std::optional<std::string> def, sluice_importance importance,
              std::string group, int order, std::string doc, std::string validator = "") {
  ConfigKey k;
  k.name = std::move(name);
  k.type = type;
  k.required = !def.has_value() && (k.name == "name" || k.name == "connector.class");
  k.defaultValue = std::move(def);
  k.importance = importance;
  k.group = std::move(group);
  k.order = order;
  k.documentation = std::move(doc);
  k.validator = std::move(validator);
  return k;
}

std::string joinList(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

// Accumulates entries and groups in ConfigInfos order.
class InfosBuilder {
 public:
  explicit InfosBuilder(ConfigInfos& infos) : infos_(infos) {}

  void addGroup(const std::optional<std::string>& group) {
    if (group && std::find(infos_.groups.begin(), infos_.groups.end(), *group) == infos_.groups.end())
      infos_.groups.push_back(*group);
  }

  // Validates `table` (keys read with `prefix`) and appends one entry per key.
  void addTable(const std::vector<ConfigKey>& table, const std::map<std::string, std::string>& config,
                const std::string& prefix, std::map<std::string, std::string>& effective,
                const std::optional<std::string>& groupOverride = std::nullopt) {
    auto result = validateConfig(table, config, prefix);
    for (size_t i = 0; i < table.size(); ++i) {
      ConfigKey def = table[i];
      def.name = prefix + def.name;
      if (groupOverride) def.group = groupOverride;
      addGroup(def.group);
      ConfigEntry entry{def, def.name, result.values[i].value, {}, result.values[i].errors};
      if (result.values[i].value && !config.count(def.name)) effective[def.name] = *result.values[i].value;
      infos_.configs.push_back(std::move(entry));
    }
  }

  ConfigEntry* find(const std::string& name) {
    for (auto& e : infos_.configs)
      if (e.name == name) return &e;
    return nullptr;
  }

  // Attaches an error to `name`'s entry, or to a new definition-less entry.
  void addError(const std::string& name, const std::string& message, const std::map<std::string, std::string>& config) {
    if (auto* e = find(name)) {
      e->errors.push_back(message);
      return;
    }
    ConfigEntry entry{std::nullopt, name, std::nullopt, {}, {message}};
    auto it = config.find(name);
    if (it != config.end()) entry.value = it->second;
    undefined_.push_back(std::move(entry));
  }

  // Connect lists values with no definition first.
  void finish() { infos_.configs.insert(infos_.configs.begin(), undefined_.begin(), undefined_.end()); }

 private:
  ConfigInfos& infos_;
  std::vector<ConfigEntry> undefined_;
};

// Connect's NonEmptyStringWithoutControlChars for `name`.
std::string checkConnectorName(const std::string& name) {
  if (trim(name).empty()) return "String may not be empty";
  std::string codes;
  // Java's Character.isISOControl: U+0000-U+001F, U+007F and the C1 controls U+0080-U+009F (UTF-8 C2 80-C2 9F).
  for (size_t i = 0; i < name.size(); ++i) {
    auto c = static_cast<unsigned char>(name[i]);
    int code = -1;
    if (c < 0x20 || c == 0x7f) code = c;
    if (c == 0xC2 && i + 1 < name.size() && static_cast<unsigned char>(name[i + 1]) >= 0x80 &&
        static_cast<unsigned char>(name[i + 1]) <= 0x9F)
      code = static_cast<unsigned char>(name[++i]);
    if (code >= 0) codes += (codes.empty() ? "" : ", ") + std::to_string(code);
  }
  if (!codes.empty()) return "String may not contain control sequences but had the following ASCII chars: " + codes;
  return "";
}

std::string classNotFound(const std::string& value, const std::string& key) {
  return "Invalid value " + value + " for configuration " + key + ": Class " + value + " could not be found.";
}

// transforms / predicates: the chain's aliases, each with a type, its own keys and implicit keys.
void validateChain(InfosBuilder& b, const std::map<std::string, std::string>& config,
                   std::map<std::string, std::string>& effective, const PluginRegistry& registry, bool transforms) {
  const std::string listKey = transforms ? "transforms" : "predicates";
  auto it = config.find(listKey);
  if (it == config.end()) return;
  auto aliases = splitConfigList(it->second);
  std::set<std::string> seen;
  for (const auto& a : aliases) {
    if (!seen.insert(a).second) {
      std::string shown = "[" + joinList(aliases) + "]";
      b.addError(listKey, "Invalid value " + shown + " for configuration " + listKey + ": Duplicate alias provided.", config);
      return;
    }
  }
  std::vector<std::string> recommended;
  if (transforms) {
    for (const auto& p : registry.plugins())
      if (p->kind == SLUICE_KIND_TRANSFORM) recommended.push_back(p->name);
  } else {
    for (const auto& p : builtinPlugins())
      if (p.type == "predicate") recommended.push_back(p.className);
  }
  for (const auto& alias : aliases) {
    const std::string prefix = listKey + "." + alias + ".";
    const std::string group = (transforms ? "Transforms: " : "Predicates: ") + alias;
    ConfigKey typeKey = key("type", SLUICE_CFG_CLASS, std::nullopt, SLUICE_IMPORTANCE_HIGH, group, 0,
                            std::string("Class for the '") + alias + "' " + (transforms ? "transformation." : "predicate."));
    typeKey.required = true;
    std::vector<ConfigKey> table{typeKey};
    if (transforms) {
      table.push_back(key("negate", SLUICE_CFG_BOOLEAN, "false", SLUICE_IMPORTANCE_MEDIUM, group, 1,
                          "Whether the configured predicate should be negated."));
      table.push_back(key("predicate", SLUICE_CFG_STRING, std::nullopt, SLUICE_IMPORTANCE_MEDIUM, group, 2,
                          "The alias of a predicate used to determine whether to apply this transformation."));
    }
    b.addTable(table, config, prefix, effective, group);
    if (auto* e = b.find(prefix + "type")) e->recommended = recommended;
    auto type = config.find(prefix + "type");
    if (type == config.end()) continue;
    if (transforms) {
      auto plugin = registry.find(type->second);
      if (!plugin || plugin->kind != SLUICE_KIND_TRANSFORM) {
        b.addError(prefix + "type", classNotFound(type->second, prefix + "type"), config);
        continue;
      }
      b.addTable(plugin->config, config, prefix, effective, group);
      if (config.count(prefix + "negate") && !config.count(prefix + "predicate"))
        b.addError(prefix + "negate",
                   "Config '" + prefix + "negate' was provided but there is no config '" + prefix +
                       "predicate' defining a predicate to be negated.",
                   config);
    } else {
      const BuiltinPlugin* p = findBuiltin(type->second);
      if (!p || p->type != "predicate") {
        b.addError(prefix + "type", classNotFound(type->second, prefix + "type"), config);
        continue;
      }
      b.addTable(p->config, config, prefix, effective, group);
    }
  }
}

// key.converter / value.converter / header.converter: must name a built-in; its keys under the prefix.
void validateConverters(InfosBuilder& b, const std::map<std::string, std::string>& config,
                        std::map<std::string, std::string>& effective) {
  for (std::string k : {"key.converter", "value.converter", "header.converter"}) {
    auto it = config.find(k);
    if (it == config.end() || trim(it->second).empty()) continue;
    const BuiltinPlugin* p = findBuiltin(trim(it->second));
    bool header = k == "header.converter";
    bool fits = p && (p->type == "converter" || (header && p->type == "header_converter"));
    if (!fits) {
      b.addError(k, classNotFound(it->second, k), config);
      continue;
    }
    b.addTable(p->config, config, k + ".", effective);
  }
}

void validateSinkTopics(InfosBuilder& b, const std::map<std::string, std::string>& config) {
  auto get = [&](const std::string& k) {
    auto it = config.find(k);
    return it == config.end() ? std::string() : trim(it->second);
  };
  std::string topics = get("topics"), regex = get("topics.regex");
  if (!topics.empty() && !regex.empty()) {
    const std::string m = "topics and topics.regex are mutually exclusive options, but both are set.";
    b.addError("topics", m, config);
    b.addError("topics.regex", m, config);
  } else if (topics.empty() && regex.empty()) {
    const std::string m = "Must configure one of topics or topics.regex";
    b.addError("topics", m, config);
    b.addError("topics.regex", m, config);
  }
  if (!regex.empty()) {
    try {
      std::regex re(regex);
    } catch (const std::regex_error& e) {
      b.addError("topics.regex", "Invalid value " + regex + " for configuration topics.regex: " + e.what(), config);
    }
  }
  std::string dlq = get("errors.deadletterqueue.topic.name");
  if (dlq.empty()) return;
  auto list = splitConfigList(topics);
  if (std::find(list.begin(), list.end(), dlq) != list.end())
    b.addError("topics",
               "The DLQ topic '" + dlq + "' may not be included in the list of topics ('topics=[" + joinList(list) +
                   "]') consumed by the connector",
               config);
  if (!regex.empty()) {
    try {
      if (std::regex_match(dlq, std::regex(regex)))
        b.addError("topics.regex",
                   "The DLQ topic '" + dlq + "' may not be matched by the regex for the topics ('topics.regex=" + regex +
                       "') consumed by the connector",
                   config);
    } catch (const std::regex_error&) {
    }
  }
}

}  // namespace

const char* connectorTypeName(ConnectorType type) {
  switch (type) {
    case ConnectorType::Source:
      return "source";
    case ConnectorType::Sink:
      return "sink";
    default:
      return "unknown";
  }
}

ConnectorType connectorTypeOf(const PluginPtr& plugin) {
  if (!plugin) return ConnectorType::Unknown;
  if (plugin->kind == SLUICE_KIND_SOURCE) return ConnectorType::Source;
  if (plugin->kind == SLUICE_KIND_SINK) return ConnectorType::Sink;
  return ConnectorType::Unknown;
}

size_t ConfigInfos::errorCount() const {
  size_t n = 0;
  for (const auto& c : configs) n += c.errors.size();
  return n;
}

std::vector<std::string> ConfigInfos::allErrors() const {
  std::vector<std::string> out;
  for (const auto& c : configs) out.insert(out.end(), c.errors.begin(), c.errors.end());
  return out;
}

std::vector<std::string> splitConfigList(const std::string& value) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= value.size()) {
    size_t end = value.find(',', start);
    if (end == std::string::npos) end = value.size();
    std::string item = trim(value.substr(start, end - start));
    if (!item.empty()) out.push_back(item);
    start = end + 1;
  }
  return out;
}

std::vector<ConfigKey> frameworkConfigKeys(ConnectorType type) {
  const std::string common = "Common", transforms = "Transforms", predicates = "Predicates",
                    errors = "Error Handling";
  std::vector<ConfigKey> keys{
      key("name", SLUICE_CFG_STRING, std::nullopt, SLUICE_IMPORTANCE_HIGH, common, 1,
          "Globally unique name to use for this connector."),
      key("connector.class", SLUICE_CFG_STRING, std::nullopt, SLUICE_IMPORTANCE_HIGH, common, 2,
          "Name or alias of the plugin this connector runs (e.g. NoopSource or noop-source)."),
      key("tasks.max", SLUICE_CFG_INT, "1", SLUICE_IMPORTANCE_HIGH, common, 3,
          "Maximum number of tasks to use for this connector.", "[1,]"),
      key("tasks.max.enforce", SLUICE_CFG_BOOLEAN, "true", SLUICE_IMPORTANCE_LOW, common, 4,
          "(Deprecated) Whether to enforce that the tasks.max property is respected by the connector."),
      key("key.converter", SLUICE_CFG_CLASS, std::nullopt, SLUICE_IMPORTANCE_LOW, common, 5,
          "Converter class used to convert between Kafka Connect format and the serialized form for keys."),
      key("value.converter", SLUICE_CFG_CLASS, std::nullopt, SLUICE_IMPORTANCE_LOW, common, 6,
          "Converter class used to convert between Kafka Connect format and the serialized form for values."),
      key("header.converter", SLUICE_CFG_CLASS, std::nullopt, SLUICE_IMPORTANCE_LOW, common, 7,
          "HeaderConverter class used to convert between Kafka Connect format and the serialized form for headers."),
      key("transforms", SLUICE_CFG_LIST, "", SLUICE_IMPORTANCE_LOW, transforms, 8,
          "Aliases for the transformations to be applied to records."),
      key("predicates", SLUICE_CFG_LIST, "", SLUICE_IMPORTANCE_LOW, predicates, 9,
          "Aliases for the predicates used by transformations."),
      key("config.action.reload", SLUICE_CFG_STRING, "restart", SLUICE_IMPORTANCE_LOW, common, 10,
          "The action to take when a change in configuration provider values is detected.", "none,restart"),
      key("plugin.isolation", SLUICE_CFG_STRING, "none", SLUICE_IMPORTANCE_LOW, common, 11,
          "Where this connector's tasks run: none (threads of the worker process) or process (one child "
          "process per task, so a crash in plugin code fails only that task, which restarts with backoff; "
          "costs a process and a round trip per batch).",
          "none,process"),
      key("errors.retry.timeout", SLUICE_CFG_LONG, "0", SLUICE_IMPORTANCE_MEDIUM, errors, 1,
          "The maximum duration in milliseconds that a failed operation will be reattempted."),
      key("errors.retry.delay.max.ms", SLUICE_CFG_LONG, "60000", SLUICE_IMPORTANCE_MEDIUM, errors, 2,
          "The maximum duration in milliseconds between consecutive retry attempts."),
      key("errors.tolerance", SLUICE_CFG_STRING, "none", SLUICE_IMPORTANCE_MEDIUM, errors, 3,
          "Behavior for tolerating errors during connector operation.", "none,all"),
      key("errors.log.enable", SLUICE_CFG_BOOLEAN, "false", SLUICE_IMPORTANCE_MEDIUM, errors, 4,
          "If true, write each error and the details of the failed operation to the log."),
      key("errors.log.include.messages", SLUICE_CFG_BOOLEAN, "false", SLUICE_IMPORTANCE_MEDIUM, errors, 5,
          "Whether to include in the log the Connect record that resulted in a failure."),
  };
  if (type == ConnectorType::Sink) {
    auto at = keys.begin() + 4;  // Connect puts topics/topics.regex right after tasks.max
    at = keys.insert(at, key("topics", SLUICE_CFG_LIST, "", SLUICE_IMPORTANCE_HIGH, common, 4,
                             "List of topics to consume, separated by commas"));
    keys.insert(at + 1, key("topics.regex", SLUICE_CFG_STRING, "", SLUICE_IMPORTANCE_HIGH, common, 4,
                            "Regular expression giving topics to consume."));
    keys.push_back(key("errors.deadletterqueue.topic.name", SLUICE_CFG_STRING, "", SLUICE_IMPORTANCE_MEDIUM, errors, 6,
                       "The name of the topic to be used as the dead letter queue (DLQ)."));
    keys.push_back(key("errors.deadletterqueue.topic.replication.factor", SLUICE_CFG_SHORT, "3",
                       SLUICE_IMPORTANCE_MEDIUM, errors, 7,
                       "Replication factor used to create the dead letter queue topic when it doesn't already exist."));
    keys.push_back(key("errors.deadletterqueue.context.headers.enable", SLUICE_CFG_BOOLEAN, "false",
                       SLUICE_IMPORTANCE_MEDIUM, errors, 8,
                       "If true, add headers containing error context to the messages written to the DLQ."));
  }
  return keys;
}

std::vector<ConfigKey> connectorPluginConfigKeys(const PluginDescriptor& plugin) {
  std::vector<ConfigKey> out = plugin.config;
  PluginPtr none;
  ConnectorType type = plugin.kind == SLUICE_KIND_SINK ? ConnectorType::Sink : ConnectorType::Source;
  for (auto& k : frameworkConfigKeys(type)) {
    bool own = std::any_of(out.begin(), out.end(), [&](const ConfigKey& c) { return c.name == k.name; });
    if (!own) out.push_back(std::move(k));
  }
  return out;
}

std::string javaMapString(const std::map<std::string, std::string>& config) {
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : config) {
    out += (first ? "" : ", ") + k + "=" + v;
    first = false;
  }
  return out + "}";
}

std::string invalidConfigMessage(const ConfigInfos& infos) {
  auto errors = infos.allErrors();
  std::string msg = "Connector configuration is invalid and contains the following " + std::to_string(errors.size()) +
                    " error(s):\n";
  for (const auto& e : errors) msg += e + "\n";
  return msg + "You can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`";
}

ConnectorValidation validateConnectorConfig(const std::map<std::string, std::string>& config,
                                            const PluginRegistry& registry, const std::set<std::string>& nullKeys,
                                            OverridePolicy policy, std::shared_ptr<const WorkerConfig> worker) {
  ConnectorValidation v;
  auto cls = config.find("connector.class");
  if (cls == config.end() || trim(cls->second).empty()) {
    v.failure = ConfigFailure{400, "Connector config " + javaMapString(config) + " contains no connector type"};
    return v;
  }
  v.plugin = registry.find(trim(cls->second));
  v.type = connectorTypeOf(v.plugin);
  if (v.type == ConnectorType::Unknown) {
    // Deliberate difference from Connect (which answers 500): an unknown class is the client's mistake, so
    // 400 rather than 500; the message prefix is Connect's.
    std::vector<std::string> names;
    for (const auto& p : registry.plugins())
      if (p->kind != SLUICE_KIND_TRANSFORM) names.push_back(p->name);
    v.failure = ConfigFailure{400, "Failed to find any class that implements Connector and which name matches " +
                                       cls->second + ", available connectors are: " + joinList(names)};
    v.plugin.reset();
    return v;
  }
  v.infos.name = cls->second;
  v.effective = config;
  InfosBuilder b(v.infos);
  for (const auto& g : {"Common", "Transforms", "Predicates", "Error Handling"}) b.addGroup(std::string(g));
  b.addTable(frameworkConfigKeys(v.type), config, "", v.effective);
  if (auto name = config.find("name"); name != config.end()) {
    std::string detail = checkConnectorName(name->second);
    if (!detail.empty()) b.addError("name", "Invalid value " + name->second + " for configuration name: " + detail, config);
  }
  if (v.type == ConnectorType::Sink) validateSinkTopics(b, config);
  validateChain(b, config, v.effective, registry, true);
  validateChain(b, config, v.effective, registry, false);
  // The plugin's own keys; a key the framework also defines keeps the framework entry.
  // Keys the host injects into every task (bootstrap.servers, group.id, task identity) are never
  // required from the user; the plugin's own validate() sees them as its tasks will.
  PipelineSpec probe;
  probe.connector = config.count("name") ? config.at("name") : "";
  probe.worker = std::move(worker);
  auto supplied = hostSuppliedProps(probe);
  std::vector<ConfigKey> own;
  for (const auto& k : v.plugin->config) {
    if (b.find(k.name)) continue;
    own.push_back(k);
    if (supplied.count(k.name)) own.back().required = false;
  }
  b.addTable(own, config, "", v.effective);
  auto pluginView = config;
  for (const auto& [k, value] : supplied) pluginView.emplace(k, value);
  // The worker's confinement is not the client's to lift: its value wins, as it does in the tasks.
  if (auto allowed = supplied.find("file.allowed.paths"); allowed != supplied.end()) pluginView[allowed->first] = allowed->second;
  for (const auto& [k, message] : runPluginValidate(*v.plugin, pluginView)) b.addError(k, message, config);
  validateConverters(b, config, v.effective);
  for (const auto& k : nullKeys) {
    if (auto* e = b.find(k)) e->value.reset();
    b.addError(k, "Null value can not be supplied as the configuration value.", config);
  }
  b.finish();
  for (const auto& o : connectorClientOverrides(config, policy)) {
    ConfigEntry entry{std::nullopt, o.name, o.value, {}, {}};
    if (o.refusal) entry.errors.push_back(*o.refusal);
    v.infos.configs.push_back(std::move(entry));
  }
  return v;
}

}  // namespace sluice
