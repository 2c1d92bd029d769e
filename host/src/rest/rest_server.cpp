#include "rest/rest_server.hpp"

#include <chrono>
#include <thread>

#include <httplib.h>

#include "common/logging.hpp"
#include "rest/json_dto.hpp"

namespace sluice {

RestServer::RestServer(RestContext& ctx) : ctx_(ctx) {
  addRootRoutes(router_, ctx_);
  addConnectorsRoutes(router_, ctx_);
  addConnectorPluginsRoutes(router_, ctx_);
  addLoggersRoutes(router_, ctx_);
}

RestServer::~RestServer() { stop(); }

Result<int> RestServer::start(const std::string& host, int port) {
  server_ = std::make_unique<httplib::Server>();
  auto maxBytes = static_cast<size_t>(ctx_.worker.getLong("rest.request.max.bytes", 1 << 20));
  server_->set_payload_max_length(maxBytes);
  // Refuse an oversized body from its Content-Length, before httplib reads it.
  server_->set_pre_routing_handler([this, maxBytes](const httplib::Request& req, httplib::Response& res) {
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
        return httplib::Server::HandlerResponse::Handled;
      }
      if (len > maxBytes) {
        sendError(res, 413,
                  "Request body of " + std::to_string(len) + " bytes exceeds rest.request.max.bytes (" +
                      std::to_string(maxBytes) + ")");
        res.set_header("Connection", "close");
        return httplib::Server::HandlerResponse::Handled;
      }
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  auto dispatch = [this](const httplib::Request& req, httplib::Response& res) { router_.dispatch(req, res); };
  server_->Get(".*", dispatch);
  server_->Post(".*", dispatch);
  server_->Put(".*", dispatch);
  server_->Patch(".*", dispatch);
  server_->Delete(".*", dispatch);
  server_->Options(".*", dispatch);
  // Whatever httplib answers on its own (413 while reading, 400 on a bad request line) gets Connect's shape.
  server_->set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    sendError(res, res.status, res.status == 413 ? "Request body exceeds rest.request.max.bytes" : "HTTP " + std::to_string(res.status));
    return httplib::Server::HandlerResponse::Handled;
  }));
  server_->set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    std::string msg = "unexpected error";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      msg = e.what();
    } catch (...) {
    }
    sendError(res, 500, msg);
  });
  int bound = port == 0 ? server_->bind_to_any_port(host) : (server_->bind_to_port(host, port) ? port : -1);
  if (bound <= 0)
    return Error{"REST server: cannot listen on " + host + ":" + std::to_string(port) +
                 " (in use, or not a local address); set listeners or rest.port"};
  // Without TCP_NODELAY every keep-alive response waits for the client's delayed ACK (~40 ms).
  server_->set_tcp_nodelay(true);
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  // httplib's stop() is a no-op until the listen loop runs, so a stop() right after start() would
  // leave the join in stop() hanging: wait until it runs.
  for (int i = 0; i < 500 && !server_->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  logger("sluice.rest")->info("REST API listening on http://{}:{}", host, bound);
  return bound;
}

void RestServer::stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace sluice
