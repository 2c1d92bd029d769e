#pragma once
// What the REST handlers share: the herder, the plugin registry, the worker config and the
// server's readiness (GET /health answers 503 until startup has finished).
#include <atomic>
#include <string>

#include "config/worker_config.hpp"
#include "plugin/plugin_registry.hpp"
#include "runtime/herder.hpp"

namespace sluice {

class Router;

struct RestContext {
  Herder& herder;
  PluginRegistry& registry;
  const WorkerConfig& worker;
  std::string kafkaClusterId;
  std::atomic<bool> ready{false};
};

// One per Connect resource (rest/<resource>_handler.cpp).
void addRootRoutes(Router& router, RestContext& ctx);
void addConnectorsRoutes(Router& router, RestContext& ctx);
void addConnectorPluginsRoutes(Router& router, RestContext& ctx);
void addLoggersRoutes(Router& router, RestContext& ctx);

}  // namespace sluice
