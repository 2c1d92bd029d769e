#include "windowed_aggregate/partition_watermarks.hpp"

#include <algorithm>

namespace sluice::windowed {

PartitionWatermarks::PartitionWatermarks(int64_t idleTimeoutMs) : idleTimeoutMs_(idleTimeoutMs), starting_(idleTimeoutMs > 0) {}

void PartitionWatermarks::observe(size_t index, int64_t eventTime) {
  if (index >= partitions_.size()) partitions_.resize(index + 1);
  Partition& p = partitions_[index];
  p.deliveredSinceTick = true;
  bool wasIdle = p.idle;
  p.idle = false;
  if (eventTime <= p.watermark && !wasIdle && minIndex_ != SIZE_MAX) return;  // nothing that moves the minimum
  p.watermark = std::max(p.watermark, eventTime);
  // Only the partition holding the minimum, a new one, or one back from idleness can change it.
  if (index == minIndex_ || wasIdle || minIndex_ == SIZE_MAX || p.watermark < partitions_[minIndex_].watermark) recompute();
}

int64_t PartitionWatermarks::partitionWatermark(size_t index) const {
  return index < partitions_.size() ? partitions_[index].watermark : INT64_MIN;
}

void PartitionWatermarks::tick(int64_t nowMs) {
  // The start hold counts from the first tick after input began, so a slow group join does not use it up.
  if (firstTickMs_ < 0 && !partitions_.empty()) firstTickMs_ = nowMs;
  for (Partition& p : partitions_) {
    if (p.deliveredSinceTick || p.lastActiveMs < 0) p.lastActiveMs = nowMs;
    p.deliveredSinceTick = false;
    if (idleTimeoutMs_ > 0 && nowMs - p.lastActiveMs >= idleTimeoutMs_) p.idle = true;
  }
  if (starting_ && firstTickMs_ >= 0 && nowMs - firstTickMs_ >= idleTimeoutMs_) starting_ = false;
  recompute();
}

size_t PartitionWatermarks::idleCount() const {
  return static_cast<size_t>(std::count_if(partitions_.begin(), partitions_.end(), [](const Partition& p) { return p.idle; }));
}

void PartitionWatermarks::recompute() {
  minIndex_ = SIZE_MAX;
  for (size_t i = 0; i < partitions_.size(); ++i) {
    if (partitions_[i].idle) continue;
    if (minIndex_ == SIZE_MAX || partitions_[i].watermark < partitions_[minIndex_].watermark) minIndex_ = i;
  }
  // Every partition idle: event time stands still (the aggregator's own idle close takes over).
  if (starting_ || minIndex_ == SIZE_MAX) return;
  watermark_ = std::max(watermark_, partitions_[minIndex_].watermark);
}

}  // namespace sluice::windowed
