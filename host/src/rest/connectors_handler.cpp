// /connectors/... as Connect's ConnectorsResource (StandaloneHerder semantics).
#include <sluice/text.hpp>

#include "rest/json_dto.hpp"
#include "rest/rest_context.hpp"
#include "rest/router.hpp"

namespace sluice {

namespace {

constexpr const char* kName = "([^/]+)";

std::string urlEncode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string location(const httplib::Request& req, const RestContext& ctx, const std::string& name) {
  std::string host = req.get_header_value("Host");
  if (host.empty()) host = ctx.herder.workerId();
  return "http://" + host + "/connectors/" + urlEncode(name);
}

bool boolParam(const httplib::Request& req, const std::string& key) {
  if (!req.has_param(key.c_str())) return false;
  std::string v = req.get_param_value(key.c_str());
  for (auto& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return v == "true";
}

void checkNameMatches(const std::map<std::string, std::string>& config, const std::string& name) {
  auto it = config.find("name");
  if (it != config.end() && it->second != name)
    throw HerderError(400, "Connector name configuration (" + quoteBounded(it->second) +
                               ") doesn't match connector name in the URL (" + quoteBounded(name) + ")");
}

// Each task is a few threads: one request with tasks.max=4000 made thousands and stalled the worker.
// A value that is not a number is left to the connector's config validation.
void checkTasksMax(const RestContext& ctx, const std::optional<std::string>& value) {
  if (!value) return;
  long long requested = 0;
  try {
    size_t used = 0;
    requested = std::stoll(*value, &used);
    if (used != value->size()) return;
  } catch (const std::exception&) {
    return;
  }
  long long limit = ctx.worker.getLong("tasks.max.limit", 1000);
  if (requested > limit)
    throw HerderError(400, "tasks.max (" + std::to_string(requested) + ") is above this worker's tasks.max.limit (" +
                               std::to_string(limit) + ")");
}

std::optional<std::string> tasksMaxOf(const std::map<std::string, std::string>& config) {
  auto it = config.find("tasks.max");
  return it == config.end() ? std::nullopt : std::optional<std::string>(it->second);
}

nlohmann::json infoJson(RestContext& ctx, const std::string& name) { return toJson(ctx.herder.info(name)); }

}  // namespace

void addConnectorsRoutes(Router& router, RestContext& ctx) {
  Herder& h = ctx.herder;
  const std::string c = std::string("/connectors/") + kName;

  router.add("GET", "/connectors", [&ctx, &h](const httplib::Request& req, httplib::Response& res, const PathParams&) {
    auto names = h.connectorNames();
    size_t n = req.get_param_value_count("expand");
    if (n == 0) return sendJson(res, 200, names);
    bool status = false, info = false;
    for (size_t i = 0; i < n; ++i) {  // repeated expand=; a comma list is one unknown value, as in Connect
      std::string e = req.get_param_value("expand", i);
      status |= e == "status";
      info |= e == "info";
    }
    nlohmann::json out = nlohmann::json::object();
    for (const auto& name : names) {
      nlohmann::json entry = nlohmann::json::object();
      try {
        if (status) {
          auto s = h.status(name);
          if (!s) continue;  // no status yet: left out, as Connect
          entry["status"] = toJson(*s, h.workerId());
        }
        if (info) entry["info"] = infoJson(ctx, name);
      } catch (const HerderError&) {
        continue;  // deleted meanwhile
      }
      out[name] = entry;
    }
    sendJson(res, 200, out);
  });

  router.add(
      "POST", "/connectors",
      [&ctx, &h](const httplib::Request& req, httplib::Response& res, const PathParams&) {
        auto body = parseBody(req);
        if (!body.is_object()) throw HerderError(400, "The request body must be a JSON object");
        std::string name = body.contains("name") && body["name"].is_string() ? trim(body["name"].get<std::string>()) : "";
        if (!body.contains("config") || !body["config"].is_object())
          throw HerderError(400, "The request body must contain a 'config' object (the connector's settings)");
        std::set<std::string> nullKeys;
        auto config = flatConfig(body["config"], nullKeys);
        checkNameMatches(config, name);
        checkTasksMax(ctx, tasksMaxOf(config));
        config["name"] = name;
        std::optional<TargetState> initial;
        if (body.contains("initial_state") && !body["initial_state"].is_null()) {
          TargetState t;
          // Connect's values are RUNNING, PAUSED, STOPPED (case-insensitive); STARTED is not one of them.
          bool valid = body["initial_state"].is_string() && parseTargetState(body["initial_state"].get<std::string>(), t);
          std::string upper = body["initial_state"].is_string() ? body["initial_state"].get<std::string>() : "";
          for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
          if (!valid || upper == "STARTED")
            throw HerderError(400, "Invalid initial_state " + quoteBounded(body["initial_state"]) +
                                       "; valid values are RUNNING, PAUSED and STOPPED");
          initial = t;
        }
        h.putConnector(name, config, nullKeys, initial, false);
        res.set_header("Location", location(req, ctx, name));
        sendJson(res, 201, infoJson(ctx, name));
      },
      true);

  router.add("GET", c, [&ctx](const httplib::Request&, httplib::Response& res, const PathParams& m) {
    sendJson(res, 200, infoJson(ctx, m[1]));
  });
  router.add("DELETE", c, [&h](const httplib::Request&, httplib::Response& res, const PathParams& m) {
    h.deleteConnector(m[1]);
    sendEmpty(res, 204);
  });

  router.add("GET", c + "/config", [&h](const httplib::Request&, httplib::Response& res, const PathParams& m) {
    sendJson(res, 200, h.config(m[1]));
  });
  router.add(
      "PUT", c + "/config",
      [&ctx, &h](const httplib::Request& req, httplib::Response& res, const PathParams& m) {
        std::string name = m[1];
        std::set<std::string> nullKeys;
        auto config = flatConfig(parseBody(req), nullKeys);
        checkNameMatches(config, name);
        checkTasksMax(ctx, tasksMaxOf(config));
        config["name"] = name;
        bool created = h.putConnector(name, config, nullKeys, std::nullopt, true);
        if (created) res.set_header("Location", location(req, ctx, name));
        sendJson(res, created ? 201 : 200, infoJson(ctx, name));
      },
      true);
  router.add(
      "PATCH", c + "/config",
      [&ctx, &h](const httplib::Request& req, httplib::Response& res, const PathParams& m) {
        std::string name = m[1];
        auto patch = flatPatch(parseBody(req));
        if (auto it = patch.find("tasks.max"); it != patch.end()) checkTasksMax(ctx, it->second);
        h.patchConnector(name, patch);
        sendJson(res, 200, infoJson(ctx, name));
      },
      true);

  router.add("GET", c + "/status", [&h](const httplib::Request&, httplib::Response& res, const PathParams& m) {
    auto s = h.status(m[1]);
    if (!s) throw HerderError(404, "No status found for connector " + std::string(m[1]));
    sendJson(res, 200, toJson(*s, h.workerId()));
  });
  router.add("GET", c + "/tasks", [&h](const httplib::Request&, httplib::Response& res, const PathParams& m) {
    std::string name = m[1];
    nlohmann::json out = nlohmann::json::array();
    for (const auto& t : h.taskConfigs(name))
      out.push_back({{"id", {{"connector", name}, {"task", t.id}}}, {"config", t.config}});
    sendJson(res, 200, out);
  });
  router.add("GET", c + "/tasks-config", [&h](const httplib::Request&, httplib::Response& res, const PathParams& m) {
    std::string name = m[1];
    nlohmann::json out = nlohmann::json::object();
    for (const auto& t : h.taskConfigs(name)) out[name + "-" + std::to_string(t.id)] = t.config;
    sendJson(res, 200, out);
  });
  router.add("GET", c + "/tasks/([0-9]+)/status",
             [&h](const httplib::Request&, httplib::Response& res, const PathParams& m) {
               std::string name = m[1];
               auto notFound = HerderError(404, "No status found for task " + name + "-" + std::string(m[2]));
               auto s = h.status(name);
               if (!s) throw notFound;
               int id = 0;
               try {
                 id = std::stoi(m[2]);
               } catch (const std::exception&) {
                 throw notFound;
               }
               for (const auto& t : s->tasks)
                 if (t.id == id) return sendJson(res, 200, taskStateJson(t, h.workerId()));
               throw notFound;
             });

  router.add("POST", c + "/restart", [&h](const httplib::Request& req, httplib::Response& res, const PathParams& m) {
    bool includeTasks = boolParam(req, "includeTasks"), onlyFailed = boolParam(req, "onlyFailed");
    if (!includeTasks && !onlyFailed) {
      h.restartConnector(m[1]);
      return sendEmpty(res, 204);
    }
    sendJson(res, 202, toJson(h.restart(m[1], includeTasks, onlyFailed), h.workerId()));
  });
  router.add("POST", c + "/tasks/([0-9]+)/restart",
             [&h](const httplib::Request&, httplib::Response& res, const PathParams& m) {
               std::string name = m[1];
               int id = -1;
               try {
                 id = std::stoi(m[2]);
               } catch (const std::exception&) {
                 throw HerderError(404, "Task " + name + "-" + std::string(m[2]) + " not found");
               }
               h.restartTask(name, id);
               sendEmpty(res, 204);
             });

  router.add("PUT", c + "/pause", [&h](const httplib::Request&, httplib::Response& res, const PathParams& m) {
    h.pause(m[1]);
    sendEmpty(res, 202);
  });
  router.add("PUT", c + "/resume", [&h](const httplib::Request&, httplib::Response& res, const PathParams& m) {
    h.resume(m[1]);
    sendEmpty(res, 202);
  });
  router.add("PUT", c + "/stop", [&h](const httplib::Request&, httplib::Response& res, const PathParams& m) {
    h.stop(m[1]);
    sendEmpty(res, 204);
  });

  router.add("GET", c + "/topics", [&ctx, &h](const httplib::Request&, httplib::Response& res, const PathParams& m) {
    if (!ctx.worker.getBool("topic.tracking.enable", true)) throw HerderError(403, "Topic tracking is disabled.");
    std::string name = m[1];
    sendJson(res, 200, {{name, {{"topics", h.activeTopics(name)}}}});
  });
  router.add("PUT", c + "/topics/reset", [&ctx, &h](const httplib::Request&, httplib::Response& res, const PathParams& m) {
    if (!ctx.worker.getBool("topic.tracking.enable", true)) throw HerderError(403, "Topic tracking is disabled.");
    if (!ctx.worker.getBool("topic.tracking.allow.reset", true)) throw HerderError(403, "Topic tracking reset is disabled.");
    h.resetActiveTopics(m[1]);
    sendEmpty(res, 202);
  });

  router.add("GET", c + "/offsets", [&h](const httplib::Request&, httplib::Response& res, const PathParams& m) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& e : h.offsets(m[1])) list.push_back({{"partition", e.partition}, {"offset", e.offset}});
    sendJson(res, 200, {{"offsets", list}});
  });
  router.add(
      "PATCH", c + "/offsets",
      [&h](const httplib::Request& req, httplib::Response& res, const PathParams& m) {
        std::string name = m[1];
        auto body = parseBody(req);
        h.config(name);  // 404 before the body checks, as Connect
        h.alterOffsets(name, offsetEntries(body));
        // Plugins have no alterOffsets hook, so the framework-managed wording is the accurate one.
        sendJson(res, 200,
                 {{"message",
                   "The Connect framework-managed offsets for this connector have been altered successfully. However, if "
                   "this connector manages offsets externally, they will need to be manually altered in the system that "
                   "the connector uses."}});
      },
      true);
  router.add("DELETE", c + "/offsets", [&h](const httplib::Request&, httplib::Response& res, const PathParams& m) {
    h.resetOffsets(m[1]);
    sendJson(res, 200,
             {{"message",
               "The Connect framework-managed offsets for this connector have been reset successfully. However, if this "
               "connector manages offsets externally, they will need to be manually reset in the system that the "
               "connector uses."}});
  });
}

}  // namespace sluice
