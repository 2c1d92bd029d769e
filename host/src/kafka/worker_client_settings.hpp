#pragma once
// The Kafka client settings of the clients the worker makes itself, as Kafka Connect's Worker builds
// them: an admin client gets the worker's top-level client settings (security.protocol, sasl.*,
// ssl.*), then `admin.*` over them; a producer gets `producer.*` and a consumer `consumer.*` only
// (Connect does not give connector clients the top-level settings). Java's security keys are
// translated to librdkafka's by sluice_kafka/client_security.hpp.
#include <librdkafka/rdkafka.h>

#include <sluice_kafka/client_security.hpp>
#include <string>

#include "common/result.hpp"
#include "config/worker_config.hpp"

namespace sluice {

enum class WorkerClient { Admin, Producer, Consumer };

// The top-level worker keys an admin client inherits: those the Kafka clients define for security.
const std::vector<std::string>& inheritedClientSecurityKeys();

// The settings in Java's spelling, unprefixed, in the order they apply.
kafka::ClientSettings workerClientSettings(const WorkerConfig& worker, WorkerClient client);

// Sets them on conf (translated); the error names the key as the worker config spells it and
// never quotes a secret.
Result<bool> applyWorkerClientSettings(rd_kafka_conf_t* conf, const WorkerConfig& worker, WorkerClient client);

}  // namespace sluice
