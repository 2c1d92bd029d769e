// file-source: Kafka Connect's FileStreamSource. Emits each line of a file (or stdin) as a string
// record, tails the file at EOF, and resumes from the committed {"position":N} byte offset.
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <sluice/plugin.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sluice_common/allowed_paths.hpp"

namespace sluice {

class FileSource : public Source {
 public:
  static constexpr const char* kName = "file-source";
  static constexpr const char* kVersion = "1.0.0";
  static constexpr const char* kDescription = "Reads lines from a file (or stdin) as string records, as Kafka Connect's FileStreamSource.";
  static constexpr const char* kAliases[] = {"FileStreamSource", "FileStreamSourceConnector",
                                             "org.apache.kafka.connect.file.FileStreamSourceConnector", nullptr};
  static constexpr sluice_config_def kConfig[] = {
      {"file", SLUICE_CFG_STRING, 0, nullptr, SLUICE_IMPORTANCE_HIGH, -1,
       "Source filename. If not specified, the standard input will be used", nullptr, nullptr},
      {"topic", SLUICE_CFG_STRING, SLUICE_CFG_REQUIRED, nullptr, SLUICE_IMPORTANCE_HIGH, -1,
       "The topic to publish data to", nullptr, nullptr},
      {"batch.size", SLUICE_CFG_INT, 0, "2000", SLUICE_IMPORTANCE_LOW, -1,
       "The maximum number of records the source task can read from the file each time it is polled", "[1,]",
       nullptr},
  };

  FileSource(const Config& config, Context& context)
      : context_(context),
        file_(config.getString("file")),
        allowedPaths_(config.getString(common::kFileAllowedPathsKey)),
        topic_(config.getString("topic")),
        batchSize_(config.getLong("batch.size", 2000)),
        // Connect's FileStreamSourceConnector makes one task whatever tasks.max says; the host may
        // start more, so every task but task 0 stays idle instead of reading the file again.
        idle_(config.getLong("task.id", 0) != 0) {
    if (topic_.empty()) throw ConfigError("Missing required configuration \"topic\" which has no default value.");
    if (batchSize_ < 1) throw ConfigError("Invalid value " + std::to_string(batchSize_) + " for configuration batch.size: Value must be at least 1");
    if (!file_.empty()) partitionJson_ = nlohmann::json{{"filename", file_}}.dump();
    buffer_.resize(kInitialBuffer);
  }
  ~FileSource() override { closeFile(); }

  // file.allowed.paths, as the host hands it over from the worker config: a 400 at creation time.
  static void validate(const Config& config, Validation& v) {
    std::string file = config.getString("file");
    std::string reason = common::fileNotAllowedReason(file, config.getString(common::kFileAllowedPathsKey));
    if (!reason.empty()) v.addError("file", "Invalid value " + file + " for configuration file: " + reason);
  }

  void start() override {
    if (idle_) context_.info("file-source reads with one task only (as Connect's FileStreamSourceConnector); this task stays idle");
    if (idle_ || file_.empty()) return;  // stdin has no offsets, as in Connect
    auto committed = context_.readOffset(partitionJson_);
    if (!committed) return;
    nlohmann::json offset = nlohmann::json::parse(*committed, nullptr, false);
    if (offset.is_discarded() || !offset.is_object() || !offset.contains("position") ||
        !offset["position"].is_number_integer() || offset["position"].get<int64_t>() < 0)
      throw std::runtime_error("Unexpected offset " + *committed + " for " + partitionJson_ +
                               ": expected {\"position\":<non-negative integer>}");
    startPosition_ = offset["position"].get<int64_t>();
  }

  void stop() noexcept override {
    stopping_ = true;
    std::lock_guard<std::mutex> lock(mutex_);
    wake_.notify_all();
  }

  sluice_status poll(Batch& out, int32_t timeoutMs) override {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(std::max<int32_t>(timeoutMs, 0));
    if (idle_) {
      waitUntil(deadline, std::chrono::milliseconds(std::max<int32_t>(timeoutMs, 0)));
      return SLUICE_OK;
    }
    while (!stopping_) {
      if (fd_ < 0 && !openFile()) {
        waitUntil(deadline, kMissingFileRetry);
        if (std::chrono::steady_clock::now() >= deadline) return SLUICE_OK;
        continue;
      }
      int64_t emitted = emitLines(out);
      if (emitted > 0) return SLUICE_OK;
      ReadResult r = readMore(deadline);
      if (r == ReadResult::kData) continue;
      if (std::chrono::steady_clock::now() >= deadline) return SLUICE_OK;
      if (r == ReadResult::kEof) waitUntil(deadline, kTailInterval);
    }
    return SLUICE_OK;
  }

 private:
  static constexpr size_t kInitialBuffer = 1 << 20;
  static constexpr std::chrono::milliseconds kTailInterval{50};
  static constexpr std::chrono::milliseconds kMissingFileRetry{200};
  enum class ReadResult { kData, kEof, kNotReady };

  bool openFile() {
    if (file_.empty()) {
      fd_ = STDIN_FILENO;
      return true;
    }
    // Confined: checked again now (the folders may have changed since the config was validated),
    // and the resolved path opened without following a link planted since.
    std::string path = file_;
    int noFollow = 0;
    if (!allowedPaths_.empty()) {
      std::string reason = common::fileNotAllowedReason(file_, allowedPaths_);
      if (!reason.empty()) throw std::runtime_error("Refusing to read " + file_ + ": " + reason);
      path = common::resolvedPath(file_);
      noFollow = O_NOFOLLOW;
    }
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | noFollow);
    if (fd < 0) {
      // Connect waits for a missing file to appear; anything else is a real failure.
      if (errno == ENOENT) {
        if (!warnedMissing_) context_.warn("Couldn't find file " + file_ + " for FileStreamSourceTask, sleeping to wait for it to be created");
        warnedMissing_ = true;
        return false;
      }
      throw std::runtime_error("Error while trying to open file " + file_ + ": " + std::strerror(errno));
    }
    if (startPosition_ > 0 && ::lseek(fd, startPosition_, SEEK_SET) < 0) {
      int err = errno;
      ::close(fd);
      throw std::runtime_error("Error while trying to seek to offset " + std::to_string(startPosition_) + " in " + file_ + ": " + std::strerror(err));
    }
    if (startPosition_ > 0) context_.info("Skipped to offset " + std::to_string(startPosition_) + " in " + file_);
    fd_ = fd;
    position_ = startPosition_;
    begin_ = end_ = 0;
    return true;
  }

  void closeFile() {
    if (fd_ > STDIN_FILENO) ::close(fd_);
    fd_ = -1;
  }

  // Emits up to batch.size complete lines from the buffer; returns how many.
  int64_t emitLines(Batch& out) {
    int64_t emitted = 0;
    sluice_record rec = emptyRecord();
    rec.topic = bytes(topic_);
    // Connect stamps each line with the wall clock when read; one reading per batch is enough.
    rec.timestamp_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    if (!file_.empty()) rec.source_partition = bytes(partitionJson_);
    char offsetJson[48];
    while (emitted < batchSize_ && begin_ < end_) {
      const char* base = buffer_.data();
      const char* start = base + begin_;
      size_t avail = end_ - begin_;
      const char* nl = static_cast<const char*>(std::memchr(start, '\n', avail));
      const char* scanEnd = nl ? nl : start + avail;
      const char* cr = static_cast<const char*>(std::memchr(start, '\r', static_cast<size_t>(scanEnd - start)));
      size_t lineLen;
      size_t consumed;
      if (cr) {
        // A lone '\r' also ends a line (Connect), but we must see the next byte to spot "\r\n".
        if (cr + 1 >= start + avail) break;
        lineLen = static_cast<size_t>(cr - start);
        consumed = lineLen + (cr[1] == '\n' ? 2 : 1);
      } else if (nl) {
        lineLen = static_cast<size_t>(nl - start);
        consumed = lineLen + 1;
      } else {
        break;
      }
      rec.value = sluice_bytes{reinterpret_cast<const uint8_t*>(start), lineLen};
      begin_ += consumed;
      position_ += static_cast<int64_t>(consumed);
      if (!file_.empty()) {
        static constexpr char kPrefix[] = "{\"position\":";
        std::memcpy(offsetJson, kPrefix, sizeof(kPrefix) - 1);
        char* p = std::to_chars(offsetJson + sizeof(kPrefix) - 1, offsetJson + sizeof(offsetJson) - 1, position_).ptr;
        *p++ = '}';
        rec.source_offset = sluice_bytes{reinterpret_cast<const uint8_t*>(offsetJson), static_cast<size_t>(p - offsetJson)};
      }
      out.emit(rec);
      ++emitted;
    }
    return emitted;
  }

  ReadResult readMore(std::chrono::steady_clock::time_point deadline) {
    if (begin_ > 0) {  // keep the partial line, drop what was emitted
      std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    }
    if (end_ == buffer_.size()) buffer_.resize(buffer_.size() * 2);  // a line longer than the buffer
    if (fd_ == STDIN_FILENO) {
      // stdin may be a pipe or a terminal: wait for readiness in short slices so stop() is seen.
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      pollfd pfd{fd_, POLLIN, 0};
      int ready = ::poll(&pfd, 1, static_cast<int>(std::clamp<int64_t>(left.count(), 0, kTailInterval.count())));
      if (ready <= 0) return ReadResult::kNotReady;
    }
    ssize_t n;
    do {
      n = ::read(fd_, buffer_.data() + end_, buffer_.size() - end_);
    } while (n < 0 && errno == EINTR);
    if (n < 0) throw std::runtime_error("Error while reading from " + (file_.empty() ? std::string("stdin") : file_) + ": " + std::strerror(errno));
    if (n == 0) return ReadResult::kEof;
    end_ += static_cast<size_t>(n);
    return ReadResult::kData;
  }

  void waitUntil(std::chrono::steady_clock::time_point deadline, std::chrono::milliseconds slice) {
    auto until = std::min(deadline, std::chrono::steady_clock::now() + slice);
    std::unique_lock<std::mutex> lock(mutex_);
    wake_.wait_until(lock, until, [this] { return stopping_.load(); });
  }

  Context& context_;
  std::string file_;
  std::string allowedPaths_;  // file.allowed.paths; empty: any path
  std::string topic_;
  int64_t batchSize_;
  bool idle_;
  std::string partitionJson_;
  int fd_ = -1;
  bool warnedMissing_ = false;
  int64_t startPosition_ = 0;
  int64_t position_ = 0;  // file offset just after the last emitted line
  std::vector<char> buffer_;
  size_t begin_ = 0;  // first unread byte in buffer_
  size_t end_ = 0;    // one past the last valid byte in buffer_
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
};

}  // namespace sluice

SLUICE_PLUGINS(sluice::FileSource)
