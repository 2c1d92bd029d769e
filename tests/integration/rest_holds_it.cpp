// A REST server that holds under abuse: deeply nested JSON, chunked bodies past
// rest.request.max.bytes, slow and idle clients, TCP_NODELAY on accepted sockets, tasks.max past
// tasks.max.limit, unbounded logger creation, invalid UTF-8 and out-of-range numbers.
// Each is answered with Connect's error shape by a worker that keeps serving. No timing assertions:
// "keeps serving" is a request that gets its answer while the abusive clients are still connected.
#include <netinet/tcp.h>
#include <poll.h>

#include <atomic>
#include <fstream>

#include "process_support.hpp"
#include "rest_test_support.hpp"

using namespace sluice::testing;

namespace {

using Settings = std::map<std::string, std::string>;

// A worker process (not this test process), so a crash shows as a dead worker, not a dead test.
struct WorkerUnderTest {
  explicit WorkerUnderTest(const std::map<std::string, std::string>& extra = {}) {
    std::map<std::string, std::string> values = {{"listeners", "http://127.0.0.1:0"},
                                                 {"plugin.path", SLUICE_FIXTURE_DIR},
                                                 {"bootstrap.servers", "127.0.0.1:1"},
                                                 {"offset.storage.file.filename", dir.file("offsets")},
                                                 {"config.storage.file.filename", dir.file("configs")}};
    for (const auto& [k, v] : extra) values[k] = v;
    writeWorkerConfig(dir.file("worker.yaml"), values);
    process = std::make_unique<WorkerProcess>(dir.file("worker.yaml"), dir.file("worker.log"));
    port = process->waitForPort();
    if (port == 0) throw std::runtime_error("the worker did not start: " + process->log());
  }
  bool alive() { return !process->exited() && Http(port).get("/").status == 200; }

  TempDir dir;
  std::unique_ptr<WorkerProcess> process;
  int port = 0;
};


bool sendAll(int fd, const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

// Whatever the server sent until it closed (or nothing more came for 30 s).
std::string readUntilClosed(int fd) {
  std::string out;
  char buf[65536];
  while (true) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 30000) <= 0) break;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

Reply parseRawReply(const std::string& raw) {
  Reply r;
  if (raw.rfind("HTTP/1.1 ", 0) != 0) return r;
  r.status = std::stoi(raw.substr(9, 3));
  auto bodyAt = raw.find("\r\n\r\n");
  r.raw = bodyAt == std::string::npos ? "" : raw.substr(bodyAt + 4);
  r.body = json::parse(r.raw, nullptr, false);
  return r;
}

// A chunked POST /connectors of `total` bytes, sent until done or until the server stops reading.
Reply postChunked(int port, const std::string& name, size_t total) {
  int fd = connectLoopback(port);
  std::string head = "POST /connectors HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     "Transfer-Encoding: chunked\r\n\r\n";
  std::string start = json{{"name", name}, {"config", srcCfg(name)}}.dump();
  start.pop_back();  // leave the object open for a long "padding" member
  start += ",\"padding\":\"";
  bool open = sendAll(fd, head);
  auto chunk = [](const std::string& data) {
    char size[32];
    std::snprintf(size, sizeof size, "%zx\r\n", data.size());
    return std::string(size) + data + "\r\n";
  };
  open = open && sendAll(fd, chunk(start));
  const std::string padding(64 * 1024, 'x');
  for (size_t sent = start.size(); open && sent < total; sent += padding.size())
    open = sendAll(fd, chunk(padding.substr(0, total - sent)));
  if (open) sendAll(fd, chunk("\"}") + "0\r\n\r\n");
  Reply r = parseRawReply(readUntilClosed(fd));
  ::close(fd);
  return r;
}

}  // namespace

// Seen 4: ~170 KB of '[' in initial_state overflowed the stack while the value was printed back.
TEST(RestHoldsIt, DeeplyNestedInitialStateIsA400AndTheWorkerLives) {
  WorkerUnderTest w;
  std::string nested = std::string(170000, '[') + std::string(170000, ']');
  std::string body = R"({"name":"deep","config":)" + srcCfg("deep").dump() + R"(,"initial_state":)" + nested + "}";
  auto r = Http(w.port).send("POST", "/connectors", body);
  EXPECT_TRUE(errShape(r, 400)) << r.raw.substr(0, 300);
  EXPECT_LT(r.raw.size(), 2048u) << "the request's own value is echoed back";
  EXPECT_TRUE(w.alive()) << w.process->log();
  EXPECT_EQ(Http(w.port).get("/connectors/deep").status, 404);
}

// Seen 4: the same in a PATCH /connectors/{name}/offsets partition.
TEST(RestHoldsIt, DeeplyNestedOffsetPartitionIsA400AndTheWorkerLives) {
  WorkerUnderTest w;
  Http http(w.port);
  ASSERT_EQ(http.post("/connectors", {{"name", "off"}, {"config", srcCfg("off")}, {"initial_state", "STOPPED"}}).status, 201);
  std::string nested = std::string(170000, '[') + std::string(170000, ']');
  std::string body = R"({"offsets":[{"partition":)" + nested + R"(,"offset":{"n":1}}]})";
  auto r = http.send("PATCH", "/connectors/off/offsets", body);
  EXPECT_TRUE(errShape(r, 400)) << r.raw.substr(0, 300);
  EXPECT_LT(r.raw.size(), 2048u) << "the request's own value is echoed back";
  EXPECT_TRUE(w.alive()) << w.process->log();
}

// The request's own values are quoted only in part: a 100 KB invalid initial_state is not sent back whole.
TEST(RestHoldsIt, ALongInvalidValueIsQuotedOnlyInPart) {
  WorkerUnderTest w;
  auto r = Http(w.port).post("/connectors", {{"name", "long"}, {"config", srcCfg("long")},
                                             {"initial_state", std::string(100000, 'Z')}});
  EXPECT_TRUE(errShape(r, 400)) << r.raw.substr(0, 300);
  EXPECT_LT(r.raw.size(), 2048u);
}

// Seen 5: rest.request.max.bytes was checked on Content-Length only; a chunked body went through whole.
TEST(RestHoldsIt, AChunkedBodyOverTheLimitIsA413AndNothingIsCreated) {
  WorkerUnderTest w(Settings{{"rest.request.max.bytes", "65536"}});
  auto r = postChunked(w.port, "chunky", 10 * 1024 * 1024);
  EXPECT_TRUE(errShape(r, 413)) << r.raw.substr(0, 300);
  EXPECT_LT(r.raw.size(), 2048u) << "the body is echoed back";
  EXPECT_EQ(Http(w.port).get("/connectors/chunky").status, 404);
  // A chunked body under the limit is still taken.
  auto small = postChunked(w.port, "small", 1000);
  EXPECT_EQ(small.status, 201) << small.raw;
  EXPECT_TRUE(w.alive());
}

// Seen 5: a 256 MB chunked body took the worker's memory with it; the refusal reads no further than the limit.
TEST(RestHoldsIt, AHugeChunkedBodyIsNotBuffered) {
  WorkerUnderTest w(Settings{{"rest.request.max.bytes", "65536"}});
  auto peakKb = [&] {
    std::ifstream in("/proc/" + std::to_string(w.process->pid()) + "/status");
    std::string line;
    while (std::getline(in, line))
      if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
    return -1L;
  };
  long before = peakKb();
  ASSERT_GT(before, 0);
  auto r = postChunked(w.port, "huge", 256u * 1024 * 1024);
  EXPECT_TRUE(errShape(r, 413)) << r.raw.substr(0, 300);
  long grown = peakKb() - before;
  EXPECT_LT(grown, 64L * 1024) << "the worker's peak memory grew by " << grown << " KB for a refused body";
  EXPECT_TRUE(w.alive());
}

// Seen 6: eight connections that trickle headers (and idle ones) took every server thread. While 64
// slow clients keep trickling and 20 idle ones sit there, other clients are answered; the slow ones are
// then closed by the header deadline.
TEST(RestHoldsIt, SlowAndIdleClientsDoNotStarveOthers) {
  WorkerUnderTest w(Settings{{"rest.header.timeout.ms", "3000"}});
  std::vector<int> slow, idle;
  for (int i = 0; i < 64; ++i) slow.push_back(connectLoopback(w.port));
  for (int i = 0; i < 20; ++i) idle.push_back(connectLoopback(w.port));
  for (int fd : slow) ASSERT_GE(fd, 0);
  for (int fd : idle) ASSERT_GE(fd, 0);
  for (int fd : slow) sendAll(fd, "GET / HTTP/1.1\r\nHost: x\r\n");
  std::atomic<bool> trickling{true};
  std::thread trickler([&] {
    while (trickling) {
      for (int fd : slow) sendAll(fd, "X");  // a header that never ends, one byte at a time
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  });
  auto served = Http(w.port).get("/connectors");
  EXPECT_EQ(served.status, 200) << "another client was not answered while slow ones were connected";
  // The header deadline closes every trickling connection although it keeps sending.
  bool allClosed = eventually([&] {
    for (int fd : slow) {
      char c;
      ssize_t n = ::recv(fd, &c, 1, MSG_DONTWAIT);
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return false;
    }
    return true;
  });
  trickling = false;
  trickler.join();
  EXPECT_TRUE(allClosed) << "slow clients are still connected after rest.header.timeout.ms";
  for (int fd : slow) ::close(fd);
  for (int fd : idle) ::close(fd);
  EXPECT_TRUE(w.alive());
}

// Seen 6: TCP_NODELAY was set after the listening socket existed and never reached accepted sockets,
// so each keep-alive answer waited for the client's delayed ACK. Read from the server's side of the
// connection (an in-process worker, so its sockets are this process's descriptors).
TEST(RestHoldsIt, AcceptedSocketsHaveTcpNoDelay) {
  TempDir dir;
  InProcessWorker worker(dir);
  httplib::Client client("127.0.0.1", worker.port());
  client.set_keep_alive(true);
  ASSERT_EQ(client.Get("/")->status, 200);  // the connection stays open: keep-alive
  int accepted = 0, withNoDelay = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    int fd = std::stoi(entry.path().filename().string());
    sockaddr_in local{};
    socklen_t len = sizeof local;
    int listening = 0;
    socklen_t optLen = sizeof listening;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) != 0 || local.sin_family != AF_INET) continue;
    if (ntohs(local.sin_port) != worker.port()) continue;
    if (::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &optLen) != 0 || listening) continue;
    ++accepted;
    int nodelay = 0;
    optLen = sizeof nodelay;
    if (::getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &nodelay, &optLen) == 0 && nodelay) ++withNoDelay;
  }
  EXPECT_GE(accepted, 1);
  EXPECT_EQ(withNoDelay, accepted);
}

// Seen 6: the listen backlog was 5; `ss -ltn` shows a listening socket's backlog as its Send-Q.
TEST(RestHoldsIt, TheListenBacklogHoldsHundreds) {
  WorkerUnderTest w;
  std::string out = "/tmp/sluice-ss-" + std::to_string(::getpid()) + ".txt";
  std::string cmd = "ss -Hltn 'sport = :" + std::to_string(w.port) + "' > " + out;
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  std::istringstream line(readFile(out));
  std::remove(out.c_str());
  std::string state;
  long recvQ = -1, sendQ = -1;
  line >> state >> recvQ >> sendQ;
  EXPECT_EQ(state, "LISTEN");
  EXPECT_GE(sendQ, 512) << readFile(out);
}

// Seen 7: tasks.max=4000 in one POST created 12.6k threads; tasks.max.limit bounds it with a reason.
TEST(RestHoldsIt, TasksMaxAboveTheWorkerLimitIsA400) {
  WorkerUnderTest w(Settings{{"tasks.max.limit", "8"}});
  Http http(w.port);
  auto cfg = srcCfg("many");
  cfg["tasks.max"] = "4000";
  auto r = http.post("/connectors", {{"name", "many"}, {"config", cfg}});
  ASSERT_TRUE(errShape(r, 400)) << r.raw;
  EXPECT_NE(r.body["message"].get<std::string>().find("tasks.max.limit"), std::string::npos) << r.raw;
  EXPECT_EQ(http.get("/connectors/many").status, 404);
  auto put = http.put("/connectors/many/config", cfg);
  EXPECT_TRUE(errShape(put, 400)) << put.raw;
  cfg["tasks.max"] = "8";
  ASSERT_EQ(http.put("/connectors/many/config", cfg).status, 201);
  auto patch = http.patch("/connectors/many/config", {{"tasks.max", "9"}});
  EXPECT_TRUE(errShape(patch, 400)) << patch.raw;
  EXPECT_EQ(http.get("/connectors/many/config").body.value("tasks.max", ""), "8");
}

// Seen 7: PUT /admin/loggers/<any> created a logger per new name, without bound.
TEST(RestHoldsIt, LoggersCreatedThroughTheApiAreBounded) {
  WorkerUnderTest w;
  Http http(w.port);
  Reply refused;
  int created = 0;
  for (int i = 0; i < 1500 && refused.status == 0; ++i) {
    auto r = http.put("/admin/loggers/made.up." + std::to_string(i), {{"level", "DEBUG"}});
    if (r.status == 200) ++created;
    else refused = r;
  }
  ASSERT_TRUE(errShape(refused, 400)) << "created " << created << " loggers without a refusal";
  EXPECT_LE(http.get("/admin/loggers").body.size(), 1100u);
  // Existing loggers still take a level.
  EXPECT_EQ(http.put("/admin/loggers/made.up.0", {{"level", "INFO"}}).status, 200);
  EXPECT_TRUE(w.alive());
}

// Seen 7: invalid UTF-8 and 1e999 were 500s.
TEST(RestHoldsIt, InvalidUtf8AndOutOfRangeNumbersAre400) {
  WorkerUnderTest w;
  Http http(w.port);
  std::string badUtf8 = R"({"name":"u","config":{"connector.class":"NoopSource","topic":")" + std::string("\xff\xfe") + R"("}})";
  EXPECT_TRUE(errShape(http.send("POST", "/connectors", badUtf8), 400));
  std::string hugeNumber = R"({"name":"n","config":{"connector.class":"NoopSource","tasks.max":1e999}})";
  auto r = http.send("POST", "/connectors", hugeNumber);
  EXPECT_TRUE(errShape(r, 400)) << r.raw;
  auto logger = http.send("PUT", "/admin/loggers/x", R"({"level":1e999})");
  EXPECT_TRUE(errShape(logger, 400)) << logger.raw;
  EXPECT_TRUE(w.alive());
}
