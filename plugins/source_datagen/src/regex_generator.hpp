#pragma once
// RegexGenerator: produces strings matching a regular expression, as avro-random-generator does with
// Generex for `arg.properties.regex`. Supported: literals, escapes (\d \w \s and escaped punctuation),
// classes ([a-z0-9_], negated [^...]), '.', groups (...) and (?:...), alternation '|', quantifiers
// ? * + {n} {n,} {n,m}, and a leading '^' / trailing '$'. Anything else (back-references,
// look-arounds, \b...) is rejected at construction with a message naming the construct.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "java_random.hpp"

namespace sluice::datagen {

class RegexGenerator {
 public:
  // Throws std::invalid_argument when the pattern uses syntax outside the subset above.
  explicit RegexGenerator(std::string_view pattern);

  // Appends one full match. Like Generex, optional parts are taken while the text is shorter than
  // minLen, and unbounded parts stop at random once it is at least minLen, never past maxLen unless
  // the pattern itself demands more.
  void generate(JavaRandom& rng, size_t minLen, size_t maxLen, std::string& out) const;

  const std::string& pattern() const { return pattern_; }

 private:
  static constexpr size_t kUnbounded = SIZE_MAX;
  enum class Kind { Chars, Seq, Alt, Repeat };
  struct Node {
    Kind kind = Kind::Seq;
    std::string chars;          // Chars: the allowed characters
    std::vector<int> children;  // Seq / Alt / Repeat (one child)
    size_t min = 0, max = 0;    // Repeat bounds (max may be kUnbounded)
    size_t minLen = 0, maxLen = 0;
  };
  struct Walk {
    JavaRandom& rng;
    size_t minLen, maxLen;
    std::string& out;
    size_t start;
    size_t len() const { return out.size() - start; }
  };

  int parseAlt();
  int parseSeq();
  int parseAtom();
  int parseClass();
  int parseEscape(bool inClass, std::string* classChars);
  int addChars(std::string chars);
  [[noreturn]] void fail(const std::string& why) const;
  void measure(int id);
  void emit(int id, size_t restMin, Walk& w) const;

  std::string pattern_;
  size_t pos_ = 0;
  std::vector<Node> nodes_;
  int root_ = -1;
};

}  // namespace sluice::datagen
