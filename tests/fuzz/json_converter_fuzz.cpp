// Fuzzes JsonConverter in both directions, with and without schemas.enable: towards Kafka any bytes a
// source or transform emits, from Kafka any bytes a topic holds. Bad data must come back as kFailed
// with a message, never as a crash or an exception.
#include <cstdint>
#include <memory>
#include <string>

#include "runtime/converters.hpp"

namespace {

sluice::Converter& converter(bool schemas) {
  static auto make = [](const char* enabled) {
    auto made = sluice::makeConverter("org.apache.kafka.connect.json.JsonConverter", {{"schemas.enable", enabled}});
    if (!made) __builtin_trap();  // the converter's own name must resolve
    return std::move(*made);
  };
  static std::unique_ptr<sluice::Converter> withSchemas = make("true");
  static std::unique_ptr<sluice::Converter> withoutSchemas = make("false");
  return schemas ? *withSchemas : *withoutSchemas;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  for (bool schemas : {false, true}) {
    sluice_bytes in{size == 0 ? reinterpret_cast<const uint8_t*>("") : data, size};
    std::string out, error;
    converter(schemas).toKafka(in, out, error);
    out.clear();
    error.clear();
    converter(schemas).fromKafka(in, out, error);
  }
  return 0;
}
