#include "plugin/plugin_descriptor.hpp"

namespace sluice {

const char* kindName(sluice_kind kind) {
  switch (kind) {
    case SLUICE_KIND_SOURCE: return "source";
    case SLUICE_KIND_TRANSFORM: return "transform";
    case SLUICE_KIND_SINK: return "sink";
    default: return "unknown";
  }
}

const char* configTypeName(sluice_config_type type) {
  static constexpr const char* kNames[] = {"STRING", "INT", "SHORT", "LONG", "DOUBLE", "BOOLEAN", "LIST", "CLASS", "PASSWORD"};
  return type >= 0 && type <= SLUICE_CFG_PASSWORD ? kNames[type] : "STRING";
}

const char* importanceName(sluice_importance importance) {
  static constexpr const char* kNames[] = {"HIGH", "MEDIUM", "LOW"};
  return importance >= 0 && importance <= SLUICE_IMPORTANCE_LOW ? kNames[importance] : "MEDIUM";
}

}  // namespace sluice
