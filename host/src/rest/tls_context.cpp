#include "rest/tls_context.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <vector>
#include <sstream>

#include "common/logging.hpp"

namespace sluice {

// What one handshake needs; immutable once loaded, replaced whole on reload (handshakes in flight
// keep the one they took).
struct TlsMaterial {
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  STACK_OF(X509)* chain = nullptr;          // intermediates sent after the leaf
  X509_STORE* trust = nullptr;              // CAs client certificates are verified against
  STACK_OF(X509_NAME)* clientCas = nullptr;  // their subjects, sent in the CertificateRequest
  TlsMaterial() = default;
  TlsMaterial(const TlsMaterial&) = delete;
  TlsMaterial& operator=(const TlsMaterial&) = delete;
  ~TlsMaterial() {
    EVP_PKEY_free(key);
    X509_free(cert);
    sk_X509_pop_free(chain, X509_free);
    X509_STORE_free(trust);
    sk_X509_NAME_pop_free(clientCas, X509_NAME_free);
  }
};

namespace {

// OpenSSL's reason for the last failure, and an empty error queue for the next caller.
std::string opensslError() {
  unsigned long code = ERR_peek_last_error();
  std::string why = "unknown OpenSSL error";
  if (code != 0) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    why = buf;
  }
  ERR_clear_error();
  return why;
}

Result<std::string> readWhole(const std::string& key, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{key + ": cannot read " + path};
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
BioPtr memoryBio(const std::string& bytes) { return BioPtr(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size()))); }

struct Pkcs12Contents {
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  STACK_OF(X509)* others = nullptr;
};

Result<Pkcs12Contents> readPkcs12(const std::string& key, const std::string& path, const std::string& bytes,
                                  const std::string& password) {
  auto bio = memoryBio(bytes);
  PKCS12* p12 = d2i_PKCS12_bio(bio.get(), nullptr);
  if (!p12) return Error{key + ": " + path + " is not a PKCS12 file (" + opensslError() + ")"};
  Pkcs12Contents out;
  bool parsed = PKCS12_parse(p12, password.c_str(), &out.key, &out.cert, &out.others) == 1;
  PKCS12_free(p12);
  if (!parsed) return Error{key + ": cannot open PKCS12 file " + path + " (wrong password? " + opensslError() + ")"};
  return out;
}

// The keystore: a private key and its certificate chain, leaf first.
Result<bool> loadKeystore(const TlsSettings& s, TlsMaterial& m) {
  const std::string key = "ssl.keystore.location";
  auto bytes = readWhole(key, s.keystoreLocation);
  if (!bytes.ok()) return Error{bytes.error()};
  if (s.keystoreType == "PKCS12") {
    auto p12 = readPkcs12(key, s.keystoreLocation, *bytes, s.keystorePassword);
    if (!p12.ok() && !s.keyPassword.empty() && s.keyPassword != s.keystorePassword)
      p12 = readPkcs12(key, s.keystoreLocation, *bytes, s.keyPassword);
    if (!p12.ok()) return Error{p12.error()};
    m.key = p12->key;
    m.cert = p12->cert;
    m.chain = p12->others;
  } else {
    // A PEM keystore (KIP-651) holds the key, encrypted with ssl.key.password or not, and the chain.
    std::string password = s.keyPassword.empty() ? s.keystorePassword : s.keyPassword;
    auto keyBio = memoryBio(*bytes);
    // A non-null password with no callback is used as is: OpenSSL never prompts on the terminal.
    m.key = PEM_read_bio_PrivateKey(keyBio.get(), nullptr, nullptr, const_cast<char*>(password.c_str()));
    if (!m.key)
      return Error{key + ": no readable private key in " + s.keystoreLocation +
                   " (an encrypted key needs ssl.key.password; " + opensslError() + ")"};
    auto certBio = memoryBio(*bytes);
    m.chain = sk_X509_new_null();
    while (X509* cert = PEM_read_bio_X509(certBio.get(), nullptr, nullptr, nullptr)) {
      if (!m.cert) m.cert = cert;
      else sk_X509_push(m.chain, cert);
    }
    ERR_clear_error();  // the end of the file
  }
  if (!m.key || !m.cert) return Error{key + ": " + s.keystoreLocation + " holds no private key with its certificate"};
  if (X509_check_private_key(m.cert, m.key) != 1)
    return Error{key + ": the private key in " + s.keystoreLocation + " does not belong to its first certificate (" +
                 opensslError() + ")"};
  return true;
}

// The truststore: the CAs a client certificate must chain to.
Result<bool> loadTruststore(const TlsSettings& s, TlsMaterial& m) {
  if (s.truststoreLocation.empty()) return true;
  const std::string key = "ssl.truststore.location";
  auto bytes = readWhole(key, s.truststoreLocation);
  if (!bytes.ok()) return Error{bytes.error()};
  std::vector<X509*> cas;
  if (s.truststoreType == "PKCS12") {
    auto p12 = readPkcs12(key, s.truststoreLocation, *bytes, s.truststorePassword);
    if (!p12.ok()) return Error{p12.error()};
    EVP_PKEY_free(p12->key);
    if (p12->cert) cas.push_back(p12->cert);
    while (p12->others && sk_X509_num(p12->others) > 0) cas.push_back(sk_X509_shift(p12->others));
    sk_X509_free(p12->others);
  } else {
    auto bio = memoryBio(*bytes);
    while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) cas.push_back(cert);
    ERR_clear_error();
  }
  if (cas.empty()) return Error{key + ": " + s.truststoreLocation + " holds no certificate"};
  m.trust = X509_STORE_new();
  m.clientCas = sk_X509_NAME_new_null();
  for (X509* ca : cas) {
    X509_STORE_add_cert(m.trust, ca);
    sk_X509_NAME_push(m.clientCas, X509_NAME_dup(X509_get_subject_name(ca)));
    X509_free(ca);
  }
  return true;
}

Result<std::shared_ptr<const TlsMaterial>> loadMaterial(const TlsSettings& s) {
  auto m = std::make_shared<TlsMaterial>();
  auto keystore = loadKeystore(s, *m);
  if (!keystore.ok()) return Error{keystore.error()};
  auto truststore = loadTruststore(s, *m);
  if (!truststore.ok()) return Error{truststore.error()};
  return std::shared_ptr<const TlsMaterial>(std::move(m));
}

int protocolVersion(const std::string& name) { return name == "TLSv1.3" ? TLS1_3_VERSION : TLS1_2_VERSION; }

// Java and IANA name cipher suites "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"; OpenSSL's TLS 1.2 list
// uses its own names ("ECDHE-RSA-AES128-GCM-SHA256"). TLS 1.3 suites have the IANA name in both.
Result<bool> applyCipherSuites(SSL_CTX& ctx, const std::vector<std::string>& suites, int& minVersion, int& maxVersion) {
  if (suites.empty()) return true;
  std::map<std::string, std::string> openSslName;
  SSL_CTX* every = SSL_CTX_new(TLS_method());
  SSL_CTX_set_cipher_list(every, "ALL:COMPLEMENTOFALL");
  SSL_CTX_set_ciphersuites(every, "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:"
                                  "TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256");
  STACK_OF(SSL_CIPHER)* known = SSL_CTX_get_ciphers(every);
  std::map<std::string, bool> isTls13;
  for (int i = 0; i < sk_SSL_CIPHER_num(known); ++i) {
    const SSL_CIPHER* c = sk_SSL_CIPHER_value(known, i);
    if (const char* standard = SSL_CIPHER_standard_name(c)) {
      openSslName[standard] = SSL_CIPHER_get_name(c);
      isTls13[standard] = std::string(SSL_CIPHER_get_version(c)) == "TLSv1.3";
    }
  }
  SSL_CTX_free(every);
  std::string tls12, tls13;
  for (const auto& suite : suites) {
    auto found = openSslName.find(suite);
    if (found == openSslName.end())
      return Error{"ssl.cipher.suites: '" + suite + "' is not a cipher suite OpenSSL offers (write IANA names, e.g. "
                   "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 or TLS_AES_128_GCM_SHA256)"};
    std::string& list = isTls13[suite] ? tls13 : tls12;
    list += (list.empty() ? "" : ":") + found->second;
  }
  // A protocol none of the listed suites belongs to cannot be negotiated: leave it out, as Java does.
  if (tls12.empty()) minVersion = std::max(minVersion, TLS1_3_VERSION);
  else if (SSL_CTX_set_cipher_list(&ctx, tls12.c_str()) != 1) return Error{"ssl.cipher.suites: " + opensslError()};
  if (tls13.empty()) maxVersion = std::min(maxVersion, TLS1_2_VERSION);
  else if (SSL_CTX_set_ciphersuites(&ctx, tls13.c_str()) != 1) return Error{"ssl.cipher.suites: " + opensslError()};
  if (minVersion > maxVersion)
    return Error{"ssl.cipher.suites: no listed suite belongs to a protocol ssl.enabled.protocols enables"};
  return true;
}

}  // namespace

bool TlsContext::FileStamp::operator==(const FileStamp& o) const {
  return exists == o.exists && mtime.tv_sec == o.mtime.tv_sec && mtime.tv_nsec == o.mtime.tv_nsec && size == o.size &&
         inode == o.inode;
}

TlsContext::FileStamp TlsContext::stampOf(const std::string& path) {
  FileStamp stamp;
  struct stat st {};
  if (path.empty() || ::stat(path.c_str(), &st) != 0) return stamp;
  stamp.exists = true;
  stamp.mtime = st.st_mtim;
  stamp.size = st.st_size;
  stamp.inode = st.st_ino;
  return stamp;
}

Result<std::shared_ptr<TlsContext>> TlsContext::create(TlsSettings settings) {
  auto context = std::make_shared<TlsContext>(std::move(settings));
  context->keystoreStamp_ = stampOf(context->settings_.keystoreLocation);
  context->truststoreStamp_ = stampOf(context->settings_.truststoreLocation);
  auto material = loadMaterial(context->settings_);
  if (!material.ok()) return Error{material.error()};
  context->material_ = material.value();
  return context;
}

TlsContext::~TlsContext() = default;

std::shared_ptr<const TlsMaterial> TlsContext::current() {
  std::lock_guard<std::mutex> lock(mutex_);
  FileStamp keystore = stampOf(settings_.keystoreLocation);
  FileStamp truststore = stampOf(settings_.truststoreLocation);
  if (keystore == keystoreStamp_ && truststore == truststoreStamp_) return material_;
  keystoreStamp_ = keystore;
  truststoreStamp_ = truststore;
  auto loaded = loadMaterial(settings_);
  if (!loaded.ok()) {
    // Half-written files are common while a certificate is renewed: keep serving the last good one.
    logger("sluice.rest")->warn("TLS stores changed but cannot be loaded, keeping the previous ones: {}", loaded.error());
    return material_;
  }
  material_ = loaded.value();
  logger("sluice.rest")->info("TLS stores reloaded from {}{}", settings_.keystoreLocation,
                              settings_.truststoreLocation.empty() ? "" : " and " + settings_.truststoreLocation);
  return material_;
}

int TlsContext::onHandshake(SSL* ssl, void* self) {
  auto material = static_cast<TlsContext*>(self)->current();
  if (!material) return 0;
  if (SSL_use_cert_and_key(ssl, material->cert, material->key, material->chain, 1) != 1) return 0;
  if (material->trust) {
    SSL_set1_verify_cert_store(ssl, material->trust);
    SSL_set_client_CA_list(ssl, SSL_dup_CA_list(material->clientCas));
  }
  return 1;
}

bool TlsContext::configure(SSL_CTX& ctx) {
  int minVersion = TLS1_3_VERSION, maxVersion = TLS1_2_VERSION;
  for (const auto& p : settings_.enabledProtocols) {
    minVersion = std::min(minVersion, protocolVersion(p));
    maxVersion = std::max(maxVersion, protocolVersion(p));
  }
  auto ciphers = applyCipherSuites(ctx, settings_.cipherSuites, minVersion, maxVersion);
  if (!ciphers.ok()) {
    configureError_ = ciphers.error();
    return false;
  }
  SSL_CTX_set_min_proto_version(&ctx, minVersion);
  SSL_CTX_set_max_proto_version(&ctx, maxVersion);
  SSL_CTX_set_options(&ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  int verify = SSL_VERIFY_NONE;
  if (settings_.clientAuth == ClientAuth::Requested) verify = SSL_VERIFY_PEER;
  if (settings_.clientAuth == ClientAuth::Required) verify = SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
  SSL_CTX_set_verify(&ctx, verify, nullptr);
  static const unsigned char kSessionContext[] = "sluice-rest";  // resumed sessions need one with client auth
  SSL_CTX_set_session_id_context(&ctx, kSessionContext, sizeof kSessionContext - 1);
  SSL_CTX_set_cert_cb(&ctx, &TlsContext::onHandshake, this);
  return true;
}

std::string clientCertificateCommonName(const SSL* ssl) {
  if (!ssl) return "";
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (!cert) return "";
  std::string cn;
  if (SSL_get_verify_result(ssl) == X509_V_OK) {
    X509_NAME* subject = X509_get_subject_name(cert);
    int at = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
    if (at >= 0) {
      unsigned char* utf8 = nullptr;
      int len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, at)));
      if (len > 0) cn.assign(reinterpret_cast<char*>(utf8), static_cast<size_t>(len));
      OPENSSL_free(utf8);
    }
  }
  X509_free(cert);
  return cn;
}

}  // namespace sluice
