#pragma once
// `sluice kafka`: the embedded Kafka cluster (librdkafka's mock brokers) as a standalone process.
#include <CLI/CLI.hpp>

namespace sluice {

void addKafkaCommand(CLI::App& app);

}  // namespace sluice
