#pragma once
// Creates the pinot/<name>.schema.json + <name>.table.json pairs on a Pinot controller: validates all
// of them offline first (nothing is posted if one is wrong), then POST /schemas and POST /tables.
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "provision/pinot_config_validator.hpp"
#include "provision/provision_session.hpp"

namespace sluice {

struct PinotAsset {
  std::string name;  // file stem: the schema and raw table name
  nlohmann::json schema;
  nlohmann::json table;
};

class PinotProvisioner {
 public:
  PinotProvisioner(std::string baseUrl, std::string kafkaBrokers, ProvisionSession& session)
      : baseUrl_(std::move(baseUrl)), kafkaBrokers_(std::move(kafkaBrokers)), session_(session) {}

  // Polls GET /health until the controller answers 200.
  bool waitUntilReady();
  // Loads and validates every pair in `dir`; on success `assets` holds them in name order.
  bool load(const std::filesystem::path& dir, std::vector<PinotAsset>& assets);
  bool apply(const std::vector<PinotAsset>& assets);

 private:
  bool postSchema(const PinotAsset& a);
  bool postTable(const PinotAsset& a);
  void reportSchemaDrift(const PinotAsset& a, const std::string& name);

  std::string baseUrl_;
  std::string kafkaBrokers_;
  ProvisionSession& session_;
};

// Reads pinot/<stem>.schema.json and <stem>.table.json from `dir`, putting `kafkaBrokers` in place of
// the broker placeholder. Errors (unreadable, bad JSON, missing table, unresolved placeholder) go to
// `errors`; nothing is validated here.
std::vector<PinotAsset> loadPinotAssets(const std::filesystem::path& dir, const std::string& kafkaBrokers,
                                        std::vector<std::string>& errors);

// Every schema and table issue of a set of assets, each prefixed with the file it concerns.
std::vector<std::string> validatePinotAssets(const std::vector<PinotAsset>& assets, const PinotValidationOptions& options = {});

}  // namespace sluice
