#pragma once
#include <string>

namespace sluice {

// The folder with the built-in plugins: <exe dir>/../plugins (the build tree: build/bin/sluice ->
// build/plugins), or <exe dir>/../lib/sluice/plugins for an installed tree.
std::string builtinPluginDir();

}  // namespace sluice
