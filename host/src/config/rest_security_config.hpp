#pragma once
// The REST API's TLS and access settings, read from the worker config with Connect's names:
// `listeners.https.ssl.<key>` wins over `ssl.<key>` (Connect's RestServerConfig, KIP-208), and
// authentication is Connect's BasicAuthSecurityRestExtension (`rest.extension.classes` plus the JAAS
// file named by `java.security.auth.login.config`), or Sluice's `rest.auth.credentials.file`.
// Only text is read here; the files themselves are opened by rest/ (tls_context, basic_auth).
#include <set>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "config/worker_config.hpp"

namespace sluice {

enum class ClientAuth { None, Requested, Required };  // ssl.client.auth

struct TlsSettings {
  std::string keystoreType;  // "PEM" or "PKCS12"
  std::string keystoreLocation;
  std::string keystorePassword;
  std::string keyPassword;     // a PEM keystore's encrypted key; PKCS12 falls back to keystorePassword
  std::string truststoreType;  // "PEM" or "PKCS12"
  std::string truststoreLocation;
  std::string truststorePassword;
  ClientAuth clientAuth = ClientAuth::None;
  std::vector<std::string> enabledProtocols;  // "TLSv1.2", "TLSv1.3"
  std::vector<std::string> cipherSuites;      // IANA names as Java writes them; empty: OpenSSL's defaults
};

// The https listener's settings, or why they cannot serve: no keystore, a JKS store (Java-only),
// an unknown ssl.client.auth or protocol, client authentication without a truststore.
Result<TlsSettings> httpsSettings(const WorkerConfig& config);

enum class RestRole { None, ReadOnly, Admin };

struct RestAuthSettings {
  // The PropertyFileLoginModule credentials file ("user: password" lines); empty: no Basic auth.
  std::string credentialsFile;
  std::string realm = "Sluice";
  // Principals (Basic user names, or a client certificate's subject such as "CN=ops,O=Acme") per role.
  std::set<std::string> admins;
  std::set<std::string> readOnly;
  RestRole defaultRole = RestRole::Admin;  // an authenticated principal in neither list
};

// The access settings, or why they are wrong: an unknown REST extension class (Sluice runs no Java
// code, and ignoring a security extension would leave the API open), a JAAS file without a
// KafkaConnect PropertyFileLoginModule entry, or an unknown role name.
Result<RestAuthSettings> restAuthSettings(const WorkerConfig& config);

// The `file` option of the PropertyFileLoginModule in the `KafkaConnect` entry of a JAAS login
// configuration (Java's ConfigFile syntax), or why there is none.
Result<std::string> credentialsFileFromJaas(const std::string& jaasText, const std::string& origin);

const char* roleName(RestRole role);

}  // namespace sluice
