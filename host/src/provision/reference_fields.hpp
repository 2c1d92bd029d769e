#pragma once
// The one place that names the fields of the reference pipeline's topics. The ksql/ statements, the
// pinot/ configs and their tests are all checked against these lists, so a rename shows up as a
// failing test instead of silently empty columns.
#include <array>
#include <string_view>

namespace sluice::reference {

// Topic written by the datagen `ecommerce_transactions` quickstart (key = user_id).
inline constexpr std::string_view kTransactionsTopic = "transactions";
inline constexpr std::array<std::string_view, 5> kTransactionFields = {"event_timestamp", "user_id", "transaction_id",
                                                                       "total_paid", "status"};
inline constexpr std::string_view kEventTimestampFormat = "yyyy-MM-dd HH:mm:ss.SSS";

// Topics written by the windowed aggregate (Sluice) and by ksqlDB's windowed table.
inline constexpr std::string_view kSluiceAggregateTopic = "transactions_aggregate_sluice";
inline constexpr std::string_view kKsqlAggregateTopic = "transactions_aggregate_ksql";
inline constexpr std::array<std::string_view, 5> kAggregateFields = {"window_start", "window_end", "total_paid",
                                                                     "total_transactions", "average_transaction_value"};
inline constexpr std::string_view kWindowStartField = "window_start";

// Placeholder in pinot/*_table.json replaced by `sluice provision --kafka-brokers`.
inline constexpr std::string_view kBrokerPlaceholder = "${KAFKA_BROKERS}";

}  // namespace sluice::reference
