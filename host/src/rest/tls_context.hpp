#pragma once
// TlsContext: the https listener's OpenSSL side. It loads the keystore (PEM or PKCS12: key plus
// certificate chain) and the truststore (CAs for client certificates), configures an SSL_CTX from
// Connect's ssl.* settings, and serves each handshake the newest key and certificates: when a store
// file changes on disk, the next handshake loads it again (a store that fails to load keeps the old
// one and is logged), so renewed certificates take effect without a restart.
#include <sys/stat.h>

#include <memory>
#include <mutex>
#include <string>

#include "common/result.hpp"
#include "config/rest_security_config.hpp"

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;

namespace sluice {

struct TlsMaterial;  // key, chain, trust store (tls_context.cpp)

class TlsContext {
 public:
  // Loads both stores now, so a wrong path, password or key/certificate mismatch stops the start.
  static Result<std::shared_ptr<TlsContext>> create(TlsSettings settings);
  ~TlsContext();

  // Protocols, ciphers, client verification and the per-handshake certificate callback. httplib's
  // SSLServer calls it with its fresh SSL_CTX; the error is kept for configureError().
  bool configure(SSL_CTX& ctx);
  const std::string& configureError() const { return configureError_; }

  explicit TlsContext(TlsSettings settings) : settings_(std::move(settings)) {}

 private:
  struct FileStamp {
    bool exists = false;
    timespec mtime{};
    off_t size = 0;
    ino_t inode = 0;
    bool operator==(const FileStamp& o) const;
  };
  static FileStamp stampOf(const std::string& path);
  static int onHandshake(SSL* ssl, void* self);  // SSL_CTX_set_cert_cb
  std::shared_ptr<const TlsMaterial> current();

  TlsSettings settings_;
  std::string configureError_;
  std::mutex mutex_;  // guards the two below: handshakes run on several httplib threads
  std::shared_ptr<const TlsMaterial> material_;
  FileStamp keystoreStamp_, truststoreStamp_;
};

// The subject's common name of the verified client certificate of this connection; "" when none.
std::string clientCertificateCommonName(const SSL* ssl);

}  // namespace sluice
