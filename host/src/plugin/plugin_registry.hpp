#pragma once
// PluginRegistry: every accepted plugin by name and alias, and every refused file with its reason.
// Thread-safe: the directory watcher adds while the REST API and the runtime read.
//
// Versions: a file that changes is loaded again, as a new version. Each name maps to the newest
// version loaded; descriptors already handed out (running tasks) keep theirs, whose image stays
// mapped because the host never unloads a plugin. A new version that is refused leaves the one
// before registered (and the refusal listed); a refused file that is fixed is simply accepted.
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "plugin/plugin_descriptor.hpp"
#include "plugin/plugin_file.hpp"

namespace sluice {

struct RefusedPlugin {
  std::string path;
  std::string reason;
};

class PluginRegistry {
 public:
  // How plugin files are checked before they are read (plugin.path.permissions); strict unless set.
  void setPermissions(PluginPermissions permissions);
  // Loads (or reloads) one file. Returns "" when accepted or unchanged, else the reason (also
  // recorded in refused()).
  std::string loadFile(const std::string& path);
  // Loads every *.so directly inside `dir` (sorted, so duplicate resolution is deterministic)
  // whose stamp differs from when it was last looked at, at once: for start-up and the CLI. The
  // watcher waits for a file to be stable first. Returns the number of files looked at.
  size_t scanDirectory(const std::string& dir);
  // True when `path` was last looked at with exactly this stamp.
  bool isCurrent(const std::string& path, const FileStamp& stamp) const;

  // By name or alias (exact match, as Connect resolves aliases).
  PluginPtr find(const std::string& nameOrAlias) const;
  std::vector<PluginPtr> plugins() const;  // sorted by name
  std::vector<RefusedPlugin> refused() const;

 private:
  // What the registry knows of one file.
  struct FileState {
    FileStamp stamp;                  // when last looked at
    bool accepted = false;            // a version of it is registered
    uint64_t acceptedHash = 0;        // the content of that version
    std::vector<std::string> names;   // the names and aliases that version provides
  };

  std::string refuse(const std::string& path, std::string reason);
  // Registers `found` as the current version of `path`; "" or why not (a name another file has).
  std::string addVersion(const std::string& path, uint64_t hash, const std::vector<PluginPtr>& found);

  mutable std::mutex mutex_;
  PluginPermissions permissions_ = PluginPermissions::Strict;
  std::map<std::string, PluginPtr> byName_;   // names and aliases
  std::map<std::string, PluginPtr> plugins_;  // names only
  std::map<std::string, RefusedPlugin> refused_;
  std::map<std::string, FileState> files_;    // by path
};

}  // namespace sluice
