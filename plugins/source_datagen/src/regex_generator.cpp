#include "regex_generator.hpp"

#include <algorithm>
#include <stdexcept>

namespace sluice::datagen {

namespace {
std::string range(char from, char to) {
  std::string s;
  for (int c = from; c <= to; ++c) s += static_cast<char>(c);
  return s;
}
const std::string& printable() {
  static const std::string s = range(' ', '~');
  return s;
}
std::string sortedUnique(std::string s) {
  std::sort(s.begin(), s.end());
  s.erase(std::unique(s.begin(), s.end()), s.end());
  return s;
}
size_t addLen(size_t a, size_t b) { return (a == SIZE_MAX || b == SIZE_MAX) ? SIZE_MAX : a + b; }
size_t mulLen(size_t a, size_t n) {
  if (n == 0 || a == 0) return 0;
  return (a == SIZE_MAX || n == SIZE_MAX) ? SIZE_MAX : a * n;
}
}  // namespace

RegexGenerator::RegexGenerator(std::string_view pattern) : pattern_(pattern) {
  if (!pattern_.empty() && pattern_[0] == '^') pos_ = 1;  // anchors are implicit: the whole text matches
  root_ = parseAlt();
  if (pos_ < pattern_.size() && pattern_[pos_] == '$' && pos_ + 1 == pattern_.size()) ++pos_;
  if (pos_ != pattern_.size()) fail(pattern_[pos_] == ')' ? "unbalanced ')'" : "unexpected '" + std::string(1, pattern_[pos_]) + "'");
  measure(root_);
}

void RegexGenerator::fail(const std::string& why) const {
  throw std::invalid_argument("Unsupported regex '" + pattern_ + "' at position " + std::to_string(pos_) + ": " + why);
}

int RegexGenerator::addChars(std::string chars) {
  if (chars.empty()) fail("empty character class");
  Node n;
  n.kind = Kind::Chars;
  n.chars = std::move(chars);
  nodes_.push_back(std::move(n));
  return static_cast<int>(nodes_.size() - 1);
}

int RegexGenerator::parseAlt() {
  std::vector<int> branches{parseSeq()};
  while (pos_ < pattern_.size() && pattern_[pos_] == '|') {
    ++pos_;
    branches.push_back(parseSeq());
  }
  if (branches.size() == 1) return branches[0];
  Node n;
  n.kind = Kind::Alt;
  n.children = std::move(branches);
  nodes_.push_back(std::move(n));
  return static_cast<int>(nodes_.size() - 1);
}

int RegexGenerator::parseSeq() {
  std::vector<int> items;
  while (pos_ < pattern_.size()) {
    char c = pattern_[pos_];
    if (c == '|' || c == ')') break;
    if (c == '$' && pos_ + 1 == pattern_.size()) break;
    int atom = parseAtom();
    // Quantifiers (possibly several, e.g. a{2}? is read as an optional a{2}).
    while (pos_ < pattern_.size()) {
      char q = pattern_[pos_];
      size_t lo = 0, hi = 0;
      if (q == '?') {
        lo = 0, hi = 1, ++pos_;
      } else if (q == '*') {
        lo = 0, hi = kUnbounded, ++pos_;
      } else if (q == '+') {
        lo = 1, hi = kUnbounded, ++pos_;
      } else if (q == '{') {
        size_t close = pattern_.find('}', pos_);
        if (close == std::string::npos) fail("unterminated '{'");
        std::string body = pattern_.substr(pos_ + 1, close - pos_ - 1);
        size_t comma = body.find(',');
        auto num = [&](const std::string& s) -> size_t {
          if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos || s.size() > 6) fail("bad repetition {" + body + "}");
          return static_cast<size_t>(std::stoul(s));
        };
        if (comma == std::string::npos) {
          lo = hi = num(body);
        } else {
          lo = num(body.substr(0, comma));
          std::string rest = body.substr(comma + 1);
          hi = rest.empty() ? kUnbounded : num(rest);
        }
        if (hi < lo) fail("repetition {" + body + "} has max < min");
        pos_ = close + 1;
      } else {
        break;
      }
      Node n;
      n.kind = Kind::Repeat;
      n.children = {atom};
      n.min = lo;
      n.max = hi;
      nodes_.push_back(std::move(n));
      atom = static_cast<int>(nodes_.size() - 1);
    }
    items.push_back(atom);
  }
  if (items.size() == 1) return items[0];
  Node n;
  n.kind = Kind::Seq;
  n.children = std::move(items);
  nodes_.push_back(std::move(n));
  return static_cast<int>(nodes_.size() - 1);
}

int RegexGenerator::parseAtom() {
  char c = pattern_[pos_];
  switch (c) {
    case '(': {
      ++pos_;
      if (pos_ < pattern_.size() && pattern_[pos_] == '?') {
        if (pos_ + 1 < pattern_.size() && pattern_[pos_ + 1] == ':') {
          pos_ += 2;
        } else {
          fail("look-around and inline flags are not supported");
        }
      }
      int inner = parseAlt();
      if (pos_ >= pattern_.size() || pattern_[pos_] != ')') fail("missing ')'");
      ++pos_;
      return inner;
    }
    case '[':
      return parseClass();
    case '.':
      ++pos_;
      return addChars(printable());
    case '\\':
      return parseEscape(false, nullptr);
    case '*':
    case '+':
    case '?':
    case '{':
      fail("quantifier without anything to repeat");
    case '^':
    case '$':
      fail("anchors are only supported at the very start and end");
    default:
      ++pos_;
      return addChars(std::string(1, c));
  }
}

// Reads one escape at pos_ ('\\' included). In a class, appends to classChars and returns -1.
int RegexGenerator::parseEscape(bool inClass, std::string* classChars) {
  if (pos_ + 1 >= pattern_.size()) fail("trailing '\\'");
  char e = pattern_[pos_ + 1];
  pos_ += 2;
  std::string chars;
  switch (e) {
    case 'd': chars = range('0', '9'); break;
    case 'w': chars = range('a', 'z') + range('A', 'Z') + range('0', '9') + "_"; break;
    case 's': chars = " \t"; break;
    case 't': chars = "\t"; break;
    case 'n': chars = "\n"; break;
    case 'r': chars = "\r"; break;
    default:
      if ((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || (e >= '0' && e <= '9')) {
        pos_ -= 2;
        fail(std::string("escape \\") + e + " is not supported");
      }
      chars = std::string(1, e);  // escaped punctuation is literal
  }
  if (inClass) {
    *classChars += chars;
    return -1;
  }
  return addChars(std::move(chars));
}

int RegexGenerator::parseClass() {
  ++pos_;  // '['
  bool negate = false;
  if (pos_ < pattern_.size() && pattern_[pos_] == '^') negate = true, ++pos_;
  std::string chars;
  bool first = true;
  while (true) {
    if (pos_ >= pattern_.size()) fail("unterminated '['");
    char c = pattern_[pos_];
    if (c == ']' && !first) break;
    first = false;
    if (c == '\\') {
      parseEscape(true, &chars);
      continue;
    }
    if (c == '[') fail("nested classes are not supported");
    ++pos_;
    if (pos_ + 1 < pattern_.size() && pattern_[pos_] == '-' && pattern_[pos_ + 1] != ']') {
      char to = pattern_[pos_ + 1];
      if (to == '\\') fail("escaped range ends are not supported");
      if (to < c) fail("range out of order");
      chars += range(c, to);
      pos_ += 2;
    } else {
      chars += c;
    }
  }
  ++pos_;  // ']'
  chars = sortedUnique(std::move(chars));
  if (negate) {
    std::string all;
    for (char p : printable())
      if (chars.find(p) == std::string::npos) all += p;
    chars = std::move(all);
  }
  return addChars(std::move(chars));
}

void RegexGenerator::measure(int id) {
  Node& n = nodes_[static_cast<size_t>(id)];
  for (int c : n.children) measure(c);
  switch (n.kind) {
    case Kind::Chars:
      n.minLen = n.maxLen = 1;
      break;
    case Kind::Seq:
      n.minLen = n.maxLen = 0;
      for (int c : n.children) {
        n.minLen = addLen(n.minLen, nodes_[static_cast<size_t>(c)].minLen);
        n.maxLen = addLen(n.maxLen, nodes_[static_cast<size_t>(c)].maxLen);
      }
      break;
    case Kind::Alt:
      n.minLen = kUnbounded;
      n.maxLen = 0;
      for (int c : n.children) {
        n.minLen = std::min(n.minLen, nodes_[static_cast<size_t>(c)].minLen);
        n.maxLen = std::max(n.maxLen, nodes_[static_cast<size_t>(c)].maxLen);
      }
      break;
    case Kind::Repeat: {
      const Node& child = nodes_[static_cast<size_t>(n.children[0])];
      n.minLen = mulLen(child.minLen, n.min);
      n.maxLen = mulLen(child.maxLen, n.max);
      break;
    }
  }
}

void RegexGenerator::generate(JavaRandom& rng, size_t minLen, size_t maxLen, std::string& out) const {
  Walk w{rng, minLen, maxLen, out, out.size()};
  emit(root_, 0, w);
}

// restMin: the least the pattern still needs after this node, so choices here leave room for it.
void RegexGenerator::emit(int id, size_t restMin, Walk& w) const {
  const Node& n = nodes_[static_cast<size_t>(id)];
  switch (n.kind) {
    case Kind::Chars:
      w.out += n.chars.size() == 1 ? n.chars[0] : n.chars[static_cast<size_t>(w.rng.nextInt(static_cast<int32_t>(n.chars.size())))];
      return;
    case Kind::Seq: {
      size_t after = restMin;
      for (int c : n.children) after = addLen(after, nodes_[static_cast<size_t>(c)].minLen);
      for (int c : n.children) {
        after -= nodes_[static_cast<size_t>(c)].minLen;
        emit(c, after, w);
      }
      return;
    }
    case Kind::Alt: {
      // Prefer branches that fit in what is left of maxLen.
      int fitting[64];
      int count = 0;
      for (int c : n.children) {
        size_t need = addLen(addLen(w.len(), nodes_[static_cast<size_t>(c)].minLen), restMin);
        if (need <= w.maxLen && count < 64) fitting[count++] = c;
      }
      int pick = count > 0 ? fitting[w.rng.nextInt(count)]
                           : n.children[static_cast<size_t>(w.rng.nextInt(static_cast<int32_t>(n.children.size())))];
      emit(pick, restMin, w);
      return;
    }
    case Kind::Repeat: {
      const Node& child = nodes_[static_cast<size_t>(n.children[0])];
      for (size_t done = 0;; ++done) {
        if (done >= n.max) break;
        if (done >= n.min) {
          if (child.maxLen == 0) break;
          size_t withRest = addLen(w.len(), restMin);
          if (withRest >= w.minLen) {
            if (addLen(withRest, child.minLen) > w.maxLen) break;
            if (w.rng.nextInt(100) < 35) break;  // Generex stops at an accepting state ~35% of the time
          }
        }
        size_t mandatoryLeft = done + 1 < n.min ? n.min - done - 1 : 0;
        emit(n.children[0], addLen(restMin, mulLen(child.minLen, mandatoryLeft)), w);
      }
      return;
    }
  }
}

}  // namespace sluice::datagen
