#include "runtime/builtin_plugins.hpp"

namespace sluice {

namespace {

ConfigKey key(std::string name, sluice_config_type type, std::optional<std::string> def, sluice_importance importance,
              std::string doc, std::string validator = "", bool required = false) {
  ConfigKey k;
  k.name = std::move(name);
  k.type = type;
  k.required = required;
  k.defaultValue = std::move(def);
  k.importance = importance;
  k.documentation = std::move(doc);
  k.validator = std::move(validator);
  return k;
}

// Connect's PluginUtils.computeAliases: simple name, and simple name minus the type suffix.
std::vector<std::string> aliasesOf(const std::string& className, const std::string& suffix) {
  std::string simple = className.substr(className.rfind('.') + 1);
  std::vector<std::string> out{simple};
  if (!suffix.empty() && simple.size() > suffix.size() && simple.ends_with(suffix))
    out.push_back(simple.substr(0, simple.size() - suffix.size()));
  return out;
}

BuiltinPlugin make(std::string className, std::string type, std::string suffix, std::vector<ConfigKey> config) {
  BuiltinPlugin p{std::move(className), std::move(type), {}, std::move(config)};
  p.aliases = aliasesOf(p.className, suffix);
  return p;
}

std::vector<BuiltinPlugin> buildCatalog() {
  const std::string preds = "org.apache.kafka.connect.transforms.predicates.";
  std::vector<BuiltinPlugin> all;
  all.push_back(make(preds + "HasHeaderKey", "predicate", "",
                     {key("name", SLUICE_CFG_STRING, std::nullopt, SLUICE_IMPORTANCE_MEDIUM, "The header name.", "", true)}));
  all.push_back(make(preds + "RecordIsTombstone", "predicate", "", {}));
  all.push_back(make(preds + "TopicNameMatches", "predicate", "",
                     {key("pattern", SLUICE_CFG_STRING, std::nullopt, SLUICE_IMPORTANCE_MEDIUM,
                          "A Java regular expression for matching against the name of a record's topic.", "", true)}));

  auto jsonConfig = std::vector<ConfigKey>{
      key("schemas.enable", SLUICE_CFG_BOOLEAN, "true", SLUICE_IMPORTANCE_HIGH,
          "Include schemas within each of the serialized values and keys."),
      key("schemas.cache.size", SLUICE_CFG_INT, "1000", SLUICE_IMPORTANCE_HIGH,
          "The maximum number of schemas that can be cached in this converter instance.", "[0,]"),
      key("decimal.format", SLUICE_CFG_STRING, "BASE64", SLUICE_IMPORTANCE_LOW,
          "Controls which format this converter will serialize decimals in.", "BASE64,NUMERIC"),
      key("replace.null.with.default", SLUICE_CFG_BOOLEAN, "true", SLUICE_IMPORTANCE_LOW,
          "Whether to replace fields that have a default value and that are null to the default value."),
  };
  auto stringConfig = std::vector<ConfigKey>{key("converter.encoding", SLUICE_CFG_STRING, "UTF-8",
                                                 SLUICE_IMPORTANCE_HIGH, "The name of the Java character set to use.")};
  all.push_back(make("org.apache.kafka.connect.converters.ByteArrayConverter", "converter", "Converter", {}));
  all.push_back(make("org.apache.kafka.connect.json.JsonConverter", "converter", "Converter", jsonConfig));
  all.push_back(make("org.apache.kafka.connect.storage.StringConverter", "converter", "Converter", stringConfig));
  // Both converters are also header converters in Connect; only SimpleHeaderConverter is listed here.
  all.push_back(make("org.apache.kafka.connect.storage.SimpleHeaderConverter", "header_converter", "Converter", {}));
  return all;
}

}  // namespace

const std::vector<BuiltinPlugin>& builtinPlugins() {
  static const std::vector<BuiltinPlugin> catalog = buildCatalog();
  return catalog;
}

const BuiltinPlugin* findBuiltin(const std::string& nameOrAlias) {
  for (const auto& p : builtinPlugins()) {
    if (p.className == nameOrAlias) return &p;
    for (const auto& a : p.aliases)
      if (a == nameOrAlias) return &p;
  }
  return nullptr;
}

}  // namespace sluice
