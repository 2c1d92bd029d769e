#pragma once
// JSON shapes of Connect's REST entities (ConnectorInfo, ConnectorStateInfo, ConfigInfos,
// ConfigKeyInfo, ErrorMessage, ...) and request-body parsing with Connect's rules.
#include <httplib.h>

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "runtime/herder.hpp"

namespace sluice {

nlohmann::json errorBody(int status, const std::string& message);
void sendJson(httplib::Response& res, int status, const nlohmann::json& body);
void sendError(httplib::Response& res, int status, const std::string& message);
void sendEmpty(httplib::Response& res, int status);

// Jackson's default maxNestingDepth (StreamReadConstraints), which Connect's REST layer parses with.
constexpr int kMaxJsonNestingDepth = 1000;

// The request body as JSON; a 400 HerderError saying where parsing broke, for bodies nested deeper
// than kMaxJsonNestingDepth, for invalid UTF-8 and for numbers out of range (1e999).
nlohmann::json parseBody(const httplib::Request& req);
// At most `maxChars` of a client's text or value, for error messages: a request's own values are
// never echoed back unbounded.
std::string quoteBounded(const std::string& text, size_t maxChars = 200);
std::string quoteBounded(const nlohmann::json& value, size_t maxChars = 200);
// A flat connector config: numbers and booleans become their text; null values are listed in
// `nullKeys` (or kept as nullopt by the optional variant); nested values are a 400.
std::map<std::string, std::string> flatConfig(const nlohmann::json& body, std::set<std::string>& nullKeys);
std::map<std::string, std::optional<std::string>> flatPatch(const nlohmann::json& body);
// The body of PATCH /connectors/{name}/offsets: {"offsets": [{"partition": {...}, "offset": {...}}, ...]}.
std::vector<OffsetEntry> offsetEntries(const nlohmann::json& body);

nlohmann::json toJson(const ConnectorInfo& info);
nlohmann::json taskStateJson(const InstanceState& s, const std::string& workerId);
nlohmann::json toJson(const ConnectorStatus& status, const std::string& workerId);
nlohmann::json configKeyJson(const ConfigKey& key);
nlohmann::json toJson(const ConfigInfos& infos);

}  // namespace sluice
