#include "provision/ksql_provisioner.hpp"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

namespace sluice {

namespace {

using nlohmann::json;

const HttpClient::Headers kHeaders = {{"Accept", "application/vnd.ksql.v1+json"},
                                      {"Content-Type", "application/vnd.ksql.v1+json; charset=utf-8"}};

// ksqlDB's wording when IF NOT EXISTS skips a statement, or a plain CREATE hits an existing source.
bool meansExists(const std::string& message) {
  static const std::regex kExists(R"((stream|table|type|connector) with the same name already exists)", std::regex::icase);
  return std::regex_search(message, kExists);
}

// 503 / error codes 503xx: server initializing or the command queue is catching up.
std::string notReadyReason(const HttpResponse& r) {
  if (r.status == 503) {
    json body = json::parse(r.body, nullptr, false);
    std::string msg = body.is_object() && body.contains("message") && body["message"].is_string()
                          ? body["message"].get<std::string>()
                          : "HTTP 503";
    return "ksqlDB not ready (" + shortMessage(msg) + ")";
  }
  return {};
}

}  // namespace

bool KsqlProvisioner::waitUntilReady() {
  HttpResponse r = session_.untilAnswered([&] { return session_.http().get(joinUrl(baseUrl_, "/info"), kHeaders); },
                                          [](const HttpResponse& resp) {
                                            if (resp.status == 200) return std::string();
                                            std::string reason = notReadyReason(resp);
                                            return reason.empty() ? "GET /info answered HTTP " + std::to_string(resp.status) : reason;
                                          });
  if (!r.connected) {
    session_.error("ksqlDB at " + baseUrl_ + " is not reachable: " + r.error);
    return false;
  }
  std::string version;
  json info = json::parse(r.body, nullptr, false);
  if (info.is_object() && info.contains("KsqlServerInfo") && info["KsqlServerInfo"].is_object())
    version = info["KsqlServerInfo"].value("version", "");
  session_.info("ready at " + baseUrl_ + (version.empty() ? "" : " (ksqlDB " + version + ")"));
  return true;
}

std::vector<std::filesystem::path> KsqlProvisioner::statementFiles(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    if (e.is_regular_file() && e.path().extension() == ".sql") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

bool KsqlProvisioner::applyDirectory(const std::filesystem::path& dir) {
  auto files = statementFiles(dir);
  if (files.empty()) {
    session_.error("no .sql files in " + dir.string());
    return false;
  }
  for (const auto& f : files)
    if (!applyFile(f)) return false;
  return true;
}

bool KsqlProvisioner::applyFile(const std::filesystem::path& file) {
  const std::string name = file.filename().string();
  std::ifstream in(file);
  if (!in) {
    session_.error(name + ": cannot read " + file.string());
    return false;
  }
  std::stringstream text;
  text << in.rdbuf();
  // Persistent queries start from the earliest offset so data produced before provisioning counts.
  json request = {{"ksql", text.str()}, {"streamsProperties", {{"ksql.streams.auto.offset.reset", "earliest"}}}};
  HttpResponse r = session_.untilAnswered(
      [&] { return session_.http().post(joinUrl(baseUrl_, "/ksql"), request.dump(), kHeaders); }, notReadyReason);
  if (!r.connected) {
    session_.error(name + ": no answer from " + baseUrl_ + ": " + r.error);
    return false;
  }
  json body = json::parse(r.body, nullptr, false);
  if (r.status != 200) {
    std::string message = body.is_object() ? body.value("message", r.body) : r.body;
    if (meansExists(message)) {
      session_.info(name + ": exists (" + shortMessage(message) + ")");
      return true;
    }
    std::string code = body.is_object() && body.contains("error_code") ? body["error_code"].dump() : std::to_string(r.status);
    std::string type = body.is_object() ? body.value("@type", "error") : "error";
    session_.error(name + ": " + type + " " + code + ": " + shortMessage(message));
    return false;
  }
  if (!body.is_array()) {
    session_.error(name + ": unexpected answer (HTTP 200, not a JSON array): " + shortMessage(r.body));
    return false;
  }
  bool ok = true;
  for (const auto& entity : body) {
    if (!entity.is_object()) continue;
    const std::string type = entity.value("@type", "");
    if (type == "currentStatus" && entity.contains("commandStatus") && entity["commandStatus"].is_object()) {
      const auto& st = entity["commandStatus"];
      std::string status = st.value("status", "");
      std::string message = st.contains("message") && st["message"].is_string() ? st["message"].get<std::string>() : "";
      if (status == "ERROR") {
        session_.error(name + ": command failed: " + shortMessage(message));
        ok = false;
      } else {
        session_.info(name + ": created (" + status + (message.empty() ? "" : ": " + shortMessage(message)) + ")");
      }
    } else if (type == "warning_entity") {
      std::string message = entity.value("message", "");
      session_.info(name + (meansExists(message) ? ": exists (" : ": warning (") + shortMessage(message) + ")");
    } else {
      session_.info(name + ": ok (" + (type.empty() ? "no @type" : type) + ")");
    }
    if (entity.contains("warnings") && entity["warnings"].is_array())
      for (const auto& w : entity["warnings"])
        if (w.is_object() && w.contains("message")) session_.info(name + ": warning: " + shortMessage(w.value("message", "")));
  }
  return ok;
}

}  // namespace sluice
