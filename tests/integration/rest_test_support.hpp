#pragma once
// Shared by the rest_*_it tests: an in-process worker on port 0 with the fixture plugins, an HTTP
// client, and "eventually" polling (every 100 ms, up to 30 s).
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "app/worker.hpp"

namespace sluice::testing {

using nlohmann::json;

inline bool eventually(const std::function<bool()>& condition, int timeoutMs = 30000) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return condition();
}

// Connect's SRC_CFG / SNK_CFG with the no-op fixtures, wired to each other so no Kafka is needed.
inline json srcCfg(const std::string& name) {
  return {{"connector.class", "NoopSource"}, {"tasks.max", "1"}, {"topic", "ct-topic"},
          {"sluice.sink.class", "noop-sink"}, {"name", name}};
}
inline json snkCfg(const std::string& name) {
  return {{"connector.class", "NoopSink"}, {"tasks.max", "1"}, {"topics", "ct-topic"},
          {"sluice.source.class", "noop-source"}, {"name", name}};
}
inline json without(json j, const std::string& key) {
  j.erase(key);
  return j;
}

struct Reply {
  int status = 0;
  json body;
  std::string raw;
  std::string location;
};

class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() / ("sluice-rest-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

class Http {
 public:
  explicit Http(int port) : client_("127.0.0.1", port) { client_.set_read_timeout(60, 0); }
  Reply get(const std::string& path) { return wrap(client_.Get(path.c_str())); }
  Reply del(const std::string& path) { return wrap(client_.Delete(path.c_str())); }
  Reply post(const std::string& path, const json& body) { return send("POST", path, body.dump()); }
  Reply put(const std::string& path, const json& body) { return send("PUT", path, body.dump()); }
  Reply patch(const std::string& path, const json& body) { return send("PATCH", path, body.dump()); }
  Reply send(const std::string& method, const std::string& path, const std::string& body,
             const std::string& type = "application/json") {
    if (method == "POST") return wrap(client_.Post(path.c_str(), body, type.c_str()));
    if (method == "PUT") return wrap(client_.Put(path.c_str(), body, type.c_str()));
    if (method == "PATCH") return wrap(client_.Patch(path.c_str(), body, type.c_str()));
    return wrap(client_.Delete(path.c_str(), body, type.c_str()));
  }

 private:
  static Reply wrap(const httplib::Result& r) {
    Reply out;
    if (!r) return out;
    out.status = r->status;
    out.raw = r->body;
    out.location = r->get_header_value("Location");
    out.body = json::parse(r->body, nullptr, false);
    return out;
  }
  httplib::Client client_;
};

// A TCP connection to 127.0.0.1:port, or -1.
inline int connectLoopback(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Sends raw bytes and returns whatever the server answers before closing (or within 5 s).
inline std::string rawRequest(int port, const std::string& bytes) {
  int fd = connectLoopback(port);
  if (fd < 0) return "";
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  (void)!::write(fd, bytes.data(), bytes.size());
  std::string out;
  char buf[4096];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
    auto headerEnd = out.find("\r\n\r\n");
    auto lenAt = out.find("Content-Length: ");
    if (headerEnd != std::string::npos && lenAt != std::string::npos &&
        out.size() >= headerEnd + 4 + std::stoul(out.substr(lenAt + 16)))
      break;
  }
  ::close(fd);
  return out;
}

// ErrShape(n): exactly {"error_code": n, "message": <string>}.
inline ::testing::AssertionResult errShape(const Reply& r, int status) {
  if (r.status != status) return ::testing::AssertionFailure() << "status " << r.status << " body " << r.raw;
  if (!r.body.is_object() || r.body.size() != 2 || r.body.value("error_code", -1) != status ||
      !r.body.contains("message") || !r.body["message"].is_string())
    return ::testing::AssertionFailure() << "not the error shape: " << r.raw;
  return ::testing::AssertionSuccess();
}

// A worker in this process, on a free loopback port, over the fixture plugins.
class InProcessWorker {
 public:
  explicit InProcessWorker(const TempDir& dir, std::map<std::string, std::string> extra = {}) {
    std::map<std::string, std::string> values = {
        {"listeners", "http://127.0.0.1:0"},
        {"plugin.path", SLUICE_FIXTURE_DIR},
        {"bootstrap.servers", "127.0.0.1:1"},  // never contacted by the no-op pipelines
        {"offset.storage.file.filename", dir.file("offsets")},
        {"config.storage.file.filename", dir.file("configs")},
        {"offset.flush.interval.ms", "100"},
        {"task.shutdown.graceful.timeout.ms", "5000"},
    };
    for (auto& [k, v] : extra) values[k] = v;
    worker_ = std::make_unique<Worker>(WorkerConfig::fromMap(values));
    auto started = worker_->start();
    if (!started.ok()) throw std::runtime_error(started.error());
    worker_->ready();
  }
  int port() const { return worker_->restPort(); }
  Worker& worker() { return *worker_; }
  void stop() { worker_->stop(); }

 private:
  std::unique_ptr<Worker> worker_;
};

}  // namespace sluice::testing
