#include "runtime/connector_topics.hpp"

#include <set>
#include <string_view>

#include <sluice/text.hpp>

namespace sluice {

namespace {

bool endsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

std::vector<std::string> topicsNamedIn(const std::map<std::string, std::string>& connectorConfig) {
  std::set<std::string> topics;
  for (const auto& [key, value] : connectorConfig) {
    if (key == "topics") {
      std::string_view rest = value;
      while (!rest.empty()) {
        size_t comma = rest.find(',');
        std::string name = trim(rest.substr(0, comma));
        if (!name.empty()) topics.insert(name);
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
      }
    } else if (key == "topic" || endsWith(key, ".topic") || endsWith(key, ".topic.name")) {
      std::string name = trim(value);
      if (!name.empty()) topics.insert(name);
    }
  }
  return {topics.begin(), topics.end()};
}

}  // namespace sluice
