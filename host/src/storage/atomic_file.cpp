#include "storage/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace sluice {

namespace {

constexpr const char* kMagic = "sluice-state-v1";

uint64_t fnv1a(const std::string& s) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

std::string header(const std::string& content) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "%s %016llx %zu\n", kMagic, static_cast<unsigned long long>(fnv1a(content)),
                content.size());
  return buf;
}

std::string errnoText() { return std::strerror(errno); }

Result<bool> fsyncPath(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), flags);
  if (fd < 0) return Error{path + ": cannot open for fsync: " + errnoText()};
  int rc = ::fsync(fd);
  int saved = errno;
  ::close(fd);
  if (rc != 0) return Error{path + ": fsync failed: " + std::strerror(saved)};
  return true;
}

}  // namespace

Result<bool> writeFileAtomically(const std::string& path, const std::string& content) {
  namespace fs = std::filesystem;
  fs::path target(path);
  fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::error_code ec;
  fs::create_directories(dir, ec);
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Error{tmp + ": cannot create: " + errnoText()};
  std::string data = header(content) + content;
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      std::string why = errnoText();
      ::close(fd);
      return Error{tmp + ": write failed: " + why};
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    std::string why = errnoText();
    ::close(fd);
    return Error{tmp + ": fsync failed: " + why};
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return Error{path + ": rename from " + tmp + " failed: " + errnoText()};
  return fsyncPath(dir.string(), O_RDONLY | O_DIRECTORY);
}

Result<std::optional<std::string>> readCheckedFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (!std::filesystem::exists(path)) return std::optional<std::string>{};
    return Error{path + ": cannot read: " + errnoText()};
  }
  std::stringstream ss;
  ss << in.rdbuf();
  std::string all = ss.str();
  auto nl = all.find('\n');
  if (nl == std::string::npos) return Error{path + ": corrupt state file (no header line); refusing to start over it"};
  std::string head = all.substr(0, nl + 1);
  std::string content = all.substr(nl + 1);
  if (head.rfind(kMagic, 0) != 0) return Error{path + ": not a sluice state file (bad header); refusing to overwrite it"};
  if (head != header(content))
    return Error{path + ": corrupt state file (checksum or length mismatch: header '" + head.substr(0, nl) +
                 "', content is " + std::to_string(content.size()) + " bytes); refusing to start over it"};
  return std::optional<std::string>{std::move(content)};
}

}  // namespace sluice
