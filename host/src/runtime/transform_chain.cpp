#include "runtime/transform_chain.hpp"

#include <sstream>

#include "config/config_validator.hpp"

namespace sluice {

namespace {

std::vector<std::string> splitList(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ',')) {
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

// The keys under `prefix`, with the prefix removed.
std::map<std::string, std::string> subConfig(const std::map<std::string, std::string>& config, const std::string& prefix) {
  std::map<std::string, std::string> out;
  for (auto it = config.lower_bound(prefix); it != config.end() && it->first.rfind(prefix, 0) == 0; ++it)
    out[it->first.substr(prefix.size())] = it->second;
  return out;
}

std::string get(const std::map<std::string, std::string>& m, const std::string& k) {
  auto it = m.find(k);
  return it == m.end() ? std::string() : it->second;
}

}  // namespace

Result<std::unique_ptr<TransformChain>> TransformChain::build(const std::map<std::string, std::string>& config, PluginRegistry& plugins,
                                                             std::shared_ptr<RetryClock> clock) {
  auto chain = std::make_unique<TransformChain>();
  auto policy = RetryPolicy::fromConfig(config);
  if (!policy.ok()) return Error{policy.error()};
  chain->retry_ = std::make_unique<RetryOperator>(policy.value(), std::move(clock), chain->stopping_);
  std::map<std::string, std::pair<std::string, std::map<std::string, std::string>>> predicates;
  for (const auto& p : splitList(get(config, "predicates"))) {
    auto settings = subConfig(config, "predicates." + p + ".");
    predicates[p] = {get(settings, "type"), settings};
  }
  for (const auto& alias : splitList(get(config, "transforms"))) {
    auto settings = subConfig(config, "transforms." + alias + ".");
    std::string type = get(settings, "type");
    if (type.empty()) return Error{"Missing required configuration \"transforms." + alias + ".type\" which has no default value."};
    PluginPtr plugin = plugins.find(type);
    if (!plugin || plugin->kind != SLUICE_KIND_TRANSFORM)
      return Error{"Invalid value " + type + " for configuration transforms." + alias + ".type: Class " + type + " could not be found."};
    Step step;
    step.alias = alias;
    step.type = type;
    step.negate = get(settings, "negate") == "true";
    std::string predicateAlias = get(settings, "predicate");
    if (!predicateAlias.empty()) {
      auto it = predicates.find(predicateAlias);
      if (it == predicates.end())
        return Error{"Invalid value " + predicateAlias + " for configuration transforms." + alias + ".predicate: no predicate with that alias in 'predicates'"};
      auto predicate = makePredicate(it->second.first, subConfig(it->second.second, ""));
      if (!predicate.ok()) return Error{"predicate " + predicateAlias + ": " + predicate.error()};
      step.predicate = std::move(predicate.value());
    }
    settings.erase("type");
    settings.erase("predicate");
    settings.erase("negate");
    auto validated = validateConfig(plugin->config, settings);
    if (validated.errorCount() > 0) return Error{"transform " + alias + ": " + validated.allErrors().front()};
    auto instance = PluginInstance::create(plugin, validated.effective);
    if (!instance.ok()) return Error{"transform " + alias + ": " + instance.error()};
    step.instance = std::move(instance.value());
    chain->steps_.push_back(std::move(step));
    chain->scratch_.push_back(std::make_unique<RecordBatch>());
  }
  return chain;
}

Result<bool> TransformChain::start() {
  for (auto& s : steps_)
    if (s.instance->start() != SLUICE_OK) return Error{s.instance->error()};
  return true;
}

void TransformChain::stop() {
  stopping_ = true;
  for (auto& s : steps_) s.instance->stop();
}

Result<bool> TransformChain::applyWithRetry(Step& step, const sluice_record& record, RecordBatch& target) {
  const size_t mark = target.size();
  auto outcome = retry_->execute([&] {
    target.truncate(mark);  // a failed attempt leaves nothing behind
    return step.instance->apply(record, target);
  });
  if (outcome.status == SLUICE_OK) return true;
  target.truncate(mark);
  lastFailedType_ = step.type;
  std::string attempts = outcome.attempts > 1
                             ? " (failed " + std::to_string(outcome.attempts) + " attempts in " + std::to_string(outcome.elapsedMs) + " ms)"
                             : "";
  return Error{"transform " + step.alias + ": " + step.instance->error() + attempts};
}

Result<bool> TransformChain::runFrom(size_t i, const sluice_record& record, RecordBatch& out) {
  if (i == steps_.size()) {
    out.add(record);
    return true;
  }
  Step& step = steps_[i];
  if (step.predicate && step.predicate->test(record) == step.negate) return runFrom(i + 1, record, out);
  // The last step writes straight into `out`; earlier ones into their own scratch batch.
  RecordBatch& target = i + 1 == steps_.size() ? out : *scratch_[i];
  if (&target != &out) target.clear();
  auto applied = applyWithRetry(step, record, target);
  if (!applied.ok()) return applied;
  if (&target == &out) return true;
  for (const auto& r : target.records()) {
    auto next = runFrom(i + 1, r, out);
    if (!next.ok()) return next;
  }
  return true;
}

Result<bool> TransformChain::apply(const sluice_record& record, RecordBatch& out) { return runFrom(0, record, out); }

Result<bool> TransformChain::tick(int64_t nowMs, RecordBatch& out) {
  for (size_t i = 0; i < steps_.size(); ++i) {
    if (!steps_[i].instance->hasTick()) continue;
    tickScratch_.clear();
    if (steps_[i].instance->tick(nowMs, tickScratch_) != SLUICE_OK) {
      lastFailedType_ = steps_[i].type;
      return Error{"transform " + steps_[i].alias + ": " + steps_[i].instance->error()};
    }
    // Copy out before running later steps: they may reuse their scratch batches.
    RecordBatch emitted;
    for (const auto& r : tickScratch_.records()) emitted.add(r);
    for (const auto& r : emitted.records()) {
      auto next = runFrom(i + 1, r, out);
      if (!next.ok()) return next;
    }
  }
  return true;
}

int64_t TransformChain::heldOffset(const std::string& topic, int32_t partition) {
  int64_t lowest = -1;
  for (auto& s : steps_) {
    int64_t held = s.instance->heldOffset(topic, partition);
    if (held >= 0 && (lowest < 0 || held < lowest)) lowest = held;
  }
  return lowest;
}

}  // namespace sluice
