#include "runtime/retry_operator.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

namespace sluice {

namespace {

std::string get(const std::map<std::string, std::string>& c, const std::string& k) {
  auto it = c.find(k);
  return it == c.end() ? std::string() : it->second;
}

class SystemRetryClock : public RetryClock {
 public:
  int64_t nowMs() override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
  }
  void sleepMs(int64_t ms, const std::atomic<bool>& stopping) override {
    // Short naps, so a stop request ends the wait within 10 ms.
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (!stopping && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(std::chrono::milliseconds(10),
                                                                                  until - std::chrono::steady_clock::now()));
  }
};

}  // namespace

Result<RetryPolicy> RetryPolicy::fromConfig(const std::map<std::string, std::string>& config) {
  RetryPolicy policy;
  try {
    size_t used = 0;
    if (auto t = get(config, "errors.retry.timeout"); !t.empty()) {
      policy.timeoutMs = std::stoll(t, &used);
      if (used != t.size() || policy.timeoutMs < -1) throw std::invalid_argument(t);
    }
    if (auto d = get(config, "errors.retry.delay.max.ms"); !d.empty()) {
      policy.delayMaxMs = std::stoll(d, &used);
      if (used != d.size() || policy.delayMaxMs < 1) throw std::invalid_argument(d);
    }
  } catch (const std::exception&) {
    return Error{"errors.retry.timeout must be an integer of at least -1 and errors.retry.delay.max.ms one of at least 1"};
  }
  return policy;
}

std::shared_ptr<RetryClock> RetryClock::system() {
  static auto clock = std::make_shared<SystemRetryClock>();
  return clock;
}

bool RetryOperator::onRetry() {
  int64_t now = clock_->nowMs();
  ++attempts_;
  if (!failing_) {
    failing_ = true;
    firstFailureMs_ = now;
    delayMs_ = std::min(RetryPolicy::kFirstDelayMs, policy_.delayMaxMs);
  }
  int64_t elapsed = now - firstFailureMs_;
  if (stopping_ || (policy_.timeoutMs >= 0 && elapsed >= policy_.timeoutMs)) return false;
  int64_t wait = delayMs_;
  // Never wait past the deadline: the last attempt comes when the retry time ends.
  if (policy_.timeoutMs >= 0) wait = std::min(wait, policy_.timeoutMs - elapsed);
  nextAttemptMs_ = now + wait;
  delayMs_ = std::min(delayMs_ * 2, policy_.delayMaxMs);
  return true;
}

void RetryOperator::onSuccess() {
  failing_ = false;
  attempts_ = 0;
  delayMs_ = std::min(RetryPolicy::kFirstDelayMs, policy_.delayMaxMs);
}

int64_t RetryOperator::msUntilNextAttempt() {
  if (!failing_) return 0;
  return std::max<int64_t>(0, nextAttemptMs_ - clock_->nowMs());
}

RetryOperator::Outcome RetryOperator::execute(const std::function<sluice_status()>& attempt) {
  sluice_status status = attempt();
  if (status != SLUICE_RETRY) return {status, 1, 0};
  onSuccess();  // a fresh run of failures, whatever an earlier execute() left
  for (;;) {
    if (!onRetry()) {
      Outcome outcome{status, attempts_, failingForMs()};
      onSuccess();
      return outcome;
    }
    clock_->sleepMs(msUntilNextAttempt(), stopping_);
    if (stopping_) {
      Outcome outcome{status, attempts_, failingForMs()};
      onSuccess();
      return outcome;
    }
    status = attempt();
    if (status != SLUICE_RETRY) {
      Outcome outcome{status, attempts_ + 1, failingForMs()};
      onSuccess();
      return outcome;
    }
  }
}

}  // namespace sluice
