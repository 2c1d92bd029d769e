#pragma once
// The pattern syntax shared by java.text.SimpleDateFormat and java.time.format.DateTimeFormatter:
// runs of one ASCII letter are fields ("yyyy", "MM"), text in single quotes is literal, '' is one
// quote (also inside quoted text), and any other character is copied as is. What each letter
// means is the caller's business: TimestampConverter follows SimpleDateFormat, datagen and the
// windowed aggregate follow DateTimeFormatter.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::common {

struct DatePatternToken {
  char letter = 0;      // 0: literal text
  int count = 0;        // how many times the letter repeats ("yyyy" is 4)
  std::string literal;  // the text, for a literal
};

// Splits pattern into tokens. Throws std::invalid_argument naming the character and the pattern
// for a letter outside `letters`, and for an unterminated quote.
std::vector<DatePatternToken> tokenizeDatePattern(std::string_view pattern, std::string_view letters);

// The DateTimeFormatter letters datagen and the windowed aggregate support, and the field each means
// (y and u both read as the year: no era before year 1 here; S is the fraction of the second).
inline constexpr std::string_view kDateTimeLetters = "yuMdHmsS";
enum class DateTimeField : uint8_t { Literal, Year, Month, Day, Hour, Minute, Second, Fraction };
DateTimeField dateTimeFieldOf(const DatePatternToken& token);

}  // namespace sluice::common
