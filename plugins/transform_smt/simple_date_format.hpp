#pragma once
// A subset of Java's SimpleDateFormat, always in UTC (TimestampRouter and TimestampConverter set
// UTC): y M L d D H k K h m s S E a, quoted 'literals', and every non-letter copied as is.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sluice_common/java_date_pattern.hpp>

namespace sluice::smt {

class SimpleDateFormat {
 public:
  // Throws std::invalid_argument naming the unsupported letter or the unterminated quote.
  explicit SimpleDateFormat(const std::string& pattern);
  std::string format(int64_t epochMillis) const;
  // DateFormat.parse: reads from the start (trailing text is ignored, as Java does), UTC. Numeric
  // fields followed directly by another numeric field take exactly their width ("yyyyMMdd").
  // nullopt when the text does not match.
  std::optional<int64_t> parse(std::string_view text) const;

 private:
  using Token = common::DatePatternToken;
  std::vector<Token> tokens_;
};

}  // namespace sluice::smt
