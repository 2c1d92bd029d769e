#pragma once
// Connect's `listeners` setting: "http://host:port,https://host:port" (KIP-208). An empty host binds
// every interface; an IPv6 host is written in brackets ("http://[::1]:8083"), as in a URL (RFC 3986
// section 3.2.2). An https listener is served with TLS from the `listeners.https.ssl.*` / `ssl.*` keys.
#include <string>
#include <vector>

#include "common/result.hpp"

namespace sluice {

struct Listener {
  std::string scheme;  // "http" or "https"
  std::string host;    // "" = every interface
  int port = 0;        // 0 = any free port
};

// Every listener `listeners` names, in order, or why one cannot be served: a bad scheme, host or port,
// or the same fixed host:port twice (the second could never bind).
Result<std::vector<Listener>> parseListenerList(const std::string& listeners);
// The first of them (the one the worker id and rest.advertised.* defaults come from).
Result<Listener> parseListeners(const std::string& listeners);

}  // namespace sluice
