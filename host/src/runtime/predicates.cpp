#include "runtime/predicates.hpp"

#include <regex>

namespace sluice {

namespace {

constexpr const char* kPackage = "org.apache.kafka.connect.transforms.predicates.";

bool named(const std::string& type, const std::string& simple) { return type == simple || type == kPackage + simple; }

std::string_view text(sluice_bytes b) { return b.data ? std::string_view(reinterpret_cast<const char*>(b.data), b.len) : ""; }

class TopicNameMatches : public Predicate {
 public:
  explicit TopicNameMatches(std::regex pattern) : pattern_(std::move(pattern)) {}
  bool test(const sluice_record& r) const override {
    auto topic = text(r.topic);
    return std::regex_match(topic.begin(), topic.end(), pattern_);
  }

 private:
  std::regex pattern_;
};

class HasHeaderKey : public Predicate {
 public:
  explicit HasHeaderKey(std::string name) : name_(std::move(name)) {}
  bool test(const sluice_record& r) const override {
    for (size_t i = 0; i < r.header_count; ++i)
      if (text(r.headers[i].key) == name_) return true;
    return false;
  }

 private:
  std::string name_;
};

class RecordIsTombstone : public Predicate {
 public:
  bool test(const sluice_record& r) const override { return r.value.data == nullptr; }
};

}  // namespace

Result<std::unique_ptr<Predicate>> makePredicate(const std::string& type, const std::map<std::string, std::string>& settings) {
  auto get = [&](const std::string& k) {
    auto it = settings.find(k);
    return it == settings.end() ? std::string() : it->second;
  };
  if (named(type, "TopicNameMatches")) {
    std::string pattern = get("pattern");
    if (pattern.empty()) return Error{"Missing required configuration \"pattern\" which has no default value."};
    try {
      return std::unique_ptr<Predicate>(std::make_unique<TopicNameMatches>(std::regex(pattern)));
    } catch (const std::regex_error& e) {
      return Error{"Invalid value " + pattern + " for configuration pattern: Invalid regex: " + e.what()};
    }
  }
  if (named(type, "HasHeaderKey")) {
    std::string name = get("name");
    if (name.empty()) return Error{"Missing required configuration \"name\" which has no default value."};
    return std::unique_ptr<Predicate>(std::make_unique<HasHeaderKey>(name));
  }
  if (named(type, "RecordIsTombstone")) return std::unique_ptr<Predicate>(std::make_unique<RecordIsTombstone>());
  return Error{"Class " + type + " could not be found."};
}

}  // namespace sluice
