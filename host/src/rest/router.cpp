#include "rest/router.hpp"

#include "common/logging.hpp"
#include "rest/json_dto.hpp"
#include "runtime/herder.hpp"

namespace sluice {

void Router::add(const std::string& method, const std::string& pattern, RouteHandler handler, bool consumesJson) {
  routes_.push_back({method, std::regex(pattern), std::move(handler), consumesJson});
}

void Router::dispatch(const httplib::Request& req, httplib::Response& res) const {
  bool pathKnown = false;
  for (const auto& r : routes_) {
    std::smatch m;
    if (!std::regex_match(req.path, m, r.pattern)) continue;
    pathKnown = true;
    if (r.method != req.method) continue;
    if (r.consumesJson && req.has_header("Content-Type")) {
      std::string type = req.get_header_value("Content-Type");
      type = type.substr(0, type.find(';'));
      while (!type.empty() && type.back() == ' ') type.pop_back();
      for (auto& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (type != "application/json") return sendError(res, 415, "HTTP 415 Unsupported Media Type");
    }
    try {
      r.handler(req, res, m);
    } catch (const HerderError& e) {
      sendError(res, e.status(), e.what());
    } catch (const std::exception& e) {
      logger("sluice.rest")->error("{} {} failed: {}", req.method, req.path, e.what());
      sendError(res, 500, e.what());
    }
    return;
  }
  if (pathKnown) return sendError(res, 405, "HTTP 405 Method Not Allowed");
  sendError(res, 404, "HTTP 404 Not Found");
}

}  // namespace sluice
