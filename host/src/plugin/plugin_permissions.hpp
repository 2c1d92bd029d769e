#pragma once
// Who may change a plugin before it is loaded. A plugin runs as the worker's user from the moment
// it is loaded (its static constructors run inside dlopen), so whoever can write the .so, its
// folder, or a folder above it (renaming the folder away and putting their own in its place) can
// run code as that user, root included. Strict mode checks the path as OpenSSH's StrictModes checks
// authorized_keys (sshd(8)): the file and its folder owned by the worker's user or root and not
// writable by group or others, every folder above owned by that user or root and not writable by
// group or others unless sticky (as /tmp is: there nobody can rename what they do not own). Folders
// that also lie above the worker's executable are exempt from that last rule: whoever controls them
// controls the worker binary already.
// The checks are made on the descriptors that are then used (openat(2) with O_NOFOLLOW, fstat(2)),
// never on names that could be swapped between the check and the read.
#include <optional>
#include <string>

#include "common/result.hpp"

namespace sluice {

// plugin.path.permissions: strict (the default) or relaxed (development: no ownership checks).
enum class PluginPermissions { Strict, Relaxed };

// "strict" or "relaxed"; nullopt for anything else.
std::optional<PluginPermissions> parsePluginPermissions(const std::string& value);

// An open, read-only descriptor of `path` (O_CLOEXEC), the caller closes it; or why it is refused
// ("<path>: <cause>", naming the file or folder at fault and how to fix it). Strict checks the
// path's real location (symbolic links resolved) from / down.
Result<int> openPluginFile(const std::string& path, PluginPermissions permissions);

}  // namespace sluice
