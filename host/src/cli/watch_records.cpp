#include "cli/watch_records.hpp"

#include <cstdio>
#include <ctime>

namespace sluice {

namespace {

// The whole-number field `key` of `record`, or why not (missing, a string, a fraction, ...).
Result<int64_t> wholeNumber(const nlohmann::json& record, const std::string& key) {
  auto it = record.find(key);
  if (it == record.end()) return Error{"no '" + key + "' field"};
  if (!it->is_number_integer()) return Error{"'" + key + "' is " + it->dump() + ", not a whole number"};
  return it->get<int64_t>();
}

}  // namespace

int64_t parseEventTime(const nlohmann::json& v) {
  if (v.is_number_integer()) return v.get<int64_t>();
  if (!v.is_string()) return -1;
  std::tm tm{};
  int ms = 0;
  const std::string s = v.get<std::string>();
  if (std::sscanf(s.c_str(), "%d-%d-%d %d:%d:%d.%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms) < 6)
    return -1;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<int64_t>(timegm(&tm)) * 1000 + ms;
}

Result<InputTransaction> readInputTransaction(const nlohmann::json& record, const WatchFields& fields) {
  if (!record.is_object()) return Error{"not a JSON object"};
  auto time = record.find(fields.timeField);
  if (time == record.end()) return Error{"no '" + fields.timeField + "' field"};
  InputTransaction t;
  t.eventTimeMs = parseEventTime(*time);
  if (t.eventTimeMs < 0) return Error{"'" + fields.timeField + "' is " + time->dump() + ", not a time"};
  auto filter = record.find(fields.filterField);
  t.counted = filter != record.end() && filter->is_string() && filter->get<std::string>() == fields.filterValue;
  if (!t.counted) return t;
  auto amount = wholeNumber(record, fields.amountField);
  if (!amount.ok()) return Error{amount.error()};
  t.amount = *amount;
  return t;
}

Result<WindowAggregate> readWindowAggregate(const nlohmann::json& record) {
  if (!record.is_object()) return Error{"not a JSON object"};
  WindowAggregate w;
  for (auto [key, target] : {std::pair{"window_start", &w.start}, std::pair{"window_end", &w.end},
                             std::pair{"total_paid", &w.totalPaid}, std::pair{"total_transactions", &w.transactions}}) {
    auto v = wholeNumber(record, key);
    if (!v.ok()) return Error{v.error()};
    *target = *v;
  }
  auto average = record.find("average_transaction_value");
  if (average != record.end() && average->is_number()) w.average = average->get<double>();
  return w;
}

}  // namespace sluice
