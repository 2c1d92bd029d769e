#include "config/worker_keys.hpp"

#include <algorithm>
#include <cctype>
#include <limits>
#include <sstream>

#include "common/log_level.hpp"
#include "config/client_override_policy.hpp"
#include "config/listeners.hpp"

namespace sluice {

namespace {

constexpr int64_t kIntMax = std::numeric_limits<int32_t>::max();
constexpr int64_t kLongMax = std::numeric_limits<int64_t>::max();

WorkerKey text(std::string name, std::string def, std::string doc) {
  return {std::move(name), WorkerKeyType::String, std::move(def), 0, 0, std::move(doc)};
}
WorkerKey list(std::string name, std::string def, std::string doc) {
  return {std::move(name), WorkerKeyType::List, std::move(def), 0, 0, std::move(doc)};
}
WorkerKey integer(std::string name, std::string def, int64_t min, int64_t max, std::string doc) {
  return {std::move(name), WorkerKeyType::Int, std::move(def), min, max, std::move(doc)};
}
WorkerKey longInt(std::string name, std::string def, int64_t min, int64_t max, std::string doc) {
  return {std::move(name), WorkerKeyType::Long, std::move(def), min, max, std::move(doc)};
}
WorkerKey boolean(std::string name, std::string def, std::string doc) {
  return {std::move(name), WorkerKeyType::Boolean, std::move(def), 0, 0, std::move(doc)};
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// A whole number in [min, max], written as Java's Integer/Long.parseLong reads it: an optional
// sign and digits only ("5000ms", "1e3", " 5" and "" are not numbers).
std::optional<int64_t> parseWhole(const std::string& s) {
  size_t digitsAt = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  if (digitsAt == s.size()) return std::nullopt;
  if (!std::all_of(s.begin() + static_cast<long>(digitsAt), s.end(), [](unsigned char c) { return std::isdigit(c); }))
    return std::nullopt;
  try {
    return std::stoll(s);
  } catch (const std::exception&) {
    return std::nullopt;  // out of long's range
  }
}

std::string typeName(WorkerKeyType type) {
  switch (type) {
    case WorkerKeyType::String: return "string";
    case WorkerKeyType::List: return "list";
    case WorkerKeyType::Int: return "int";
    case WorkerKeyType::Long: return "long";
    case WorkerKeyType::Boolean: return "boolean";
    case WorkerKeyType::LogLevel: return "log level";
    case WorkerKeyType::Listeners: return "listener";
    case WorkerKeyType::OverridePolicy: return "class";
  }
  return "string";
}

}  // namespace

const std::vector<WorkerKey>& workerKeys() {
  static const std::vector<WorkerKey> keys = {
      text("bootstrap.servers", "embedded",
           "Kafka brokers (host:port,...), or `embedded` for an in-process librdkafka mock cluster (tests and demos)."),
      list("plugin.path", "",
           "Folders scanned for plugin `.so` files, besides the built-in plugin folder (relative: to the config file's folder)."),
      text("plugin.path.permissions", "strict",
           "`strict`: a plugin file, its folder and every folder above must be safe from other local users "
           "(see docs/security.md) or the file is refused; `relaxed`: no such check (development only)."),
      {"listeners", WorkerKeyType::Listeners, "", 0, 0,
       "Comma-separated `http://host:port` and `https://host:port` REST listeners, served side by side (empty host: "
       "every interface; port 0 picks a free port). Wins over rest.host.name and rest.port. An https listener needs a keystore "
       "(docs/security.md)."},
      text("rest.host.name", "127.0.0.1", "REST host when `listeners` is not set."),
      integer("rest.port", "8083", 0, 65535, "REST port when `listeners` is not set (0: any free port)."),
      text("rest.advertised.host.name", "",
           "Host in this worker's id (default: the REST host, 127.0.0.1 when that is 0.0.0.0)."),
      integer("rest.advertised.port", "", 0, 65535, "Port in this worker's id (default: the bound REST port)."),
      longInt("rest.request.max.bytes", "1048576", 1, kLongMax,
              "Largest REST request body, whatever its transfer encoding (chunked too); larger ones get 413."),
      integer("rest.threads.max", "512", 1, 100000,
              "Most REST connections served at once (one thread each, started on demand); others wait for one."),
      integer("rest.connections.max", "20000", 1, kIntMax,
              "Most REST connections open at once, served and waiting; the next one gets 503 and is closed."),
      longInt("rest.header.timeout.ms", "10000", 1, kIntMax,
              "Time a REST client has to send a request's line and headers, in ms; slower ones are disconnected."),
      integer("tasks.max.limit", "1000", 1, kIntMax,
              "Largest tasks.max a connector may ask for on this worker; a larger one is refused with 400."),
      // The https listener (docs/security.md): each ssl.* key may also be written listeners.https.ssl.*,
      // which wins, as in Connect's RestServerConfig.
      text("ssl.keystore.type", "",
           "PEM or PKCS12 (unset: PKCS12 for .p12/.pfx files, else PEM); JKS is Java-only and refused."),
      text("ssl.keystore.location", "", "The https listener's private key and certificate chain (PEM or PKCS12 file)."),
      text("ssl.keystore.password", "", "Password of a PKCS12 keystore."),
      text("ssl.key.password", "", "Password of an encrypted PEM private key (PKCS12: tried when the keystore password fails)."),
      text("ssl.truststore.type", "", "PEM or PKCS12 (unset: from the file name, as ssl.keystore.type)."),
      text("ssl.truststore.location", "", "CA certificates client certificates must chain to (PEM or PKCS12 file)."),
      text("ssl.truststore.password", "", "Password of a PKCS12 truststore."),
      text("ssl.client.auth", "none", "Client certificates on the https listener: none, requested or required."),
      list("ssl.enabled.protocols", "TLSv1.2,TLSv1.3", "TLS versions the https listener accepts (TLSv1.2, TLSv1.3)."),
      list("ssl.cipher.suites", "", "Cipher suites by IANA name, as Java writes them (empty: OpenSSL's defaults)."),
      text("listeners.https.ssl.keystore.type", "", "ssl.keystore.type for the https listener only."),
      text("listeners.https.ssl.keystore.location", "", "ssl.keystore.location for the https listener only."),
      text("listeners.https.ssl.keystore.password", "", "ssl.keystore.password for the https listener only."),
      text("listeners.https.ssl.key.password", "", "ssl.key.password for the https listener only."),
      text("listeners.https.ssl.truststore.type", "", "ssl.truststore.type for the https listener only."),
      text("listeners.https.ssl.truststore.location", "", "ssl.truststore.location for the https listener only."),
      text("listeners.https.ssl.truststore.password", "", "ssl.truststore.password for the https listener only."),
      text("listeners.https.ssl.client.auth", "", "ssl.client.auth for the https listener only."),
      list("listeners.https.ssl.enabled.protocols", "", "ssl.enabled.protocols for the https listener only."),
      list("listeners.https.ssl.cipher.suites", "", "ssl.cipher.suites for the https listener only."),
      // REST authentication and roles (docs/security.md).
      list("rest.extension.classes", "",
           "Only org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension (HTTP Basic auth); "
           "any other class is refused."),
      text("java.security.auth.login.config", "",
           "JAAS file whose KafkaConnect entry names the PropertyFileLoginModule credentials file (as Connect's "
           "-Djava.security.auth.login.config)."),
      text("rest.auth.credentials.file", "",
           "The credentials file (`user: password` lines, plain or crypt(3) hashes) without a JAAS file; set: HTTP "
           "Basic auth on every listener."),
      text("rest.auth.realm", "Sluice", "Realm of the WWW-Authenticate challenge on 401."),
      list("rest.auth.admin.principals", "", "User names and client certificates (`CN=name`) that may change connectors."),
      list("rest.auth.readonly.principals", "", "User names and client certificates (`CN=name`) that may only read (GET)."),
      text("rest.auth.default.role", "admin", "Role of an authenticated principal in neither list: admin, read-only or none."),
      text("offset.storage.file.filename", "",
           "Source offsets file (empty: offsets are kept in memory only; relative: to the config file's folder)."),
      text("config.storage.file.filename", "",
           "Connector configs file (empty: connectors are not kept across restarts; relative: to the config file's folder)."),
      longInt("offset.flush.interval.ms", "10000", 0, kLongMax,
              "How often source offsets are flushed to the offset file, in ms (at least every 10 ms)."),
      longInt("offset.flush.timeout.ms", "5000", 0, kLongMax, "Accepted as Connect does; not used by Sluice."),
      text("key.converter", "", "Default key converter of every connector (empty: bytes pass through)."),
      text("value.converter", "", "Default value converter of every connector (empty: bytes pass through)."),
      text("header.converter", "", "Accepted as Connect does; connectors name their own header converter."),
      longInt("task.shutdown.graceful.timeout.ms", "5000", 0, kIntMax,
              "How long a stopping task may take before it is abandoned, in ms."),
      {"log.level", WorkerKeyType::LogLevel, "info", 0, 0,
       "Level of every logger at start; /admin/loggers changes it at run time."},
      integer("embedded.brokers", "1", 1, 32, "Brokers of the embedded cluster."),
      integer("embedded.partitions", "3", 1, 10000, "Partitions of topics the embedded cluster creates."),
      text("embedded.bootstrap.file", "",
           "File the embedded cluster's bootstrap address is written to (relative: to the config file's folder)."),
      list("embedded.topics", "", "Topics created in the embedded cluster at start, `name:partitions,...`."),
      boolean("topic.tracking.enable", "true", "Track the topics each connector uses (GET /connectors/{name}/topics)."),
      boolean("topic.tracking.allow.reset", "true", "Allow PUT /connectors/{name}/topics/reset."),
      integer("plugin.scan.interval.ms", "1000", 1, kIntMax, "How often plugin folders are scanned for new files, in ms."),
      list("file.allowed.paths", "",
           "Folders the file connectors (FileStreamSource, FileStreamSink) may read and write below; paths are "
           "resolved (links, `..`) before the check and a connector outside them gets 400. Empty: any path the "
           "worker's user can open. Set it whenever the REST API is reachable by anybody but the worker's owner."),
      text("group.id", "", "Accepted as Connect does (a distributed-mode key); not used by Sluice."),
      // Secure Kafka connections (docs/security.md): the worker's own admin clients use these (and,
      // with SSL or SASL_SSL, the ssl.keystore.* / ssl.truststore.* / ssl.key.password keys above),
      // then admin.*; connector clients use producer.* / consumer.* only, as in Connect.
      text("security.protocol", "PLAINTEXT", "Protocol of the worker's Kafka admin clients: PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL."),
      text("sasl.mechanism", "GSSAPI", "SASL mechanism of the worker's Kafka admin clients: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, GSSAPI."),
      text("sasl.jaas.config", "",
           "Java JAAS login for SASL (PlainLoginModule, ScramLoginModule: username and password; Krb5LoginModule: principal, "
           "keyTab), translated to librdkafka's sasl.username/sasl.password. Logged and shown as [hidden]."),
      text("ssl.endpoint.identification.algorithm", "https", "`https` checks the broker's host name in its certificate; empty turns it off."),
      {"connector.client.config.override.policy", WorkerKeyType::OverridePolicy, "All", 0, 0,
       "Which client settings a connector may override with producer.override.*, consumer.override.* and admin.override.* "
       "(KIP-458): None, Principal (sasl.jaas.config, sasl.mechanism, security.protocol) or All."},
      list("config.providers", "",
           "Config providers (KIP-297) by name, each with config.providers.<name>.class: FileConfigProvider, "
           "DirectoryConfigProvider or EnvVarConfigProvider (or file, directory, env). `${name:path:key}` in connector "
           "and worker configs is resolved when used and shown unresolved."),
  };
  return keys;
}

const WorkerKey* findWorkerKey(const std::string& name) {
  for (const auto& k : workerKeys())
    if (k.name == name) return &k;
  return nullptr;
}

const std::vector<std::string>& workerPassThroughPrefixes() {
  static const std::vector<std::string> prefixes = {"producer.", "consumer.", "admin.", "key.converter.",
                                                    "value.converter.", "header.converter.", "config.providers."};
  return prefixes;
}

std::string allowedValues(const WorkerKey& key) {
  switch (key.type) {
    case WorkerKeyType::Int:
    case WorkerKeyType::Long:
      return "a whole number in [" + std::to_string(key.min) + ", " + std::to_string(key.max) + "]";
    case WorkerKeyType::Boolean: return "true or false";
    case WorkerKeyType::LogLevel: return std::string("one of ") + logLevelNames();
    case WorkerKeyType::Listeners: return "http://host:port and/or https://host:port, comma-separated";
    case WorkerKeyType::OverridePolicy: return std::string("one of ") + overridePolicyChoices();
    case WorkerKeyType::String:
    case WorkerKeyType::List: break;
  }
  return "any text";
}

std::optional<std::string> invalidWorkerValue(const WorkerKey& key, const std::string& value) {
  switch (key.type) {
    case WorkerKeyType::Int:
    case WorkerKeyType::Long: {
      auto n = parseWhole(value);
      if (!n || *n < key.min || *n > key.max) return "expected " + allowedValues(key);
      return std::nullopt;
    }
    case WorkerKeyType::Boolean: {
      auto v = lower(value);
      if (v != "true" && v != "false") return "expected " + allowedValues(key);
      return std::nullopt;
    }
    case WorkerKeyType::LogLevel:
      if (!parseLogLevel(value)) return "expected " + allowedValues(key);
      return std::nullopt;
    case WorkerKeyType::Listeners: {
      if (value.find_first_not_of(" \t") == std::string::npos) return std::nullopt;  // unset: rest.host.name/rest.port
      auto l = parseListeners(value);
      if (!l.ok()) return l.error();
      return std::nullopt;
    }
    case WorkerKeyType::OverridePolicy:
      if (!parseOverridePolicy(value)) return "expected " + allowedValues(key);
      return std::nullopt;
    case WorkerKeyType::String:
    case WorkerKeyType::List: break;
  }
  return std::nullopt;
}

std::string workerKeysMarkdown() {
  std::ostringstream out;
  out << "# Worker configuration\n\n"
         "`sluice worker <file>` reads a YAML map. Nested maps flatten to Kafka Connect's dotted keys\n"
         "(`rest: {port: 8083}` is `rest.port`) and a list is joined with commas. Every key below is checked at\n"
         "start: a value of the wrong type or out of range stops the worker with the key, the value and what is\n"
         "allowed (exit code 2). Other keys are accepted, as Connect accepts them, with one warning at start;\n"
         "keys starting with ";
  const auto& prefixes = workerPassThroughPrefixes();
  for (size_t i = 0; i < prefixes.size(); ++i) out << (i ? ", " : "") << "`" << prefixes[i] << "`";
  out << " are handed to the Kafka clients, converters and config providers.\n\n"
         "This file is generated from `host/src/config/worker_keys.cpp`; the unit test\n"
         "`WorkerKeys.DocsListEveryKey` fails when the two differ.\n\n"
         "| Key | Type | Default | Allowed | Description |\n"
         "|-----|------|---------|---------|-------------|\n";
  for (const auto& k : workerKeys())
    out << "| `" << k.name << "` | " << typeName(k.type) << " | " << (k.defaultValue.empty() ? "" : "`" + k.defaultValue + "`")
        << " | " << allowedValues(k) << " | " << k.documentation << " |\n";
  return out.str();
}

}  // namespace sluice
