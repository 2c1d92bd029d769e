#pragma once
// Subprocesses for the crash tests: `sluice worker` processes that are killed with SIGKILL (as kill -9
// or the OOM killer would), and `sluice kafka` as a Kafka cluster that outlives worker restarts.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "rest_test_support.hpp"

namespace sluice::testing {

inline std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A worker config file from key/value pairs (the worker's YAML accepts flat dotted keys).
inline void writeWorkerConfig(const std::string& path, const std::map<std::string, std::string>& values) {
  std::ofstream out(path);
  for (const auto& [k, v] : values) out << k << ": " << v << "\n";
}

// SLUICE_BINARY with `args`; its stderr goes to `logPath`, and its stdout either to a pipe read by
// readLine() (captureStdout) or to the log too, so an unread pipe can never block it. The destructor
// kills it with SIGKILL if it still runs.
class SluiceProcess {
 public:
  SluiceProcess(const std::vector<std::string>& args, std::string logPath, bool captureStdout = false)
      : log_(std::move(logPath)) {
    int fds[2];
    if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
    pid_ = ::fork();
    if (pid_ == 0) {
      FILE* f = std::freopen(log_.c_str(), "w", stderr);
      (void)f;
      ::dup2(captureStdout ? fds[1] : STDERR_FILENO, STDOUT_FILENO);
      ::close(fds[0]);
      ::close(fds[1]);
      std::vector<char*> argv{const_cast<char*>(SLUICE_BINARY)};
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      ::execv(SLUICE_BINARY, argv.data());
      ::_exit(127);
    }
    ::close(fds[1]);
    stdout_ = ::fdopen(fds[0], "r");
  }
  ~SluiceProcess() {
    kill();
    if (stdout_) std::fclose(stdout_);
  }
  SluiceProcess(const SluiceProcess&) = delete;
  SluiceProcess& operator=(const SluiceProcess&) = delete;

  // One line of stdout without its newline; "" at end of output.
  std::string readLine() {
    char line[4096] = {0};
    if (!std::fgets(line, sizeof line, stdout_)) return "";
    std::string s(line);
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    return s;
  }
  // True once the process has ended (its exit status is then in exitStatus()).
  bool exited() {
    if (pid_ > 0 && ::waitpid(pid_, &status_, WNOHANG) == pid_) pid_ = -1;
    return pid_ <= 0;
  }
  int exitStatus() const { return status_; }
  pid_t pid() const { return pid_; }
  // SIGKILL, then reap: nothing of the process runs any more when this returns.
  void kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status_, 0);
    pid_ = -1;
  }
  // SIGTERM and wait up to timeoutMs for the exit; false (and SIGKILL) when it did not stop in time.
  bool terminate(int timeoutMs) {
    if (pid_ <= 0) return true;
    ::kill(pid_, SIGTERM);
    if (eventually([&] { return exited(); }, timeoutMs)) return true;
    kill();
    return false;
  }
  std::string log() const { return readFile(log_); }

 private:
  std::string log_;
  pid_t pid_ = -1;
  int status_ = 0;
  FILE* stdout_ = nullptr;
};

// `sluice worker <config> [connector files...]`.
class WorkerProcess : public SluiceProcess {
 public:
  WorkerProcess(const std::string& config, const std::string& logPath, const std::vector<std::string>& connectorFiles = {})
      : SluiceProcess(withArgs(config, connectorFiles), logPath) {}
  // The port from the worker's "REST API listening on" log line; 0 if it never appeared.
  int waitForPort() {
    int port = 0;
    eventually([&] {
      std::smatch m;
      std::string text = log();
      if (std::regex_search(text, m, std::regex("REST API listening on http://[^:]+:([0-9]+)"))) port = std::stoi(m[1]);
      return port != 0 || exited();
    });
    return port;
  }

 private:
  static std::vector<std::string> withArgs(const std::string& config, const std::vector<std::string>& files) {
    std::vector<std::string> args{"worker", config};
    args.insert(args.end(), files.begin(), files.end());
    return args;
  }
};

// `sluice kafka --topic NAME:PARTITIONS...`: its first stdout line is the bootstrap address.
class KafkaProcess : public SluiceProcess {
 public:
  KafkaProcess(const std::vector<std::string>& topics, const std::string& logPath) : SluiceProcess(withTopics(topics), logPath, true) {
    bootstrap_ = readLine();
    if (bootstrap_.empty()) throw std::runtime_error("sluice kafka printed no bootstrap address: " + log());
  }
  ~KafkaProcess() { terminate(10000); }
  const std::string& bootstrap() const { return bootstrap_; }

 private:
  static std::vector<std::string> withTopics(const std::vector<std::string>& topics) {
    std::vector<std::string> args{"kafka"};
    for (const auto& t : topics) args.insert(args.end(), {"--topic", t});
    return args;
  }
  std::string bootstrap_;
};

}  // namespace sluice::testing
