// sluice_bench: the benchmarks of issue 8 as one table (Markdown on stdout, progress on stderr).
//   sluice_bench [--quick] [--runs N] [--only producer,aggregate,transform,worker,file,isolation]
// Exit status: 0 when every section ran (whether or not a target was met), 1 when one failed.
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstring>
#include <functional>
#include <set>
#include <sstream>
#include <string>
#include <utility>

#include "bench_isolation.hpp"
#include "bench_kafka.hpp"
#include "bench_records.hpp"
#include "bench_transform.hpp"
#include "bench_worker.hpp"

using namespace sluice::bench;

int main(int argc, char** argv) {
  KafkaSizes kafka;
  WorkerSizes worker;
  long transformRecords = 1000000;
  long isolationRecords = 200000;
  std::set<std::string> only;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--quick") {
      kafka.producerRecords = 20000;
      kafka.aggregateRecords = 30000;
      kafka.fileLines = 100000;
      transformRecords = 100000;
      isolationRecords = 20000;
      worker.requestsPerRun = 1000;
    } else if (a == "--runs" && i + 1 < argc) {
      kafka.runs = worker.runs = std::max(1, std::atoi(argv[++i]));
    } else if (a == "--only" && i + 1 < argc) {
      std::stringstream s(argv[++i]);
      for (std::string item; std::getline(s, item, ',');) only.insert(item);
    } else {
      std::fprintf(stderr, "usage: %s [--quick] [--runs N] [--only producer,aggregate,transform,worker,file,isolation]\n", argv[0]);
      return 2;
    }
  }
  spdlog::set_level(spdlog::level::warn);  // the pipelines' info lines would interleave with progress

  std::vector<std::pair<std::string, std::function<std::vector<Row>()>>> sections = {
      {"producer", [&] { return benchProducerCeiling(kafka); }},
      {"aggregate", [&] { return benchWindowedAggregate(kafka); }},
      {"transform", [&] { return benchTransformAlone(transformRecords, kafka.runs); }},
      {"worker", [&] { return benchWorker(worker); }},
      {"file", [&] { return benchFileSource(kafka); }},
      {"isolation", [&] { return benchIsolation(isolationRecords, kafka.runs); }},
  };
  std::vector<Row> rows;
  bool failed = false;
  for (const auto& [name, run] : sections) {
    if (!only.empty() && !only.count(name)) continue;
    std::fprintf(stderr, "bench: %s...\n", name.c_str());
    auto t0 = Clock::now();
    try {
      for (auto& r : run()) rows.push_back(std::move(r));
      std::fprintf(stderr, "bench: %s done in %.1f s\n", name.c_str(), secondsSince(t0));
    } catch (const std::exception& e) {
      failed = true;
      std::fprintf(stderr, "bench: %s FAILED: %s\n", name.c_str(), e.what());
      rows.push_back(Row{name, "", {}, "", {}, std::string("FAILED: ") + e.what()});
    }
  }
  printTable(rows);
  return failed ? 1 : 0;
}
