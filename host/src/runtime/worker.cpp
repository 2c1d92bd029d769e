#include "runtime/worker.hpp"

#include "common/logging.hpp"
#include "common/paths.hpp"

namespace sluice {

Worker::Worker(WorkerConfig config) : config_(std::move(config)) {}

Worker::~Worker() { stop(); }

std::vector<std::string> Worker::pluginDirs() const {
  std::vector<std::string> dirs{builtinPluginDir()};
  for (const auto& d : config_.pluginPath())
    if (d != dirs.front()) dirs.push_back(d);
  return dirs;
}

Result<bool> Worker::start() {
  auto log = logger("sluice.worker");
  for (const auto& key : config_.unknownKeys()) log->warn("the configuration '{}' was supplied but isn't a known config", key);
  for (const auto& dir : pluginDirs()) registry_.scanDirectory(dir);
  watcher_ = std::make_unique<PluginWatcher>(registry_, pluginDirs(),
                                             static_cast<int>(config_.getLong("plugin.scan.interval.ms", 1000)));
  log->info("worker started with {} plugins ({} refused)", registry_.plugins().size(), registry_.refused().size());
  return true;
}

void Worker::stop() { watcher_.reset(); }

}  // namespace sluice
