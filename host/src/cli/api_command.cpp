#include "cli/api_command.hpp"

#include <openssl/x509.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include <httplib.h>

namespace sluice {

namespace {

struct ApiOptions {
  std::string method;
  std::string path;
  std::string url;
  std::string data;
  std::string user;
  std::string password;
  std::string caCert;
  std::string cert;
  std::string key;
};

std::string fromEnv(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

// "--data @file" reads the body from a file, as curl does.
bool readBody(const std::string& data, std::string& body) {
  if (data.empty() || data[0] != '@') {
    body = data;
    return true;
  }
  std::ifstream in(data.substr(1), std::ios::binary);
  if (!in) return false;
  std::stringstream text;
  text << in.rdbuf();
  body = text.str();
  return true;
}

int runApi(const ApiOptions& o) {
  std::string body;
  if (!readBody(o.data, body)) {
    std::cerr << "sluice: --data " << o.data << ": cannot read the file\n";
    return 1;
  }
  bool https = o.url.rfind("https://", 0) == 0;
  if (!https && o.url.rfind("http://", 0) != 0) {
    std::cerr << "sluice: --url " << o.url << ": use http://host:port or https://host:port\n";
    return 1;
  }
  if (o.cert.empty() != o.key.empty()) {
    std::cerr << "sluice: --cert and --key go together (the client certificate and its private key)\n";
    return 1;
  }
  // A worker that refuses the handshake (no client certificate) closes the socket while the request
  // is written; OpenSSL's write(2) would end this process with SIGPIPE instead of reporting it.
  std::signal(SIGPIPE, SIG_IGN);
  auto client = o.cert.empty() ? std::make_unique<httplib::Client>(o.url)
                               : std::make_unique<httplib::Client>(o.url, o.cert, o.key);
  if (!client->is_valid()) {
    std::cerr << "sluice: cannot make a client for " << o.url << (o.cert.empty() ? "" : " (unreadable --cert/--key?)") << "\n";
    return 1;
  }
  client->set_connection_timeout(10, 0);
  client->set_read_timeout(60, 0);
  if (https) {
    client->enable_server_certificate_verification(true);
    if (!o.caCert.empty()) client->set_ca_cert_path(o.caCert);
  }
  if (!o.user.empty()) client->set_basic_auth(o.user, o.password);
  const char* type = "application/json";
  httplib::Result result{nullptr, httplib::Error::Unknown};
  if (o.method == "GET") result = client->Get(o.path);
  else if (o.method == "POST") result = client->Post(o.path, body, type);
  else if (o.method == "PUT") result = client->Put(o.path, body, type);
  else if (o.method == "PATCH") result = client->Patch(o.path, body, type);
  else if (o.method == "DELETE") result = client->Delete(o.path, body, type);
  if (!result) {
    std::cerr << "sluice: " << o.method << " " << o.url << o.path << " failed: " << httplib::to_string(result.error());
    long verify = client->get_openssl_verify_result();
    if (https && verify != X509_V_OK) std::cerr << " (certificate: " << X509_verify_cert_error_string(verify) << ")";
    std::cerr << "\n";
    return 1;
  }
  std::cout << result->body << (result->body.empty() || result->body.back() == '\n' ? "" : "\n");
  if (result->status >= 400) {
    std::cerr << "sluice: " << o.method << " " << o.path << " answered HTTP " << result->status << "\n";
    return 1;
  }
  return 0;
}

}  // namespace

void addApiCommand(CLI::App& app) {
  auto o = std::make_shared<ApiOptions>();
  auto* cmd = app.add_subcommand("api", "Send one request to a worker's REST API (http or https, with credentials)");
  cmd->add_option("method", o->method, "GET, POST, PUT, PATCH or DELETE")
      ->required()
      ->check(CLI::IsMember({"GET", "POST", "PUT", "PATCH", "DELETE"}));
  cmd->add_option("path", o->path, "Path, e.g. /connectors")->required();
  cmd->add_option("--url", o->url, "Worker address (env SLUICE_URL)")->default_str("http://127.0.0.1:8083");
  cmd->add_option("--data", o->data, "Request body, or @file to read it from a file");
  cmd->add_option("--user", o->user, "HTTP Basic user (env SLUICE_REST_USER)");
  cmd->add_option("--password", o->password, "HTTP Basic password (env SLUICE_REST_PASSWORD, which keeps it out of ps)");
  cmd->add_option("--cacert", o->caCert, "CA certificate file (PEM) the worker's certificate must chain to (env SLUICE_REST_CACERT)");
  cmd->add_option("--cert", o->cert, "Client certificate (PEM) for ssl.client.auth (env SLUICE_REST_CERT)");
  cmd->add_option("--key", o->key, "The client certificate's private key (PEM) (env SLUICE_REST_KEY)");
  cmd->callback([o] {
    // Flags win over the environment, so a script can set credentials once and override them per call.
    auto orEnv = [](std::string& value, const char* env, const std::string& fallback = "") {
      if (value.empty()) value = fromEnv(env);
      if (value.empty()) value = fallback;
    };
    orEnv(o->url, "SLUICE_URL", "http://127.0.0.1:8083");
    orEnv(o->user, "SLUICE_REST_USER");
    orEnv(o->password, "SLUICE_REST_PASSWORD");
    orEnv(o->caCert, "SLUICE_REST_CACERT");
    orEnv(o->cert, "SLUICE_REST_CERT");
    orEnv(o->key, "SLUICE_REST_KEY");
    int rc = runApi(*o);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace sluice
