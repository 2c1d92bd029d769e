#pragma once
// Durable small files for standalone state: a checksummed header line, written to a temp file,
// fsynced, renamed over the target and the directory fsynced, so a kill -9 at any moment leaves
// either the old or the new content. A torn or edited file is reported, never silently reset.
//
// State may hold connector configs with credentials, and a worker may run as root, so nothing here
// follows a symbolic link another user could plant: the temp file has a fresh random name and is
// created with O_CREAT | O_EXCL | O_NOFOLLOW (open(2): it fails rather than open an existing file
// or link), mode 0600, and renamed over the target with renameat(2), which replaces a link at the
// target's name rather than the file it points to. Folders this creates are 0700.
#include <optional>
#include <string>

#include "common/result.hpp"

namespace sluice {

// Writes `content` to `path` atomically. The error names the path and the failing step.
Result<bool> writeFileAtomically(const std::string& path, const std::string& content);

// The content written by writeFileAtomically; nullopt when the file does not exist; an error
// when it is unreadable, a symbolic link (never followed), truncated or its checksum does not match.
Result<std::optional<std::string>> readCheckedFile(const std::string& path);

}  // namespace sluice
