#pragma once
// The messages between the worker (IsolatedPipeline) and a task process (`sluice task-host`), one
// JSON object per FrameChannel frame, each with an "op":
//
//   worker -> task: init {spec, worker, pluginDirs}, start, runOnce {timeoutMs}, commit, close
//                   (each answered by one `result`), stop (one-way: makes a running runOnce end
//                   soon, as Pipeline::stop does in-process), offset {value|null} (answers offset.read)
//   task -> worker: result {ok, error | value, metrics, topics}, offset.read {partition},
//                   offset.write {partition, offset} (one-way: a source offset acknowledged by the
//                   sink, written to the worker's OffsetStore in order before the commit's result)
#include <string>

#include <nlohmann/json.hpp>

#include "common/result.hpp"
#include "runtime/pipeline.hpp"

namespace sluice {

// A frame as a message: a JSON object with a string "op"; anything else is an error naming why.
Result<nlohmann::json> parseTaskMessage(const std::string& frame);

nlohmann::json metricsToJson(const PipelineMetrics& metrics);
PipelineMetrics metricsFromJson(const nlohmann::json& json);

// The spec's identity and config (not its pointers: the task process builds its own registry and
// offset store proxy).
nlohmann::json specToJson(const PipelineSpec& spec);
void specFromJson(const nlohmann::json& json, PipelineSpec& spec);

}  // namespace sluice
