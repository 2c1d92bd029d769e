#pragma once
// Router: Connect's JAX-RS routing on top of cpp-httplib. httplib answers 404 for a known path with
// the wrong method; Connect answers 405, so every request goes through this table instead.
// Also applies @Consumes(application/json): a body with another Content-Type gets 415.
#include <httplib.h>

#include <functional>
#include <regex>
#include <string>
#include <vector>

namespace sluice {

using RouteHandler = std::function<void(const httplib::Request&, httplib::Response&, const std::smatch&)>;

class Router {
 public:
  // `pattern` matches the whole path; `consumesJson` routes refuse non-JSON bodies with 415.
  void add(const std::string& method, const std::string& pattern, RouteHandler handler, bool consumesJson = false);
  // Runs the matching route, or writes the 404/405/415 error. Errors thrown by handlers
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
