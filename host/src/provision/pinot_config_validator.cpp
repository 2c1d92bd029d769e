#include "provision/pinot_config_validator.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <regex>

namespace sluice {

namespace {

using nlohmann::json;

const std::set<std::string> kTimeUnits = {"NANOSECONDS", "MICROSECONDS", "MILLISECONDS", "SECONDS",
                                          "MINUTES",     "HOURS",        "DAYS"};
const std::set<std::string> kDimensionTypes = {"INT",     "LONG",      "FLOAT", "DOUBLE", "BIG_DECIMAL", "BOOLEAN",
                                               "TIMESTAMP", "STRING", "JSON",  "BYTES",  "UUID"};
const std::set<std::string> kMetricTypes = {"INT", "LONG", "FLOAT", "DOUBLE", "BIG_DECIMAL", "BYTES"};
const std::set<std::string> kNumericTypes = {"INT", "LONG", "FLOAT", "DOUBLE", "BIG_DECIMAL"};
const std::set<std::string> kPartialStrategies = {"APPEND", "IGNORE",    "INCREMENT",       "MAX",
                                                  "MIN",    "OVERWRITE", "FORCE_OVERWRITE", "UNION"};
// Functions whose result changes between calls; current Pinot refuses them in REALTIME transforms.
const std::set<std::string> kNonImmutableFunctions = {"now", "ago"};

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

bool hasWhitespace(const std::string& s) {
  return std::any_of(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c); });
}

// A whole number Pinot's Integer.parseInt accepts ("-?digits" within int's range), or nullopt: the
// range check keeps std::stoll/stoi from throwing on "99999999999999999999".
std::optional<int32_t> parseInt32(const std::string& s) {
  static const std::regex kInt(R"(-?\d{1,10})");
  if (!std::regex_match(s, kInt)) return std::nullopt;
  int64_t v = std::stoll(s);
  if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) return std::nullopt;
  return static_cast<int32_t>(v);
}

bool isPositiveInt(const std::string& s) {
  auto v = parseInt32(s);
  return v && *v > 0;
}

// Whether a run of digits is above zero, whatever its length (no conversion that could overflow).
bool digitsAboveZero(const std::string& digits) {
  return std::any_of(digits.begin(), digits.end(), [](char c) { return c >= '1' && c <= '9'; });
}

// A JSON value Pinot reads as a string (configs carry numbers as strings, but tolerate numbers).
std::optional<std::string> text(const json& obj, const std::string& key) {
  if (!obj.is_object() || !obj.contains(key) || obj.at(key).is_null()) return std::nullopt;
  const json& v = obj.at(key);
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

const json* member(const json& obj, const std::string& key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

std::vector<std::string> stringList(const json& obj, const std::string& key) {
  std::vector<std::string> out;
  const json* v = member(obj, key);
  if (v == nullptr) return out;
  if (v->is_string()) {
    out.push_back(v->get<std::string>());
  } else if (v->is_array()) {
    for (const auto& e : *v)
      if (e.is_string()) out.push_back(e.get<std::string>());
  }
  return out;
}

bool truthy(const json& obj, const std::string& key) {
  const json* v = member(obj, key);
  if (v == nullptr) return false;
  if (v->is_boolean()) return v->get<bool>();
  if (v->is_string()) return lower(v->get<std::string>()) == "true";
  return false;
}

// One column of a schema, with what the table checks need to know.
struct Column {
  std::string fieldType;  // DIMENSION, METRIC, DATE_TIME, TIME, COMPLEX
  std::string dataType;
  bool singleValue = true;
};

std::map<std::string, Column> columnsOf(const json& schema) {
  std::map<std::string, Column> cols;
  const std::pair<const char*, const char*> kinds[] = {{"dimensionFieldSpecs", "DIMENSION"},
                                                       {"metricFieldSpecs", "METRIC"},
                                                       {"dateTimeFieldSpecs", "DATE_TIME"},
                                                       {"complexFieldSpecs", "COMPLEX"}};
  for (const auto& [key, kind] : kinds) {
    const json* specs = member(schema, key);
    if (specs == nullptr || !specs->is_array()) continue;
    for (const auto& f : *specs) {
      auto name = text(f, "name");
      if (!name) continue;
      Column c{kind, upper(text(f, "dataType").value_or("")), !member(f, "singleValueField") || truthy(f, "singleValueField")};
      cols.emplace(*name, c);
    }
  }
  if (const json* t = member(schema, "timeFieldSpec")) {
    if (const json* in = member(*t, "incomingGranularitySpec")) {
      if (auto name = text(*in, "name")) cols.emplace(*name, Column{"TIME", upper(text(*in, "dataType").value_or("")), true});
    }
  }
  return cols;
}

bool validSimpleDateFormat(const std::string& pattern, std::string* why) {
  if (pattern.empty()) {
    if (why) *why = "SIMPLE_DATE_FORMAT needs a pattern";
    return false;
  }
  // Lexicographic order must equal chronological order: y, M, d, H, m, s, S in that sequence.
  const std::string order = "yMdHmsS";
  int last = -1;
  bool quoted = false;
  for (char c : pattern) {
    if (c == '\'') {
      quoted = !quoted;
      continue;
    }
    if (quoted) continue;
    auto pos = order.find(c);
    if (pos == std::string::npos) continue;
    if (static_cast<int>(pos) < last) {
      if (why) *why = "pattern '" + pattern + "' is not ordered y, M, d, H, m, s, S";
      return false;
    }
    last = static_cast<int>(pos);
  }
  if (quoted) {
    if (why) *why = "unterminated quote in pattern '" + pattern + "'";
    return false;
  }
  return true;
}

// The `name(args)` shape of a Pinot scalar function call; returns the name and the raw argument text.
bool parseFunctionCall(const std::string& expr, std::string& name, std::string& args) {
  static const std::regex kCall(R"(^\s*([A-Za-z_][A-Za-z0-9_]*)\s*\(([\s\S]*)\)\s*$)");
  std::smatch m;
  if (!std::regex_match(expr, m, kCall)) return false;
  name = m[1];
  args = m[2];
  int depth = 0;
  char quote = 0;
  for (char c : args) {
    if (quote) {
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '\'' || c == '"') quote = c;
    else if (c == '(') ++depth;
    else if (c == ')' && --depth < 0) return false;
  }
  return depth == 0 && quote == 0;
}

// Identifiers used in a function's arguments, outside string literals.
std::set<std::string> identifiersIn(const std::string& args) {
  std::set<std::string> ids;
  std::string cur;
  char quote = 0;
  auto flush = [&] {
    if (!cur.empty() && !std::isdigit(static_cast<unsigned char>(cur[0]))) ids.insert(cur);
    cur.clear();
  };
  for (char c : args) {
    if (quote) {
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '\'') {
      flush();
      quote = c;
    } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$') {
      cur += c;
    } else {
      flush();
    }
  }
  flush();
  return ids;
}

bool validPeriod(const std::string& s) {
  static const std::regex kPeriod(R"(^(\d+[dDhHmMsS])+$)");
  return std::regex_match(s, kPeriod);
}

bool periodOrMillisPositive(const std::string& s) {
  static const std::regex kNum(R"(\d+)");
  if (std::regex_match(s, kNum)) return digitsAboveZero(s);
  static const std::regex kPart(R"((\d+)[dDhHmMsS])");
  for (std::sregex_iterator it(s.begin(), s.end(), kPart), end; it != end; ++it)
    if (digitsAboveZero((*it)[1])) return true;
  return false;
}

// Pinot reads the time as Long.parseLong millis or a period whose fields are ints (Joda's parser):
// a number beyond those ranges is as invalid as text.
bool timeFitsPinot(const std::string& s) {
  static const std::regex kNum(R"(-?\d+)");
  if (std::regex_match(s, kNum)) {
    try {
      (void)std::stoll(s);
      return true;
    } catch (const std::out_of_range&) {
      return false;
    }
  }
  static const std::regex kPart(R"((\d+)[dDhHmMsS])");
  for (std::sregex_iterator it(s.begin(), s.end(), kPart), end; it != end; ++it)
    if (!parseInt32((*it)[1])) return false;
  return true;
}

bool validDataSize(const std::string& s) {
  static const std::regex kSize(R"(^\d+(\.\d+)?\s*([kKmMgGtT][bB]?|[bB])?$)");
  return std::regex_match(s, kSize);
}

bool positiveNumber(const std::string& s) {
  static const std::regex kNum(R"(\d+(\.\d+)?)");
  std::smatch m;
  return std::regex_search(s, m, kNum) && digitsAboveZero(m[0]);
}

class TableChecker {
 public:
  TableChecker(const json& table, const std::map<std::string, json>& schemas, const PinotValidationOptions& options)
      : table_(table), schemas_(schemas), options_(options) {}

  std::vector<PinotIssue> run() {
    if (!table_.is_object()) {
      add(3, "table config must be a JSON object");
      return issues_;
    }
    checkNameAndShape();
    if (!rawName_.empty()) findSchema();
    checkSegmentsConfig();
    checkStreams();
    checkTransformsAndFilter();
    checkIndexes();
    checkAggregation();
    checkUpsertAndDedup();
    checkTenants();
    return issues_;
  }

 private:
  void add(int rule, std::string message) { issues_.push_back({rule, std::move(message)}); }
  bool known(const std::string& c) const { return columns_.count(c) > 0; }
  const Column* column(const std::string& c) const {
    auto it = columns_.find(c);
    return it == columns_.end() ? nullptr : &it->second;
  }

  void checkNameAndShape() {
    auto name = text(table_, "tableName");
    if (!name || name->empty()) {
      add(1, "'tableName' must be configured");
    } else if (name->find("__") != std::string::npos) {
      add(1, "'tableName' cannot contain double underscore ('__')");
    } else if (std::count(name->begin(), name->end(), '.') > 1 || hasWhitespace(*name)) {
      add(2, "'tableName' " + *name + " may contain at most one '.' and no whitespace");
    } else {
      rawName_ = *name;
      // A name given with its type suffix refers to the same raw table.
      for (const std::string suffix : {"_REALTIME", "_OFFLINE"})
        if (rawName_.size() > suffix.size() && rawName_.ends_with(suffix)) rawName_.resize(rawName_.size() - suffix.size());
    }
    for (const char* key : {"tableType", "segmentsConfig", "tenants", "tableIndexConfig"}) {
      if (!member(table_, key)) add(3, std::string("'") + key + "' must be configured");
    }
    if (auto type = text(table_, "tableType"); type && upper(*type) != "REALTIME")
      add(3, "'tableType' must be REALTIME for a stream-ingested table, got " + *type);
    upsertEnabled_ = false;
    if (const json* u = member(table_, "upsertConfig")) {
      upsertMode_ = upper(text(*u, "mode").value_or("FULL"));
      upsertEnabled_ = upsertMode_ != "NONE";
    }
    if (const json* d = member(table_, "dedupConfig")) dedupEnabled_ = truthy(*d, "dedupEnabled");
  }

  void findSchema() {
    auto it = schemas_.find(rawName_);
    if (it == schemas_.end()) {
      add(4, "Failed to find schema for table: " + rawName_ + "_REALTIME (schemaName must equal the raw table name)");
      return;
    }
    schema_ = &it->second;
    columns_ = columnsOf(*schema_);
  }

  void checkSegmentsConfig() {
    const json* seg = member(table_, "segmentsConfig");
    if (seg == nullptr) return;
    auto timeColumn = text(*seg, "timeColumnName");
    if (!timeColumn) {
      add(5, "'timeColumnName' cannot be null in REALTIME table config");
    } else if (schema_ != nullptr) {
      const Column* c = column(*timeColumn);
      if (c == nullptr || (c->fieldType != "DATE_TIME" && c->fieldType != "TIME"))
        add(6, "Cannot find valid fieldSpec for timeColumn: " + *timeColumn + " from the table config, in the schema");
      else
        timeColumn_ = *timeColumn;
    }
    auto unit = text(*seg, "retentionTimeUnit");
    auto value = text(*seg, "retentionTimeValue");
    if (unit && !kTimeUnits.count(upper(*unit))) add(7, "invalid retention time unit: " + *unit);
    if (unit.has_value() != value.has_value()) add(7, "retentionTimeUnit and retentionTimeValue must be set together");
    if (value && !isPositiveInt(*value)) add(7, "retentionTimeValue must be a positive integer, got " + *value);

    // replicasPerPartition (deprecated realtime form) wins over replication when both are present.
    auto replicas = text(*seg, "replicasPerPartition");
    if (!replicas) replicas = text(*seg, "replication");
    if (!replicas) {
      add(24, "'replication' must be set (creation fails parsing a null replication)");
    } else if (!isPositiveInt(*replicas)) {
      add(24, "'replication' must be a positive integer, got " + *replicas);
    } else {
      replication_ = *parseInt32(*replicas);
    }
    if (auto scheme = text(*seg, "peerSegmentDownloadScheme")) {
      if (lower(*scheme) != "http" && lower(*scheme) != "https")
        add(8, "peerSegmentDownloadScheme must be http or https, got " + *scheme);
      else if (replication_ < 2)
        add(8, "peerSegmentDownloadScheme needs replication of at least 2");
    }
  }

  void checkStreams() {
    const json* legacy = nullptr;
    if (const json* idx = member(table_, "tableIndexConfig")) legacy = member(*idx, "streamConfigs");
    bool legacyUsed = legacy != nullptr && legacy->is_object() && !legacy->empty();
    const json* streamIngestion = nullptr;
    if (const json* ing = member(table_, "ingestionConfig")) streamIngestion = member(*ing, "streamIngestionConfig");

    std::vector<const json*> maps;
    if (streamIngestion != nullptr) {
      if (legacyUsed) {
        add(10, "Should not use indexingConfig#getStreamConfigs if ingestionConfig#StreamIngestionConfig is provided");
        return;
      }
      const json* list = member(*streamIngestion, "streamConfigMaps");
      if (list == nullptr || !list->is_array() || list->empty()) {
        add(9, "Must have at least 1 stream in REALTIME table");
        return;
      }
      for (const auto& m : *list) maps.push_back(&m);
      pauseless_ = truthy(*streamIngestion, "pauselessConsumptionEnabled");
    } else if (legacyUsed) {
      maps.push_back(legacy);
    } else {
      add(9, "Cannot find streamConfigs for table: " + rawName_ + "_REALTIME");
      return;
    }
    streamCount_ = maps.size();
    for (const json* m : maps) checkStreamMap(*m);
    if (maps.size() > 1) checkMultipleStreams(maps);
  }

  void checkStreamMap(const json& m) {
    if (!m.is_object()) {
      add(11, "Could not create StreamConfig using the streamConfig map: not a JSON object");
      return;
    }
    const std::string wrap = "Could not create StreamConfig using the streamConfig map: ";
    auto type = text(m, "streamType");
    if (!type || type->empty()) {
      add(11, wrap + "streamType cannot be null");
      return;
    }
    const std::string prefix = "stream." + *type + ".";
    if (!text(m, prefix + "topic.name")) add(11, wrap + "Stream topic name " + prefix + "topic.name cannot be null");
    if (!text(m, prefix + "decoder.class.name"))
      add(11, wrap + "Must specify decoder class name " + prefix + "decoder.class.name");

    auto rows = text(m, "realtime.segment.flush.threshold.rows");
    if (!rows) rows = text(m, "realtime.segment.flush.threshold.size");  // legacy name of the same setting
    auto segmentRows = text(m, "realtime.segment.flush.threshold.segment.rows");
    auto segmentSize = text(m, "realtime.segment.flush.threshold.segment.size");
    auto time = text(m, "realtime.segment.flush.threshold.time");
    static const std::regex kInt(R"(-?\d+)");
    bool numbersOk = true;
    for (const auto& [value, label] : {std::pair{rows, "flush threshold rows"}, std::pair{segmentRows, "flush threshold segment rows"}}) {
      if (value && !parseInt32(*value)) {  // Pinot's Integer.parseInt
        add(12, wrap + "Invalid config " + label + ": " + *value);
        numbersOk = false;
      }
    }
    if (segmentSize && !validDataSize(*segmentSize)) {
      add(12, wrap + "Invalid config flush threshold segment size: " + *segmentSize);
      numbersOk = false;
    }
    if (time) {
      if ((!std::regex_match(*time, kInt) && !validPeriod(*time)) || !timeFitsPinot(*time)) {
        if (time->starts_with("-")) add(13, wrap + "Invalid flush threshold time: " + *time);
        else add(12, wrap + "Invalid config flush threshold time: " + *time);
      } else if (!periodOrMillisPositive(*time)) {
        add(13, wrap + "Invalid flush threshold time: " + *time);
      }
    }
    if (numbersOk) {
      int positive = 0;
      if (rows && *parseInt32(*rows) > 0) ++positive;
      if (segmentRows && *parseInt32(*segmentRows) > 0) ++positive;
      if (segmentSize && positiveNumber(*segmentSize)) ++positive;
      if (positive > 1)
        add(14, wrap + "Only 1 of flush threshold (rows: " + rows.value_or("null") + ", segment rows: " +
                    segmentRows.value_or("null") + ", segment size: " + segmentSize.value_or("null") + ") can be set");
    }
  }

  void checkMultipleStreams(const std::vector<const json*>& maps) {
    static const char* kFlushKeys[] = {"realtime.segment.flush.threshold.rows", "realtime.segment.flush.threshold.size",
                                       "realtime.segment.flush.threshold.segment.rows",
                                       "realtime.segment.flush.threshold.segment.size",
                                       "realtime.segment.flush.threshold.time"};
    const json& first = *maps.front();
    std::set<std::string> topics;
    for (const json* m : maps) {
      if (text(*m, "streamType") != text(first, "streamType")) add(15, "All streams must have the same stream type");
      for (const char* k : kFlushKeys)
        if (text(*m, k) != text(first, k)) {
          add(15, std::string("All streams must have the same flush settings (") + k + ")");
          break;
        }
      auto type = text(*m, "streamType").value_or("");
      auto topic = text(*m, "stream." + type + ".topic.name").value_or("");
      if (!topics.insert(topic).second) add(15, "Streams must consume distinct topics, '" + topic + "' is repeated");
    }
    if (upsertEnabled_ || dedupEnabled_) add(15, "Multiple stream configs are not supported with upsert or dedup");
    if (pauseless_) add(15, "Multiple stream configs are not supported with pauseless consumption");
  }

  void checkFunction(int rule, const std::string& what, const std::string& expr, const std::string* destination) {
    std::string name, args;
    if (lower(expr).starts_with("groovy")) {
      add(rule, what + " uses Groovy, which is disabled on the controller: " + expr);
      return;
    }
    if (!parseFunctionCall(expr, name, args)) {
      add(rule, "Invalid " + what + ": " + expr);
      return;
    }
    if (kNonImmutableFunctions.count(lower(name)))
      add(rule, what + " uses non-deterministic function " + name + "() in a REALTIME table");
    if (destination != nullptr && identifiersIn(args).count(*destination))
      add(rule, "Arguments of a transform function '" + expr + "' cannot contain the destination column '" + *destination + "'");
  }

  void checkTransformsAndFilter() {
    const json* ing = member(table_, "ingestionConfig");
    if (ing == nullptr) return;
    if (const json* transforms = member(*ing, "transformConfigs"); transforms != nullptr && transforms->is_array()) {
      std::set<std::string> consumed;  // columns read by some transform: they may be intermediate
      for (const auto& t : *transforms)
        if (auto fn = text(t, "transformFunction")) {
          std::string name, args;
          if (parseFunctionCall(*fn, name, args))
            for (const auto& id : identifiersIn(args)) consumed.insert(id);
        }
      std::set<std::string> destinations;
      for (const auto& t : *transforms) {
        auto col = text(t, "columnName");
        auto fn = text(t, "transformFunction");
        if (!col || !fn) {
          add(16, "columnName/transformFunction cannot be null in TransformConfig");
          continue;
        }
        if (!destinations.insert(*col).second) add(16, "Duplicate transform config found for column '" + *col + "'");
        if (schema_ != nullptr && !known(*col) && !consumed.count(*col))
          add(16, "The destination column '" + *col + "' of the transform function must be present in the schema");
        checkFunction(16, "transform function", *fn, &*col);
      }
    }
    if (const json* filter = member(*ing, "filterConfig")) {
      if (auto fn = text(*filter, "filterFunction")) checkFunction(17, "filter function", *fn, nullptr);
    }
  }

  void requireColumns(int rule, const json& obj, const std::string& key, bool singleValue) {
    for (const auto& c : stringList(obj, key)) {
      const Column* col = column(c);
      if (col == nullptr) add(rule, "Failed to find column: " + c + " in schema (" + key + ")");
      else if (singleValue && !col->singleValue) add(rule, key + " column " + c + " must be single-valued");
    }
  }

  void checkIndexes() {
    if (schema_ == nullptr) return;
    if (const json* idx = member(table_, "tableIndexConfig")) {
      for (const char* key : {"invertedIndexColumns", "noDictionaryColumns", "rangeIndexColumns", "bloomFilterColumns",
                              "onHeapDictionaryColumns", "varLengthDictionaryColumns", "jsonIndexColumns"})
        requireColumns(18, *idx, key, false);
      requireColumns(18, *idx, "sortedColumn", true);
      if (const json* part = member(*idx, "segmentPartitionConfig"))
        if (const json* map = member(*part, "columnPartitionMap"); map != nullptr && map->is_object())
          for (const auto& [c, _] : map->items()) {
            const Column* col = column(c);
            if (col == nullptr) add(18, "Failed to find partition column: " + c + " in schema");
            else if (!col->singleValue) add(18, "Partition column " + c + " must be single-valued");
          }
    }
    if (const json* fields = member(table_, "fieldConfigList"); fields != nullptr && fields->is_array()) {
      std::set<std::string> seen;
      for (const auto& f : *fields) {
        auto name = text(f, "name").value_or("");
        if (!seen.insert(name).second) add(18, "Duplicate fieldConfig for column: " + name);
        const Column* col = column(name);
        if (col == nullptr) {
          add(18, "Failed to find column: " + name + " in schema");
          continue;
        }
        auto types = stringList(f, "indexTypes");
        if (auto t = text(f, "indexType")) types.push_back(*t);
        if (const json* indexes = member(f, "indexes"); indexes != nullptr && indexes->is_object())
          for (const auto& [k, _] : indexes->items()) types.push_back(k);
        for (const auto& t : types)
          if (upper(t) == "TIMESTAMP" && (!col->singleValue || (col->dataType != "LONG" && col->dataType != "TIMESTAMP")))
            add(18, "TIMESTAMP index can only be applied to single-value LONG/TIMESTAMP column: " + name);
      }
    }
  }

  void checkAggregation() {
    const json* idx = member(table_, "tableIndexConfig");
    const json* ing = member(table_, "ingestionConfig");
    bool aggregateMetrics = idx != nullptr && truthy(*idx, "aggregateMetrics");
    const json* aggs = ing != nullptr ? member(*ing, "aggregationConfigs") : nullptr;
    bool ingestionAggregation = aggs != nullptr && aggs->is_array() && !aggs->empty();
    if (!aggregateMetrics && !ingestionAggregation) return;
    if (aggregateMetrics && ingestionAggregation)
      add(19, "aggregateMetrics cannot be set with AggregationConfig");
    if (upsertEnabled_ || dedupEnabled_) add(19, "Metrics aggregation cannot be enabled in the Upsert or Dedup table");
    if (schema_ == nullptr) return;
    std::set<std::string> noDictionary;
    if (idx != nullptr)
      for (const auto& c : stringList(*idx, "noDictionaryColumns")) noDictionary.insert(c);
    std::set<std::string> aggregated;
    if (ingestionAggregation)
      for (const auto& a : *aggs) aggregated.insert(text(a, "columnName").value_or(""));
    for (const auto& [name, col] : columns_) {
      if (col.fieldType != "METRIC") continue;
      if (!noDictionary.count(name)) add(19, "Aggregated metric column " + name + " must be a no-dictionary column");
      if (ingestionAggregation && !aggregated.count(name)) add(19, "Metric column " + name + " is not aggregated");
    }
  }

  void checkUpsertAndDedup() {
    if (!upsertEnabled_ && !dedupEnabled_) return;
    if (upsertEnabled_ && dedupEnabled_) add(20, "A table can have either Upsert or Dedup enabled, but not both");
    if (upsertEnabled_ && upsertMode_ != "FULL" && upsertMode_ != "PARTIAL")
      add(20, "Unknown upsert mode: " + upsertMode_ + " (FULL, PARTIAL or NONE)");
    std::vector<std::string> pk;
    if (schema_ != nullptr) {
      pk = stringList(*schema_, "primaryKeyColumns");
      if (pk.empty()) add(20, "Upsert/Dedup table must have primary key columns in the schema");
      for (const auto& c : pk) {
        const Column* col = column(c);
        if (col != nullptr && !col->singleValue) add(20, "Upsert/Dedup primary key columns must be single-valued: " + c);
      }
    }
    std::string selector;
    if (const json* routing = member(table_, "routing")) selector = lower(text(*routing, "instanceSelectorType").value_or(""));
    if (selector != "strictreplicagroup" && selector != "multistagereplicagroup")
      add(20, "Upsert/Dedup table must use strict replica-group (i.e. strictReplicaGroup) based routing");
    if (const json* tag = member(table_, "tagOverrideConfig"))
      if (text(*tag, "realtimeConsuming") || text(*tag, "realtimeCompleted"))
        add(20, "Upsert/Dedup table cannot use tenant tag override for realtime segments");
    for (const char* key : {"instanceAssignmentConfigMap", "instancePartitionsMap"})
      if (const json* m = member(table_, key); m != nullptr && m->is_object() && m->contains("COMPLETED"))
        add(20, "Upsert/Dedup table cannot use COMPLETED instance partitions");
    if (upsertEnabled_) checkUpsertDetails(pk);
  }

  void checkUpsertDetails(const std::vector<std::string>& pk) {
    const json& u = table_.at("upsertConfig");
    if (const json* tiers = member(table_, "tierConfigs"); tiers != nullptr && tiers->is_array() && !tiers->empty())
      add(21, "The upsert table cannot have multi-tiers");
    if (const json* idx = member(table_, "tableIndexConfig")) {
      const json* st = member(*idx, "starTreeIndexConfigs");
      if ((st != nullptr && st->is_array() && !st->empty()) || truthy(*idx, "enableDefaultStarTree"))
        add(21, "The upsert table cannot have star-tree index.");
    }
    auto comparison = stringList(u, "comparisonColumns");
    if (comparison.empty()) comparison = stringList(u, "comparisonColumn");
    if (schema_ == nullptr) return;
    for (const auto& c : comparison)
      if (!known(c)) add(21, "The comparison column does not exist on schema: " + c);
    auto deleteColumn = text(u, "deleteRecordColumn");
    if (deleteColumn) {
      const Column* col = column(*deleteColumn);
      if (col == nullptr || !col->singleValue ||
          (col->dataType != "BOOLEAN" && col->dataType != "STRING" && col->dataType != "INT" && col->dataType != "LONG"))
        add(21, "The delete record column must be a single-valued BOOLEAN, STRING, INT or LONG column: " + *deleteColumn);
    }
    if (auto ooo = text(u, "outOfOrderRecordColumn")) {
      const Column* col = column(*ooo);
      if (col == nullptr || col->dataType != "BOOLEAN" || !col->singleValue)
        add(21, "The outOfOrderRecordColumn must be a single-valued BOOLEAN column: " + *ooo);
      if (truthy(u, "dropOutOfOrderRecord")) add(21, "outOfOrderRecordColumn and dropOutOfOrderRecord cannot both be set");
    }
    if (auto mode = text(u, "consistencyMode"); mode && !std::set<std::string>{"NONE", "SYNC", "SNAPSHOT"}.count(upper(*mode)))
      add(21, "Unknown upsert consistencyMode: " + *mode);
    auto metadataTtl = text(u, "metadataTTL");
    if (metadataTtl && positiveNumber(*metadataTtl) && !metadataTtl->starts_with("-")) {
      std::vector<std::string> effective = comparison.empty() ? std::vector<std::string>{timeColumn_} : comparison;
      const Column* col = effective.size() == 1 ? column(effective.front()) : nullptr;
      if (col == nullptr || (!kNumericTypes.count(col->dataType) && col->dataType != "TIMESTAMP"))
        add(21, "metadataTTL requires a single numeric comparison (or time) column");
      bool snapshotDisabled = upper(text(u, "snapshot").value_or("")) == "DISABLE" ||
                              (member(u, "enableSnapshot") && !truthy(u, "enableSnapshot"));
      if (snapshotDisabled) add(21, "metadataTTL requires upsert snapshots, which are disabled");
    }
    auto deletedTtl = text(u, "deletedKeysTTL");
    if (deletedTtl && positiveNumber(*deletedTtl) && !deletedTtl->starts_with("-") && !deleteColumn)
      add(21, "deletedKeysTTL requires deleteRecordColumn");
    if (upsertMode_ == "PARTIAL") checkPartialUpsert(u, pk, comparison);
  }

  void checkPartialUpsert(const json& u, const std::vector<std::string>& pk, const std::vector<std::string>& comparison) {
    bool nullHandling = (member(table_, "tableIndexConfig") && truthy(table_.at("tableIndexConfig"), "nullHandlingEnabled")) ||
                        truthy(*schema_, "enableColumnBasedNullHandling");
    if (!nullHandling) add(22, "Null handling must be enabled for partial upsert tables");
    const json* strategies = member(u, "partialUpsertStrategies");
    if (strategies != nullptr && strategies->is_object() && !strategies->empty() && text(u, "partialUpsertMergerClass"))
      add(22, "partialUpsertMergerClass cannot be set together with partialUpsertStrategies");
    if (strategies == nullptr || !strategies->is_object()) return;
    for (const auto& [c, s] : strategies->items()) {
      std::string strategy = upper(s.is_string() ? s.get<std::string>() : s.dump());
      if (!kPartialStrategies.count(strategy)) add(22, "Unknown partial upsert strategy " + strategy + " for column " + c);
      if (std::find(pk.begin(), pk.end(), c) != pk.end()) add(22, "Merger cannot be applied to primary key column: " + c);
      if (std::find(comparison.begin(), comparison.end(), c) != comparison.end())
        add(22, "Merger cannot be applied to comparison column: " + c);
      if (c == timeColumn_) add(22, "Merger cannot be applied to time column: " + c);
      const Column* col = column(c);
      if (col == nullptr) {
        add(22, "Partial upsert strategy on unknown column: " + c);
        continue;
      }
      if (strategy == "INCREMENT" && (!kNumericTypes.count(col->dataType) || col->fieldType == "DATE_TIME"))
        add(22, "INCREMENT merger cannot be applied to non-numeric or date-time column: " + c);
      if ((strategy == "APPEND" || strategy == "UNION") && col->singleValue)
        add(22, strategy + " merger cannot be applied to single-value column: " + c);
    }
  }

  void checkTenants() {
    const json* tenants = member(table_, "tenants");
    if (tenants == nullptr) return;
    if (!tenants->is_object()) {
      add(23, "'tenants' must be a JSON object");
      return;
    }
    for (const char* key : {"broker", "server"})
      if (auto t = text(*tenants, key); t && !options_.knownTenants.count(*t))
        add(23, std::string("Unknown ") + key + " tenant: " + *t);
  }

  const json& table_;
  const std::map<std::string, json>& schemas_;
  const PinotValidationOptions& options_;
  std::vector<PinotIssue> issues_;
  std::string rawName_;
  const json* schema_ = nullptr;
  std::map<std::string, Column> columns_;
  std::string timeColumn_;
  int replication_ = 0;
  bool upsertEnabled_ = false;
  bool dedupEnabled_ = false;
  std::string upsertMode_;
  bool pauseless_ = false;
  std::size_t streamCount_ = 0;
};

}  // namespace

bool isValidPinotDateTimeFormat(const std::string& format, std::string* why) {
  auto fail = [&](const std::string& m) {
    if (why) *why = m;
    return false;
  };
  if (format.empty()) return fail("format is empty");
  if (format.find('|') != std::string::npos || format.find(':') == std::string::npos) {
    auto parts = split(format, '|');
    const std::string kind = upper(parts[0]);
    if (kind == "EPOCH") {
      if (parts.size() < 2 || parts.size() > 3 || !kTimeUnits.count(upper(parts[1])))
        return fail("EPOCH format needs EPOCH|<TIME_UNIT>[|size]: " + format);
      if (parts.size() == 3 && !isPositiveInt(parts[2])) return fail("EPOCH size must be a positive integer: " + format);
      return true;
    }
    if (kind == "TIMESTAMP") return parts.size() == 1 ? true : fail("TIMESTAMP format takes no arguments: " + format);
    if (kind == "SIMPLE_DATE_FORMAT") {
      if (parts.size() < 2 || parts.size() > 3) return fail("SIMPLE_DATE_FORMAT needs SIMPLE_DATE_FORMAT|<pattern>[|tz]: " + format);
      return validSimpleDateFormat(parts[1], why);
    }
    return fail("unknown time format: " + format);
  }
  // Colon style: size:TIMEUNIT:EPOCH|TIMESTAMP|SIMPLE_DATE_FORMAT[:pattern]; the pattern may hold colons.
  auto parts = split(format, ':');
  if (parts.size() < 3) return fail("format must be size:TIME_UNIT:TIME_FORMAT[:pattern]: " + format);
  if (!isPositiveInt(parts[0])) return fail("format size must be a positive integer: " + format);
  if (!kTimeUnits.count(upper(parts[1]))) return fail("unknown time unit '" + parts[1] + "' in format " + format);
  const std::string kind = upper(parts[2]);
  if (kind == "EPOCH" || kind == "TIMESTAMP") return parts.size() == 3 ? true : fail("unexpected pattern in format: " + format);
  if (kind == "SIMPLE_DATE_FORMAT") {
    std::string::size_type pos = 0;
    for (int i = 0; i < 3; ++i) pos = format.find(':', pos) + 1;
    return parts.size() > 3 ? validSimpleDateFormat(format.substr(pos), why) : fail("SIMPLE_DATE_FORMAT needs a pattern: " + format);
  }
  return fail("unknown time format '" + parts[2] + "' in " + format);
}

bool isValidPinotGranularity(const std::string& granularity, std::string* why) {
  auto fail = [&](const std::string& m) {
    if (why) *why = m;
    return false;
  };
  std::vector<std::string> parts;
  std::string size, unit;
  if (granularity.find('|') != std::string::npos) {
    parts = split(granularity, '|');
    if (parts.size() != 2) return fail("granularity must be TIME_UNIT|size: " + granularity);
    unit = parts[0];
    size = parts[1];
  } else {
    parts = split(granularity, ':');
    if (parts.size() != 2) return fail("granularity must be size:TIME_UNIT: " + granularity);
    size = parts[0];
    unit = parts[1];
  }
  if (!isPositiveInt(size)) return fail("granularity size must be a positive integer: " + granularity);
  if (!kTimeUnits.count(upper(unit))) return fail("unknown time unit in granularity: " + granularity);
  return true;
}

std::vector<PinotIssue> validatePinotSchema(const nlohmann::json& schema) {
  std::vector<PinotIssue> issues;
  auto add = [&](std::string m) { issues.push_back({0, std::move(m)}); };
  if (!schema.is_object()) {
    add("Invalid schema config json string: not a JSON object");
    return issues;
  }
  auto name = text(schema, "schemaName");
  if (!name || name->empty()) add("Invalid schema. Reason: 'schemaName' is null or empty");
  else if (name->find("__") != std::string::npos) add("Invalid schema. Reason: 'schemaName' cannot contain double underscore ('__')");
  if (member(schema, "timeFieldSpec"))
    add("TimeFieldSpec (fieldType=TIME) is deprecated; use DateTimeFieldSpec (dateTimeFieldSpecs) instead");

  std::set<std::string> seen;
  const std::pair<const char*, const std::set<std::string>*> kinds[] = {
      {"dimensionFieldSpecs", &kDimensionTypes}, {"metricFieldSpecs", &kMetricTypes}, {"dateTimeFieldSpecs", &kDimensionTypes}};
  for (const auto& [key, allowed] : kinds) {
    const json* specs = member(schema, key);
    if (specs == nullptr) continue;
    if (!specs->is_array()) {
      add(std::string(key) + " must be a JSON array");
      continue;
    }
    const std::string kind = std::string(key) == "metricFieldSpecs" ? "METRIC" : std::string(key) == "dateTimeFieldSpecs" ? "DATE_TIME" : "DIMENSION";
    for (const auto& f : *specs) {
      auto col = text(f, "name");
      if (!col || col->empty()) {
        add("Field spec in " + std::string(key) + " has no name");
        continue;
      }
      if (!seen.insert(*col).second) add("Field spec already exists for column: " + *col);
      if (hasWhitespace(*col)) add("Column name cannot contain whitespace: '" + *col + "'");
      if (col->starts_with("$")) add("Column name is reserved for virtual columns: " + *col);
      std::string type = upper(text(f, "dataType").value_or(""));
      if (!allowed->count(type)) add("Unsupported data type: " + type + " in " + kind + " field " + *col);
      bool single = !member(f, "singleValueField") || truthy(f, "singleValueField");
      if (!single && type == "JSON") add("JSON column " + *col + " cannot be multi-valued");
      if (!single && kind == "DATE_TIME") add("DATE_TIME column " + *col + " must be single-valued");
      if (const json* d = member(f, "defaultNullValue"); d != nullptr && (type == "FLOAT" || type == "DOUBLE")) {
        bool nan = (d->is_string() && lower(d->get<std::string>()) == "nan") || (d->is_number_float() && std::isnan(d->get<double>()));
        if (nan) add("Default null value of " + *col + " cannot be NaN");
      }
      if (kind == "DATE_TIME") {
        std::string why;
        auto format = text(f, "format");
        auto granularity = text(f, "granularity");
        if (!format) add("DATE_TIME column " + *col + " needs a format");
        else if (!isValidPinotDateTimeFormat(*format, &why)) add("Invalid format of " + *col + ": " + why);
        if (!granularity) add("DATE_TIME column " + *col + " needs a granularity");
        else if (!isValidPinotGranularity(*granularity, &why)) add("Invalid granularity of " + *col + ": " + why);
      }
      if (text(f, "transformFunction")) {
        // A schema transform reading another schema transform's output is refused.
        std::string fname, args;
        if (parseFunctionCall(*text(f, "transformFunction"), fname, args))
          for (const auto& other : *specs)
            if (auto on = text(other, "name"); on && *on != *col && text(other, "transformFunction") && identifiersIn(args).count(*on))
              add("Chained schema transform functions are not supported: " + *col + " reads " + *on);
      }
    }
  }
  for (const auto& pk : stringList(schema, "primaryKeyColumns"))
    if (!seen.count(pk)) add("The primary key column must exist: " + pk);
  return issues;
}

std::vector<PinotIssue> validatePinotTable(const nlohmann::json& table, const std::map<std::string, nlohmann::json>& schemasByName,
                                           const PinotValidationOptions& options) {
  return TableChecker(table, schemasByName, options).run();
}

}  // namespace sluice
