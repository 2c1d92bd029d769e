#include "config/rest_security_config.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <regex>
#include <sstream>

#include <sluice/text.hpp>

namespace sluice {

namespace {

const char* kBasicAuthExtension = "org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension";

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

std::vector<std::string> splitList(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    item = trim(item);
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

bool endsWith(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// A store's type: as written, or (unset) PKCS12 for .p12/.pfx files and PEM otherwise. Connect's
// default is JKS, which only Java reads; `keytool -importkeystore -deststoretype PKCS12` converts it.
Result<std::string> storeType(const std::string& key, const std::string& value, const std::string& location) {
  std::string type = upper(trim(value));
  if (type.empty()) type = endsWith(location, ".p12") || endsWith(location, ".pfx") ? "PKCS12" : "PEM";
  if (type == "PEM" || type == "PKCS12") return type;
  if (type == "JKS")
    return Error{key + ": JKS stores are read by Java only; convert it with `keytool -importkeystore "
                       "-deststoretype PKCS12` and set " + key + ": PKCS12, or use PEM"};
  return Error{key + ": unknown store type '" + value + "'; use PEM or PKCS12"};
}

}  // namespace

const char* roleName(RestRole role) {
  switch (role) {
    case RestRole::Admin: return "admin";
    case RestRole::ReadOnly: return "read-only";
    case RestRole::None: return "none";
  }
  return "none";
}

Result<TlsSettings> httpsSettings(const WorkerConfig& config) {
  // listeners.https.ssl.X wins over ssl.X, as Connect's SSLUtils reads the listener's prefix first.
  auto setting = [&config](const std::string& key) -> std::pair<std::string, std::string> {
    std::string prefixed = "listeners.https." + key;
    if (!trim(config.get(prefixed)).empty()) return {prefixed, config.get(prefixed)};
    return {key, config.get(key)};
  };
  TlsSettings s;
  std::string keystore = setting("ssl.keystore.location").second;
  if (trim(keystore).empty())
    return Error{"an https listener needs a keystore: set listeners.https.ssl.keystore.location (or "
                 "ssl.keystore.location) to a PEM or PKCS12 file holding the server's key and certificate"};
  s.keystoreLocation = trim(keystore);
  auto [keystoreTypeKey, keystoreTypeValue] = setting("ssl.keystore.type");
  auto keystoreType = storeType(keystoreTypeKey, keystoreTypeValue, s.keystoreLocation);
  if (!keystoreType.ok()) return Error{keystoreType.error()};
  s.keystoreType = keystoreType.value();
  s.keystorePassword = setting("ssl.keystore.password").second;
  s.keyPassword = setting("ssl.key.password").second;

  s.truststoreLocation = trim(setting("ssl.truststore.location").second);
  auto [truststoreTypeKey, truststoreTypeValue] = setting("ssl.truststore.type");
  auto truststoreType = storeType(truststoreTypeKey, truststoreTypeValue, s.truststoreLocation);
  if (!truststoreType.ok()) return Error{truststoreType.error()};
  s.truststoreType = truststoreType.value();
  s.truststorePassword = setting("ssl.truststore.password").second;

  auto [clientAuthKey, clientAuthValue] = setting("ssl.client.auth");
  std::string clientAuth = trim(clientAuthValue);
  std::transform(clientAuth.begin(), clientAuth.end(), clientAuth.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (clientAuth.empty() || clientAuth == "none") s.clientAuth = ClientAuth::None;
  else if (clientAuth == "requested") s.clientAuth = ClientAuth::Requested;
  else if (clientAuth == "required") s.clientAuth = ClientAuth::Required;
  else return Error{clientAuthKey + ": '" + clientAuthValue + "' is not one of none, requested, required"};
  if (s.clientAuth != ClientAuth::None && s.truststoreLocation.empty())
    return Error{clientAuthKey + ": " + clientAuth + " needs the CAs that sign client certificates: set " +
                 "listeners.https.ssl.truststore.location (or ssl.truststore.location)"};

  auto [protocolsKey, protocolsValue] = setting("ssl.enabled.protocols");
  s.enabledProtocols = splitList(protocolsValue.empty() ? "TLSv1.2,TLSv1.3" : protocolsValue);
  for (const auto& p : s.enabledProtocols)
    if (p != "TLSv1.2" && p != "TLSv1.3")
      return Error{protocolsKey + ": '" + p + "' is not offered; use TLSv1.2 and/or TLSv1.3 "
                                                 "(TLS 1.0 and 1.1 are deprecated by RFC 8996)"};
  if (s.enabledProtocols.empty()) return Error{protocolsKey + ": name at least one of TLSv1.2, TLSv1.3"};
  s.cipherSuites = splitList(setting("ssl.cipher.suites").second);
  return s;
}

Result<std::string> credentialsFileFromJaas(const std::string& jaasText, const std::string& origin) {
  // Java's ConfigFile syntax: Name { module flag key="value" ...; ... }; with // and /* */ comments.
  std::string text = std::regex_replace(jaasText, std::regex(R"(/\*[\s\S]*?\*/|//[^\n]*)"), " ");
  std::smatch entry;
  if (!std::regex_search(text, entry, std::regex(R"((^|[\s;}])KafkaConnect\s*\{([^}]*)\})")))
    return Error{origin + ": no KafkaConnect { ... }; entry (the login context BasicAuthSecurityRestExtension uses)"};
  std::string body = entry[2];
  std::smatch module;
  if (!std::regex_search(body, module, std::regex(R"(([\w.$]*PropertyFileLoginModule)\s+\w+([^;]*);)")))
    return Error{origin + ": the KafkaConnect entry names no PropertyFileLoginModule, the only login module Sluice reads"};
  std::string options = module[2];
  std::smatch file;
  if (!std::regex_search(options, file, std::regex(R"((^|\s)file\s*=\s*\"([^\"]*)\")")))
    return Error{origin + ": the PropertyFileLoginModule entry has no file=\"...\" option naming the credentials file"};
  return std::string(file[2]);
}

Result<RestAuthSettings> restAuthSettings(const WorkerConfig& config) {
  RestAuthSettings s;
  bool basicAuthExtension = false;
  for (const auto& cls : splitList(config.get("rest.extension.classes"))) {
    if (cls == kBasicAuthExtension || cls == "BasicAuthSecurityRestExtension") {
      basicAuthExtension = true;
      continue;
    }
    // Ignoring a security extension would serve the API without the protection it was meant to add.
    return Error{"rest.extension.classes: '" + cls + "' is a Java REST extension, which Sluice cannot run; the only one "
                 "Sluice provides is " + kBasicAuthExtension};
  }
  if (basicAuthExtension) {
    std::string jaasPath = trim(config.get("java.security.auth.login.config"));
    if (jaasPath.empty())
      return Error{"rest.extension.classes names BasicAuthSecurityRestExtension: set java.security.auth.login.config "
                   "to the JAAS file with its KafkaConnect entry (as Connect's -Djava.security.auth.login.config)"};
    std::ifstream in(jaasPath);
    if (!in) return Error{"java.security.auth.login.config: cannot read " + jaasPath};
    std::stringstream text;
    text << in.rdbuf();
    auto file = credentialsFileFromJaas(text.str(), jaasPath);
    if (!file.ok()) return Error{file.error()};
    s.credentialsFile = file.value();
  }
  std::string direct = trim(config.get("rest.auth.credentials.file"));
  if (!direct.empty()) {
    if (!s.credentialsFile.empty() && s.credentialsFile != direct)
      return Error{"rest.auth.credentials.file (" + direct + ") and the JAAS file's PropertyFileLoginModule (" +
                   s.credentialsFile + ") name different credentials files; keep one"};
    s.credentialsFile = direct;
  }
  std::string realm = trim(config.get("rest.auth.realm"));
  if (!realm.empty()) s.realm = realm;
  for (const auto& p : splitList(config.get("rest.auth.admin.principals"))) s.admins.insert(p);
  for (const auto& p : splitList(config.get("rest.auth.readonly.principals"))) s.readOnly.insert(p);
  for (const auto& p : s.admins)
    if (s.readOnly.count(p))
      return Error{"'" + p + "' is in both rest.auth.admin.principals and rest.auth.readonly.principals; keep one"};
  std::string role = trim(config.get("rest.auth.default.role", "admin"));
  if (role == "admin") s.defaultRole = RestRole::Admin;
  else if (role == "read-only") s.defaultRole = RestRole::ReadOnly;
  else if (role == "none") s.defaultRole = RestRole::None;
  else return Error{"rest.auth.default.role: '" + role + "' is not one of admin, read-only, none"};
  return s;
}

}  // namespace sluice
