#pragma once
// Records for the benchmarks: the datagen plugin's ecommerce_transactions stream, generated through
// the real datagen.so (loader + PluginInstance), kept in one RecordBatch (which owns the bytes).
#include <chrono>
#include <map>
#include <string>

#include "plugin/plugin_instance.hpp"
#include "plugin/record_batch.hpp"

namespace sluice::bench {

using Clock = std::chrono::steady_clock;

inline double secondsSince(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// A started instance of build/plugins/<file>; throws std::runtime_error with the reason.
PluginInstancePtr startPlugin(const std::string& file, const std::map<std::string, std::string>& props);

// The datagen settings every transactions benchmark uses: event time starts at a fixed instant and
// advances 1 ms per record, so windows close every 3,000 records whatever the machine's speed.
std::map<std::string, std::string> transactionsConfig(const std::string& topic, long iterations);

// Generates `count` records into out (cleared first); returns the seconds generation took.
double generateTransactions(const std::string& topic, long count, RecordBatch& out);

}  // namespace sluice::bench
