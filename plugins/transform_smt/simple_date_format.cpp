#include "simple_date_format.hpp"

#include <sluice_common/civil_time.hpp>
#include <sluice_common/java_date_pattern.hpp>

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <string_view>

namespace sluice::smt {

namespace {

using common::appendPadded;

constexpr std::string_view kSupported = "yYMLdHkKhmsSEaD";
constexpr const char* kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                                   "July",    "August",   "September", "October", "November", "December"};
constexpr const char* kDays[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};

}  // namespace

SimpleDateFormat::SimpleDateFormat(const std::string& pattern) : tokens_(common::tokenizeDatePattern(pattern, kSupported)) {}

std::string SimpleDateFormat::format(int64_t epochMillis) const {
  const common::CivilTime c = common::civilTimeFromEpochMs(epochMillis);
  const int64_t year = c.date.year;
  const int month = c.date.month;
  std::string out;
  for (const Token& t : tokens_) {
    switch (t.letter) {
      case 0: out += t.literal; break;
      case 'y':
      case 'Y':
        if (t.count == 2) appendPadded(out, ((year % 100) + 100) % 100, 2);
        else appendPadded(out, year, t.count);
        break;
      case 'M':
      case 'L':
        if (t.count >= 4) out += kMonths[month - 1];
        else if (t.count == 3) out += std::string_view(kMonths[month - 1]).substr(0, 3);
        else appendPadded(out, month, t.count);
        break;
      case 'd': appendPadded(out, c.date.day, t.count); break;
      case 'D': appendPadded(out, c.dayOfYear, t.count); break;
      case 'H': appendPadded(out, c.hour, t.count); break;
      case 'k': appendPadded(out, c.hour == 0 ? 24 : c.hour, t.count); break;
      case 'K': appendPadded(out, c.hour % 12, t.count); break;
      case 'h': appendPadded(out, c.hour % 12 == 0 ? 12 : c.hour % 12, t.count); break;
      case 'm': appendPadded(out, c.minute, t.count); break;
      case 's': appendPadded(out, c.second, t.count); break;
      case 'S': appendPadded(out, c.millis, t.count); break;
      case 'E':
        if (t.count >= 4) out += kDays[c.weekday - 1];
        else out += std::string_view(kDays[c.weekday - 1]).substr(0, 3);
        break;
      case 'a': out += c.hour < 12 ? "AM" : "PM"; break;
      default: break;
    }
  }
  return out;
}

namespace {

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
  int64_t days = dayOfYear > 0 ? common::daysFromCivil(year, 1, 1) + dayOfYear - 1 : common::daysFromCivil(year, static_cast<int>(month), static_cast<int>(day));
  return days * 86400000 + hour * 3600000 + minute * 60000 + second * 1000 + millis;
}

}  // namespace sluice::smt
