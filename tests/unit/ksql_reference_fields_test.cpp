// The ksql/ statements and pinot/ configs name exactly the fields of the reference topics, as listed
// once in provision/reference_fields.hpp (datagen `ecommerce_transactions` input, windowed-aggregate
// output), and every statement is idempotent.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "provision/ksql_provisioner.hpp"
#include "provision/reference_fields.hpp"

namespace sluice {
namespace {

using nlohmann::json;

const std::string kKsqlDir = std::string(SLUICE_SOURCE_DIR) + "/ksql";
const std::string kPinotDir = std::string(SLUICE_SOURCE_DIR) + "/pinot";

std::string readText(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// SQL without `--` comments, lower-cased, whitespace collapsed.
std::string normalizedSql(const std::string& file) {
  std::string text = readText(kKsqlDir + "/" + file);
  text = std::regex_replace(text, std::regex("--[^\n]*"), "");
  text = std::regex_replace(text, std::regex(R"(\s+)"), " ");
  return lower(text);
}

// Column names declared in the parenthesised element list of `CREATE STREAM ... ( ... ) WITH`.
std::set<std::string> declaredColumns(const std::string& sql) {
  auto open = sql.find('(');
  auto close = sql.find(") with");
  EXPECT_NE(open, std::string::npos);
  EXPECT_NE(close, std::string::npos);
  std::set<std::string> cols;
  std::stringstream list(sql.substr(open + 1, close - open - 1));
  std::string item;
  while (std::getline(list, item, ',')) {
    std::stringstream words(item);
    std::string name;
    words >> name;
    cols.insert(name);
  }
  return cols;
}

// Names introduced by `AS <alias>` in a SELECT list.
std::set<std::string> aliases(const std::string& sql) {
  std::set<std::string> out;
  std::regex as(R"(\bas ([a-z_][a-z0-9_]*))");
  for (std::sregex_iterator it(sql.begin(), sql.end(), as), end; it != end; ++it) out.insert((*it)[1]);
  return out;
}

template <std::size_t N>
std::set<std::string> asSet(const std::array<std::string_view, N>& a) {
  return std::set<std::string>(a.begin(), a.end());
}

TEST(KsqlStatements, FilesAreTheFourOrderedStatements) {
  std::vector<std::string> names;
  for (const auto& f : KsqlProvisioner::statementFiles(kKsqlDir)) names.push_back(f.filename().string());
  EXPECT_EQ(names, (std::vector<std::string>{"01_transactions_stream.sql", "02_paid_transactions.sql",
                                             "03_windowed_transactions.sql", "04_sluice_aggregates_stream.sql"}));
}

TEST(KsqlStatements, EveryCreateIsIdempotent) {
  for (const auto& f : KsqlProvisioner::statementFiles(kKsqlDir)) {
    std::string sql = normalizedSql(f.filename().string());
    std::regex create(R"(\bcreate (or replace )?(stream|table) (if not exists )?)");
    int creates = 0;
    for (std::sregex_iterator it(sql.begin(), sql.end(), create), end; it != end; ++it) {
      ++creates;
      EXPECT_TRUE((*it)[1].matched || (*it)[3].matched) << f << ": CREATE without OR REPLACE / IF NOT EXISTS";
    }
    EXPECT_EQ(creates, 1) << f;
    EXPECT_EQ(std::count(sql.begin(), sql.end(), ';'), 1) << f << ": one statement per file";
  }
}

TEST(KsqlStatements, TransactionsStreamDeclaresTheDatagenFields) {
  std::string sql = normalizedSql("01_transactions_stream.sql");
  EXPECT_EQ(declaredColumns(sql), asSet(reference::kTransactionFields));
  EXPECT_NE(sql.find("kafka_topic = '" + std::string(reference::kTransactionsTopic) + "'"), std::string::npos);
  EXPECT_NE(sql.find("timestamp = 'event_timestamp'"), std::string::npos);
  EXPECT_NE(sql.find("timestamp_format = '" + lower(std::string(reference::kEventTimestampFormat)) + "'"), std::string::npos);
  EXPECT_NE(sql.find("user_id string key"), std::string::npos) << "datagen keys the topic by user_id";
}

TEST(KsqlStatements, PaidStreamFiltersExactlyPaid) {
  std::string raw = readText(kKsqlDir + "/02_paid_transactions.sql");
  EXPECT_NE(raw.find("WHERE status = 'Paid'"), std::string::npos) << "the comparison is case-sensitive: 'Paid'";
}

TEST(KsqlStatements, WindowedTableProducesTheAggregateFields) {
  std::string sql = normalizedSql("03_windowed_transactions.sql");
  std::set<std::string> produced = aliases(sql);
  produced.erase("dummy");     // the constant group key, stored in the record key
  produced.erase("select");    // `... ) as select` of the CTAS header
  produced.erase("double");    // CAST(... AS DOUBLE)
  EXPECT_EQ(produced, asSet(reference::kAggregateFields));
  EXPECT_NE(sql.find("kafka_topic = '" + std::string(reference::kKsqlAggregateTopic) + "'"), std::string::npos);
  EXPECT_NE(sql.find("window tumbling (size 3 seconds)"), std::string::npos);
  EXPECT_NE(sql.find("emit changes"), std::string::npos);
  EXPECT_NE(sql.find("from paid_transactions_stream"), std::string::npos);
}

TEST(KsqlStatements, SluiceStreamDeclaresTheAggregateFields) {
  std::string sql = normalizedSql("04_sluice_aggregates_stream.sql");
  std::set<std::string> cols = declaredColumns(sql);
  EXPECT_EQ(cols.erase("window_key"), 1u) << "the Kafka key (window start as text) is declared as a KEY column";
  EXPECT_EQ(cols, asSet(reference::kAggregateFields));
  EXPECT_NE(sql.find("kafka_topic = '" + std::string(reference::kSluiceAggregateTopic) + "'"), std::string::npos);
}

std::set<std::string> pinotColumns(const json& schema) {
  std::set<std::string> cols;
  for (const char* key : {"dimensionFieldSpecs", "metricFieldSpecs", "dateTimeFieldSpecs"})
    for (const auto& f : schema.value(key, json::array())) cols.insert(f["name"].get<std::string>());
  return cols;
}

TEST(PinotAssets, SluiceTableReadsTheAggregateFields) {
  json schema = json::parse(readText(kPinotDir + "/transactions_aggregate_sluice.schema.json"));
  json table = json::parse(readText(kPinotDir + "/transactions_aggregate_sluice.table.json"));
  EXPECT_EQ(pinotColumns(schema), asSet(reference::kAggregateFields)) << "JSON keys match Pinot columns case-sensitively";
  EXPECT_EQ(schema["primaryKeyColumns"], json::array({std::string(reference::kWindowStartField)}));
  const auto& stream = table["ingestionConfig"]["streamIngestionConfig"]["streamConfigMaps"][0];
  EXPECT_EQ(stream["stream.kafka.topic.name"], std::string(reference::kSluiceAggregateTopic));
  EXPECT_EQ(stream["stream.kafka.broker.list"], std::string(reference::kBrokerPlaceholder));
  EXPECT_EQ(table["upsertConfig"]["mode"], "FULL");
  EXPECT_EQ(table["routing"]["instanceSelectorType"], "strictReplicaGroup");
}

TEST(PinotAssets, KsqlTableReadsTheUpperCasedAggregateFields) {
  json schema = json::parse(readText(kPinotDir + "/transactions_aggregate_ksql.schema.json"));
  json table = json::parse(readText(kPinotDir + "/transactions_aggregate_ksql.table.json"));
  std::set<std::string> expected;
  for (auto f : reference::kAggregateFields) {
    std::string u(f);
    std::transform(u.begin(), u.end(), u.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    expected.insert(u);  // ksqlDB writes JSON value keys in upper case
  }
  EXPECT_EQ(pinotColumns(schema), expected);
  const auto& stream = table["ingestionConfig"]["streamIngestionConfig"]["streamConfigMaps"][0];
  EXPECT_EQ(stream["stream.kafka.topic.name"], std::string(reference::kKsqlAggregateTopic));
}

}  // namespace
}  // namespace sluice
