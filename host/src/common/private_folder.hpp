#pragma once
// Folders for the worker's own files (state, crash records, the embedded cluster's bootstrap file):
// created readable by the worker's user only, since they may hold connector configs with credentials.
#include <string>

#include "common/result.hpp"

namespace sluice {

// Creates `dir` and any missing parent with mode 0700; folders that exist are left as they are.
// The error names the folder that could not be created and why.
Result<bool> createPrivateDirectories(const std::string& dir);

}  // namespace sluice
