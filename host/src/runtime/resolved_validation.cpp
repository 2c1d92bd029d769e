#include "runtime/resolved_validation.hpp"

#include "config/config_providers.hpp"

namespace sluice {

namespace {

void replaceAll(std::string& text, const std::string& from, const std::string& to) {
  if (from.empty()) return;
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) text.replace(at, from.size(), to);
}

}  // namespace

ConnectorValidation validateWithProviders(const std::map<std::string, std::string>& config, const WorkerConfig& worker,
                                          const ConnectorValidator& validate) {
  auto providers = ConfigProviders::fromWorker(worker.values());
  if (!providers.ok()) return validate(config);  // the worker refused to start with such providers

  std::map<std::string, std::string> resolved = config, unresolvable;
  for (const auto& [key, value] : config) {
    if (!ConfigProviders::hasPlaceholder(value)) continue;
    auto one = providers->resolve({{key, value}});
    if (one.ok())
      resolved[key] = one->at(key);
    else
      unresolvable[key] = one.error();
  }
  ConnectorValidation v = validate(resolved);
  if (v.failure) return v;

  for (const auto& [key, value] : config) {
    if (!ConfigProviders::hasPlaceholder(value)) continue;
    const std::string& secret = resolved[key];
    bool secretIsText = secret != value;
    // A message quoting the value (its own, or another key's naming it) quotes the placeholder
    // instead; very short values are left alone rather than rewriting unrelated words.
    for (auto& entry : v.infos.configs) {
      if (entry.name == key) entry.value = value;
      if (secretIsText && (entry.name == key || secret.size() >= 4))
        for (auto& e : entry.errors) replaceAll(e, secret, value);
    }
    if (v.effective.count(key)) v.effective[key] = value;
  }
  for (const auto& [key, error] : unresolvable) {
    bool attached = false;
    for (auto& entry : v.infos.configs) {
      if (entry.name != key) continue;
      entry.errors.push_back(error);
      attached = true;
    }
    if (!attached) v.infos.configs.insert(v.infos.configs.begin(), ConfigEntry{std::nullopt, key, config.at(key), {}, {error}});
  }
  return v;
}

}  // namespace sluice
