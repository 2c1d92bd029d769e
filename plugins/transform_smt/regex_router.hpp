#pragma once
// RegexRouter: when the whole topic matches `regex`, it becomes `replacement` with Java's group
// references ($1, \$ escapes) expanded, i.e. Matcher.replaceFirst on a full match.
#include <regex>

#include "smt_base.hpp"

namespace sluice::smt {

class RegexRouter : public Transform {
 public:
  static constexpr const char* kName = "regex-router";
  static constexpr const char* kVersion = kSmtVersion;
  static constexpr const char* kDescription = "Renames topics that fully match a regular expression (Connect's RegexRouter).";
  static constexpr const char* kAliases[] = {"org.apache.kafka.connect.transforms.RegexRouter", "RegexRouter", nullptr};
  static constexpr sluice_config_def kConfig[] = {
      {"regex", SLUICE_CFG_STRING, SLUICE_CFG_REQUIRED, nullptr, SLUICE_IMPORTANCE_HIGH, -1,
       "Regular expression to use for matching.", nullptr, nullptr},
      {"replacement", SLUICE_CFG_STRING, SLUICE_CFG_REQUIRED, nullptr, SLUICE_IMPORTANCE_HIGH, -1,
       "Replacement string.", nullptr, nullptr},
  };

  RegexRouter(const Config& config, Context&) : replacement_(requiredString(config, "replacement")) {
    std::string pattern = requiredString(config, "regex");
    try {
      regex_ = std::regex(pattern, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      throw ConfigError("Invalid value " + pattern + " for configuration regex: Invalid regex: " + e.what());
    }
  }

  void apply(const sluice_record& in, Batch& out) override {
    std::string topic(view(in.topic));
    std::smatch m;
    if (!std::regex_match(topic, m, regex_)) {
      out.emit(in);
      return;
    }
    Change change;
    change.topic = expand(m);
    emitChanged(in, change, out);
  }

 private:
  // Java's Matcher.appendReplacement rules.
  std::string expand(const std::smatch& m) const {
    std::string out;
    const std::string& r = replacement_;
    size_t groups = m.size() - 1;
    for (size_t i = 0; i < r.size(); ++i) {
      char c = r[i];
      if (c == '\\') {
        if (++i >= r.size()) throw DataException("character to be escaped is missing");
        out.push_back(r[i]);
      } else if (c == '$') {
        if (++i >= r.size()) throw DataException("Illegal group reference: group index is missing");
        if (r[i] == '{') throw DataException("Named group references are not supported: " + r);
        if (r[i] < '0' || r[i] > '9') throw DataException("Illegal group reference");
        size_t group = static_cast<size_t>(r[i] - '0');
        // Java takes more digits while the number still names an existing group.
        while (i + 1 < r.size() && r[i + 1] >= '0' && r[i + 1] <= '9') {
          size_t next = group * 10 + static_cast<size_t>(r[i + 1] - '0');
          if (next > groups) break;
          group = next;
          ++i;
        }
        if (group > groups) throw DataException("No group " + std::to_string(group));
        if (m[group].matched) out += m[group].str();
      } else {
        out.push_back(c);
      }
    }
    return out;
  }

  std::string replacement_;
  std::regex regex_;
};

}  // namespace sluice::smt
