#include "time_format.hpp"

#include <sluice_common/civil_time.hpp>
#include <sluice_common/java_date_pattern.hpp>

#include <stdexcept>

namespace sluice::datagen {

int64_t parseZoneOffsetMs(const std::string& zone) {
  int64_t offsetMs = 0;
  std::string error;
  if (!common::parseZoneOffset(zone, offsetMs, error)) throw std::invalid_argument(error);
  return offsetMs;
}

TimeFormat::TimeFormat(const std::string& pattern, const std::string& zone) : offsetMs_(parseZoneOffsetMs(zone)) {
  for (common::DatePatternToken& t : common::tokenizeDatePattern(pattern, common::kDateTimeLetters)) {
    const Field f = common::dateTimeFieldOf(t);
    if (f == Field::Fraction && t.count > 3) throw std::invalid_argument("Time format '" + pattern + "': at most SSS (milliseconds)");
    tokens_.push_back({f, t.count, std::move(t.literal)});
  }
}

void TimeFormat::append(int64_t epochMs, std::string& out) const {
  using common::appendPadded;
  const common::CivilTime c = common::civilTimeFromEpochMs(epochMs + offsetMs_);
  for (const Token& t : tokens_) {
    switch (t.field) {
      case Field::Literal: out += t.literal; break;
      case Field::Year:
        if (t.width == 2) appendPadded(out, c.date.year % 100, 2);
        else appendPadded(out, c.date.year, t.width);
        break;
      case Field::Month: appendPadded(out, c.date.month, t.width); break;
      case Field::Day: appendPadded(out, c.date.day, t.width); break;
      case Field::Hour: appendPadded(out, c.hour, t.width); break;
      case Field::Minute: appendPadded(out, c.minute, t.width); break;
      case Field::Second: appendPadded(out, c.second, t.width); break;
      case Field::Fraction:
        // S, SS, SSS: the leading digits of the milliseconds (a fraction, not a number).
        appendPadded(out, t.width == 1 ? c.millis / 100 : t.width == 2 ? c.millis / 10 : c.millis, t.width);
        break;
    }
  }
}

}  // namespace sluice::datagen
