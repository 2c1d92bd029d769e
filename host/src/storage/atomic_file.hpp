#pragma once
// Durable small files for standalone state: a checksummed header line, written to a temp file,
// fsynced, renamed over the target and the directory fsynced, so a kill -9 at any moment leaves
// either the old or the new content. A torn or edited file is reported, never silently reset.
#include <optional>
#include <string>

#include "common/result.hpp"

namespace sluice {

// Writes `content` to `path` atomically. The error names the path and the failing step.
Result<bool> writeFileAtomically(const std::string& path, const std::string& content);

// The content written by writeFileAtomically; nullopt when the file does not exist; an error
// when it is unreadable, truncated or its checksum does not match.
Result<std::optional<std::string>> readCheckedFile(const std::string& path);

}  // namespace sluice
