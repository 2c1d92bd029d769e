#include "rest/router.hpp"

#include "common/logging.hpp"
#include "rest/json_dto.hpp"
#include "runtime/herder.hpp"

namespace sluice {

namespace {

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The media type of a Content-Type header, without parameters ("application/json; charset=utf-8").
std::string mediaType(const std::string& header) {
  std::string type = header.substr(0, header.find(';'));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  return lower(type);
}

}  // namespace

std::optional<std::string> decodePathSegment(const std::string& raw) {
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '%') {
      out += raw[i];
      continue;
    }
    if (i + 2 >= raw.size()) return std::nullopt;
    int hi = hexValue(raw[i + 1]), lo = hexValue(raw[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

std::string rawPath(const httplib::Request& req) {
  // httplib keeps the request line's target as sent; absent (a request built in a test), use path.
  const std::string& target = req.target.empty() ? req.path : req.target;
  return target.substr(0, target.find('?'));
}

void Router::add(const std::string& method, const std::string& pattern, RouteHandler handler, bool consumesJson) {
  routes_.push_back({method, std::regex(pattern), std::move(handler), consumesJson});
}

void Router::dispatch(const httplib::Request& req, httplib::Response& res) const {
  std::string path = rawPath(req);
  // Jersey matches "/connectors/" as "/connectors" (its templates end in an optional '/').
  if (path.size() > 1 && path.back() == '/') path.pop_back();
  bool pathKnown = false;
  for (const auto& r : routes_) {
    std::smatch m;
    if (!std::regex_match(path, m, r.pattern)) continue;
    pathKnown = true;
    if (r.method != req.method) continue;
    PathParams params;
    for (const auto& group : m) {
      auto decoded = decodePathSegment(group.str());
      if (!decoded) return sendError(res, 400, "Malformed percent-encoding in the request path " + path);
      params.push_back(std::move(*decoded));
    }
    if (r.consumesJson) {
      // Jersey takes a body without Content-Type as application/octet-stream, which a JSON
      // resource does not consume; a bodiless request is not checked.
      bool hasBody = !req.body.empty();
      if ((req.has_header("Content-Type") || hasBody) && mediaType(req.get_header_value("Content-Type")) != "application/json")
        return sendError(res, 415, "HTTP 415 Unsupported Media Type");
    }
    try {
      r.handler(req, res, params);
    } catch (const HerderError& e) {
      sendError(res, e.status(), e.what());
    } catch (const std::exception& e) {
      logger("sluice.rest")->error("{} {} failed: {}", req.method, path, e.what());
      sendError(res, 500, e.what());
    }
    return;
  }
  if (pathKnown) return sendError(res, 405, "HTTP 405 Method Not Allowed");
  sendError(res, 404, "HTTP 404 Not Found");
}

}  // namespace sluice
