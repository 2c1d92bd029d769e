#pragma once
// The credentials file of Connect's BasicAuthSecurityRestExtension: the Java properties file its
// PropertyFileLoginModule reads, one "user: password" (or "user=password") per line, '#' and '!'
// comment lines. A password may also be a crypt(3) hash ("$6$salt$..." from `mkpasswd -m sha-512`,
// "$y$..." yescrypt, "$2b$..." bcrypt, "$5$..." SHA-256), checked with libcrypt. The file is read
// again when it changes, so users can be added or removed without a restart.
#include <sys/stat.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "common/result.hpp"

namespace sluice {

class CredentialsFile {
 public:
  // Reads the file now: a missing or unreadable file stops the start.
  static Result<std::unique_ptr<CredentialsFile>> open(const std::string& path);

  // Whether `user` is listed with `password` (plain text compared in constant time, or a hash).
  bool verify(const std::string& user, const std::string& password);

  explicit CredentialsFile(std::string path) : path_(std::move(path)) {}

 private:
  Result<std::map<std::string, std::string>> read() const;
  void reloadIfChanged();  // with mutex_ held

  std::string path_;
  std::mutex mutex_;  // request threads verify concurrently
  std::map<std::string, std::string> passwords_;
  timespec mtime_{};
  off_t size_ = 0;
  ino_t inode_ = 0;
};

// "Basic dXNlcjpwYXNz" -> {"user", "pass"} (RFC 7617); false when the header is not Basic or not
// valid base64 with a colon.
bool parseBasicAuthorization(const std::string& header, std::string& user, std::string& password);

}  // namespace sluice
