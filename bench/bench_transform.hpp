#pragma once
// Row 3: plugins alone on in-memory records, through the loaded .so (PluginInstance + RecordBatch).
#include <vector>

#include "bench_table.hpp"

namespace sluice::bench {

std::vector<Row> benchTransformAlone(long records, int runs);

}  // namespace sluice::bench
