#include "ecommerce_generator.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "json_out.hpp"

namespace sluice::datagen {

namespace {
int64_t wallClockMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}
}  // namespace

EcommerceGenerator::EcommerceGenerator(EcommerceOptions options) : options_(std::move(options)) {
  epochMillis_ = options_.timestampFormat == "epoch_millis";
  if (epochMillis_) {
    parseZoneOffsetMs(options_.timeZone);  // still validated, so a typo is not silently ignored
  } else {
    format_.emplace(options_.timestampFormat, options_.timeZone);
  }
  startMs_ = options_.startMs.value_or(wallClockMs());
}

void EcommerceGenerator::setKeyField(const std::string& field) {
  if (field.empty()) {
    keyField_ = -1;
    return;
  }
  auto it = std::find(fieldNames_.begin(), fieldNames_.end(), field);
  if (it == fieldNames_.end()) throw std::invalid_argument("The schema does not contain the field provided in 'schema.keyfield'");
  keyField_ = static_cast<int>(it - fieldNames_.begin());
}

int64_t EcommerceGenerator::eventTime() {
  if (options_.stepMs) return startMs_ + produced_ * *options_.stepMs;
  // Wall clock, shifted so the first record carries startMs (exactly now when it was not given).
  int64_t now = wallClockMs();
  if (firstWallMs_ < 0) firstWallMs_ = now;
  return startMs_ + (now - firstWallMs_);
}

void EcommerceGenerator::next(JavaRandom& rng, GeneratedRecord& out) {
  out.clear();
  int64_t ts = eventTime();
  ++produced_;
  int index = rng.nextInt(10) + 1;  // randint(1, 10)
  int64_t transactionId = rng.nextInt(1000000) + 1;
  int64_t totalPaid = index * 10;
  const char* status = rng.nextInt(2) == 0 ? "Paid" : "Refused";
  const char* userId = kUserIds[static_cast<size_t>(index - 1)];

  std::string& v = out.value;
  v += "{\"event_timestamp\":";
  size_t tsStart = v.size();
  if (epochMillis_) {
    appendInt(v, ts);
  } else {
    v += '"';
    format_->append(ts, v);
    v += '"';
  }
  size_t tsEnd = v.size();
  v += ",\"user_id\":\"";
  v += userId;
  v += "\",\"transaction_id\":";
  appendInt(v, transactionId);
  v += ",\"total_paid\":";
  appendInt(v, totalPaid);
  v += ",\"status\":\"";
  v += status;
  v += "\"}";
  out.timestampMs = ts;

  out.hasKey = keyField_ >= 0;
  switch (keyField_) {
    case 0: keyTextFromJson(std::string_view(v).substr(tsStart, tsEnd - tsStart), out.key); break;
    case 1: out.key = userId; break;
    case 2: appendInt(out.key, transactionId); break;
    case 3: appendInt(out.key, totalPaid); break;
    case 4: out.key = status; break;
    default: break;
  }
}

}  // namespace sluice::datagen
