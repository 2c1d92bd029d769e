#pragma once
// ListenerSecurity: what one REST listener adds around the router: TLS for an https listener
// (tls_context), authentication and roles (rest_access) and the audit log (audit_log). RestServer
// keeps one per listener and calls it at three points: to make its httplib server, before routing
// a request, and after answering one.
#include <memory>
#include <string>

#include <httplib.h>

#include "common/result.hpp"
#include "config/listeners.hpp"
#include "config/worker_config.hpp"
#include "rest/rest_access.hpp"
#include "rest/tls_context.hpp"

namespace sluice {

class ListenerSecurity {
 public:
  // Reads the listener's TLS settings (https only) and the access settings; any error stops the start.
  static Result<std::unique_ptr<ListenerSecurity>> create(const Listener& listener, const WorkerConfig& config);

  // httplib::SSLServer for https (configured by TlsContext), httplib::Server for http.
  Result<std::unique_ptr<httplib::Server>> makeServer();
  // True when the request was answered with 401/403 and must not reach the router.
  bool refuse(const httplib::Request& req, httplib::Response& res) { return access_->refuse(req, res); }
  // The audit line of a request that changes something (or tried to).
  void audit(const httplib::Request& req, const httplib::Response& res) const;
  const std::string& scheme() const { return scheme_; }

 private:
  std::string scheme_;
  std::shared_ptr<TlsContext> tls_;  // outlives the server: its SSL_CTX calls back into it
  std::unique_ptr<RestAccess> access_;
};

}  // namespace sluice
