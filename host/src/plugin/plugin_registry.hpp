#pragma once
// PluginRegistry: every accepted plugin by name and alias, and every refused file with its reason.
// Thread-safe: the directory watcher adds while the REST API and the runtime read.
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "plugin/plugin_descriptor.hpp"

namespace sluice {

struct RefusedPlugin {
  std::string path;
  std::string reason;
};

class PluginRegistry {
 public:
  // Loads one file. Returns "" when accepted, else the reason (also recorded in refused()).
  std::string loadFile(const std::string& path);
  // Loads every *.so directly inside `dir` (sorted, so duplicate resolution is deterministic) not
  // seen before with the same size and mtime. Returns the number of files newly looked at.
  size_t scanDirectory(const std::string& dir);

  // By name or alias (exact match, as Connect resolves aliases).
  PluginPtr find(const std::string& nameOrAlias) const;
  std::vector<PluginPtr> plugins() const;  // sorted by name
  std::vector<RefusedPlugin> refused() const;

 private:
  std::string addAll(const std::string& path, const std::vector<PluginPtr>& found);

  mutable std::mutex mutex_;
  std::map<std::string, PluginPtr> byName_;   // names and aliases
  std::map<std::string, PluginPtr> plugins_;  // names only
  std::map<std::string, RefusedPlugin> refused_;
  std::map<std::string, std::string> seen_;   // path -> "size:mtime" when last looked at
};

}  // namespace sluice
