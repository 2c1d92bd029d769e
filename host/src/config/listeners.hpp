#pragma once
// Connect's `listeners` setting: "http://host:port" (KIP-208). An empty host binds every interface;
// an IPv6 host is written in brackets ("http://[::1]:8083"), as in a URL (RFC 3986 section 3.2.2).
#include <string>

#include "common/result.hpp"

namespace sluice {

struct Listener {
  std::string scheme;  // "http"
  std::string host;    // "" = every interface
  int port = 0;        // 0 = any free port
};

// The single listener `listeners` names, or why it cannot be served: a bad scheme, host or port,
// https (TLS is not served yet, and serving plain HTTP there would mislead clients), or several
// listeners (only one is bound, so the others would be silently ignored).
Result<Listener> parseListeners(const std::string& listeners);

}  // namespace sluice
