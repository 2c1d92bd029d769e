#pragma once
// Event-time parsing and formatting by hand: no locale, no allocation per call, floor arithmetic
// that stays correct before 1970. Zones are fixed UTC offsets (see README: no IANA database here).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <sluice_common/civil_time.hpp>
#include <sluice_common/java_date_pattern.hpp>

namespace sluice::windowed {

// The calendar arithmetic and zone offsets are shared with the other plugins that handle time.
using common::CivilDate;
using common::civilFromDays;
using common::daysFromCivil;
using common::floorDiv;
using common::parseZoneOffset;

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
  using Field = common::DateTimeField;
  struct Token {
    Field field;
    int width;            // digits (fraction: 1..9); literal: unused
    std::string literal;  // for Field::Literal
  };
  bool parsePattern(std::string_view text, int64_t zoneOffsetMs, int64_t& epochMs) const;
  static bool parseIso(std::string_view text, int64_t zoneOffsetMs, int64_t& epochMs);
  static bool parseEpoch(std::string_view text, bool seconds, int64_t& epochMs);

  Kind kind_ = Kind::Pattern;
  std::vector<Token> tokens_;
};

}  // namespace sluice::windowed
