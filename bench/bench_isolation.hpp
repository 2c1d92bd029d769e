#pragma once
// The cost of `plugin.isolation: process`: one pipeline (datagen -> file-sink) run in-process and
// in a task process, alternately in the same run, as records/s and their ratio.
#include <vector>

#include "bench_table.hpp"

namespace sluice::bench {

std::vector<Row> benchIsolation(long records, int runs);

}  // namespace sluice::bench
