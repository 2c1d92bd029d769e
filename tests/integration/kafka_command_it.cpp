// `sluice kafka` as a subprocess: the first stdout line is a bootstrap address that librdkafka clients
// (as kcat) can query, and SIGTERM stops it cleanly.
#include <signal.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>

#include "integration/kafka_it_support.hpp"

namespace sluice {
namespace {

using namespace kafkait;
using namespace std::chrono_literals;

struct Child {
  pid_t pid = -1;
  FILE* out = nullptr;
};

Child spawn(const std::vector<std::string>& args) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(fds[1]);
  return Child{pid, fdopen(fds[0], "r")};
}

// Waits for the child to exit; -1 when it did not within the timeout.
int waitExit(pid_t pid, std::chrono::milliseconds timeout) {
  int status = 0;
  bool done = waitUntil([&] { return waitpid(pid, &status, WNOHANG) == pid; }, timeout);
  if (!done) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

TEST(KafkaCommand, PrintsABootstrapAddressThatAnswersMetadata) {
  std::string file = ::testing::TempDir() + uniqueName("kafka-cmd") + ".bootstrap";
  Child child = spawn({SLUICE_BINARY, "kafka", "--brokers", "2", "--topic", "orders:6", "--topic", "audit:1",
                       "--bootstrap-file", file});
  ASSERT_GT(child.pid, 0);
  char line[1024] = {0};
  ASSERT_NE(fgets(line, sizeof(line), child.out), nullptr) << "no output from sluice kafka";
  std::string bootstrap(line);
  while (!bootstrap.empty() && (bootstrap.back() == '\n' || bootstrap.back() == '\r')) bootstrap.pop_back();
  EXPECT_NE(bootstrap.find("127.0.0.1:"), std::string::npos) << bootstrap;

  std::ifstream in(file);
  std::string fromFile;
  std::getline(in, fromFile);
  EXPECT_EQ(fromFile, bootstrap);

  rd_kafka_t* rk = newClient(RD_KAFKA_PRODUCER, {{"bootstrap.servers", bootstrap}});
  const rd_kafka_metadata_t* md = nullptr;
  ASSERT_EQ(rd_kafka_metadata(rk, 1, nullptr, &md, 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
  EXPECT_EQ(md->broker_cnt, 2);
  std::map<std::string, int> partitions;
  for (int i = 0; i < md->topic_cnt; ++i) partitions[md->topics[i].topic] = md->topics[i].partition_cnt;
  EXPECT_EQ(partitions["orders"], 6);
  EXPECT_EQ(partitions["audit"], 1);
  rd_kafka_metadata_destroy(md);
  rd_kafka_destroy(rk);

  kill(child.pid, SIGTERM);
  EXPECT_EQ(waitExit(child.pid, 10s), 0);
  fclose(child.out);
}

TEST(KafkaCommand, RejectsABadTopicSpec) {
  Child child = spawn({SLUICE_BINARY, "kafka", "--topic", "orders:many"});
  ASSERT_GT(child.pid, 0);
  EXPECT_EQ(waitExit(child.pid, 10s), 2);
  fclose(child.out);
}

}  // namespace
}  // namespace sluice
