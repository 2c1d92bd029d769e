#pragma once
// RestAccess: who sends a REST request and what they may do. Authentication is Connect's
// BasicAuthSecurityRestExtension (HTTP Basic against the PropertyFileLoginModule credentials file;
// missing or wrong credentials get 401 with WWW-Authenticate) or, on an https listener, a verified
// client certificate whose "CN=<common name>" is listed in a role. Authorization goes beyond Connect:
// a read-only principal may only read (GET, HEAD, OPTIONS; anything else is 403), an admin may change
// connectors, a principal with role none gets 403 for everything.
#include <memory>
#include <string>

#include <httplib.h>

#include "common/result.hpp"
#include "config/rest_security_config.hpp"
#include "rest/basic_auth.hpp"

namespace sluice {

struct RestPrincipal {
  std::string name;  // Basic user name, "CN=<common name>", or "anonymous"
  std::string via;   // "basic", "certificate", "none"
  RestRole role = RestRole::None;
};

class RestAccess {
 public:
  // Opens the credentials file when one is configured; an unreadable one stops the start.
  static Result<std::unique_ptr<RestAccess>> create(RestAuthSettings settings);

  // Answers 401 or 403 (Connect's error body) and returns true when `req` may not go further.
  bool refuse(const httplib::Request& req, httplib::Response& res);

  // Who `req` claims to be, without checking the password again (for the audit line, after refuse()).
  RestPrincipal identify(const httplib::Request& req) const;

  explicit RestAccess(RestAuthSettings settings) : settings_(std::move(settings)) {}

 private:
  RestRole roleOf(const std::string& principal) const;

  RestAuthSettings settings_;
  std::unique_ptr<CredentialsFile> credentials_;
};

// GET, HEAD and OPTIONS: what a read-only principal may send.
bool isReadOnlyMethod(const std::string& method);

}  // namespace sluice
