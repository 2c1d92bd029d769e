#include "config/listeners.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

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
  if (l.scheme != "http" && l.scheme != "https")
    return Error{"listeners: '" + text + "': unknown scheme '" + l.scheme + "'; use http:// or https://"};
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

Result<std::vector<Listener>> parseListenerList(const std::string& listeners) {
  std::vector<Listener> out;
  size_t from = 0;
  while (from <= listeners.size()) {
    size_t comma = listeners.find(',', from);
    std::string item = trim(listeners.substr(from, comma == std::string::npos ? std::string::npos : comma - from));
    from = comma == std::string::npos ? listeners.size() + 1 : comma + 1;
    if (item.empty()) continue;  // "http://a:1," as Connect's list type reads it
    auto one = parseOne(item);
    if (!one.ok()) return Error{one.error()};
    // Two listeners on one fixed address could never both bind: say so instead of "already in use".
    for (const auto& seen : out)
      if (one->port != 0 && seen.port == one->port && seen.host == one->host)
        return Error{"listeners: '" + listeners + "' names " + one->host + ":" + std::to_string(one->port) + " twice"};
    out.push_back(one.value());
  }
  if (out.empty()) return Error{"listeners must look like http://host:port, got '" + listeners + "'"};
  return out;
}

Result<Listener> parseListeners(const std::string& listeners) {
  auto all = parseListenerList(listeners);
  if (!all.ok()) return Error{all.error()};
  return all->front();
}

}  // namespace sluice
