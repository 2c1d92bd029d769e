#include "provision/http_client.hpp"

#include <httplib.h>
#include <netdb.h>
#include <strings.h>
#include <sys/socket.h>

#include <algorithm>
#include <optional>
#include <regex>

namespace sluice {

namespace {

struct SplitUrl {
  std::string origin;  // scheme://host[:port], what httplib::Client takes
  std::string host;
  std::string target;  // path and query, "/" at least
};

std::optional<SplitUrl> splitUrl(const std::string& url) {
  static const std::regex kUrl(R"(^(https?://(\[[^\]]+\]|[^/:?#]+)(:[0-9]+)?)([/?].*)?$)", std::regex::icase);
  std::smatch m;
  if (!std::regex_match(url, m, kUrl)) return std::nullopt;
  std::string target = m[4].str();
  if (target.empty()) target = "/";
  else if (target.front() == '?') target = "/" + target;
  return SplitUrl{m[1].str(), m[2].str(), target};
}

bool resolves(const std::string& host) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  std::string name = host.size() > 2 && host.front() == '[' ? host.substr(1, host.size() - 2) : host;
  int rc = ::getaddrinfo(name.c_str(), nullptr, &hints, &found);
  if (found) ::freeaddrinfo(found);
  return rc == 0;
}

std::string describe(httplib::Error e) {
  switch (e) {
    case httplib::Error::Connection: return "Failed to connect (connection refused or unreachable)";
    case httplib::Error::ConnectionTimeout: return "Connection timed out";
    case httplib::Error::Read: return "The connection closed before a complete response";
    case httplib::Error::Write: return "Failed to send the request";
    case httplib::Error::SSLConnection: return "TLS handshake failed";
    case httplib::Error::SSLServerVerification: return "TLS server certificate verification failed";
    default: return "HTTP client error: " + httplib::to_string(e);
  }
}

}  // namespace

std::string joinUrl(const std::string& base, const std::string& path) {
  std::string b = base;
  while (!b.empty() && b.back() == '/') b.pop_back();
  return b + (path.starts_with("/") ? path : "/" + path);
}

HttpResponse HttpClient::get(const std::string& url, const Headers& headers) const {
  return perform("GET", url, nullptr, headers);
}

HttpResponse HttpClient::post(const std::string& url, const std::string& body, const Headers& headers) const {
  return perform("POST", url, &body, headers);
}

HttpResponse HttpClient::perform(const std::string& method, const std::string& url, const std::string* body,
                                 const Headers& headers) const {
  HttpResponse r;
  auto parts = splitUrl(url);
  if (!parts) {
    r.error = "not an http:// or https:// URL: " + url;
    return r;
  }
  httplib::Client client(parts->origin);
  if (!client.is_valid()) {
    r.error = "unsupported URL: " + url;
    return r;
  }
  auto timeout = std::chrono::milliseconds(timeoutMs_);
  client.set_connection_timeout(std::min(timeout, std::chrono::milliseconds(10000)));
  client.set_read_timeout(timeout);
  client.set_write_timeout(timeout);
  httplib::Headers requestHeaders;
  std::string contentType;
  for (const auto& [k, v] : headers) {
    if (::strcasecmp(k.c_str(), "Content-Type") == 0) contentType = v;  // httplib sets it from the argument
    else requestHeaders.emplace(k, v);
  }
  httplib::Result res = method == "POST" ? client.Post(parts->target, requestHeaders, *body, contentType)
                                         : client.Get(parts->target, requestHeaders);
  if (!res) {
    httplib::Error e = res.error();
    if (e == httplib::Error::Connection && !resolves(parts->host)) {
      r.error = "could not resolve host " + parts->host;
      return r;
    }
    r.error = describe(e);
    // Refused, reset or an empty reply all mean the server is starting or restarting: worth retrying.
    r.refused = e == httplib::Error::Connection || e == httplib::Error::Read || e == httplib::Error::Write;
    return r;
  }
  r.connected = true;
  r.status = res->status;
  r.body = res->body;
  return r;
}

}  // namespace sluice
