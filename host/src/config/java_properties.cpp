#include "config/java_properties.hpp"

#include <algorithm>
#include <cstdlib>
#include <sstream>
#include <vector>

namespace sluice {

std::map<std::string, std::string> parseJavaProperties(const std::string& text) {
  std::map<std::string, std::string> out;
  std::vector<std::string> logical;
  std::string current;
  bool continuing = false;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t start = line.find_first_not_of(" \t\f");
    if (start == std::string::npos) {
      if (continuing) {
        logical.push_back(current);
        current.clear();
        continuing = false;
      }
      continue;
    }
    if (!continuing && (line[start] == '#' || line[start] == '!')) continue;
    std::string piece = line.substr(start);
    size_t backslashes = 0;
    for (auto it = piece.rbegin(); it != piece.rend() && *it == '\\'; ++it) ++backslashes;
    bool continues = backslashes % 2 == 1;
    if (continues) piece.pop_back();
    current += piece;
    continuing = continues;
    if (!continuing) {
      logical.push_back(current);
      current.clear();
    }
  }
  if (continuing) logical.push_back(current);

  auto unescape = [](const std::string& s) {
    std::string r;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] != '\\' || i + 1 == s.size()) {
        r += s[i];
        continue;
      }
      char c = s[++i];
      switch (c) {
        case 't': r += '\t'; break;
        case 'n': r += '\n'; break;
        case 'r': r += '\r'; break;
        case 'f': r += '\f'; break;
        case 'u':
          if (i + 4 < s.size()) {
            unsigned code = static_cast<unsigned>(std::strtoul(s.substr(i + 1, 4).c_str(), nullptr, 16));
            i += 4;
            if (code < 0x80) {
              r += static_cast<char>(code);
            } else if (code < 0x800) {
              r += static_cast<char>(0xC0 | (code >> 6));
              r += static_cast<char>(0x80 | (code & 0x3F));
            } else {
              r += static_cast<char>(0xE0 | (code >> 12));
              r += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
              r += static_cast<char>(0x80 | (code & 0x3F));
            }
          }
          break;
        default: r += c;
      }
    }
    return r;
  };

  for (const auto& l : logical) {
    size_t i = 0;
    while (i < l.size() && !(l[i] == '=' || l[i] == ':' || l[i] == ' ' || l[i] == '\t' || l[i] == '\f')) {
      if (l[i] == '\\') ++i;
      ++i;
    }
    std::string key = l.substr(0, std::min(i, l.size()));
    while (i < l.size() && (l[i] == ' ' || l[i] == '\t' || l[i] == '\f')) ++i;
    if (i < l.size() && (l[i] == '=' || l[i] == ':')) ++i;
    while (i < l.size() && (l[i] == ' ' || l[i] == '\t' || l[i] == '\f')) ++i;
    out[unescape(key)] = unescape(i < l.size() ? l.substr(i) : "");
  }
  return out;
}

}  // namespace sluice
