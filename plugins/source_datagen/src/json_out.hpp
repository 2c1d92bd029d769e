#pragma once

#include <sluice/json_text.hpp>
// Appending JSON tokens straight into a reused byte buffer: the per-record hot path allocates nothing
// once the buffer has grown to its working size.
#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

namespace sluice::datagen {

inline void appendInt(std::string& out, int64_t v) {
  char tmp[24];
  auto r = std::to_chars(tmp, tmp + sizeof tmp, v);
  out.append(tmp, r.ptr);
}

// Shortest round-trip text, with ".0" on integral values so a double stays a double for readers
// (Jackson writes 5.0, not 5). Non-finite values have no JSON form and become null.
template <class F>
inline void appendFloating(std::string& out, F v) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  char tmp[40];
  auto r = std::to_chars(tmp, tmp + sizeof tmp, v);
  std::string_view s(tmp, static_cast<size_t>(r.ptr - tmp));
  out += s;
  if (s.find_first_of(".eE") == std::string_view::npos) out += ".0";
}

// JSON string literals come from the SDK (sluice/json_text.hpp), shared with the host.
using ::sluice::appendJsonString;

// Standard base64 with padding: how JsonConverter writes bytes.
inline void appendBase64(std::string& out, std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t i = 0;
  auto at = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(bytes[k])); };
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t n = (at(i) << 16) | (at(i + 1) << 8) | at(i + 2);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  size_t rest = bytes.size() - i;
  if (rest == 1) {
    uint32_t n = at(i) << 16;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += "==";
  } else if (rest == 2) {
    uint32_t n = (at(i) << 16) | (at(i + 1) << 8);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += '=';
  }
}

}  // namespace sluice::datagen
