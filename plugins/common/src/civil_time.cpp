#include "sluice_common/civil_time.hpp"

namespace sluice::common {

int64_t daysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilDate civilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = yoe + era * 400;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {y + (m <= 2), m, d};
}

bool isLeapYear(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int daysInMonth(int64_t y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && isLeapYear(y) ? 29 : kDays[m - 1];
}

CivilTime civilTimeFromEpochMs(int64_t localMs) {
  const int64_t days = floorDiv(localMs, kMsPerDay);
  const int64_t msOfDay = localMs - days * kMsPerDay;
  CivilTime t{};
  t.date = civilFromDays(days);
  t.hour = static_cast<int>(msOfDay / 3'600'000);
  t.minute = static_cast<int>(msOfDay / 60'000 % 60);
  t.second = static_cast<int>(msOfDay / 1000 % 60);
  t.millis = static_cast<int>(msOfDay % 1000);
  t.dayOfYear = static_cast<int>(days - daysFromCivil(t.date.year, 1, 1) + 1);
  // 1970-01-01 was a Thursday (4).
  t.weekday = static_cast<int>((((days + 3) % 7) + 7) % 7) + 1;
  return t;
}

namespace {

// Reads exactly n digits at text[pos]; advances pos.
bool readDigits(std::string_view text, size_t& pos, size_t n, int64_t& value) {
  if (pos + n > text.size()) return false;
  int64_t v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  pos += n;
  value = v;
  return true;
}

}  // namespace

bool parseZoneOffset(std::string_view zone, int64_t& offsetMs, std::string& error) {
  std::string_view z = zone;
  if (z.empty() || z == "UTC" || z == "Z" || z == "GMT" || z == "UT" || z == "Etc/UTC" || z == "UTC0") {
    offsetMs = 0;
    return true;
  }
  for (std::string_view prefix : {"UTC", "GMT", "UT"}) {
    if (z.substr(0, prefix.size()) == prefix) {
      z.remove_prefix(prefix.size());
      break;
    }
  }
  if (!z.empty() && (z[0] == '+' || z[0] == '-')) {
    const int sign = z[0] == '-' ? -1 : 1;
    std::string_view rest = z.substr(1);
    int64_t hours = 0, minutes = 0;
    size_t pos = 0;
    bool ok = false;
    if (rest.size() == 1 || rest.size() == 2) {
      ok = readDigits(rest, pos, rest.size(), hours);
    } else if (rest.size() == 4) {
      ok = readDigits(rest, pos, 2, hours) && readDigits(rest, pos, 2, minutes);
    } else if (rest.size() == 5 && rest[2] == ':') {
      ok = readDigits(rest, pos, 2, hours) && (++pos, readDigits(rest, pos, 2, minutes));
    }
    if (ok && hours <= 18 && minutes <= 59) {
      offsetMs = sign * (hours * 3'600'000 + minutes * 60'000);
      return true;
    }
  }
  error = "Unsupported time zone '" + std::string(zone) +
          "': use UTC or a fixed offset such as +02:00, -0530 or UTC+1 (IANA names are not supported)";
  return false;
}

void appendPadded(std::string& out, int64_t value, int width) {
  char buf[24];
  const bool negative = value < 0;
  uint64_t v = negative ? static_cast<uint64_t>(-(value + 1)) + 1 : static_cast<uint64_t>(value);
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (n < width && n < static_cast<int>(sizeof(buf))) buf[n++] = '0';
  if (negative) out.push_back('-');
  while (n > 0) out.push_back(buf[--n]);
}

}  // namespace sluice::common
