#pragma once
// Event-time parsing and formatting by hand: no locale, no allocation per call, floor arithmetic
// that stays correct before 1970. Zones are fixed UTC offsets (see README: no IANA database here).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::windowed {

// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's days_from_civil).
int64_t daysFromCivil(int64_t year, int month, int day);
struct CivilDate {
  int64_t year;
  int month;
  int day;
};
CivilDate civilFromDays(int64_t days);

// floor(a / b) for b > 0, also for negative a.
inline int64_t floorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && (a < 0)) --q;
  return q;
}

// Parses "UTC", "Z", "GMT", "+02:00", "-0530", "UTC+2", "GMT-03:30" into an offset in ms east of
// UTC. Returns false (with a reason) for anything else, including IANA names.
bool parseZoneOffset(std::string_view zone, int64_t& offsetMs, std::string& error);

// A compiled timestamp format: a Java DateTimeFormatter-style pattern (yyyy MM dd HH mm ss S..S,
// literals, 'quoted'), "iso8601", "epoch_millis" or "epoch_seconds".
class TimestampFormat {
 public:
  enum class Kind { Pattern, Iso8601, EpochMillis, EpochSeconds };
  // Throws std::invalid_argument with a clear message for an unknown pattern letter.
  static TimestampFormat compile(std::string_view spec);

  Kind kind() const { return kind_; }
  // Parses text into epoch ms; local fields are shifted by zoneOffsetMs (ISO text with its own
  // offset wins). Returns false when text does not match.
  bool parse(std::string_view text, int64_t zoneOffsetMs, int64_t& epochMs) const;
  // Formats epochMs (pattern kinds only; the epoch kinds print the number; ISO prints
  // yyyy-MM-ddTHH:mm:ss.SSS plus the offset). Appends to out.
  void format(int64_t epochMs, int64_t zoneOffsetMs, std::string& out) const;

 private:
  enum class Field : uint8_t { Year, Month, Day, Hour, Minute, Second, Fraction, Literal };
  struct Token {
    Field field;
    int width;     // digits (fraction: 1..9); literal: unused
    char literal;  // for Field::Literal
  };
  bool parsePattern(std::string_view text, int64_t zoneOffsetMs, int64_t& epochMs) const;
  static bool parseIso(std::string_view text, int64_t zoneOffsetMs, int64_t& epochMs);
  static bool parseEpoch(std::string_view text, bool seconds, int64_t& epochMs);

  Kind kind_ = Kind::Pattern;
  std::vector<Token> tokens_;
};

}  // namespace sluice::windowed
