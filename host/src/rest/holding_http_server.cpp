#include "rest/holding_http_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace sluice {

namespace {

using Clock = std::chrono::steady_clock;

thread_local bool closeRequested = false;

std::string addressText(const sockaddr_storage& addr, int& port) {
  char text[INET6_ADDRSTRLEN] = {0};
  if (addr.ss_family == AF_INET) {
    const auto& in = reinterpret_cast<const sockaddr_in&>(addr);
    ::inet_ntop(AF_INET, &in.sin_addr, text, sizeof text);
    port = ntohs(in.sin_port);
  } else if (addr.ss_family == AF_INET6) {
    const auto& in6 = reinterpret_cast<const sockaddr_in6&>(addr);
    ::inet_ntop(AF_INET6, &in6.sin6_addr, text, sizeof text);
    port = ntohs(in6.sin6_port);
  }
  return text;
}

// One connection's bytes for httplib's parser, buffered, with the deadlines applied: the request
// line and headers by one deadline for all of them, each later read and write by the idle timeout.
class DeadlineStream : public httplib::Stream {
 public:
  DeadlineStream(int sock, int stopEvent, const RestServerLimits& limits)
      : sock_(sock), stopEvent_(stopEvent), limits_(limits) {}

  // Waits up to `wait` for the first byte of the next request. False when the wait ran out or the
  // server stops; true also when the client closed (httplib then reads the end and stops).
  bool awaitRequest(std::chrono::milliseconds wait) {
    return begin_ < end_ || waitFor(POLLIN, Clock::now() + wait);
  }
  void beginRequest() {
    inHeaders_ = true;
    headerBytes_ = 0;
    lastFour_ = 0;
    headerDeadline_ = Clock::now() + limits_.headerTimeout;
  }

  bool is_readable() const override { return begin_ < end_ || waitFor(POLLIN, readDeadline()); }
  bool is_writable() const override { return waitFor(POLLOUT, Clock::now() + limits_.idleTimeout); }

  ssize_t read(char* ptr, size_t size) override {
    if (begin_ == end_) {
      if (!waitFor(POLLIN, readDeadline())) return -1;
      ssize_t n = ::recv(sock_, buffer_, sizeof buffer_, 0);
      if (n <= 0) return n;
      begin_ = 0;
      end_ = static_cast<size_t>(n);
    }
    size_t count = std::min(size, end_ - begin_);
    std::memcpy(ptr, buffer_ + begin_, count);
    begin_ += count;
    if (inHeaders_) trackHeaders(ptr, count);
    if (inHeaders_ && headerBytes_ > limits_.maxHeaderBytes) return -1;
    return static_cast<ssize_t>(count);
  }

  ssize_t write(const char* ptr, size_t size) override {
    if (!is_writable()) return -1;
    return ::send(sock_, ptr, size, MSG_NOSIGNAL);
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    if (::getpeername(sock_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) ip = addressText(addr, port);
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    if (::getsockname(sock_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) ip = addressText(addr, port);
  }
  socket_t socket() const override { return sock_; }

 private:
  Clock::time_point readDeadline() const { return inHeaders_ ? headerDeadline_ : Clock::now() + limits_.idleTimeout; }

  // The headers end at the first empty line (CRLF CRLF, RFC 9112 section 2.1); bytes after it are body.
  void trackHeaders(const char* data, size_t count) {
    for (size_t i = 0; i < count && inHeaders_; ++i) {
      ++headerBytes_;
      lastFour_ = (lastFour_ << 8) | static_cast<unsigned char>(data[i]);
      if (lastFour_ == 0x0d0a0d0a) inHeaders_ = false;
    }
  }

  // poll(2) on the socket and the server's stop event until `deadline`.
  bool waitFor(short events, Clock::time_point deadline) const {
    while (true) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) return false;
      pollfd fds[2] = {{sock_, events, 0}, {stopEvent_, POLLIN, 0}};
      int n = ::poll(fds, 2, static_cast<int>(std::min<long long>(left, 60000)));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 || (fds[1].revents & POLLIN)) return false;
      if (fds[0].revents != 0) return true;  // ready, or an error/hang-up the next call reports
    }
  }

  int sock_;
  int stopEvent_;
  const RestServerLimits& limits_;
  char buffer_[16384];
  size_t begin_ = 0, end_ = 0;
  bool inHeaders_ = false;
  size_t headerBytes_ = 0;
  uint32_t lastFour_ = 0;
  Clock::time_point headerDeadline_{};
};

// A connection over rest.connections.max: a short 503 without reading anything, then closed.
void refuse(int sock) {
  static const std::string body =
      R"({"error_code":503,"message":"Too many connections to the REST API (rest.connections.max); retry later"})";
  static const std::string reply = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: " +
                                   std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
  (void)!::send(sock, reply.data(), reply.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
}

// Closes after a response to a request whose body was not read: stop sending, discard what the
// client still sends for a bounded time and amount, then close. Closing with unread bytes at once
// would reset the connection, and the client could lose the response (RFC 9112 section 9.6).
void lingeringClose(int sock) {
  ::shutdown(sock, SHUT_WR);
  char discard[16384];
  size_t drained = 0;
  auto deadline = Clock::now() + std::chrono::seconds(1);
  while (drained < (4u << 20) && Clock::now() < deadline) {
    pollfd p{sock, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    ssize_t n = ::recv(sock, discard, sizeof discard, 0);
    if (n <= 0) break;
    drained += static_cast<size_t>(n);
  }
  ::close(sock);
}

}  // namespace

void closeConnectionAfterResponse() { closeRequested = true; }

HoldingHttpServer::HoldingHttpServer(const RestServerLimits& limits, std::shared_ptr<int> listenSocket)
    : limits_(limits) {
  stopEvent_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  applyServerLimits(*this, limits_, std::move(listenSocket));
  // Keep the pool the listen loop creates, to ask it whether connections wait for a thread.
  new_task_queue = [this, makePool = new_task_queue] {
    auto* queue = makePool();
    pool_ = dynamic_cast<ConnectionPool*>(queue);
    return queue;
  };
}

HoldingHttpServer::~HoldingHttpServer() {
  if (stopEvent_ >= 0) ::close(stopEvent_);
}

void HoldingHttpServer::wakeConnections() {
  uint64_t one = 1;
  if (stopEvent_ >= 0) (void)!::write(stopEvent_, &one, sizeof one);
}

bool HoldingHttpServer::process_and_close_socket(socket_t sock) {
  if (ConnectionPool::refusingOnThisThread()) {
    refuse(sock);
    return false;
  }
  // Set here rather than inherited from the listening socket: each keep-alive answer must leave at
  // once, not wait for the client's delayed ACK (Nagle, RFC 896 / tcp(7)).
  int yes = 1;
  ::setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
  DeadlineStream stream(sock, stopEvent_, limits_);
  closeRequested = false;
  for (size_t served = 0; served < limits_.maxRequestsPerConnection && svr_sock_ != INVALID_SOCKET; ++served) {
    if (!stream.awaitRequest(served == 0 ? limits_.headerTimeout : limits_.idleTimeout)) break;
    stream.beginRequest();
    auto* pool = pool_.load();
    bool last = served + 1 == limits_.maxRequestsPerConnection || (pool && pool->othersWaiting());
    bool closed = false;
    if (!process_request(stream, last, closed, nullptr) || closed || last || closeRequested) break;
  }
  if (closeRequested) {
    lingeringClose(sock);
  } else {
    ::shutdown(sock, SHUT_RDWR);
    ::close(sock);
  }
  closeRequested = false;
  return true;
}

}  // namespace sluice
