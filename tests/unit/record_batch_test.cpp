// RecordBatch copies everything it is given, so emitters may reuse their buffers at once.
#include <gtest/gtest.h>

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstring>

#include "plugin/emitted_record.hpp"
#include "plugin/host_context.hpp"
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

// Two pages, the second PROT_NONE: `size` bytes placed to end exactly where the readable memory ends.
class PageEdge {
 public:
  PageEdge() : page_(static_cast<size_t>(::sysconf(_SC_PAGESIZE))) {
    mem_ = static_cast<unsigned char*>(::mmap(nullptr, 2 * page_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    ::mprotect(mem_ + page_, page_, PROT_NONE);
  }
  ~PageEdge() { ::munmap(mem_, 2 * page_); }
  const sluice_record* place(const sluice_record& r, size_t size) {
    unsigned char* at = mem_ + page_ - size;
    std::memcpy(at, &r, size);
    return reinterpret_cast<const sluice_record*>(at);
  }

 private:
  size_t page_;
  unsigned char* mem_;
};

// A plugin built against an older minor has a smaller sluice_record: the host reads only its
// record_size bytes through host->emit and gives the members it lacks their "none" values. Here the
// older record is simulated as one that ends before kafka_offset; reading it whole would fault.
TEST(RecordBatch, EmitReadsNoMoreThanThePluginsRecordSizeAndDefaultsTheRest) {
  PageEdge edge;
  const std::string value = "older";
  sluice_record r{};
  r.partition = 3;
  r.timestamp_ms = 42;
  r.value = bytesOf(value);
  r.kafka_offset = 99;  // beyond the older size: must not be read
  const size_t olderSize = offsetof(sluice_record, kafka_offset);
  RecordBatch batch;
  batch.acceptEmitsOf(olderSize);
  ASSERT_EQ(hostApi()->emit(reinterpret_cast<sluice_batch*>(&batch), edge.place(r, olderSize)), SLUICE_OK);
  ASSERT_EQ(batch.size(), 1u);
  EXPECT_EQ(str(batch[0].value), "older");
  EXPECT_EQ(batch[0].partition, 3);
  EXPECT_EQ(batch[0].timestamp_ms, 42);
  EXPECT_EQ(batch[0].kafka_offset, -1);
}

TEST(RecordBatch, EmitRefusesASourcePositionThatIsNotAJsonObjectInUtf8) {
  auto emit = [](const std::string& partition, const std::string& offset) {
    sluice_record r{};
    r.source_partition = bytesOf(partition);
    r.source_offset = bytesOf(offset);
    RecordBatch batch;
    batch.acceptEmitsOf(sizeof(sluice_record));
    sluice_status s = hostApi()->emit(reinterpret_cast<sluice_batch*>(&batch), &r);
    EXPECT_EQ(s == SLUICE_OK, batch.rejectedEmit().empty());
    EXPECT_EQ(batch.size(), s == SLUICE_OK ? 1u : 0u) << "a refused record is not kept";
    return batch.rejectedEmit();
  };
  EXPECT_EQ(emit(R"({"file":"a.txt"})", R"({"position":30})"), "");
  EXPECT_EQ(emit("{\"file\":\"caf\xC3\xA9\"}", R"({"position":30})"), "") << "UTF-8 beyond ASCII is fine";
  EXPECT_EQ(emit(R"({"file":"a.txt"})", "{\"position\":\"\xFF\"}"), "source_offset is not valid UTF-8 (byte 13)");
  EXPECT_EQ(emit("{\"f\":\"\xC0\xAF\"}", "{}"), "source_partition is not valid UTF-8 (byte 6)") << "an overlong '/'";
  EXPECT_EQ(emit("{\"f\":\"\xED\xA0\x80\"}", "{}"), "source_partition is not valid UTF-8 (byte 6)") << "a surrogate";
  EXPECT_EQ(emit(R"({"file":"a.txt"})", "[1]"), "source_offset is not a JSON object");
  EXPECT_EQ(emit(R"({"file":"a.txt"})", R"({"position":)"), "source_offset is not a JSON object");
  EXPECT_EQ(emit(R"({"file":"a.txt"})", ""), "source_offset is not a JSON object");
  std::string huge = R"({"k":")" + std::string(kMaxSourcePositionBytes, 'a') + R"("})";
  EXPECT_EQ(emit(huge, "{}"), "source_partition is " + std::to_string(huge.size()) + " bytes, more than the 65536 allowed");
}

}  // namespace
}  // namespace sluice
