#include "rest/connection_pool.hpp"

namespace sluice {

namespace {
thread_local bool refusing = false;
}

ConnectionPool::ConnectionPool(size_t maxThreads, size_t maxConnections)
    : maxThreads_(maxThreads == 0 ? 1 : maxThreads), maxConnections_(maxConnections == 0 ? 1 : maxConnections) {}

ConnectionPool::~ConnectionPool() { shutdown(); }

void ConnectionPool::enqueue(std::function<void()> fn) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!stopping_ && waiting_.size() + busy_ < maxConnections_) {
      waiting_.push_back(std::move(fn));
      // A thread is started when the waiting connections outnumber the idle threads that will take
      // them (an idle thread counts as idle until it wakes), so a burst of slow clients cannot leave
      // later connections queued behind them while threads could still be started.
      if (waiting_.size() > idle_ && threads_.size() < maxThreads_) threads_.emplace_back([this] { work(); });
      wake_.notify_one();
      return;
    }
  }
  // Over the limit: run it here, flagged, so the handler refuses it quickly and closes the socket.
  refusing = true;
  fn();
  refusing = false;
}

bool ConnectionPool::othersWaiting() {
  std::lock_guard<std::mutex> lock(mutex_);
  return !waiting_.empty();
}

bool ConnectionPool::refusingOnThisThread() { return refusing; }

void ConnectionPool::work() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    ++idle_;
    wake_.wait(lock, [this] { return stopping_ || !waiting_.empty(); });
    --idle_;
    if (waiting_.empty()) return;  // stopping, and every accepted connection was served
    auto fn = std::move(waiting_.front());
    waiting_.pop_front();
    ++busy_;
    lock.unlock();
    fn();
    lock.lock();
    --busy_;
  }
}

void ConnectionPool::shutdown() {
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    threads.swap(threads_);
  }
  wake_.notify_all();
  for (auto& t : threads) t.join();
}

}  // namespace sluice
