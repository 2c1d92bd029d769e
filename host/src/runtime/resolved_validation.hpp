#pragma once
// Connector validation with KIP-297 placeholders: the config is validated as its tasks will see it
// (each `${provider:path:key}` resolved, as Connect's AbstractHerder does before validating), while the
// answer and the effective config keep the placeholders, so no secret reaches the REST answer or the
// stored config. A placeholder that does not resolve is an error on its key (400 on create).
#include <functional>
#include <map>
#include <string>

#include "config/worker_config.hpp"
#include "runtime/connector_config.hpp"

namespace sluice {

using ConnectorValidator = std::function<ConnectorValidation(const std::map<std::string, std::string>&)>;

ConnectorValidation validateWithProviders(const std::map<std::string, std::string>& config, const WorkerConfig& worker,
                                          const ConnectorValidator& validate);

}  // namespace sluice
