#include "simple_date_format.hpp"

#include <cstdio>
#include <stdexcept>
#include <string_view>

namespace sluice::smt {

namespace {

constexpr std::string_view kSupported = "yYMLdHkKhmsSEaD";
constexpr const char* kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                                   "July",    "August",   "September", "October", "November", "December"};
constexpr const char* kDays[] = {"Thursday", "Friday", "Saturday", "Sunday", "Monday", "Tuesday", "Wednesday"};

struct Civil {
  int64_t year;
  int month, day, hour, minute, second, millis, dayOfYear;
  int weekday;  // 0 = Thursday (1970-01-01), index into kDays
};

// Howard Hinnant's days -> civil date, valid for any epoch day.
Civil toCivil(int64_t ms) {
  int64_t days = ms >= 0 ? ms / 86400000 : -((-ms + 86400000 - 1) / 86400000);
  int64_t msOfDay = ms - days * 86400000;
  Civil c{};
  c.hour = static_cast<int>(msOfDay / 3600000);
  c.minute = static_cast<int>(msOfDay / 60000 % 60);
  c.second = static_cast<int>(msOfDay / 1000 % 60);
  c.millis = static_cast<int>(msOfDay % 1000);
  c.weekday = static_cast<int>(((days % 7) + 7) % 7);
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  c.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  c.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  c.year = yoe + era * 400 + (c.month <= 2 ? 1 : 0);
  bool leap = (c.year % 4 == 0 && c.year % 100 != 0) || c.year % 400 == 0;
  static constexpr int kCumulative[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
  c.dayOfYear = kCumulative[c.month - 1] + c.day + (leap && c.month > 2 ? 1 : 0);
  return c;
}

void pad(std::string& out, int64_t v, int width) {
  char buf[32];
  int n = std::snprintf(buf, sizeof(buf), "%0*lld", width, static_cast<long long>(v));
  out.append(buf, static_cast<size_t>(n));
}

}  // namespace

SimpleDateFormat::SimpleDateFormat(const std::string& pattern) {
  for (size_t i = 0; i < pattern.size();) {
    char c = pattern[i];
    if (c == '\'') {
      if (i + 1 < pattern.size() && pattern[i + 1] == '\'') {  // '' is one quote
        tokens_.push_back({0, 0, "'"});
        i += 2;
        continue;
      }
      std::string literal;
      size_t j = i + 1;
      for (;; ++j) {
        if (j >= pattern.size()) throw std::invalid_argument("Unterminated quote in date format pattern " + pattern);
        if (pattern[j] == '\'') {
          if (j + 1 < pattern.size() && pattern[j + 1] == '\'') {
            literal.push_back('\'');
            ++j;
            continue;
          }
          break;
        }
        literal.push_back(pattern[j]);
      }
      tokens_.push_back({0, 0, literal});
      i = j + 1;
    } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      if (kSupported.find(c) == std::string_view::npos)
        throw std::invalid_argument(std::string("Illegal pattern character '") + c + "' in date format pattern " + pattern);
      size_t j = i;
      while (j < pattern.size() && pattern[j] == c) ++j;
      tokens_.push_back({c, static_cast<int>(j - i), {}});
      i = j;
    } else {
      tokens_.push_back({0, 0, std::string(1, c)});
      ++i;
    }
  }
}

std::string SimpleDateFormat::format(int64_t epochMillis) const {
  Civil c = toCivil(epochMillis);
  std::string out;
  for (const Token& t : tokens_) {
    switch (t.letter) {
      case 0: out += t.literal; break;
      case 'y':
      case 'Y':
        if (t.count == 2) pad(out, ((c.year % 100) + 100) % 100, 2);
        else pad(out, c.year, t.count);
        break;
      case 'M':
      case 'L':
        if (t.count >= 4) out += kMonths[c.month - 1];
        else if (t.count == 3) out += std::string_view(kMonths[c.month - 1]).substr(0, 3);
        else pad(out, c.month, t.count);
        break;
      case 'd': pad(out, c.day, t.count); break;
      case 'D': pad(out, c.dayOfYear, t.count); break;
      case 'H': pad(out, c.hour, t.count); break;
      case 'k': pad(out, c.hour == 0 ? 24 : c.hour, t.count); break;
      case 'K': pad(out, c.hour % 12, t.count); break;
      case 'h': pad(out, c.hour % 12 == 0 ? 12 : c.hour % 12, t.count); break;
      case 'm': pad(out, c.minute, t.count); break;
      case 's': pad(out, c.second, t.count); break;
      case 'S': pad(out, c.millis, t.count); break;
      case 'E':
        if (t.count >= 4) out += kDays[c.weekday];
        else out += std::string_view(kDays[c.weekday]).substr(0, 3);
        break;
      case 'a': out += c.hour < 12 ? "AM" : "PM"; break;
      default: break;
    }
  }
  return out;
}

}  // namespace sluice::smt
