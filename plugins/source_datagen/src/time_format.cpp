#include "time_format.hpp"

#include <chrono>
#include <stdexcept>

namespace sluice::datagen {

int64_t parseZoneOffsetMs(const std::string& zone) {
  std::string z = zone;
  if (z == "UTC" || z == "GMT" || z == "Z" || z == "Etc/UTC" || z == "UTC0") return 0;
  for (const char* prefix : {"UTC", "GMT"})
    if (z.rfind(prefix, 0) == 0) z = z.substr(3);
  auto bad = [&]() -> int64_t {
    throw std::invalid_argument("Unsupported time zone '" + zone + "': use UTC or a fixed offset such as +02:00");
  };
  if (z.size() < 2 || (z[0] != '+' && z[0] != '-')) return bad();
  int sign = z[0] == '-' ? -1 : 1;
  std::string digits;
  for (size_t i = 1; i < z.size(); ++i) {
    if (z[i] == ':') continue;
    if (z[i] < '0' || z[i] > '9') return bad();
    digits += z[i];
  }
  int hours = 0, minutes = 0;
  if (digits.size() == 1 || digits.size() == 2) {
    hours = std::stoi(digits);
  } else if (digits.size() == 4) {
    hours = std::stoi(digits.substr(0, 2));
    minutes = std::stoi(digits.substr(2));
  } else {
    return bad();
  }
  if (hours > 18 || minutes > 59) return bad();
  return sign * (hours * 3600000LL + minutes * 60000LL);
}

TimeFormat::TimeFormat(const std::string& pattern, const std::string& zone) : offsetMs_(parseZoneOffsetMs(zone)) {
  for (size_t i = 0; i < pattern.size();) {
    char c = pattern[i];
    if (c == '\'') {
      size_t end = pattern.find('\'', i + 1);
      if (end == std::string::npos) throw std::invalid_argument("Unterminated quote in time format '" + pattern + "'");
      tokens_.push_back({Field::Literal, 0, end == i + 1 ? "'" : pattern.substr(i + 1, end - i - 1)});
      i = end + 1;
      continue;
    }
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      size_t run = i;
      while (run < pattern.size() && pattern[run] == c) ++run;
      int width = static_cast<int>(run - i);
      Field f;
      switch (c) {
        case 'y': case 'u': f = Field::Year; break;
        case 'M': f = Field::Month; break;
        case 'd': f = Field::Day; break;
        case 'H': f = Field::Hour; break;
        case 'm': f = Field::Minute; break;
        case 's': f = Field::Second; break;
        case 'S': f = Field::Millis; break;
        default:
          throw std::invalid_argument(std::string("Unsupported letter '") + c + "' in time format '" + pattern +
                                      "' (supported: y M d H m s S and quoted literals)");
      }
      if (f == Field::Millis && width > 3) throw std::invalid_argument("Time format '" + pattern + "': at most SSS (milliseconds)");
      tokens_.push_back({f, width, {}});
      i = run;
      continue;
    }
    tokens_.push_back({Field::Literal, 0, std::string(1, c)});
    ++i;
  }
}

namespace {
void appendPadded(std::string& out, int64_t v, int width) {
  char tmp[24];
  int n = 0;
  bool neg = v < 0;
  uint64_t u = neg ? static_cast<uint64_t>(-v) : static_cast<uint64_t>(v);
  do {
    tmp[n++] = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u);
  if (neg) out += '-';
  for (int k = n; k < width; ++k) out += '0';
  while (n) out += tmp[--n];
}
}  // namespace

void TimeFormat::append(int64_t epochMs, std::string& out) const {
  using namespace std::chrono;
  int64_t local = epochMs + offsetMs_;
  int64_t days = local >= 0 ? local / 86400000 : -((-local + 86399999) / 86400000);
  int64_t msOfDay = local - days * 86400000;
  year_month_day ymd{sys_days{std::chrono::days{days}}};
  for (const Token& t : tokens_) {
    switch (t.field) {
      case Field::Literal: out += t.literal; break;
      case Field::Year:
        if (t.width == 2) appendPadded(out, static_cast<int>(ymd.year()) % 100, 2);
        else appendPadded(out, static_cast<int>(ymd.year()), t.width);
        break;
      case Field::Month: appendPadded(out, static_cast<unsigned>(ymd.month()), t.width); break;
      case Field::Day: appendPadded(out, static_cast<unsigned>(ymd.day()), t.width); break;
      case Field::Hour: appendPadded(out, msOfDay / 3600000, t.width); break;
      case Field::Minute: appendPadded(out, msOfDay / 60000 % 60, t.width); break;
      case Field::Second: appendPadded(out, msOfDay / 1000 % 60, t.width); break;
      case Field::Millis: {
        // S, SS, SSS: the leading digits of the milliseconds (a fraction, not a number).
        int64_t ms = msOfDay % 1000;
        int64_t scaled = t.width == 1 ? ms / 100 : t.width == 2 ? ms / 10 : ms;
        appendPadded(out, scaled, t.width);
        break;
      }
    }
  }
}

}  // namespace sluice::datagen
