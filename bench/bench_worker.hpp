#pragma once
// Rows 4 and 5: `sluice worker` as a subprocess (embedded Kafka, empty plugin.path, a free REST port):
// time to ready, RSS idle and with the reference pipeline running, and GET status latency at a fixed rate.
#include <vector>

#include "bench_table.hpp"

namespace sluice::bench {

struct WorkerSizes {
  int runs = 5;
  int requestsPerSecond = 1000;
  int requestsPerRun = 3000;
};

std::vector<Row> benchWorker(const WorkerSizes& sizes);

}  // namespace sluice::bench
