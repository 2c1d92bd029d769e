#include "runtime/task_protocol.hpp"

namespace sluice {

Result<nlohmann::json> parseTaskMessage(const std::string& frame) {
  auto doc = nlohmann::json::parse(frame, nullptr, false);
  if (doc.is_discarded()) return Error{"malformed message (not JSON): " + frame.substr(0, 80)};
  if (!doc.is_object() || !doc.contains("op") || !doc["op"].is_string())
    return Error{"malformed message (no \"op\"): " + frame.substr(0, 80)};
  return doc;
}

nlohmann::json metricsToJson(const PipelineMetrics& m) {
  return {{"polled", m.recordsPolled}, {"written", m.recordsWritten},
          {"tolerated", m.errorsTolerated}};
}

PipelineMetrics metricsFromJson(const nlohmann::json& j) {
  PipelineMetrics m;
  m.recordsPolled = j.value("polled", uint64_t{0});
  m.recordsWritten = j.value("written", uint64_t{0});
  m.errorsTolerated = j.value("tolerated", uint64_t{0});
  return m;
}

nlohmann::json specToJson(const PipelineSpec& spec) {
  return {{"connector", spec.connector},
          {"taskId", spec.taskId},
          {"taskCount", spec.taskCount},
          {"generation", spec.generation},
          {"config", spec.config}};
}

void specFromJson(const nlohmann::json& j, PipelineSpec& spec) {
  spec.connector = j.at("connector").get<std::string>();
  spec.taskId = j.at("taskId").get<int>();
  spec.taskCount = j.at("taskCount").get<int>();
  spec.generation = j.at("generation").get<int>();
  spec.config = j.at("config").get<std::map<std::string, std::string>>();
}

}  // namespace sluice
