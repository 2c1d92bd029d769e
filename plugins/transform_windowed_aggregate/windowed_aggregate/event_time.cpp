#include "windowed_aggregate/event_time.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace sluice::windowed {

namespace {

constexpr int64_t kMsPerDay = 86'400'000;

bool isLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int daysInMonth(int64_t y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && isLeap(y) ? 29 : kDays[m - 1];
}

// Reads exactly n digits at text[pos]; advances pos.
bool digits(std::string_view text, size_t& pos, int n, int64_t& value) {
  if (pos + static_cast<size_t>(n) > text.size()) return false;
  int64_t v = 0;
  for (int i = 0; i < n; ++i) {
    char c = text[pos + static_cast<size_t>(i)];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  pos += static_cast<size_t>(n);
  value = v;
  return true;
}

// Milliseconds from a fraction of 1..9 digits (truncated, as Java does for SSS).
int64_t fractionToMs(int64_t fraction, int width) {
  while (width > 3) {
    fraction /= 10;
    --width;
  }
  while (width < 3) {
    fraction *= 10;
    ++width;
  }
  return fraction;
}

bool validDateTime(int64_t y, int64_t mo, int64_t d, int64_t h, int64_t mi, int64_t s) {
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, static_cast<int>(mo)) && h >= 0 && h <= 23 &&
         mi >= 0 && mi <= 59 && s >= 0 && s <= 59;
}

int64_t toEpochMs(int64_t y, int64_t mo, int64_t d, int64_t h, int64_t mi, int64_t s, int64_t ms) {
  return daysFromCivil(y, static_cast<int>(mo), static_cast<int>(d)) * kMsPerDay + h * 3'600'000 +
         mi * 60'000 + s * 1000 + ms;
}

void appendPadded(std::string& out, int64_t value, int width) {
  char buf[24];
  bool negative = value < 0;
  uint64_t v = negative ? static_cast<uint64_t>(-(value + 1)) + 1 : static_cast<uint64_t>(value);
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (n < width) buf[n++] = '0';
  if (negative) out.push_back('-');
  while (n > 0) out.push_back(buf[--n]);
}

}  // namespace

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

bool parseZoneOffset(std::string_view zone, int64_t& offsetMs, std::string& error) {
  std::string_view z = zone;
  if (z.empty() || z == "UTC" || z == "Z" || z == "GMT" || z == "UT") {
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
    int sign = z[0] == '-' ? -1 : 1;
    std::string_view rest = z.substr(1);
    int64_t hours = 0, minutes = 0;
    size_t pos = 0;
    bool ok = false;
    if (rest.size() == 1 || rest.size() == 2) {
      ok = digits(rest, pos, static_cast<int>(rest.size()), hours);
    } else if (rest.size() == 4) {
      ok = digits(rest, pos, 2, hours) && digits(rest, pos, 2, minutes);
    } else if (rest.size() == 5 && rest[2] == ':') {
      ok = digits(rest, pos, 2, hours) && (++pos, digits(rest, pos, 2, minutes));
    }
    if (ok && hours <= 18 && minutes <= 59) {
      offsetMs = sign * (hours * 3'600'000 + minutes * 60'000);
      return true;
    }
  }
  error = "unsupported time zone '" + std::string(zone) +
          "': use UTC or a fixed offset such as +02:00, -0530 or UTC+1 (IANA names are not supported)";
  return false;
}

TimestampFormat TimestampFormat::compile(std::string_view spec) {
  TimestampFormat f;
  if (spec == "epoch_millis") {
    f.kind_ = Kind::EpochMillis;
    return f;
  }
  if (spec == "epoch_seconds") {
    f.kind_ = Kind::EpochSeconds;
    return f;
  }
  if (spec == "iso8601" || spec == "ISO-8601" || spec == "iso-8601" || spec == "ISO8601") {
    f.kind_ = Kind::Iso8601;
    return f;
  }
  f.kind_ = Kind::Pattern;
  size_t i = 0;
  while (i < spec.size()) {
    char c = spec[i];
    if (c == '\'') {
      size_t end = spec.find('\'', i + 1);
      if (end == std::string_view::npos) throw std::invalid_argument("unterminated quote in timestamp format '" + std::string(spec) + "'");
      if (end == i + 1) f.tokens_.push_back({Field::Literal, 0, '\''});
      for (size_t k = i + 1; k < end; ++k) f.tokens_.push_back({Field::Literal, 0, spec[k]});
      i = end + 1;
      continue;
    }
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      size_t run = i;
      while (run < spec.size() && spec[run] == c) ++run;
      int width = static_cast<int>(run - i);
      Field field;
      switch (c) {
        case 'y':
        case 'u': field = Field::Year; if (width != 4) throw std::invalid_argument("timestamp format: the year must be yyyy"); break;
        case 'M': field = Field::Month; break;
        case 'd': field = Field::Day; break;
        case 'H': field = Field::Hour; break;
        case 'm': field = Field::Minute; break;
        case 's': field = Field::Second; break;
        case 'S': field = Field::Fraction; break;
        default:
          throw std::invalid_argument(std::string("timestamp format '") + std::string(spec) + "': pattern letter '" + c +
                                      "' is not supported (supported: yyyy MM dd HH mm ss S..S, literals, 'quoted', or "
                                      "iso8601, epoch_millis, epoch_seconds)");
      }
      if (field != Field::Year && field != Field::Fraction && width != 2)
        throw std::invalid_argument(std::string("timestamp format '") + std::string(spec) + "': '" + c + "' must be two letters");
      if (field == Field::Fraction && width > 9) throw std::invalid_argument("timestamp format: at most 9 S");
      f.tokens_.push_back({field, width, 0});
      i = run;
      continue;
    }
    f.tokens_.push_back({Field::Literal, 0, c});
    ++i;
  }
  if (f.tokens_.empty()) throw std::invalid_argument("timestamp format is empty");
  return f;
}

bool TimestampFormat::parse(std::string_view text, int64_t zoneOffsetMs, int64_t& epochMs) const {
  switch (kind_) {
    case Kind::Pattern: return parsePattern(text, zoneOffsetMs, epochMs);
    case Kind::Iso8601: return parseIso(text, zoneOffsetMs, epochMs);
    case Kind::EpochMillis: return parseEpoch(text, false, epochMs);
    case Kind::EpochSeconds: return parseEpoch(text, true, epochMs);
  }
  return false;
}

bool TimestampFormat::parsePattern(std::string_view text, int64_t zoneOffsetMs, int64_t& epochMs) const {
  int64_t y = 1970, mo = 1, d = 1, h = 0, mi = 0, s = 0, ms = 0;
  size_t pos = 0;
  for (const Token& t : tokens_) {
    int64_t v = 0;
    switch (t.field) {
      case Field::Literal:
        if (pos >= text.size() || text[pos] != t.literal) return false;
        ++pos;
        continue;
      case Field::Fraction:
        if (!digits(text, pos, t.width, v)) return false;
        ms = fractionToMs(v, t.width);
        continue;
      default:
        if (!digits(text, pos, t.width, v)) return false;
    }
    switch (t.field) {
      case Field::Year: y = v; break;
      case Field::Month: mo = v; break;
      case Field::Day: d = v; break;
      case Field::Hour: h = v; break;
      case Field::Minute: mi = v; break;
      case Field::Second: s = v; break;
      default: break;
    }
  }
  if (pos != text.size() || !validDateTime(y, mo, d, h, mi, s)) return false;
  epochMs = toEpochMs(y, mo, d, h, mi, s, ms) - zoneOffsetMs;
  return true;
}

bool TimestampFormat::parseIso(std::string_view text, int64_t zoneOffsetMs, int64_t& epochMs) {
  // yyyy-MM-dd[(T| )HH:mm[:ss[.f{1,9}]]][Z|+HH:mm|+HHmm|+HH]
  int64_t y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, ms = 0;
  size_t pos = 0;
  if (!digits(text, pos, 4, y) || pos >= text.size() || text[pos++] != '-' || !digits(text, pos, 2, mo) ||
      pos >= text.size() || text[pos++] != '-' || !digits(text, pos, 2, d))
    return false;
  if (pos < text.size() && (text[pos] == 'T' || text[pos] == 't' || text[pos] == ' ')) {
    ++pos;
    if (!digits(text, pos, 2, h) || pos >= text.size() || text[pos++] != ':' || !digits(text, pos, 2, mi)) return false;
    if (pos < text.size() && text[pos] == ':') {
      ++pos;
      if (!digits(text, pos, 2, s)) return false;
      if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
        ++pos;
        int64_t frac = 0;
        int width = 0;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
          if (width < 9) {
            frac = frac * 10 + (text[pos] - '0');
            ++width;
          }
          ++pos;
        }
        if (width == 0) return false;
        ms = fractionToMs(frac, width);
      }
    }
  }
  int64_t offset = zoneOffsetMs;
  if (pos < text.size()) {
    std::string error;
    if (!parseZoneOffset(text.substr(pos), offset, error)) return false;
  }
  if (!validDateTime(y, mo, d, h, mi, s)) return false;
  epochMs = toEpochMs(y, mo, d, h, mi, s, ms) - offset;
  return true;
}

bool TimestampFormat::parseEpoch(std::string_view text, bool seconds, int64_t& epochMs) {
  if (text.empty()) return false;
  const char* b = text.data();
  const char* e = b + text.size();
  int64_t whole = 0;
  auto [p, ec] = std::from_chars(b, e, whole);
  if (ec != std::errc()) return false;
  if (p == e) {
    if (!seconds) {
      epochMs = whole;
      return true;
    }
    if (whole > INT64_MAX / 1000 || whole < INT64_MIN / 1000) return false;
    epochMs = whole * 1000;
    return true;
  }
  // A fractional or exponent form ("1669000002.5", "1.669e12").
  double v = 0;
  auto [p2, ec2] = std::from_chars(b, e, v);
  if (ec2 != std::errc() || p2 != e) return false;
  double ms = seconds ? v * 1000.0 : v;
  if (!(ms > -9.2e18 && ms < 9.2e18)) return false;
  epochMs = static_cast<int64_t>(std::floor(ms));
  return true;
}

void TimestampFormat::format(int64_t epochMs, int64_t zoneOffsetMs, std::string& out) const {
  if (kind_ == Kind::EpochMillis || kind_ == Kind::EpochSeconds) {
    appendPadded(out, kind_ == Kind::EpochMillis ? epochMs : floorDiv(epochMs, 1000), 1);
    return;
  }
  int64_t local = epochMs + zoneOffsetMs;
  int64_t days = floorDiv(local, kMsPerDay);
  int64_t msOfDay = local - days * kMsPerDay;
  CivilDate date = civilFromDays(days);
  int64_t h = msOfDay / 3'600'000, mi = msOfDay / 60'000 % 60, s = msOfDay / 1000 % 60, ms = msOfDay % 1000;
  if (kind_ == Kind::Iso8601) {
    appendPadded(out, date.year, 4);
    out.push_back('-');
    appendPadded(out, date.month, 2);
    out.push_back('-');
    appendPadded(out, date.day, 2);
    out.push_back('T');
    appendPadded(out, h, 2);
    out.push_back(':');
    appendPadded(out, mi, 2);
    out.push_back(':');
    appendPadded(out, s, 2);
    out.push_back('.');
    appendPadded(out, ms, 3);
    if (zoneOffsetMs == 0) {
      out.push_back('Z');
    } else {
      int64_t off = zoneOffsetMs < 0 ? -zoneOffsetMs : zoneOffsetMs;
      out.push_back(zoneOffsetMs < 0 ? '-' : '+');
      appendPadded(out, off / 3'600'000, 2);
      out.push_back(':');
      appendPadded(out, off / 60'000 % 60, 2);
    }
    return;
  }
  for (const Token& t : tokens_) {
    switch (t.field) {
      case Field::Literal: out.push_back(t.literal); break;
      case Field::Year: appendPadded(out, date.year, 4); break;
      case Field::Month: appendPadded(out, date.month, 2); break;
      case Field::Day: appendPadded(out, date.day, 2); break;
      case Field::Hour: appendPadded(out, h, 2); break;
      case Field::Minute: appendPadded(out, mi, 2); break;
      case Field::Second: appendPadded(out, s, 2); break;
      case Field::Fraction: {
        int64_t f = ms;
        int w = 3;
        while (w > t.width) {
          f /= 10;
          --w;
        }
        appendPadded(out, f, w);
        for (; w < t.width; ++w) out.push_back('0');
        break;
      }
    }
  }
}

}  // namespace sluice::windowed
