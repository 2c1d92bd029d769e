#include "bench_records.hpp"

#include <stdexcept>

#include "plugin/plugin_loader.hpp"

namespace sluice::bench {

PluginInstancePtr startPlugin(const std::string& file, const std::map<std::string, std::string>& props) {
  auto loaded = loadPluginFile(std::string(SLUICE_PLUGIN_DIR) + "/" + file);
  if (!loaded.ok()) throw std::runtime_error(loaded.error());
  if (loaded->empty()) throw std::runtime_error(file + ": no plugin");
  auto inst = PluginInstance::create(loaded->front(), props);
  if (!inst.ok()) throw std::runtime_error(inst.error());
  PluginInstancePtr p = std::move(inst.value());
  if (p->start() != SLUICE_OK) throw std::runtime_error(p->error());
  return p;
}

std::map<std::string, std::string> transactionsConfig(const std::string& topic, long iterations) {
  return {{"kafka.topic", topic},
          {"quickstart", "ecommerce_transactions"},
          {"max.interval", "0"},
          {"iterations", std::to_string(iterations)},
          {"random.seed", "42"},
          {"transactions.start.ms", "1700000000000"},
          {"transactions.time.step.ms", "1"}};
}

double generateTransactions(const std::string& topic, long count, RecordBatch& out) {
  auto props = transactionsConfig(topic, count);
  props["name"] = "bench-datagen";
  auto source = startPlugin("datagen.so", props);
  out.clear();
  RecordBatch batch;
  auto t0 = Clock::now();
  sluice_status status = SLUICE_OK;
  while (status == SLUICE_OK) {
    batch.clear();
    status = source->poll(batch, 100);
    for (const auto& r : batch.records()) out.add(r);
  }
  double secs = secondsSince(t0);
  if (status != SLUICE_END_OF_INPUT) throw std::runtime_error(source->error());
  if (static_cast<long>(out.size()) != count)
    throw std::runtime_error("datagen produced " + std::to_string(out.size()) + " records, expected " + std::to_string(count));
  return secs;
}

}  // namespace sluice::bench
