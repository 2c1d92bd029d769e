#include "common/private_folder.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace sluice {

Result<bool> createPrivateDirectories(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path path = fs::path(dir).lexically_normal();
  if (path.empty() || fs::is_directory(path, ec)) return true;
  if (path.has_parent_path() && path.parent_path() != path) {
    auto parent = createPrivateDirectories(path.parent_path().string());
    if (!parent.ok()) return parent;
  }
  // mkdir(2) applies the umask, which only ever removes bits: 0700 stays 0700 or less.
  if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST)
    return Error{path.string() + ": cannot create the folder: " + std::strerror(errno)};
  return true;
}

}  // namespace sluice
