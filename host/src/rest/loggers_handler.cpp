// /admin/loggers as Connect's LoggingResource, over spdlog: every sluice::logger(name) is a logger;
// "root" is spdlog's global level (it applies to every logger without a level of its own).
#include <chrono>
#include <map>
#include <mutex>
#include <optional>

#include "common/log_level.hpp"
#include "common/logging.hpp"
#include "rest/json_dto.hpp"
#include "rest/rest_context.hpp"
#include "rest/router.hpp"

namespace sluice {

namespace {

// Naming a logger creates it (as log4j does), and each lives as long as the worker: without a bound,
// PUT /admin/loggers/<any new name> grows the worker's memory forever.
constexpr size_t kMaxLoggersCreatedByApi = 1000;

struct LevelState {
  std::mutex mutex;
  size_t createdByApi = 0;
  std::map<std::string, int64_t> lastModified;  // loggers whose level was set through the API
  std::optional<int64_t> rootModified;
};

LevelState& levels() {
  static LevelState state;
  return state;
}

const char* levelName(spdlog::level::level_enum l) {
  switch (l) {
    case spdlog::level::trace:
      return "TRACE";
    case spdlog::level::debug:
      return "DEBUG";
    case spdlog::level::info:
      return "INFO";
    case spdlog::level::warn:
      return "WARN";
    case spdlog::level::err:
      return "ERROR";
    case spdlog::level::critical:
      return "FATAL";
    default:
      return "OFF";
  }
}

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::map<std::string, std::shared_ptr<spdlog::logger>> allLoggers() {
  std::map<std::string, std::shared_ptr<spdlog::logger>> out;
  spdlog::apply_all([&](std::shared_ptr<spdlog::logger> l) {
    if (!l->name().empty()) out[l->name()] = l;
  });
  return out;
}

bool isRoot(std::string name) {
  for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name == "root";
}

nlohmann::json levelJson(const std::string& level, std::optional<int64_t> modified) {
  return {{"level", level}, {"last_modified", modified ? nlohmann::json(*modified) : nlohmann::json(nullptr)}};
}

}  // namespace

void addLoggersRoutes(Router& router, RestContext&) {
  router.add("GET", "/admin/loggers", [](const httplib::Request&, httplib::Response& res, const PathParams&) {
    auto& st = levels();
    std::lock_guard<std::mutex> lock(st.mutex);
    nlohmann::json out = nlohmann::json::object();
    // Every logger the worker created is listed (not only explicitly set ones), so names are discoverable.
    for (const auto& [name, l] : allLoggers()) {
      auto it = st.lastModified.find(name);
      out[name] = levelJson(levelName(l->level()), it == st.lastModified.end() ? std::nullopt : std::optional(it->second));
    }
    out["root"] = levelJson(levelName(spdlog::get_level()), st.rootModified);
    sendJson(res, 200, out);
  });

  router.add("GET", "/admin/loggers/(.+)", [](const httplib::Request&, httplib::Response& res, const PathParams& m) {
    std::string name = m[1];
    auto& st = levels();
    std::lock_guard<std::mutex> lock(st.mutex);
    if (isRoot(name)) return sendJson(res, 200, levelJson(levelName(spdlog::get_level()), st.rootModified));
    auto l = spdlog::get(name);
    if (!l) throw HerderError(404, "Logger " + name + " not found.");
    auto it = st.lastModified.find(name);
    sendJson(res, 200, levelJson(levelName(l->level()), it == st.lastModified.end() ? std::nullopt : std::optional(it->second)));
  });

  router.add(
      "PUT", "/admin/loggers/(.+)",
      [](const httplib::Request& req, httplib::Response& res, const PathParams& m) {
        std::string name = m[1];
        auto body = parseBody(req);
        if (!body.is_object() || !body.contains("level") || !body["level"].is_string())
          throw HerderError(400, "Desired 'level' parameter was not specified in request.");
        std::string text = body["level"].get<std::string>();
        auto level = parseLogLevel(text);  // the same names log.level takes
        if (!level) throw HerderError(404, "invalid log level '" + text + "'.");  // Connect's quirk (LoggingResource)
        bool cluster = req.has_param("scope") && req.get_param_value("scope") == "cluster";
        auto& st = levels();
        std::vector<std::string> affected;
        {
          std::lock_guard<std::mutex> lock(st.mutex);
          if (isRoot(name)) {
            if (spdlog::get_level() != *level) st.rootModified = nowMs();
            auto explicitLevels = st.lastModified;
            std::map<std::string, spdlog::level::level_enum> keep;
            for (const auto& [n, l] : allLoggers())
              if (explicitLevels.count(n)) keep[n] = l->level();
            spdlog::set_level(*level);  // sets every logger; the explicitly set ones get theirs back
            for (const auto& [n, lv] : keep)
              if (auto l = spdlog::get(n)) l->set_level(lv);
            for (const auto& [n, _] : allLoggers()) affected.push_back(n);
            affected.push_back("root");
          } else {
            if (!spdlog::get(name)) {
              if (st.createdByApi >= kMaxLoggersCreatedByApi)
                throw HerderError(400, "Logger " + quoteBounded(name) + " does not exist, and " +
                                           std::to_string(kMaxLoggersCreatedByApi) +
                                           " loggers were already created through this API; set the level of an "
                                           "existing logger or of a common prefix");
              ++st.createdByApi;
            }
            logger(name);  // as log4j, naming a logger creates it
            for (const auto& [n, l] : allLoggers()) {
              if (n != name && n.rfind(name + ".", 0) != 0) continue;
              if (l->level() != *level) st.lastModified[n] = nowMs();  // stays null when nothing changed
              l->set_level(*level);
              affected.push_back(n);
            }
          }
        }
        if (cluster) return sendEmpty(res, 204);
        std::sort(affected.begin(), affected.end());
        sendJson(res, 200, affected);
      },
      true);
}

}  // namespace sluice
