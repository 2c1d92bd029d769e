#include "cli/plugins_command.hpp"

#include <iostream>
#include <nlohmann/json.hpp>

#include "common/paths.hpp"
#include "plugin/plugin_loader.hpp"
#include "plugin/plugin_registry.hpp"

namespace sluice {

namespace {

struct PluginsOptions {
  std::vector<std::string> paths;
  std::string name;
  std::string format = "json";
  std::string file;
};

std::unique_ptr<PluginRegistry> scan(const PluginsOptions& o) {
  auto registry = std::make_unique<PluginRegistry>();
  registry->scanDirectory(builtinPluginDir());
  for (const auto& p : o.paths) registry->scanDirectory(p);
  return registry;
}

nlohmann::json describeJson(const PluginDescriptor& p) {
  nlohmann::json config = nlohmann::json::array();
  for (const auto& k : p.config) {
    config.push_back({{"name", k.name},
                      {"type", configTypeName(k.type)},
                      {"required", k.required},
                      {"default_value", k.defaultValue ? nlohmann::json(*k.defaultValue) : nlohmann::json()},
                      {"importance", importanceName(k.importance)},
                      {"documentation", k.documentation},
                      {"group", k.group ? nlohmann::json(*k.group) : nlohmann::json()},
                      {"order", k.order},
                      {"validator", k.validator.empty() ? nlohmann::json() : nlohmann::json(k.validator)}});
  }
  return {{"name", p.name},       {"kind", kindName(p.kind)}, {"version", p.version}, {"description", p.description},
          {"aliases", p.aliases}, {"path", p.path},           {"config", config}};
}

std::string describeMarkdown(const PluginDescriptor& p) {
  std::string out = "# " + p.name + " (" + kindName(p.kind) + ", " + p.version + ")\n\n" + p.description + "\n\n";
  if (!p.aliases.empty()) {
    out += "Aliases:";
    for (const auto& a : p.aliases) out += " `" + a + "`";
    out += "\n\n";
  }
  out += "| Key | Type | Default | Valid values | Importance | Description |\n|---|---|---|---|---|---|\n";
  for (const auto& k : p.config) {
    std::string def = k.required ? "(required)" : k.defaultValue ? "`" + *k.defaultValue + "`" : "null";
    out += "| `" + k.name + "` | " + configTypeName(k.type) + " | " + def + " | " + (k.validator.empty() ? "" : "`" + k.validator + "`") +
           " | " + importanceName(k.importance) + " | " + k.documentation + " |\n";
  }
  return out;
}

}  // namespace

void addPluginsCommand(CLI::App& app) {
  auto opts = std::make_shared<PluginsOptions>();
  auto* plugins = app.add_subcommand("plugins", "List, describe and check plugins");
  plugins->require_subcommand(1);

  auto* list = plugins->add_subcommand("list", "List the plugins found (built-in folder plus --path folders)");
  list->add_option("--path", opts->paths, "Extra plugin folder (repeatable)");
  list->callback([opts] {
    auto registry = scan(*opts);
    for (const auto& p : registry->plugins()) {
      std::cout << p->name << "\t" << kindName(p->kind) << "\t" << p->version << "\t" << p->description << "\n";
    }
    for (const auto& r : registry->refused()) std::cerr << "refused: " << r.reason << "\n";
  });

  auto* describe = plugins->add_subcommand("describe", "Print a plugin's description and config table");
  describe->add_option("name", opts->name, "Plugin name or alias")->required();
  describe->add_option("--format", opts->format, "json or markdown")->check(CLI::IsMember({"json", "markdown"}));
  describe->add_option("--path", opts->paths, "Extra plugin folder (repeatable)");
  describe->callback([opts] {
    auto registry = scan(*opts);
    auto p = registry->find(opts->name);
    if (!p) {
      std::cerr << "sluice: unknown plugin '" << opts->name << "'\n";
      throw CLI::RuntimeError(1);
    }
    if (opts->format == "markdown")
      std::cout << describeMarkdown(*p);
    else
      std::cout << describeJson(*p).dump(2) << "\n";
  });

  auto* check = plugins->add_subcommand("check", "Load one .so through the ABI handshake and report the result");
  check->add_option("file", opts->file, "Path to the .so")->required();
  check->callback([opts] {
    auto loaded = loadPluginFile(opts->file);
    if (!loaded.ok()) {
      std::cerr << "refused: " << loaded.error() << "\n";
      throw CLI::RuntimeError(1);
    }
    for (const auto& p : loaded.value()) std::cout << "ok: " << p->name << " (" << kindName(p->kind) << ", " << p->version << ")\n";
  });
}

}  // namespace sluice
