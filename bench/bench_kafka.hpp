#pragma once
// Kafka rows: the worker's pipelines against raw librdkafka clients, side by side on one embedded
// (mock) cluster, plus file-source -> Kafka.
#include <vector>

#include "bench_table.hpp"

namespace sluice::bench {

struct KafkaSizes {
  long producerRecords = 100000;   // row 1
  long aggregateRecords = 60000;   // row 2 (the mock keeps ~5 MB, about 7,000 of these records, per partition)
  long fileLines = 1000000;        // row 6
  int runs = 5;
};

// Row 1: worker (datagen -> kafka-sink Pipeline) / raw producer, as a ratio per run.
std::vector<Row> benchProducerCeiling(const KafkaSizes& sizes);
// Row 2: kafka-source -> windowed-aggregate -> kafka-sink input records/s, and its ratio to a raw consumer.
std::vector<Row> benchWindowedAggregate(const KafkaSizes& sizes);
// Row 6: file-source -> kafka-sink records/s for a file of sizes.fileLines lines.
std::vector<Row> benchFileSource(const KafkaSizes& sizes);

}  // namespace sluice::bench
