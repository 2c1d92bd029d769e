#include "rest/json_dto.hpp"

#include <sluice_kafka/sensitive_keys.hpp>

namespace sluice {

nlohmann::json errorBody(int status, const std::string& message) {
  return {{"error_code", status}, {"message", message}};
}

void sendJson(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  // Messages may quote the client's own bytes (a parse error's "last read: ...") or a plugin's text,
  // which need not be UTF-8: those bytes become U+FFFD rather than dump() throwing, which would turn
  // a 400 into a bodiless 500.
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "application/json");
}

void sendError(httplib::Response& res, int status, const std::string& message) {
  sendJson(res, status, errorBody(status, message));
}

void sendEmpty(httplib::Response& res, int status) {
  res.status = status;
  res.body.clear();
}

std::string quoteBounded(const std::string& text, size_t maxChars) {
  if (text.size() <= maxChars) return text;
  return text.substr(0, maxChars) + "... (" + std::to_string(text.size()) + " bytes)";
}

std::string quoteBounded(const nlohmann::json& value, size_t maxChars) {
  return quoteBounded(value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), maxChars);
}

nlohmann::json parseBody(const httplib::Request& req) {
  // Printing, copying and freeing a value recurse once per level: a few hundred KB of '[' overflows
  // the stack. The parser itself is iterative, so a depth callback stops it in time.
  bool tooDeep = false;
  auto depthLimit = [&tooDeep](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
    if (depth > kMaxJsonNestingDepth) tooDeep = true;
    return !tooDeep;
  };
  try {
    auto body = nlohmann::json::parse(req.body, depthLimit);
    if (tooDeep)
      throw HerderError(400, "The request body nests deeper than " + std::to_string(kMaxJsonNestingDepth) + " levels");
    return body;
  } catch (const nlohmann::json::parse_error& e) {
    // Connect has no mapper here (it answers 500); a client mistake is a 400 that says where it broke.
    // The parser's message quotes what it last read: bounded, as any echo of the client's bytes.
    throw HerderError(400, "Malformed JSON in the request body at byte " + std::to_string(e.byte) + ": " +
                               quoteBounded(std::string(e.what()), 200));
  } catch (const nlohmann::json::exception& e) {
    // Numbers out of double's range (1e999) and invalid UTF-8 are the client's mistakes too.
    throw HerderError(400, "Invalid JSON in the request body: " + quoteBounded(std::string(e.what()), 200));
  }
}

namespace {

std::optional<std::string> scalarText(const std::string& key, const nlohmann::json& v) {
  if (v.is_null()) return std::nullopt;
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean() || v.is_number()) return v.dump();
  throw HerderError(400, "Connector config values must be strings, numbers or booleans, but '" + quoteBounded(key, 200) + "' is " +
                             std::string(v.type_name()));
}

void requireObject(const nlohmann::json& body) {
  if (!body.is_object())
    throw HerderError(400, "The request body must be a JSON object, got " + std::string(body.type_name()));
}

}  // namespace

std::map<std::string, std::string> flatConfig(const nlohmann::json& body, std::set<std::string>& nullKeys) {
  requireObject(body);
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : body.items()) {
    auto text = scalarText(k, v);
    if (text) out[k] = *text;
    else nullKeys.insert(k);
  }
  return out;
}

std::map<std::string, std::optional<std::string>> flatPatch(const nlohmann::json& body) {
  requireObject(body);
  std::map<std::string, std::optional<std::string>> out;
  for (const auto& [k, v] : body.items()) out[k] = scalarText(k, v);
  return out;
}

std::vector<OffsetEntry> offsetEntries(const nlohmann::json& body) {
  if (!body.is_object() || !body.contains("offsets") || !body["offsets"].is_array() || body["offsets"].empty())
    throw HerderError(400, "Partitions / offsets need to be provided for an alter offsets request");
  std::vector<OffsetEntry> out;
  for (const auto& e : body["offsets"]) {
    if (!e.is_object() || !e.contains("partition"))
      throw HerderError(400, "Each element of 'offsets' must be an object with 'partition' and 'offset'");
    out.push_back({e["partition"], e.value("offset", nlohmann::json(nullptr))});
  }
  return out;
}

nlohmann::json toJson(const ConnectorInfo& info) {
  nlohmann::json tasks = nlohmann::json::array();
  for (int t : info.tasks) tasks.push_back({{"connector", info.name}, {"task", t}});
  return {{"name", info.name}, {"config", info.config}, {"tasks", tasks}, {"type", connectorTypeName(info.type)}};
}

nlohmann::json taskStateJson(const InstanceState& s, const std::string& workerId) {
  nlohmann::json j = {{"id", s.id}, {"state", s.state}, {"worker_id", workerId}};
  if (!s.trace.empty()) j["trace"] = s.trace;
  return j;
}

nlohmann::json toJson(const ConnectorStatus& status, const std::string& workerId) {
  nlohmann::json connector = {{"state", status.connector.state}, {"worker_id", workerId}};
  if (!status.connector.trace.empty()) connector["trace"] = status.connector.trace;
  nlohmann::json tasks = nlohmann::json::array();
  for (const auto& t : status.tasks) tasks.push_back(taskStateJson(t, workerId));
  return {{"name", status.name}, {"connector", connector}, {"tasks", tasks}, {"type", connectorTypeName(status.type)}};
}

nlohmann::json configKeyJson(const ConfigKey& key) {
  nlohmann::json def = nullptr;
  if (!key.required && key.defaultValue) def = *key.defaultValue;
  return {{"name", key.name},
          {"type", configTypeName(key.type)},
          {"required", key.required},
          {"default_value", def},
          {"importance", importanceName(key.importance)},
          {"documentation", key.documentation},
          {"group", key.group ? nlohmann::json(*key.group) : nlohmann::json(nullptr)},
          {"order", key.order},
          {"width", "NONE"},
          {"display_name", key.name},
          {"dependents", nlohmann::json::array()}};
}

nlohmann::json toJson(const ConfigInfos& infos) {
  nlohmann::json configs = nlohmann::json::array();
  for (const auto& e : infos.configs) {
    nlohmann::json value = nullptr;
    // Connect hides PASSWORD-typed values; secrets by name (sasl.jaas.config, *.password, ...) too,
    // e.g. a producer.override.sasl.jaas.config, which has no definition here.
    bool secret = (e.definition && e.definition->type == SLUICE_CFG_PASSWORD) || kafka::isSensitiveConfigKey(e.name);
    if (e.value) value = secret ? std::string(kafka::kHiddenValue) : *e.value;
    configs.push_back({{"definition", e.definition ? configKeyJson(*e.definition) : nlohmann::json(nullptr)},
                       {"value",
                        {{"name", e.name},
                         {"value", value},
                         {"recommended_values", e.recommended},
                         {"errors", e.errors},
                         {"visible", true}}}});
  }
  return {{"name", infos.name}, {"error_count", infos.errorCount()}, {"groups", infos.groups}, {"configs", configs}};
}

}  // namespace sluice
