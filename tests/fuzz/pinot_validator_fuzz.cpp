// Fuzzes the offline Pinot schema + REALTIME table checks `sluice provision` runs before posting.
// The input is one JSON document, checked both as a schema and as a table (against the repository's
// schemas and itself), as validatePinotAssets does. Any input must yield issues, never a crash.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>

#include "provision/pinot_config_validator.hpp"

namespace {

const std::map<std::string, nlohmann::json>& repositorySchemas() {
  static const std::map<std::string, nlohmann::json> schemas = [] {
    std::map<std::string, nlohmann::json> found;
    for (const auto& entry : std::filesystem::directory_iterator(SLUICE_SOURCE_DIR "/pinot")) {
      if (entry.path().string().find(".schema.json") == std::string::npos) continue;
      std::ifstream in(entry.path());
      auto schema = nlohmann::json::parse(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>(), nullptr, false);
      if (schema.is_object() && schema.contains("schemaName") && schema["schemaName"].is_string())
        found[schema["schemaName"].get<std::string>()] = schema;
    }
    return found;
  }();
  return schemas;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  repositorySchemas();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto doc = nlohmann::json::parse(data, data + size, nullptr, false);
  if (doc.is_discarded()) return 0;  // provision reports "not valid JSON" before validating
  auto schemas = repositorySchemas();
  if (doc.is_object() && doc.contains("schemaName") && doc["schemaName"].is_string())
    schemas[doc["schemaName"].get<std::string>()] = doc;
  (void)sluice::validatePinotSchema(doc);
  (void)sluice::validatePinotTable(doc, schemas);
  std::string why;
  if (doc.is_string()) {
    (void)sluice::isValidPinotDateTimeFormat(doc.get<std::string>(), &why);
    (void)sluice::isValidPinotGranularity(doc.get<std::string>(), &why);
  }
  return 0;
}
