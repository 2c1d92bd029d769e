// Kafka Connect REST API conformance cases over real HTTP against an in-process worker (port 0), with the no-op
// fixture plugins standing in for FileStreamSource/FileStreamSink.
#include <spdlog/spdlog.h>

#include <fstream>
#include <set>

#include "rest_test_support.hpp"

namespace sluice::testing {
namespace {

class RestApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    worker_ = std::make_unique<InProcessWorker>(dir_);
    http_ = std::make_unique<Http>(worker_->port());
  }
  void TearDown() override {
    http_.reset();
    worker_.reset();
  }
  Reply create(const std::string& name, json config = json()) {
    if (config.is_null()) config = srcCfg(name);
    return http_->post("/connectors", {{"name", name}, {"config", without(config, "name")}});
  }
  std::string connectorState(const std::string& name) {
    auto s = http_->get("/connectors/" + name + "/status");
    return s.status == 200 ? s.body["connector"]["state"].get<std::string>() : "";
  }
  bool allTasks(const std::string& name, const std::string& state, size_t atLeast = 1) {
    auto s = http_->get("/connectors/" + name + "/status");
    if (s.status != 200 || s.body["tasks"].size() < atLeast) return false;
    for (const auto& t : s.body["tasks"])
      if (t["state"] != state) return false;
    return true;
  }

  TempDir dir_;
  std::unique_ptr<InProcessWorker> worker_;
  std::unique_ptr<Http> http_;
};

// Cases 1-6, plus malformed JSON and oversized bodies.
TEST_F(RestApiTest, RootHealthListingAndTransportErrors) {
  auto root = http_->get("/");
  ASSERT_EQ(root.status, 200);
  ASSERT_EQ(root.body.size(), 3u);
  for (const char* k : {"version", "commit", "kafka_cluster_id"}) {
    ASSERT_TRUE(root.body[k].is_string()) << k;
    EXPECT_FALSE(root.body[k].get<std::string>().empty()) << k;
  }
  auto health = http_->get("/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, (json{{"status", "healthy"},
                               {"message", "Worker has completed startup and is ready to handle requests."}}));
  auto list = http_->get("/connectors");
  EXPECT_EQ(list.status, 200);
  EXPECT_EQ(list.body, json::array());

  auto nope = http_->get("/nope");
  ASSERT_TRUE(errShape(nope, 404));
  EXPECT_EQ(nope.body["message"], "HTTP 404 Not Found");
  auto wrongMethod = http_->del("/connectors");
  ASSERT_TRUE(errShape(wrongMethod, 405));
  EXPECT_EQ(wrongMethod.body["message"], "HTTP 405 Method Not Allowed");
  auto wrongType = http_->send("POST", "/connectors", "{}", "text/plain");
  ASSERT_TRUE(errShape(wrongType, 415));
  EXPECT_EQ(wrongType.body["message"], "HTTP 415 Unsupported Media Type");
  ASSERT_TRUE(errShape(http_->get("/connectors/x/tasks/abc/status"), 404));

  auto malformed = http_->send("POST", "/connectors", R"({"name": "x", "config": {)");
  ASSERT_TRUE(errShape(malformed, 400));
  EXPECT_NE(malformed.body["message"].get<std::string>().find("byte"), std::string::npos);

  // Only the headers are sent: the refusal must come from Content-Length alone, before any body.
  std::string tooBig = rawRequest(worker_->port(), "POST /connectors HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                                   "Content-Length: 2097152\r\n\r\n");
  EXPECT_TRUE(tooBig.starts_with("HTTP/1.1 413")) << tooBig;
  EXPECT_NE(tooBig.find("\"error_code\":413"), std::string::npos) << tooBig;
  EXPECT_EQ(http_->get("/connectors").body, json::array());  // nothing was created
}

// Cases 7-17 and 19-26.
TEST_F(RestApiTest, CreateReadUpdate) {
  auto created = create("src1");
  ASSERT_EQ(created.status, 201) << created.raw;
  EXPECT_TRUE(created.location.ends_with("/connectors/src1")) << created.location;
  EXPECT_EQ(created.body["name"], "src1");
  EXPECT_EQ(created.body["type"], "source");
  const json submitted = srcCfg("src1");
  for (auto& [k, v] : submitted.items()) EXPECT_EQ(created.body["config"][k], v) << k;
  for (const auto& t : created.body["tasks"]) EXPECT_EQ(t["connector"], "src1");

  auto again = create("src1");
  ASSERT_TRUE(errShape(again, 409));
  EXPECT_EQ(again.body["message"], "Connector src1 already exists");

  auto padded = http_->post("/connectors", {{"name", "  src2  "}, {"config", without(srcCfg("x"), "name")}});
  ASSERT_EQ(padded.status, 201) << padded.raw;
  EXPECT_EQ(padded.body["name"], "src2");
  EXPECT_EQ(http_->get("/connectors/src2").status, 200);

  auto mismatch = http_->post("/connectors", {{"name", "a"}, {"config", {{"name", "b"}, {"connector.class", "NoopSource"}, {"topic", "t"}}}});
  ASSERT_TRUE(errShape(mismatch, 400));
  EXPECT_EQ(mismatch.body["message"], "Connector name configuration (b) doesn't match connector name in the URL (a)");

  auto noClass = http_->post("/connectors", {{"name", "x"}, {"config", {{"tasks.max", "1"}}}});
  ASSERT_TRUE(errShape(noClass, 400));
  EXPECT_TRUE(noClass.body["message"].get<std::string>().starts_with("Connector config "));
  EXPECT_TRUE(noClass.body["message"].get<std::string>().ends_with(" contains no connector type"));

  // Deliberately 400 rather than Connect's 500, keeping the message prefix.
  auto unknownClass = http_->post("/connectors", {{"name", "x"}, {"config", {{"connector.class", "com.example.NoSuchConnector"}}}});
  ASSERT_TRUE(errShape(unknownClass, 400));
  EXPECT_TRUE(unknownClass.body["message"].get<std::string>().starts_with(
      "Failed to find any class that implements Connector and which name matches com.example.NoSuchConnector"));

  auto bad1 = srcCfg("bad1");
  bad1["tasks.max"] = "0";
  auto r13 = create("bad1", bad1);
  ASSERT_TRUE(errShape(r13, 400));
  std::string m13 = r13.body["message"];
  EXPECT_TRUE(m13.starts_with("Connector configuration is invalid and contains the following 1 error(s):\n")) << m13;
  EXPECT_NE(m13.find("Invalid value 0 for configuration tasks.max: Value must be at least 1"), std::string::npos);
  EXPECT_TRUE(m13.ends_with("You can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`"));
  EXPECT_EQ(http_->get("/connectors/bad1").status, 404);

  auto r14 = create("bad2", without(snkCfg("bad2"), "topics"));
  ASSERT_TRUE(errShape(r14, 400));
  EXPECT_NE(r14.body["message"].get<std::string>().find("contains the following 2 error(s)"), std::string::npos);
  EXPECT_NE(r14.body["message"].get<std::string>().find("Must configure one of topics or topics.regex"), std::string::npos);

  auto bad3 = snkCfg("bad3");
  bad3["topics.regex"] = "ct-.*";
  auto r15 = create("bad3", bad3);
  ASSERT_TRUE(errShape(r15, 400));
  EXPECT_NE(r15.body["message"].get<std::string>().find("topics and topics.regex are mutually exclusive options, but both are set."), std::string::npos);

  auto bad4 = srcCfg("bad4");
  bad4["transforms"] = "x";
  auto r16 = create("bad4", bad4);
  ASSERT_TRUE(errShape(r16, 400));
  EXPECT_NE(r16.body["message"].get<std::string>().find("Missing required configuration \"transforms.x.type\" which has no default value."), std::string::npos);

  auto bad5 = srcCfg("bad5");
  bad5["errors.tolerance"] = "ALL";
  auto r17 = create("bad5", bad5);
  ASSERT_TRUE(errShape(r17, 400));
  EXPECT_NE(r17.body["message"].get<std::string>().find("Invalid value ALL for configuration errors.tolerance: String must be one of: none, all"), std::string::npos);

  ASSERT_TRUE(eventually([&] { return http_->get("/connectors/src1").body["tasks"] == json::array({{{"connector", "src1"}, {"task", 0}}}); }));
  auto cfg = http_->get("/connectors/src1/config");
  EXPECT_EQ(cfg.status, 200);
  EXPECT_EQ(cfg.body, srcCfg("src1"));

  for (const char* path : {"/connectors/missing", "/connectors/missing/config", "/connectors/missing/tasks"}) {
    auto r = http_->get(path);
    ASSERT_TRUE(errShape(r, 404)) << path;
    EXPECT_EQ(r.body["message"], "Connector missing not found");
  }

  auto updated = srcCfg("src1");
  updated["batch.size"] = "100";
  auto r22 = http_->put("/connectors/src1/config", updated);
  ASSERT_EQ(r22.status, 200) << r22.raw;
  EXPECT_EQ(r22.body["config"]["batch.size"], "100");

  auto r23 = http_->put("/connectors/src3/config", srcCfg("src3"));
  ASSERT_EQ(r23.status, 201) << r23.raw;
  EXPECT_FALSE(r23.location.empty());
  EXPECT_EQ(r23.body["name"], "src3");

  auto other = srcCfg("other");
  auto r24 = http_->put("/connectors/src1/config", other);
  ASSERT_TRUE(errShape(r24, 400));
  EXPECT_EQ(r24.body["message"], "Connector name configuration (other) doesn't match connector name in the URL (src1)");

  auto p1 = http_->patch("/connectors/src1/config", {{"batch.size", "50"}});
  ASSERT_EQ(p1.status, 200) << p1.raw;
  auto expected = updated;
  expected["batch.size"] = "50";
  EXPECT_EQ(p1.body["config"], expected);
  EXPECT_EQ(http_->get("/connectors/src1/config").body, expected);
  auto p2 = http_->patch("/connectors/src1/config", {{"batch.size", nullptr}});
  ASSERT_EQ(p2.status, 200) << p2.raw;
  expected.erase("batch.size");
  EXPECT_EQ(p2.body["config"], expected);
  EXPECT_EQ(http_->get("/connectors/src1/config").body, expected);
  auto p3 = http_->patch("/connectors/missing/config", {{"a", "b"}});
  ASSERT_TRUE(errShape(p3, 404));
  EXPECT_EQ(p3.body["message"], "Connector missing not found");
  auto p4 = http_->patch("/connectors/src1/config", {{"name", "renamed"}});  // PATCH refuses a rename, as PUT does
  ASSERT_TRUE(errShape(p4, 400));

  auto nested = http_->post("/connectors", {{"name", "n"}, {"config", {{"connector.class", "NoopSource"}, {"x", {{"y", 1}}}}}});
  ASSERT_TRUE(errShape(nested, 400));
  auto numbers = http_->post("/connectors", {{"name", "num"}, {"config", {{"connector.class", "NoopSource"}, {"tasks.max", 1}, {"sluice.sink.class", "noop-sink"}}}});
  ASSERT_EQ(numbers.status, 201) << numbers.raw;
  EXPECT_EQ(numbers.body["config"]["tasks.max"], "1");
}

// Case 18, and initial_state PAUSED.
TEST_F(RestApiTest, InitialState) {
  auto r = http_->post("/connectors", {{"name", "st1"}, {"config", srcCfg("st1")}, {"initial_state", "STOPPED"}});
  ASSERT_EQ(r.status, 201) << r.raw;
  ASSERT_TRUE(eventually([&] {
    auto s = http_->get("/connectors/st1/status");
    return s.status == 200 && s.body["connector"]["state"] == "STOPPED" && s.body["tasks"] == json::array() &&
           s.body["type"] == "source" && s.body["name"] == "st1" && s.body["connector"]["worker_id"].is_string();
  }));
  auto p = http_->post("/connectors", {{"name", "pz"}, {"config", srcCfg("pz")}, {"initial_state", "paused"}});
  ASSERT_EQ(p.status, 201) << p.raw;
  EXPECT_EQ(connectorState("pz"), "PAUSED");
  auto bad = http_->post("/connectors", {{"name", "q"}, {"config", srcCfg("q")}, {"initial_state", "SLEEPING"}});
  ASSERT_TRUE(errShape(bad, 400));
}

// Cases 27-29.
TEST_F(RestApiTest, ExpandStatusAndInfo) {
  ASSERT_EQ(create("src1").status, 201);
  auto s = http_->get("/connectors?expand=status");
  ASSERT_EQ(s.status, 200);
  EXPECT_TRUE(s.body["src1"]["status"]["connector"]["state"].is_string());
  EXPECT_FALSE(s.body["src1"].contains("info"));
  auto both = http_->get("/connectors?expand=info&expand=status");
  ASSERT_EQ(both.status, 200);
  EXPECT_EQ(both.body["src1"]["info"]["name"], "src1");
  EXPECT_TRUE(both.body["src1"].contains("status"));
  auto bogus = http_->get("/connectors?expand=bogus");
  EXPECT_EQ(bogus.body, (json{{"src1", json::object()}}));
  EXPECT_EQ(http_->get("/connectors?expand=status,info").body, (json{{"src1", json::object()}}));  // a comma list is one unknown expand value
}

// Cases 30-34.
TEST_F(RestApiTest, StatusAndTasks) {
  ASSERT_EQ(create("src1").status, 201);
  ASSERT_TRUE(eventually([&] { return connectorState("src1") == "RUNNING" && allTasks("src1", "RUNNING"); }));
  auto s = http_->get("/connectors/src1/status");
  EXPECT_EQ(s.body["type"], "source");
  EXPECT_EQ(s.body["tasks"][0]["id"], 0);
  EXPECT_FALSE(s.body["tasks"][0].contains("trace"));
  EXPECT_EQ(s.body["tasks"][0]["worker_id"], "127.0.0.1:" + std::to_string(worker_->port()));

  auto tasks = http_->get("/connectors/src1/tasks");
  ASSERT_EQ(tasks.status, 200);
  ASSERT_EQ(tasks.body.size(), 1u);
  EXPECT_EQ(tasks.body[0]["id"], (json{{"connector", "src1"}, {"task", 0}}));
  EXPECT_EQ(tasks.body[0]["config"]["task.class"], "noop-source");

  auto t0 = http_->get("/connectors/src1/tasks/0/status");
  ASSERT_EQ(t0.status, 200);
  EXPECT_EQ(t0.body, (json{{"id", 0}, {"state", "RUNNING"}, {"worker_id", s.body["tasks"][0]["worker_id"]}}));
  auto t7 = http_->get("/connectors/src1/tasks/7/status");
  ASSERT_TRUE(errShape(t7, 404));
  EXPECT_EQ(t7.body["message"], "No status found for task src1-7");
  auto missing = http_->get("/connectors/missing/status");
  ASSERT_TRUE(errShape(missing, 404));
  EXPECT_EQ(missing.body["message"], "No status found for connector missing");

  auto cfg = srcCfg("multi");
  cfg["tasks.max"] = "3";
  ASSERT_EQ(create("multi", cfg).status, 201);
  ASSERT_TRUE(eventually([&] { return allTasks("multi", "RUNNING", 3); }));
  EXPECT_EQ(http_->get("/connectors/multi/tasks").body.size(), 3u);
}

// Case 35, with both a task that fails in create() and one that throws in start().
TEST_F(RestApiTest, FailedTaskCarriesTraceAndRestartsOnlyWhenAsked) {
  json failing = {{"connector.class", "create-fails"}, {"topics", "t"}, {"sluice.source.class", "noop-source"}};
  ASSERT_EQ(create("bad", failing).status, 201);
  ASSERT_TRUE(eventually([&] { return allTasks("bad", "FAILED"); }));
  auto s = http_->get("/connectors/bad/status");
  EXPECT_EQ(s.body["connector"]["state"], "RUNNING");
  ASSERT_TRUE(s.body["tasks"][0]["trace"].is_string());
  EXPECT_NE(s.body["tasks"][0]["trace"].get<std::string>().find("create-fails refuses"), std::string::npos);

  auto r = http_->post("/connectors/bad/restart?includeTasks=true&onlyFailed=true", json::object());
  ASSERT_EQ(r.status, 202) << r.raw;
  EXPECT_EQ(r.body["tasks"][0]["state"], "RESTARTING");
  EXPECT_EQ(r.body["connector"]["state"], "RUNNING");
  ASSERT_TRUE(eventually([&] { return allTasks("bad", "FAILED"); }));  // fails again, and stays failed

  json throws = {{"connector.class", "throws-in-start"}, {"sluice.sink.class", "noop-sink"}};
  ASSERT_EQ(create("thrower", throws).status, 201);
  ASSERT_TRUE(eventually([&] { return allTasks("thrower", "FAILED"); }));
  EXPECT_NE(http_->get("/connectors/thrower/status").body["tasks"][0]["trace"].get<std::string>().find("always throws"),
            std::string::npos);
  // A failed task ignores pause.
  EXPECT_EQ(http_->send("PUT", "/connectors/thrower/pause", "").status, 202);
  EXPECT_TRUE(allTasks("thrower", "FAILED"));
}

// Cases 36-43.
TEST_F(RestApiTest, Lifecycle) {
  ASSERT_EQ(create("src1").status, 201);
  ASSERT_TRUE(eventually([&] { return allTasks("src1", "RUNNING"); }));

  for (int i = 0; i < 2; ++i) {
    auto p = http_->send("PUT", "/connectors/src1/pause", "");
    EXPECT_EQ(p.status, 202);
    EXPECT_TRUE(p.raw.empty());
  }
  ASSERT_TRUE(eventually([&] { return connectorState("src1") == "PAUSED" && allTasks("src1", "PAUSED"); }));
  // As `curl -X PUT .../pause`: no Content-Length and no body at all.
  std::string bare = rawRequest(worker_->port(), "PUT /connectors/src1/pause HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(bare.starts_with("HTTP/1.1 202")) << bare;
  auto resumed = http_->send("PUT", "/connectors/src1/resume", "");
  EXPECT_EQ(resumed.status, 202);
  EXPECT_TRUE(resumed.raw.empty());
  ASSERT_TRUE(eventually([&] { return connectorState("src1") == "RUNNING" && allTasks("src1", "RUNNING"); }));

  for (const char* op : {"pause", "resume", "stop"}) {
    auto r = http_->send("PUT", std::string("/connectors/missing/") + op, "");
    ASSERT_TRUE(errShape(r, 404)) << op;
    EXPECT_EQ(r.body["message"], "Unknown connector missing");
  }

  auto stopped = http_->send("PUT", "/connectors/src1/stop", "");
  EXPECT_EQ(stopped.status, 204);
  EXPECT_TRUE(stopped.raw.empty());
  ASSERT_TRUE(eventually([&] {
    auto s = http_->get("/connectors/src1/status");
    return s.body["connector"]["state"] == "STOPPED" && s.body["tasks"] == json::array();
  }));
  EXPECT_EQ(http_->get("/connectors/src1").body["tasks"], json::array());
  EXPECT_EQ(http_->get("/connectors/src1/tasks").body, json::array());
  EXPECT_EQ(http_->send("PUT", "/connectors/src1/resume", "").status, 202);
  ASSERT_TRUE(eventually([&] { return connectorState("src1") == "RUNNING" && allTasks("src1", "RUNNING"); }));

  auto plain = http_->post("/connectors/src1/restart", json::object());
  EXPECT_EQ(plain.status, 204);
  EXPECT_TRUE(plain.raw.empty());
  auto all = http_->post("/connectors/src1/restart?includeTasks=true", json::object());
  ASSERT_EQ(all.status, 202) << all.raw;
  EXPECT_EQ(all.body["connector"]["state"], "RESTARTING");
  for (const auto& t : all.body["tasks"]) EXPECT_EQ(t["state"], "RESTARTING");
  ASSERT_TRUE(eventually([&] { return connectorState("src1") == "RUNNING" && allTasks("src1", "RUNNING"); }));
  auto missing = http_->post("/connectors/missing/restart?includeTasks=true", json::object());
  ASSERT_TRUE(errShape(missing, 404));
  EXPECT_EQ(missing.body["message"], "Unknown connector: missing");

  EXPECT_EQ(http_->post("/connectors/src1/tasks/0/restart", json::object()).status, 204);
  ASSERT_TRUE(eventually([&] { return allTasks("src1", "RUNNING"); }));
  ASSERT_TRUE(errShape(http_->post("/connectors/src1/tasks/99/restart", json::object()), 404));
}

// Cases 44-48, and the altered offset is where the task resumes.
TEST_F(RestApiTest, TopicsAndOffsets) {
  ASSERT_EQ(create("src1").status, 201);
  ASSERT_TRUE(eventually([&] {
    auto t = http_->get("/connectors/src1/topics");
    return t.status == 200 && t.body["src1"]["topics"] == json::array({"ct-topic"});
  }));
  EXPECT_EQ(http_->send("PUT", "/connectors/src1/topics/reset", "").status, 202);
  EXPECT_EQ(http_->get("/connectors/unknown/topics").body, (json{{"unknown", {{"topics", json::array()}}}}));  // no existence check, as in Connect

  ASSERT_TRUE(eventually([&] {
    auto o = http_->get("/connectors/src1/offsets");
    return o.status == 200 && o.body["offsets"].size() == 1 && o.body["offsets"][0]["offset"]["position"].get<int>() > 10;
  }));
  auto o = http_->get("/connectors/src1/offsets");
  EXPECT_EQ(o.body["offsets"][0]["partition"], (json{{"source", "noop"}}));
  auto missing = http_->get("/connectors/missing/offsets");
  ASSERT_TRUE(errShape(missing, 404));
  EXPECT_EQ(missing.body["message"], "Connector missing not found");

  auto running = http_->del("/connectors/src1/offsets");
  ASSERT_TRUE(errShape(running, 400));
  EXPECT_EQ(running.body["message"],
            "Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the "
            "specified connector by issuing a 'PUT' request to the '/connectors/src1/stop' endpoint");
  auto empty = http_->patch("/connectors/src1/offsets", {{"offsets", json::array()}});
  ASSERT_TRUE(errShape(empty, 400));
  EXPECT_EQ(empty.body["message"], "Partitions / offsets need to be provided for an alter offsets request");

  ASSERT_EQ(http_->send("PUT", "/connectors/src1/stop", "").status, 204);
  auto altered = http_->patch("/connectors/src1/offsets",
                              {{"offsets", {{{"partition", {{"source", "noop"}}}, {"offset", {{"position", 5}}}}}}});
  ASSERT_EQ(altered.status, 200) << altered.raw;
  EXPECT_TRUE(altered.body["message"].get<std::string>().starts_with("The Connect framework-managed offsets"));
  auto after = http_->get("/connectors/src1/offsets");
  EXPECT_EQ(after.body["offsets"], json::array({{{"partition", {{"source", "noop"}}}, {"offset", {{"position", 5}}}}}));

  // Resumed, the source continues right after the altered position.
  ASSERT_EQ(http_->send("PUT", "/connectors/src1/resume", "").status, 202);
  ASSERT_TRUE(eventually([&] {
    auto now = http_->get("/connectors/src1/offsets").body["offsets"];
    return now.size() == 1 && now[0]["offset"]["position"].get<int>() > 5;
  }));
  ASSERT_EQ(http_->send("PUT", "/connectors/src1/stop", "").status, 204);
  auto reset = http_->del("/connectors/src1/offsets");
  ASSERT_EQ(reset.status, 200) << reset.raw;
  EXPECT_NE(reset.body["message"].get<std::string>().find("reset successfully"), std::string::npos);
  EXPECT_EQ(http_->get("/connectors/src1/offsets").body, (json{{"offsets", json::array()}}));

  auto notFlat = http_->patch("/connectors/src1/offsets", {{"offsets", {{{"partition", {{"a", {{"b", 1}}}}}, {"offset", {{"p", 1}}}}}}});
  ASSERT_TRUE(errShape(notFlat, 400));
}

// Sink offsets of a non-Kafka sink pipeline follow the same rules; the sink format is checked.
TEST_F(RestApiTest, SinkOffsetFormatErrors) {
  ASSERT_EQ(create("snk", snkCfg("snk")).status, 201);
  ASSERT_EQ(http_->send("PUT", "/connectors/snk/stop", "").status, 204);
  auto noKeys = http_->patch("/connectors/snk/offsets", {{"offsets", {{{"partition", {{"x", 1}}}, {"offset", {{"kafka_offset", 1}}}}}}});
  ASSERT_TRUE(errShape(noKeys, 400));
  EXPECT_EQ(noKeys.body["message"], "The partition for a sink connector offset must contain the keys 'kafka_topic' and 'kafka_partition'");
  auto badNumber = http_->patch("/connectors/snk/offsets",
                                {{"offsets", {{{"partition", {{"kafka_topic", "t"}, {"kafka_partition", "zero"}}}, {"offset", {{"kafka_offset", 1}}}}}}});
  ASSERT_TRUE(errShape(badNumber, 400));
  EXPECT_EQ(badNumber.body["message"],
            "Failed to parse the following Kafka partition value in the provided offsets: 'zero'. Partition values for "
            "sink connectors need to be integers.");
}

// Case 49.
TEST_F(RestApiTest, Delete) {
  ASSERT_EQ(http_->put("/connectors/src3/config", srcCfg("src3")).status, 201);
  auto d = http_->del("/connectors/src3");
  EXPECT_EQ(d.status, 204);
  EXPECT_TRUE(d.raw.empty());
  EXPECT_EQ(http_->get("/connectors/src3").status, 404);
  EXPECT_EQ(http_->get("/connectors").body, json::array());
  auto again = http_->del("/connectors/src3");
  ASSERT_TRUE(errShape(again, 404));
  EXPECT_EQ(again.body["message"], "Connector src3 not found");
}

// Cases 50-57.
TEST_F(RestApiTest, PluginsAndValidation) {
  auto list = http_->get("/connector-plugins");
  ASSERT_EQ(list.status, 200);
  std::set<std::string> classes;
  for (const auto& p : list.body) {
    ASSERT_TRUE(p["class"].is_string());
    EXPECT_TRUE(p["type"] == "source" || p["type"] == "sink") << p.dump();
    classes.insert(p["class"]);
  }
  EXPECT_TRUE(classes.count("noop-source") && classes.count("noop-sink"));

  auto everything = http_->get("/connector-plugins?connectorsOnly=false");
  std::set<std::string> types;
  const std::set<std::string> allowed = {"source", "sink", "converter", "header_converter", "transformation", "predicate"};
  for (const auto& p : everything.body) {
    types.insert(p["type"]);
    EXPECT_TRUE(allowed.count(p["type"])) << p.dump();
  }
  for (const char* t : {"transformation", "predicate", "converter"}) EXPECT_TRUE(types.count(t)) << t;

  const std::set<std::string> keyFields = {"name", "type", "required", "default_value", "importance", "documentation",
                                           "group", "order", "width", "display_name", "dependents"};
  auto keys = http_->get("/connector-plugins/NoopSink/config");
  ASSERT_EQ(keys.status, 200);
  std::set<std::string> names;
  for (const auto& k : keys.body) {
    std::set<std::string> fields;
    for (auto& [f, _] : k.items()) fields.insert(f);
    EXPECT_EQ(fields, keyFields);
    names.insert(k["name"]);
  }
  EXPECT_TRUE(names.count("topics") && names.count("tasks.max"));
  EXPECT_EQ(http_->get("/connector-plugins/org.apache.kafka.connect.json.JsonConverter/config").status, 200);
  auto nope = http_->get("/connector-plugins/com.example.Nope/config");
  ASSERT_TRUE(errShape(nope, 404));
  EXPECT_EQ(nope.body["message"], "Unknown plugin com.example.Nope.");

  auto ok = http_->put("/connector-plugins/NoopSink/config/validate", snkCfg("v1"));
  ASSERT_EQ(ok.status, 200) << ok.raw;
  EXPECT_EQ(ok.body["name"], "NoopSink");
  EXPECT_EQ(ok.body["error_count"], 0);
  auto groups = ok.body["groups"];
  EXPECT_NE(std::find(groups.begin(), groups.end(), "Common"), groups.end());
  EXPECT_NE(std::find(groups.begin(), groups.end(), "Error Handling"), groups.end());
  const std::set<std::string> valueFields = {"name", "value", "recommended_values", "errors", "visible"};
  for (const auto& c : ok.body["configs"]) {
    std::set<std::string> df, vf;
    for (auto& [f, _] : c["definition"].items()) df.insert(f);
    for (auto& [f, _] : c["value"].items()) vf.insert(f);
    EXPECT_EQ(df, keyFields);
    EXPECT_EQ(vf, valueFields);
  }

  auto errors = http_->put("/connector-plugins/NoopSink/config/validate", without(without(snkCfg("v1"), "name"), "topics"));
  ASSERT_EQ(errors.status, 200) << errors.raw;
  EXPECT_EQ(errors.body["error_count"], 3);
  for (const auto& c : errors.body["configs"]) {
    if (c["value"]["name"] == "name") {
      EXPECT_EQ(c["value"]["errors"], json::array({"Missing required configuration \"name\" which has no default value."}));
    }
    if (c["value"]["name"] == "topics" || c["value"]["name"] == "topics.regex") {
      EXPECT_EQ(c["value"]["errors"], json::array({"Must configure one of topics or topics.regex"}));
    }
  }

  auto wrongType = http_->put("/connector-plugins/NoopSink/config/validate", {{"connector.class", "NoopSource"}, {"topic", "t"}});
  ASSERT_TRUE(errShape(wrongType, 400));
  EXPECT_EQ(wrongType.body["message"], "Included connector type NoopSource does not match request type NoopSink");
  auto byName = http_->put("/connector-plugins/noop-sink/config/validate", snkCfg("v1"));  // alias and name agree
  EXPECT_EQ(byName.status, 200);
  auto noClass = http_->put("/connector-plugins/NoopSink/config/validate", {{"topics", "t"}});
  ASSERT_TRUE(errShape(noClass, 400));
  EXPECT_TRUE(noClass.body["message"].get<std::string>().ends_with(" contains no connector type"));
}

// Cases 58-62, and the level really changes what a logger emits.
TEST_F(RestApiTest, Loggers) {
  auto all = http_->get("/admin/loggers");
  ASSERT_EQ(all.status, 200);
  ASSERT_TRUE(all.body.contains("root"));
  EXPECT_TRUE(all.body["root"]["level"].is_string());
  EXPECT_TRUE(all.body["root"]["last_modified"].is_null() || all.body["root"]["last_modified"].is_number());

  auto set = http_->put("/admin/loggers/org.apache.kafka.connect", {{"level", "DEBUG"}});
  ASSERT_EQ(set.status, 200) << set.raw;
  ASSERT_TRUE(set.body.is_array());
  EXPECT_NE(std::find(set.body.begin(), set.body.end(), "org.apache.kafka.connect"), set.body.end());
  EXPECT_TRUE(std::is_sorted(set.body.begin(), set.body.end()));
  auto one = http_->get("/admin/loggers/org.apache.kafka.connect");
  EXPECT_EQ(one.body["level"], "DEBUG");
  EXPECT_TRUE(one.body["last_modified"].is_number());
  EXPECT_TRUE(spdlog::get("org.apache.kafka.connect")->should_log(spdlog::level::debug));

  auto worker = http_->put("/admin/loggers/sluice.worker", {{"level", "ERROR"}});
  ASSERT_EQ(worker.status, 200);
  EXPECT_FALSE(spdlog::get("sluice.worker")->should_log(spdlog::level::info));
  EXPECT_EQ(http_->put("/admin/loggers/sluice.worker", {{"level", "info"}}).status, 200);
  EXPECT_TRUE(spdlog::get("sluice.worker")->should_log(spdlog::level::info));

  auto missingLevel = http_->put("/admin/loggers/x", json::object());
  ASSERT_TRUE(errShape(missingLevel, 400));
  EXPECT_EQ(missingLevel.body["message"], "Desired 'level' parameter was not specified in request.");
  auto loud = http_->put("/admin/loggers/x", {{"level", "LOUD"}});
  ASSERT_TRUE(errShape(loud, 404));
  EXPECT_EQ(loud.body["message"], "invalid log level 'LOUD'.");
  auto unknown = http_->get("/admin/loggers/does.not.exist");
  ASSERT_TRUE(errShape(unknown, 404));
  EXPECT_EQ(unknown.body["message"], "Logger does.not.exist not found.");
  auto cluster = http_->put("/admin/loggers/org.apache.kafka.connect?scope=cluster", {{"level", "INFO"}});
  EXPECT_EQ(cluster.status, 204);
  EXPECT_TRUE(cluster.raw.empty());
}

// Case 63 (the documented Sluice behaviour): configs, target states and offsets survive a restart.
TEST_F(RestApiTest, StateSurvivesAGracefulRestart) {
  ASSERT_EQ(create("run").status, 201);
  ASSERT_EQ(create("paused").status, 201);
  ASSERT_EQ(create("stopped").status, 201);
  ASSERT_TRUE(eventually([&] {
    auto o = http_->get("/connectors/stopped/offsets").body["offsets"];
    return o.size() == 1 && o[0]["offset"]["position"].get<int>() > 3;
  }));
  ASSERT_EQ(http_->send("PUT", "/connectors/paused/pause", "").status, 202);
  ASSERT_EQ(http_->send("PUT", "/connectors/stopped/stop", "").status, 204);
  auto before = http_->get("/connectors/stopped/offsets").body;
  worker_->stop();
  worker_.reset();

  worker_ = std::make_unique<InProcessWorker>(dir_);
  http_ = std::make_unique<Http>(worker_->port());
  auto names = http_->get("/connectors").body;
  EXPECT_EQ(std::set<std::string>(names.begin(), names.end()), (std::set<std::string>{"run", "paused", "stopped"}));
  EXPECT_EQ(http_->get("/connectors/run/config").body, srcCfg("run"));
  ASSERT_TRUE(eventually([&] { return connectorState("run") == "RUNNING" && allTasks("run", "RUNNING"); }));
  EXPECT_EQ(connectorState("paused"), "PAUSED");
  EXPECT_EQ(connectorState("stopped"), "STOPPED");
  EXPECT_EQ(http_->get("/connectors/stopped/offsets").body, before);
}

TEST(RestStartupTest, CorruptStateFileStopsStartupWithTheReason) {
  TempDir dir;
  {
    std::ofstream out(dir.file("configs"));
    out << "sluice-state-v1 0000000000000000 2\n{}";
  }
  try {
    InProcessWorker w(dir);
    FAIL() << "the worker started over a corrupt config file";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("corrupt"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace sluice::testing
