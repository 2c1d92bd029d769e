#pragma once
// What the ksqlDB and Pinot provisioners share: where to print, how long to wait for a server that is
// still starting, and the retry loop that tells "not up yet" apart from a real answer.
#include <chrono>
#include <functional>
#include <ostream>
#include <string>

#include "provision/http_client.hpp"

namespace sluice {

struct ProvisionSettings {
  std::chrono::milliseconds timeout{std::chrono::seconds(120)};  // per server: readiness + retries
  std::chrono::milliseconds retryInterval{500};
};

class ProvisionSession {
 public:
  ProvisionSession(std::string label, ProvisionSettings settings, std::ostream& out, std::ostream& err);

  // Starts the clock for this server; the timeout covers everything until the last request.
  void start() { deadline_ = std::chrono::steady_clock::now() + settings_.timeout; }

  // Calls `send` until it returns a response `retryable` does not want retried, or the deadline
  // passes. Connection refused is always retried. Each new reason to wait is printed once.
  HttpResponse untilAnswered(const std::function<HttpResponse()>& send,
                             const std::function<std::string(const HttpResponse&)>& retryable);

  void info(const std::string& line) { out_ << label_ << ": " << line << std::endl; }
  void error(const std::string& line) { err_ << label_ << ": " << line << std::endl; }
  const HttpClient& http() const { return http_; }
  bool timedOut() const { return std::chrono::steady_clock::now() >= deadline_; }

 private:
  std::string label_;
  ProvisionSettings settings_;
  std::ostream& out_;
  std::ostream& err_;
  HttpClient http_;
  std::chrono::steady_clock::time_point deadline_;
};

// A server message on one line, trimmed to something that fits a report line.
std::string shortMessage(const std::string& message);

}  // namespace sluice
