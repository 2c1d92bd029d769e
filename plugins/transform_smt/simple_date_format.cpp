#include "simple_date_format.hpp"

#include <algorithm>
#include <cctype>
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

namespace {

// Howard Hinnant's civil date -> days since the epoch.
int64_t daysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool isNumericField(char c, int count) {
  if (c == 'M' || c == 'L') return count <= 2;  // MMM and longer are month names
  return c != 0 && std::string_view("yYdDHkKhmsS").find(c) != std::string_view::npos;
}

bool startsWithIgnoreCase(std::string_view text, std::string_view word) {
  if (text.size() < word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(text[i])) != std::tolower(static_cast<unsigned char>(word[i]))) return false;
  return true;
}

}  // namespace

std::optional<int64_t> SimpleDateFormat::parse(std::string_view text) const {
  int64_t year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0, millis = 0, dayOfYear = -1;
  bool pm = false, hasAmPm = false, twelveHour = false;
  size_t pos = 0;
  for (size_t t = 0; t < tokens_.size(); ++t) {
    const Token& tok = tokens_[t];
    if (tok.letter == 0) {
      if (text.substr(pos, tok.literal.size()) != tok.literal) return std::nullopt;
      pos += tok.literal.size();
      continue;
    }
    bool textual = ((tok.letter == 'M' || tok.letter == 'L') && tok.count >= 3) || tok.letter == 'E' || tok.letter == 'a';
    if (textual) {
      if (tok.letter == 'a') {
        if (startsWithIgnoreCase(text.substr(pos), "AM")) pm = false;
        else if (startsWithIgnoreCase(text.substr(pos), "PM")) pm = true;
        else return std::nullopt;
        hasAmPm = true;
        pos += 2;
        continue;
      }
      const char* const* names = tok.letter == 'E' ? kDays : kMonths;
      size_t count = tok.letter == 'E' ? 7 : 12;
      bool found = false;
      for (size_t i = 0; i < count && !found; ++i) {
        std::string_view full = names[i];
        for (std::string_view candidate : {full, full.substr(0, 3)}) {
          if (startsWithIgnoreCase(text.substr(pos), candidate)) {
            if (tok.letter != 'E') month = static_cast<int64_t>(i) + 1;
            pos += candidate.size();
            found = true;
            break;
          }
        }
      }
      if (!found) return std::nullopt;
      continue;
    }
    // Numeric field: a fixed width when the next token is another numeric field.
    bool abutting = t + 1 < tokens_.size() && isNumericField(tokens_[t + 1].letter, tokens_[t + 1].count);
    bool negative = tok.letter == 'y' && pos < text.size() && text[pos] == '-';
    if (negative) ++pos;
    size_t start = pos;
    size_t limit = abutting ? std::min(text.size(), pos + static_cast<size_t>(tok.count)) : text.size();
    int64_t v = 0;
    while (pos < limit && text[pos] >= '0' && text[pos] <= '9' && pos - start < 18) v = v * 10 + (text[pos++] - '0');
    if (pos == start) return std::nullopt;
    if (negative) v = -v;
    switch (tok.letter) {
      case 'y':
      case 'Y':
        // Java reads a two-digit year for "yy" within 80 years before / 20 after now; use 2000-2099.
        year = (tok.count == 2 && pos - start == 2) ? 2000 + v : v;
        break;
      case 'M':
      case 'L': month = v; break;
      case 'd': day = v; break;
      case 'D': dayOfYear = v; break;
      case 'H': hour = v; break;
      case 'k': hour = v == 24 ? 0 : v; break;
      case 'K': hour = v; twelveHour = true; break;
      case 'h': hour = v == 12 ? 0 : v; twelveHour = true; break;
      case 'm': minute = v; break;
      case 's': second = v; break;
      case 'S': millis = v; break;
      default: break;
    }
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  if ((hasAmPm || twelveHour) && pm) hour += 12;
  int64_t days = dayOfYear > 0 ? daysFromCivil(year, 1, 1) + dayOfYear - 1 : daysFromCivil(year, static_cast<int>(month), static_cast<int>(day));
  return days * 86400000 + hour * 3600000 + minute * 60000 + second * 1000 + millis;
}

}  // namespace sluice::smt
