#include "cli/kafka_command.hpp"

#include <pthread.h>

#include <csignal>
#include <iostream>

#include "common/log_level.hpp"
#include "common/logging.hpp"
#include "kafka/embedded_cluster.hpp"

namespace sluice {

namespace {

struct KafkaOptions {
  int brokers = 1;
  int partitions = 3;
  std::vector<std::string> topics;
  std::string bootstrapFile;
  std::string logLevel = "warn";
};

sigset_t shutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

}  // namespace

void addKafkaCommand(CLI::App& app) {
  auto opts = std::make_shared<KafkaOptions>();
  auto* cmd = app.add_subcommand("kafka", "Run an embedded Kafka cluster (librdkafka mock brokers) until SIGINT/SIGTERM");
  cmd->add_option("--brokers", opts->brokers, "Number of brokers")->check(CLI::Range(1, 32));
  cmd->add_option("--partitions", opts->partitions, "Partition count for --topic NAME without a count")->check(CLI::Range(1, 10000));
  cmd->add_option("--topic", opts->topics, "Topic to create, NAME:PARTITIONS (repeatable)");
  cmd->add_option("--bootstrap-file", opts->bootstrapFile, "Also write the bootstrap address to this file");
  cmd->add_option("--log-level", opts->logLevel, "Log level (stderr)");
  cmd->callback([opts] {
    auto level = parseLogLevel(opts->logLevel);
    if (!level) {
      std::cerr << "sluice kafka: --log-level '" << opts->logLevel << "' is not a level; use " << logLevelNames() << "\n";
      throw CLI::RuntimeError(2);
    }
    initLogging(opts->logLevel);
    EmbeddedClusterOptions options;
    options.brokers = opts->brokers;
    options.defaultPartitions = opts->partitions;
    options.bootstrapFile = opts->bootstrapFile;
    for (const auto& t : opts->topics) {
      auto specs = parseTopicSpecs(t, opts->partitions);
      if (!specs.ok()) {
        std::cerr << "sluice kafka: " << specs.error() << "\n";
        throw CLI::RuntimeError(2);
      }
      options.topics.insert(options.topics.end(), specs->begin(), specs->end());
    }
    // Block the signals before librdkafka starts its threads, so only sigwait below sees them.
    sigset_t set = shutdownSignals();
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    auto cluster = EmbeddedCluster::start(options);
    if (!cluster.ok()) {
      std::cerr << "sluice kafka: " << cluster.error() << "\n";
      throw CLI::RuntimeError(1);
    }
    // The first stdout line is the bootstrap address: scripts and tests read it.
    std::cout << (*cluster)->bootstrapServers() << std::endl;
    int sig = 0;
    sigwait(&set, &sig);
    logger("sluice.kafka")->info("received signal {}, stopping the embedded cluster", sig);
  });
}

}  // namespace sluice
