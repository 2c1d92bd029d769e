#pragma once
// Pipeline: one task's data path, source -> transforms -> sink, as Kafka Connect runs it.
//
//  * A source connector (connector.class names a source plugin) writes through `sluice.sink.class`
//    (default "kafka-sink"), exactly as Connect's worker producer does.
//  * A sink connector (connector.class names a sink plugin) reads through `sluice.source.class`
//    (default "kafka-source": group connect-<name>, topics / topics.regex).
//  * So naming kafka-source as connector.class gives a Kafka-to-Kafka pipeline in one connector.
//
// Retries: a poll(), apply() or put() that returns SLUICE_RETRY is retried with one model, the
// RetryOperator's backoff (300 ms doubling up to `errors.retry.delay.max.ms`). Transforms give up
// after `errors.retry.timeout`, as Connect's RetryWithToleranceOperator does for its stages; the
// source poll and the sink put retry until the task stops, as Connect's WorkerSourceTask and
// WorkerSinkTask do with a RetriableException from poll() and put(). The source waits between polls
// without blocking the loop, so offsets are still committed while it backs off.
//
// Delivery: a source offset is written to the OffsetStore only after the sink acknowledged the
// record (flush() succeeded), and never past an input offset a stateful transform still holds.
//
// Threading: build/start/runOnce/commit/close are called from the task's own thread; stop() may
// come from any thread, never before start() returned (TaskRunner defers it), and makes a blocked
// runOnce() return soon.
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "common/result.hpp"
#include "config/worker_config.hpp"
#include "plugin/plugin_registry.hpp"
#include "runtime/retry_operator.hpp"
#include "storage/offset_store.hpp"

namespace sluice {

struct PipelineSpec {
  std::string connector;                      // connector name
  int taskId = 0;
  int taskCount = 1;
  int generation = 0;                         // bumps on every (re)configuration
  std::map<std::string, std::string> config;  // the connector's validated config, defaults filled in
  // Shared, not borrowed: a task that ignores stop() is abandoned (as Connect abandons it) and may
  // still use these after the herder and the worker that made them are gone.
  std::shared_ptr<const WorkerConfig> worker;  // bootstrap.servers, producer.*, consumer.*, converters
  std::shared_ptr<PluginRegistry> plugins;
  std::shared_ptr<OffsetStore> offsets;
  std::shared_ptr<RetryClock> clock = RetryClock::system();  // paces retries; tests pass a fake one
};

// Counters of a task's progress, read by the tests and `make bench`.
struct PipelineMetrics {
  uint64_t recordsPolled = 0;
  uint64_t recordsWritten = 0;
  uint64_t errorsTolerated = 0;
};

// The keys the host itself gives every plugin of a task, on top of the connector config: `name`,
// `task.id`, `task.count`, `task.generation`, `bootstrap.servers` (the worker's), and `group.id`
// (connect-<name>). Validation treats them as present, since a user never sets them.
std::map<std::string, std::string> hostSuppliedProps(const PipelineSpec& spec);

class Pipeline {
 public:
  virtual ~Pipeline() = default;
  // Creates every plugin instance (not started). Errors name the plugin and the reason.
  static Result<std::unique_ptr<Pipeline>> build(const PipelineSpec& spec);

  // Starts sink, transforms, then source. On error the pipeline is unusable; call close().
  virtual Result<bool> start() = 0;
  // One iteration: poll the source (up to timeoutMs), run the transforms, put into the sink, and
  // flush + commit offsets when the commit interval has passed. Returns false once the source has
  // ended and everything it produced was committed; keep calling it even then (it only ticks the
  // transforms and commits, sleeping up to 100 ms). An error fails the task (the message is its
  // trace) and the pipeline refuses to commit from then on.
  virtual Result<bool> runOnce(int timeoutMs) = 0;
  // Flushes the sink and commits offsets now (pause, shutdown).
  virtual Result<bool> commit() = 0;
  // Any thread: stops the source (and transforms) so runOnce returns soon; the sink stays up so a
  // final commit() can drain it.
  virtual void stop() = 0;
  // Stops and destroys the plugin instances (source first). Does not commit: call commit() first
  // for a graceful stop (pause, shutdown, reconfiguration).
  virtual void close() = 0;
  virtual PipelineMetrics metrics() const = 0;
  // Any thread, until close(): what the source or sink reported it cannot reach (report_health),
  // e.g. "kafka-sink since 2026-01-01T10:00:00Z: cannot reach Kafka brokers: ...", or nullopt.
  // A task process (plugin.isolation: process) does not forward its plugins' reports yet.
  virtual std::optional<std::string> healthProblem() const { return std::nullopt; }
  // Topics records were written to or read from (GET /connectors/{c}/topics).
  virtual std::vector<std::string> activeTopics() const = 0;
  // Non-empty while the pipeline is restarting itself after a crash (plugin.isolation: process):
  // the task shows FAILED with this trace until runOnce() has it running again.
  virtual std::string restartingTrace() const { return ""; }
};

}  // namespace sluice
