// sluice/text.hpp: small text helpers shared by the host and the plugins (like json_text.hpp), so
// each exists once.
#pragma once

#include <string>
#include <string_view>

namespace sluice {

// The white space Connect's config parsing trims around values and list items.
inline constexpr std::string_view kWhitespace = " \t\r\n";

// s without leading and trailing white space; a view into s.
inline std::string_view trimView(std::string_view s) {
  const size_t begin = s.find_first_not_of(kWhitespace);
  if (begin == std::string_view::npos) return {};
  return s.substr(begin, s.find_last_not_of(kWhitespace) - begin + 1);
}

inline std::string trim(std::string_view s) { return std::string(trimView(s)); }

}  // namespace sluice
