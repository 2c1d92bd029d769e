// Fuzzes the worker YAML (`sluice worker worker.yaml`): any text must load or be refused with an
// error, never crash; the typed views the worker reads at start-up must answer for whatever loaded.
#include <cstdint>
#include <string>

#include "config/worker_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto config = sluice::WorkerConfig::fromYaml(text, "fuzz.yaml");
  if (!config) return 0;
  const sluice::WorkerConfig& worker = *config;
  (void)worker.bootstrapServers();
  (void)worker.pluginPath();
  (void)worker.restHost();
  (void)worker.restPort();
  (void)worker.unknownKeys();
  (void)worker.withPrefix("producer.");
  for (const auto& [key, value] : worker.values()) {
    (void)worker.getLong(key, 0);
    (void)worker.getBool(key, false);
  }
  return 0;
}
