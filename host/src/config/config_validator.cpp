#include "config/config_validator.hpp"

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <limits>

#include <sluice/text.hpp>

namespace sluice {

namespace {

std::optional<long long> parseInteger(const std::string& raw, long long lo, long long hi) {
  std::string s = trim(raw);
  long long v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size() || v < lo || v > hi) return std::nullopt;
  return v;
}

std::optional<double> parseDouble(const std::string& raw) {
  std::string s = trim(raw);
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(s.c_str(), &end);
  if (errno != 0 || end != s.c_str() + s.size()) return std::nullopt;
  return v;
}

std::vector<std::string> splitList(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(',', start);
    if (end == std::string::npos) end = s.size();
    out.push_back(trim(s.substr(start, end - start)));
    start = end + 1;
  }
  return out;
}

std::string formatNumber(double v) {
  if (v == static_cast<long long>(v)) return std::to_string(static_cast<long long>(v));
  return std::to_string(v);
}

// Range "[min,max]" (either side may be empty) or a list of allowed strings.
std::string checkValidator(const std::string& validator, const ConfigKey& key, const std::string& value) {
  if (validator.empty()) return "";
  if (validator.front() == '[' && validator.back() == ']') {
    auto bounds = splitList(validator.substr(1, validator.size() - 2));
    auto number = parseDouble(value);
    if (!number) return "";  // the type check already reported it
    // Plain doubles plus flags: GCC 12 misreads std::optional<double> here (maybe-uninitialized).
    bool hasLo = bounds.size() > 0 && !bounds[0].empty() && parseDouble(bounds[0]).has_value();
    bool hasHi = bounds.size() > 1 && !bounds[1].empty() && parseDouble(bounds[1]).has_value();
    double lo = hasLo ? parseDouble(bounds[0]).value_or(0) : 0;
    double hi = hasHi ? parseDouble(bounds[1]).value_or(0) : 0;
    if (hasLo && hasHi && (*number < lo || *number > hi))
      return "Value must be between " + formatNumber(lo) + " and " + formatNumber(hi);
    if (hasLo && *number < lo) return "Value must be at least " + formatNumber(lo);
    if (hasHi && *number > hi) return "Value must be no more than " + formatNumber(hi);
    return "";
  }
  auto allowed = splitList(validator);
  auto check = [&](const std::string& v) {
    for (const auto& a : allowed)
      if (a == v) return true;
    return false;
  };
  std::string joined;
  for (const auto& a : allowed) joined += (joined.empty() ? "" : ", ") + a;
  if (key.type == SLUICE_CFG_LIST) {
    for (const auto& item : splitList(value))
      if (!item.empty() && !check(item)) return "Invalid enumerator value: " + item + ". Must be one of: " + joined;
    return "";
  }
  return check(value) ? "" : "String must be one of: " + joined;
}

}  // namespace

std::string checkValue(const ConfigKey& key, const std::string& value) {
  switch (key.type) {
    case SLUICE_CFG_INT:
      if (!parseInteger(value, std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()))
        return "Not a number of type INT";
      break;
    case SLUICE_CFG_SHORT:
      if (!parseInteger(value, std::numeric_limits<int16_t>::min(), std::numeric_limits<int16_t>::max()))
        return "Not a number of type SHORT";
      break;
    case SLUICE_CFG_LONG:
      if (!parseInteger(value, std::numeric_limits<long long>::min(), std::numeric_limits<long long>::max()))
        return "Not a number of type LONG";
      break;
    case SLUICE_CFG_DOUBLE:
      if (!parseDouble(value)) return "Not a number of type DOUBLE";
      break;
    case SLUICE_CFG_BOOLEAN: {
      std::string v = trim(value);
      for (auto& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (v != "true" && v != "false") return "Expected value to be either true or false";
      break;
    }
    default:
      break;
  }
  return checkValidator(key.validator, key, trim(value));
}

size_t ValidationResult::errorCount() const {
  size_t n = 0;
  for (const auto& v : values) n += v.errors.size();
  return n;
}

std::vector<std::string> ValidationResult::allErrors() const {
  std::vector<std::string> out;
  for (const auto& v : values) out.insert(out.end(), v.errors.begin(), v.errors.end());
  return out;
}

ValidationResult validateConfig(const std::vector<ConfigKey>& table, const std::map<std::string, std::string>& config,
                                const std::string& prefix) {
  ValidationResult result;
  result.effective = config;
  for (const auto& key : table) {
    std::string fullName = prefix + key.name;
    ConfigValueResult v{fullName, std::nullopt, {}};
    auto it = config.find(fullName);
    if (it == config.end()) {
      if (key.required) {
        v.errors.push_back("Missing required configuration \"" + fullName + "\" which has no default value.");
      } else if (key.defaultValue) {
        v.value = key.defaultValue;
        result.effective[fullName] = *key.defaultValue;
      }
    } else {
      v.value = it->second;
      std::string detail = checkValue(key, it->second);
      // Connect's Password prints as [hidden], in error messages too.
      std::string shown = key.type == SLUICE_CFG_PASSWORD ? "[hidden]" : it->second;
      if (!detail.empty()) v.errors.push_back("Invalid value " + shown + " for configuration " + fullName + ": " + detail);
    }
    result.values.push_back(std::move(v));
  }
  return result;
}

}  // namespace sluice
