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
    default:
      return "UNASSIGNED";
  }
}

TaskStatus TaskStatusCell::status() const {
  std::lock_guard<std::mutex> lock(mutex_);
  TaskStatus status = status_;
  // A task whose source or sink cannot reach its outside system stays RUNNING (its client keeps
  // retrying, as Connect's do) and says why in its trace.
  if (status.state == RunState::Running && !healthProblem_.empty()) status.trace = healthProblem_;
  return status;
}

void TaskStatusCell::setHealthProblem(std::string problem) {
  std::lock_guard<std::mutex> lock(mutex_);
  healthProblem_ = std::move(problem);
}

std::vector<std::string> TaskStatusCell::topics() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return topics_;
}

void TaskStatusCell::set(RunState state, std::string trace) {
  std::lock_guard<std::mutex> lock(mutex_);
  status_ = {state, std::move(trace)};
}

void TaskStatusCell::setTopics(std::vector<std::string> topics) {
  std::lock_guard<std::mutex> lock(mutex_);
  topics_ = std::move(topics);
}

// State shared with the thread; kept alive by the thread itself so an abandoned task never
// touches freed memory. `mutex` guards the flags only and is never held across a plugin call.
struct TaskRunner::Shared {
  PipelineSpec spec;
  PipelineFactory factory;
  std::shared_ptr<TaskStatusCell> cell;
  std::mutex mutex;
  std::condition_variable cv;
  bool stopRequested = false;
  bool paused = false;
  bool finished = false;
  Pipeline* started = nullptr;  // set once start() returned OK, cleared before close()
  int stopsInFlight = 0;        // requestStop() calls inside started->stop(); close() waits for them
};

TaskRunner::TaskRunner(PipelineSpec spec, PipelineFactory factory, bool paused)
    : cell_(std::make_shared<TaskStatusCell>()), shared_(std::make_shared<Shared>()) {
  shared_->spec = std::move(spec);
  shared_->factory = std::move(factory);
  shared_->cell = cell_;
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

void TaskRunner::requestStop() {
  Pipeline* pipeline;
  {
    std::lock_guard<std::mutex> lock(shared_->mutex);
    if (shared_->stopRequested) return;
    shared_->stopRequested = true;
    shared_->cv.notify_all();
    pipeline = shared_->started;  // null while building or starting: the task thread stops it after start()
    if (!pipeline) return;
    ++shared_->stopsInFlight;
  }
  pipeline->stop();  // outside the lock: a plugin's stop() may take its time
  std::lock_guard<std::mutex> lock(shared_->mutex);
  --shared_->stopsInFlight;
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
  TaskStatusCell& cell = *s->cell;
  auto fail = [&](const std::string& message) {
    log->error("task {} failed: {}", id, message);
    cell.set(RunState::Failed, message);
  };

  std::unique_ptr<Pipeline> pipeline;
  bool ran = false;  // start() succeeded: there may be something to commit
  try {
    auto built = s->factory(s->spec);
    if (!built.ok()) {
      fail(built.error());
    } else {
      pipeline = std::move(built.value());
      bool stopAskedBeforeStart;
      {
        std::lock_guard<std::mutex> lock(s->mutex);
        stopAskedBeforeStart = s->stopRequested;
      }
      auto started = stopAskedBeforeStart ? Result<bool>(false) : pipeline->start();
      if (stopAskedBeforeStart) {
        log->info("task {} was stopped before it started", id);
      } else if (!started.ok()) {
        fail(started.error());
      } else {
        ran = true;
        bool stopAskedDuringStart;
        {
          std::lock_guard<std::mutex> lock(s->mutex);
          s->started = pipeline.get();
          stopAskedDuringStart = s->stopRequested;
        }
        if (stopAskedDuringStart) pipeline->stop();  // deferred until start() returned
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
              if (!restarting.empty()) cell.set(RunState::Failed, std::move(restarting));
              else if (cell.status().state != RunState::Running) cell.set(RunState::Running);
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
              cell.set(RunState::Paused);
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
          cell.setTopics(pipeline->activeTopics());
          cell.setHealthProblem(pipeline->healthProblem().value_or(""));
        }
      }
    }
  } catch (const std::exception& e) {
    fail(std::string("unexpected error: ") + e.what());
  }
  if (pipeline) {
    {
      // No stop() may still be running on another thread when the plugins are destroyed.
      std::unique_lock<std::mutex> lock(s->mutex);
      s->started = nullptr;
      s->cv.wait(lock, [&] { return s->stopsInFlight == 0; });
    }
    bool failed = cell.status().state == RunState::Failed;
    // A graceful stop (shutdown, pause-then-stop, reconfiguration) commits what was delivered, so a
    // restart does not redo it; a failed task commits nothing (its last batch was not delivered).
    if (ran && !failed) {
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
  if (cell.status().state != RunState::Failed) cell.set(RunState::Unassigned);
  std::lock_guard<std::mutex> lock(s->mutex);
  s->finished = true;
  s->cv.notify_all();
}

}  // namespace sluice
