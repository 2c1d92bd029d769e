#pragma once
// Applies ksql/*.sql to a ksqlDB server: one POST /ksql per file, in file-name order, stopping at the
// first failure. Statements are written idempotently, so "already exists" is reported, not failed.
#include <filesystem>
#include <string>
#include <vector>

#include "provision/provision_session.hpp"

namespace sluice {

class KsqlProvisioner {
 public:
  KsqlProvisioner(std::string baseUrl, ProvisionSession& session) : baseUrl_(std::move(baseUrl)), session_(session) {}

  // Polls GET /info until the server answers 200 (or the session times out).
  bool waitUntilReady();
  // Every *.sql file of `dir`, sorted by name; false at the first one that fails.
  bool applyDirectory(const std::filesystem::path& dir);
  bool applyFile(const std::filesystem::path& file);

  static std::vector<std::filesystem::path> statementFiles(const std::filesystem::path& dir);

 private:
  std::string baseUrl_;
  ProvisionSession& session_;
};

}  // namespace sluice
