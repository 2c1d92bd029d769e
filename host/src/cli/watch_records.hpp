#pragma once
// The records `sluice watch` reads, parsed without trusting them: a raw transaction (event time,
// status, amount) and an emitted window aggregate. A record of the wrong shape is an error that says
// why, which the watch reports and counts as skipped; it never aborts the watch.
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "common/result.hpp"

namespace sluice {

struct WatchFields {
  std::string filterField = "status";
  std::string filterValue = "Paid";
  std::string amountField = "total_paid";
  std::string timeField = "event_timestamp";
};

struct InputTransaction {
  int64_t eventTimeMs = 0;
  bool counted = false;  // the filter field has the filter value
  int64_t amount = 0;    // only read when counted
};

struct WindowAggregate {
  int64_t start = 0;
  int64_t end = 0;
  int64_t totalPaid = 0;
  int64_t transactions = 0;
  double average = 0;
};

// "yyyy-MM-dd HH:mm:ss.SSS" (UTC) or epoch milliseconds -> epoch ms; -1 when unparseable.
int64_t parseEventTime(const nlohmann::json& v);

Result<InputTransaction> readInputTransaction(const nlohmann::json& record, const WatchFields& fields);
Result<WindowAggregate> readWindowAggregate(const nlohmann::json& record);

}  // namespace sluice
