// /connector-plugins as Connect's ConnectorPluginsResource: the registry's plugins mapped to
// Connect types (source, sink, transformation) plus the built-in predicates and converters.
#include <algorithm>

#include "rest/json_dto.hpp"
#include "rest/rest_context.hpp"
#include "rest/router.hpp"
#include "runtime/builtin_plugins.hpp"

namespace sluice {

namespace {

const char* connectType(sluice_kind kind) {
  switch (kind) {
    case SLUICE_KIND_SOURCE:
      return "source";
    case SLUICE_KIND_SINK:
      return "sink";
    default:
      return "transformation";
  }
}

// Connect's normalizedPluginName: a trailing "Connector" does not count.
std::string normalized(std::string name) {
  const std::string suffix = "Connector";
  if (name.size() > suffix.size() && name.ends_with(suffix)) name.resize(name.size() - suffix.size());
  return name;
}

// Connect clients expect Java class names: the plugin's fully-qualified alias when it has one
// (e.g. org.apache.kafka.connect.file.FileStreamSinkConnector), else its native name.
std::string connectClass(const PluginDescriptor& p) {
  for (const auto& a : p.aliases)
    if (a.find('.') != std::string::npos) return a;
  return p.name;
}

}  // namespace

void addConnectorPluginsRoutes(Router& router, RestContext& ctx) {
  router.add("GET", "/connector-plugins", [&ctx](const httplib::Request& req, httplib::Response& res, const PathParams&) {
    bool connectorsOnly = true;
    if (req.has_param("connectorsOnly")) {
      std::string v = req.get_param_value("connectorsOnly");
      for (auto& ch : v) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      connectorsOnly = v != "false";
    }
    // Connect's order: sinks, sources, transformations, predicates, converters, header converters.
    const std::vector<std::string> order = {"sink", "source", "transformation", "predicate", "converter", "header_converter"};
    std::vector<std::tuple<size_t, std::string, nlohmann::json>> rows;
    auto rank = [&](const std::string& t) { return static_cast<size_t>(std::find(order.begin(), order.end(), t) - order.begin()); };
    for (const auto& p : ctx.registry.plugins()) {
      std::string type = connectType(p->kind);
      if (connectorsOnly && type == "transformation") continue;
      nlohmann::json row = {{"class", connectClass(*p)}, {"type", type}};
      if (!p->version.empty() && p->version != "undefined") row["version"] = p->version;
      rows.emplace_back(rank(type), connectClass(*p), row);
    }
    if (!connectorsOnly)
      for (const auto& b : builtinPlugins())
        rows.emplace_back(rank(b.type), b.className,
                          nlohmann::json{{"class", b.className}, {"type", b.type}, {"version", kBuiltinVersion}});
    std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
      return std::tie(std::get<0>(a), std::get<1>(a)) < std::tie(std::get<0>(b), std::get<1>(b));
    });
    nlohmann::json out = nlohmann::json::array();
    for (auto& r : rows) out.push_back(std::get<2>(r));
    sendJson(res, 200, out);
  });

  router.add("GET", "/connector-plugins/([^/]+)/config",
             [&ctx](const httplib::Request&, httplib::Response& res, const PathParams& m) {
               std::string name = m[1];
               std::vector<ConfigKey> keys;
               if (auto p = ctx.registry.find(name)) {
                 keys = p->kind == SLUICE_KIND_TRANSFORM ? p->config : connectorPluginConfigKeys(*p);
               } else if (const BuiltinPlugin* b = findBuiltin(name)) {
                 keys = b->config;
               } else {
                 throw HerderError(404, "Unknown plugin " + name + ".");
               }
               nlohmann::json out = nlohmann::json::array();
               for (const auto& k : keys) out.push_back(configKeyJson(k));
               sendJson(res, 200, out);
             });

  router.add(
      "PUT", "/connector-plugins/([^/]+)/config/validate",
      [&ctx](const httplib::Request& req, httplib::Response& res, const PathParams& m) {
        std::string type = m[1];
        std::set<std::string> nullKeys;
        auto config = flatConfig(parseBody(req), nullKeys);
        auto cls = config.find("connector.class");
        if (cls != config.end()) {
          bool sameByName = normalized(cls->second).ends_with(normalized(type));
          auto a = ctx.registry.find(cls->second), b = ctx.registry.find(type);
          bool samePlugin = a && a == b;  // aliases of one plugin need not share a suffix
          if (!sameByName && !samePlugin)
            throw HerderError(400, "Included connector type " + cls->second + " does not match request type " + type);
        }
        auto v = ctx.herder.validate(config, nullKeys);
        if (v.failure) throw HerderError(v.failure->status, v.failure->message);
        sendJson(res, 200, toJson(v.infos));
      },
      true);
}

}  // namespace sluice
