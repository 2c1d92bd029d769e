#include "bench_isolation.hpp"

#include <unistd.h>

#include <cstdio>
#include <stdexcept>
#include <string>

#include "bench_records.hpp"
#include "common/paths.hpp"
#include "config/worker_config.hpp"
#include "plugin/plugin_registry.hpp"
#include "runtime/isolated_pipeline.hpp"

namespace sluice::bench {
namespace {

// Records/s of one datagen -> file-sink task until `records` were written and committed.
double recordsPerSecond(bool isolated, long records, PluginRegistry& registry) {
  std::string sinkFile = "/tmp/sluice-bench-isolation-" + std::to_string(::getpid()) + ".out";
  WorkerConfig worker = WorkerConfig::fromMap({{"offset.flush.interval.ms", "1000"}});
  MemoryOffsetStore offsets;
  PipelineSpec spec;
  spec.connector = isolated ? "bench-isolated" : "bench-in-process";
  spec.config = {{"name", spec.connector},
                 {"connector.class", "datagen"},
                 {"kafka.topic", "transactions"},
                 {"quickstart", "ecommerce_transactions"},
                 {"max.interval", "0"},
                 {"iterations", std::to_string(records)},
                 {"random.seed", "42"},
                 {"sluice.sink.class", "file-sink"},
                 {"file", sinkFile},
                 {"key.converter", "org.apache.kafka.connect.storage.StringConverter"},
                 {"value.converter", "org.apache.kafka.connect.json.JsonConverter"},
                 {"value.converter.schemas.enable", "false"}};
  spec.worker = std::shared_ptr<const WorkerConfig>(std::shared_ptr<void>(), &worker);  // borrowed: outlives the pipeline
  spec.plugins = std::shared_ptr<PluginRegistry>(std::shared_ptr<void>(), &registry);  // borrowed: outlives the pipeline
  spec.offsets = std::shared_ptr<OffsetStore>(std::shared_ptr<void>(), &offsets);  // borrowed: outlives the pipeline
  std::unique_ptr<Pipeline> pipeline;
  if (isolated) {
    IsolationOptions options;
    options.pluginDirs = {SLUICE_PLUGIN_DIR};
    options.executable = SLUICE_BINARY;
    pipeline = std::make_unique<IsolatedPipeline>(spec, options);
  } else {
    auto built = Pipeline::build(spec);
    if (!built.ok()) throw std::runtime_error(built.error());
    pipeline = std::move(built.value());
  }
  auto t0 = Clock::now();  // includes starting the task process: a restart pays it too
  auto started = pipeline->start();
  if (!started.ok()) throw std::runtime_error(started.error());
  while (pipeline->metrics().recordsWritten < static_cast<uint64_t>(records)) {
    auto more = pipeline->runOnce(100);
    if (!more.ok()) throw std::runtime_error(more.error());
    if (!pipeline->restartingTrace().empty()) throw std::runtime_error(pipeline->restartingTrace());
  }
  auto committed = pipeline->commit();
  if (!committed.ok()) throw std::runtime_error(committed.error());
  double seconds = secondsSince(t0);
  pipeline->stop();
  pipeline->close();
  std::remove(sinkFile.c_str());
  return static_cast<double>(records) / seconds;
}

}  // namespace

std::vector<Row> benchIsolation(long records, int runs) {
  PluginRegistry registry;
  registry.scanDirectory(SLUICE_PLUGIN_DIR);
  std::string note = std::to_string(records) + " datagen records (ecommerce_transactions, JSON) -> file-sink";
  Row inProcess{"datagen -> file-sink, plugin.isolation: none", "records/s", {}, "", {}, note};
  Row isolated{"datagen -> file-sink, plugin.isolation: process", "records/s", {}, "", {}, note};
  Row ratio{"plugin.isolation: process / none (records/s)", "ratio", {}, "", {}, "same run, alternating"};
  for (int run = 0; run < runs; ++run) {
    double a = recordsPerSecond(false, records, registry);
    double b = recordsPerSecond(true, records, registry);
    inProcess.samples.push_back(a);
    isolated.samples.push_back(b);
    ratio.samples.push_back(b / a);
  }
  return {inProcess, isolated, ratio};
}

}  // namespace sluice::bench
