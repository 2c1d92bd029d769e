#include "rest/rest_server.hpp"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include <httplib.h>

#include "common/logging.hpp"
#include "rest/holding_http_server.hpp"
#include "rest/json_dto.hpp"
#include "rest/listener_security.hpp"
#include "rest/server_limits.hpp"

namespace sluice {

RestServer::RestServer(RestContext& ctx) : ctx_(ctx) {
  addRootRoutes(router_, ctx_);
  addConnectorsRoutes(router_, ctx_);
  addConnectorPluginsRoutes(router_, ctx_);
  addLoggersRoutes(router_, ctx_);
}

RestServer::~RestServer() { stop(); }

namespace {

// SO_REUSEADDR only. httplib's default also sets SO_REUSEPORT, which lets a second worker bind the
// same port and receive a share of the connections (socket(7)); without it, the second bind fails.
void reuseAddressOnly(int sock) {
  int yes = 1;
  ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
}

std::string address(const std::string& host, int port) {
  return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

}  // namespace

Result<bool> RestServer::checkAddressFree(const std::string& host, int port) {
  if (port == 0) return true;  // any free port
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  std::string service = std::to_string(port);
  int rc = ::getaddrinfo(host.empty() ? nullptr : host.c_str(), service.c_str(), &hints, &found);
  if (rc != 0) return Error{"cannot listen on " + address(host, port) + ": " + ::gai_strerror(rc)};
  int bindErrno = 0;
  int sock = ::socket(found->ai_family, found->ai_socktype, found->ai_protocol);
  if (sock < 0) {
    bindErrno = errno;
  } else {
    reuseAddressOnly(sock);  // as the server binds, so a port in TIME_WAIT is not reported as in use
    if (::bind(sock, found->ai_addr, found->ai_addrlen) != 0) bindErrno = errno;
    ::close(sock);
  }
  ::freeaddrinfo(found);
  if (bindErrno == EADDRINUSE)
    return Error{"cannot listen on " + address(host, port) +
                 ": the address is already in use (another process listens there); set listeners or rest.port"};
  if (bindErrno != 0) return Error{"cannot listen on " + address(host, port) + ": " + std::strerror(bindErrno)};
  return true;
}

Result<int> RestServer::start(const std::string& host, int port) { return start(Listener{"http", host, port}); }

Result<int> RestServer::start(const Listener& listener) {
  const std::string& host = listener.host;
  const int port = listener.port;
  auto security = ListenerSecurity::create(listener, ctx_.worker);
  if (!security.ok()) return Error{"REST server: " + security.error()};
  security_ = std::move(security.value());
  auto limits = RestServerLimits::fromWorker(ctx_.worker);
  auto listenSocket = std::make_shared<int>(-1);
  holding_ = nullptr;
  if (listener.scheme == "https") {
    auto server = security_->makeServer();
    if (!server.ok()) return Error{"REST server: " + server.error()};
    server_ = std::move(server.value());
    // httplib's own connection loop runs TLS: the pool, timeouts, backlog and TCP_NODELAY apply, the
    // per-request header deadline of HoldingHttpServer does not.
    applyServerLimits(*server_, limits, listenSocket);
  } else {
    auto server = std::make_unique<HoldingHttpServer>(limits, listenSocket);
    holding_ = server.get();
    server_ = std::move(server);
  }
  addRoutes(*server_, limits.maxBodyBytes);
  int bound = port == 0 ? server_->bind_to_any_port(host) : (server_->bind_to_port(host, port) ? port : -1);
  if (bound <= 0) {
    auto why = checkAddressFree(host, port);
    return Error{"REST server: " + (why.ok() ? "cannot listen on " + address(host, port) : why.error())};
  }
  if (!raiseListenBacklog(*listenSocket, limits.listenBacklog))
    logger("sluice.rest")->warn("REST server: cannot raise the listen backlog to {}: {}", limits.listenBacklog,
                                std::strerror(errno));
  long files = raiseOpenFileLimit();
  if (files >= 0 && static_cast<size_t>(files) < limits.maxConnections)
    logger("sluice.rest")->warn("REST server: {} open files allowed (RLIMIT_NOFILE), fewer than rest.connections.max ({})",
                                files, limits.maxConnections);
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  // httplib's stop() is a no-op until the listen loop runs, so a stop() right after start() would
  // leave the join in stop() hanging: wait until it runs.
  for (int i = 0; i < 500 && !server_->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  logger("sluice.rest")->info("REST API listening on {}://{}:{}", listener.scheme, host, bound);
  return bound;
}

void RestServer::addRoutes(httplib::Server& server, size_t maxBytes) {
  // Refuse an oversized body from its Content-Length, before httplib reads it.
  server.set_pre_routing_handler([this, maxBytes](const httplib::Request& req, httplib::Response& res) {
    if (security_->refuse(req, res)) return httplib::Server::HandlerResponse::Handled;  // 401/403
    // `curl -X PUT .../pause` sends neither Content-Length nor a chunked body; httplib would answer
    // 400 for that, Connect treats it as an empty body. Route such requests here, bodiless.
    if (!req.has_header("Content-Length") && !req.has_header("Transfer-Encoding") && req.method != "GET") {
      router_.dispatch(req, res);
      return httplib::Server::HandlerResponse::Handled;
    }
    if (req.has_header("Content-Length")) {
      unsigned long long len = 0;
      try {
        len = std::stoull(req.get_header_value("Content-Length"));
      } catch (const std::exception&) {
        sendError(res, 400, "Invalid Content-Length header");
        closeConnectionAfterResponse();
        return httplib::Server::HandlerResponse::Handled;
      }
      if (len > maxBytes) {
        refuseTooLarge(res, maxBytes);
        return httplib::Server::HandlerResponse::Handled;
      }
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  auto dispatch = [this](const httplib::Request& req, httplib::Response& res) { router_.dispatch(req, res); };
  // Bodies are read here, for every transfer encoding: httplib checks its payload limit against
  // Content-Length only, and buffers a chunked (or compressed) body without bound.
  auto dispatchWithBody = [this, maxBytes](const httplib::Request& req, httplib::Response& res,
                                           const httplib::ContentReader& reader) {
    std::string body;
    bool tooLarge = false;
    bool complete = reader([&](const char* data, size_t length) {
      if (length > maxBytes - body.size()) {
        tooLarge = true;
        return false;  // httplib stops reading the body here
      }
      body.append(data, length);
      return true;
    });
    if (tooLarge) return refuseTooLarge(res, maxBytes);
    if (!complete) {
      closeConnectionAfterResponse();
      return sendError(res, 400, "The request body could not be read (malformed chunked encoding or a closed connection)");
    }
    httplib::Request withBody = req;
    withBody.body = std::move(body);
    router_.dispatch(withBody, res);
  };
  // Every path, including decoded ones with a newline (which ".*" would not match): the router decides.
  const std::string everyPath = "[\\s\\S]*";
  server.Get(everyPath, dispatch);
  server.Post(everyPath, dispatchWithBody);
  server.Put(everyPath, dispatchWithBody);
  server.Patch(everyPath, dispatchWithBody);
  server.Delete(everyPath, dispatchWithBody);
  server.Delete(everyPath, dispatch);
  server.Options(everyPath, dispatch);
  // Whatever httplib answers on its own (413 while reading, 400 on a bad request line) gets Connect's shape.
  server.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    sendError(res, res.status, res.status == 413 ? "Request body exceeds rest.request.max.bytes" : "HTTP " + std::to_string(res.status));
    return httplib::Server::HandlerResponse::Handled;
  }));
  server.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    std::string msg = "unexpected error";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      msg = e.what();
    } catch (...) {
    }
    sendError(res, 500, msg);
  });
  server.set_logger([this](const httplib::Request& req, const httplib::Response& res) { security_->audit(req, res); });
}

void RestServer::refuseTooLarge(httplib::Response& res, size_t maxBytes) {
  sendError(res, 413, "Request body exceeds rest.request.max.bytes (" + std::to_string(maxBytes) + " bytes)");
  // The rest of the body was not read: this connection cannot carry another request.
  res.set_header("Connection", "close");
  closeConnectionAfterResponse();
}

void RestServer::stop() {
  if (holding_) holding_->wakeConnections();
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace sluice
