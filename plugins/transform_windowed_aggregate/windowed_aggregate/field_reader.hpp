#pragma once
// FieldReader: pulls a few top-level fields out of a JSON object with simdjson On-Demand, without a
// DOM and without allocating once its buffers have grown to the largest record seen.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::windowed {

struct FieldValue {
  enum class Kind : uint8_t { Missing, String, Number, Bool, Null, Other };
  Kind kind = Kind::Missing;
  // String: the unescaped content; Number/Bool/Null: the JSON token. Valid until the next read().
  std::string_view text;
};

// A parsed JSON number: integral when it fits an int64, else a double.
struct Number {
  bool isInt = true;
  int64_t i = 0;
  double d = 0;
  double asDouble() const { return isInt ? static_cast<double>(i) : d; }
};
// Parses a JSON number token (or a numeric string); false when text is not a number.
bool parseNumber(std::string_view text, Number& out);

class FieldReader {
 public:
  // names: the distinct top-level fields to extract, in the order values() reports them.
  explicit FieldReader(std::vector<std::string> names);
  ~FieldReader();
  FieldReader(FieldReader&&) noexcept;
  FieldReader& operator=(FieldReader&&) noexcept;

  // Reads json; false (with a reason in error) when it is not a well-formed JSON object.
  bool read(std::string_view json, std::string& error);
  const FieldValue& value(size_t index) const { return values_[index]; }
  size_t size() const { return names_.size(); }
  // Index of name among the names given to the constructor, or -1.
  int indexOf(std::string_view name) const;

 private:
  std::vector<std::string> names_;
  std::vector<FieldValue> values_;
  std::string buffer_;  // the record copied with simdjson's padding
  // simdjson stays out of this header: its kernel is chosen per translation unit (compile flags),
  // and every TU must agree on this class's layout.
  struct Parser;
  std::unique_ptr<Parser> parser_;
};

}  // namespace sluice::windowed
