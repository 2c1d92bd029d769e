#include "plugin/plugin_registry.hpp"

#include "common/logging.hpp"
#include "plugin/plugin_loader.hpp"

namespace sluice {

namespace {

std::vector<std::string> namesOf(const PluginDescriptor& p) {
  std::vector<std::string> names{p.name};
  names.insert(names.end(), p.aliases.begin(), p.aliases.end());
  return names;
}

}  // namespace

std::string PluginRegistry::addVersion(const std::string& path, uint64_t hash, const std::vector<PluginPtr>& found) {
  std::lock_guard<std::mutex> lock(mutex_);
  // A name this same file registered before is an upgrade; one another file holds is a duplicate.
  for (const auto& p : found)
    for (const auto& n : namesOf(*p)) {
      auto it = byName_.find(n);
      if (it != byName_.end() && it->second->path != path)
        return path + ": duplicate plugin name or alias '" + n + "' (already provided by " + it->second->path + ")";
    }
  FileState& state = files_[path];
  for (const auto& n : state.names) {  // what the old version had and the new one may have dropped
    byName_.erase(n);
    plugins_.erase(n);
  }
  state.names.clear();
  for (const auto& p : found) {
    plugins_[p->name] = p;
    for (const auto& n : namesOf(*p)) {
      byName_[n] = p;
      state.names.push_back(n);
    }
  }
  state.accepted = true;
  state.acceptedHash = hash;
  refused_.erase(path);
  return "";
}

std::string PluginRegistry::refuse(const std::string& path, std::string reason) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto state = files_.find(path);
  if (state != files_.end() && state->second.accepted) reason += " (the version loaded before stays registered)";
  logger("sluice.plugins")->error("refused plugin {}", reason);
  refused_[path] = RefusedPlugin{path, reason};
  return reason;
}

void PluginRegistry::setPermissions(PluginPermissions permissions) {
  std::lock_guard<std::mutex> lock(mutex_);
  permissions_ = permissions;
}

std::string PluginRegistry::loadFile(const std::string& path) {
  auto log = logger("sluice.plugins");
  PluginPermissions permissions;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    permissions = permissions_;
  }
  auto file = readPluginFile(path, permissions);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    FileState& state = files_[path];
    auto stamp = file.ok() ? Result<FileStamp>(file.value().stamp) : stampOf(path);
    if (stamp.ok()) state.stamp = stamp.value();
    // Same bytes as the registered version (touched, chmod'ed, copied over with itself): nothing
    // to load. dlopen'ing it again would only map a second copy.
    if (file.ok() && state.accepted && state.acceptedHash == file.value().contentHash) {
      refused_.erase(path);  // a refused newer version was put back to this one
      return "";
    }
  }
  if (!file.ok()) return refuse(path, file.error());
  auto loaded = loadPluginFile(file.value());
  if (!loaded.ok()) return refuse(path, loaded.error());
  std::string previous;
  if (auto old = find(loaded.value().front()->name); old && old->path == path) previous = old->version;
  if (std::string reason = addVersion(path, file.value().contentHash, loaded.value()); !reason.empty()) return refuse(path, reason);
  for (const auto& p : loaded.value()) {
    if (previous.empty())
      log->info("registered {} plugin '{}' {} from {}", kindName(p->kind), p->name, p->version, path);
    else
      log->info("registered {} plugin '{}' {} from {}, replacing {}: running tasks keep the version they started with until restarted",
                kindName(p->kind), p->name, p->version, path, previous);
  }
  return "";
}

size_t PluginRegistry::scanDirectory(const std::string& dir) {
  size_t looked = 0;
  for (const auto& [path, stamp] : listPluginFiles(dir)) {
    if (isCurrent(path, stamp)) continue;
    loadFile(path);
    ++looked;
  }
  return looked;
}

bool PluginRegistry::isCurrent(const std::string& path, const FileStamp& stamp) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = files_.find(path);
  return it != files_.end() && it->second.stamp == stamp;
}

PluginPtr PluginRegistry::find(const std::string& nameOrAlias) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = byName_.find(nameOrAlias);
  return it == byName_.end() ? nullptr : it->second;
}

std::vector<PluginPtr> PluginRegistry::plugins() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<PluginPtr> out;
  for (const auto& [_, p] : plugins_) out.push_back(p);
  return out;
}

std::vector<RefusedPlugin> PluginRegistry::refused() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<RefusedPlugin> out;
  for (const auto& [_, r] : refused_) out.push_back(r);
  return out;
}

}  // namespace sluice
