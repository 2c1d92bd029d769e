#include "bench_table.hpp"

#include <algorithm>
#include <cstdio>

namespace sluice::bench {

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

namespace {
std::string format(double v) {
  char buf[64];
  if (v >= 1000) std::snprintf(buf, sizeof(buf), "%.0f", v);
  else if (v >= 10) std::snprintf(buf, sizeof(buf), "%.1f", v);
  else std::snprintf(buf, sizeof(buf), "%.3f", v);
  return buf;
}
// Table cells: a '|' or a line break inside a note (an error message) would break the Markdown row.
std::string cell(std::string s) {
  for (char& c : s)
    if (c == '|' || c == '\n' || c == '\r') c = ' ';
  return s;
}
}  // namespace

void printTable(const std::vector<Row>& rows) {
  std::printf("| # | benchmark | unit | median | min | max | runs | target | met | notes |\n");
  std::printf("|---|---|---|---:|---:|---:|---:|---|---|---|\n");
  int i = 0;
  for (const auto& r : rows) {
    ++i;
    if (r.samples.empty()) {
      std::printf("| %d | %s | %s | - | - | - | 0 | %s | - | %s |\n", i, r.name.c_str(), r.unit.c_str(), r.target.c_str(),
                  cell(r.note).c_str());
      continue;
    }
    double med = median(r.samples);
    auto [lo, hi] = std::minmax_element(r.samples.begin(), r.samples.end());
    const char* met = r.meets ? (r.meets(med) ? "yes" : "NO") : "";
    std::printf("| %d | %s | %s | %s | %s | %s | %zu | %s | %s | %s |\n", i, r.name.c_str(), r.unit.c_str(), format(med).c_str(),
                format(*lo).c_str(), format(*hi).c_str(), r.samples.size(), r.target.c_str(), met, cell(r.note).c_str());
  }
  std::fflush(stdout);
}

}  // namespace sluice::bench
