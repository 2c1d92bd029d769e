// Points the field-name contract at the windowed-aggregate plugin's own output: datagen-shaped
// transactions (fields from provision/reference_fields.hpp) go through the real WindowAggregator
// with the reference pipeline's settings, and the result must carry exactly the columns the Pinot
// table and the ksql stream over transactions_aggregate_sluice declare, keyed by the window start.
#include <gtest/gtest.h>

#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "provision/reference_fields.hpp"
#include "windowed_aggregate/window_aggregator.hpp"

namespace sluice {
namespace {

using nlohmann::json;
namespace ref = reference;

// The windowed-aggregate settings of connectors/transactions-aggregate.json when that file exists
// (the transform whose type names windowed-aggregate), else the reference pipeline's settings.
std::map<std::string, std::string> referenceTransformProps() {
  std::ifstream in(std::string(SLUICE_SOURCE_DIR) + "/connectors/transactions-aggregate.json");
  if (in) {
    json connector = json::parse(in, nullptr, false);
    json config = connector.is_object() ? connector.value("config", json::object()) : json::object();
    for (const auto& [key, value] : config.items()) {
      if (!key.starts_with("transforms.") || !key.ends_with(".type") || !value.is_string()) continue;
      if (value.get<std::string>().find("windowed-aggregate") == std::string::npos) continue;
      const std::string prefix = key.substr(0, key.size() - std::string("type").size());
      std::map<std::string, std::string> props;
      for (const auto& [k, v] : config.items())
        if (k.starts_with(prefix) && k != key) props[k.substr(prefix.size())] = v.is_string() ? v.get<std::string>() : v.dump();
      return props;
    }
  }
  return {{"window.size.ms", "3000"},
          {"timestamp.field", std::string(ref::kTransactionFields[0])},
          {"timestamp.format", std::string(ref::kEventTimestampFormat)},
          {"filter.field", "status"},
          {"filter.value", "Paid"},
          {"output.topic", std::string(ref::kSluiceAggregateTopic)}};
}

std::string transaction(const std::string& eventTime, int64_t id, int64_t paid, const std::string& status) {
  json v;
  v[std::string(ref::kTransactionFields[0])] = eventTime;  // event_timestamp
  v[std::string(ref::kTransactionFields[1])] = "User_" + std::to_string(id % 10);
  v[std::string(ref::kTransactionFields[2])] = id;
  v[std::string(ref::kTransactionFields[3])] = paid;
  v[std::string(ref::kTransactionFields[4])] = status;
  return v.dump();
}

int64_t utcMillis(int year, int month, int day, int hour, int minute, int second, int millis) {
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return static_cast<int64_t>(timegm(&tm)) * 1000 + millis;
}

struct Emitted {
  std::string topic;
  std::string key;
  json value;
};

class Capture : public windowed::RecordOutput {
 public:
  void emit(const sluice_record& r) override {
    records.push_back({std::string(view(r.topic)), std::string(view(r.key)), json::parse(view(r.value), nullptr, false)});
  }
  std::vector<Emitted> records;
};

TEST(SluiceAggregateOutput, CarriesExactlyThePinotAndKsqlColumns) {
  auto props = referenceTransformProps();
  windowed::WindowAggregator aggregator(windowed::WindowOptions::parse(Config(props)));
  Capture out;
  // Offsets and record timestamps are unrelated to event time on purpose: event_timestamp decides.
  const std::vector<std::tuple<std::string, int64_t, int64_t, std::string>> inputs = {
      {"2026-11-21 05:00:00.500", 1, 30, "Paid"},
      {"2026-11-21 05:00:01.250", 2, 50, "Paid"},
      {"2026-11-21 05:00:02.000", 3, 90, "Refused"},
      {"2026-11-21 05:00:09.000", 4, 10, "Paid"},
  };
  int64_t offset = 0;
  for (const auto& [time, id, paid, status] : inputs) {
    std::string value = transaction(time, id, paid, status);
    std::string key = "User_" + std::to_string(id % 10);
    sluice_record rec = emptyRecord();
    rec.topic = bytes(ref::kTransactionsTopic);
    rec.partition = 0;
    rec.kafka_offset = offset++;
    rec.timestamp_ms = 1;
    rec.key = bytes(key);
    rec.value = bytes(value);
    aggregator.apply(rec, out);
  }
  aggregator.closeAll(out);
  ASSERT_FALSE(out.records.empty());

  // Expected, from the inputs: window [05:00:00, 05:00:03) holds the two paid records.
  const int64_t start = utcMillis(2026, 11, 21, 5, 0, 0, 0);
  const Emitted* first = nullptr;
  for (const auto& r : out.records)
    if (r.value.is_object() && r.value.value(std::string(ref::kWindowStartField), int64_t{-1}) == start) first = &r;
  ASSERT_NE(first, nullptr) << "no result for the window starting at " << start;

  std::set<std::string> keys;
  for (const auto& [k, _] : first->value.items()) keys.insert(k);
  EXPECT_EQ(keys, std::set<std::string>(ref::kAggregateFields.begin(), ref::kAggregateFields.end())) << first->value.dump();
  EXPECT_EQ(first->topic, ref::kSluiceAggregateTopic);
  EXPECT_EQ(first->key, std::to_string(start)) << "Pinot upsert needs the topic keyed by the primary key (window start)";
  EXPECT_EQ(first->value["window_end"].get<int64_t>(), start + 3000);
  EXPECT_DOUBLE_EQ(first->value["total_paid"].get<double>(), 30 + 50);
  EXPECT_EQ(first->value["total_transactions"].get<int64_t>(), 2);
  EXPECT_DOUBLE_EQ(first->value["average_transaction_value"].get<double>(), (30.0 + 50.0) / 2);
}

}  // namespace
}  // namespace sluice
