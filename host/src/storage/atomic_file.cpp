#include "storage/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "common/private_folder.hpp"

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

// Closes on scope exit.
class Descriptor {
 public:
  explicit Descriptor(int fd = -1) : fd_(fd) {}
  ~Descriptor() { reset(-1); }
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  void reset(int fd) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

// 12 random hex digits: a temp name another user cannot plant in advance.
std::string randomSuffix() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%012llx", static_cast<unsigned long long>(rng() & 0xffffffffffffULL));
  return buf;
}

}  // namespace

Result<bool> writeFileAtomically(const std::string& path, const std::string& content) {
  namespace fs = std::filesystem;
  fs::path target(path);
  fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  if (auto made = createPrivateDirectories(dir.string()); !made.ok()) return made;
  // Every step goes through this one descriptor of the folder, so the folder cannot be swapped
  // for another between creating the temp file and renaming it.
  Descriptor folder(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (folder.get() < 0) return Error{dir.string() + ": cannot open the state folder: " + errnoText()};
  std::string name = target.filename().string();
  std::string tmpName;
  Descriptor file;
  for (int attempt = 0; attempt < 16 && file.get() < 0; ++attempt) {
    tmpName = "." + name + ".tmp-" + randomSuffix();
    file.reset(::openat(folder.get(), tmpName.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (file.get() < 0 && errno != EEXIST) break;  // EEXIST: that name is taken (or planted); draw another
  }
  int openErrno = errno;
  std::string tmp = (dir / tmpName).string();
  if (file.get() < 0) return Error{tmp + ": cannot create: " + std::strerror(openErrno)};
  auto discard = [&](const std::string& why) {
    ::unlinkat(folder.get(), tmpName.c_str(), 0);
    return Error{why};
  };
  std::string data = header(content) + content;
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(file.get(), data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return discard(tmp + ": write failed: " + errnoText());
    done += static_cast<size_t>(n);
  }
  if (::fsync(file.get()) != 0) return discard(tmp + ": fsync failed: " + errnoText());
  file.reset(-1);
  if (::renameat(folder.get(), tmpName.c_str(), folder.get(), name.c_str()) != 0)
    return discard(path + ": rename from " + tmp + " failed: " + errnoText());
  if (::fsync(folder.get()) != 0) return Error{dir.string() + ": fsync failed: " + errnoText()};
  return true;
}

Result<std::optional<std::string>> readCheckedFile(const std::string& path) {
  Descriptor file(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  if (file.get() < 0) {
    if (errno == ENOENT) return std::optional<std::string>{};
    if (errno == ELOOP)
      return Error{path + ": is a symbolic link; state files are never read or written through a link (another user "
                          "could have pointed it at a file of yours): remove it, or set the real path"};
    return Error{path + ": cannot read: " + errnoText()};
  }
  struct stat st {};
  if (::fstat(file.get(), &st) != 0) return Error{path + ": cannot stat: " + errnoText()};
  if (!S_ISREG(st.st_mode)) return Error{path + ": not a regular file; refusing to use it as a state file"};
  std::string all;
  char buf[1 << 16];
  while (true) {
    ssize_t n = ::read(file.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error{path + ": cannot read: " + errnoText()};
    if (n == 0) break;
    all.append(buf, static_cast<size_t>(n));
  }
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
