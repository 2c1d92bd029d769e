#pragma once
// A RetryClock whose time moves only when somebody sleeps on it, so retry tests never really wait.
#include <vector>

#include "runtime/retry_operator.hpp"

namespace sluice {

class FakeRetryClock : public RetryClock {
 public:
  int64_t nowMs() override { return now_; }
  void sleepMs(int64_t ms, const std::atomic<bool>&) override {
    sleeps_.push_back(ms);
    now_ += ms;
  }
  void advance(int64_t ms) { now_ += ms; }
  const std::vector<int64_t>& sleeps() const { return sleeps_; }

 private:
  int64_t now_ = 1000;
  std::vector<int64_t> sleeps_;
};

}  // namespace sluice
