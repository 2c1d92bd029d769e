#pragma once
// Java Kafka client security settings, as Kafka Connect users write them, translated to librdkafka's
// (see librdkafka's CONFIGURATION.md and Kafka's "Security" documentation):
//
//   security.protocol PLAINTEXT|SSL|SASL_PLAINTEXT|SASL_SSL   -> security.protocol in lower case
//   sasl.mechanism PLAIN|SCRAM-SHA-256|SCRAM-SHA-512|...       -> sasl.mechanisms
//   sasl.jaas.config "<LoginModule> required username=".." password="..";"
//       PlainLoginModule, ScramLoginModule                     -> sasl.username, sasl.password
//       Krb5LoginModule principal=.. keyTab=..                 -> sasl.kerberos.principal, sasl.kerberos.keytab
//   ssl.keystore.type PKCS12 (Java's JKS default is read as PKCS12, as Java 9+ keytool writes it;
//       unset with a .pem/.crt/.cer/.key file: PEM)
//       ssl.keystore.location, ssl.keystore.password           -> the same librdkafka keys
//   ssl.keystore.type PEM: ssl.keystore.location (key + chain)  -> ssl.certificate.location, ssl.key.location
//       ssl.keystore.key / ssl.keystore.certificate.chain       -> ssl.key.pem / ssl.certificate.pem
//   ssl.key.password                                            -> ssl.key.password
//   ssl.truststore.type PEM: ssl.truststore.location            -> ssl.ca.location
//       ssl.truststore.certificates                             -> ssl.ca.pem
//   ssl.truststore.type PKCS12 (or JKS): the store is read here with OpenSSL (librdkafka refuses
//       Java trust stores) and its certificates are passed as ssl.ca.pem
//   ssl.endpoint.identification.algorithm https|""              -> https|none
//   JVM-only keys (ssl.protocol, ssl.enabled.protocols, ssl.keymanager.algorithm,
//       ssl.trustmanager.algorithm, ssl.secure.random.implementation, ssl.provider): not passed on;
//       OpenSSL's own defaults apply (Debian's: TLS 1.2 or newer).
// Every other key is passed through unchanged, so librdkafka's own names keep working. Errors name
// the key and never quote a secret.
#include <librdkafka/rdkafka.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sluice_kafka/sensitive_keys.hpp"

namespace sluice::kafka {

using ClientSettings = std::vector<std::pair<std::string, std::string>>;

struct SecurityTranslation {
  ClientSettings settings;  // librdkafka keys and values, in order
  std::string errorKey;     // the Java key an error is about (empty: no error)
  std::string error;
  bool ok() const { return errorKey.empty(); }
};

namespace security_detail {

inline std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

inline std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

struct JaasModule {
  std::string className;
  std::map<std::string, std::string> options;
};

// Parses one JAAS login module entry as Kafka's JaasConfig reads sasl.jaas.config:
// `<class> <required|requisite|sufficient|optional> [name=value ...];` where a value is a word or a
// double-quoted string (backslash escapes the next character). Exactly one module is allowed.
// The error says what is wrong without quoting the text (it holds a password).
inline std::optional<JaasModule> parseJaas(const std::string& text, std::string& error) {
  size_t i = 0;
  auto skipSpace = [&] {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  };
  auto word = [&] {
    size_t start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i])) && text[i] != '=' && text[i] != ';' &&
           text[i] != '"')
      ++i;
    return text.substr(start, i - start);
  };
  JaasModule module;
  skipSpace();
  module.className = word();
  if (module.className.empty()) {
    error = "expected a login module class name";
    return std::nullopt;
  }
  skipSpace();
  std::string flag = word();
  if (flag != "required" && flag != "requisite" && flag != "sufficient" && flag != "optional") {
    error = "expected a control flag (required, requisite, sufficient or optional) after " + module.className;
    return std::nullopt;
  }
  for (;;) {
    skipSpace();
    if (i >= text.size()) {
      error = "the login module entry must end with ';'";
      return std::nullopt;
    }
    if (text[i] == ';') {
      ++i;
      break;
    }
    std::string name = word();
    skipSpace();
    if (name.empty() || i >= text.size() || text[i] != '=') {
      error = "expected name=value options after the control flag";
      return std::nullopt;
    }
    ++i;
    skipSpace();
    std::string value;
    if (i < text.size() && text[i] == '"') {
      ++i;
      bool closed = false;
      while (i < text.size()) {
        char c = text[i++];
        if (c == '\\' && i < text.size()) {
          value += text[i++];
        } else if (c == '"') {
          closed = true;
          break;
        } else {
          value += c;
        }
      }
      if (!closed) {
        error = "the value of option '" + name + "' has no closing quote";
        return std::nullopt;
      }
    } else {
      value = word();
      if (value.empty()) {
        error = "option '" + name + "' has no value";
        return std::nullopt;
      }
    }
    module.options[name] = value;
  }
  skipSpace();
  if (i < text.size()) {
    error = "it holds more than one login module; exactly one is allowed";
    return std::nullopt;
  }
  return module;
}

inline bool endsWith(const std::string& s, std::string_view tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// sasl.jaas.config -> librdkafka settings, or an error.
inline std::string translateJaas(const std::string& text, ClientSettings& out) {
  std::string error;
  auto module = parseJaas(text, error);
  if (!module) return "Invalid JAAS configuration: " + error;
  const auto& o = module->options;
  auto option = [&](const char* name) -> std::optional<std::string> {
    auto it = o.find(name);
    return it == o.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  const std::string& cls = module->className;
  if (endsWith(cls, ".PlainLoginModule") || endsWith(cls, ".ScramLoginModule")) {
    auto user = option("username");
    auto password = option("password");
    if (!user || !password) return cls + " needs both username and password options";
    out.emplace_back("sasl.username", *user);
    out.emplace_back("sasl.password", *password);
    return "";
  }
  if (cls == "com.sun.security.auth.module.Krb5LoginModule") {
    if (auto principal = option("principal")) out.emplace_back("sasl.kerberos.principal", *principal);
    if (auto keyTab = option("keyTab")) out.emplace_back("sasl.kerberos.keytab", *keyTab);
    return "";
  }
  return "the login module " + cls +
         " is not translated to librdkafka (PlainLoginModule, ScramLoginModule and Krb5LoginModule are); set "
         "librdkafka's sasl.* settings instead";
}

inline std::string lastOpenSslError() {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(code, buf, sizeof buf);
  return buf;
}

// The certificates of a PKCS12 trust store as PEM text (what librdkafka's ssl.ca.pem takes).
inline std::string pkcs12TrustStoreAsPem(const std::string& path, const std::string& password, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot read the trust store file " + path;
    return "";
  }
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  PKCS12* p12 = d2i_PKCS12(nullptr, &p, static_cast<long>(bytes.size()));
  if (!p12) {
    ERR_clear_error();
    error = "the trust store " + path +
            " is not a PKCS12 file (librdkafka cannot read JKS: convert it with keytool -importkeystore "
            "-deststoretype PKCS12, or use ssl.truststore.type=PEM)";
    return "";
  }
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  STACK_OF(X509)* cas = nullptr;
  int parsed = PKCS12_parse(p12, password.empty() ? nullptr : password.c_str(), &key, &cert, &cas);
  PKCS12_free(p12);
  if (!parsed) {
    error = "cannot open the trust store " + path + " (wrong ssl.truststore.password?): " + lastOpenSslError();
    return "";
  }
  BIO* bio = BIO_new(BIO_s_mem());
  if (cert) PEM_write_bio_X509(bio, cert);
  for (int n = 0; cas && n < sk_X509_num(cas); ++n) PEM_write_bio_X509(bio, sk_X509_value(cas, n));
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(size > 0 ? size : 0));
  BIO_free(bio);
  EVP_PKEY_free(key);
  X509_free(cert);
  sk_X509_pop_free(cas, X509_free);
  if (pem.empty()) error = "the trust store " + path + " holds no certificate";
  return pem;
}

}  // namespace security_detail

// Translates client settings (keys without any producer./consumer./admin. prefix).
inline SecurityTranslation translateClientSecurity(const ClientSettings& in) {
  using namespace security_detail;
  SecurityTranslation t;
  std::map<std::string, std::string> java;
  for (const auto& [k, v] : in) java[k] = v;
  auto get = [&](const std::string& k) -> std::optional<std::string> {
    auto it = java.find(k);
    return it == java.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  auto fail = [&](const std::string& key, const std::string& message) {
    t.errorKey = key;
    t.error = message;
    t.settings.clear();
    return t;
  };
  // An unset type: PEM for a .pem/.crt/.cer/.key file, else PKCS12 (Java's JKS default, which
  // keytool has written as PKCS12 since Java 9; a real JKS file is refused with the reason).
  auto storeType = [&](const char* typeKey, const char* locationKey) {
    if (auto type = get(typeKey)) return upper(trim(*type));
    std::string location = get(locationKey).value_or("");
    for (const char* ext : {".pem", ".crt", ".cer", ".key"})
      if (endsWith(location, ext)) return std::string("PEM");
    return std::string("PKCS12");
  };
  const std::string keystoreType = storeType("ssl.keystore.type", "ssl.keystore.location");
  const std::string truststoreType = storeType("ssl.truststore.type", "ssl.truststore.location");
  if (keystoreType != "PKCS12" && keystoreType != "JKS" && keystoreType != "PEM")
    return fail("ssl.keystore.type", "Invalid value " + keystoreType + " for configuration ssl.keystore.type: String must be one of: PKCS12, JKS, PEM");
  if (truststoreType != "PKCS12" && truststoreType != "JKS" && truststoreType != "PEM")
    return fail("ssl.truststore.type",
                "Invalid value " + truststoreType + " for configuration ssl.truststore.type: String must be one of: PKCS12, JKS, PEM");

  for (const auto& [key, value] : in) {
    if (key == "security.protocol") {
      std::string p = upper(trim(value));
      if (p != "PLAINTEXT" && p != "SSL" && p != "SASL_PLAINTEXT" && p != "SASL_SSL")
        return fail(key, "Invalid value " + value +
                             " for configuration security.protocol: String must be one of: PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL");
      std::string lowered = p;
      std::transform(lowered.begin(), lowered.end(), lowered.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      t.settings.emplace_back(key, lowered);
    } else if (key == "sasl.mechanism") {
      t.settings.emplace_back("sasl.mechanisms", trim(value));
    } else if (key == "sasl.jaas.config") {
      std::string error = translateJaas(value, t.settings);
      if (!error.empty()) return fail(key, "Invalid value [hidden] for configuration sasl.jaas.config: " + error);
    } else if (key == "ssl.keystore.type" || key == "ssl.truststore.type" || key == "ssl.truststore.password") {
      // consumed with the store they describe
    } else if (key == "ssl.keystore.location") {
      if (keystoreType == "PEM") {
        t.settings.emplace_back("ssl.certificate.location", value);
        t.settings.emplace_back("ssl.key.location", value);
      } else {
        t.settings.emplace_back(key, value);
      }
    } else if (key == "ssl.keystore.password") {
      if (keystoreType == "PEM")
        return fail(key, "SSL key store password cannot be specified with PEM format, only key password may be specified");
      t.settings.emplace_back(key, value);
    } else if (key == "ssl.keystore.key") {
      t.settings.emplace_back("ssl.key.pem", value);
    } else if (key == "ssl.keystore.certificate.chain") {
      t.settings.emplace_back("ssl.certificate.pem", value);
    } else if (key == "ssl.truststore.certificates") {
      t.settings.emplace_back("ssl.ca.pem", value);
    } else if (key == "ssl.truststore.location") {
      if (truststoreType == "PEM") {
        t.settings.emplace_back("ssl.ca.location", value);
      } else {
        std::string error;
        std::string pem = pkcs12TrustStoreAsPem(value, get("ssl.truststore.password").value_or(""), error);
        if (!error.empty()) return fail(key, "Invalid value " + value + " for configuration ssl.truststore.location: " + error);
        t.settings.emplace_back("ssl.ca.pem", pem);
      }
    } else if (key == "ssl.endpoint.identification.algorithm") {
      std::string a = trim(value);
      std::transform(a.begin(), a.end(), a.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (a.empty() || a == "none") {
        t.settings.emplace_back(key, "none");
      } else if (a == "https") {
        t.settings.emplace_back(key, "https");
      } else {
        return fail(key, "Invalid value " + value + " for configuration ssl.endpoint.identification.algorithm: expected https or an empty string");
      }
    } else if (key == "ssl.protocol" || key == "ssl.enabled.protocols" || key == "ssl.keymanager.algorithm" ||
               key == "ssl.trustmanager.algorithm" || key == "ssl.secure.random.implementation" || key == "ssl.provider") {
      // The JVM's TLS implementation settings: OpenSSL's defaults apply instead.
    } else {
      t.settings.emplace_back(key, value);
    }
  }
  return t;
}

// The translation's error with the key named as the user wrote it (`shownPrefix`: "producer.",
// "consumer.override.", "").
inline std::string translationError(const SecurityTranslation& t, const std::string& shownPrefix) {
  std::string message = t.error;
  const std::string unprefixed = "configuration " + t.errorKey;
  if (auto at = message.find(unprefixed); at != std::string::npos)
    message.replace(at, unprefixed.size(), "configuration " + shownPrefix + t.errorKey);
  return message;
}

// Sets translated settings on `conf`; returns the error, empty on success, never quoting a secret.
inline std::string setTranslatedSettings(rd_kafka_conf_t* conf, const ClientSettings& settings, const std::string& shownPrefix) {
  char errstr[512];
  for (const auto& [key, value] : settings) {
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), errstr, sizeof errstr) != RD_KAFKA_CONF_OK)
      return "Invalid value " + shownConfigValue(key, value) + " for configuration " + shownPrefix + key + ": " + errstr;
  }
  return "";
}

// Translates and sets the settings on `conf` (both steps above).
inline std::string setClientSettings(rd_kafka_conf_t* conf, const ClientSettings& in, const std::string& shownPrefix) {
  SecurityTranslation t = translateClientSecurity(in);
  if (!t.ok()) return translationError(t, shownPrefix);
  return setTranslatedSettings(conf, t.settings, shownPrefix);
}

}  // namespace sluice::kafka
