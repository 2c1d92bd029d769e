#include "provision/http_client.hpp"

// Plain function declarations, no type-checking macros: the functions are called through pointers.
#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>
#include <dlfcn.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <type_traits>

namespace sluice {

namespace {

// libcurl, loaded on first use instead of linked: only `sluice provision` talks HTTP as a client,
// and linked into the executable libcurl maps ~25 libraries (3.7 MiB of RSS) into every worker.
struct Curl {
  decltype(&curl_global_init) global_init = nullptr;
  decltype(&curl_easy_init) easy_init = nullptr;
  decltype(&curl_easy_setopt) easy_setopt = nullptr;
  decltype(&curl_easy_perform) easy_perform = nullptr;
  decltype(&curl_easy_getinfo) easy_getinfo = nullptr;
  decltype(&curl_easy_cleanup) easy_cleanup = nullptr;
  decltype(&curl_easy_strerror) easy_strerror = nullptr;
  decltype(&curl_slist_append) slist_append = nullptr;
  decltype(&curl_slist_free_all) slist_free_all = nullptr;
};

// The loaded library, or nullptr with the reason in `error`. Loaded once and never unloaded.
const Curl* loadCurl(std::string& error) {
  static std::once_flag once;
  static Curl curl;
  static std::string loadError;
  std::call_once(once, [] {
    void* lib = ::dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
      loadError = std::string("cannot load libcurl (install libcurl4): ") + ::dlerror();
      return;
    }
    auto bind = [&](auto& fn, const char* name) {
      fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(::dlsym(lib, name));
      if (!fn && loadError.empty()) loadError = std::string("libcurl lacks ") + name;
    };
    bind(curl.global_init, "curl_global_init");
    bind(curl.easy_init, "curl_easy_init");
    bind(curl.easy_setopt, "curl_easy_setopt");
    bind(curl.easy_perform, "curl_easy_perform");
    bind(curl.easy_getinfo, "curl_easy_getinfo");
    bind(curl.easy_cleanup, "curl_easy_cleanup");
    bind(curl.easy_strerror, "curl_easy_strerror");
    bind(curl.slist_append, "curl_slist_append");
    bind(curl.slist_free_all, "curl_slist_free_all");
    if (loadError.empty()) curl.global_init(CURL_GLOBAL_DEFAULT);
  });
  error = loadError;
  return loadError.empty() ? &curl : nullptr;
}

size_t appendBody(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

}  // namespace

std::string joinUrl(const std::string& base, const std::string& path) {
  std::string b = base;
  while (!b.empty() && b.back() == '/') b.pop_back();
  return b + (path.starts_with("/") ? path : "/" + path);
}

HttpResponse HttpClient::get(const std::string& url, const Headers& headers) const {
  return perform("GET", url, nullptr, headers);
}

HttpResponse HttpClient::post(const std::string& url, const std::string& body, const Headers& headers) const {
  return perform("POST", url, &body, headers);
}

HttpResponse HttpClient::perform(const std::string& method, const std::string& url, const std::string* body,
                                 const Headers& headers) const {
  HttpResponse r;
  const Curl* curl = loadCurl(r.error);
  if (!curl) return r;
  std::unique_ptr<CURL, decltype(curl->easy_cleanup)> handle(curl->easy_init(), curl->easy_cleanup);
  if (!handle) {
    r.error = "curl_easy_init failed";
    return r;
  }
  curl_slist* list = nullptr;
  for (const auto& [k, v] : headers) list = curl->slist_append(list, (k + ": " + v).c_str());
  std::unique_ptr<curl_slist, decltype(curl->slist_free_all)> listGuard(list, curl->slist_free_all);
  char errbuf[CURL_ERROR_SIZE] = {0};
  CURL* h = handle.get();
  curl->easy_setopt(h, CURLOPT_URL, url.c_str());
  curl->easy_setopt(h, CURLOPT_HTTPHEADER, list);
  curl->easy_setopt(h, CURLOPT_WRITEFUNCTION, appendBody);
  curl->easy_setopt(h, CURLOPT_WRITEDATA, &r.body);
  curl->easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  curl->easy_setopt(h, CURLOPT_TIMEOUT_MS, timeoutMs_);
  curl->easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, std::min<long>(timeoutMs_, 10000));
  curl->easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  if (method == "POST") {
    curl->easy_setopt(h, CURLOPT_POST, 1L);
    curl->easy_setopt(h, CURLOPT_POSTFIELDS, body->data());
    curl->easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
  }
  CURLcode rc = curl->easy_perform(h);
  if (rc != CURLE_OK) {
    r.error = errbuf[0] != '\0' ? std::string(errbuf) : curl->easy_strerror(rc);
    // Refused, reset or an empty reply all mean the server is starting or restarting: worth retrying.
    r.refused = rc == CURLE_COULDNT_CONNECT || rc == CURLE_RECV_ERROR || rc == CURLE_SEND_ERROR || rc == CURLE_GOT_NOTHING;
    return r;
  }
  r.connected = true;
  curl->easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r.status);
  return r;
}

}  // namespace sluice
