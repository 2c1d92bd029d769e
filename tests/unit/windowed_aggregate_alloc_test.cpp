// Steady state of the windowed-aggregate core allocates nothing per record: counted with a global
// operator new replacement (this test file is its own executable, so the hook stays here).
#include <gtest/gtest.h>

// GCC flags free() in a replaced operator delete as mismatched with new; here both sides are ours.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <atomic>
#include <cstdlib>
#include <map>
#include <new>
#include <string>
#include <vector>

#include "windowed_aggregate/window_aggregator.hpp"

namespace {
std::atomic<bool> g_counting{false};
std::atomic<size_t> g_allocations{0};
}  // namespace

// AddressSanitizer owns operator new/delete; replacing them under it gives mismatch reports, so the
// counting (and these tests) run only in plain builds.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kCanCount = false;
#else
constexpr bool kCanCount = true;
void* operator new(size_t size) {
  if (g_counting.load(std::memory_order_relaxed)) g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
void* operator new[](size_t size) { return operator new(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }
#endif

namespace sluice::windowed {
namespace {

// Counts emitted results without keeping them.
class CountingOutput : public RecordOutput {
 public:
  void emit(const sluice_record& r) override { bytes += r.value.len; ++count; }
  size_t count = 0;
  size_t bytes = 0;
};

void expectNoSteadyStateAllocations(std::map<std::string, std::string> props) {
  if (!kCanCount) GTEST_SKIP() << "allocation counting is off under AddressSanitizer";
  WindowAggregator agg(WindowOptions::parse(Config(std::move(props))));
  CountingOutput out;
  // Records of one window: after the first record created the window, nothing should allocate.
  std::vector<std::string> values;
  for (int i = 0; i < 200; ++i)
    values.push_back(R"({"event_timestamp":"2022-11-21 10:00:0)" + std::to_string(i % 3) + R"(.)" + std::to_string(100 + i) +
                     R"(","user_id":"14660caf-508e-42bf-8cc5-c4b9a576a6ac","transaction_id":)" + std::to_string(1000 + i) +
                     R"(,"total_paid":10,"status":")" + (i % 4 ? "Paid" : "Refused") + R"("})");
  auto feed = [&](size_t i) {
    sluice_record r = emptyRecord();
    r.topic = bytes("transactions");
    r.partition = 0;
    r.kafka_offset = static_cast<int64_t>(i);
    r.value = bytes(values[i]);
    agg.apply(r, out);
  };
  for (size_t i = 0; i < 20; ++i) feed(i);  // warm-up: buffers grow, the window is created
  g_allocations = 0;
  g_counting = true;
  for (size_t i = 20; i < values.size(); ++i) feed(i);
  g_counting = false;
  EXPECT_EQ(g_allocations.load(), 0u);
  EXPECT_EQ(agg.stats().accepted, 150u);
}

TEST(WindowedAggregateAlloc, TheCounterSeesAllocations) {
  if (!kCanCount) GTEST_SKIP() << "allocation counting is off under AddressSanitizer";
  g_allocations = 0;
  g_counting = true;
  std::vector<int> v(1000, 1);
  g_counting = false;
  EXPECT_EQ(v.size(), 1000u);
  EXPECT_GE(g_allocations.load(), 1u);
}

TEST(WindowedAggregateAlloc, FinalModeAllocatesNothingPerRecord) {
  expectNoSteadyStateAllocations({{"timestamp.field", "event_timestamp"}, {"filter.field", "status"}, {"filter.value", "Paid"}});
}

TEST(WindowedAggregateAlloc, ChangesModeWithGroupsAllocatesNothingPerRecord) {
  expectNoSteadyStateAllocations({{"timestamp.field", "event_timestamp"},
                                  {"filter.field", "status"},
                                  {"filter.value", "Paid"},
                                  {"emit.mode", "changes"},
                                  {"group.by", "user_id"},
                                  {"window.format", "yyyy-MM-dd HH:mm:ss"}});
}

}  // namespace
}  // namespace sluice::windowed
