#pragma once
// IsolatedPipeline: a connector task run in a child process (`plugin.isolation: process`), so a
// plugin that crashes (SIGSEGV, abort(), exit()) takes down only its own task, never the worker.
//
// The child is the same `sluice` executable started with posix_spawn as `sluice task-host`; it
// loads the plugins itself, builds the ordinary in-process Pipeline and runs it on request over a
// FrameChannel (messages in runtime/task_protocol.hpp). Source offsets stay the worker's: the
// child reads and writes them through this object, so "an offset only after the sink acknowledged
// the record" holds as in-process.
//
// When the child dies, the task shows FAILED with what happened (restartingTrace()) and the child
// is started again after a backoff that doubles from initialBackoffMs up to maxBackoffMs, and
// falls back to the start after stableResetMs of running. A plugin error the child reports (a
// refused config, a plugin returning an error) fails the task as in-process: no restart.
#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/frame_channel.hpp"
#include "runtime/pipeline.hpp"

namespace sluice {

struct IsolationOptions {
  std::vector<std::string> pluginDirs;  // what the child scans, as the worker does
  int gracefulStopMs = 5000;            // task.shutdown.graceful.timeout.ms
  int initialBackoffMs = 1000;
  int maxBackoffMs = 60000;
  int stableResetMs = 60000;
  std::string executable = "/proc/self/exe";
  // The child's arguments after the executable; empty means `task-host --fd 3 --parent <pid>`.
  std::vector<std::string> arguments;
};

// "none" (the default) or "process", from the connector config.
bool wantsProcessIsolation(const std::map<std::string, std::string>& connectorConfig);

class IsolatedPipeline : public Pipeline {
 public:
  IsolatedPipeline(PipelineSpec spec, IsolationOptions options);
  ~IsolatedPipeline() override;

  Result<bool> start() override;
  Result<bool> runOnce(int timeoutMs) override;
  Result<bool> commit() override;
  void stop() override;
  void close() override;
  PipelineMetrics metrics() const override;
  std::vector<std::string> activeTopics() const override;
  std::string restartingTrace() const override;

 private:
  enum class Outcome { Answered, Failed, Died };
  struct Reply {
    Outcome outcome = Outcome::Died;
    std::string message;  // Failed: the task's error; Died: what went wrong on the channel
    nlohmann::json result;
  };

  // Spawns the child and sends init + start. A Died outcome has already scheduled a restart.
  Reply launch();
  Result<bool> spawn();
  // Sends one request and serves the child's offset requests until its result arrives.
  Reply call(const nlohmann::json& request);
  // Reaps the child, records what happened during `phase` and schedules the next start.
  void childDied(const std::string& channelError, const std::string& phase);
  // Waits up to graceMs for the child to exit, then SIGKILL; always reaps. Returns the wait status.
  int reapChild(int graceMs);
  bool stopRequested() const;

  PipelineSpec spec_;
  IsolationOptions options_;
  pid_t pid_ = -1;
  std::shared_ptr<FrameChannel> channel_;  // guarded by mutex_ (stop() sends on it from any thread)
  bool killedForProtocol_ = false;
  bool closed_ = false;

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  bool stopRequested_ = false;
  std::chrono::steady_clock::time_point stopRequestedAt_;
  std::string restartingTrace_;  // non-empty while the child is dead and a restart is pending
  std::chrono::steady_clock::time_point nextStart_;
  std::chrono::steady_clock::time_point runningSince_;
  int attempt_ = 0;  // consecutive deaths

  PipelineMetrics finishedMetrics_;  // sums over children that died
  PipelineMetrics childMetrics_;     // the live child's latest counters
  std::vector<std::string> topics_;
};

}  // namespace sluice
