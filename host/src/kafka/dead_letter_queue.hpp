#pragma once
// DeadLetterQueue: Connect's errors.deadletterqueue.topic.name for sink connectors. Failed records
// are produced, as consumed, to the DLQ topic, optionally with the __connect.errors.* headers.
#include <sluice/plugin.h>

#include <atomic>
#include <map>
#include <memory>
#include <string>

#include "common/result.hpp"

typedef struct rd_kafka_s rd_kafka_t;
typedef struct rd_kafka_message_s rd_kafka_message_t;

namespace sluice {

struct ErrorContext {
  std::string connector;
  int taskId = 0;
  std::string stage;      // "VALUE_CONVERTER", "TRANSFORMATION", ...
  std::string className;  // the converter or transform that failed
  std::string message;    // exception class: message
};

class DeadLetterQueue {
 public:
  static Result<std::unique_ptr<DeadLetterQueue>> open(const std::string& bootstrapServers, const std::string& topic,
                                                       bool contextHeaders, const std::map<std::string, std::string>& producerProps);
  ~DeadLetterQueue();
  // Produces the record; returns an error when the producer refuses it.
  Result<bool> send(const sluice_record& original, const ErrorContext& context);
  // Waits for every DLQ record to be delivered (called before offsets are committed).
  Result<bool> flush(int timeoutMs);

 private:
  DeadLetterQueue() = default;
  static void onDelivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque);
  rd_kafka_t* producer_ = nullptr;
  std::atomic<int> failedDeliveries_{0};
  std::string topic_;
  bool contextHeaders_ = false;
};

}  // namespace sluice
