#include "runtime/task_runner.hpp"

#include <chrono>

#include "common/logging.hpp"

namespace sluice {

const char* runStateName(RunState state) {
  switch (state) {
    case RunState::Running:
      return "RUNNING";
    case RunState::Paused:
      return "PAUSED";
    case RunState::Stopped:
      return "STOPPED";
    case RunState::Failed:
      return "FAILED";
    case RunState::Restarting:
      return "RESTARTING";
    default:
      return "UNASSIGNED";
  }
}

// State shared with the thread; kept alive by the thread itself so an abandoned task never
// touches freed memory.
struct TaskRunner::Shared {
  PipelineSpec spec;
  PipelineFactory factory;
  mutable std::mutex mutex;
  std::condition_variable cv;
  bool stopRequested = false;
  bool paused = false;
  bool finished = false;
  TaskStatus status;
  Pipeline* pipeline = nullptr;  // valid while the thread owns it, guarded by mutex
  std::vector<std::string> topics;
};

TaskRunner::TaskRunner(PipelineSpec spec, PipelineFactory factory, bool paused) : shared_(std::make_shared<Shared>()) {
  shared_->spec = std::move(spec);
  shared_->factory = std::move(factory);
  shared_->paused = paused;
  thread_ = std::thread(&TaskRunner::run, shared_);
}

TaskRunner::~TaskRunner() {
  requestStop();
  awaitStop(5000);
}

void TaskRunner::setPaused(bool paused) {
  std::lock_guard<std::mutex> lock(shared_->mutex);
  shared_->paused = paused;
  shared_->cv.notify_all();
}

TaskStatus TaskRunner::status() const {
  std::lock_guard<std::mutex> lock(shared_->mutex);
  TaskStatus status = shared_->status;
  // A task whose source or sink cannot reach its outside system stays RUNNING (its client keeps
  // retrying, as Connect's do) and says why in its trace; the pipeline lives while registered here.
  if (status.state == RunState::Running && shared_->pipeline) {
    if (auto problem = shared_->pipeline->healthProblem()) status.trace = *problem;
  }
  return status;
}

std::vector<std::string> TaskRunner::activeTopics() const {
  std::lock_guard<std::mutex> lock(shared_->mutex);
  return shared_->topics;
}

void TaskRunner::requestStop() {
  std::lock_guard<std::mutex> lock(shared_->mutex);
  shared_->stopRequested = true;
  if (shared_->pipeline) shared_->pipeline->stop();
  shared_->cv.notify_all();
}

bool TaskRunner::awaitStop(int timeoutMs) {
  if (!thread_.joinable()) return true;
  std::unique_lock<std::mutex> lock(shared_->mutex);
  bool done = shared_->cv.wait_for(lock, std::chrono::milliseconds(timeoutMs), [&] { return shared_->finished; });
  lock.unlock();
  if (done) {
    thread_.join();
    return true;
  }
  logger("sluice.worker")
      ->warn("task {}-{} did not stop within {} ms; abandoning it", shared_->spec.connector, shared_->spec.taskId,
             timeoutMs);
  thread_.detach();
  return false;
}

void TaskRunner::run(std::shared_ptr<Shared> s) {
  auto log = logger("sluice.worker");
  const std::string id = s->spec.connector + "-" + std::to_string(s->spec.taskId);
  auto setStatus = [&](RunState state, std::string trace = "") {
    std::lock_guard<std::mutex> lock(s->mutex);
    s->status = {state, std::move(trace)};
  };
  auto fail = [&](const std::string& message) {
    log->error("task {} failed: {}", id, message);
    setStatus(RunState::Failed, message);
  };

  std::unique_ptr<Pipeline> pipeline;
  try {
    auto built = s->factory(s->spec);
    if (!built.ok()) {
      fail(built.error());
    } else {
      pipeline = std::move(built.value());
      {
        std::lock_guard<std::mutex> lock(s->mutex);
        s->pipeline = pipeline.get();
        if (s->stopRequested) pipeline->stop();
      }
      auto started = pipeline->start();
      if (!started.ok()) {
        fail(started.error());
      } else {
        log->info("task {} started", id);
        bool ended = false;  // the source finished: idle, still RUNNING (as Connect)
        bool pauseCommitted = false;
        while (true) {
          bool paused;
          {
            std::unique_lock<std::mutex> lock(s->mutex);
            if (s->stopRequested) break;
            paused = s->paused;
            if (!paused) {
              // An isolated task whose process died is FAILED, with what happened, until its
              // pipeline has started a new process (IsolatedPipeline restarts it with backoff).
              std::string restarting = pipeline->restartingTrace();
              if (!restarting.empty()) s->status = {RunState::Failed, std::move(restarting)};
              else if (s->status.state != RunState::Running) s->status = {RunState::Running, ""};
            }
            if (ended && !paused) {
              s->cv.wait_for(lock, std::chrono::milliseconds(200));
              continue;
            }
          }
          if (paused) {
            if (!pauseCommitted) {
              auto c = pipeline->commit();
              if (!c.ok()) {
                fail(c.error());
                break;
              }
              pauseCommitted = true;
              setStatus(RunState::Paused);
            }
            std::unique_lock<std::mutex> lock(s->mutex);
            s->cv.wait_for(lock, std::chrono::milliseconds(200), [&] { return s->stopRequested || !s->paused; });
            continue;
          }
          pauseCommitted = false;
          auto more = pipeline->runOnce(100);
          if (!more.ok()) {
            fail(more.error());
            break;
          }
          if (!more.value() && !ended) {
            log->info("task {}: source finished; the task stays idle", id);
            ended = true;
          }
          auto topics = pipeline->activeTopics();
          std::lock_guard<std::mutex> lock(s->mutex);
          s->topics = std::move(topics);
        }
      }
    }
  } catch (const std::exception& e) {
    fail(std::string("unexpected error: ") + e.what());
  }
  if (pipeline) {
    bool failed;
    {
      std::lock_guard<std::mutex> lock(s->mutex);
      s->pipeline = nullptr;
      failed = s->status.state == RunState::Failed;
    }
    // A graceful stop (shutdown, pause-then-stop, reconfiguration) commits what was delivered, so a
    // restart does not redo it; a failed task commits nothing (its last batch was not delivered).
    if (!failed) {
      auto c = pipeline->commit();
      if (!c.ok()) log->warn("task {}: final commit failed: {}", id, c.error());
    }
    try {
      pipeline->close();
    } catch (const std::exception& e) {
      log->error("task {}: close failed: {}", id, e.what());
    }
    pipeline.reset();
  }
  std::lock_guard<std::mutex> lock(s->mutex);
  if (s->status.state != RunState::Failed) s->status = {RunState::Unassigned, ""};
  s->finished = true;
  s->cv.notify_all();
}

}  // namespace sluice
