#pragma once
// RetryOperator: the one retry model of a task's data path (source poll, transforms, sink put), after
// Kafka Connect's RetryWithToleranceOperator: a hook that reports SLUICE_RETRY is called again after
// an exponential backoff that starts at 300 ms (RETRIES_DELAY_MIN_MS) and doubles up to
// `errors.retry.delay.max.ms`, until `errors.retry.timeout` ms have passed since the first failure
// (-1: forever; 0: no retry). Any other status ends the retries at once: what is not retriable is
// for `errors.tolerance` to judge, not for this class.
//
// Two forms: execute() retries in place (transforms, sink put: the same input must go through), and
// the non-blocking onRetry()/onSuccess()/msUntilNextAttempt() for a loop that must keep committing
// and ticking between attempts (the source poll).
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include <sluice/plugin.h>

#include "common/result.hpp"

namespace sluice {

struct RetryPolicy {
  static constexpr int64_t kFirstDelayMs = 300;  // Connect's RetryWithToleranceOperator.RETRIES_DELAY_MIN_MS
  int64_t timeoutMs = 0;                         // errors.retry.timeout; -1 retries forever
  int64_t delayMaxMs = 60000;                    // errors.retry.delay.max.ms

  // Reads errors.retry.timeout and errors.retry.delay.max.ms (Connect's defaults when absent).
  static Result<RetryPolicy> fromConfig(const std::map<std::string, std::string>& config);
};

// Time as the operator sees it; tests pass a fake one so no unit test sleeps.
class RetryClock {
 public:
  virtual ~RetryClock() = default;
  virtual int64_t nowMs() = 0;
  // Waits up to ms, returning early once `stopping` is set.
  virtual void sleepMs(int64_t ms, const std::atomic<bool>& stopping) = 0;
  // The steady clock and real, interruptible sleeps.
  static std::shared_ptr<RetryClock> system();
};

class RetryOperator {
 public:
  RetryOperator(RetryPolicy policy, std::shared_ptr<RetryClock> clock, const std::atomic<bool>& stopping)
      : policy_(policy), clock_(std::move(clock)), stopping_(stopping) {}

  struct Outcome {
    sluice_status status = SLUICE_OK;  // the last attempt's status
    int attempts = 0;
    int64_t elapsedMs = 0;  // from the first failure to giving up (0 when the first attempt settled it)
  };
  // Calls attempt() until it returns anything but SLUICE_RETRY, the retry time is used up, or the
  // task stops. The first attempt reads no clock, so the per-record path costs nothing extra.
  Outcome execute(const std::function<sluice_status()>& attempt);

  // Non-blocking form. After a RETRY: schedules the next attempt and returns true, or returns false
  // when the retry time is used up (the caller fails).
  bool onRetry();
  // After any other status: the next failure starts from the first delay again.
  void onSuccess();
  // How long the caller should wait before its next attempt (0: now).
  int64_t msUntilNextAttempt();
  // The backoff the next failure will wait, and how long the current run of failures has lasted.
  int64_t nextDelayMs() const { return delayMs_; }
  int64_t failingForMs() { return failing_ ? clock_->nowMs() - firstFailureMs_ : 0; }
  int attempts() const { return attempts_; }

  const RetryPolicy& policy() const { return policy_; }

 private:
  RetryPolicy policy_;
  std::shared_ptr<RetryClock> clock_;
  const std::atomic<bool>& stopping_;
  bool failing_ = false;
  int64_t firstFailureMs_ = 0;
  int64_t nextAttemptMs_ = 0;
  int64_t delayMs_ = RetryPolicy::kFirstDelayMs;
  int attempts_ = 0;
};

}  // namespace sluice
