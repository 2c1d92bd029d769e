#pragma once
// PrivateImage: dlopen of a private copy of a plugin's bytes, never of the file in the plugin
// folder. dlopen maps a library from its file, so `cp new.so x.so` over a loaded plugin (cp
// truncates and rewrites in place) would change or remove the code under running tasks: SIGBUS or
// a jump to a stale address. The copy is an unlinked memfd (memfd_create(2)), sealed against
// writes, opened as /proc/self/fd/N; where memfd is unavailable, a file in a private 0700
// temporary folder, unlinked once loaded. Either way the plugin folder can be overwritten,
// deleted or rebuilt at any time.
#include <string>

#include "common/result.hpp"

namespace sluice {

enum class ImageStore { Memfd, TempDir };

// dlopen(RTLD_NOW | RTLD_LOCAL) of a private copy of `bytes`; `path` (the original) names the
// file in errors. The copy lives as long as the process: the host never dlcloses a plugin.
Result<void*> dlopenPrivateCopy(const std::string& bytes, const std::string& path, ImageStore store = ImageStore::Memfd);

}  // namespace sluice
