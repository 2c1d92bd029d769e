#include "rest/listener_security.hpp"

#include <csignal>

#include "rest/audit_log.hpp"

namespace sluice {

Result<std::unique_ptr<ListenerSecurity>> ListenerSecurity::create(const Listener& listener, const WorkerConfig& config) {
  auto security = std::make_unique<ListenerSecurity>();
  security->scheme_ = listener.scheme;
  if (listener.scheme == "https") {
    auto settings = httpsSettings(config);
    if (!settings.ok()) return Error{"https listener: " + settings.error()};
    auto tls = TlsContext::create(std::move(settings.value()));
    if (!tls.ok()) return Error{"https listener: " + tls.error()};
    security->tls_ = tls.value();
  }
  auto authSettings = restAuthSettings(config);
  if (!authSettings.ok()) return Error{authSettings.error()};
  auto access = RestAccess::create(std::move(authSettings.value()));
  if (!access.ok()) return Error{access.error()};
  security->access_ = std::move(access.value());
  return security;
}

Result<std::unique_ptr<httplib::Server>> ListenerSecurity::makeServer() {
  if (!tls_) return std::make_unique<httplib::Server>();
  // OpenSSL writes with write(2), not send(MSG_NOSIGNAL) as httplib does for plain sockets: a TLS
  // client that hangs up mid-answer would raise SIGPIPE and end the worker. EPIPE is an error instead.
  // (Task processes get the default disposition back: IsolatedPipeline resets it before exec.)
  std::signal(SIGPIPE, SIG_IGN);
  auto tls = tls_;
  auto server = std::make_unique<httplib::SSLServer>([tls](SSL_CTX& ctx) { return tls->configure(ctx); });
  if (!server->is_valid())
    return Error{"https listener: " + (tls->configureError().empty() ? std::string("OpenSSL cannot make a TLS context")
                                                                     : tls->configureError())};
  return std::unique_ptr<httplib::Server>(std::move(server));
}

void ListenerSecurity::audit(const httplib::Request& req, const httplib::Response& res) const {
  if (isReadOnlyMethod(req.method)) return;
  auditRequest(req, res, access_->identify(req), scheme_);
}

}  // namespace sluice
