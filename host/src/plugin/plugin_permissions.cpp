#include "plugin/plugin_permissions.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace sluice {

namespace {

Error refuse(const std::string& path, const std::string& cause) { return Error{path + ": " + cause}; }

std::string octal(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

// Closes on scope exit unless released.
class Descriptor {
 public:
  explicit Descriptor(int fd = -1) : fd_(fd) {}
  ~Descriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  void reset(int fd) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }
  int get() const { return fd_; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

constexpr const char* kHowToRelax = "; or set plugin.path.permissions: relaxed (development only)";

// "" when `st` (of `what`, a folder above the plugin folder) cannot be used by another user to
// replace what lies below it; else the cause.
std::string ancestorProblem(const struct stat& st, const std::string& what) {
  uid_t me = ::geteuid();
  if (st.st_uid != 0 && st.st_uid != me)
    return "the folder " + what + " above it is owned by uid " + std::to_string(st.st_uid) +
           ", who could replace the plugin folder (it must be owned by root or uid " + std::to_string(me) + ")" + kHowToRelax;
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0 && (st.st_mode & S_ISVTX) == 0)
    return "the folder " + what + " above it is writable by " + ((st.st_mode & S_IWOTH) ? "others" : "its group") +
           " without the sticky bit (mode " + octal(st.st_mode) +
           "), so another user could replace the plugin folder: chmod go-w " + what + kHowToRelax;
  return "";
}

// "" when `st` (the plugin folder, or the plugin file) is owned by root or this user and writable
// by nobody else; else the cause.
std::string ownProblem(const struct stat& st, const std::string& kind, const std::string& what) {
  uid_t me = ::geteuid();
  if (st.st_uid != 0 && st.st_uid != me)
    return "the " + kind + " " + what + " is owned by uid " + std::to_string(st.st_uid) +
           " (it must be owned by root or uid " + std::to_string(me) + ", the worker's user)" + kHowToRelax;
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
    return "the " + kind + " " + what + " is writable by " + ((st.st_mode & S_IWOTH) ? "others" : "its group") +
           " (mode " + octal(st.st_mode) + "), so another user could put their code in it: chmod go-w " + what + kHowToRelax;
  return "";
}

// The folders the running executable lies under. Whoever can replace one of them can already
// replace the worker itself, so they are trusted as the executable is (and the build tree, where the
// built-in plugins and the worker live side by side, works whoever owns the folders it was cloned into).
bool isAboveExecutable(const std::filesystem::path& folder) {
  static const std::filesystem::path exe = [] {
    std::error_code ec;
    return std::filesystem::read_symlink("/proc/self/exe", ec);
  }();
  if (exe.empty()) return false;
  auto f = folder.begin(), e = exe.begin();
  for (; f != folder.end(); ++f, ++e)
    if (e == exe.end() || *f != *e) return false;
  return e != exe.end();
}

Result<int> openStrict(const std::string& path) {
  namespace fs = std::filesystem;
  char resolved[PATH_MAX];
  if (!::realpath(path.c_str(), resolved)) return refuse(path, std::string("cannot open: ") + std::strerror(errno));
  fs::path real(resolved);
  fs::path folder = real.parent_path();
  // From / down, each folder opened relative to the one checked before it and never through a
  // symbolic link: what is checked is what the next step opens.
  Descriptor dir(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() < 0) return refuse(path, std::string("cannot open /: ") + std::strerror(errno));
  fs::path walked("/");
  for (auto part = std::next(folder.begin()); ; ++part) {
    struct stat st {};
    if (::fstat(dir.get(), &st) != 0) return refuse(path, "cannot stat " + walked.string() + ": " + std::strerror(errno));
    bool isPluginFolder = part == folder.end();
    std::string problem = isPluginFolder          ? ownProblem(st, "plugin folder", walked.string())
                          : isAboveExecutable(walked) ? ""
                                                      : ancestorProblem(st, walked.string());
    if (!problem.empty()) return refuse(path, problem);
    if (isPluginFolder) break;
    walked /= *part;
    int next = ::openat(dir.get(), part->c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (next < 0)
      return refuse(path, "cannot open the folder " + walked.string() + ": " + std::strerror(errno) +
                              " (was it replaced while it was checked?)");
    dir.reset(next);
  }
  Descriptor file(::openat(dir.get(), real.filename().c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  if (file.get() < 0) return refuse(path, std::string("cannot open: ") + std::strerror(errno));
  struct stat st {};
  if (::fstat(file.get(), &st) != 0) return refuse(path, std::string("cannot stat: ") + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return refuse(path, "not a regular file");
  // Named by its real path: with a link, that is the file to fix.
  if (std::string problem = ownProblem(st, "plugin file", real.string()); !problem.empty()) return refuse(path, problem);
  return file.release();
}

}  // namespace

std::optional<PluginPermissions> parsePluginPermissions(const std::string& value) {
  if (value == "strict") return PluginPermissions::Strict;
  if (value == "relaxed") return PluginPermissions::Relaxed;
  return std::nullopt;
}

Result<int> openPluginFile(const std::string& path, PluginPermissions permissions) {
  if (permissions == PluginPermissions::Strict) return openStrict(path);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return refuse(path, std::string("cannot open: ") + std::strerror(errno));
  return fd;
}

}  // namespace sluice
