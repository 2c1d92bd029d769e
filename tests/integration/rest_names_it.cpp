// Connector names as Connect accepts them ('/', spaces, UTF-8, '%', '+', '?', '#') work through every
// /connectors/{name} endpoint when percent-encoded in the path, and across a worker restart; names
// Connect refuses get its message. Also Jersey's answers to a trailing slash and to a body without a
// Content-Type. A real `sluice worker` process over real HTTP.
#include <fstream>
#include <set>

#include "process_support.hpp"

namespace sluice::testing {
namespace {

// RFC 3986 percent-encoding of everything but unreserved characters, as a client encodes a path segment.
std::string encodeSegment(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// Status line and JSON body of a raw HTTP/1.1 exchange (the path is sent exactly as given).
Reply rawExchange(int port, const std::string& method, const std::string& path, const std::string& body = "",
                  const std::string& contentType = "application/json") {
  std::string request = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  if (!contentType.empty() && !body.empty()) request += "Content-Type: " + contentType + "\r\n";
  request += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  std::string response = rawRequest(port, request);
  Reply r;
  if (response.size() < 12) return r;
  r.status = std::stoi(response.substr(9, 3));
  auto bodyAt = response.find("\r\n\r\n");
  r.raw = bodyAt == std::string::npos ? "" : response.substr(bodyAt + 4);
  r.body = json::parse(r.raw, nullptr, false);
  return r;
}

std::string writeConfig(const TempDir& dir) {
  std::string config = dir.file("worker.yaml");
  std::ofstream out(config);
  out << "listeners: http://127.0.0.1:0\n"
      << "plugin.path: " << SLUICE_FIXTURE_DIR << "\n"
      << "bootstrap.servers: 127.0.0.1:1\n"
      << "offset.storage.file.filename: " << dir.file("offsets") << "\n"
      << "config.storage.file.filename: " << dir.file("configs") << "\n";
  return config;
}

const std::vector<std::string>& awkwardNames() {
  static const std::vector<std::string> names = {"a/b",     "with space", "ünïcødé-名前", "100%",
                                                 "a+b",     "what?",      "hash#tag",     "%2F-literal"};
  return names;
}

TEST(RestNames, NamesWithSlashesSpacesAndUnicodeWorkThroughEveryEndpointAndAcrossRestarts) {
  TempDir dir;
  std::string config = writeConfig(dir);
  {
    WorkerProcess worker(config, dir.file("first.log"));
    int port = worker.waitForPort();
    ASSERT_GT(port, 0) << worker.log();
    for (const auto& name : awkwardNames()) {
      SCOPED_TRACE(name);
      std::string c = "/connectors/" + encodeSegment(name);
      auto created = rawExchange(port, "POST", "/connectors", json{{"name", name}, {"config", srcCfg(name)}}.dump());
      ASSERT_EQ(created.status, 201) << created.raw;
      EXPECT_EQ(created.body["name"], name);
      auto info = rawExchange(port, "GET", c);
      ASSERT_EQ(info.status, 200) << info.raw;
      EXPECT_EQ(info.body["name"], name);
      EXPECT_EQ(rawExchange(port, "GET", c + "/config").body, srcCfg(name));
      EXPECT_TRUE(eventually([&] { return rawExchange(port, "GET", c + "/status").body["connector"]["state"] == "RUNNING"; }));
      EXPECT_EQ(rawExchange(port, "GET", c + "/tasks").body[0]["id"]["connector"], name);
      EXPECT_EQ(rawExchange(port, "GET", c + "/tasks/0/status").status, 200);
      EXPECT_EQ(rawExchange(port, "GET", c + "/topics").status, 200);
      EXPECT_EQ(rawExchange(port, "GET", c + "/offsets").status, 200);
      EXPECT_EQ(rawExchange(port, "PUT", c + "/pause").status, 202);
      EXPECT_TRUE(eventually([&] { return rawExchange(port, "GET", c + "/status").body["connector"]["state"] == "PAUSED"; }));
      auto put = rawExchange(port, "PUT", c + "/config", srcCfg(name).dump());
      EXPECT_EQ(put.status, 200) << put.raw;  // the name in the body matches the decoded one in the path
    }
    auto listed = rawExchange(port, "GET", "/connectors").body;
    EXPECT_EQ(std::set<std::string>(listed.begin(), listed.end()),
              std::set<std::string>(awkwardNames().begin(), awkwardNames().end()));
  }  // SIGKILL: every name must come back from the config file

  WorkerProcess worker(config, dir.file("second.log"));
  int port = worker.waitForPort();
  ASSERT_GT(port, 0) << worker.log();
  for (const auto& name : awkwardNames()) {
    SCOPED_TRACE(name);
    std::string c = "/connectors/" + encodeSegment(name);
    EXPECT_EQ(rawExchange(port, "GET", c).body["name"], name);
    EXPECT_TRUE(eventually([&] { return rawExchange(port, "GET", c + "/status").body["connector"]["state"] == "PAUSED"; }));
    EXPECT_EQ(rawExchange(port, "PUT", c + "/resume").status, 202);
    EXPECT_EQ(rawExchange(port, "POST", c + "/restart").status, 204);
    EXPECT_EQ(rawExchange(port, "DELETE", c).status, 204);
    EXPECT_EQ(rawExchange(port, "GET", c).status, 404);
  }
  EXPECT_EQ(rawExchange(port, "GET", "/connectors").body, json::array());
}

TEST(RestNames, NamesConnectRefusesGetItsMessage) {
  TempDir dir;
  WorkerProcess worker(writeConfig(dir), dir.file("worker.log"));
  int port = worker.waitForPort();
  ASSERT_GT(port, 0) << worker.log();
  // Connect trims the name in a POST body, then its name validator refuses empty names and ISO control characters.
  auto blank = rawExchange(port, "POST", "/connectors", json{{"name", "   "}, {"config", without(srcCfg("x"), "name")}}.dump());
  EXPECT_TRUE(errShape(blank, 400));
  EXPECT_NE(blank.raw.find("String may not be empty"), std::string::npos) << blank.raw;
  auto control = rawExchange(port, "POST", "/connectors", json{{"name", "bad\x01name"}, {"config", without(srcCfg("x"), "name")}}.dump());
  EXPECT_TRUE(errShape(control, 400));
  EXPECT_NE(control.raw.find("String may not contain control sequences but had the following ASCII chars: 1"), std::string::npos)
      << control.raw;
  auto c1 = rawExchange(port, "POST", "/connectors", json{{"name", "next\xC2\x85line"}, {"config", without(srcCfg("x"), "name")}}.dump());
  EXPECT_TRUE(errShape(c1, 400));  // U+0085 is one of Java's ISO control characters too
  EXPECT_NE(c1.raw.find("had the following ASCII chars: 133"), std::string::npos) << c1.raw;
  auto trimmed = rawExchange(port, "POST", "/connectors", json{{"name", "  padded  "}, {"config", without(srcCfg("x"), "name")}}.dump());
  EXPECT_EQ(trimmed.status, 201) << trimmed.raw;
  EXPECT_EQ(rawExchange(port, "GET", "/connectors/padded").body["name"], "padded");
  // A malformed escape is a bad request, not a connector called "%zz".
  EXPECT_TRUE(errShape(rawExchange(port, "GET", "/connectors/%zz"), 400));
}

TEST(RestNames, TrailingSlashAndMissingContentTypeAnswerAsJersey) {
  TempDir dir;
  WorkerProcess worker(writeConfig(dir), dir.file("worker.log"));
  int port = worker.waitForPort();
  ASSERT_GT(port, 0) << worker.log();
  auto list = rawExchange(port, "GET", "/connectors/");
  EXPECT_EQ(list.status, 200) << list.raw;
  EXPECT_EQ(list.body, json::array());
  std::string body = json{{"name", "n"}, {"config", srcCfg("n")}}.dump();
  EXPECT_EQ(rawExchange(port, "POST", "/connectors/", body).status, 201);
  EXPECT_EQ(rawExchange(port, "GET", "/connectors/n/").body["name"], "n");
  // A body without Content-Type is application/octet-stream to Jersey, which the JSON resources do not consume.
  auto noType = rawExchange(port, "POST", "/connectors", json{{"name", "m"}, {"config", srcCfg("m")}}.dump(), "");
  EXPECT_TRUE(errShape(noType, 415));
  EXPECT_EQ(noType.body["message"], "HTTP 415 Unsupported Media Type");
  EXPECT_TRUE(errShape(rawExchange(port, "PUT", "/connectors/n/config", srcCfg("n").dump(), ""), 415));
  EXPECT_EQ(rawExchange(port, "GET", "/connectors/m").status, 404);
  // Bodiless PUTs (curl -X PUT .../pause) are still accepted.
  EXPECT_EQ(rawExchange(port, "PUT", "/connectors/n/pause").status, 202);
}

}  // namespace
}  // namespace sluice::testing
