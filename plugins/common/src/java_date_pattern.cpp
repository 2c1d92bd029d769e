#include "sluice_common/java_date_pattern.hpp"

#include <stdexcept>

namespace sluice::common {

namespace {

bool isAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

std::string supportedList(std::string_view letters) {
  std::string out;
  for (char c : letters) {
    if (!out.empty()) out += ' ';
    out += c;
  }
  return out;
}

}  // namespace

std::vector<DatePatternToken> tokenizeDatePattern(std::string_view pattern, std::string_view letters) {
  std::vector<DatePatternToken> tokens;
  auto appendLiteral = [&](std::string_view text) {
    if (tokens.empty() || tokens.back().letter != 0) tokens.push_back({});
    tokens.back().literal.append(text);
  };
  for (size_t i = 0; i < pattern.size();) {
    const char c = pattern[i];
    if (c == '\'') {
      if (i + 1 < pattern.size() && pattern[i + 1] == '\'') {  // '' outside quotes: one quote
        appendLiteral("'");
        i += 2;
        continue;
      }
      std::string quoted;
      size_t j = i + 1;
      for (;; ++j) {
        if (j >= pattern.size())
          throw std::invalid_argument("Unterminated quote in date format pattern '" + std::string(pattern) + "'");
        if (pattern[j] != '\'') {
          quoted.push_back(pattern[j]);
        } else if (j + 1 < pattern.size() && pattern[j + 1] == '\'') {  // '' inside quotes
          quoted.push_back('\'');
          ++j;
        } else {
          break;
        }
      }
      appendLiteral(quoted);
      i = j + 1;
    } else if (isAsciiLetter(c)) {
      if (letters.find(c) == std::string_view::npos)
        throw std::invalid_argument(std::string("Illegal pattern character '") + c + "' in date format pattern '" +
                                    std::string(pattern) + "' (supported: " + supportedList(letters) +
                                    ", and 'quoted' text)");
      size_t j = i;
      while (j < pattern.size() && pattern[j] == c) ++j;
      tokens.push_back({c, static_cast<int>(j - i), {}});
      i = j;
    } else {
      appendLiteral(pattern.substr(i, 1));
      ++i;
    }
  }
  return tokens;
}

DateTimeField dateTimeFieldOf(const DatePatternToken& token) {
  switch (token.letter) {
    case 'y':
    case 'u': return DateTimeField::Year;
    case 'M': return DateTimeField::Month;
    case 'd': return DateTimeField::Day;
    case 'H': return DateTimeField::Hour;
    case 'm': return DateTimeField::Minute;
    case 's': return DateTimeField::Second;
    case 'S': return DateTimeField::Fraction;
    default: return DateTimeField::Literal;
  }
}

}  // namespace sluice::common
