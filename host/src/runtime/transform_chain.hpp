#pragma once
// TransformChain: Connect's `transforms=a,b` with `transforms.<a>.type`, `.predicate`, `.negate`.
// Each record runs through the steps in order; a step may emit 0..n records, and a step whose
// predicate does not match (or matches, with negate) passes the record through untouched.
//
// Retries: a step that reports SLUICE_RETRY (the SDK's RetriableError) is applied again as the
// task's RetryOperator says (`errors.retry.timeout`, `errors.retry.delay.max.ms`; Connect's
// RetryWithToleranceOperator). Other failures are final at once. A failed attempt's outputs are
// discarded.
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "plugin/plugin_instance.hpp"
#include "plugin/plugin_registry.hpp"
#include "runtime/predicates.hpp"
#include "runtime/retry_operator.hpp"

namespace sluice {

class TransformChain {
 public:
  // Reads `transforms` / `predicates` and their prefixed keys from a connector config.
  // `clock` paces retries (tests pass a fake one).
  static Result<std::unique_ptr<TransformChain>> build(const std::map<std::string, std::string>& config, PluginRegistry& plugins,
                                                       std::shared_ptr<RetryClock> clock = RetryClock::system());

  bool empty() const { return steps_.empty(); }
  Result<bool> start();
  void stop();  // any thread; also ends a retry backoff

  // Runs one record through every step, appending the results to `out`. On failure returns an
  // error naming the transform alias; `out` may then hold part of the record's outputs.
  Result<bool> apply(const sluice_record& record, RecordBatch& out);
  // Gives time-driven steps (window closing) their tick; their output runs through later steps.
  Result<bool> tick(int64_t nowMs, RecordBatch& out);
  // The lowest input offset any step still holds for topic/partition, or -1.
  int64_t heldOffset(const std::string& topic, int32_t partition);
  // The `transforms.<alias>.type` of the step whose apply or tick failed last ("" before any
  // failure): Connect's __connect.errors.class.name for the TRANSFORMATION stage.
  const std::string& lastFailedType() const { return lastFailedType_; }

 private:
  struct Step {
    std::string alias;
    std::string type;
    PluginInstancePtr instance;
    std::unique_ptr<Predicate> predicate;
    bool negate = false;
  };
  Result<bool> runFrom(size_t step, const sluice_record& record, RecordBatch& out);
  Result<bool> applyWithRetry(Step& step, const sluice_record& record, RecordBatch& target);

  std::vector<Step> steps_;
  std::vector<std::unique_ptr<RecordBatch>> scratch_;  // one per step, reused
  RecordBatch tickScratch_;
  std::string lastFailedType_;
  std::atomic<bool> stopping_{false};
  std::unique_ptr<RetryOperator> retry_;
};

}  // namespace sluice
