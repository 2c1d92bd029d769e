// RetryOperator: Connect's RetryWithToleranceOperator schedule (300 ms doubling up to
// errors.retry.delay.max.ms, for errors.retry.timeout), on a fake clock.
#include <gtest/gtest.h>

#include "fake_retry_clock.hpp"

namespace sluice {
namespace {

struct RetryOperatorTest : ::testing::Test {
  std::shared_ptr<FakeRetryClock> clock = std::make_shared<FakeRetryClock>();
  std::atomic<bool> stopping{false};
  RetryOperator make(int64_t timeoutMs, int64_t delayMaxMs) { return RetryOperator({timeoutMs, delayMaxMs}, clock, stopping); }
};

TEST_F(RetryOperatorTest, ASuccessfulFirstAttemptNeitherWaitsNorRetries) {
  auto retry = make(-1, 60000);
  int calls = 0;
  auto outcome = retry.execute([&] { return ++calls, SLUICE_OK; });
  EXPECT_EQ(outcome.status, SLUICE_OK);
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(clock->sleeps().empty());
}

TEST_F(RetryOperatorTest, BacksOffExponentiallyFrom300MsUpToTheMaximumDelay) {
  auto retry = make(-1, 1000);
  int calls = 0;
  auto outcome = retry.execute([&] { return ++calls < 6 ? SLUICE_RETRY : SLUICE_OK; });
  EXPECT_EQ(outcome.status, SLUICE_OK);
  EXPECT_EQ(outcome.attempts, 6);
  EXPECT_EQ(clock->sleeps(), (std::vector<int64_t>{300, 600, 1000, 1000, 1000}));
}

TEST_F(RetryOperatorTest, GivesUpWhenTheRetryTimeoutHasPassedWithTheLastWaitCutToTheDeadline) {
  auto retry = make(1000, 60000);
  int calls = 0;
  auto outcome = retry.execute([&] { return ++calls, SLUICE_RETRY; });
  EXPECT_EQ(outcome.status, SLUICE_RETRY);
  EXPECT_EQ(clock->sleeps(), (std::vector<int64_t>{300, 600, 100}));
  EXPECT_EQ(calls, 4);
  EXPECT_EQ(outcome.elapsedMs, 1000);
}

TEST_F(RetryOperatorTest, ARetryTimeoutOfZeroMeansNoRetry) {
  auto retry = make(0, 60000);
  int calls = 0;
  auto outcome = retry.execute([&] { return ++calls, SLUICE_RETRY; });
  EXPECT_EQ(outcome.status, SLUICE_RETRY);
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(clock->sleeps().empty());
}

TEST_F(RetryOperatorTest, ANonRetriableStatusEndsTheRetriesAtOnce) {
  auto retry = make(-1, 60000);
  int calls = 0;
  auto outcome = retry.execute([&] { return ++calls == 1 ? SLUICE_RETRY : SLUICE_ERR_FATAL; });
  EXPECT_EQ(outcome.status, SLUICE_ERR_FATAL);
  EXPECT_EQ(calls, 2);
}

TEST_F(RetryOperatorTest, StoppingEndsARetryForever) {
  auto retry = make(-1, 60000);
  int calls = 0;
  auto outcome = retry.execute([&] {
    if (++calls == 3) stopping = true;
    return SLUICE_RETRY;
  });
  EXPECT_EQ(outcome.status, SLUICE_RETRY);
  EXPECT_EQ(calls, 3);
}

TEST_F(RetryOperatorTest, TheNonBlockingFormSchedulesAttemptsAndASuccessStartsOver) {
  auto retry = make(-1, 60000);
  EXPECT_EQ(retry.msUntilNextAttempt(), 0);
  ASSERT_TRUE(retry.onRetry());
  EXPECT_EQ(retry.msUntilNextAttempt(), 300);
  clock->advance(300);
  EXPECT_EQ(retry.msUntilNextAttempt(), 0);
  ASSERT_TRUE(retry.onRetry());
  EXPECT_EQ(retry.msUntilNextAttempt(), 600);
  clock->advance(600);
  retry.onSuccess();
  ASSERT_TRUE(retry.onRetry());
  EXPECT_EQ(retry.msUntilNextAttempt(), 300) << "a success resets the backoff";
}

TEST_F(RetryOperatorTest, ReadsConnectsKeysAndRefusesGarbage) {
  auto policy = RetryPolicy::fromConfig({{"errors.retry.timeout", "-1"}, {"errors.retry.delay.max.ms", "250"}});
  ASSERT_TRUE(policy.ok()) << policy.error();
  EXPECT_EQ(policy->timeoutMs, -1);
  EXPECT_EQ(policy->delayMaxMs, 250);
  auto defaults = RetryPolicy::fromConfig({});
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->timeoutMs, 0);
  EXPECT_EQ(defaults->delayMaxMs, 60000);
  EXPECT_FALSE(RetryPolicy::fromConfig({{"errors.retry.timeout", "5000ms"}}).ok());
}

}  // namespace
}  // namespace sluice
