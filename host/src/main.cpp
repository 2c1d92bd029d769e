// The `sluice` executable: worker, plugins, and the tools around them.
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/api_command.hpp"
#include "cli/kafka_command.hpp"
#include "cli/plugins_command.hpp"
#include "cli/provision_command.hpp"
#include "cli/task_host_command.hpp"
#include "cli/watch_command.hpp"
#include "cli/worker_command.hpp"
#include "common/version.hpp"

int main(int argc, char** argv) {
  CLI::App app{"Sluice: a Kafka Connect-compatible connector host"};
  app.set_version_flag("--version", std::string("sluice ") + sluice::kVersion + " (plugin ABI " +
                                        std::to_string(SLUICE_ABI_MAJOR) + "." + std::to_string(SLUICE_ABI_MINOR) + ")");
  app.require_subcommand(1);
  sluice::addWorkerCommand(app);
  sluice::addPluginsCommand(app);
  sluice::addProvisionCommand(app);
  sluice::addKafkaCommand(app);
  sluice::addWatchCommand(app);
  sluice::addTaskHostCommand(app);
  sluice::addApiCommand(app);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
