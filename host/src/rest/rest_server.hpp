#pragma once
// RestServer: the Connect-compatible REST API (cpp-httplib) on one listener (http or https), loopback
// by default. Bodies over rest.request.max.bytes are refused with 413 without reading past the limit,
// whatever their transfer encoding; connections are bounded as server_limits.hpp says.
#include <memory>
#include <string>
#include <thread>

#include "common/result.hpp"
#include "config/listeners.hpp"
#include "rest/rest_context.hpp"
#include "rest/router.hpp"

namespace httplib {
class Server;
struct Response;
}

namespace sluice {

class HoldingHttpServer;
class ListenerSecurity;

class RestServer {
 public:
  explicit RestServer(RestContext& ctx);
  ~RestServer();

  // Binds host:port (port 0: any free port) and serves on a background thread. Returns the port.
  // A port another socket listens on is an error: SO_REUSEPORT is not set, so two workers never
  // share a port.
  Result<int> start(const std::string& host, int port);
  // The same for one `listeners` entry: https is served with TLS, and every listener checks
  // credentials and roles and writes the audit log (rest/listener_security.hpp).
  Result<int> start(const Listener& listener);
  // Whether host:port can be bound now; the error names the address and why ("already in use").
  static Result<bool> checkAddressFree(const std::string& host, int port);
  void stop();

 private:
  // The API's routes and body handling on `server` (any httplib::Server, plain or TLS).
  void addRoutes(httplib::Server& server, size_t maxBytes);
  static void refuseTooLarge(httplib::Response& res, size_t maxBytes);

  RestContext& ctx_;
  Router router_;
  std::unique_ptr<ListenerSecurity> security_;  // before server_: destroyed after it
  std::unique_ptr<httplib::Server> server_;
  HoldingHttpServer* holding_ = nullptr;  // server_, for waking its connections on stop()
  std::thread thread_;
};

}  // namespace sluice
