#include "cli/worker_command.hpp"

#include <csignal>
#include <iostream>

#include "common/logging.hpp"
#include "app/worker.hpp"
#include "rest/listener_security.hpp"
#include "rest/rest_server.hpp"
#include "runtime/crash_guard.hpp"
#include "storage/crash_record.hpp"

namespace sluice {

namespace {

struct WorkerOptions {
  std::string config;
  std::vector<std::string> connectors;
};

// Blocks SIGINT/SIGTERM in every thread and waits for one in the calling thread.
int waitForShutdownSignal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  int sig = 0;
  sigwait(&set, &sig);
  return sig;
}

void blockShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

}  // namespace

void addWorkerCommand(CLI::App& app) {
  auto opts = std::make_shared<WorkerOptions>();
  auto* cmd = app.add_subcommand("worker", "Run the worker (REST API, connectors, plugins)");
  cmd->add_option("config", opts->config, "Worker config (YAML)")->required();
  cmd->add_option("connectors", opts->connectors, "Connector configs (JSON) to create at start");
  cmd->callback([opts] {
    auto config = WorkerConfig::load(opts->config);
    if (!config.ok()) {
      std::cerr << "sluice: " << config.error() << "\n";
      throw CLI::RuntimeError(2);
    }
    initLogging(config->get("log.level", "info"));  // load() has checked it
    // A REST address another process listens on is a setting this worker cannot use: refuse it
    // before anything starts, as a bad value (RestServer::start refuses it too, for the race).
    for (const auto& listener : config->restListeners()) {
      auto addressFree = RestServer::checkAddressFree(listener.host, listener.port);
      if (!addressFree.ok()) {
        std::cerr << "sluice: " << opts->config << ": " << addressFree.error() << "\n";
        throw CLI::RuntimeError(2);
      }
      // TLS stores and credentials that cannot be read are settings errors too: say so before starting.
      auto security = ListenerSecurity::create(listener, config.value());
      if (!security.ok()) {
        std::cerr << "sluice: " << opts->config << ": " << security.error() << "\n";
        throw CLI::RuntimeError(2);
      }
    }
    blockShutdownSignals();  // before any thread starts, so only sigwait sees them
    installCrashGuard(crashRecordDir(config.value()));  // a plugin that kills the process is recorded
    Worker worker(std::move(config.value()));
    auto started = worker.start();
    if (!started.ok()) {
      std::cerr << "sluice: " << started.error() << "\n";
      worker.stop();
      throw CLI::RuntimeError(1);
    }
    // As connect-standalone: each file is created (flat config or {name, config} body); a bad one
    // stops the worker with the reason.
    for (const auto& file : opts->connectors) {
      auto added = worker.addConnectorFile(file);
      if (!added.ok()) {
        std::cerr << "sluice: " << added.error() << "\n";
        worker.stop();
        throw CLI::RuntimeError(1);
      }
    }
    worker.ready();
    int sig = waitForShutdownSignal();
    logger("sluice.worker")->info("received signal {}, shutting down", sig);
    worker.stop();
  });
}

}  // namespace sluice
