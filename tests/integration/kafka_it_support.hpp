#pragma once
// Shared helpers for the Kafka integration tests: an embedded cluster, the kafka plugins loaded through
// the real loader, records with owned bytes, and a plain librdkafka consumer to read topics back.
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "kafka/embedded_cluster.hpp"
#include "plugin/plugin_instance.hpp"
#include "plugin/plugin_loader.hpp"
#include "plugin/record_batch.hpp"

namespace sluice::kafkait {

using Bytes = std::optional<std::string>;  // nullopt: null (tombstone value, missing key)
using Clock = std::chrono::steady_clock;

inline std::string uniqueName(const std::string& prefix) {
  static std::atomic<int> counter{0};
  return prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

// Polls pred until it holds or the deadline passes; returns its last value.
inline bool waitUntil(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return pred();
}

// A record with owned bytes, comparable field by field.
struct Msg {
  std::string topic;
  int32_t partition = -1;
  Bytes key;
  Bytes value;
  int64_t timestamp = -1;
  std::vector<std::pair<std::string, Bytes>> headers;
  int64_t offset = -1;

  // Content identity (everything but where it landed).
  auto content() const { return std::tie(key, value, timestamp, headers); }
};

inline sluice_bytes toBytes(const std::string& s) {
  static const uint8_t kEmpty = 0;  // non-null pointer for an empty (not null) value
  return sluice_bytes{s.empty() ? &kEmpty : reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
inline sluice_bytes toBytes(const Bytes& b) { return b ? toBytes(*b) : sluice_bytes{nullptr, 0}; }

inline Bytes fromBytes(sluice_bytes b) {
  if (!b.data) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(b.data), b.len);
}

// Copies msgs into a RecordBatch (which owns its bytes), the form sinks are given.
inline void fill(RecordBatch& batch, const std::vector<Msg>& msgs) {
  batch.clear();
  std::vector<sluice_header> headers;
  for (const auto& m : msgs) {
    headers.clear();
    for (const auto& [k, v] : m.headers) headers.push_back({toBytes(k), toBytes(v)});
    sluice_record r{};
    r.topic = toBytes(m.topic);
    r.partition = m.partition;
    r.timestamp_ms = m.timestamp;
    r.key = toBytes(m.key);
    r.value = toBytes(m.value);
    r.headers = headers.empty() ? nullptr : headers.data();
    r.header_count = headers.size();
    r.kafka_offset = -1;
    batch.add(r);
  }
}

inline Msg fromRecord(const sluice_record& r) {
  Msg m;
  m.topic = fromBytes(r.topic).value_or("");
  m.partition = r.partition;
  m.key = fromBytes(r.key);
  m.value = fromBytes(r.value);
  m.timestamp = r.timestamp_ms;
  for (size_t i = 0; i < r.header_count; ++i) m.headers.emplace_back(*fromBytes(r.headers[i].key), fromBytes(r.headers[i].value));
  m.offset = r.kafka_offset;
  return m;
}

inline PluginPtr loadKafkaPlugin(const std::string& file) {
  auto loaded = loadPluginFile(std::string(SLUICE_PLUGIN_DIR) + "/" + file);
  if (!loaded.ok()) throw std::runtime_error(loaded.error());
  if (loaded->size() != 1) throw std::runtime_error(file + ": expected one plugin");
  return loaded->front();
}

inline PluginInstancePtr startInstance(const std::string& file, const std::map<std::string, std::string>& props) {
  auto inst = PluginInstance::create(loadKafkaPlugin(file), props);
  if (!inst.ok()) throw std::runtime_error(inst.error());
  PluginInstancePtr p = std::move(inst.value());
  if (p->start() != SLUICE_OK) throw std::runtime_error(p->error());
  return p;
}

inline std::unique_ptr<EmbeddedCluster> startCluster(int brokers = 1) {
  EmbeddedClusterOptions o;
  o.brokers = brokers;
  auto c = EmbeddedCluster::start(o);
  if (!c.ok()) throw std::runtime_error(c.error());
  return std::move(c.value());
}

inline rd_kafka_t* newClient(rd_kafka_type_t type, const std::map<std::string, std::string>& props) {
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  for (const auto& [k, v] : props) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      throw std::runtime_error(errstr);
    }
  }
  rd_kafka_t* rk = rd_kafka_new(type, conf, errstr, sizeof(errstr));
  if (!rk) {
    rd_kafka_conf_destroy(conf);
    throw std::runtime_error(errstr);
  }
  return rk;
}

// Reads topics with a plain librdkafka consumer (fresh group, from the beginning) until `count`
// messages arrived or the timeout passed; then keeps reading for `settle` to catch extras.
inline std::vector<Msg> readTopics(const std::string& bootstrap, const std::vector<std::string>& topics, size_t count,
                                   std::chrono::milliseconds timeout = std::chrono::seconds(30),
                                   std::chrono::milliseconds settle = std::chrono::milliseconds(300)) {
  rd_kafka_t* rk = newClient(RD_KAFKA_CONSUMER, {{"bootstrap.servers", bootstrap},
                                                 {"group.id", uniqueName("reader")},
                                                 {"auto.offset.reset", "earliest"},
                                                 {"enable.auto.commit", "false"}});
  rd_kafka_poll_set_consumer(rk);
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(static_cast<int>(topics.size()));
  for (const auto& t : topics) rd_kafka_topic_partition_list_add(list, t.c_str(), RD_KAFKA_PARTITION_UA);
  rd_kafka_subscribe(rk, list);
  rd_kafka_topic_partition_list_destroy(list);
  std::vector<Msg> out;
  auto deadline = Clock::now() + timeout;
  std::optional<Clock::time_point> settleEnd;
  while (Clock::now() < deadline && (!settleEnd || Clock::now() < *settleEnd)) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 50);
    if (!m) continue;
    if (!m->err) {
      Msg msg;
      msg.topic = rd_kafka_topic_name(m->rkt);
      msg.partition = m->partition;
      msg.offset = m->offset;
      if (m->key) msg.key = std::string(static_cast<const char*>(m->key), m->key_len);
      if (m->payload) msg.value = std::string(static_cast<const char*>(m->payload), m->len);
      msg.timestamp = rd_kafka_message_timestamp(m, nullptr);
      rd_kafka_headers_t* hdrs = nullptr;
      if (rd_kafka_message_headers(m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        const char* name;
        const void* val;
        size_t size;
        for (size_t i = 0; rd_kafka_header_get_all(hdrs, i, &name, &val, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i) {
          msg.headers.emplace_back(name, val ? Bytes(std::string(static_cast<const char*>(val), size)) : std::nullopt);
        }
      }
      out.push_back(std::move(msg));
      if (out.size() >= count && !settleEnd) settleEnd = Clock::now() + settle;
    }
    rd_kafka_message_destroy(m);
  }
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  return out;
}

// The partition count of a topic, from metadata; -1 when the topic is unknown.
inline int partitionCount(rd_kafka_t* rk, const std::string& topic) {
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
  const rd_kafka_metadata_t* md = nullptr;
  int count = -1;
  if (rd_kafka_metadata(rk, 0, rkt, &md, 10000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    if (md->topic_cnt == 1 && !md->topics[0].err) count = md->topics[0].partition_cnt;
    rd_kafka_metadata_destroy(md);
  }
  rd_kafka_topic_destroy(rkt);
  return count;
}

// Everything a topic holds right now: every partition read from the start up to the high watermark
// it had when this was called (no consumer group involved). For topics nobody is writing to. Throws
// when a partition no longer starts at offset 0: the embedded cluster (librdkafka's mock) keeps only
// the newest 5 MiB or 100,000 batches of each partition, so a test that overflows one cannot read it
// whole and must say so rather than report missing records.
inline std::vector<Msg> readWholeTopic(const std::string& bootstrap, const std::string& topic) {
  rd_kafka_t* rk = newClient(RD_KAFKA_CONSUMER, {{"bootstrap.servers", bootstrap},
                                                 {"group.id", uniqueName("whole-topic")},
                                                 {"enable.auto.commit", "false"}});
  int partitions = partitionCount(rk, topic);
  if (partitions < 1) {
    rd_kafka_destroy(rk);
    throw std::runtime_error("topic " + topic + " not found");
  }
  std::map<int32_t, int64_t> end;  // partition -> high watermark
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(partitions);
  for (int32_t p = 0; p < partitions; ++p) {
    int64_t low = 0, high = 0;
    if (rd_kafka_query_watermark_offsets(rk, topic.c_str(), p, &low, &high, 10000) != RD_KAFKA_RESP_ERR_NO_ERROR)
      throw std::runtime_error("watermarks of " + topic + " not available");
    if (low > 0) {
      rd_kafka_topic_partition_list_destroy(list);
      rd_kafka_destroy(rk);
      throw std::runtime_error(topic + "[" + std::to_string(p) + "] starts at offset " + std::to_string(low) +
                               ": the embedded cluster deleted its oldest records (5 MiB / 100,000 batches per partition)");
    }
    if (high > low) {
      end[p] = high;
      rd_kafka_topic_partition_list_add(list, topic.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
    }
  }
  rd_kafka_assign(rk, list);
  rd_kafka_topic_partition_list_destroy(list);
  std::vector<Msg> out;
  auto deadline = Clock::now() + std::chrono::seconds(60);
  while (!end.empty() && Clock::now() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 100);
    if (!m) continue;
    if (!m->err) {
      Msg msg;
      msg.topic = topic;
      msg.partition = m->partition;
      msg.offset = m->offset;
      if (m->key) msg.key = std::string(static_cast<const char*>(m->key), m->key_len);
      if (m->payload) msg.value = std::string(static_cast<const char*>(m->payload), m->len);
      msg.timestamp = rd_kafka_message_timestamp(m, nullptr);
      out.push_back(std::move(msg));
      auto it = end.find(m->partition);
      if (it != end.end() && m->offset + 1 >= it->second) end.erase(it);
    }
    rd_kafka_message_destroy(m);
  }
  rd_kafka_destroy(rk);
  if (!end.empty()) throw std::runtime_error("timed out reading " + topic + " to its end");
  return out;
}

// A consumer group's committed offsets for one topic (partition -> next offset to read; absent when
// nothing is committed), read with OffsetFetch without joining the group.
inline std::map<int32_t, int64_t> committedOffsets(const std::string& bootstrap, const std::string& group, const std::string& topic) {
  rd_kafka_t* rk = newClient(RD_KAFKA_CONSUMER, {{"bootstrap.servers", bootstrap}, {"group.id", group}});
  int partitions = partitionCount(rk, topic);
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(std::max(partitions, 1));
  for (int32_t p = 0; p < partitions; ++p) rd_kafka_topic_partition_list_add(list, topic.c_str(), p);
  std::map<int32_t, int64_t> out;
  rd_kafka_resp_err_t err = rd_kafka_committed(rk, list, 10000);
  for (int i = 0; err == RD_KAFKA_RESP_ERR_NO_ERROR && i < list->cnt; ++i)
    if (!list->elems[i].err && list->elems[i].offset >= 0) out[list->elems[i].partition] = list->elems[i].offset;
  rd_kafka_topic_partition_list_destroy(list);
  rd_kafka_destroy(rk);
  if (err) throw std::runtime_error(std::string("committed offsets of ") + group + ": " + rd_kafka_err2str(err));
  return out;
}

// Deterministic test records: keys, values, headers (one with a null value) and timestamps vary per i;
// every 7th value is a tombstone and every 11th key is null.
inline std::vector<Msg> makeRecords(const std::string& topic, int n, int64_t baseTs, int tag = 0) {
  std::vector<Msg> out;
  for (int i = 0; i < n; ++i) {
    Msg m;
    m.topic = topic;
    std::string id = std::to_string(tag) + ":" + std::to_string(i);
    if (i % 11 != 5) m.key = "key-" + std::to_string(i % 13);
    if (i % 7 != 3) m.value = "{\"id\":\"" + id + "\",\"amount\":" + std::to_string(i * 3) + "}";
    m.timestamp = baseTs + i;
    m.headers.emplace_back("id", id);
    if (i % 2 == 0) m.headers.emplace_back("trace", std::nullopt);
    if (i % 5 == 0) m.headers.emplace_back("empty", std::string());
    out.push_back(std::move(m));
  }
  return out;
}

// Content of each message, sorted, so two sets can be compared regardless of partition interleaving.
inline std::vector<std::string> fingerprints(const std::vector<Msg>& msgs) {
  std::vector<std::string> out;
  for (const auto& m : msgs) {
    std::string f = m.topic + "|" + (m.key ? "k" + *m.key : "-") + "|" + (m.value ? "v" + *m.value : "-") + "|" +
                    std::to_string(m.timestamp);
    for (const auto& [k, v] : m.headers) f += "|h" + k + "=" + (v ? "v" + *v : "-");
    out.push_back(std::move(f));
  }
  std::sort(out.begin(), out.end());
  return out;
}

// "" when both hold the same records; otherwise what is missing and what is extra (duplicates included).
inline std::string diffRecords(const std::vector<Msg>& got, const std::vector<Msg>& expected) {
  std::map<std::string, int> count;
  for (const auto& f : fingerprints(expected)) ++count[f];
  for (const auto& f : fingerprints(got)) --count[f];
  std::string missing, extra;
  for (const auto& [f, n] : count) {
    if (n > 0) missing += "\n  missing x" + std::to_string(n) + ": " + f;
    if (n < 0) extra += "\n  extra x" + std::to_string(-n) + ": " + f;
  }
  if (missing.empty() && extra.empty()) return "";
  return "got " + std::to_string(got.size()) + ", expected " + std::to_string(expected.size()) + missing + extra;
}

}  // namespace sluice::kafkait
