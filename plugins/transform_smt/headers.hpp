#pragma once
// The header SMTs: InsertHeader (a literal), DropHeaders (by name), HeaderFrom$Key/$Value (fields
// copied or moved into headers). Header values are written as the header converter would: a string
// as its text, anything else as JSON.
#include <set>

#include "smt_base.hpp"

namespace sluice::smt {

class InsertHeader : public Transform {
 public:
  static constexpr const char* kName = "insert-header";
  static constexpr const char* kVersion = kSmtVersion;
  static constexpr const char* kDescription = "Adds a header with a literal value to every record (Connect's InsertHeader).";
  static constexpr const char* kAliases[] = {"org.apache.kafka.connect.transforms.InsertHeader", "InsertHeader", nullptr};
  static constexpr sluice_config_def kConfig[] = {
      {"header", SLUICE_CFG_STRING, SLUICE_CFG_REQUIRED, nullptr, SLUICE_IMPORTANCE_HIGH, -1, "The name of the header.", nullptr, nullptr},
      {"value.literal", SLUICE_CFG_STRING, SLUICE_CFG_REQUIRED, nullptr, SLUICE_IMPORTANCE_HIGH, -1,
       "The literal value that is to be set as the header value on all records.", nullptr, nullptr},
  };

  InsertHeader(const Config& config, Context&) : header_(requiredString(config, "header")), literal_(requiredString(config, "value.literal")) {}

  void apply(const sluice_record& in, Batch& out) override {
    Change change;
    change.headers = copyHeaders(in);
    change.headers->push_back({header_, literal_});
    emitChanged(in, change, out);
  }

 private:
  std::string header_, literal_;
};

class DropHeaders : public Transform {
 public:
  static constexpr const char* kName = "drop-headers";
  static constexpr const char* kVersion = kSmtVersion;
  static constexpr const char* kDescription = "Removes every header with one of the given names (Connect's DropHeaders).";
  static constexpr const char* kAliases[] = {"org.apache.kafka.connect.transforms.DropHeaders", "DropHeaders", nullptr};
  static constexpr sluice_config_def kConfig[] = {
      {"headers", SLUICE_CFG_LIST, SLUICE_CFG_REQUIRED, nullptr, SLUICE_IMPORTANCE_HIGH, -1, "The name of the headers to be removed.", nullptr, nullptr},
  };

  DropHeaders(const Config& config, Context&) {
    for (const auto& h : requiredNonEmptyList(config, "headers")) names_.insert(h);
  }

  void apply(const sluice_record& in, Batch& out) override {
    Change change;
    change.headers.emplace();
    for (auto& h : copyHeaders(in))
      if (!names_.count(h.key)) change.headers->push_back(std::move(h));
    emitChanged(in, change, out);
  }

 private:
  std::set<std::string> names_;
};

class HeaderFromOp {
 public:
  static constexpr const char* kKeyName = "header-from-key";
  static constexpr const char* kValueName = "header-from-value";
  static constexpr const char* kKeyAliases[] = {"org.apache.kafka.connect.transforms.HeaderFrom$Key", "HeaderFrom$Key", nullptr};
  static constexpr const char* kValueAliases[] = {"org.apache.kafka.connect.transforms.HeaderFrom$Value", "HeaderFrom$Value", nullptr};
  static constexpr const char* kKeyDescription = "Copies or moves fields of the key into headers (Connect's HeaderFrom$Key).";
  static constexpr const char* kValueDescription = "Copies or moves fields of the value into headers (Connect's HeaderFrom$Value).";
  static constexpr sluice_config_def kConfig[] = {
      {"fields", SLUICE_CFG_LIST, SLUICE_CFG_REQUIRED, nullptr, SLUICE_IMPORTANCE_HIGH, -1,
       "Field names in the record whose values are to be copied or moved to headers.", nullptr, nullptr},
      {"headers", SLUICE_CFG_LIST, SLUICE_CFG_REQUIRED, nullptr, SLUICE_IMPORTANCE_HIGH, -1,
       "Header names, in the same order as the field names listed in the fields configuration property.", nullptr, nullptr},
      {"operation", SLUICE_CFG_STRING, SLUICE_CFG_REQUIRED, nullptr, SLUICE_IMPORTANCE_HIGH, -1,
       "Either move if the fields are to be moved to the headers (removed from the key/value), or copy if the fields are to be copied to the headers (retained in the key/value).",
       "move,copy", nullptr},
      {"replace.null.with.default", SLUICE_CFG_BOOLEAN, 0, "true", SLUICE_IMPORTANCE_MEDIUM, -1,
       "Whether to replace fields that have a default value and that are null to the default value (schema-based records only).", nullptr, nullptr},
  };

  explicit HeaderFromOp(const Config& config)
      : fields_(requiredNonEmptyList(config, "fields")), headers_(requiredNonEmptyList(config, "headers")) {
    if (fields_.size() != headers_.size())
      throw ConfigError("Invalid value " + config.getString("fields") +
                        " for configuration fields: 'fields' config must have the same number of elements as 'headers' config.");
    std::string op = requiredString(config, "operation");
    if (op != "move" && op != "copy")
      throw ConfigError("Invalid value " + op + " for configuration operation: String must be one of: move, copy");
    move_ = op == "move";
  }

  // Not a KeyValueSmt operation: it changes headers as well as the operand.
  Change apply(const Json& operand, const sluice_record& in) const {
    Change change;
    if (operand.is_null()) return change;
    const Json& map = requireMap(operand, move_ ? "header move" : "header copy");
    change.headers = copyHeaders(in);
    Json updated = map;
    for (size_t i = 0; i < fields_.size(); ++i) {
      auto it = map.find(fields_[i]);
      Encoded e = encode(it == map.end() ? Json(nullptr) : *it);
      change.headers->push_back({headers_[i], e.isNull ? std::nullopt : std::optional<std::string>(std::move(e.text))});
      if (move_) updated.erase(fields_[i]);
    }
    if (move_) change.value = std::move(updated);  // the caller moves it to the key for HeaderFrom$Key
    return change;
  }

 private:
  std::vector<std::string> fields_, headers_;
  bool move_ = false;
};

template <bool IsKey>
class HeaderFrom : public Transform {
 public:
  static constexpr const char* kName = IsKey ? HeaderFromOp::kKeyName : HeaderFromOp::kValueName;
  static constexpr const char* const* kAliases = IsKey ? HeaderFromOp::kKeyAliases : HeaderFromOp::kValueAliases;
  static constexpr const char* kVersion = kSmtVersion;
  static constexpr const char* kDescription = IsKey ? HeaderFromOp::kKeyDescription : HeaderFromOp::kValueDescription;
  static constexpr auto& kConfig = HeaderFromOp::kConfig;

  HeaderFrom(const Config& config, Context&) : op_(config) {}

  void apply(const sluice_record& in, Batch& out) override {
    Change change = op_.apply(decode(IsKey ? in.key : in.value), in);
    if (IsKey && change.value) {
      change.key = std::move(change.value);
      change.value.reset();
    }
    emitChanged(in, change, out);
  }

 private:
  HeaderFromOp op_;
};

using HeaderFromKey = HeaderFrom<true>;
using HeaderFromValue = HeaderFrom<false>;

}  // namespace sluice::smt
