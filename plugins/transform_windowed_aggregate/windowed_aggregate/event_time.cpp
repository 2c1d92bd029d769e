#include "windowed_aggregate/event_time.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>

#include <sluice_common/java_date_pattern.hpp>

namespace sluice::windowed {

namespace {

using common::appendPadded;
using common::daysInMonth;
using common::kMsPerDay;

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

}  // namespace

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
  std::vector<common::DatePatternToken> tokens;
  try {
    tokens = common::tokenizeDatePattern(spec, common::kDateTimeLetters);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string("timestamp format: ") + e.what() + "; or use iso8601, epoch_millis, epoch_seconds");
  }
  for (common::DatePatternToken& t : tokens) {
    const Field field = common::dateTimeFieldOf(t);
    if (field == Field::Year && t.count != 4) throw std::invalid_argument("timestamp format: the year must be yyyy");
    if (field != Field::Literal && field != Field::Year && field != Field::Fraction && t.count != 2)
      throw std::invalid_argument(std::string("timestamp format '") + std::string(spec) + "': '" + t.letter + "' must be two letters");
    if (field == Field::Fraction && t.count > 9) throw std::invalid_argument("timestamp format: at most 9 S");
    f.tokens_.push_back({field, t.count, std::move(t.literal)});
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
        if (text.substr(pos, t.literal.size()) != t.literal) return false;
        pos += t.literal.size();
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
      case Field::Literal: out += t.literal; break;
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
