#include "bench_transform.hpp"

#include <stdexcept>

#include "bench_records.hpp"

namespace sluice::bench {

std::vector<Row> benchTransformAlone(long records, int runs) {
  Row aggregate{"windowed-aggregate apply alone (in memory)", "records/s", {}, "", {}, std::to_string(records) + " records per run"};
  Row generator{"datagen ecommerce_transactions generator alone", "records/s", {}, "", {}, "poll into a RecordBatch"};
  RecordBatch input;
  for (int run = 0; run < runs; ++run) {
    double genSecs = generateTransactions("transactions", records, input);
    generator.samples.push_back(records / genSecs);

    auto transform = startPlugin("windowed-aggregate.so", {{"timestamp.field", "event_timestamp"},
                                                           {"filter.field", "status"},
                                                           {"filter.value", "Paid"},
                                                           {"window.size.ms", "3000"},
                                                           // No ticks here: without the start hold windows close on event time.
                                                           {"idle.timeout.ms", "0"},
                                                           {"output.topic", "transactions_aggregate_sluice"}});
    RecordBatch out;
    size_t emitted = 0;
    auto t0 = Clock::now();
    for (const auto& r : input.records()) {
      out.clear();
      if (transform->apply(r, out) != SLUICE_OK) throw std::runtime_error(transform->error());
      emitted += out.size();
    }
    double secs = secondsSince(t0);
    // 1 ms per record and 3 s windows: every full window closed must have produced one result.
    if (emitted + 1 < static_cast<size_t>(records / 3000)) throw std::runtime_error("windowed-aggregate emitted only " + std::to_string(emitted));
    aggregate.samples.push_back(records / secs);
  }
  return {aggregate, generator};
}

}  // namespace sluice::bench
