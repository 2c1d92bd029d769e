#pragma once
// file.allowed.paths: the worker setting that confines the file connectors to some folders, so a
// client of the REST API cannot have the worker (root, perhaps) read or write any file it can. The
// host hands the worker's value to the file connectors under that key. A path is resolved as the
// kernel will open it: symbolic links and `..` followed with realpath(3) as far as the path exists
// (a file not created yet lies in a folder that does), then compared folder by folder.
#include <string>
#include <vector>

namespace sluice::common {

inline constexpr const char* kFileAllowedPathsKey = "file.allowed.paths";

// "" when `file` may be used under `allowed` (comma-separated folders; an empty list allows every
// path); else why not, naming file.allowed.paths, for the config error of the connector's `file` key.
std::string fileNotAllowedReason(const std::string& file, const std::string& allowed);

// The path `file` resolves to now (links and `..` resolved as far as it exists); "" when that fails.
std::string resolvedPath(const std::string& file);

}  // namespace sluice::common
