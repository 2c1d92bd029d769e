#include "common/paths.hpp"

#include <filesystem>

namespace sluice {

std::string builtinPluginDir() {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "plugins";
  fs::path bin = exe.parent_path();
  for (const fs::path& candidate : {bin / ".." / "plugins", bin / ".." / "lib" / "sluice" / "plugins"}) {
    if (fs::is_directory(candidate, ec)) return candidate.lexically_normal().string();
  }
  return (bin / ".." / "plugins").lexically_normal().string();
}

}  // namespace sluice
