#pragma once
// Civil-time arithmetic for the plugins that format and parse timestamps: no locale, no tz
// database, floor arithmetic that stays correct before 1970. Zones are fixed offsets from UTC.
#include <cstdint>
#include <string>
#include <string_view>

namespace sluice::common {

inline constexpr int64_t kMsPerDay = 86'400'000;

// floor(a / b) for b > 0, also for negative a.
inline int64_t floorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && (a < 0)) --q;
  return q;
}

// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's days_from_civil).
int64_t daysFromCivil(int64_t year, int month, int day);

struct CivilDate {
  int64_t year;
  int month;
  int day;
};
// The inverse of daysFromCivil (Howard Hinnant's civil_from_days).
CivilDate civilFromDays(int64_t days);

// Epoch milliseconds (already shifted to local time) split into calendar and clock fields.
struct CivilTime {
  CivilDate date;
  int hour;
  int minute;
  int second;
  int millis;
  int dayOfYear;  // 1..366
  int weekday;    // 1 = Monday .. 7 = Sunday, as java.time.DayOfWeek
};
CivilTime civilTimeFromEpochMs(int64_t localMs);

bool isLeapYear(int64_t year);
int daysInMonth(int64_t year, int month);

// Parses "UTC", "Z", "GMT", "UT", "Etc/UTC", "+02:00", "-0530", "+2", "UTC+2", "GMT-03:30" into an
// offset in ms east of UTC. Returns false with a reason for anything else, IANA region names included.
bool parseZoneOffset(std::string_view zone, int64_t& offsetMs, std::string& error);

// Appends value in decimal, zero-padded to at least width digits (a minus sign goes first).
void appendPadded(std::string& out, int64_t value, int width);

}  // namespace sluice::common
