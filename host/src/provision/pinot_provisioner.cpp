#include "provision/pinot_provisioner.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "provision/reference_fields.hpp"

namespace sluice {

namespace {

using nlohmann::json;

const HttpClient::Headers kJson = {{"Content-Type", "application/json"}, {"Accept", "application/json"}};

bool readFile(const std::filesystem::path& p, std::string& out) {
  std::ifstream in(p);
  if (!in) return false;
  std::stringstream s;
  s << in.rdbuf();
  out = s.str();
  return true;
}

void replaceAll(std::string& s, std::string_view from, const std::string& to) {
  for (auto pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) s.replace(pos, from.size(), to);
}

// The controller's {"code","error"} body, or the raw body when it is something else.
std::string controllerError(const HttpResponse& r) {
  json body = json::parse(r.body, nullptr, false);
  if (body.is_object() && body.contains("error")) return shortMessage(body["error"].is_string() ? body["error"].get<std::string>() : body["error"].dump());
  return shortMessage(r.body.empty() ? "(empty body)" : r.body);
}

std::string retryOn503(const HttpResponse& r) {
  return r.status == 503 ? "controller answered 503 (" + controllerError(r) + ")" : std::string();
}

}  // namespace

std::vector<PinotAsset> loadPinotAssets(const std::filesystem::path& dir, const std::string& kafkaBrokers,
                                        std::vector<std::string>& errors) {
  std::vector<std::filesystem::path> schemaFiles;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    if (e.is_regular_file() && e.path().filename().string().ends_with(".schema.json")) schemaFiles.push_back(e.path());
  if (ec) errors.push_back("cannot list " + dir.string() + ": " + ec.message());
  std::sort(schemaFiles.begin(), schemaFiles.end());
  if (schemaFiles.empty() && !ec) errors.push_back("no *.schema.json files in " + dir.string());

  std::vector<PinotAsset> assets;
  for (const auto& schemaFile : schemaFiles) {
    std::string fileName = schemaFile.filename().string();
    PinotAsset a;
    a.name = fileName.substr(0, fileName.size() - std::string(".schema.json").size());
    auto tableFile = dir / (a.name + ".table.json");
    std::string schemaText, tableText;
    if (!readFile(schemaFile, schemaText)) {
      errors.push_back(fileName + ": cannot read");
      continue;
    }
    if (!readFile(tableFile, tableText)) {
      errors.push_back(tableFile.filename().string() + ": missing (every <name>.schema.json needs a <name>.table.json)");
      continue;
    }
    replaceAll(tableText, reference::kBrokerPlaceholder, kafkaBrokers);
    if (tableText.find("${") != std::string::npos) {
      errors.push_back(tableFile.filename().string() + ": unresolved placeholder '${...}' (only " +
                       std::string(reference::kBrokerPlaceholder) + " is substituted)");
      continue;
    }
    a.schema = json::parse(schemaText, nullptr, false);
    a.table = json::parse(tableText, nullptr, false);
    if (a.schema.is_discarded()) errors.push_back(fileName + ": not valid JSON");
    if (a.table.is_discarded()) errors.push_back(tableFile.filename().string() + ": not valid JSON");
    if (!a.schema.is_discarded() && !a.table.is_discarded()) assets.push_back(std::move(a));
  }
  return assets;
}

std::vector<std::string> validatePinotAssets(const std::vector<PinotAsset>& assets, const PinotValidationOptions& options) {
  std::vector<std::string> problems;
  std::map<std::string, json> schemas;
  for (const auto& a : assets)
    if (a.schema.is_object() && a.schema.contains("schemaName") && a.schema["schemaName"].is_string())
      schemas[a.schema["schemaName"].get<std::string>()] = a.schema;
  for (const auto& a : assets) {
    for (const auto& i : validatePinotSchema(a.schema)) problems.push_back(a.name + ".schema.json: " + i.message);
    for (const auto& i : validatePinotTable(a.table, schemas, options))
      problems.push_back(a.name + ".table.json: rule " + std::to_string(i.rule) + ": " + i.message);
  }
  return problems;
}

bool PinotProvisioner::waitUntilReady() {
  HttpResponse r = session_.untilAnswered([&] { return session_.http().get(joinUrl(baseUrl_, "/health")); },
                                          [](const HttpResponse& resp) {
                                            return resp.status == 200 ? std::string() : "GET /health answered HTTP " + std::to_string(resp.status);
                                          });
  if (!r.connected) {
    session_.error("Pinot controller at " + baseUrl_ + " is not reachable: " + r.error);
    return false;
  }
  session_.info("ready at " + baseUrl_);
  return true;
}

bool PinotProvisioner::load(const std::filesystem::path& dir, std::vector<PinotAsset>& assets) {
  std::vector<std::string> errors;
  assets = loadPinotAssets(dir, kafkaBrokers_, errors);
  for (const auto& p : validatePinotAssets(assets)) errors.push_back(p);
  for (const auto& e : errors) session_.error("invalid: " + e);
  if (!errors.empty()) session_.error("nothing posted: fix the configs in " + dir.string() + " first");
  return errors.empty();
}

bool PinotProvisioner::apply(const std::vector<PinotAsset>& assets) {
  // All schemas first: a table is looked up against its schema when created.
  for (const auto& a : assets)
    if (!postSchema(a)) return false;
  for (const auto& a : assets)
    if (!postTable(a)) return false;
  return true;
}

bool PinotProvisioner::postSchema(const PinotAsset& a) {
  const std::string name = a.schema.value("schemaName", a.name);
  // override=false makes an existing schema a 409 ("exists") instead of a silent replacement.
  HttpResponse r = session_.untilAnswered(
      [&] { return session_.http().post(joinUrl(baseUrl_, "/schemas?override=false"), a.schema.dump(), kJson); }, retryOn503);
  if (!r.connected) {
    session_.error("schema " + name + ": no answer: " + r.error);
    return false;
  }
  if (r.status == 200) {
    session_.info("schema " + name + ": created");
    return true;
  }
  if (r.status == 409) {
    session_.info("schema " + name + ": exists");
    reportSchemaDrift(a, name);
    return true;
  }
  session_.error("schema " + name + ": error " + std::to_string(r.status) + ": " + controllerError(r));
  return false;
}

// An existing schema is kept as is (override=false); say so when it no longer matches the file.
void PinotProvisioner::reportSchemaDrift(const PinotAsset& a, const std::string& name) {
  HttpResponse r = session_.http().get(joinUrl(baseUrl_, "/schemas/" + name), kJson);
  json live = r.connected && r.status == 200 ? json::parse(r.body, nullptr, false) : json();
  if (!live.is_object()) {
    session_.info("schema " + name + ": warning: could not read it back (GET /schemas/" + name + ")");
    return;
  }
  auto columns = [](const json& schema) {
    std::set<std::string> out;
    for (const char* key : {"dimensionFieldSpecs", "metricFieldSpecs", "dateTimeFieldSpecs", "complexFieldSpecs"})
      if (schema.contains(key) && schema[key].is_array())
        for (const auto& f : schema[key])
          if (f.is_object() && f.contains("name") && f["name"].is_string())
            out.insert(f["name"].get<std::string>() + " " + f.value("dataType", ""));
    return out;
  };
  auto mine = columns(a.schema);
  auto theirs = columns(live);
  std::string diff;
  for (const auto& c : mine)
    if (!theirs.count(c)) diff += " missing on server: " + c + ";";
  for (const auto& c : theirs)
    if (!mine.count(c)) diff += " not in " + a.name + ".schema.json: " + c + ";";
  if (!diff.empty())
    session_.info("schema " + name + ": warning: the existing schema differs from the file (kept):" + diff);
}

bool PinotProvisioner::postTable(const PinotAsset& a) {
  const std::string name = a.table.value("tableName", a.name) + "_REALTIME";
  HttpResponse r = session_.untilAnswered(
      [&] { return session_.http().post(joinUrl(baseUrl_, "/tables"), a.table.dump(), kJson); }, retryOn503);
  if (!r.connected) {
    session_.error("table " + name + ": no answer: " + r.error);
    return false;
  }
  if (r.status == 409) {
    session_.info("table " + name + ": exists");
    return true;
  }
  if (r.status != 200) {
    session_.error("table " + name + ": error " + std::to_string(r.status) + ": " + controllerError(r));
    return false;
  }
  session_.info("table " + name + ": created");
  // Keys the controller ignored are almost always typos; say so instead of hiding them.
  json body = json::parse(r.body, nullptr, false);
  if (body.is_object() && body.contains("unrecognizedProperties") && body["unrecognizedProperties"].is_object())
    for (const auto& [path, value] : body["unrecognizedProperties"].items())
      session_.info("table " + name + ": warning: unrecognized property " + path + " = " + value.dump());
  return true;
}

}  // namespace sluice
