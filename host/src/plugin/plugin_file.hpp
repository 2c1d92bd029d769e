#pragma once
// PluginFile: a plugin file read into memory with read(2), never mmap: a file truncated while
// we read it yields a short read (which the ELF check then refuses), not a SIGBUS. Its stamp
// says which version of the file was read, its hash whether the content changed.
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "plugin/plugin_permissions.hpp"

namespace sluice {

// What stat(2) says of a file. Any write changes mtime and ctime; a rename over it changes the
// inode; so equal stamps mean the same version (cp -p keeps mtime, not ctime).
struct FileStamp {
  uint64_t size = 0;
  int64_t mtimeNs = 0;
  int64_t ctimeNs = 0;
  uint64_t inode = 0;
  bool operator==(const FileStamp&) const = default;
};

struct PluginFile {
  std::string path;
  std::string bytes;
  FileStamp stamp;
  uint64_t contentHash = 0;
};

// The stamp of `path`, or why it cannot be stat'ed.
Result<FileStamp> stampOf(const std::string& path);

// Reads all of `path`. Refused ("<path>: <cause>") when `permissions` refuse it (before a byte
// is read), it cannot be read, is larger than kMaxPluginFileBytes, or changed while it was read
// (still being written).
inline constexpr uint64_t kMaxPluginFileBytes = uint64_t{1} << 30;
Result<PluginFile> readPluginFile(const std::string& path, PluginPermissions permissions = PluginPermissions::Strict);

// The *.so files directly inside `dir` with their stamps, sorted by path (absolute, normalized),
// so duplicate names resolve the same way on every scan.
std::vector<std::pair<std::string, FileStamp>> listPluginFiles(const std::string& dir);

}  // namespace sluice
