// `sluice provision` as a subprocess against loopback servers that answer like ksqlDB's /info + /ksql
// and the Pinot controller's /health + /schemas + /tables: success,
// already exists, statement error 40001, {"code":400,"error":...}, not ready yet, connection refused.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

namespace {

using nlohmann::json;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

const std::string kSourceDir = SLUICE_SOURCE_DIR;
constexpr auto kDeadline = 30s;

std::string readText(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs the sluice executable with stdout+stderr on one pipe, read by a thread so a test can wait for
// a line to appear before changing the world (e.g. starting the server it is retrying against).
class Subprocess {
 public:
  explicit Subprocess(std::vector<std::string> args, const std::string& cwd = {}) {
    int fds[2];
    if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(fds[1], 1);
      ::dup2(fds[1], 2);
      ::close(fds[0]);
      ::close(fds[1]);
      if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) ::_exit(126);
      std::vector<char*> argv;
      std::string exe = SLUICE_BINARY;
      argv.push_back(exe.data());
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(exe.c_str(), argv.data());
      ::_exit(127);
    }
    ::close(fds[1]);
    fd_ = fds[0];
    reader_ = std::thread([this] {
      char buf[4096];
      ssize_t n;
      while ((n = ::read(fd_, buf, sizeof buf)) > 0) {
        std::lock_guard lock(mu_);
        output_.append(buf, static_cast<size_t>(n));
        cv_.notify_all();
      }
    });
  }
  ~Subprocess() {
    if (pid_ > 0 && !reaped_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (reader_.joinable()) reader_.join();
    ::close(fd_);
  }

  bool waitForOutput(const std::string& text, std::chrono::milliseconds timeout = kDeadline) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return output_.find(text) != std::string::npos; });
  }

  // Exit code, or -1 if the process did not end within the deadline (it is then killed).
  int wait(std::chrono::milliseconds timeout = kDeadline) {
    auto end = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    while (::waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > end) return -1;
      std::this_thread::sleep_for(10ms);  // polling the child's state, not waiting for time to pass
    }
    reaped_ = true;
    reader_.join();
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  std::string output() {
    std::lock_guard lock(mu_);
    return output_;
  }

 private:
  pid_t pid_ = -1;
  int fd_ = -1;
  bool reaped_ = false;
  std::thread reader_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::string output_;
};

// Runs an httplib server on a loopback port in a thread; port 0 picks a free one.
class LoopbackServer {
 public:
  explicit LoopbackServer(httplib::Server& server) : server_(server) {}
  ~LoopbackServer() { stop(); }

  int start(int port = 0) {
    if (port == 0) {
      port_ = server_.bind_to_any_port("127.0.0.1");
    } else {
      port_ = port;
      if (!server_.bind_to_port("127.0.0.1", port)) port_ = -1;
    }
    if (port_ <= 0) return port_;
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    auto end = std::chrono::steady_clock::now() + kDeadline;
    while (!server_.is_running() && std::chrono::steady_clock::now() < end) std::this_thread::sleep_for(1ms);
    return port_;
  }
  void stop() {
    if (thread_.joinable()) {
      server_.stop();
      thread_.join();
    }
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  httplib::Server& server_;
  int port_ = -1;
  std::thread thread_;
};

// A loopback port that refuses connections (bound, not listening) until released.
class RefusingPort {
 public:
  RefusingPort() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);  // the child must not inherit it
    int yes = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~RefusingPort() { release(); }
  void release() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

struct Request {
  std::string method;
  std::string path;
  std::string query;
  std::string accept;
  std::string body;
};

// Answers like ksqlDB 0.29: GET /info, POST /ksql with one statement per request.
class FakeKsqlDb {
 public:
  int notReadyInfoCalls = 0;  // /info answers 503 "Server initializing" this many times first
  int catchingUpPosts = 0;     // /ksql answers 503 error 50301 (command queue catching up) this many times first
  std::string failingCommand;  // a source whose command ends with commandStatus ERROR
  std::set<std::string> sources;
  std::vector<Request> requests;
  int infoCalls = 0;

  FakeKsqlDb() {
    server.Get("/info", [this](const httplib::Request&, httplib::Response& res) {
      std::lock_guard lock(mu);
      if (infoCalls++ < notReadyInfoCalls) {
        res.status = 503;
        res.set_content(R"({"@type":"generic_error","error_code":50302,"message":"Server initializing"})", "application/json");
        return;
      }
      res.set_content(R"({"KsqlServerInfo":{"version":"0.29.0","kafkaClusterId":"c1","ksqlServiceId":"default_","serverStatus":"RUNNING"}})",
                      "application/json");
    });
    server.Post("/ksql", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mu);
      requests.push_back({"POST", req.path, "", req.get_header_value("Accept"), req.body});
      if (catchingUpPosts > 0) {
        --catchingUpPosts;
        res.status = 503;
        res.set_content(R"({"@type":"generic_error","error_code":50301,"message":"Timed out while waiting for a previous command to execute."})",
                        "application/json");
        return;
      }
      answer(json::parse(req.body).value("ksql", ""), res);
    });
  }

  httplib::Server server;
  std::mutex mu;

 private:
  void error(httplib::Response& res, const std::string& statement, const std::string& message) {
    res.status = 400;
    res.set_content(json{{"@type", "statement_error"}, {"error_code", 40001}, {"message", message},
                         {"statementText", statement}, {"entities", json::array()}}
                        .dump(),
                    "application/json");
  }

  void answer(const std::string& statement, httplib::Response& res) {
    static const std::regex kCreate(R"(create\s+(or\s+replace\s+)?(stream|table)\s+(if\s+not\s+exists\s+)?(\w+))", std::regex::icase);
    static const std::regex kFrom(R"(\bfrom\s+(\w+))", std::regex::icase);
    std::smatch m;
    if (statement.find("SYNTAX_ERROR") != std::string::npos || !std::regex_search(statement, m, kCreate)) {
      error(res, statement, "line 1:1: Syntax Error\nmismatched input 'SYNTAX_ERROR' expecting {';'}");
      return;
    }
    std::string kind = m[2].str() == "table" || m[2].str() == "TABLE" ? "table" : "stream";
    std::string name = m[4];
    std::transform(name.begin(), name.end(), name.begin(), ::toupper);
    std::string Kind = kind == "table" ? "Table" : "Stream";
    std::smatch from;
    if (std::regex_search(statement, from, kFrom)) {
      std::string src = from[1];
      std::transform(src.begin(), src.end(), src.begin(), ::toupper);
      if (!sources.count(src)) return error(res, statement, src + " does not exist.");
    }
    if (sources.count(name)) {
      std::string msg = "Cannot add " + kind + " `" + name + "`: A " + kind + " with the same name already exists.";
      if (!m[3].matched) return error(res, statement, msg);
      res.set_content(json::array({{{"@type", "warning_entity"}, {"statementText", statement}, {"message", msg}, {"warnings", json::array()}}}).dump(),
                      "application/json");
      return;
    }
    bool failed = name == failingCommand;
    if (!failed) sources.insert(name);
    bool query = std::regex_search(statement, std::regex(R"(\bas\s+select\b)", std::regex::icase));
    std::string message = query ? "Created query with ID C" + std::string(kind == "table" ? "TAS_" : "SAS_") + name + "_1"
                                : Kind + " created";
    res.set_content(json::array({{{"@type", "currentStatus"},
                                  {"statementText", statement},
                                  {"commandId", kind + "/`" + name + "`/create"},
                                  {"commandStatus", {{"status", failed ? "ERROR" : "SUCCESS"},
                                                     {"message", failed ? "Could not write the statement into the command topic." : message},
                                                     {"queryId", nullptr}}},
                                  {"commandSequenceNumber", static_cast<int>(sources.size())},
                                  {"warnings", json::array()}}})
                        .dump(),
                    "application/json");
  }
};

// Answers like the Pinot controller: GET /health, POST /schemas (override), POST /tables.
class FakePinotController {
 public:
  int notReadyHealthCalls = 0;
  std::string rejectTablesWith;  // non-empty: POST /tables answers 400 with this error
  json unrecognized = json::object();  // what POST /tables reports as ignored keys
  std::map<std::string, json> schemas;
  std::map<std::string, json> tables;
  std::vector<Request> requests;
  int healthCalls = 0;
  httplib::Server server;
  std::mutex mu;

  FakePinotController() {
    server.Get("/health", [this](const httplib::Request&, httplib::Response& res) {
      std::lock_guard lock(mu);
      if (healthCalls++ < notReadyHealthCalls) {
        res.status = 503;
        res.set_content("Not ready", "text/plain");
        return;
      }
      res.set_content("OK", "text/plain");
    });
    server.Post("/schemas", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mu);
      requests.push_back({"POST", "/schemas", req.has_param("override") ? "override=" + req.get_param_value("override") : "",
                          req.get_header_value("Accept"), req.body});
      json s = json::parse(req.body, nullptr, false);
      std::string name = s.is_object() ? s.value("schemaName", "") : "";
      bool override = !req.has_param("override") || req.get_param_value("override") != "false";
      if (schemas.count(name) && !override) return fail(res, 409, "Schema " + name + " already exists");
      schemas[name] = s;
      res.set_content(json{{"unrecognizedProperties", json::object()}, {"status", name + " successfully added"}}.dump(), "application/json");
    });
    server.Get(R"(/schemas/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mu);
      requests.push_back({"GET", req.path, "", req.get_header_value("Accept"), ""});
      auto it = schemas.find(req.matches[1]);
      if (it == schemas.end()) return fail(res, 404, "Schema not found");
      res.set_content(it->second.dump(), "application/json");
    });
    server.Post("/tables", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mu);
      requests.push_back({"POST", "/tables", "", req.get_header_value("Accept"), req.body});
      json t = json::parse(req.body, nullptr, false);
      std::string name = t.is_object() ? t.value("tableName", "") : "";
      if (!schemas.count(name)) return fail(res, 400, "Failed to find schema for table: " + name + "_REALTIME");
      if (!rejectTablesWith.empty()) return fail(res, 400, rejectTablesWith);
      if (tables.count(name))
        return fail(res, 409, "Table config for " + name + "_REALTIME already exists. If this is unexpected, try deleting the table to remove all metadata associated with it.");
      tables[name] = t;
      res.set_content(json{{"unrecognizedProperties", unrecognized}, {"status", "Table " + name + "_REALTIME successfully added"}}.dump(),
                      "application/json");
    });
  }

 private:
  static void fail(httplib::Response& res, int code, const std::string& error) {
    res.status = code;
    res.set_content(json{{"code", code}, {"error", error}}.dump(), "application/json");
  }
};

std::vector<fs::path> sqlFiles(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".sql") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& tag) {
    path = fs::temp_directory_path() / ("sluice_provision_" + tag + "_" + std::to_string(::getpid()));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  void write(const std::string& name, const std::string& text) const { std::ofstream(path / name) << text; }
};

TEST(ProvisionKsql, AppliesFilesInOrderAfterWaitingAndSecondRunReportsExists) {
  FakeKsqlDb ksql;
  ksql.notReadyInfoCalls = 2;
  LoopbackServer server(ksql.server);
  ASSERT_GT(server.start(), 0);
  const fs::path dir = kSourceDir + "/ksql";
  const auto files = sqlFiles(dir);
  ASSERT_EQ(files.size(), 4u);

  Subprocess first({"provision", "--ksql", server.url(), "--ksql-dir", dir.string(), "--timeout", "30"});
  ASSERT_EQ(first.wait(), 0) << first.output();
  std::string out = first.output();
  EXPECT_NE(out.find("not ready: ksqlDB not ready (Server initializing)"), std::string::npos) << out;  // 503s waited out
  {
    std::lock_guard lock(ksql.mu);
    EXPECT_EQ(ksql.infoCalls, 3);
    ASSERT_EQ(ksql.requests.size(), files.size());
    for (size_t i = 0; i < files.size(); ++i) {
      json body = json::parse(ksql.requests[i].body);
      EXPECT_EQ(body["ksql"], readText(files[i])) << "request " << i << " should carry " << files[i];
      EXPECT_EQ(body["streamsProperties"]["ksql.streams.auto.offset.reset"], "earliest");
      EXPECT_EQ(ksql.requests[i].accept, "application/vnd.ksql.v1+json");
    }
    EXPECT_EQ(ksql.sources, (std::set<std::string>{"TRANSACTIONS_STREAM", "PAID_TRANSACTIONS_STREAM", "WINDOWED_TRANSACTIONS",
                                                   "SLUICE_AGGREGATES_STREAM"}));
  }
  for (const auto& f : files) EXPECT_NE(out.find(f.filename().string() + ": created"), std::string::npos) << out;

  Subprocess second({"provision", "--ksql", server.url(), "--ksql-dir", dir.string(), "--timeout", "30"});
  ASSERT_EQ(second.wait(), 0) << second.output();
  std::string again = second.output();
  for (const auto& f : files) EXPECT_NE(again.find(f.filename().string() + ": exists"), std::string::npos) << again;
  EXPECT_EQ(again.find(": created"), std::string::npos) << again;
  std::lock_guard lock(ksql.mu);
  EXPECT_EQ(ksql.sources.size(), 4u);
}

TEST(ProvisionKsql, StatementErrorStopsAndQuotesTheServer) {
  FakeKsqlDb ksql;
  LoopbackServer server(ksql.server);
  ASSERT_GT(server.start(), 0);
  TempDir dir("ksql_error");
  dir.write("01_ok.sql", "CREATE STREAM IF NOT EXISTS s1 (a INT) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON');");
  dir.write("02_bad.sql", "CREATE STREAM SYNTAX_ERROR s2;");
  dir.write("03_never.sql", "CREATE STREAM IF NOT EXISTS s3 (a INT) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON');");

  Subprocess p({"provision", "--ksql", server.url(), "--ksql-dir", dir.path.string(), "--timeout", "30"});
  EXPECT_EQ(p.wait(), 1) << p.output();
  std::string out = p.output();
  EXPECT_NE(out.find("01_ok.sql: created"), std::string::npos) << out;
  EXPECT_NE(out.find("02_bad.sql: statement_error 40001: line 1:1: Syntax Error"), std::string::npos) << out;
  EXPECT_EQ(out.find("03_never.sql"), std::string::npos) << out;
  std::lock_guard lock(ksql.mu);
  EXPECT_EQ(ksql.requests.size(), 2u);
}

TEST(ProvisionKsql, RetriesWhileTheCommandQueueCatchesUpAndFailsOnCommandError) {
  FakeKsqlDb ksql;
  ksql.catchingUpPosts = 2;
  ksql.failingCommand = "PAID_TRANSACTIONS_STREAM";
  LoopbackServer server(ksql.server);
  ASSERT_GT(server.start(), 0);
  Subprocess p({"provision", "--ksql", server.url(), "--ksql-dir", kSourceDir + "/ksql", "--timeout", "30"});
  EXPECT_EQ(p.wait(), 1) << p.output();
  std::string out = p.output();
  EXPECT_NE(out.find("not ready: ksqlDB not ready (Timed out while waiting for a previous command to execute.)"), std::string::npos) << out;
  EXPECT_NE(out.find("01_transactions_stream.sql: created"), std::string::npos) << out;
  EXPECT_NE(out.find("02_paid_transactions.sql: command failed: Could not write the statement into the command topic."), std::string::npos)
      << out;
  EXPECT_EQ(out.find("03_windowed_transactions.sql"), std::string::npos) << out;
  std::lock_guard lock(ksql.mu);
  EXPECT_EQ(ksql.requests.size(), 4u);  // 2 refused with 503, then 01 and 02
}

TEST(ProvisionKsql, PlainCreateOfAnExistingSourceIsReportedAsExists) {
  FakeKsqlDb ksql;
  ksql.sources.insert("S1");
  LoopbackServer server(ksql.server);
  ASSERT_GT(server.start(), 0);
  TempDir dir("ksql_exists");
  dir.write("01_plain.sql", "CREATE STREAM s1 (a INT) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON');");
  Subprocess p({"provision", "--ksql", server.url(), "--ksql-dir", dir.path.string()});
  EXPECT_EQ(p.wait(), 0) << p.output();
  EXPECT_NE(p.output().find("01_plain.sql: exists (Cannot add stream `S1`"), std::string::npos) << p.output();
}

TEST(ProvisionKsql, RetriesWhileTheConnectionIsRefused) {
  FakeKsqlDb ksql;
  RefusingPort port;
  const std::string url = "http://127.0.0.1:" + std::to_string(port.port());
  Subprocess p({"provision", "--ksql", url, "--ksql-dir", kSourceDir + "/ksql", "--timeout", "30"});
  ASSERT_TRUE(p.waitForOutput("connection refused")) << p.output();
  port.release();
  LoopbackServer server(ksql.server);
  ASSERT_EQ(server.start(port.port()), port.port());
  EXPECT_EQ(p.wait(), 0) << p.output();
  std::lock_guard lock(ksql.mu);
  EXPECT_EQ(ksql.requests.size(), 4u);
}

TEST(ProvisionKsql, GivesUpAfterTheTimeoutWhenNeverReady) {
  FakeKsqlDb ksql;
  ksql.notReadyInfoCalls = 1 << 30;
  LoopbackServer server(ksql.server);
  ASSERT_GT(server.start(), 0);
  Subprocess p({"provision", "--ksql", server.url(), "--ksql-dir", kSourceDir + "/ksql", "--timeout", "1"});
  EXPECT_EQ(p.wait(), 1) << p.output();
  EXPECT_NE(p.output().find("gave up after 1 s"), std::string::npos) << p.output();
  std::lock_guard lock(ksql.mu);
  EXPECT_TRUE(ksql.requests.empty());
}

TEST(ProvisionKsql, FindsTheRepoKsqlFolderByDefault) {
  FakeKsqlDb ksql;
  LoopbackServer server(ksql.server);
  ASSERT_GT(server.start(), 0);
  Subprocess p({"provision", "--ksql", server.url()}, kSourceDir);
  EXPECT_EQ(p.wait(), 0) << p.output();
  std::lock_guard lock(ksql.mu);
  EXPECT_EQ(ksql.requests.size(), 4u);
}

TEST(ProvisionPinot, CreatesSchemasThenTablesWithBrokersAndSecondRunReportsExists) {
  FakePinotController pinot;
  pinot.notReadyHealthCalls = 2;
  LoopbackServer server(pinot.server);
  ASSERT_GT(server.start(), 0);
  const std::string dir = kSourceDir + "/pinot";
  Subprocess first({"provision", "--pinot", server.url(), "--pinot-dir", dir, "--kafka-brokers", "broker-a:9092,broker-b:9092"});
  ASSERT_EQ(first.wait(), 0) << first.output();
  std::string out = first.output();
  {
    std::lock_guard lock(pinot.mu);
    EXPECT_EQ(pinot.healthCalls, 3);
    ASSERT_EQ(pinot.requests.size(), 4u);
    std::vector<std::string> paths;
    for (const auto& r : pinot.requests) paths.push_back(r.method + " " + r.path);
    EXPECT_EQ(paths, (std::vector<std::string>{"POST /schemas", "POST /schemas", "POST /tables", "POST /tables"}));
    EXPECT_EQ(pinot.requests[0].query, "override=false");
    for (const auto& name : {"transactions_aggregate_ksql", "transactions_aggregate_sluice"}) {
      ASSERT_TRUE(pinot.tables.count(name)) << name;
      EXPECT_EQ(pinot.schemas[name], json::parse(readText(dir + "/" + name + ".schema.json")));
      const auto& stream = pinot.tables[name]["ingestionConfig"]["streamIngestionConfig"]["streamConfigMaps"][0];
      EXPECT_EQ(stream["stream.kafka.broker.list"], "broker-a:9092,broker-b:9092");
      EXPECT_NE(out.find(std::string("schema ") + name + ": created"), std::string::npos) << out;
      EXPECT_NE(out.find(std::string("table ") + name + "_REALTIME: created"), std::string::npos) << out;
    }
  }
  Subprocess second({"provision", "--pinot", server.url(), "--pinot-dir", dir});
  ASSERT_EQ(second.wait(), 0) << second.output();
  std::string again = second.output();
  EXPECT_NE(again.find("schema transactions_aggregate_sluice: exists"), std::string::npos) << again;
  EXPECT_NE(again.find("table transactions_aggregate_sluice_REALTIME: exists"), std::string::npos) << again;
  EXPECT_EQ(again.find(": created"), std::string::npos) << again;
  EXPECT_EQ(again.find("differs"), std::string::npos) << again;

  // A schema that changed on the server since is kept, and the difference is reported.
  {
    std::lock_guard lock(pinot.mu);
    pinot.schemas["transactions_aggregate_sluice"]["metricFieldSpecs"].push_back({{"name", "extra"}, {"dataType", "INT"}});
  }
  Subprocess third({"provision", "--pinot", server.url(), "--pinot-dir", dir});
  ASSERT_EQ(third.wait(), 0) << third.output();
  EXPECT_NE(third.output().find("schema transactions_aggregate_sluice: warning: the existing schema differs from the file (kept): "
                                "not in transactions_aggregate_sluice.schema.json: extra INT;"),
            std::string::npos)
      << third.output();
}

TEST(ProvisionPinot, ControllerValidationErrorIsQuotedWithNonZeroExit) {
  FakePinotController pinot;
  pinot.rejectTablesWith = "Invalid table config for: transactions_aggregate_ksql_REALTIME. Tenant gold not found";
  LoopbackServer server(pinot.server);
  ASSERT_GT(server.start(), 0);
  Subprocess p({"provision", "--pinot", server.url(), "--pinot-dir", kSourceDir + "/pinot"});
  EXPECT_EQ(p.wait(), 1) << p.output();
  EXPECT_NE(p.output().find("table transactions_aggregate_ksql_REALTIME: error 400: " + pinot.rejectTablesWith), std::string::npos)
      << p.output();
  std::lock_guard lock(pinot.mu);
  EXPECT_TRUE(pinot.tables.empty());
}

TEST(ProvisionPinot, InvalidLocalConfigIsReportedAndNothingIsPosted) {
  FakePinotController pinot;
  LoopbackServer server(pinot.server);
  ASSERT_GT(server.start(), 0);
  TempDir dir("pinot_invalid");
  json schema = json::parse(readText(kSourceDir + "/pinot/transactions_aggregate_sluice.schema.json"));
  json table = json::parse(readText(kSourceDir + "/pinot/transactions_aggregate_sluice.table.json"));
  table["segmentsConfig"].erase("timeColumnName");
  dir.write("transactions_aggregate_sluice.schema.json", schema.dump());
  dir.write("transactions_aggregate_sluice.table.json", table.dump());
  Subprocess p({"provision", "--pinot", server.url(), "--pinot-dir", dir.path.string()});
  EXPECT_EQ(p.wait(), 1) << p.output();
  EXPECT_NE(p.output().find("rule 5: 'timeColumnName' cannot be null in REALTIME table config"), std::string::npos) << p.output();
  std::lock_guard lock(pinot.mu);
  EXPECT_EQ(pinot.healthCalls, 0);
  EXPECT_TRUE(pinot.requests.empty());
}

TEST(ProvisionPinot, AnOutOfRangeNumberIsAValidationErrorNotAnAbort) {
  FakePinotController pinot;
  LoopbackServer server(pinot.server);
  ASSERT_GT(server.start(), 0);
  TempDir dir("pinot_out_of_range");
  json schema = json::parse(readText(kSourceDir + "/pinot/transactions_aggregate_sluice.schema.json"));
  json table = json::parse(readText(kSourceDir + "/pinot/transactions_aggregate_sluice.table.json"));
  table["ingestionConfig"]["streamIngestionConfig"]["streamConfigMaps"][0]["realtime.segment.flush.threshold.rows"] =
      "99999999999999999999";
  dir.write("transactions_aggregate_sluice.schema.json", schema.dump());
  dir.write("transactions_aggregate_sluice.table.json", table.dump());
  Subprocess p({"provision", "--pinot", server.url(), "--pinot-dir", dir.path.string()});
  EXPECT_EQ(p.wait(), 1) << p.output();  // an uncaught std::out_of_range would be SIGABRT
  EXPECT_NE(p.output().find("Invalid config flush threshold rows: 99999999999999999999"), std::string::npos) << p.output();
  std::lock_guard lock(pinot.mu);
  EXPECT_TRUE(pinot.requests.empty());
}

TEST(ProvisionPinot, RetriesWhileTheConnectionIsRefused) {
  FakePinotController pinot;
  RefusingPort port;
  const std::string url = "http://127.0.0.1:" + std::to_string(port.port());
  Subprocess p({"provision", "--pinot", url, "--pinot-dir", kSourceDir + "/pinot", "--timeout", "30"});
  ASSERT_TRUE(p.waitForOutput("connection refused")) << p.output();
  port.release();
  LoopbackServer server(pinot.server);
  ASSERT_EQ(server.start(port.port()), port.port());
  EXPECT_EQ(p.wait(), 0) << p.output();
  std::lock_guard lock(pinot.mu);
  EXPECT_EQ(pinot.tables.size(), 2u);
}

TEST(ProvisionPinot, IgnoredPropertiesAreReportedAsWarnings) {
  FakePinotController pinot;
  pinot.unrecognized = {{"/segmentsConfig/timeTyp", "SECONDS"}};
  LoopbackServer server(pinot.server);
  ASSERT_GT(server.start(), 0);
  Subprocess p({"provision", "--pinot", server.url(), "--pinot-dir", kSourceDir + "/pinot"});
  EXPECT_EQ(p.wait(), 0) << p.output();
  EXPECT_NE(p.output().find("table transactions_aggregate_sluice_REALTIME: warning: unrecognized property /segmentsConfig/timeTyp = \"SECONDS\""),
            std::string::npos)
      << p.output();
}

TEST(ProvisionCli, KsqlThenPinotInOneRun) {
  FakeKsqlDb ksql;
  FakePinotController pinot;
  LoopbackServer ksqlServer(ksql.server);
  LoopbackServer pinotServer(pinot.server);
  ASSERT_GT(ksqlServer.start(), 0);
  ASSERT_GT(pinotServer.start(), 0);
  Subprocess p({"provision", "--ksql", ksqlServer.url(), "--pinot", pinotServer.url(), "--ksql-dir", kSourceDir + "/ksql",
                "--pinot-dir", kSourceDir + "/pinot"});
  EXPECT_EQ(p.wait(), 0) << p.output();
  std::string out = p.output();
  auto lastKsql = out.find("04_sluice_aggregates_stream.sql: created");
  auto firstPinot = out.find("pinot: schema");
  ASSERT_NE(lastKsql, std::string::npos) << out;
  ASSERT_NE(firstPinot, std::string::npos) << out;
  EXPECT_LT(lastKsql, firstPinot) << "ksqlDB first: it creates the topic the ksql Pinot table reads";
  std::lock_guard lock(pinot.mu);
  EXPECT_EQ(pinot.tables.size(), 2u);
}

TEST(ProvisionCli, NeedsATarget) {
  Subprocess p({"provision"});
  EXPECT_NE(p.wait(), 0);
  EXPECT_NE(p.output().find("--ksql URL and/or --pinot URL"), std::string::npos) << p.output();
}

}  // namespace
