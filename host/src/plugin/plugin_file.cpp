#include "plugin/plugin_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string_view>

namespace fs = std::filesystem;

namespace sluice {

namespace {

FileStamp stampFrom(const struct stat& st) {
  FileStamp s;
  s.size = static_cast<uint64_t>(st.st_size);
  s.mtimeNs = int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec;
  s.ctimeNs = int64_t{st.st_ctim.tv_sec} * 1'000'000'000 + st.st_ctim.tv_nsec;
  s.inode = static_cast<uint64_t>(st.st_ino);
  return s;
}

Error refuse(const std::string& path, const std::string& cause) { return Error{path + ": " + cause}; }

}  // namespace

Result<FileStamp> stampOf(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return refuse(path, std::string("cannot stat: ") + std::strerror(errno));
  return stampFrom(st);
}

Result<PluginFile> readPluginFile(const std::string& path, PluginPermissions permissions) {
  auto opened = openPluginFile(path, permissions);
  if (!opened.ok()) return Error{opened.error()};
  int fd = opened.value();
  struct stat before {};
  if (::fstat(fd, &before) != 0) {
    int err = errno;
    ::close(fd);
    return refuse(path, std::string("cannot stat: ") + std::strerror(err));
  }
  if (!S_ISREG(before.st_mode)) {
    ::close(fd);
    return refuse(path, "not a regular file");
  }
  PluginFile file;
  file.path = path;
  file.stamp = stampFrom(before);
  // Read to EOF rather than st_size bytes: the size is only what it was a moment ago.
  char buf[1 << 16];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return refuse(path, std::string("cannot read: ") + std::strerror(err));
    }
    if (n == 0) break;
    file.bytes.append(buf, static_cast<size_t>(n));
    if (file.bytes.size() > kMaxPluginFileBytes) {
      ::close(fd);
      return refuse(path, "larger than " + std::to_string(kMaxPluginFileBytes) + " bytes; not a plugin");
    }
  }
  struct stat after {};
  bool statted = ::fstat(fd, &after) == 0;
  ::close(fd);
  if (!statted || !(stampFrom(after) == file.stamp) || file.bytes.size() != file.stamp.size)
    return refuse(path, "the file changed while it was read (still being written?); it is read again once it changes no more");
  file.contentHash = std::hash<std::string_view>{}(file.bytes);
  return file;
}

std::vector<std::pair<std::string, FileStamp>> listPluginFiles(const std::string& dir) {
  std::error_code ec;
  std::vector<std::pair<std::string, FileStamp>> out;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file(ec) || entry.path().extension() != ".so") continue;
    std::string path = fs::absolute(entry.path(), ec).lexically_normal().string();
    auto stamp = stampOf(path);
    if (stamp.ok()) out.emplace_back(path, stamp.value());  // gone since readdir: not there
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

}  // namespace sluice
