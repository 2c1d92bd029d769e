#include "rest/basic_auth.hpp"

#include <crypt.h>
#include <strings.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>

#include <sluice/text.hpp>

#include "common/logging.hpp"

namespace sluice {

namespace {

bool sameBytes(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// "$<id>$..." as crypt(3) writes hashes; anything else is a plain password, as Connect reads it.
bool isCryptHash(const std::string& stored) {
  if (stored.size() < 4 || stored[0] != '$') return false;
  auto second = stored.find('$', 1);
  return second != std::string::npos && second > 1 && second < 4;
}

bool passwordMatches(const std::string& stored, const std::string& given) {
  if (!isCryptHash(stored)) return sameBytes(stored, given);
  auto data = std::make_unique<crypt_data>();  // ~32 KB: not on a request thread's stack
  const char* hashed = crypt_rn(given.c_str(), stored.c_str(), data.get(), static_cast<int>(sizeof(crypt_data)));
  return hashed != nullptr && hashed[0] != '*' && sameBytes(stored, hashed);
}

}  // namespace

Result<std::unique_ptr<CredentialsFile>> CredentialsFile::open(const std::string& path) {
  auto file = std::make_unique<CredentialsFile>(path);
  auto passwords = file->read();
  if (!passwords.ok()) return Error{passwords.error()};
  file->passwords_ = std::move(passwords.value());
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    file->mtime_ = st.st_mtim;
    file->size_ = st.st_size;
    file->inode_ = st.st_ino;
  }
  return file;
}

Result<std::map<std::string, std::string>> CredentialsFile::read() const {
  std::ifstream in(path_);
  if (!in) return Error{"REST credentials file " + path_ + " cannot be read"};
  std::map<std::string, std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    std::string text = trim(line);
    if (text.empty() || text[0] == '#' || text[0] == '!') continue;
    // java.util.Properties: the key ends at the first '=', ':' or white space; one separator follows.
    size_t end = text.find_first_of("=: \t");
    if (end == std::string::npos) {
      out[text] = "";
      continue;
    }
    std::string user = text.substr(0, end);
    size_t valueAt = text.find_first_not_of(" \t", end);
    if (valueAt != std::string::npos && (text[valueAt] == '=' || text[valueAt] == ':')) ++valueAt;
    std::string password = valueAt < text.size() ? trim(text.substr(valueAt)) : "";
    out[user] = password;
  }
  return out;
}

void CredentialsFile::reloadIfChanged() {
  struct stat st {};
  if (::stat(path_.c_str(), &st) != 0) return;  // gone for a moment (replaced): keep the last users
  if (st.st_mtim.tv_sec == mtime_.tv_sec && st.st_mtim.tv_nsec == mtime_.tv_nsec && st.st_size == size_ &&
      st.st_ino == inode_)
    return;
  mtime_ = st.st_mtim;
  size_ = st.st_size;
  inode_ = st.st_ino;
  auto passwords = read();
  if (!passwords.ok()) {
    logger("sluice.rest")->warn("{}; keeping the users read before", passwords.error());
    return;
  }
  passwords_ = std::move(passwords.value());
  logger("sluice.rest")->info("REST credentials reloaded from {} ({} users)", path_, passwords_.size());
}

bool CredentialsFile::verify(const std::string& user, const std::string& password) {
  std::string stored;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    reloadIfChanged();
    auto found = passwords_.find(user);
    if (found == passwords_.end()) return false;
    stored = found->second;
  }
  return passwordMatches(stored, password);  // hashing outside the lock: it takes milliseconds
}

bool parseBasicAuthorization(const std::string& header, std::string& user, std::string& password) {
  std::string value = trim(header);
  if (value.size() < 6 || strncasecmp(value.c_str(), "Basic ", 6) != 0) return false;
  std::string encoded = trim(value.substr(6));
  if (encoded.empty() || encoded.size() % 4 != 0 || encoded.size() > 4096) return false;
  std::string decoded(encoded.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(decoded.data()),
                          reinterpret_cast<const unsigned char*>(encoded.data()), static_cast<int>(encoded.size()));
  if (n < 0) return false;
  size_t padding = encoded.size() - encoded.find_last_not_of('=') - 1;  // EVP_DecodeBlock counts '=' as zero bytes
  decoded.resize(static_cast<size_t>(n) - std::min(padding, static_cast<size_t>(2)));
  auto colon = decoded.find(':');
  if (colon == std::string::npos) return false;
  user = decoded.substr(0, colon);
  password = decoded.substr(colon + 1);
  return true;
}

}  // namespace sluice
