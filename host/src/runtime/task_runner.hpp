#pragma once
// TaskRunner: one connector task on its own thread, driving a Pipeline as Connect's WorkerTask
// drives a task: start, then runOnce until stopped; paused -> commit once and wait; a source that
// ended stays RUNNING and idle; an error makes the task FAILED with the message as its trace (never
// restarted automatically). A RUNNING task has a trace only while its source or sink reports that it
// cannot reach its outside system (report_health), e.g. Kafka brokers that are down.
//
// Lifetimes: the thread owns everything it uses (the spec holds shared_ptrs to the worker config,
// the plugin registry and the offset store), so a task abandoned because it ignored stop() never
// touches freed memory, whatever is destroyed after it was abandoned.
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "runtime/pipeline.hpp"

namespace sluice {

// Runtime states shared by connectors and tasks (Connect's AbstractStatus.State; RESTARTING only
// appears in a restart plan, see Herder::restart).
enum class RunState { Unassigned, Running, Paused, Stopped, Failed };
const char* runStateName(RunState state);

using PipelineFactory = std::function<Result<std::unique_ptr<Pipeline>>(const PipelineSpec&)>;

struct TaskStatus {
  RunState state = RunState::Unassigned;
  std::string trace;
};

// A task's status and active topics, written by its thread and readable from any thread at any
// time: the lock guards a copy only, never a call into a plugin, so a status read never waits for
// a task that is starting, stopping or stuck.
class TaskStatusCell {
 public:
  TaskStatus status() const;
  std::vector<std::string> topics() const;
  void set(RunState state, std::string trace = "");
  void setTopics(std::vector<std::string> topics);
  // What the task's plugins last reported about reaching their outside system ("" when healthy).
  void setHealthProblem(std::string problem);

 private:
  mutable std::mutex mutex_;
  TaskStatus status_;
  std::string healthProblem_;
  std::vector<std::string> topics_;
};

class TaskRunner {
 public:
  TaskRunner(PipelineSpec spec, PipelineFactory factory, bool paused);
  ~TaskRunner();  // stops with the default timeout
  TaskRunner(const TaskRunner&) = delete;
  TaskRunner& operator=(const TaskRunner&) = delete;

  void setPaused(bool paused);
  TaskStatus status() const { return cell_->status(); }
  std::vector<std::string> activeTopics() const { return cell_->topics(); }
  // The live status, for readers that outlive this runner (the herder's published snapshot).
  std::shared_ptr<const TaskStatusCell> statusCell() const { return cell_; }
  // Asks the task to stop (any thread). The pipeline's stop() is called here once start() has
  // returned; a stop asked for during start() is applied by the task thread right after start()
  // returns, so a plugin never sees stop() before or during its start(). Blocks only as long as
  // the plugin's own stop() takes.
  void requestStop();
  // Waits up to timeoutMs for the thread to finish (after requestStop); false if it did not, in
  // which case the thread is abandoned (detached), as Connect abandons a task that ignores stop.
  bool awaitStop(int timeoutMs);

 private:
  struct Shared;
  static void run(std::shared_ptr<Shared> shared);

  std::shared_ptr<TaskStatusCell> cell_;
  std::shared_ptr<Shared> shared_;
  std::thread thread_;
};

}  // namespace sluice
