#pragma once
// DatagenTask: one task's record sequence as DatagenTask.java runs it, without the timing: the seeded
// random stream (re-seeded after every record, the seed kept in the source offset), the iteration
// quota, the headers, and resuming from a stored offset. The plugin adds the sleeping and the ABI.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "datagen_config.hpp"
#include "java_random.hpp"
#include "record_generator.hpp"

namespace sluice::datagen {

struct TaskRecord {
  GeneratedRecord record;
  std::string generationHeader, taskIdHeader, iterationHeader;  // decimal text (SimpleHeaderConverter)
  std::string sourceOffset;                                       // flat JSON object
};

class DatagenTask {
 public:
  // storedOffset: the committed offset for sourcePartition(settings.taskId), if any. Throws
  // ConfigError for unusable settings or an offset that is not datagen's.
  DatagenTask(DatagenSettings settings, const std::optional<std::string>& storedOffset);

  // {"task.id":N}: the source partition datagen uses.
  static std::string sourcePartition(int64_t taskId);
  const std::string& partition() const { return partition_; }

  // Records this task emits in total: iterations split evenly over task.count (the first
  // iterations % task.count tasks take one more); -1 when unlimited.
  int64_t quota() const { return quota_; }
  int64_t produced() const { return produced_; }
  int64_t generation() const { return generation_; }
  bool done() const { return quota_ >= 0 && produced_ >= quota_; }
  // The message datagen stops with, for the log.
  std::string finishMessage() const;

  // The next record; valid until the next call. Call only while !done().
  const TaskRecord& next();

  const DatagenSettings& settings() const { return settings_; }

 private:
  DatagenSettings settings_;
  std::unique_ptr<RecordGenerator> generator_;
  JavaRandom rng_;
  std::string partition_;
  int64_t quota_ = -1;
  int64_t produced_ = 0;    // current.iteration: records produced by this task, across restarts
  int64_t generation_ = 0;  // task.generation: restarts so far (0 without a stored offset, as datagen)
  TaskRecord current_;
};

}  // namespace sluice::datagen
