#pragma once
// The one table `make bench` prints: each row is the median of repeated runs with its min and max.
#include <functional>
#include <string>
#include <vector>

namespace sluice::bench {

struct Row {
  std::string name;
  std::string unit;
  std::vector<double> samples;
  std::string target;                        // e.g. ">= 0.85"; empty: no target
  std::function<bool(double)> meets;         // applied to the median; empty: no target
  std::string note;                          // what was measured (sizes), or why the row failed
};

double median(std::vector<double> v);
// Prints rows as a Markdown table (so it can be pasted into docs/performance.md as is).
void printTable(const std::vector<Row>& rows);

}  // namespace sluice::bench
