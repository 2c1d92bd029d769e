#include "rest/server_limits.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "rest/connection_pool.hpp"

namespace sluice {

RestServerLimits RestServerLimits::fromWorker(const WorkerConfig& worker) {
  RestServerLimits limits;
  limits.maxBodyBytes = static_cast<size_t>(worker.getLong("rest.request.max.bytes", 1 << 20));
  limits.maxThreads = static_cast<size_t>(worker.getLong("rest.threads.max", 512));
  limits.maxConnections = static_cast<size_t>(worker.getLong("rest.connections.max", 20000));
  limits.headerTimeout = std::chrono::milliseconds(worker.getLong("rest.header.timeout.ms", 10000));
  return limits;
}

void applyServerLimits(httplib::Server& server, const RestServerLimits& limits, std::shared_ptr<int> listenSocket) {
  server.set_payload_max_length(limits.maxBodyBytes);
  auto idleSec = static_cast<time_t>(limits.idleTimeout.count() / 1000);
  auto idleUsec = static_cast<time_t>((limits.idleTimeout.count() % 1000) * 1000);
  server.set_read_timeout(idleSec, idleUsec);
  server.set_write_timeout(idleSec, idleUsec);
  server.set_keep_alive_timeout(idleSec > 0 ? idleSec : 1);
  server.set_keep_alive_max_count(limits.maxRequestsPerConnection);
  server.set_tcp_nodelay(true);
  server.set_socket_options([listenSocket](socket_t sock) {
    int yes = 1;
    // SO_REUSEADDR only: httplib's default also sets SO_REUSEPORT, which lets a second worker bind the
    // same port and receive a share of the connections (socket(7)); without it, the second bind fails.
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    ::setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
    if (listenSocket) *listenSocket = sock;
  });
  auto maxThreads = limits.maxThreads, maxConnections = limits.maxConnections;
  server.new_task_queue = [maxThreads, maxConnections] { return new ConnectionPool(maxThreads, maxConnections); };
}

bool raiseListenBacklog(int listenSocket, int backlog) { return listenSocket >= 0 && ::listen(listenSocket, backlog) == 0; }

long raiseOpenFileLimit() {
  rlimit files{};
  if (::getrlimit(RLIMIT_NOFILE, &files) != 0) return -1;
  if (files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &files) != 0) ::getrlimit(RLIMIT_NOFILE, &files);
  }
  return static_cast<long>(files.rlim_cur);
}

}  // namespace sluice
