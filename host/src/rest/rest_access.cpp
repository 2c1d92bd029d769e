#include "rest/rest_access.hpp"

#include "rest/json_dto.hpp"
#include "rest/tls_context.hpp"

namespace sluice {

bool isReadOnlyMethod(const std::string& method) { return method == "GET" || method == "HEAD" || method == "OPTIONS"; }

Result<std::unique_ptr<RestAccess>> RestAccess::create(RestAuthSettings settings) {
  auto access = std::make_unique<RestAccess>(std::move(settings));
  if (!access->settings_.credentialsFile.empty()) {
    auto file = CredentialsFile::open(access->settings_.credentialsFile);
    if (!file.ok()) return Error{file.error()};
    access->credentials_ = std::move(file.value());
  }
  return access;
}

RestRole RestAccess::roleOf(const std::string& principal) const {
  if (settings_.admins.count(principal)) return RestRole::Admin;
  if (settings_.readOnly.count(principal)) return RestRole::ReadOnly;
  return settings_.defaultRole;
}

RestPrincipal RestAccess::identify(const httplib::Request& req) const {
  std::string user, password;
  if (credentials_ && parseBasicAuthorization(req.get_header_value("Authorization"), user, password))
    return {user, "basic", roleOf(user)};
  std::string cn = clientCertificateCommonName(req.ssl);
  if (!cn.empty()) {
    std::string name = "CN=" + cn;
    // Without a credentials file a verified certificate is the only identity there is; with one, only
    // the certificates listed in a role stand in for a password.
    if (!credentials_ || settings_.admins.count(name) || settings_.readOnly.count(name))
      return {name, "certificate", roleOf(name)};
  }
  // Nothing authenticates on this worker: everyone has the default role (admin unless configured).
  return {"anonymous", "none", credentials_ ? RestRole::None : settings_.defaultRole};
}

bool RestAccess::refuse(const httplib::Request& req, httplib::Response& res) {
  RestPrincipal who = identify(req);
  bool authenticated = who.via != "none" || !credentials_;
  if (who.via == "basic") {
    std::string user, password;
    parseBasicAuthorization(req.get_header_value("Authorization"), user, password);
    authenticated = credentials_->verify(user, password);
  }
  if (!authenticated) {
    // Connect's JaasBasicAuthFilter answers 401 with this message; RFC 7617 asks for the challenge.
    sendError(res, 401, "User cannot access the resource.");
    res.set_header("WWW-Authenticate", "Basic realm=\"" + settings_.realm + "\", charset=\"UTF-8\"");
    res.set_header("Connection", "close");  // the body of a refused request is never read
    return true;
  }
  if (who.role == RestRole::None) {
    sendError(res, 403, "User " + who.name + " has no role on this worker's REST API");
    res.set_header("Connection", "close");
    return true;
  }
  if (who.role == RestRole::ReadOnly && !isReadOnlyMethod(req.method)) {
    sendError(res, 403, "User " + who.name + " is read-only: " + req.method + " needs the admin role");
    res.set_header("Connection", "close");
    return true;
  }
  return false;
}

}  // namespace sluice
