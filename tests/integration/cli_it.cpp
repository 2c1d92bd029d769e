// The `sluice` executable as a user runs it: plugins check/list/describe, --version, and clear
// errors with non-zero exits for bad input.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

namespace {

struct RunResult {
  int exitCode;
  std::string output;  // stdout and stderr
};

RunResult run(const std::string& args) {
  std::string cmd = std::string(SLUICE_BINARY) + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

std::string fixture(const std::string& name) { return std::string(SLUICE_FIXTURE_DIR) + "/" + name + ".so"; }

TEST(Cli, PluginsCheckPrintsThePreciseReasonForEachBrokenFixture) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"missing_entry", "no entry symbol 'sluice_plugin_entry'"},
      {"abi_major_mismatch", "ABI major version 2 does not match the host's 1"},
      {"abi_minor_too_new", "ABI version 1.6 is newer than the host's 1.1"},
      {"struct_too_small", "plugin #0 struct_size 16 is smaller than the ABI 1.0 size 152"},
      {"source_missing_poll", "plugin 'missing-poll' (source) lacks the required hook 'poll'"},
      {"duplicate_name", "duplicate plugin name or alias 'twin' within the file"},
      {"invalid_name", "invalid plugin name 'Bad Name'"},
  };
  for (const auto& [name, reason] : cases) {
    RunResult r = run("plugins check " + fixture(name));
    EXPECT_NE(r.exitCode, 0) << name;
    EXPECT_NE(r.output.find("refused: " + fixture(name) + ": " + reason), std::string::npos) << name << ": " << r.output;
  }
}

TEST(Cli, PluginsCheckAcceptsAGoodPlugin) {
  RunResult r = run("plugins check " + fixture("noop_source"));
  EXPECT_EQ(r.exitCode, 0) << r.output;
  EXPECT_EQ(r.output, "ok: noop-source (source, 1.0.0)\n");
}

TEST(Cli, PluginsListAndDescribeReadExtraFolders) {
  RunResult list = run(std::string("plugins list --path ") + SLUICE_FIXTURE_DIR);
  EXPECT_EQ(list.exitCode, 0);
  EXPECT_NE(list.output.find("noop-sink\tsink\t1.0.0"), std::string::npos) << list.output;
  EXPECT_NE(list.output.find("refused: "), std::string::npos) << "refused fixtures are reported";

  RunResult describe = run(std::string("plugins describe NoopSource --path ") + SLUICE_FIXTURE_DIR + " 2>/dev/null");
  ASSERT_EQ(describe.exitCode, 0) << describe.output;
  auto json = nlohmann::json::parse(describe.output.substr(describe.output.find('{')));
  EXPECT_EQ(json["name"], "noop-source");
  EXPECT_EQ(json["kind"], "source");
  EXPECT_EQ(json["config"][1]["name"], "max.records");
  EXPECT_EQ(json["config"][1]["default_value"], "-1");

  RunResult md = run(std::string("plugins describe noop-source --format markdown --path ") + SLUICE_FIXTURE_DIR + " 2>/dev/null");
  EXPECT_NE(md.output.find("| `max.records` | LONG | `-1` | `[-1,]` | LOW |"), std::string::npos) << md.output;
}

TEST(Cli, UnknownPluginAndBadConfigExitNonZeroWithAMessage) {
  RunResult r = run("plugins describe no-such-plugin");
  EXPECT_NE(r.exitCode, 0);
  EXPECT_NE(r.output.find("unknown plugin 'no-such-plugin'"), std::string::npos);

  RunResult missing = run("worker /nonexistent/worker.yaml");
  EXPECT_EQ(missing.exitCode, 2);
  EXPECT_NE(missing.output.find("/nonexistent/worker.yaml: no such worker config file"), std::string::npos) << missing.output;

  std::string bad = testing::TempDir() + "/bad-worker.yaml";
  FILE* f = fopen(bad.c_str(), "w");
  fputs("rest: [unclosed\n", f);
  fclose(f);
  RunResult malformed = run("worker " + bad);
  EXPECT_NE(malformed.exitCode, 0);
  EXPECT_NE(malformed.output.find("invalid YAML at line"), std::string::npos) << malformed.output;
}

TEST(Cli, PrintsItsVersion) {
  RunResult r = run("--version");
  EXPECT_EQ(r.exitCode, 0);
  EXPECT_EQ(r.output.rfind("sluice 0.1.0 (plugin ABI 1.1)", 0), 0u) << r.output;
}

}  // namespace
