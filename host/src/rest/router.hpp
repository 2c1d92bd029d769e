#pragma once
// Router: Connect's JAX-RS routing on top of cpp-httplib. httplib answers 404 for a known path with
// the wrong method; Connect answers 405, so every request goes through this table instead.
// Also applies @Consumes(application/json): a body with another Content-Type, or with none, gets 415.
//
// Paths are matched on the raw request target, not on httplib's req.path: httplib percent-decodes the
// whole path first, so a connector named "a/b" (sent as /connectors/a%2Fb) would become two segments.
// Here each captured segment is decoded only after matching (RFC 3986 section 2.4), as Jersey's
// @PathParam does, so names with '/', '%', '?', '#', spaces or UTF-8 reach the handlers whole.
#include <httplib.h>

#include <functional>
#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace sluice {

// [0] the decoded path, [1..] the decoded capture groups of the route's pattern.
using PathParams = std::vector<std::string>;
using RouteHandler = std::function<void(const httplib::Request&, httplib::Response&, const PathParams&)>;

// RFC 3986 percent-decoding of one path segment ('+' stays '+'); nullopt for a malformed escape.
std::optional<std::string> decodePathSegment(const std::string& raw);

// The path part of the raw request target, as the client sent it (still percent-encoded).
std::string rawPath(const httplib::Request& req);

class Router {
 public:
  // `pattern` matches the whole raw path; each group must capture whole segments ("([^/]+)").
  // `consumesJson` routes refuse bodies that are not JSON with 415.
  void add(const std::string& method, const std::string& pattern, RouteHandler handler, bool consumesJson = false);
  // Runs the matching route, or writes the 400/404/405/415 error. Errors thrown by handlers
  // (HerderError, or anything else) become Connect's error body.
  void dispatch(const httplib::Request& req, httplib::Response& res) const;

 private:
  struct Route {
    std::string method;
    std::regex pattern;
    RouteHandler handler;
    bool consumesJson;
  };
  std::vector<Route> routes_;
};

}  // namespace sluice
