// Fuzzes datagen's Avro schema parser (schema.string / schema.filename) and the generator it compiles:
// a bad schema must be refused with a message (the plugin turns any exception into a config error),
// and an accepted one must generate records without crashing or hanging.
#include <cstdint>
#include <stdexcept>
#include <string_view>

#include "avro_generator.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view schema(reinterpret_cast<const char*>(data), size);
  try {
    sluice::datagen::AvroGenerator generator(schema);
    if (!generator.fieldNames().empty()) generator.setKeyField(generator.fieldNames().front());
    generator.setGeneration(static_cast<int64_t>(size));
    sluice::datagen::JavaRandom rng(static_cast<int64_t>(size));
    sluice::datagen::GeneratedRecord record;
    for (int i = 0; i < 4; ++i) generator.next(rng, record);
  } catch (const std::exception&) {
    // Refused: makeGenerator reports the message as the connector's config error.
  }
  return 0;
}
