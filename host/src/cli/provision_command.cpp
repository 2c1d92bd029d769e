#include "cli/provision_command.hpp"

#include <filesystem>
#include <iostream>
#include <memory>

#include "provision/ksql_provisioner.hpp"
#include "provision/pinot_provisioner.hpp"

namespace sluice {

namespace {

struct ProvisionOptions {
  std::string ksqlUrl;
  std::string pinotUrl;
  std::string kafkaBrokers = "kafka:29092";
  double timeoutSeconds = 120;
  std::string ksqlDir;
  std::string pinotDir;
};

bool resolveDir(std::string& dir, const std::string& name, const std::string& flag) {
  if (dir.empty()) dir = findAssetDir(name);
  if (dir.empty() || !std::filesystem::is_directory(dir)) {
    std::cerr << name << ": no " << name << "/ folder found" << (dir.empty() ? "" : " at " + dir) << "; pass " << flag << "\n";
    return false;
  }
  return true;
}

int runProvision(ProvisionOptions o) {
  ProvisionSettings settings;
  settings.timeout = std::chrono::milliseconds(static_cast<long long>(o.timeoutSeconds * 1000));
  if (!o.ksqlUrl.empty()) {
    if (!resolveDir(o.ksqlDir, "ksql", "--ksql-dir")) return 2;
    ProvisionSession session("ksql", settings, std::cout, std::cerr);
    KsqlProvisioner ksql(o.ksqlUrl, session);
    session.info("applying " + o.ksqlDir + " to " + o.ksqlUrl);
    if (!ksql.waitUntilReady() || !ksql.applyDirectory(o.ksqlDir)) return 1;
  }
  if (!o.pinotUrl.empty()) {
    if (!resolveDir(o.pinotDir, "pinot", "--pinot-dir")) return 2;
    ProvisionSession session("pinot", settings, std::cout, std::cerr);
    PinotProvisioner pinot(o.pinotUrl, o.kafkaBrokers, session);
    std::vector<PinotAsset> assets;
    // Validate before waiting: a broken config is reported at once, even with Pinot down.
    if (!pinot.load(o.pinotDir, assets)) return 1;
    session.info("applying " + o.pinotDir + " to " + o.pinotUrl + " (Kafka brokers " + o.kafkaBrokers + ")");
    if (!pinot.waitUntilReady() || !pinot.apply(assets)) return 1;
  }
  return 0;
}

}  // namespace

std::string findAssetDir(const std::string& name) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<fs::path> candidates;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    candidates.push_back(exe.parent_path() / ".." / ".." / name);
    candidates.push_back(exe.parent_path() / ".." / "share" / "sluice" / name);
  }
  candidates.push_back(fs::current_path(ec) / name);
  for (const auto& c : candidates)
    if (fs::is_directory(c, ec)) return c.lexically_normal().string();
  return {};
}

void addProvisionCommand(CLI::App& app) {
  auto o = std::make_shared<ProvisionOptions>();
  auto* cmd = app.add_subcommand("provision", "Create the ksqlDB streams/tables and the Pinot schemas/tables (idempotent)");
  cmd->add_option("--ksql", o->ksqlUrl, "ksqlDB server URL, e.g. http://localhost:8088");
  cmd->add_option("--pinot", o->pinotUrl, "Pinot controller URL, e.g. http://localhost:9000");
  cmd->add_option("--kafka-brokers", o->kafkaBrokers, "Kafka bootstrap list as Pinot's servers reach it")->capture_default_str();
  cmd->add_option("--timeout", o->timeoutSeconds, "Seconds to wait for each server to become ready")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--ksql-dir", o->ksqlDir, "Folder of ordered *.sql files (default: the repo's ksql/)");
  cmd->add_option("--pinot-dir", o->pinotDir, "Folder of <name>.schema.json + <name>.table.json (default: the repo's pinot/)");
  cmd->callback([o] {
    if (o->ksqlUrl.empty() && o->pinotUrl.empty()) throw CLI::ValidationError("provision", "give --ksql URL and/or --pinot URL");
    int rc = runProvision(*o);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace sluice
