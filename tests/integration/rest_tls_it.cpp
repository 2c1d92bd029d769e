// The REST API over TLS and behind authentication, as a user runs it: a real `sluice worker`,
// certificates made with the openssl command in a temporary folder, and curl and `sluice api` as
// clients. https beside http, PEM and PKCS12 keystores, a wrong CA refused, a required client
// certificate, a renewed certificate served without a restart, HTTP Basic from Connect's JAAS
// PropertyFileLoginModule file (plain and crypt(3) passwords), 401/403, client certificates mapped
// to roles, and the audit line of every change.
#include <sys/wait.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "process_support.hpp"

namespace sluice::testing {
namespace {

struct Command {
  int exitCode = -1;
  std::string output;  // stdout and stderr
};

Command run(const std::string& shell) {
  Command c;
  FILE* p = ::popen((shell + " 2>&1").c_str(), "r");
  if (!p) return c;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) c.output.append(buf, n);
  int status = ::pclose(p);
  c.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return c;
}

std::string shellQuoted(const std::string& s) { return "'" + s + "'"; }

void writeText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

// A CA and the certificates it signs, made by the openssl command (EC P-256 keys: fast to make).
class Pki {
 public:
  explicit Pki(const TempDir& dir) : dir_(dir) {}

  std::string makeCa(const std::string& name) {
    auto c = run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=" + name +
                 " -keyout " + shellQuoted(file(name + ".key")) + " -out " + shellQuoted(file(name + ".crt")));
    EXPECT_EQ(c.exitCode, 0) << c.output;
    return file(name + ".crt");
  }

  // <name>.key, <name>.crt (signed by `ca`, for 127.0.0.1) and <name>.pem (key + certificate, a PEM keystore).
  std::string makeCert(const std::string& ca, const std::string& name, const std::string& cn) {
    writeText(file(name + ".ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    auto c = run("openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=" + cn + " -keyout " +
                 shellQuoted(file(name + ".key")) + " -out " + shellQuoted(file(name + ".csr")) + " && openssl x509 -req -days 2 -in " +
                 shellQuoted(file(name + ".csr")) + " -CA " + shellQuoted(file(ca + ".crt")) + " -CAkey " + shellQuoted(file(ca + ".key")) +
                 " -CAcreateserial -extfile " + shellQuoted(file(name + ".ext")) + " -out " + shellQuoted(file(name + ".crt")));
    EXPECT_EQ(c.exitCode, 0) << c.output;
    writeText(file(name + ".pem"), readFile(file(name + ".key")) + readFile(file(name + ".crt")));
    return file(name + ".pem");
  }

  // A PKCS12 truststore: the CA's certificate only, no key.
  std::string makePkcs12Truststore(const std::string& ca, const std::string& password) {
    auto c = run("openssl pkcs12 -export -nokeys -in " + shellQuoted(file(ca + ".crt")) + " -passout pass:" + password +
                 " -out " + shellQuoted(file(ca + "-trust.p12")));
    EXPECT_EQ(c.exitCode, 0) << c.output;
    return file(ca + "-trust.p12");
  }

  std::string makePkcs12(const std::string& name, const std::string& password) {
    auto c = run("openssl pkcs12 -export -inkey " + shellQuoted(file(name + ".key")) + " -in " + shellQuoted(file(name + ".crt")) +
                 " -passout pass:" + password + " -out " + shellQuoted(file(name + ".p12")));
    EXPECT_EQ(c.exitCode, 0) << c.output;
    return file(name + ".p12");
  }

  std::string file(const std::string& name) const { return dir_.file(name); }

 private:
  const TempDir& dir_;
};

// The port of the worker's "REST API listening on <scheme>://host:port" line; 0 if none appeared.
int listenerPort(WorkerProcess& worker, const std::string& scheme) {
  int port = 0;
  eventually([&] {
    std::smatch m;
    std::string text = worker.log();
    if (std::regex_search(text, m, std::regex("REST API listening on " + scheme + "://[^:]+:([0-9]+)"))) port = std::stoi(m[1]);
    return port != 0 || worker.exited();
  });
  return port;
}

std::string startWorker(const TempDir& dir, const std::map<std::string, std::string>& extra) {
  std::map<std::string, std::string> values = {
      {"listeners", "http://127.0.0.1:0"},
      {"plugin.path", SLUICE_FIXTURE_DIR},
      {"bootstrap.servers", "127.0.0.1:1"},  // never contacted by the no-op pipelines
  };
  for (const auto& [k, v] : extra) values[k] = v;
  std::string path = dir.file("worker.yaml");
  writeWorkerConfig(path, values);
  return path;
}

struct Curl {
  int exitCode = -1;
  int status = 0;
  std::string body;
  std::string headers;
  std::string output;
};

// curl with `args`; the status, body and headers of the answer (status 0 when there was none).
Curl curl(const TempDir& dir, const std::string& args) {
  Curl r;
  auto c = run("curl -sS --max-time 30 -o " + shellQuoted(dir.file("curl.body")) + " -D " + shellQuoted(dir.file("curl.headers")) +
               " -w '%{http_code}' " + args);
  r.exitCode = c.exitCode;
  r.output = c.output;
  auto digits = c.output.size() >= 3 ? c.output.substr(c.output.size() - 3) : "";
  r.status = std::all_of(digits.begin(), digits.end(), ::isdigit) && !digits.empty() ? std::stoi(digits) : 0;
  r.body = readFile(dir.file("curl.body"));
  r.headers = readFile(dir.file("curl.headers"));
  std::filesystem::remove(dir.file("curl.body"));
  std::filesystem::remove(dir.file("curl.headers"));
  return r;
}

std::string url(const std::string& scheme, int port, const std::string& path) {
  return scheme + "://127.0.0.1:" + std::to_string(port) + path;
}

Command sluiceApi(const std::string& args, const std::string& env = "") {
  return run(env + " " + std::string(SLUICE_BINARY) + " api " + args);
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// {"error_code": status, "message": ...}, Connect's error body.
bool errorShape(const Curl& r, int status) {
  auto body = json::parse(r.body, nullptr, false);
  return r.status == status && body.is_object() && body.value("error_code", 0) == status && body.contains("message");
}

TEST(RestTls, HttpsListenerServesTlsBesideHttp) {
  TempDir dir;
  Pki pki(dir);
  std::string ca = pki.makeCa("ca");
  std::string keystore = pki.makeCert("ca", "server", "localhost");
  WorkerProcess worker(startWorker(dir, {{"listeners", "\"http://127.0.0.1:0,https://127.0.0.1:0\""},
                                         {"listeners.https.ssl.keystore.location", keystore}}),
                       dir.file("worker.log"));
  int https = listenerPort(worker, "https");
  int http = listenerPort(worker, "http");
  ASSERT_GT(https, 0) << worker.log();
  ASSERT_GT(http, 0) << worker.log();

  auto secure = curl(dir, "--cacert " + shellQuoted(ca) + " " + url("https", https, "/"));
  EXPECT_EQ(secure.status, 200) << secure.output << worker.log();
  EXPECT_TRUE(json::parse(secure.body, nullptr, false).contains("version")) << secure.body;
  auto plain = curl(dir, url("http", http, "/"));
  EXPECT_EQ(plain.status, 200) << plain.output;
  // Plain HTTP to the TLS port is no HTTP exchange at all: TLS is really served there.
  auto plainToTls = curl(dir, url("http", https, "/"));
  EXPECT_NE(plainToTls.status, 200) << plainToTls.output;

  auto cli = sluiceApi("GET /connectors --url " + url("https", https, "") + " --cacert " + shellQuoted(ca));
  EXPECT_EQ(cli.exitCode, 0) << cli.output;
  EXPECT_TRUE(contains(cli.output, "[]")) << cli.output;
}

TEST(RestTls, WrongCaIsRefusedByCurlAndTheCli) {
  TempDir dir;
  Pki pki(dir);
  pki.makeCa("ca");
  std::string otherCa = pki.makeCa("other");
  std::string keystore = pki.makeCert("ca", "server", "localhost");
  WorkerProcess worker(startWorker(dir, {{"listeners", "https://127.0.0.1:0"}, {"ssl.keystore.location", keystore}}),
                       dir.file("worker.log"));
  int https = listenerPort(worker, "https");
  ASSERT_GT(https, 0) << worker.log();

  auto r = curl(dir, "--cacert " + shellQuoted(otherCa) + " " + url("https", https, "/"));
  EXPECT_EQ(r.exitCode, 60) << r.output;  // curl: "SSL certificate problem"
  EXPECT_EQ(r.status, 0) << r.output;
  auto cli = sluiceApi("GET / --url " + url("https", https, "") + " --cacert " + shellQuoted(otherCa));
  EXPECT_EQ(cli.exitCode, 1) << cli.output;
  EXPECT_TRUE(contains(cli.output, "certificate")) << cli.output;
}

TEST(RestTls, Pkcs12StoresWithRequiredClientCertificate) {
  TempDir dir;
  Pki pki(dir);
  std::string ca = pki.makeCa("ca");
  pki.makeCa("clients");
  pki.makeCa("strangers");
  pki.makeCert("ca", "server", "localhost");
  std::string keystore = pki.makePkcs12("server", "store-secret");
  std::string truststore = pki.makePkcs12Truststore("clients", "trust-secret");
  pki.makeCert("clients", "alice", "alice");
  pki.makeCert("strangers", "mallory", "mallory");
  WorkerProcess worker(startWorker(dir, {{"listeners", "https://127.0.0.1:0"},
                                         {"listeners.https.ssl.keystore.type", "PKCS12"},
                                         {"listeners.https.ssl.keystore.location", keystore},
                                         {"listeners.https.ssl.keystore.password", "store-secret"},
                                         {"listeners.https.ssl.truststore.type", "PKCS12"},
                                         {"listeners.https.ssl.truststore.location", truststore},
                                         {"listeners.https.ssl.truststore.password", "trust-secret"},
                                         {"listeners.https.ssl.client.auth", "required"}}),
                       dir.file("worker.log"));
  int https = listenerPort(worker, "https");
  ASSERT_GT(https, 0) << worker.log();
  const std::string base = "--cacert " + shellQuoted(ca) + " ";

  auto noCert = curl(dir, base + url("https", https, "/"));
  EXPECT_NE(noCert.exitCode, 0) << noCert.output;
  EXPECT_EQ(noCert.status, 0) << noCert.output;
  auto stranger = curl(dir, base + "--cert " + shellQuoted(pki.file("mallory.crt")) + " --key " + shellQuoted(pki.file("mallory.key")) +
                                " " + url("https", https, "/"));
  EXPECT_EQ(stranger.status, 0) << stranger.output;
  auto alice = curl(dir, base + "--cert " + shellQuoted(pki.file("alice.crt")) + " --key " + shellQuoted(pki.file("alice.key")) + " " +
                             url("https", https, "/"));
  EXPECT_EQ(alice.status, 200) << alice.output << worker.log();

  auto cli = sluiceApi("GET /connectors --url " + url("https", https, "") + " --cacert " + shellQuoted(ca),
                       "SLUICE_REST_CERT=" + shellQuoted(pki.file("alice.crt")) + " SLUICE_REST_KEY=" + shellQuoted(pki.file("alice.key")));
  EXPECT_EQ(cli.exitCode, 0) << cli.output;
  auto cliNoCert = sluiceApi("GET /connectors --url " + url("https", https, "") + " --cacert " + shellQuoted(ca));
  EXPECT_EQ(cliNoCert.exitCode, 1) << cliNoCert.output;
}

TEST(RestTls, ChangedCertificateIsServedWithoutRestart) {
  TempDir dir;
  Pki pki(dir);
  std::string firstCa = pki.makeCa("first");
  std::string secondCa = pki.makeCa("second");
  std::string keystore = pki.makeCert("first", "server", "localhost");
  WorkerProcess worker(startWorker(dir, {{"listeners", "https://127.0.0.1:0"}, {"ssl.keystore.location", keystore}}),
                       dir.file("worker.log"));
  int https = listenerPort(worker, "https");
  ASSERT_GT(https, 0) << worker.log();
  ASSERT_EQ(curl(dir, "--cacert " + shellQuoted(firstCa) + " " + url("https", https, "/")).status, 200) << worker.log();

  // Renewed by another CA, written beside the keystore and renamed over it, as certificate tools do.
  std::string renewed = pki.makeCert("second", "renewed", "localhost");
  std::filesystem::rename(renewed, keystore);
  EXPECT_TRUE(eventually([&] { return curl(dir, "--cacert " + shellQuoted(secondCa) + " " + url("https", https, "/")).status == 200; }))
      << worker.log();
  EXPECT_EQ(curl(dir, "--cacert " + shellQuoted(firstCa) + " " + url("https", https, "/")).exitCode, 60);
  EXPECT_FALSE(worker.exited());
}

// admin's password is a crypt(3) SHA-512 hash, reader's is plain text, as PropertyFileLoginModule files hold.
std::string writeCredentials(Pki& pki) {
  auto hash = run("openssl passwd -6 -salt s4ltS4lt admin-secret");
  EXPECT_EQ(hash.exitCode, 0) << hash.output;
  std::string hashed = hash.output.substr(0, hash.output.find('\n'));
  std::string path = pki.file("credentials.properties");
  writeText(path, "# user: password\nadmin: " + hashed + "\nreader=reader-secret\n");
  return path;
}

TEST(RestAuth, BasicAuthFromConnectsJaasFileAnswers401WithoutCredentials) {
  TempDir dir;
  Pki pki(dir);
  std::string credentials = writeCredentials(pki);
  writeText(pki.file("jaas.conf"), "KafkaConnect {\n  org.apache.kafka.connect.rest.basic.auth.extension.PropertyFileLoginModule "
                                   "required\n  file=\"" + credentials + "\";\n};\n");
  WorkerProcess worker(
      startWorker(dir, {{"rest.extension.classes", "org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension"},
                        {"java.security.auth.login.config", pki.file("jaas.conf")}}),
      dir.file("worker.log"));
  int http = listenerPort(worker, "http");
  ASSERT_GT(http, 0) << worker.log();

  auto anonymous = curl(dir, url("http", http, "/connectors"));
  EXPECT_TRUE(errorShape(anonymous, 401)) << anonymous.output << " " << anonymous.body;
  EXPECT_TRUE(contains(anonymous.headers, "WWW-Authenticate: Basic realm=\"Sluice\"")) << anonymous.headers;
  auto wrong = curl(dir, "-u admin:guess " + url("http", http, "/connectors"));
  EXPECT_TRUE(errorShape(wrong, 401)) << wrong.output;
  auto hashed = curl(dir, "-u admin:admin-secret " + url("http", http, "/connectors"));
  EXPECT_EQ(hashed.status, 200) << hashed.output << hashed.body;
  auto plain = curl(dir, "-u reader:reader-secret " + url("http", http, "/connectors"));
  EXPECT_EQ(plain.status, 200) << plain.output << plain.body;

  std::string api = "GET /connectors --url " + url("http", http, "");
  auto cli = sluiceApi(api, "SLUICE_REST_USER=admin SLUICE_REST_PASSWORD=admin-secret");
  EXPECT_EQ(cli.exitCode, 0) << cli.output;
  auto cliFlags = sluiceApi(api + " --user reader --password reader-secret");
  EXPECT_EQ(cliFlags.exitCode, 0) << cliFlags.output;
  auto cliAnonymous = sluiceApi(api);
  EXPECT_EQ(cliAnonymous.exitCode, 1) << cliAnonymous.output;
  EXPECT_TRUE(contains(cliAnonymous.output, "401")) << cliAnonymous.output;
}

TEST(RestAuth, ReadOnlyUserGets403ForPostAndEveryChangeIsAudited) {
  TempDir dir;
  Pki pki(dir);
  WorkerProcess worker(startWorker(dir, {{"rest.auth.credentials.file", writeCredentials(pki)},
                                         {"rest.auth.admin.principals", "admin"},
                                         {"rest.auth.readonly.principals", "reader"}}),
                       dir.file("worker.log"));
  int http = listenerPort(worker, "http");
  ASSERT_GT(http, 0) << worker.log();
  writeText(dir.file("source.json"), json{{"name", "audited"}, {"config", srcCfg("audited")}}.dump());
  const std::string post = "-X POST -H 'Content-Type: application/json' --data-binary @" + shellQuoted(dir.file("source.json")) + " ";

  EXPECT_EQ(curl(dir, "-u reader:reader-secret " + url("http", http, "/connectors")).status, 200);
  auto readerPost = curl(dir, "-u reader:reader-secret " + post + url("http", http, "/connectors"));
  EXPECT_TRUE(errorShape(readerPost, 403)) << readerPost.output << readerPost.body;
  auto adminPost = curl(dir, "-u admin:admin-secret " + post + url("http", http, "/connectors"));
  EXPECT_EQ(adminPost.status, 201) << adminPost.output << adminPost.body;

  EXPECT_TRUE(eventually([&] {
    std::string log = worker.log();
    return contains(log, "principal=\"reader\" via=basic role=read-only from=127.0.0.1:") &&
           contains(log, "request=\"POST /connectors\" status=403") &&
           contains(log, "principal=\"admin\" via=basic role=admin from=127.0.0.1:") &&
           contains(log, "request=\"POST /connectors\" status=201");
  })) << worker.log();
  // Reads change nothing and are not audited.
  EXPECT_FALSE(contains(worker.log(), "request=\"GET")) << worker.log();
}

TEST(RestAuth, ClientCertificateCommonNamesMapToRoles) {
  TempDir dir;
  Pki pki(dir);
  std::string ca = pki.makeCa("ca");
  std::string clientCa = pki.makeCa("clients");
  std::string keystore = pki.makeCert("ca", "server", "localhost");
  pki.makeCert("clients", "bot", "ops-bot");
  pki.makeCert("clients", "dashboard", "dashboard");
  pki.makeCert("clients", "unlisted", "someone");
  WorkerProcess worker(startWorker(dir, {{"listeners", "https://127.0.0.1:0"},
                                         {"ssl.keystore.location", keystore},
                                         {"ssl.truststore.location", clientCa},
                                         {"ssl.client.auth", "required"},
                                         {"rest.auth.credentials.file", writeCredentials(pki)},
                                         {"rest.auth.admin.principals", "CN=ops-bot"},
                                         {"rest.auth.readonly.principals", "CN=dashboard"}}),
                       dir.file("worker.log"));
  int https = listenerPort(worker, "https");
  ASSERT_GT(https, 0) << worker.log();
  writeText(dir.file("source.json"), json{{"name", "by-cert"}, {"config", srcCfg("by-cert")}}.dump());
  auto as = [&](const std::string& who) {
    return "--cacert " + shellQuoted(ca) + " --cert " + shellQuoted(pki.file(who + ".crt")) + " --key " + shellQuoted(pki.file(who + ".key")) + " ";
  };
  const std::string post = "-X POST -H 'Content-Type: application/json' --data-binary @" + shellQuoted(dir.file("source.json")) + " ";

  auto dashboardGet = curl(dir, as("dashboard") + url("https", https, "/connectors"));
  EXPECT_EQ(dashboardGet.status, 200) << dashboardGet.output;
  auto dashboardPost = curl(dir, as("dashboard") + post + url("https", https, "/connectors"));
  EXPECT_TRUE(errorShape(dashboardPost, 403)) << dashboardPost.output << dashboardPost.body;
  auto botPost = curl(dir, as("bot") + post + url("https", https, "/connectors"));
  EXPECT_EQ(botPost.status, 201) << botPost.output << botPost.body;
  // A certificate listed in no role is no password: Basic credentials are still asked for.
  auto unlisted = curl(dir, as("unlisted") + url("https", https, "/connectors"));
  EXPECT_TRUE(errorShape(unlisted, 401)) << unlisted.output;
  EXPECT_EQ(curl(dir, as("unlisted") + "-u admin:admin-secret " + url("https", https, "/connectors")).status, 200);
  EXPECT_TRUE(eventually([&] {
    return contains(worker.log(), "principal=\"CN=ops-bot\" via=certificate role=admin") &&
           contains(worker.log(), "listener=https request=\"POST /connectors\" status=201");
  })) << worker.log();
}

}  // namespace
}  // namespace sluice::testing
