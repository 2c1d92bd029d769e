// file-sink: Kafka Connect's FileStreamSink. Appends each record's value and a newline to a file (or
// stdout); flush() writes and fsyncs, so an OK flush means the lines are durable.
#include <fcntl.h>
#include <unistd.h>

#include <sluice/plugin.hpp>

#include <cerrno>
#include <cstring>
#include <string>

#include "sluice_common/allowed_paths.hpp"

namespace sluice {

class FileSink : public Sink {
 public:
  static constexpr const char* kName = "file-sink";
  static constexpr const char* kVersion = "1.0.0";
  static constexpr const char* kDescription = "Appends record values as lines to a file (or stdout), as Kafka Connect's FileStreamSink.";
  static constexpr const char* kAliases[] = {"FileStreamSink", "FileStreamSinkConnector",
                                             "org.apache.kafka.connect.file.FileStreamSinkConnector", nullptr};
  static constexpr sluice_config_def kConfig[] = {
      {"file", SLUICE_CFG_STRING, 0, nullptr, SLUICE_IMPORTANCE_HIGH, -1,
       "Destination filename. If not specified, the standard output will be used", nullptr, nullptr},
  };

  FileSink(const Config& config, Context&)
      : file_(config.getString("file")), allowedPaths_(config.getString(common::kFileAllowedPathsKey)) {
    // Open here as well as in start(), so an unwritable path fails as early as possible.
    openFile();
  }
  ~FileSink() override {
    if (fd_ >= 0) {
      try {
        writeBuffered();
      } catch (...) {  // nothing to report to at destruction; flush() is where durability is promised
      }
      if (fd_ != STDOUT_FILENO) ::close(fd_);
    }
  }

  // file.allowed.paths, as the host hands it over from the worker config: a 400 at creation time.
  static void validate(const Config& config, Validation& v) {
    std::string file = config.getString("file");
    std::string reason = common::fileNotAllowedReason(file, config.getString(common::kFileAllowedPathsKey));
    if (!reason.empty()) v.addError("file", "Invalid value " + file + " for configuration file: " + reason);
  }

  void start() override {
    if (fd_ < 0) openFile();
  }

  void put(std::span<const sluice_record* const> records) override {
    for (const sluice_record* r : records) {
      if (r->value.data)
        buffer_.append(reinterpret_cast<const char*>(r->value.data), r->value.len);
      else
        buffer_.append("null");  // Connect prints a null value as "null"
      buffer_.push_back('\n');
    }
    if (buffer_.size() >= kWriteThreshold) writeBuffered();
  }

  void flush() override {
    writeBuffered();
    if (::fsync(fd_) != 0) {
      // stdout may be a pipe or terminal, which cannot be synced; for them written is all there is.
      bool unsyncable = errno == EINVAL || errno == EROFS || errno == ENOTSUP;
      if (!(fd_ == STDOUT_FILENO && unsyncable))
        throw std::runtime_error("Could not fsync " + describe() + ": " + std::strerror(errno));
    }
    if (!dirSynced_) syncDirectory();
  }

 private:
  static constexpr size_t kWriteThreshold = 1 << 20;

  std::string describe() const { return file_.empty() ? std::string("stdout") : "file '" + file_ + "'"; }

  void openFile() {
    if (file_.empty()) {
      fd_ = STDOUT_FILENO;
      return;
    }
    // Confined: checked again now (the folders may have changed since the config was validated),
    // and the resolved path opened without following a link planted since.
    std::string path = file_;
    int noFollow = 0;
    if (!allowedPaths_.empty()) {
      std::string reason = common::fileNotAllowedReason(file_, allowedPaths_);
      if (!reason.empty()) throw ConfigError("Refusing to write " + file_ + ": " + reason);
      path = common::resolvedPath(file_);
      noFollow = O_NOFOLLOW;
    }
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | noFollow, 0644);
    if (fd_ < 0)
      throw ConfigError("Couldn't find or create file '" + file_ + "' for FileStreamSinkTask: " + std::strerror(errno));
  }

  // A file this sink created is durable only once its directory entry is: sync the directory once.
  void syncDirectory() {
    dirSynced_ = true;
    if (file_.empty()) return;
    size_t slash = file_.rfind('/');
    std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : file_.substr(0, slash));
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;  // nothing more we can do; the data itself is synced
    int rc = ::fsync(fd);
    int err = errno;
    ::close(fd);
    if (rc != 0 && err != EINVAL) {
      dirSynced_ = false;
      throw std::runtime_error("Could not fsync the directory of " + describe() + ": " + std::strerror(err));
    }
  }

  void writeBuffered() {
    size_t done = 0;
    while (done < buffer_.size()) {
      ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        buffer_.erase(0, done);  // keep what was not written, so a retried flush loses nothing
        throw std::runtime_error("Could not write to " + describe() + ": " + std::strerror(errno));
      }
      done += static_cast<size_t>(n);
    }
    buffer_.clear();
  }

  std::string file_;
  std::string allowedPaths_;  // file.allowed.paths; empty: any path
  int fd_ = -1;
  bool dirSynced_ = false;
  std::string buffer_;
};

}  // namespace sluice

SLUICE_PLUGINS(sluice::FileSink)
