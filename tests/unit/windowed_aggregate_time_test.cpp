// Event-time parsing and formatting for windowed-aggregate, checked against libc's timegm/gmtime_r.
#include <gtest/gtest.h>

#include <cstdio>
#include <ctime>
#include <random>
#include <string>

#include "windowed_aggregate/event_time.hpp"

namespace sluice::windowed {
namespace {

struct Civil {
  int year, month, day, hour, minute, second, millis;
};

int64_t referenceEpochMs(const Civil& c) {
  std::tm tm{};
  tm.tm_year = c.year - 1900;
  tm.tm_mon = c.month - 1;
  tm.tm_mday = c.day;
  tm.tm_hour = c.hour;
  tm.tm_min = c.minute;
  tm.tm_sec = c.second;
  return static_cast<int64_t>(timegm(&tm)) * 1000 + c.millis;
}

Civil randomCivil(std::mt19937& rng) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  Civil c{};
  c.year = 1600 + static_cast<int>(rng() % 800);
  c.month = 1 + static_cast<int>(rng() % 12);
  c.day = 1 + static_cast<int>(rng() % static_cast<unsigned>(kDays[c.month - 1]));
  c.hour = static_cast<int>(rng() % 24);
  c.minute = static_cast<int>(rng() % 60);
  c.second = static_cast<int>(rng() % 60);
  c.millis = static_cast<int>(rng() % 1000);
  return c;
}

std::string render(const char* fmt, const Civil& c) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, c.year, c.month, c.day, c.hour, c.minute, c.second, c.millis);
  return buf;
}

TEST(WindowedAggregateTime, DaysFromCivilMatchesTimegm) {
  std::mt19937 rng(1);
  for (int i = 0; i < 20000; ++i) {
    Civil c = randomCivil(rng);
    c.hour = c.minute = c.second = c.millis = 0;
    EXPECT_EQ(daysFromCivil(c.year, c.month, c.day) * 86'400'000, referenceEpochMs(c)) << c.year << "-" << c.month << "-" << c.day;
    CivilDate back = civilFromDays(daysFromCivil(c.year, c.month, c.day));
    EXPECT_EQ(back.year, c.year);
    EXPECT_EQ(back.month, c.month);
    EXPECT_EQ(back.day, c.day);
  }
}

TEST(WindowedAggregateTime, DefaultPatternParsesLikeTimegm) {
  auto f = TimestampFormat::compile("yyyy-MM-dd HH:mm:ss.SSS");
  std::mt19937 rng(2);
  for (int i = 0; i < 20000; ++i) {
    Civil c = randomCivil(rng);
    int64_t ms = 0;
    std::string text = render("%04d-%02d-%02d %02d:%02d:%02d.%03d", c);
    ASSERT_TRUE(f.parse(text, 0, ms)) << text;
    EXPECT_EQ(ms, referenceEpochMs(c)) << text;
    // And formatting gives the same text back.
    std::string again;
    f.format(ms, 0, again);
    EXPECT_EQ(again, text);
  }
}

TEST(WindowedAggregateTime, ZoneOffsetShiftsLocalTime) {
  auto f = TimestampFormat::compile("yyyy-MM-dd HH:mm:ss.SSS");
  int64_t offset = 0;
  std::string error;
  ASSERT_TRUE(parseZoneOffset("-05:30", offset, error));
  EXPECT_EQ(offset, -(5 * 3600 + 30 * 60) * 1000);
  int64_t ms = 0;
  ASSERT_TRUE(f.parse("2023-02-01 00:10:00.000", offset, ms));
  EXPECT_EQ(ms, referenceEpochMs({2023, 2, 1, 5, 40, 0, 0}));
  for (const char* z : {"UTC", "Z", "GMT", ""}) {
    ASSERT_TRUE(parseZoneOffset(z, offset, error)) << z;
    EXPECT_EQ(offset, 0);
  }
  ASSERT_TRUE(parseZoneOffset("UTC+2", offset, error));
  EXPECT_EQ(offset, 7'200'000);
  ASSERT_TRUE(parseZoneOffset("+0100", offset, error));
  EXPECT_EQ(offset, 3'600'000);
  EXPECT_FALSE(parseZoneOffset("America/New_York", offset, error));
  EXPECT_NE(error.find("IANA"), std::string::npos);
  EXPECT_FALSE(parseZoneOffset("+25:00", offset, error));
}

TEST(WindowedAggregateTime, IsoAcceptsOffsetsAndFractions) {
  auto f = TimestampFormat::compile("iso8601");
  int64_t base = referenceEpochMs({2022, 11, 21, 12, 0, 1, 0});
  struct Case {
    const char* text;
    int64_t expected;
  } cases[] = {
      {"2022-11-21T12:00:01Z", base},
      {"2022-11-21T12:00:01.5Z", base + 500},
      {"2022-11-21T12:00:01.123456789Z", base + 123},
      {"2022-11-21 12:00:01.250", base + 250},
      {"2022-11-21T14:00:01+02:00", base},
      {"2022-11-21T07:00:01-0500", base},
      {"2022-11-21T12:00Z", base - 1000},
      {"2022-11-21", referenceEpochMs({2022, 11, 21, 0, 0, 0, 0})},
  };
  for (const auto& c : cases) {
    int64_t ms = 0;
    ASSERT_TRUE(f.parse(c.text, 0, ms)) << c.text;
    EXPECT_EQ(ms, c.expected) << c.text;
  }
  int64_t ms = 0;
  ASSERT_TRUE(f.parse("2022-11-21T13:00:01", 3'600'000, ms)) << "no offset in the text: the configured zone";
  EXPECT_EQ(ms, base);
}

TEST(WindowedAggregateTime, EpochFormats) {
  auto millis = TimestampFormat::compile("epoch_millis");
  auto seconds = TimestampFormat::compile("epoch_seconds");
  int64_t ms = 0;
  ASSERT_TRUE(millis.parse("1669000002123", 0, ms));
  EXPECT_EQ(ms, 1669000002123);
  ASSERT_TRUE(millis.parse("-5", 0, ms));
  EXPECT_EQ(ms, -5);
  ASSERT_TRUE(seconds.parse("1669000002", 0, ms));
  EXPECT_EQ(ms, 1669000002000);
  ASSERT_TRUE(seconds.parse("1669000002.25", 0, ms));
  EXPECT_EQ(ms, 1669000002250);
  EXPECT_FALSE(millis.parse("12abc", 0, ms));
  EXPECT_FALSE(seconds.parse("", 0, ms));
}

TEST(WindowedAggregateTime, RejectsImpossibleOrMalformedText) {
  auto f = TimestampFormat::compile("yyyy-MM-dd HH:mm:ss.SSS");
  int64_t ms = 0;
  for (const char* bad : {"2023-02-29 00:00:00.000", "2024-02-30 00:00:00.000", "2023-13-01 00:00:00.000",
                          "2023-01-01 24:00:00.000", "2023-01-01 00:60:00.000", "2023-01-01 00:00:00.000Z",
                          "2023-01-01T00:00:00.000", "2023-1-01 00:00:00.000", "", "garbage"})
    EXPECT_FALSE(f.parse(bad, 0, ms)) << bad;
  EXPECT_TRUE(f.parse("2024-02-29 23:59:59.999", 0, ms)) << "leap day";
  EXPECT_THROW(TimestampFormat::compile("yyyy-MM-dd EEE"), std::invalid_argument);
  EXPECT_THROW(TimestampFormat::compile("yy-MM-dd"), std::invalid_argument);
  EXPECT_THROW(TimestampFormat::compile("yyyy-MM-dd'T"), std::invalid_argument);
}

TEST(WindowedAggregateTime, QuotedLiteralsAndShortFractions) {
  auto f = TimestampFormat::compile("yyyy-MM-dd'T'HH:mm:ss.S");
  int64_t ms = 0;
  ASSERT_TRUE(f.parse("1969-12-31T23:59:59.9", 0, ms));
  EXPECT_EQ(ms, -100);
  std::string text;
  f.format(-100, 0, text);
  EXPECT_EQ(text, "1969-12-31T23:59:59.9");
}

TEST(WindowedAggregateTime, FloorDivMatchesMathematicalFloor) {
  for (int64_t a = -10'000; a <= 10'000; a += 7) {
    for (int64_t b : {1, 3, 1000, 3000}) {
      int64_t q = floorDiv(a, b);
      EXPECT_LE(q * b, a);
      EXPECT_GT((q + 1) * b, a);
    }
  }
}

}  // namespace
}  // namespace sluice::windowed
