#include "bench_worker.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "bench_records.hpp"

namespace sluice::bench {
namespace {

namespace fs = std::filesystem;

int freePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(a);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 || ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("bind failed");
  }
  ::close(fd);
  return ntohs(a.sin_port);
}

double rssMiB(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;  // kB
  throw std::runtime_error("no VmRSS for pid " + std::to_string(pid));
}

// One `sluice worker` subprocess in its own temp folder; stopped (SIGTERM, then SIGKILL) on destruction.
class WorkerProcess {
 public:
  WorkerProcess() {
    char tmpl[] = "/tmp/sluice-bench-worker-XXXXXX";
    if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
    port_ = freePort();
    std::ofstream y(dir_ / "worker.yaml");
    y << "bootstrap.servers: embedded\n"
      << "embedded.brokers: 1\n"
      << "embedded.partitions: 3\n"
      << "embedded.topics: transactions:3,transactions_aggregate_sluice:3\n"
      << "listeners: http://127.0.0.1:" << port_ << "\n"
      << "plugin.path: \"\"\n"
      << "config.storage.file.filename: " << (dir_ / "connectors.json").string() << "\n"
      << "offset.storage.file.filename: " << (dir_ / "offsets.json").string() << "\n"
      << "log.level: warn\n";
  }
  ~WorkerProcess() {
    stop();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Starts the process; returns the start instant (just before fork).
  Clock::time_point start() {
    std::string yaml = (dir_ / "worker.yaml").string(), log = (dir_ / "worker.log").string();
    auto t0 = Clock::now();
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (fd >= 0) {
        ::dup2(fd, 1);
        ::dup2(fd, 2);
      }
      ::execl(SLUICE_BINARY, SLUICE_BINARY, "worker", yaml.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    return t0;
  }

  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    auto deadline = Clock::now() + std::chrono::seconds(15);
    int status = 0;
    while (::waitpid(pid_, &status, WNOHANG) == 0) {
      if (Clock::now() > deadline) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    pid_ = -1;
  }

  bool exited() {
    int status = 0;
    if (pid_ > 0 && ::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return true;
    }
    return pid_ <= 0;
  }

  std::string logTail() const {
    std::ifstream f(dir_ / "worker.log");
    std::stringstream s;
    s << f.rdbuf();
    std::string t = s.str();
    return t.size() > 2000 ? t.substr(t.size() - 2000) : t;
  }

  pid_t pid() const { return pid_; }
  int port() const { return port_; }

 private:
  fs::path dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

std::unique_ptr<httplib::Client> client(int port) {
  auto c = std::make_unique<httplib::Client>("127.0.0.1", port);
  c->set_keep_alive(true);
  c->set_tcp_nodelay(true);
  c->set_connection_timeout(0, 200000);
  c->set_read_timeout(5, 0);
  return c;
}

// Polls GET / until it answers 200; returns the instant it did.
Clock::time_point waitReady(WorkerProcess& w) {
  auto c = client(w.port());
  auto deadline = Clock::now() + std::chrono::seconds(30);
  while (Clock::now() < deadline) {
    if (auto r = c->Get("/"); r && r->status == 200) return Clock::now();
    if (w.exited()) throw std::runtime_error("sluice worker exited: " + w.logTail());
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  throw std::runtime_error("sluice worker not ready within 30 s: " + w.logTail());
}

nlohmann::json connectorBody(const std::string& file, const nlohmann::json& fallback) {
  std::ifstream f(std::string(SLUICE_SOURCE_DIR) + "/connectors/" + file);
  if (!f) return fallback;
  return nlohmann::json::parse(f);
}

// The reference pipeline: connectors/transactions-datagen.json and transactions-aggregate.json (or
// an equivalent body when that file does not exist), both RUNNING.
void startReferencePipeline(int port) {
  nlohmann::json aggregate = {{"name", "transactions-aggregate"},
                              {"config",
                               {{"connector.class", "kafka-source"},
                                {"topics", "transactions"},
                                // The host supplies both to the task; POST /connectors still asks for them.
                                {"bootstrap.servers", "embedded"},
                                {"group.id", "connect-transactions-aggregate"},
                                {"transforms", "window"},
                                {"transforms.window.type", "windowed-aggregate"},
                                {"transforms.window.timestamp.field", "event_timestamp"},
                                {"transforms.window.filter.field", "status"},
                                {"transforms.window.filter.value", "Paid"},
                                {"transforms.window.output.topic", "transactions_aggregate_sluice"},
                                {"key.converter", "org.apache.kafka.connect.storage.StringConverter"},
                                {"value.converter", "org.apache.kafka.connect.storage.StringConverter"},
                                {"tasks.max", "1"}}}};
  std::vector<nlohmann::json> bodies = {connectorBody("transactions-datagen.json", nullptr),
                                        connectorBody("transactions-aggregate.json", aggregate)};
  if (bodies[0].is_null()) throw std::runtime_error("connectors/transactions-datagen.json missing");
  auto c = client(port);
  for (const auto& b : bodies) {
    auto r = c->Post("/connectors", b.dump(), "application/json");
    if (!r || r->status != 201)
      throw std::runtime_error("POST /connectors " + b.value("name", "") + ": " + (r ? std::to_string(r->status) + " " + r->body : "no answer"));
  }
  auto deadline = Clock::now() + std::chrono::seconds(30);
  for (const auto& b : bodies) {
    std::string path = "/connectors/" + b["name"].get<std::string>() + "/status";
    for (;;) {
      auto r = c->Get(path);
      if (r && r->status == 200) {
        auto s = nlohmann::json::parse(r->body, nullptr, false);
        if (!s.is_discarded() && s["connector"]["state"] == "RUNNING" && !s["tasks"].empty() && s["tasks"][0]["state"] == "RUNNING") break;
        if (!s.is_discarded() && !s["tasks"].empty() && s["tasks"][0]["state"] == "FAILED")
          throw std::runtime_error(path + ": task FAILED: " + r->body);
      }
      if (Clock::now() > deadline) throw std::runtime_error(path + " not RUNNING within 30 s");
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
}

struct Latency {
  double p50Ms, p99Ms;
};

// GET path at a fixed rate. Latency counts from the scheduled send
// time, so a slow answer also charges the requests queued behind it (no coordinated omission).
Latency fixedRate(int port, const std::string& path, int rate, int count) {
  // A new connection per request: with keep-alive every answer after the first waits ~40 ms for
  // the client's delayed ACK (the REST server does not set TCP_NODELAY; see docs/performance.md).
  auto c = client(port);
  c->set_keep_alive(false);
  std::vector<double> ms;
  ms.reserve(static_cast<size_t>(count));
  auto interval = std::chrono::nanoseconds(1000000000LL / rate);
  auto t0 = Clock::now();
  for (int i = 0; i < count; ++i) {
    auto scheduled = t0 + interval * i;
    std::this_thread::sleep_until(scheduled);
    auto r = c->Get(path);
    auto done = Clock::now();
    if (!r || r->status != 200) throw std::runtime_error("GET " + path + " failed at request " + std::to_string(i));
    ms.push_back(std::chrono::duration<double, std::milli>(done - scheduled).count());
  }
  std::sort(ms.begin(), ms.end());
  auto at = [&](double q) { return ms[std::min(ms.size() - 1, static_cast<size_t>(q * static_cast<double>(ms.size())))]; };
  return {at(0.50), at(0.99)};
}

}  // namespace

std::vector<Row> benchWorker(const WorkerSizes& sizes) {
  Row ready{"sluice worker start -> GET / answers (embedded Kafka)", "ms", {}, "<= 50", [](double v) { return v <= 50; }, ""};
  Row idle{"RSS idle (VmRSS after ready)", "MiB", {}, "<= 15", [](double v) { return v <= 15; }, ""};
  Row running{"RSS with the reference pipeline running", "MiB", {}, "", {}, "datagen + windowed aggregate, after the latency run"};
  std::string rateNote = std::to_string(sizes.requestsPerRun) + " requests at " + std::to_string(sizes.requestsPerSecond) + "/s";
  Row p50{"GET /connectors/{name}/status p50", "ms", {}, "", {}, rateNote};
  Row p99{"GET /connectors/{name}/status p99", "ms", {}, "<= 2", [](double v) { return v <= 2; }, rateNote};
  for (int run = 0; run < sizes.runs; ++run) {
    WorkerProcess w;
    auto t0 = w.start();
    auto t1 = waitReady(w);
    ready.samples.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    idle.samples.push_back(rssMiB(w.pid()));
    startReferencePipeline(w.port());
    auto l = fixedRate(w.port(), "/connectors/transactions-aggregate/status", sizes.requestsPerSecond, sizes.requestsPerRun);
    p50.samples.push_back(l.p50Ms);
    p99.samples.push_back(l.p99Ms);
    running.samples.push_back(rssMiB(w.pid()));
    w.stop();
  }
  return {ready, idle, running, p50, p99};
}

}  // namespace sluice::bench
