#pragma once
// EcommerceGenerator: the reference project's transaction producer (stream-processing-project,
// producer/fake_data.py, static mode) as the quickstart `ecommerce_transactions`. Its fields are
// correlated (total_paid follows user_id), which plain arg.properties cannot express.
//   {"event_timestamp":"2026-01-01 00:00:00.000","user_id":"<one of ten ids>","transaction_id":1..1000000,
//    "total_paid":10*index,"status":"Paid"|"Refused"}, key = user_id.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "record_generator.hpp"
#include "time_format.hpp"

namespace sluice::datagen {

struct EcommerceOptions {
  std::string timestampFormat = "yyyy-MM-dd HH:mm:ss.SSS";  // or "epoch_millis" (a JSON number)
  std::string timeZone = "UTC";
  std::optional<int64_t> startMs;  // event time of the first record; default: the wall clock
  std::optional<int64_t> stepMs;   // fixed event-time step per record instead of the wall clock
};

class EcommerceGenerator final : public RecordGenerator {
 public:
  // The ten fixed user ids, in index order 1..10 (the 7th keeps the original's 7-digit first group).
  static constexpr std::array<const char*, 10> kUserIds = {
      "14660caf-508e-42bf-8cc5-c4b9a576a6ac", "245d2676-04f8-4036-bc25-1a9b02bb75f1",
      "357a63c8-e1f6-4adf-8a54-25e78ef6a0f0", "4536beb6-b9b1-4fdf-b248-41807cd5b080",
      "58c405ab-535e-4d25-b76a-7d6cab8adcd1", "6dce3cca-2bf1-488a-8e43-6f05e15ae84f",
      "7c0284d-d1a4-44ab-9e32-b4d61a586f35",  "8d1417e6-9429-4220-9874-14e475aed9d2",
      "93e01ba4-861c-4e1e-9ae8-b0e317214c24", "071a417f-b4df-487d-8bd3-d54c7ad14672"};

  // Throws std::invalid_argument for a bad format or zone.
  explicit EcommerceGenerator(EcommerceOptions options);

  const std::vector<std::string>& fieldNames() const override { return fieldNames_; }
  void setKeyField(const std::string& field) override;
  void setGeneration(int64_t recordsBefore) override { produced_ = recordsBefore; }
  void next(JavaRandom& rng, GeneratedRecord& out) override;

 private:
  int64_t eventTime();

  EcommerceOptions options_;
  bool epochMillis_ = false;
  std::optional<TimeFormat> format_;
  std::vector<std::string> fieldNames_{"event_timestamp", "user_id", "transaction_id", "total_paid", "status"};
  int keyField_ = 1;
  int64_t produced_ = 0;
  int64_t startMs_ = 0;
  int64_t firstWallMs_ = -1;
};

}  // namespace sluice::datagen
