#pragma once
// HoldingHttpServer: cpp-httplib's Server with its per-connection loop replaced, so one connection
// cannot hold a thread longer than the limits allow. httplib's loop waits up to its read timeout for
// each byte, so a client sending a header byte every few seconds kept a thread forever; here the
// request line and headers must arrive within rest.header.timeout.ms, an idle keep-alive
// connection is closed after the idle timeout, a keep-alive connection gives its thread up when
// other connections wait for one, and accepted sockets get TCP_NODELAY themselves.
// Parsing, routing and responses stay httplib's (Server::process_request).
#include <httplib.h>

#include <atomic>

#include "rest/connection_pool.hpp"
#include "rest/server_limits.hpp"

namespace sluice {

// From a request handler: close this connection once the response is written (the rest of the
// request's body was not read, so the connection cannot carry another request).
void closeConnectionAfterResponse();

class HoldingHttpServer : public httplib::Server {
 public:
  // Applies `limits` with applyServerLimits() (the listening socket is recorded in `*listenSocket`).
  HoldingHttpServer(const RestServerLimits& limits, std::shared_ptr<int> listenSocket);
  ~HoldingHttpServer() override;

  // Wakes every connection waiting for bytes, so stop() does not wait for their timeouts. Call
  // before stop().
  void wakeConnections();

 private:
  bool process_and_close_socket(socket_t sock) override;

  RestServerLimits limits_;
  int stopEvent_ = -1;  // an eventfd, readable once the server stops
  std::atomic<ConnectionPool*> pool_{nullptr};
};

}  // namespace sluice
