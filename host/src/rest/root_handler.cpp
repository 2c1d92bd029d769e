// GET / (ServerInfo) and GET /health (KIP-1017), as Connect's RootResource.
#include "common/version.hpp"
#include "rest/json_dto.hpp"
#include "rest/rest_context.hpp"
#include "rest/router.hpp"

namespace sluice {

// The Kafka version Sluice's REST API behaves as; clients parse it.
inline constexpr const char* kConnectVersion = "3.9.0";

void addRootRoutes(Router& router, RestContext& ctx) {
  router.add("GET", "/", [&ctx](const httplib::Request&, httplib::Response& res, const PathParams&) {
    std::string commit = kCommit;
    sendJson(res, 200, {{"version", kConnectVersion}, {"commit", commit.empty() ? "unknown" : commit},
                        {"kafka_cluster_id", ctx.kafkaClusterId}});
  });
  router.add("GET", "/health", [&ctx](const httplib::Request&, httplib::Response& res, const PathParams&) {
    if (!ctx.ready) return sendJson(res, 503, {{"status", "starting"}, {"message", "Worker is still starting up."}});
    sendJson(res, 200, {{"status", "healthy"},
                        {"message", "Worker has completed startup and is ready to handle requests."}});
  });
}

}  // namespace sluice
