#pragma once
// TaskRunner: one connector task on its own thread, driving a Pipeline as Connect's WorkerTask
// drives a task: start, then runOnce until stopped; paused -> commit once and wait; a source that
// ended stays RUNNING and idle; an error makes the task FAILED with the message as its trace (never
// restarted automatically). A RUNNING task has a trace only while its source or sink reports that it
// cannot reach its outside system (report_health), e.g. Kafka brokers that are down.
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "runtime/pipeline.hpp"

namespace sluice {

// Runtime states shared by connectors and tasks (Connect's AbstractStatus.State).
enum class RunState { Unassigned, Running, Paused, Stopped, Failed, Restarting };
const char* runStateName(RunState state);

using PipelineFactory = std::function<Result<std::unique_ptr<Pipeline>>(const PipelineSpec&)>;

struct TaskStatus {
  RunState state = RunState::Unassigned;
  std::string trace;
};

class TaskRunner {
 public:
  TaskRunner(PipelineSpec spec, PipelineFactory factory, bool paused);
  ~TaskRunner();  // stops with the default timeout
  TaskRunner(const TaskRunner&) = delete;
  TaskRunner& operator=(const TaskRunner&) = delete;

  void setPaused(bool paused);
  TaskStatus status() const;
  std::vector<std::string> activeTopics() const;
  // Asks the task to stop (any thread, non-blocking).
  void requestStop();
  // Waits up to timeoutMs for the thread to finish (after requestStop); false if it did not, in
  // which case the thread is abandoned (detached), as Connect abandons a task that ignores stop.
  bool awaitStop(int timeoutMs);

 private:
  struct Shared;
  static void run(std::shared_ptr<Shared> shared);

  std::shared_ptr<Shared> shared_;
  std::thread thread_;
};

}  // namespace sluice
