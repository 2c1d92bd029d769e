#pragma once
// Shared plumbing for the SMT plugins: Key/Value variants over one operation, and emitting a copy of
// a record with its key, value or topic replaced.
#include <sluice/plugin.hpp>

#include <optional>
#include <string>

#include "json_codec.hpp"

namespace sluice::smt {

inline constexpr const char* kSmtVersion = "1.0.0";

// Connect's message for a missing required key.
inline std::string requiredString(const Config& config, const std::string& key) {
  std::string v = config.getString(key);
  if (!config.has(key)) throw ConfigError("Missing required configuration \"" + key + "\" which has no default value.");
  return v;
}

inline std::vector<std::string> requiredNonEmptyList(const Config& config, const std::string& key) {
  if (!config.has(key)) throw ConfigError("Missing required configuration \"" + key + "\" which has no default value.");
  auto list = config.getList(key);
  if (list.empty()) throw ConfigError("Invalid value [] for configuration " + key + ": Empty list");
  return list;
}

// One header owned by a transform until emit copies it. value nullopt is a null header value.
struct OwnedHeader {
  std::string key;
  std::optional<std::string> value;
};

// The record's headers as owned copies, in order.
inline std::vector<OwnedHeader> copyHeaders(const sluice_record& in) {
  std::vector<OwnedHeader> out;
  for (size_t i = 0; i < in.header_count; ++i) {
    const sluice_header& h = in.headers[i];
    out.push_back({std::string(view(h.key)), h.value.data ? std::optional<std::string>(std::string(view(h.value))) : std::nullopt});
  }
  return out;
}

// What a transform changes in a record; unset members are copied from the input.
struct Change {
  std::optional<Json> key;
  std::optional<Json> value;
  std::optional<std::string> topic;
  std::optional<std::vector<OwnedHeader>> headers;
};

inline void emitChanged(const sluice_record& in, const Change& change, Batch& out) {
  sluice_record rec = in;
  Encoded key, value;
  if (change.key) {
    key = encode(*change.key);
    rec.key = key.isNull ? kNullBytes : bytes(key.text);
  }
  if (change.value) {
    value = encode(*change.value);
    rec.value = value.isNull ? kNullBytes : bytes(value.text);
  }
  if (change.topic) rec.topic = bytes(*change.topic);
  std::vector<sluice_header> headers;
  if (change.headers) {
    for (const auto& h : *change.headers) headers.push_back({bytes(h.key), h.value ? bytes(*h.value) : kNullBytes});
    rec.headers = headers.empty() ? nullptr : headers.data();
    rec.header_count = headers.size();
  }
  out.emit(rec);
}

// Op provides: kKeyName, kValueName, kKeyAliases, kValueAliases, kDescription, kConfig, a constructor
// from Config, and `std::optional<Json> apply(const Json& operand, const sluice_record& rec)`, where
// nullopt passes the record through unchanged.
template <class Op, bool IsKey>
class KeyValueSmt : public Transform {
 public:
  static constexpr const char* kName = IsKey ? Op::kKeyName : Op::kValueName;
  static constexpr const char* const* kAliases = IsKey ? Op::kKeyAliases : Op::kValueAliases;
  static constexpr const char* kVersion = kSmtVersion;
  static constexpr const char* kDescription = IsKey ? Op::kKeyDescription : Op::kValueDescription;
  static constexpr auto& kConfig = Op::kConfig;

  KeyValueSmt(const Config& config, Context&) : op_(config) {}

  void apply(const sluice_record& in, Batch& out) override {
    Json operand = decode(IsKey ? in.key : in.value);
    std::optional<Json> result = op_.apply(operand, in);
    if (!result) {
      out.emit(in);
      return;
    }
    Change change;
    (IsKey ? change.key : change.value) = std::move(*result);
    emitChanged(in, change, out);
  }

 private:
  Op op_;
};

}  // namespace sluice::smt
