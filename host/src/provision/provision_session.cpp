#include "provision/provision_session.hpp"

#include <thread>

namespace sluice {

ProvisionSession::ProvisionSession(std::string label, ProvisionSettings settings, std::ostream& out, std::ostream& err)
    : label_(std::move(label)),
      settings_(settings),
      out_(out),
      err_(err),
      http_(static_cast<long>(std::max<std::chrono::milliseconds::rep>(settings.timeout.count(), 1000))) {
  start();
}

HttpResponse ProvisionSession::untilAnswered(const std::function<HttpResponse()>& send,
                                             const std::function<std::string(const HttpResponse&)>& retryable) {
  std::string lastReason;
  for (;;) {
    HttpResponse r = send();
    std::string reason;
    if (!r.connected) reason = r.refused ? "connection refused (" + r.error + ")" : "";
    else reason = retryable(r);
    if (!r.connected && !r.refused) return r;  // DNS failure, bad URL, timeout: retrying will not help
    if (reason.empty()) return r;
    if (timedOut()) {
      r.error = "gave up after " + std::to_string(settings_.timeout.count() / 1000) + " s: " + reason;
      r.connected = false;
      return r;
    }
    if (reason != lastReason) info("not ready: " + reason + ", retrying");
    lastReason = reason;
    std::this_thread::sleep_for(settings_.retryInterval);
  }
}

std::string shortMessage(const std::string& message) {
  std::string m = message;
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  for (char& c : m)
    if (c == '\n' || c == '\r') c = ' ';
  if (m.size() > 600) m = m.substr(0, 600) + "...";
  return m;
}

}  // namespace sluice
