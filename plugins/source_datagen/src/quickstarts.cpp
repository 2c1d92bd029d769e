#include "quickstarts.hpp"

#include <cctype>

namespace sluice::datagen {

namespace {
// datagen's Quickstart enum (name, resource, key field). Entries whose schema is not embedded are
// skipped by quickstarts(), so the list of accepted names always matches what can run.
constexpr Quickstart kDatagenQuickstarts[] = {
    {"clickstream_codes", "clickstream_codes_schema.avro", "code"},
    {"clickstream", "clickstream_schema.avro", "ip"},
    {"clickstream_users", "clickstream_users_schema.avro", "user_id"},
    {"orders", "orders_schema.avro", "orderid"},
    {"ratings", "ratings_schema.avro", "rating_id"},
    {"users", "users_schema.avro", "userid"},
    {"users_", "users_array_map_schema.avro", "userid"},
    {"users_array_map", "users_array_map_schema.avro", "userid"},  // the enum's name in older datagen releases
    {"pageviews", "pageviews_schema.avro", "viewtime"},
    {"stock_trades", "stock_trades_schema.avro", "symbol"},
    {"inventory", "inventory.avro", "id"},
    {"product", "product.avro", "id"},
    {"purchases", "purchase.avro", "id"},
    {"transactions", "transactions.avro", "transaction_id"},
    {"stores", "stores.avro", "store_id"},
    {"credit_cards", "credit_cards.avro", "card_id"},
    {"campaign_finance", "campaign_finance.avro", "cand_id"},  // upstream names candidate_id, a field the schema lacks
    {"fleet_mgmt_description", "fleet_mgmt_description.avro", "vehicle_id"},
    {"fleet_mgmt_location", "fleet_mgmt_location.avro", "vehicle_id"},
    {"fleet_mgmt_sensors", "fleet_mgmt_sensors.avro", "vehicle_id"},
    {"pizza_orders", "pizza_orders.avro", "store_id"},
    {"pizza_orders_completed", "pizza_orders_completed.avro", "store_id"},
    {"pizza_orders_cancelled", "pizza_orders_cancelled.avro", "store_id"},
    {"insurance_offers", "insurance_offers.avro", "offer_id"},
    {"insurance_customers", "insurance_customers.avro", "customer_id"},
    {"insurance_customer_activity", "insurance_customer_activity.avro", "activity_id"},
    {"gaming_games", "gaming_games.avro", "id"},
    {"gaming_players", "gaming_players.avro", "player_id"},
    {"gaming_player_activity", "gaming_player_activity.avro", "player_id"},
    {"payroll_employee", "payroll_employee.avro", "employee_id"},
    {"payroll_employee_location", "payroll_employee_location.avro", "employee_id"},
    {"payroll_bonus", "payroll_bonus.avro", "employee_id"},
    {"syslog_logs", "syslog_logs.avro", "host"},
    {"device_information", "device_information.avro", "device_ip"},
    {"siem_logs", "siem_logs.avro", "hostname"},
    {"shoes", "shoes.avro", "id"},
    {"shoe_customers", "shoe_customers.avro", "id"},
    {"shoe_orders", "shoe_orders.avro", "order_id"},
    {"shoe_clickstream", "shoe_clickstream.avro", "product_id"},
};
}  // namespace

const std::vector<Quickstart>& quickstarts() {
  static const std::vector<Quickstart> list = [] {
    std::vector<Quickstart> out;
    for (const auto& q : kDatagenQuickstarts)
      if (bundledSchema(q.file)) out.push_back(q);
    out.push_back({kEcommerceQuickstart, "", "user_id"});
    return out;
  }();
  return list;
}

const Quickstart* findQuickstart(std::string_view name) {
  std::string lower(name);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& q : quickstarts())
    if (lower == q.name) return &q;
  return nullptr;
}

std::string quickstartNames() {
  std::string out;
  for (const auto& q : quickstarts()) {
    if (!out.empty()) out += ", ";
    out += q.name;
  }
  return out;
}

const char* bundledSchema(std::string_view file) {
  for (size_t i = 0; i < kEmbeddedQuickstartCount; ++i)
    if (file == kEmbeddedQuickstarts[i].name) return kEmbeddedQuickstarts[i].text;
  return nullptr;
}

}  // namespace sluice::datagen
