#pragma once
// Offline checks of Pinot schema + REALTIME table configs, mirroring what the controller rejects with
// HTTP 400 (Pinot's SchemaUtils.validate and TableConfigUtils.validate). `sluice provision` runs them before posting
// so a typo is reported with the rule that caught it instead of a half-created table.
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

namespace sluice {

struct PinotIssue {
  int rule = 0;  // the REALTIME table rule number (1-24); 0 for schema-side checks
  std::string message;
};

struct PinotValidationOptions {
  // Tenant tags the target cluster has (rule 23); a single-tenant cluster only has DefaultTenant.
  std::set<std::string> knownTenants{"DefaultTenant"};
};

// Schema-side checks (what POST /schemas rejects).
std::vector<PinotIssue> validatePinotSchema(const nlohmann::json& schema);

// Table checks against the schemas the controller would know, keyed by schemaName (what POST /tables
// rejects). Schema problems are not repeated here; run validatePinotSchema for those.
std::vector<PinotIssue> validatePinotTable(const nlohmann::json& table,
                                           const std::map<std::string, nlohmann::json>& schemasByName,
                                           const PinotValidationOptions& options = {});

// True when `format` / `granularity` parse like Pinot's DateTimeFormatSpec / DateTimeGranularitySpec.
bool isValidPinotDateTimeFormat(const std::string& format, std::string* why = nullptr);
bool isValidPinotGranularity(const std::string& granularity, std::string* why = nullptr);

}  // namespace sluice
