#include "config/listeners.hpp"

#include <algorithm>
#include <cctype>

#include <sluice/text.hpp>

namespace sluice {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Host names (RFC 1123), IPv4 addresses and the inside of an IPv6 bracket (with a %zone).
bool validHostChars(const std::string& host, bool bracketed) {
  return std::all_of(host.begin(), host.end(), [bracketed](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '.' || c == '_' || (bracketed && (c == ':' || c == '%'));
  });
}

Result<Listener> parseOne(const std::string& text) {
  const std::string shape = "listeners must look like http://host:port, got '" + text + "'";
  auto schemeEnd = text.find("://");
  if (schemeEnd == std::string::npos) return Error{shape};
  Listener l;
  l.scheme = lower(text.substr(0, schemeEnd));
  if (l.scheme == "https")
    return Error{"listeners: '" + text + "': TLS listeners are not supported yet; use http://"};
  if (l.scheme != "http") return Error{"listeners: '" + text + "': unknown scheme '" + l.scheme + "'; use http://"};
  std::string authority = text.substr(schemeEnd + 3);
  if (!authority.empty() && authority.back() == '/') authority.pop_back();  // "http://host:8083/"
  std::string portText;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string::npos || authority.compare(close + 1, 1, ":") != 0) return Error{shape};
    l.host = authority.substr(1, close - 1);
    portText = authority.substr(close + 2);
    if (l.host.empty() || !validHostChars(l.host, true))
      return Error{"listeners: '" + text + "': '" + l.host + "' is not an IPv6 address"};
  } else {
    auto colon = authority.rfind(':');
    if (colon == std::string::npos) return Error{shape};
    l.host = authority.substr(0, colon);
    portText = authority.substr(colon + 1);
    if (!validHostChars(l.host, false))
      return Error{"listeners: '" + text + "': '" + l.host +
                   "' is not a host name or address (write an IPv6 address in brackets: http://[::1]:8083)"};
  }
  bool digits = !portText.empty() && portText.size() <= 5 &&
                std::all_of(portText.begin(), portText.end(), [](unsigned char c) { return std::isdigit(c); });
  if (!digits || std::stoi(portText) > 65535)
    return Error{"listeners: '" + text + "': the port must be a whole number in [0, 65535], got '" + portText + "'"};
  l.port = std::stoi(portText);
  return l;
}

}  // namespace

Result<Listener> parseListeners(const std::string& listeners) {
  std::string first = trim(listeners.substr(0, listeners.find(',')));
  if (listeners.find(',') != std::string::npos) {
    auto rest = trim(listeners.substr(listeners.find(',') + 1));
    if (!rest.empty())
      return Error{"listeners: '" + listeners + "' names several listeners; Sluice serves one, so name one"};
  }
  return parseOne(first);
}

}  // namespace sluice
