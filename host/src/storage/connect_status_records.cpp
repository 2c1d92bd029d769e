#include "storage/connect_status_records.hpp"

#include <charconv>
#include <set>

#include <nlohmann/json.hpp>

namespace sluice {

namespace {

constexpr const char* kConnectorPrefix = "status-connector-";
constexpr const char* kTaskPrefix = "status-task-";

// Connect's AbstractStatus.State values.
const std::set<std::string> kStates{"UNASSIGNED", "RUNNING", "PAUSED", "STOPPED", "FAILED", "DESTROYED", "RESTARTING"};

}  // namespace

std::string connectorStatusKey(const std::string& connector) { return kConnectorPrefix + connector; }
std::string taskStatusKey(const std::string& connector, int task) {
  return kTaskPrefix + connector + "-" + std::to_string(task);
}

Result<std::string> encodeStatus(const StatusRecord& status) {
  try {
    nlohmann::ordered_json doc;
    doc["state"] = status.state;
    doc["trace"] = status.trace.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(status.trace);
    doc["worker_id"] = status.workerId;
    doc["generation"] = status.generation;
    return doc.dump();
  } catch (const std::exception& e) {
    return Error{std::string("the status cannot be written as JSON: ") + e.what()};
  }
}

Result<StatusRecord> decodeStatus(const std::string& value) {
  nlohmann::json doc = nlohmann::json::parse(value, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return Error{"status is not a JSON object"};
  StatusRecord out;
  if (!doc.contains("state") || !doc["state"].is_string() || !kStates.count(doc["state"].get<std::string>()))
    return Error{"status has no known state"};
  out.state = doc["state"].get<std::string>();
  if (doc.contains("trace") && doc["trace"].is_string()) out.trace = doc["trace"].get<std::string>();
  else if (doc.contains("trace") && !doc["trace"].is_null()) return Error{"status trace is not a string"};
  if (!doc.contains("worker_id") || !doc["worker_id"].is_string()) return Error{"status has no worker_id"};
  out.workerId = doc["worker_id"].get<std::string>();
  if (!doc.contains("generation") || !doc["generation"].is_number_integer()) return Error{"status has no generation"};
  out.generation = static_cast<int>(doc["generation"].get<int64_t>());  // Connect reads a Long, keeps its int value
  return out;
}

StatusKey parseStatusKey(const std::string& key) {
  StatusKey out;
  if (key.rfind(kConnectorPrefix, 0) == 0) {
    out.kind = StatusKey::Kind::Connector;
    out.connector = key.substr(std::char_traits<char>::length(kConnectorPrefix));
  } else if (key.rfind(kTaskPrefix, 0) == 0) {
    std::string rest = key.substr(std::char_traits<char>::length(kTaskPrefix));
    auto dash = rest.rfind('-');  // the connector name may itself contain '-'
    if (dash == std::string::npos || dash == 0 || dash + 1 == rest.size()) return out;
    int task = -1;
    auto [end, ec] = std::from_chars(rest.data() + dash + 1, rest.data() + rest.size(), task);
    if (ec != std::errc() || end != rest.data() + rest.size() || task < 0) return out;
    out.kind = StatusKey::Kind::Task;
    out.connector = rest.substr(0, dash);
    out.task = task;
  }
  return out;
}

}  // namespace sluice
