#include "plugin/emitted_record.hpp"

#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string_view>

namespace sluice {

namespace {

// The offset of the first byte that breaks UTF-8 (RFC 3629 section 4: no overlongs, no surrogates,
// nothing above U+10FFFF), or npos when the text is valid.
size_t firstInvalidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > s.size()) return i;
    uint32_t cp = len == 1 ? c : c & (0x7F >> len);
    for (size_t k = 1; k < len; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += len;
  }
  return std::string_view::npos;
}

std::string checkJsonObject(const char* field, sluice_bytes b) {
  if (!b.data) return "";
  std::string_view text(reinterpret_cast<const char*>(b.data), b.len);
  if (text.size() > kMaxSourcePositionBytes)
    return std::string(field) + " is " + std::to_string(text.size()) + " bytes, more than the " + std::to_string(kMaxSourcePositionBytes) +
           " allowed";
  if (size_t bad = firstInvalidUtf8(text); bad != std::string_view::npos)
    return std::string(field) + " is not valid UTF-8 (byte " + std::to_string(bad) + ")";
  size_t first = text.find_first_not_of(" \t\r\n");
  // accept() validates without building a document: no allocation per emitted record.
  if (first == std::string_view::npos || text[first] != '{' || !nlohmann::json::accept(text))
    return std::string(field) + " is not a JSON object";
  return "";
}

}  // namespace

sluice_record readEmittedRecord(const sluice_record* emitted, size_t recordSize) {
  sluice_record r{};
  r.partition = -1;
  r.timestamp_ms = -1;
  r.kafka_offset = -1;
  std::memcpy(static_cast<void*>(&r), emitted, std::min(recordSize, sizeof(sluice_record)));
  return r;
}

std::string checkSourcePosition(const sluice_record& record) {
  if (auto why = checkJsonObject("source_partition", record.source_partition); !why.empty()) return why;
  return checkJsonObject("source_offset", record.source_offset);
}

}  // namespace sluice
