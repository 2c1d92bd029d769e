// The Java date pattern syntax the built-in plugins share (plugins/common): one tokenizer, so
// datagen and the windowed aggregate read quotes exactly as Java's SimpleDateFormat and
// DateTimeFormatter do, and one zone-offset parser that accepts the same spellings in both.
#include <gtest/gtest.h>

#include <sluice/text.hpp>
#include <sluice_common/civil_time.hpp>
#include <sluice_common/java_date_pattern.hpp>

#include <stdexcept>
#include <string>

#include "time_format.hpp"
#include "windowed_aggregate/event_time.hpp"

namespace sluice::common {
namespace {

constexpr int64_t kTenOClock = 10 * 3'600'000;  // 1970-01-01T10:00:00Z

TEST(JavaDatePattern, TwoQuotesAreOneQuoteInsideAndOutsideQuotedText) {
  auto tokens = tokenizeDatePattern("HH 'o''clock'''", "H");
  ASSERT_EQ(tokens.size(), 2u);
  EXPECT_EQ(tokens[0].letter, 'H');
  EXPECT_EQ(tokens[0].count, 2);
  EXPECT_EQ(tokens[1].letter, 0);
  EXPECT_EQ(tokens[1].literal, " o'clock'");
}

TEST(JavaDatePattern, RefusalNamesTheCharacterAndThePattern) {
  try {
    tokenizeDatePattern("yyyy-MM-dd QQ", kDateTimeLetters);
    FAIL() << "QQ was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("Illegal pattern character 'Q' in date format pattern 'yyyy-MM-dd QQ'"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(tokenizeDatePattern("yyyy 'open", kDateTimeLetters), std::invalid_argument);
}

// Both used to read 'o''clock' as two quoted words and print "oclock".
TEST(JavaDatePattern, DatagenAndWindowedAggregatePrintAQuotedQuoteAsJavaDoes) {
  std::string datagen;
  datagen::TimeFormat("HH 'o''clock'", "UTC").append(kTenOClock, datagen);
  EXPECT_EQ(datagen, "10 o'clock");

  std::string windowed;
  windowed::TimestampFormat::compile("HH 'o''clock'").format(kTenOClock, 0, windowed);
  EXPECT_EQ(windowed, "10 o'clock");
}

// The windowed aggregate used to refuse Etc/UTC and UTC0, which datagen accepted.
TEST(JavaDatePattern, OneZoneParserForEveryPlugin) {
  for (const char* utc : {"UTC", "Etc/UTC", "UTC0", "Z", "GMT"}) {
    int64_t offset = -1;
    std::string error;
    EXPECT_TRUE(windowed::parseZoneOffset(utc, offset, error)) << utc << ": " << error;
    EXPECT_EQ(offset, 0) << utc;
    EXPECT_EQ(datagen::parseZoneOffsetMs(utc), 0) << utc;
  }
  EXPECT_EQ(datagen::parseZoneOffsetMs("-05:30"), -(5 * 3'600'000 + 30 * 60'000));
  EXPECT_THROW(datagen::parseZoneOffsetMs("Europe/Paris"), std::invalid_argument);
}

TEST(CivilTime, WeekdayAndDayOfYearAcrossTheEpoch) {
  CivilTime thursday = civilTimeFromEpochMs(0);
  EXPECT_EQ(thursday.weekday, 4);
  EXPECT_EQ(thursday.dayOfYear, 1);
  CivilTime wednesday = civilTimeFromEpochMs(-kMsPerDay);  // 1969-12-31
  EXPECT_EQ(wednesday.weekday, 3);
  EXPECT_EQ(wednesday.dayOfYear, 365);
  EXPECT_EQ(wednesday.date.year, 1969);
  EXPECT_EQ(wednesday.hour, 0);
}

TEST(SdkText, TrimRemovesConnectWhitespaceOnBothSides) {
  EXPECT_EQ(sluice::trim(" \t a b \r\n"), "a b");
  EXPECT_EQ(sluice::trim(" \t\r\n"), "");
  EXPECT_EQ(sluice::trimView("x"), "x");
}

}  // namespace
}  // namespace sluice::common
