// Fuzzes the REST request bodies as the connector routes read them: POST /connectors
// ({"name":..,"config":{..}}), PUT and PATCH /connectors/{name}/config (a flat object) and
// PATCH /connectors/{name}/offsets. A client mistake must be a HerderError (a 4xx with Connect's
// error body, which must itself serialise); any other exception would be a 500, and a crash is a bug.
#include <cstdint>
#include <set>
#include <string>

#include "rest/json_dto.hpp"

namespace {

// What Router::dispatch does with a HerderError: write Connect's error body.
void answerError(const sluice::HerderError& e) {
  httplib::Response res;
  sluice::sendError(res, e.status(), e.what());
}

template <typename Parse>
void asRoute(Parse parse) {
  try {
    parse();
  } catch (const sluice::HerderError& e) {
    answerError(e);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  httplib::Request req;
  req.body.assign(reinterpret_cast<const char*>(data), size);
  req.set_header("Content-Type", "application/json");

  nlohmann::json body;
  try {
    body = sluice::parseBody(req);
  } catch (const sluice::HerderError& e) {
    answerError(e);
    return 0;
  }
  asRoute([&] {  // POST /connectors
    if (body.is_object() && body.contains("config") && body["config"].is_object()) {
      std::set<std::string> nullKeys;
      sluice::flatConfig(body["config"], nullKeys);
    }
  });
  asRoute([&] {  // PUT /connectors/{name}/config
    std::set<std::string> nullKeys;
    sluice::flatConfig(body, nullKeys);
  });
  asRoute([&] { sluice::flatPatch(body); });      // PATCH /connectors/{name}/config
  asRoute([&] { sluice::offsetEntries(body); });  // PATCH /connectors/{name}/offsets
  return 0;
}
