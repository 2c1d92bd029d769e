// GET / (ServerInfo) and GET /health (KIP-1017), as Connect's RootResource.
#include <string>
#include <vector>

#include "common/version.hpp"
#include "rest/json_dto.hpp"
#include "rest/rest_context.hpp"
#include "rest/router.hpp"

namespace sluice {

// The Kafka version Sluice's REST API behaves as; clients parse it.
inline constexpr const char* kConnectVersion = "3.9.0";

namespace {

// "connector c task 0: <trace>" for every RUNNING task that carries a trace: the tasks whose source
// or sink reported it cannot reach its outside system (see TaskRunner).
std::vector<std::string> degradedTasks(const Herder& herder) {
  std::vector<std::string> out;
  for (const auto& name : herder.connectorNames()) {
    auto status = herder.status(name);
    if (!status) continue;
    for (const auto& task : status->tasks)
      if (task.state == "RUNNING" && !task.trace.empty())
        out.push_back("connector " + name + " task " + std::to_string(task.id) + ": " + task.trace);
  }
  return out;
}

}  // namespace

void addRootRoutes(Router& router, RestContext& ctx) {
  router.add("GET", "/", [&ctx](const httplib::Request&, httplib::Response& res, const PathParams&) {
    std::string commit = kCommit;
    sendJson(res, 200, {{"version", kConnectVersion}, {"commit", commit.empty() ? "unknown" : commit},
                        {"kafka_cluster_id", ctx.kafkaClusterId}});
  });
  router.add("GET", "/health", [&ctx](const httplib::Request&, httplib::Response& res, const PathParams&) {
    if (!ctx.ready) return sendJson(res, 503, {{"status", "starting"}, {"message", "Worker is still starting up."}});
    // Connect answers 500 {"status":"unhealthy"} when the worker cannot do its work; here, when a
    // task cannot reach the brokers (or whatever its source or sink talks to).
    if (auto degraded = degradedTasks(ctx.herder); !degraded.empty()) {
      std::string message = "Worker is up, but " + std::to_string(degraded.size()) + " task(s) cannot reach their outside systems: ";
      for (size_t i = 0; i < degraded.size(); ++i) message += (i ? "; " : "") + degraded[i];
      return sendJson(res, 500, {{"status", "unhealthy"}, {"message", message}});
    }
    sendJson(res, 200, {{"status", "healthy"},
                        {"message", "Worker has completed startup and is ready to handle requests."}});
  });
}

}  // namespace sluice
