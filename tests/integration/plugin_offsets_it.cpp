// A source whose offsets are not a JSON object in UTF-8 fails its own task, with a trace naming the
// plugin and the flaw; the worker stays up and serves requests (it used to abort in the offset
// flusher thread while writing such bytes to the offset file).
#include "rest_test_support.hpp"

namespace sluice::testing {
namespace {

TEST(PluginOffsetsIt, AnInvalidSourceOffsetFailsTheTaskWithATraceAndTheWorkerStaysUp) {
  TempDir dir;
  InProcessWorker worker(dir);
  Http http(worker.port());
  for (auto [name, flaw, expected] : {std::tuple{"utf8", "invalid-utf8", "source_offset is not valid UTF-8"},
                                      std::tuple{"array", "not-object", "source_offset is not a JSON object"}}) {
    json config = {{"connector.class", "bad-offset-source"}, {"flaw", flaw}, {"sluice.sink.class", "noop-sink"}};
    ASSERT_EQ(http.put(std::string("/connectors/") + name + "/config", config).status, 201);
    std::string trace;
    ASSERT_TRUE(eventually([&] {
      auto s = http.get(std::string("/connectors/") + name + "/status");
      if (s.body["tasks"].empty() || s.body["tasks"][0]["state"] != "FAILED") return false;
      trace = s.body["tasks"][0].value("trace", "");
      return true;
    })) << http.get(std::string("/connectors/") + name + "/status").raw;
    EXPECT_NE(trace.find(std::string("bad-offset-source: poll emitted an invalid record: ") + expected), std::string::npos) << trace;
  }
  // Longer than offset.flush.interval.ms (100 ms): the flusher has run since, and the worker answers.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(http.get("/").status, 200);
  EXPECT_EQ(http.get("/connectors/utf8/offsets").body["offsets"], json::array()) << "nothing of a refused record is stored";
}

}  // namespace
}  // namespace sluice::testing
