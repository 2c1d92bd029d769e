#include "record_generator.hpp"

namespace sluice::datagen {

void generateInto(RecordGenerator& generator, JavaRandom& rng, size_t n, std::string& out) {
  GeneratedRecord rec;
  for (size_t i = 0; i < n; ++i) {
    generator.next(rng, rec);
    out += rec.value;
    out += '\n';
  }
}

namespace {
void appendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}
int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 0;
}
}  // namespace

bool keyTextFromJson(std::string_view json, std::string& key) {
  key.clear();
  if (json == "null") return false;
  if (json.size() < 2 || json.front() != '"') {
    key.assign(json);
    return true;
  }
  for (size_t i = 1; i + 1 < json.size(); ++i) {
    char c = json[i];
    if (c != '\\') {
      key += c;
      continue;
    }
    char e = json[++i];
    switch (e) {
      case 'n': key += '\n'; break;
      case 't': key += '\t'; break;
      case 'r': key += '\r'; break;
      case 'b': key += '\b'; break;
      case 'f': key += '\f'; break;
      case 'u': {
        uint32_t cp = 0;
        for (int k = 0; k < 4 && i + 1 < json.size(); ++k) cp = cp * 16 + static_cast<uint32_t>(hexValue(json[++i]));
        appendUtf8(key, cp);
        break;
      }
      default: key += e;  // \" \\ \/
    }
  }
  return true;
}

}  // namespace sluice::datagen
