#pragma once
// The partition the Java producer's default partitioner picks for a keyed record:
// toPositive(murmur2(keyBytes)) % numPartitions (Kafka's BuiltInPartitioner / Utils.murmur2).
// Connect's internal topics are written through that partitioner, so a record Sluice writes must
// land where a Java worker would put it and look for it. librdkafka's own default partitioner
// (consistent_random, CRC32) places keys elsewhere, hence this explicit port.
#include <cstdint>
#include <string_view>

namespace sluice {

// Kafka's Utils.murmur2: MurmurHash2, 32 bits, seed 0x9747b28c, as a signed Java int.
int32_t javaMurmur2(std::string_view bytes);
// Utils.toPositive(murmur2(key)) % partitions; partitions must be >= 1.
int32_t javaDefaultPartition(std::string_view key, int32_t partitions);

}  // namespace sluice
