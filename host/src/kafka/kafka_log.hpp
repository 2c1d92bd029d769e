#pragma once
// Every librdkafka client the host itself creates logs through the worker's "sluice.kafka" logger,
// once per line, naming the client: without a log callback librdkafka prints its lines raw to
// stderr ("%3|...|FAIL|rdkafka#producer-3|...").
#include <librdkafka/rdkafka.h>

namespace sluice {

// Installs the callback on conf, before rd_kafka_new. The client is named in each line by
// rd_kafka_name(): its client.id and instance, e.g. "sluice-group-offsets#producer-2".
void routeKafkaLogs(rd_kafka_conf_t* conf);

}  // namespace sluice
