#include "kafka/kafka_group_offsets.hpp"

#include <librdkafka/rdkafka.h>

#include <memory>
#include <string_view>

#include "kafka/kafka_log.hpp"
#include "kafka/worker_client_settings.hpp"

namespace sluice {

namespace {

constexpr int kTimeoutMs = 5000;

struct Admin {
  rd_kafka_t* rk = nullptr;
  rd_kafka_queue_t* queue = nullptr;
  ~Admin() {
    if (queue) rd_kafka_queue_destroy(queue);
    if (rk) rd_kafka_destroy(rk);
  }
};

Result<std::unique_ptr<Admin>> makeAdmin(const WorkerConfig& worker) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  routeKafkaLogs(conf);
  auto set = [&](const std::string& k, const std::string& v) {
    return rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) == RD_KAFKA_CONF_OK;
  };
  std::string servers = worker.bootstrapServers();
  if (!set("bootstrap.servers", servers) || !set("client.id", "sluice-group-offsets")) {
    rd_kafka_conf_destroy(conf);
    return Error{std::string("Kafka admin client: ") + err};
  }
  if (auto applied = applyWorkerClientSettings(conf, worker, WorkerClient::Admin); !applied.ok()) {
    rd_kafka_conf_destroy(conf);
    return Error{"Kafka admin client: " + applied.error()};
  }
  auto admin = std::make_unique<Admin>();
  admin->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!admin->rk) return Error{std::string("Kafka admin client: ") + err};
  admin->queue = rd_kafka_queue_new(admin->rk);
  return admin;
}

rd_kafka_AdminOptions_t* options(rd_kafka_t* rk, rd_kafka_admin_op_t op) {
  auto* o = rd_kafka_AdminOptions_new(rk, op);
  char err[256];
  rd_kafka_AdminOptions_set_request_timeout(o, kTimeoutMs, err, sizeof err);
  return o;
}

// Waits for the admin result; checks the event error and the single group's error.
Result<rd_kafka_event_t*> await(Admin& a, const std::string& what, const std::string& group) {
  rd_kafka_event_t* ev = rd_kafka_queue_poll(a.queue, kTimeoutMs + 2000);
  if (!ev) return Error{what + " for consumer group " + group + " timed out: is Kafka reachable at " + "bootstrap.servers?"};
  if (rd_kafka_event_error(ev)) {
    std::string msg = what + " for consumer group " + group + " failed: " + rd_kafka_event_error_string(ev);
    rd_kafka_event_destroy(ev);
    return Error{msg};
  }
  return ev;
}

// Kafka changes a group's offsets from outside only while the group has no member. A stopped
// connector's tasks are static members (KIP-345), which do not leave on close: the broker drops them
// once session.timeout.ms passed without a heartbeat.
std::string stillAMemberHint(rd_kafka_resp_err_t err) {
  if (err != RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID && err != RD_KAFKA_RESP_ERR_NON_EMPTY_GROUP &&
      err != RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS)
    return "";
  return " (the group still has members: a stopped connector's tasks stay in it until their session.timeout.ms passes; "
         "retry after it)";
}

Result<bool> checkGroups(const rd_kafka_group_result_t* const* groups, size_t n, const std::string& what) {
  for (size_t i = 0; i < n; ++i) {
    if (const rd_kafka_error_t* e = rd_kafka_group_result_error(groups[i]))
      return Error{what + " failed: " + rd_kafka_error_string(e) + stillAMemberHint(rd_kafka_error_code(e))};
    // Per-partition errors too, so a refused partition is never reported as done.
    const auto* parts = rd_kafka_group_result_partitions(groups[i]);
    for (int j = 0; parts && j < parts->cnt; ++j)
      if (parts->elems[j].err)
        return Error{what + " failed for " + parts->elems[j].topic + "-" + std::to_string(parts->elems[j].partition) +
                     ": " + rd_kafka_err2str(parts->elems[j].err) + stillAMemberHint(parts->elems[j].err)};
  }
  return true;
}

// librdkafka's mock cluster (what `bootstrap.servers: embedded` and `sluice kafka` run) implements
// neither DeleteGroups nor OffsetDelete, and librdkafka 2.0.2 aborts the whole process when a broker
// lacks them (librdkafka#3663). So those requests are refused up front; the mock's cluster id gives it
// away ("mockCluster..."). A broker that cannot be reached returns no id and gets the usual timeout.
bool isMockCluster(rd_kafka_t* rk) {
  char* id = rd_kafka_clusterid(rk, kTimeoutMs);
  bool mock = id && std::string_view(id).rfind("mockCluster", 0) == 0;
  if (id) rd_kafka_mem_free(rk, id);
  return mock;
}

constexpr const char* kMockClusterName = "this Kafka cluster (librdkafka's mock, as `bootstrap.servers: embedded` and `sluice kafka` run)";

}  // namespace

// Every partition of `topics`, from cluster metadata (brokers, including the embedded mock, answer
// OffsetFetch reliably only for named partitions).
Result<rd_kafka_topic_partition_list_t*> partitionsOf(rd_kafka_t* rk, const std::vector<std::string>& topics) {
  auto* list = rd_kafka_topic_partition_list_new(0);
  for (const auto& t : topics) {
    rd_kafka_topic_t* topic = rd_kafka_topic_new(rk, t.c_str(), nullptr);
    const rd_kafka_metadata_t* md = nullptr;
    rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, topic, &md, kTimeoutMs);
    rd_kafka_topic_destroy(topic);
    if (err) {
      rd_kafka_topic_partition_list_destroy(list);
      return Error{"Reading metadata for topic " + t + " failed: " + rd_kafka_err2str(err) +
                   " (is Kafka reachable at bootstrap.servers?)"};
    }
    for (int i = 0; i < md->topic_cnt; ++i)
      for (int p = 0; md->topics[i].err == 0 && p < md->topics[i].partition_cnt; ++p)
        rd_kafka_topic_partition_list_add(list, t.c_str(), md->topics[i].partitions[p].id);
    rd_kafka_metadata_destroy(md);
  }
  return list;
}

Result<std::vector<GroupOffset>> readGroupOffsets(const WorkerConfig& worker, const std::string& group,
                                                  const std::vector<std::string>& topics) {
  auto admin = makeAdmin(worker);
  if (!admin.ok()) return Error{admin.error()};
  auto& a = **admin;
  rd_kafka_topic_partition_list_t* wanted = nullptr;
  if (!topics.empty()) {
    auto parts = partitionsOf(a.rk, topics);
    if (!parts.ok()) return Error{"Reading the committed offsets for consumer group " + group + " failed: " + parts.error()};
    wanted = *parts;
  }
  auto* req = rd_kafka_ListConsumerGroupOffsets_new(group.c_str(), wanted);
  if (wanted) rd_kafka_topic_partition_list_destroy(wanted);
  auto* o = options(a.rk, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS);
  rd_kafka_ListConsumerGroupOffsets(a.rk, &req, 1, o, a.queue);
  rd_kafka_ListConsumerGroupOffsets_destroy(req);
  rd_kafka_AdminOptions_destroy(o);
  auto ev = await(a, "Reading the committed offsets", group);
  if (!ev.ok()) return Error{ev.error()};
  std::vector<GroupOffset> out;
  size_t n = 0;
  const auto* groups = rd_kafka_ListConsumerGroupOffsets_result_groups(rd_kafka_event_ListConsumerGroupOffsets_result(*ev), &n);
  auto checked = checkGroups(groups, n, "Reading the committed offsets of " + group);
  if (!checked.ok()) {
    rd_kafka_event_destroy(*ev);
    return Error{checked.error()};
  }
  for (size_t i = 0; i < n; ++i) {
    const auto* parts = rd_kafka_group_result_partitions(groups[i]);
    for (int j = 0; parts && j < parts->cnt; ++j)
      if (parts->elems[j].offset >= 0)
        out.push_back({parts->elems[j].topic, parts->elems[j].partition, parts->elems[j].offset});
  }
  rd_kafka_event_destroy(*ev);
  return out;
}

Result<bool> alterGroupOffsets(const WorkerConfig& worker, const std::string& group,
                               const std::vector<GroupOffset>& offsets) {
  auto admin = makeAdmin(worker);
  if (!admin.ok()) return Error{admin.error()};
  auto& a = **admin;
  auto* alter = rd_kafka_topic_partition_list_new(0);
  auto* remove = rd_kafka_topic_partition_list_new(0);
  for (const auto& o : offsets) {
    if (o.offset < 0) rd_kafka_topic_partition_list_add(remove, o.topic.c_str(), o.partition);
    else rd_kafka_topic_partition_list_add(alter, o.topic.c_str(), o.partition)->offset = o.offset;
  }
  Result<bool> result = true;
  if (remove->cnt > 0 && isMockCluster(a.rk)) {  // refused before anything is altered
    result = Error{"Removing the committed offset of " + std::string(remove->elems[0].topic) + "-" +
                   std::to_string(remove->elems[0].partition) + " in consumer group " + group + " needs OffsetDelete, which " +
                   kMockClusterName + " does not implement. Give the partition an explicit kafka_offset instead, or use a "
                   "real broker."};
  }
  if (result.ok() && alter->cnt > 0) {
    auto* req = rd_kafka_AlterConsumerGroupOffsets_new(group.c_str(), alter);
    auto* o = options(a.rk, RD_KAFKA_ADMIN_OP_ALTERCONSUMERGROUPOFFSETS);
    rd_kafka_AlterConsumerGroupOffsets(a.rk, &req, 1, o, a.queue);
    rd_kafka_AlterConsumerGroupOffsets_destroy(req);
    rd_kafka_AdminOptions_destroy(o);
    auto ev = await(a, "Altering the committed offsets", group);
    if (!ev.ok()) {
      result = Error{ev.error()};
    } else {
      size_t n = 0;
      const auto* groups = rd_kafka_AlterConsumerGroupOffsets_result_groups(rd_kafka_event_AlterConsumerGroupOffsets_result(*ev), &n);
      result = checkGroups(groups, n, "Altering the committed offsets of " + group);
      rd_kafka_event_destroy(*ev);
    }
  }
  if (result.ok() && remove->cnt > 0) {
    auto* req = rd_kafka_DeleteConsumerGroupOffsets_new(group.c_str(), remove);
    auto* o = options(a.rk, RD_KAFKA_ADMIN_OP_DELETECONSUMERGROUPOFFSETS);
    rd_kafka_DeleteConsumerGroupOffsets(a.rk, &req, 1, o, a.queue);
    rd_kafka_DeleteConsumerGroupOffsets_destroy(req);
    rd_kafka_AdminOptions_destroy(o);
    auto ev = await(a, "Deleting committed offsets", group);
    if (!ev.ok()) {
      result = Error{ev.error()};
    } else {
      size_t n = 0;
      const auto* groups =
          rd_kafka_DeleteConsumerGroupOffsets_result_groups(rd_kafka_event_DeleteConsumerGroupOffsets_result(*ev), &n);
      result = checkGroups(groups, n, "Deleting committed offsets of " + group);
      rd_kafka_event_destroy(*ev);
    }
  }
  rd_kafka_topic_partition_list_destroy(alter);
  rd_kafka_topic_partition_list_destroy(remove);
  return result;
}

Result<bool> deleteGroupOffsets(const WorkerConfig& worker, const std::string& group) {
  auto admin = makeAdmin(worker);
  if (!admin.ok()) return Error{admin.error()};
  auto& a = **admin;
  if (isMockCluster(a.rk)) {
    return Error{"Resetting the offsets of a connector that reads Kafka deletes its consumer group " + group + ", and " + kMockClusterName +
                 " does not implement DeleteGroups. Set explicit offsets with PATCH instead, or use a real broker."};
  }
  auto* req = rd_kafka_DeleteGroup_new(group.c_str());
  auto* o = options(a.rk, RD_KAFKA_ADMIN_OP_DELETEGROUPS);
  rd_kafka_DeleteGroups(a.rk, &req, 1, o, a.queue);
  rd_kafka_DeleteGroup_destroy(req);
  rd_kafka_AdminOptions_destroy(o);
  auto ev = await(a, "Deleting", group);
  if (!ev.ok()) return Error{ev.error()};
  size_t n = 0;
  const auto* groups = rd_kafka_DeleteGroups_result_groups(rd_kafka_event_DeleteGroups_result(*ev), &n);
  Result<bool> result = true;
  for (size_t i = 0; i < n; ++i) {
    const rd_kafka_error_t* e = rd_kafka_group_result_error(groups[i]);
    // A group that never existed has nothing to reset.
    if (e && rd_kafka_error_code(e) != RD_KAFKA_RESP_ERR_GROUP_ID_NOT_FOUND)
      result = Error{"Deleting consumer group " + group + " failed: " + rd_kafka_error_string(e) +
                     stillAMemberHint(rd_kafka_error_code(e))};
  }
  rd_kafka_event_destroy(*ev);
  return result;
}

}  // namespace sluice
