#pragma once
// PluginLoader: the ELF check, dlopen of a private copy and the ABI handshake for one .so. Either
// every plugin in the file is accepted, or the file is refused with a reason that names the file
// and the cause. The file itself is read once and never mapped, so it may change at any time.
#include <string>
#include <vector>

#include "common/result.hpp"
#include "plugin/plugin_descriptor.hpp"
#include "plugin/plugin_file.hpp"

namespace sluice {

// The sizes of the ABI structs in their first released version (1.0). A producer declaring a
// smaller size is refused. tests/unit/abi_layout_test.cpp pins these.
inline constexpr uint32_t kManifestSizeV1_0 = 32;
inline constexpr uint32_t kPluginSizeV1_0 = 152;
inline constexpr uint32_t kConfigDefSizeV1_0 = 56;
inline constexpr uint32_t kRecordSizeV1_0 = 120;

// Loads `path` and returns its plugins, or the reason it was refused ("<path>: <cause>").
Result<std::vector<PluginPtr>> loadPluginFile(const std::string& path, PluginPermissions permissions = PluginPermissions::Strict);
// The same for a file already read (the registry compares versions before loading one).
Result<std::vector<PluginPtr>> loadPluginFile(const PluginFile& file);

// Checks a plugin name: lowercase words of [a-z0-9] joined by single hyphens.
bool isValidPluginName(const std::string& name);

}  // namespace sluice
