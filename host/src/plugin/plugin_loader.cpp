#include "plugin/plugin_loader.hpp"

#include <dlfcn.h>

#include <cstring>
#include <regex>
#include <set>

#include "plugin/elf_check.hpp"
#include "plugin/host_context.hpp"
#include "plugin/private_image.hpp"

namespace sluice {

namespace {

std::string str(const char* s) { return s ? std::string(s) : std::string(); }

Error refuse(const std::string& path, const std::string& cause) { return Error{path + ": " + cause}; }

// The hooks each kind must provide, by name, for the error message.
std::vector<std::pair<const char*, bool>> requiredHooks(const sluice_plugin& p) {
  std::vector<std::pair<const char*, bool>> hooks = {
      {"create", p.create != nullptr}, {"start", p.start != nullptr}, {"stop", p.stop != nullptr}, {"destroy", p.destroy != nullptr}};
  if (p.kind == SLUICE_KIND_SOURCE) hooks.push_back({"poll", p.poll != nullptr});
  if (p.kind == SLUICE_KIND_TRANSFORM) hooks.push_back({"apply", p.apply != nullptr});
  if (p.kind == SLUICE_KIND_SINK) {
    hooks.push_back({"put", p.put != nullptr});
    hooks.push_back({"flush", p.flush != nullptr});
  }
  return hooks;
}

ConfigKey copyKey(const sluice_config_def& d) {
  ConfigKey k;
  k.name = str(d.name);
  k.type = d.type;
  k.required = (d.flags & SLUICE_CFG_REQUIRED) != 0;
  if (d.default_value) k.defaultValue = d.default_value;
  k.importance = d.importance;
  k.order = d.order;
  k.documentation = str(d.documentation);
  k.validator = str(d.validator);
  if (d.group) k.group = d.group;
  return k;
}

}  // namespace

bool isValidPluginName(const std::string& name) {
  static const std::regex kName("[a-z0-9]+(-[a-z0-9]+)*");
  return std::regex_match(name, kName);
}

Result<std::vector<PluginPtr>> loadPluginFile(const std::string& path, PluginPermissions permissions) {
  auto file = readPluginFile(path, permissions);
  if (!file.ok()) return Error{file.error()};
  return loadPluginFile(file.value());
}

Result<std::vector<PluginPtr>> loadPluginFile(const PluginFile& file) {
  const std::string& path = file.path;
  // Checked on the very bytes that are loaded, so the file cannot change in between.
  if (std::string problem = elfProblem(file.bytes); !problem.empty()) return refuse(path, problem);
  auto opened = dlopenPrivateCopy(file.bytes, path);
  if (!opened.ok()) return Error{opened.error()};
  void* handle = opened.value();
  // From here on the library stays loaded even when refused: unloading code that may have run
  // static constructors is not worth the risk, and a refused file is loaded once.
  void* sym = dlsym(handle, SLUICE_ENTRY_SYMBOL);
  if (!sym) return refuse(path, "no entry symbol '" SLUICE_ENTRY_SYMBOL "' (is it a Sluice plugin?)");
  auto entry = reinterpret_cast<sluice_plugin_entry_fn>(sym);
  const sluice_manifest* m = entry(hostApi());
  if (!m) return refuse(path, "the plugin declined to load (its entry point returned NULL)");
  if (m->struct_size < kManifestSizeV1_0)
    return refuse(path, "manifest struct_size " + std::to_string(m->struct_size) + " is smaller than the ABI 1.0 size " +
                            std::to_string(kManifestSizeV1_0));
  if (m->abi_major != SLUICE_ABI_MAJOR)
    return refuse(path, "ABI major version " + std::to_string(m->abi_major) + " does not match the host's " +
                            std::to_string(SLUICE_ABI_MAJOR));
  if (m->abi_minor > SLUICE_ABI_MINOR)
    return refuse(path, "ABI version " + std::to_string(m->abi_major) + "." + std::to_string(m->abi_minor) +
                            " is newer than the host's " + std::to_string(SLUICE_ABI_MAJOR) + "." + std::to_string(SLUICE_ABI_MINOR));
  if (m->config_def_size < kConfigDefSizeV1_0)
    return refuse(path, "config_def_size " + std::to_string(m->config_def_size) + " is smaller than the ABI 1.0 size " +
                            std::to_string(kConfigDefSizeV1_0));
  if (m->record_size < kRecordSizeV1_0)
    return refuse(path, "record_size " + std::to_string(m->record_size) + " is smaller than the ABI 1.0 size " +
                            std::to_string(kRecordSizeV1_0));
  if (m->plugin_count == 0 || !m->plugins) return refuse(path, "the manifest lists no plugins");

  std::vector<PluginPtr> out;
  std::set<std::string> names;
  for (size_t i = 0; i < m->plugin_count; ++i) {
    const sluice_plugin* p = m->plugins[i];
    if (!p) return refuse(path, "plugin #" + std::to_string(i) + " is NULL");
    if (p->struct_size < kPluginSizeV1_0)
      return refuse(path, "plugin #" + std::to_string(i) + " struct_size " + std::to_string(p->struct_size) +
                              " is smaller than the ABI 1.0 size " + std::to_string(kPluginSizeV1_0));
    std::string name = str(p->name);
    if (!isValidPluginName(name))
      return refuse(path, "invalid plugin name '" + name + "' (lowercase letters and digits joined by '-')");
    if (p->kind != SLUICE_KIND_SOURCE && p->kind != SLUICE_KIND_TRANSFORM && p->kind != SLUICE_KIND_SINK)
      return refuse(path, "plugin '" + name + "' has unknown kind " + std::to_string(p->kind));
    for (auto& [hook, present] : requiredHooks(*p))
      if (!present) return refuse(path, std::string("plugin '") + name + "' (" + kindName(p->kind) + ") lacks the required hook '" + hook + "'");
    auto d = std::make_shared<PluginDescriptor>();
    d->name = name;
    d->kind = p->kind;
    for (const char* const* a = p->aliases; a && *a; ++a) d->aliases.emplace_back(*a);
    d->version = str(p->version);
    d->description = str(p->description);
    d->path = path;
    d->contentHash = file.contentHash;
    d->hooks = p;
    d->recordSize = m->record_size;
    // The plugin's config_def stride may be larger than ours (a newer minor appended members).
    const auto* base = reinterpret_cast<const uint8_t*>(p->config_defs);
    for (size_t k = 0; k < p->config_def_count && base; ++k) {
      const auto& def = *reinterpret_cast<const sluice_config_def*>(base + k * m->config_def_size);
      if (!def.name || !*def.name) return refuse(path, "plugin '" + name + "' has a config key with no name");
      d->config.push_back(copyKey(def));
    }
    for (const std::string& n : [&] {
           std::vector<std::string> all{d->name};
           all.insert(all.end(), d->aliases.begin(), d->aliases.end());
           return all;
         }()) {
      if (!names.insert(n).second) return refuse(path, "duplicate plugin name or alias '" + n + "' within the file");
    }
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace sluice
