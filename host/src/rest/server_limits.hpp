#pragma once
// What keeps the REST server answering under slow, idle, many or oversized clients, read from the
// worker config and applied to any httplib::Server (plain HTTP or httplib::SSLServer alike):
// timeouts, body size, keep-alive, the connection pool, TCP_NODELAY and the listen backlog.
#include <httplib.h>

#include <chrono>
#include <cstddef>
#include <memory>

#include "config/worker_config.hpp"

namespace sluice {

struct RestServerLimits {
  size_t maxBodyBytes = 1 << 20;                        // rest.request.max.bytes
  size_t maxThreads = 512;                              // rest.threads.max
  size_t maxConnections = 20000;                        // rest.connections.max
  std::chrono::milliseconds headerTimeout{10000};       // rest.header.timeout.ms
  std::chrono::milliseconds idleTimeout{5000};          // a silent read, write or keep-alive wait
  size_t maxRequestsPerConnection = 10000;              // then the connection closes (keep-alive)
  size_t maxHeaderBytes = 64 * 1024;                    // request line and headers together
  int listenBacklog = 1024;                             // listen(2); httplib's own is 5

  static RestServerLimits fromWorker(const WorkerConfig& worker);
};

// Call before binding. Sets timeouts, payload limit and keep-alive, the socket options of the
// listening socket (SO_REUSEADDR without SO_REUSEPORT, TCP_NODELAY: Linux copies it to each
// accepted socket, tcp(7)) and a ConnectionPool as the server's task queue. The listening socket's
// descriptor is recorded in `*listenSocket` for raiseListenBacklog().
void applyServerLimits(httplib::Server& server, const RestServerLimits& limits, std::shared_ptr<int> listenSocket);

// Call after binding: httplib listens with a backlog of 5, compiled into Debian's library; a second
// listen(2) on the bound socket changes it. False (with errno) when that failed.
bool raiseListenBacklog(int listenSocket, int backlog);

// Raises this process's soft RLIMIT_NOFILE to its hard limit, so thousands of connections do not
// run the worker out of descriptors at 1024 (getrlimit(2)). Returns the new soft limit.
long raiseOpenFileLimit();

}  // namespace sluice
