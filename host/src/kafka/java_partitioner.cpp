#include "kafka/java_partitioner.hpp"

namespace sluice {

// Kafka's Utils.murmur2, with Java's int arithmetic done in uint32_t (wrap-around is the same) and
// Java's >>> as the unsigned shift.
int32_t javaMurmur2(std::string_view bytes) {
  const uint32_t length = static_cast<uint32_t>(bytes.size());
  const uint32_t seed = 0x9747b28cU;
  const uint32_t m = 0x5bd1e995U;
  const int r = 24;
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());

  uint32_t h = seed ^ length;
  const uint32_t length4 = length / 4;
  for (uint32_t i = 0; i < length4; ++i) {
    const uint32_t i4 = i * 4;
    uint32_t k = uint32_t(data[i4]) | (uint32_t(data[i4 + 1]) << 8) | (uint32_t(data[i4 + 2]) << 16) |
                 (uint32_t(data[i4 + 3]) << 24);
    k *= m;
    k ^= k >> r;
    k *= m;
    h *= m;
    h ^= k;
  }
  // The last 1-3 bytes, falling through as Java's switch does.
  const uint32_t tail = length & ~3U;
  switch (length % 4) {
    case 3:
      h ^= uint32_t(data[tail + 2]) << 16;
      [[fallthrough]];
    case 2:
      h ^= uint32_t(data[tail + 1]) << 8;
      [[fallthrough]];
    case 1:
      h ^= uint32_t(data[tail]);
      h *= m;
  }
  h ^= h >> 13;
  h *= m;
  h ^= h >> 15;
  return static_cast<int32_t>(h);
}

int32_t javaDefaultPartition(std::string_view key, int32_t partitions) {
  // Utils.toPositive: clear the sign bit (not abs(), which would map MIN_VALUE to itself).
  const int32_t positive = javaMurmur2(key) & 0x7fffffff;
  return partitions < 1 ? 0 : positive % partitions;
}

}  // namespace sluice
