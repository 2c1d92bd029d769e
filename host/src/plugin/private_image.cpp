#include "plugin/private_image.hpp"

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace sluice {

namespace {

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U  // Linux 6.3+: executable memfd even under vm.memfd_noexec=1
#endif

Error refuse(const std::string& path, const std::string& cause) { return Error{path + ": " + cause}; }

bool writeAll(int fd, const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

// -1 when this kernel (or a seccomp policy) offers no memfd: then the temp folder is used.
int createMemfd(const std::string& name) {
  int fd = ::memfd_create(name.c_str(), MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
  if (fd < 0 && errno == EINVAL) fd = ::memfd_create(name.c_str(), MFD_CLOEXEC | MFD_ALLOW_SEALING);  // before 6.3
  return fd;
}

Result<void*> dlopenOrRefuse(const std::string& image, const std::string& path) {
  // RTLD_NOW: a missing symbol fails here, loudly, not at the first call of some hook.
  void* handle = ::dlopen(image.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle) return handle;
  // dlerror names the private copy; the user knows the file by its own path.
  std::string message = ::dlerror();
  for (size_t at; (at = message.find(image)) != std::string::npos;) message.replace(at, image.size(), path);
  return refuse(path, "dlopen failed: " + message);
}

Result<void*> viaTempDir(const std::string& bytes, const std::string& path) {
  // A per-process counter in the name: glibc treats a dlopen of an already loaded path name as
  // the loaded library, so no two images may ever share one.
  static std::atomic<uint64_t> counter{0};
  const char* tmp = std::getenv("TMPDIR");
  std::string dirTemplate = std::string(tmp && *tmp ? tmp : "/tmp") + "/sluice-plugin-XXXXXX";
  if (!::mkdtemp(dirTemplate.data())) return refuse(path, std::string("cannot create a private copy: mkdtemp: ") + std::strerror(errno));
  std::string image = dirTemplate + "/" + std::to_string(counter++) + "-" + std::filesystem::path(path).filename().string();
  int fd = ::open(image.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0700);
  bool written = fd >= 0 && writeAll(fd, bytes);
  int err = errno;
  if (fd >= 0) ::close(fd);
  Result<void*> handle = written ? dlopenOrRefuse(image, path)
                                 : Result<void*>(refuse(path, std::string("cannot write a private copy: ") + std::strerror(err)));
  // The mapping keeps the image alive; the name is not needed any more.
  ::unlink(image.c_str());
  ::rmdir(dirTemplate.c_str());
  return handle;
}

}  // namespace

Result<void*> dlopenPrivateCopy(const std::string& bytes, const std::string& path, ImageStore store) {
  if (store == ImageStore::TempDir) return viaTempDir(bytes, path);
  int fd = createMemfd("sluice-plugin:" + std::filesystem::path(path).filename().string());
  if (fd < 0) return viaTempDir(bytes, path);
  std::string image = "/proc/self/fd/" + std::to_string(fd);
  if (!writeAll(fd, bytes)) {
    int err = errno;
    ::close(fd);
    return refuse(path, std::string("cannot write a private copy: ") + std::strerror(err));
  }
  // Sealed: nothing in this process can change the image under the running code either.
  ::fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
  if (::access(image.c_str(), R_OK) != 0) {  // no /proc mounted
    ::close(fd);
    return viaTempDir(bytes, path);
  }
  auto handle = dlopenOrRefuse(image, path);
  // A loaded image keeps its descriptor open for good: glibc recognizes an already loaded library
  // by its path name, so a later memfd given the same number would be taken for this one.
  if (!handle.ok()) ::close(fd);
  return handle;
}

}  // namespace sluice
