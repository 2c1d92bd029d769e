#pragma once
// A subset of Java's SimpleDateFormat, always in UTC (TimestampRouter sets UTC), enough for topic
// names: y M d H k K h m s S E a D, quoted 'literals', and every non-letter copied as is.
#include <cstdint>
#include <string>
#include <vector>

namespace sluice::smt {

class SimpleDateFormat {
 public:
  // Throws std::invalid_argument naming the unsupported letter or the unterminated quote.
  explicit SimpleDateFormat(const std::string& pattern);
  std::string format(int64_t epochMillis) const;

 private:
  struct Token {
    char letter = 0;  // 0 means literal text
    int count = 0;
    std::string literal;
  };
  std::vector<Token> tokens_;
};

}  // namespace sluice::smt
