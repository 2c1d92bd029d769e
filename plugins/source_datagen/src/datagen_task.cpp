#include "datagen_task.hpp"

#include <nlohmann/json.hpp>

#include <random>

#include "json_out.hpp"

namespace sluice::datagen {

std::string DatagenTask::sourcePartition(int64_t taskId) {
  std::string p = "{\"task.id\":";
  appendInt(p, taskId);
  p += '}';
  return p;
}

DatagenTask::DatagenTask(DatagenSettings settings, const std::optional<std::string>& storedOffset)
    : settings_(std::move(settings)), generator_(makeGenerator(settings_)), partition_(sourcePartition(settings_.taskId)) {
  if (settings_.iterations >= 1) {
    quota_ = settings_.iterations / settings_.taskCount + (settings_.taskId < settings_.iterations % settings_.taskCount ? 1 : 0);
  }
  if (settings_.randomSeed) {
    // Each task derives its own stream from the one seed, as datagen does.
    rng_.setSeed(*settings_.randomSeed);
    for (int64_t i = 0; i < settings_.taskId; ++i) rng_.setSeed(rng_.nextLong());
  } else {
    std::random_device rd;
    rng_.setSeed(static_cast<int64_t>((static_cast<uint64_t>(rd()) << 32) ^ rd()));
  }
  if (storedOffset) {
    try {
      auto o = nlohmann::json::parse(*storedOffset);
      generation_ = o.at("task.generation").get<int64_t>();
      produced_ = o.at("current.iteration").get<int64_t>();
      rng_.setSeed(o.at("random.seed").get<int64_t>());
    } catch (const std::exception& e) {
      throw ConfigError("The stored source offset " + *storedOffset + " for " + partition_ +
                        " is not a datagen offset (task.generation, current.iteration, random.seed): " + e.what());
    }
    generator_->setGeneration(produced_);
  }
  current_.taskIdHeader.clear();
  appendInt(current_.taskIdHeader, settings_.taskId);
}

std::string DatagenTask::finishMessage() const {
  return "Stopping connector: generated the configured " + std::to_string(settings_.iterations) +
         " number of messages (task " + std::to_string(settings_.taskId) + " of " + std::to_string(settings_.taskCount) +
         ": " + std::to_string(quota_) + ")";
}

const TaskRecord& DatagenTask::next() {
  generator_->next(rng_, current_.record);
  current_.generationHeader.clear();
  appendInt(current_.generationHeader, generation_);
  current_.iterationHeader.clear();
  appendInt(current_.iterationHeader, produced_);
  // Re-seed after every record and keep the seed in the offset: a restart resumes this exact stream.
  int64_t seed = rng_.nextLong();
  rng_.setSeed(seed);
  ++produced_;
  std::string& o = current_.sourceOffset;
  o.clear();
  o += "{\"task.generation\":";
  appendInt(o, generation_ + 1);
  o += ",\"current.iteration\":";
  appendInt(o, produced_);
  o += ",\"random.seed\":";
  appendInt(o, seed);
  o += '}';
  return current_;
}

}  // namespace sluice::datagen
