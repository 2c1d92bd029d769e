// RecordBatch copies everything it is given, so emitters may reuse their buffers at once.
#include <gtest/gtest.h>

#include "plugin/record_batch.hpp"

namespace sluice {
namespace {

std::string str(sluice_bytes b) { return std::string(reinterpret_cast<const char*>(b.data), b.len); }
sluice_bytes bytesOf(const std::string& s) { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }

TEST(RecordBatch, CopiesEveryFieldAndKeepsNullsNull) {
  RecordBatch batch;
  for (int i = 0; i < 100; ++i) {
    std::string topic = "t", key = "k" + std::to_string(i), value = std::string(i * 10, 'v'), hk = "h", hv = std::to_string(i);
    sluice_header h{bytesOf(hk), bytesOf(hv)};
    sluice_record r{};
    r.topic = bytesOf(topic);
    r.key = i % 2 ? bytesOf(key) : sluice_bytes{nullptr, 0};
    r.value = bytesOf(value);
    r.headers = &h;
    r.header_count = 1;
    r.partition = i;
    r.timestamp_ms = 1000 + i;
    r.kafka_offset = -1;
    batch.add(r);
    key.assign(key.size(), 'X');  // the batch must not see this
  }
  ASSERT_EQ(batch.size(), 100u);
  for (int i = 0; i < 100; ++i) {
    const auto& r = batch[i];
    EXPECT_EQ(str(r.topic), "t");
    if (i % 2)
      EXPECT_EQ(str(r.key), "k" + std::to_string(i));
    else
      EXPECT_EQ(r.key.data, nullptr);
    EXPECT_EQ(r.value.len, static_cast<size_t>(i * 10));
    EXPECT_NE(r.value.data, nullptr) << "empty is not null";
    ASSERT_EQ(r.header_count, 1u);
    EXPECT_EQ(str(r.headers[0].value), std::to_string(i));
    EXPECT_EQ(r.partition, i);
    EXPECT_EQ(r.timestamp_ms, 1000 + i);
    EXPECT_EQ(r.source_partition.data, nullptr);
  }
  EXPECT_EQ(batch.pointers()[99], &batch[99]);
  batch.clear();
  EXPECT_TRUE(batch.empty());
}

TEST(RecordBatch, TruncateDropsTheLastRecordsAndTheirBytes) {
  RecordBatch batch;
  const std::string headerName = "h";
  auto add = [&](const std::string& value, const std::string& header) {
    sluice_header h{bytesOf(headerName), bytesOf(header)};
    sluice_record r{};
    r.value = bytesOf(value);
    r.headers = &h;
    r.header_count = 1;
    batch.add(r);
  };
  add("kept", "1");
  add("dropped", "2");
  add("dropped too", "3");
  batch.truncate(1);
  ASSERT_EQ(batch.size(), 1u);
  add("after", "4");  // reuses the dropped records' arena and header slots
  ASSERT_EQ(batch.size(), 2u);
  EXPECT_EQ(str(batch[0].value), "kept");
  EXPECT_EQ(str(batch[0].headers[0].value), "1");
  EXPECT_EQ(str(batch[1].value), "after");
  ASSERT_EQ(batch[1].header_count, 1u);
  EXPECT_EQ(str(batch[1].headers[0].value), "4");
  batch.truncate(5);  // beyond the size: nothing happens
  EXPECT_EQ(batch.size(), 2u);
}

}  // namespace
}  // namespace sluice
