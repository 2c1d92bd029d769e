#pragma once
// PartitionWatermarks: event time per input partition and the task watermark derived from them.
//
// Each input partition (topic, partition of the record) has its own watermark: the largest event
// time it has delivered. The task watermark is the minimum over the partitions that are active, as
// in Flink's per-split watermarks, so the order in which a consumer hands over partitions (a whole
// run of one, then of another) does not move event time: a window closes only once every active
// partition has passed it. A partition that delivers nothing for idle.timeout.ms of processing
// time is idle and left out of the minimum until it delivers again (Flink's withIdleness), so one
// quiet partition cannot stall every window. Until idle.timeout.ms has passed since the first tick
// after the first record, the task watermark is held: a partition that is assigned but has not
// delivered yet is unknown here, and a window closed before its first records arrive would turn
// them into late records.
//
// The task watermark never goes back: a partition that resumes behind it finds its windows closed.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace sluice::windowed {

class PartitionWatermarks {
 public:
  // idleTimeoutMs 0: no partition is ever idle and nothing is held at the start.
  explicit PartitionWatermarks(int64_t idleTimeoutMs);

  // An event time delivered by partition `index` (dense indices chosen by the caller).
  void observe(size_t index, int64_t eventTime);
  // The largest event time partition `index` delivered; INT64_MIN when none.
  int64_t partitionWatermark(size_t index) const;
  // Processing time: a partition that delivered since the last tick is active, one silent for
  // idle.timeout.ms is idle; the start hold ends idle.timeout.ms after the first tick that follows
  // the first record.
  void tick(int64_t nowMs);

  // The minimum over active partitions' watermarks (never decreasing); INT64_MIN while held.
  int64_t watermark() const { return watermark_; }
  size_t partitionCount() const { return partitions_.size(); }
  size_t idleCount() const;

 private:
  struct Partition {
    int64_t watermark = INT64_MIN;
    int64_t lastActiveMs = -1;  // processing time of the tick that last saw it deliver
    bool deliveredSinceTick = false;
    bool idle = false;
  };
  void recompute();

  int64_t idleTimeoutMs_;
  std::vector<Partition> partitions_;
  int64_t firstTickMs_ = -1;
  bool starting_;
  size_t minIndex_ = SIZE_MAX;  // the active partition that holds the minimum, when known
  int64_t watermark_ = INT64_MIN;
};

}  // namespace sluice::windowed
