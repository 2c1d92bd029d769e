#pragma once
// ConnectionPool: the task queue cpp-httplib hands each accepted connection to. httplib's own pool
// has a fixed 8 threads (on 2 cores) and an unbounded queue, so eight slow clients stopped the API.
// This one grows on demand up to `maxThreads`, and past `maxConnections` connections (served plus
// waiting) the next one is answered 503 at once instead of waiting without bound.
#include <httplib.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace sluice {

class ConnectionPool : public httplib::TaskQueue {
 public:
  ConnectionPool(size_t maxThreads, size_t maxConnections);
  ~ConnectionPool() override;

  void enqueue(std::function<void()> fn) override;
  void shutdown() override;

  // Whether connections wait for a thread now; a keep-alive connection then gives its thread up.
  bool othersWaiting();
  // True while enqueue() runs a connection over maxConnections on the accepting thread: the
  // connection handler answers 503 and closes instead of serving it.
  static bool refusingOnThisThread();

 private:
  void work();

  const size_t maxThreads_;
  const size_t maxConnections_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> waiting_;
  std::vector<std::thread> threads_;
  size_t idle_ = 0;
  size_t busy_ = 0;
  bool stopping_ = false;
};

}  // namespace sluice
