#include "plugin/plugin_registry.hpp"

#include <algorithm>
#include <filesystem>

#include "common/logging.hpp"
#include "plugin/plugin_loader.hpp"

namespace fs = std::filesystem;

namespace sluice {

std::string PluginRegistry::addAll(const std::string& path, const std::vector<PluginPtr>& found) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& p : found) {
    std::vector<std::string> names{p->name};
    names.insert(names.end(), p->aliases.begin(), p->aliases.end());
    for (const auto& n : names) {
      auto it = byName_.find(n);
      if (it != byName_.end() && it->second->path != path)
        return path + ": duplicate plugin name or alias '" + n + "' (already provided by " + it->second->path + ")";
    }
  }
  for (const auto& p : found) {
    plugins_[p->name] = p;
    byName_[p->name] = p;
    for (const auto& a : p->aliases) byName_[a] = p;
  }
  refused_.erase(path);
  return "";
}

std::string PluginRegistry::loadFile(const std::string& path) {
  auto log = logger("sluice.plugins");
  auto loaded = loadPluginFile(path);
  std::string reason = loaded.ok() ? addAll(path, loaded.value()) : loaded.error();
  if (reason.empty()) {
    for (const auto& p : loaded.value()) log->info("registered {} plugin '{}' {} from {}", kindName(p->kind), p->name, p->version, path);
    return "";
  }
  log->error("refused plugin {}", reason);
  std::lock_guard<std::mutex> lock(mutex_);
  refused_[path] = RefusedPlugin{path, reason};
  return reason;
}

size_t PluginRegistry::scanDirectory(const std::string& dir) {
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file(ec) && entry.path().extension() == ".so") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  size_t looked = 0;
  for (const auto& f : files) {
    auto size = fs::file_size(f, ec);
    auto mtime = fs::last_write_time(f, ec).time_since_epoch().count();
    std::string stamp = std::to_string(size) + ":" + std::to_string(mtime);
    std::string path = fs::absolute(f).lexically_normal().string();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = seen_.find(path);
      if (it != seen_.end() && it->second == stamp) continue;
      // A file that was accepted stays as it is: dlopen() of the same path returns the already
      // loaded image, so replacing a loaded plugin needs a restart (logged by the watcher).
      if (it != seen_.end() && refused_.count(path) == 0) {
        it->second = stamp;
        logger("sluice.plugins")->warn("{} changed on disk; the loaded version stays until the worker restarts", path);
        continue;
      }
      seen_[path] = stamp;
    }
    loadFile(path);
    ++looked;
  }
  return looked;
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
