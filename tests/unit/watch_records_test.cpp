// `sluice watch` reads records it does not control: a string amount, a missing time or a window
// with text where a number belongs is an error saying why (the watch skips and counts the record),
// never an exception that aborts the watch.
#include <gtest/gtest.h>

#include "cli/watch_records.hpp"

namespace sluice {
namespace {

using nlohmann::json;

TEST(WatchRecords, APaidTransactionIsCountedWithItsAmount) {
  auto t = readInputTransaction(json::parse(R"({"event_timestamp":"2024-01-01 00:00:01.500","status":"Paid","total_paid":30})"),
                                WatchFields{});
  ASSERT_TRUE(t.ok()) << t.error();
  EXPECT_TRUE(t->counted);
  EXPECT_EQ(t->amount, 30);
  EXPECT_EQ(t->eventTimeMs, 1704067201500);
}

TEST(WatchRecords, AStringAmountIsAnErrorNotAnAbort) {
  json record = json::parse(R"({"event_timestamp":1000,"status":"Paid","total_paid":"thirty"})");
  Result<InputTransaction> t = Error{"not run"};
  ASSERT_NO_THROW(t = readInputTransaction(record, WatchFields{}));
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error(), "'total_paid' is \"thirty\", not a whole number");
}

TEST(WatchRecords, AnUnpaidTransactionNeedsNoAmount) {
  auto t = readInputTransaction(json::parse(R"({"event_timestamp":1000,"status":"Refused","total_paid":"n/a"})"), WatchFields{});
  ASSERT_TRUE(t.ok()) << t.error();
  EXPECT_FALSE(t->counted);
}

TEST(WatchRecords, MalformedTransactionsSayWhy) {
  WatchFields f;
  EXPECT_EQ(readInputTransaction(json::parse(R"({"status":"Paid","total_paid":1})"), f).error(), "no 'event_timestamp' field");
  EXPECT_EQ(readInputTransaction(json::parse(R"({"event_timestamp":"soon","status":"Paid","total_paid":1})"), f).error(),
            "'event_timestamp' is \"soon\", not a time");
  EXPECT_EQ(readInputTransaction(json::parse(R"([1,2])"), f).error(), "not a JSON object");
  EXPECT_EQ(readInputTransaction(json::parse(R"({"event_timestamp":1,"status":7,"total_paid":"x"})"), f).ok(), true);
}

TEST(WatchRecords, WindowAggregatesWithTextNumbersAreErrors) {
  auto good = readWindowAggregate(json::parse(
      R"({"window_start":0,"window_end":3000,"total_paid":60,"total_transactions":2,"average_transaction_value":30.0})"));
  ASSERT_TRUE(good.ok()) << good.error();
  EXPECT_EQ(good->end, 3000);
  EXPECT_EQ(good->totalPaid, 60);
  EXPECT_DOUBLE_EQ(good->average, 30.0);
  Result<WindowAggregate> bad = Error{"not run"};
  ASSERT_NO_THROW(bad = readWindowAggregate(json::parse(R"({"window_start":"0","window_end":3000,"total_paid":1,"total_transactions":1})")));
  EXPECT_EQ(bad.error(), "'window_start' is \"0\", not a whole number");
  EXPECT_EQ(readWindowAggregate(json::parse(R"({"window_start":0})")).error(), "no 'window_end' field");
}

}  // namespace
}  // namespace sluice
