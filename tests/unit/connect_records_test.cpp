// Connect's internal-topic records, written here by hand byte for byte as Kafka Connect's
// KafkaConfigBackingStore / KafkaOffsetBackingStore / KafkaStatusBackingStore produce them (through
// the internal JsonConverter, schemas.enable=false: compact JSON, struct fields in schema order,
// maps in Java HashMap order), never with Sluice's own writer. Sluice must read them as Connect
// does, and what Sluice writes must be the same bytes where Connect's are fixed (struct fields).
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "storage/connect_config_records.hpp"
#include "storage/connect_offset_records.hpp"
#include "storage/connect_status_records.hpp"

namespace sluice {
namespace {

const std::optional<std::string> kTombstone = std::nullopt;

// A FileStreamSource created on Kafka's quickstart, as a 3.x worker writes it (HashMap key order).
const std::string kConnectorRecord =
    R"({"properties":{"connector.class":"org.apache.kafka.connect.file.FileStreamSourceConnector",)"
    R"("file":"/tmp/test.txt","tasks.max":"1","name":"local-file-source","topic":"connect-test"}})";
const std::string kTaskRecord =
    R"({"properties":{"connector.class":"org.apache.kafka.connect.file.FileStreamSourceConnector",)"
    R"("batch.size":"2000","task.class":"org.apache.kafka.connect.file.FileStreamSourceTask",)"
    R"("file":"/tmp/test.txt","tasks.max":"1","name":"local-file-source","topic":"connect-test"}})";

TEST(ConnectConfigRecordsTest, ReadsAConnectorItsTasksAndItsCommitAsConnectWroteThem) {
  ConfigTopicState state;
  EXPECT_FALSE(state.apply("connector-local-file-source", kConnectorRecord));
  EXPECT_FALSE(state.apply("task-local-file-source-0", kTaskRecord));
  EXPECT_FALSE(state.apply("commit-local-file-source", R"({"tasks":1})"));

  auto all = state.connectors();
  ASSERT_EQ(all.size(), 1u);
  const auto& c = all.at("local-file-source");
  EXPECT_EQ(c.config.at("connector.class"), "org.apache.kafka.connect.file.FileStreamSourceConnector");
  EXPECT_EQ(c.config.at("file"), "/tmp/test.txt");
  EXPECT_EQ(c.config.size(), 5u);
  EXPECT_EQ(c.target, TargetState::Started);  // no target-state record: STARTED, as Connect
  ASSERT_EQ(c.tasks.size(), 1u);
  EXPECT_EQ(c.tasks[0].at("task.class"), "org.apache.kafka.connect.file.FileStreamSourceTask");
  EXPECT_EQ(c.tasks[0].at("batch.size"), "2000");
  EXPECT_TRUE(state.inconsistent().empty());
}

TEST(ConnectConfigRecordsTest, TaskConfigsWaitForTheirCommit) {
  ConfigTopicState state;
  state.apply("connector-c", R"({"properties":{"name":"c"}})");
  state.apply("task-c-0", R"({"properties":{"task.id":"0"}})");
  EXPECT_TRUE(state.connectors().at("c").tasks.empty());  // no commit read yet
  state.apply("task-c-1", R"({"properties":{"task.id":"1"}})");
  state.apply("commit-c", R"({"tasks":2})");
  ASSERT_EQ(state.connectors().at("c").tasks.size(), 2u);
  EXPECT_EQ(state.connectors().at("c").tasks[1].at("task.id"), "1");
}

TEST(ConnectConfigRecordsTest, ACommitWithMissingTaskConfigsMarksTheConnectorInconsistentAndKeepsTheOldTasks) {
  ConfigTopicState state;
  state.apply("connector-c", R"({"properties":{"name":"c"}})");
  state.apply("task-c-0", R"({"properties":{"v":"old"}})");
  state.apply("commit-c", R"({"tasks":1})");
  // A leader died after writing one of two task configs (or compaction removed one).
  state.apply("task-c-1", R"({"properties":{"v":"new"}})");
  state.apply("commit-c", R"({"tasks":2})");
  EXPECT_EQ(state.inconsistent(), std::set<std::string>{"c"});
  ASSERT_EQ(state.connectors().at("c").tasks.size(), 1u);
  EXPECT_EQ(state.connectors().at("c").tasks[0].at("v"), "old");
  // The next complete commit clears it.
  state.apply("task-c-0", R"({"properties":{"v":"a"}})");
  state.apply("task-c-1", R"({"properties":{"v":"b"}})");
  state.apply("commit-c", R"({"tasks":2})");
  EXPECT_TRUE(state.inconsistent().empty());
  EXPECT_EQ(state.connectors().at("c").tasks.size(), 2u);
}

TEST(ConnectConfigRecordsTest, AZeroTaskCommitClearsTheTasks) {
  ConfigTopicState state;
  state.apply("connector-c", R"({"properties":{"name":"c"}})");
  state.apply("task-c-0", R"({"properties":{"v":"x"}})");
  state.apply("commit-c", R"({"tasks":1})");
  state.apply("commit-c", R"({"tasks":0})");  // what a STOPPED connector gets (KIP-875)
  EXPECT_TRUE(state.connectors().at("c").tasks.empty());
  EXPECT_TRUE(state.inconsistent().empty());
}

TEST(ConnectConfigRecordsTest, TargetStatesInBothFormatsWithStateV2Preferred) {
  ConfigTopicState state;
  state.apply("connector-a", R"({"properties":{"name":"a"}})");
  state.apply("connector-b", R"({"properties":{"name":"b"}})");
  state.apply("connector-s", R"({"properties":{"name":"s"}})");
  state.apply("target-state-a", R"({"state":"PAUSED"})");                        // before Kafka 3.5
  state.apply("target-state-b", R"({"state":"STARTED","state.v2":"STARTED"})");  // 3.5 and later
  state.apply("target-state-s", R"({"state":"PAUSED","state.v2":"STOPPED"})");
  auto all = state.connectors();
  EXPECT_EQ(all.at("a").target, TargetState::Paused);
  EXPECT_EQ(all.at("b").target, TargetState::Started);
  EXPECT_EQ(all.at("s").target, TargetState::Stopped);
}

TEST(ConnectConfigRecordsTest, TombstonesDeleteTheConnectorItsTasksAndItsTargetState) {
  ConfigTopicState state;
  state.apply("target-state-c", R"({"state":"PAUSED","state.v2":"PAUSED"})");
  state.apply("connector-c", R"({"properties":{"name":"c"}})");
  state.apply("task-c-0", R"({"properties":{"v":"x"}})");
  state.apply("commit-c", R"({"tasks":1})");
  state.apply("connector-c", kTombstone);
  state.apply("target-state-c", kTombstone);
  EXPECT_TRUE(state.connectors().empty());
  // Recreated under the same name: a fresh connector, STARTED, no tasks from before.
  state.apply("connector-c", R"({"properties":{"name":"c"}})");
  EXPECT_EQ(state.connectors().at("c").target, TargetState::Started);
  EXPECT_TRUE(state.connectors().at("c").tasks.empty());
}

TEST(ConnectConfigRecordsTest, TaskKeysSplitAtTheLastDashSoConnectorNamesMayHaveDashes) {
  ConfigTopicState state;
  state.apply("connector-my-conn-7", R"({"properties":{"name":"my-conn-7"}})");
  state.apply("task-my-conn-7-0", R"({"properties":{"task.id":"0"}})");
  state.apply("commit-my-conn-7", R"({"tasks":1})");
  ASSERT_EQ(state.connectors().at("my-conn-7").tasks.size(), 1u);
}

TEST(ConnectConfigRecordsTest, OtherConnectRecordsAreReadPast) {
  ConfigTopicState state;
  // Written by Connect for KIP-507 (session keys), KIP-745 (restarts) and KIP-618 (task fencing).
  EXPECT_FALSE(state.apply("session-key", R"({"key":"c2VjcmV0","algorithm":"HmacSHA256","creation-timestamp":1700000000000})"));
  EXPECT_FALSE(state.apply("restart-connector-c", R"({"include-tasks":true,"only-failed":false})"));
  EXPECT_FALSE(state.apply("tasks-fencing-c", R"({"task-count":2})"));
  EXPECT_TRUE(state.connectors().empty());
}

TEST(ConnectConfigRecordsTest, UnreadableRecordsAreReportedAndChangeNothing) {
  ConfigTopicState state;
  state.apply("connector-c", R"({"properties":{"name":"c"}})");
  EXPECT_TRUE(state.apply("connector-c", "not json"));
  EXPECT_TRUE(state.apply("connector-c", R"({"props":{}})"));
  EXPECT_TRUE(state.apply("target-state-c", R"({"state":"RUNNING"})"));  // a REST name, not a TargetState
  EXPECT_TRUE(state.apply("commit-c", R"({"tasks":"two"})"));
  EXPECT_TRUE(state.apply("task-c-x", R"({"properties":{}})"));
  EXPECT_EQ(state.connectors().at("c").config.at("name"), "c");
  EXPECT_EQ(state.connectors().at("c").target, TargetState::Started);
}

TEST(ConnectConfigRecordsTest, WritesConnectsBytes) {
  EXPECT_EQ(connectorConfigKey("local-file-source"), "connector-local-file-source");
  EXPECT_EQ(taskConfigKey("local-file-source", 3), "task-local-file-source-3");
  EXPECT_EQ(commitTasksKey("local-file-source"), "commit-local-file-source");
  EXPECT_EQ(targetStateKey("local-file-source"), "target-state-local-file-source");
  EXPECT_EQ(encodeTaskCommit(3), R"({"tasks":3})");
  EXPECT_EQ(encodeTargetState(TargetState::Started), R"({"state":"STARTED","state.v2":"STARTED"})");
  EXPECT_EQ(encodeTargetState(TargetState::Paused), R"({"state":"PAUSED","state.v2":"PAUSED"})");
  EXPECT_EQ(encodeTargetState(TargetState::Stopped), R"({"state":"PAUSED","state.v2":"STOPPED"})");
  auto one = encodeConfigProperties({{"file", "/tmp/test.txt"}});
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(*one, R"({"properties":{"file":"/tmp/test.txt"}})");
}

TEST(ConnectConfigRecordsTest, SluicesConnectorRecordsParseBackToTheSameConfig) {
  ConfigMap config{{"connector.class", "FileStreamSource"}, {"file", "/tmp/ü \"quoted\".txt"}, {"tasks.max", "2"}};
  auto bytes = encodeConfigProperties(config);
  ASSERT_TRUE(bytes.ok());
  ConfigTopicState state;
  EXPECT_FALSE(state.apply(connectorConfigKey("c"), *bytes));
  EXPECT_EQ(state.connectors().at("c").config, config);
}

TEST(ConnectConfigRecordsTest, TextThatIsNotUtf8IsRefusedWithTheReason) {
  auto bytes = encodeConfigProperties({{"file", "\xff\xfe"}});
  ASSERT_FALSE(bytes.ok());
  EXPECT_NE(bytes.error().find("JSON"), std::string::npos);
}

TEST(ConnectOffsetRecordsTest, ReadsConnectsOffsetKeysAndValues) {
  auto key = decodeOffsetKey(R"(["local-file-source",{"filename":"/tmp/test.txt"}])");
  ASSERT_TRUE(key.ok()) << key.error();
  EXPECT_EQ(key->connector, "local-file-source");
  EXPECT_EQ(key->partitionJson, R"({"filename":"/tmp/test.txt"})");
  auto value = decodeOffsetValue(R"({"position":2345})");
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*value, R"({"position":2345})");
}

TEST(ConnectOffsetRecordsTest, WritesConnectsBytesKeepingThePartitionsKeyOrder) {
  auto key = encodeOffsetKey("local-file-source", R"({ "filename" : "/tmp/test.txt" })");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(*key, R"(["local-file-source",{"filename":"/tmp/test.txt"}])");
  auto multi = encodeOffsetKey("jdbc", R"({"table":"t","protocol":"1"})");
  ASSERT_TRUE(multi.ok());
  EXPECT_EQ(*multi, R"(["jdbc",{"table":"t","protocol":"1"}])");
  auto value = encodeOffsetValue(R"({"position": 20})");
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*value, R"({"position":20})");
}

TEST(ConnectOffsetRecordsTest, KeysThatAreNotConnectsFormatAreRefused) {
  EXPECT_FALSE(decodeOffsetKey(R"({"connector":"x"})").ok());
  EXPECT_FALSE(decodeOffsetKey(R"(["x"])").ok());
  EXPECT_FALSE(decodeOffsetKey(R"([1,{"a":"b"}])").ok());
  EXPECT_FALSE(decodeOffsetKey(R"(["x","partition"])").ok());
  EXPECT_FALSE(decodeOffsetKey("garbage").ok());
  EXPECT_FALSE(decodeOffsetValue("[1,2]").ok());
}

TEST(ConnectOffsetRecordsTest, TheSamePartitionInAnotherKeyOrderIsTheSamePartition) {
  EXPECT_EQ(canonicalJson(R"({"table":"t","protocol":"1"})"), canonicalJson(R"({"protocol":"1","table":"t"})"));
  EXPECT_NE(canonicalJson(R"({"table":"t"})"), canonicalJson(R"({"table":"u"})"));
}

TEST(ConnectStatusRecordsTest, ReadsConnectsStatusRecords) {
  auto running = decodeStatus(R"({"state":"RUNNING","trace":null,"worker_id":"192.168.1.10:8083","generation":2})");
  ASSERT_TRUE(running.ok()) << running.error();
  EXPECT_EQ(running->state, "RUNNING");
  EXPECT_EQ(running->trace, "");
  EXPECT_EQ(running->workerId, "192.168.1.10:8083");
  EXPECT_EQ(running->generation, 2);
  auto failed = decodeStatus(
      R"({"state":"FAILED","trace":"org.apache.kafka.connect.errors.ConnectException: boom\n\tat X.y(X.java:1)\n","worker_id":"w:8083","generation":7})");
  ASSERT_TRUE(failed.ok());
  EXPECT_EQ(failed->trace, "org.apache.kafka.connect.errors.ConnectException: boom\n\tat X.y(X.java:1)\n");
}

TEST(ConnectStatusRecordsTest, WritesConnectsBytesInSchemaFieldOrder) {
  auto bytes = encodeStatus({"RUNNING", "", "192.168.1.10:8083", 2});
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(*bytes, R"({"state":"RUNNING","trace":null,"worker_id":"192.168.1.10:8083","generation":2})");
  auto failed = encodeStatus({"FAILED", "boom\n", "w:8083", 7});
  ASSERT_TRUE(failed.ok());
  EXPECT_EQ(*failed, R"({"state":"FAILED","trace":"boom\n","worker_id":"w:8083","generation":7})");
}

TEST(ConnectStatusRecordsTest, StatusKeys) {
  EXPECT_EQ(connectorStatusKey("c"), "status-connector-c");
  EXPECT_EQ(taskStatusKey("my-conn", 4), "status-task-my-conn-4");
  auto task = parseStatusKey("status-task-my-conn-4");
  EXPECT_EQ(task.kind, StatusKey::Kind::Task);
  EXPECT_EQ(task.connector, "my-conn");
  EXPECT_EQ(task.task, 4);
  auto connector = parseStatusKey("status-connector-my-conn");
  EXPECT_EQ(connector.kind, StatusKey::Kind::Connector);
  EXPECT_EQ(connector.connector, "my-conn");
  EXPECT_EQ(parseStatusKey("status-topic-orders:connector-c").kind, StatusKey::Kind::Other);
  EXPECT_EQ(parseStatusKey("status-task-c-x").kind, StatusKey::Kind::Other);
}

TEST(ConnectStatusRecordsTest, RecordsWithoutConnectsFieldsAreRefused) {
  EXPECT_FALSE(decodeStatus(R"({"state":"SLEEPING","trace":null,"worker_id":"w","generation":1})").ok());
  EXPECT_FALSE(decodeStatus(R"({"state":"RUNNING","trace":null,"generation":1})").ok());
  EXPECT_FALSE(decodeStatus(R"({"state":"RUNNING","trace":null,"worker_id":"w"})").ok());
  EXPECT_FALSE(decodeStatus("[]").ok());
}

}  // namespace
}  // namespace sluice
