#include "kafka/worker_client_settings.hpp"

#include <cctype>

namespace sluice {

const std::vector<std::string>& inheritedClientSecurityKeys() {
  static const std::vector<std::string> keys = {
      "security.protocol",     "sasl.mechanism",      "sasl.jaas.config",          "sasl.kerberos.service.name",
      "ssl.keystore.type",     "ssl.keystore.location", "ssl.keystore.password",   "ssl.keystore.key",
      "ssl.keystore.certificate.chain", "ssl.key.password", "ssl.truststore.type", "ssl.truststore.location",
      "ssl.truststore.password", "ssl.truststore.certificates", "ssl.endpoint.identification.algorithm"};
  return keys;
}

namespace {

std::string prefixOf(WorkerClient client) {
  switch (client) {
    case WorkerClient::Admin: return "admin.";
    case WorkerClient::Producer: return "producer.";
    case WorkerClient::Consumer: return "consumer.";
  }
  return "admin.";
}

}  // namespace

kafka::ClientSettings workerClientSettings(const WorkerConfig& worker, WorkerClient client) {
  std::map<std::string, std::string> merged;
  if (client == WorkerClient::Admin) {
    // The top-level ssl.* keys also configure the https REST listener (as in Connect): they reach the
    // admin clients only when those speak TLS, so a REST keystore never breaks a PLAINTEXT cluster.
    std::string protocol = worker.get("admin.security.protocol", worker.get("security.protocol", "PLAINTEXT"));
    for (auto& c : protocol) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    bool tls = protocol == "SSL" || protocol == "SASL_SSL";
    for (const auto& key : inheritedClientSecurityKeys()) {
      if (!tls && key.rfind("ssl.", 0) == 0) continue;
      if (auto it = worker.values().find(key); it != worker.values().end()) merged[key] = it->second;
    }
  }
  for (const auto& [k, v] : worker.withPrefix(prefixOf(client))) merged[k] = v;
  return {merged.begin(), merged.end()};
}

Result<bool> applyWorkerClientSettings(rd_kafka_conf_t* conf, const WorkerConfig& worker, WorkerClient client) {
  std::string prefix = prefixOf(client);
  auto translated = kafka::translateClientSecurity(workerClientSettings(worker, client));
  if (!translated.ok()) {
    // An admin client's key may come from the top level or from admin.*: name the one the worker has.
    bool prefixed = worker.values().count(prefix + translated.errorKey) > 0;
    return Error{kafka::translationError(translated, prefixed ? prefix : "")};
  }
  std::string error = kafka::setTranslatedSettings(conf, translated.settings, prefix);
  if (!error.empty()) return Error{error};
  return true;
}

}  // namespace sluice
