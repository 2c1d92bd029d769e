#pragma once
// A small blocking HTTP client on libcurl, for talking to ksqlDB and the Pinot controller. libcurl
// is loaded with dlopen on the first request, so the worker never maps it (see http_client.cpp).
#include <string>
#include <utility>
#include <vector>

namespace sluice {

struct HttpResponse {
  bool connected = false;  // false: no HTTP exchange happened (refused, DNS, timeout); see `error`
  bool refused = false;    // the connection was refused or reset: the server is not up yet
  long status = 0;
  std::string body;
  std::string error;
};

class HttpClient {
 public:
  using Headers = std::vector<std::pair<std::string, std::string>>;

  explicit HttpClient(long requestTimeoutMs = 30000) : timeoutMs_(requestTimeoutMs) {}

  HttpResponse get(const std::string& url, const Headers& headers = {}) const;
  HttpResponse post(const std::string& url, const std::string& body, const Headers& headers = {}) const;

 private:
  HttpResponse perform(const std::string& method, const std::string& url, const std::string* body,
                       const Headers& headers) const;
  long timeoutMs_;
};

// "http://host:port/" + "/path" without a doubled slash.
std::string joinUrl(const std::string& base, const std::string& path);

}  // namespace sluice
