#include "storage/connect_offset_records.hpp"

#include <nlohmann/json.hpp>

namespace sluice {

namespace {

using ordered = nlohmann::ordered_json;  // keeps the plugin's (or Java's) key order

Result<ordered> parseObject(const std::string& text, const std::string& what) {
  ordered doc = ordered::parse(text, nullptr, false);
  if (doc.is_discarded()) return Error{what + " is not JSON"};
  if (!doc.is_object()) return Error{what + " is not a JSON object"};
  return doc;
}

Result<std::string> dump(const ordered& doc, const std::string& what) {
  try {
    return doc.dump();
  } catch (const std::exception& e) {  // text that is not UTF-8
    return Error{what + " cannot be written as JSON: " + e.what()};
  }
}

}  // namespace

Result<std::string> encodeOffsetKey(const std::string& connector, const std::string& partitionJson) {
  auto partition = parseObject(partitionJson, "the source partition");
  if (!partition.ok()) return Error{partition.error()};
  ordered key = ordered::array({connector, *partition});
  return dump(key, "the offset key");
}

Result<std::string> encodeOffsetValue(const std::string& offsetJson) {
  auto offset = parseObject(offsetJson, "the source offset");
  if (!offset.ok()) return Error{offset.error()};
  return dump(*offset, "the source offset");
}

Result<OffsetKey> decodeOffsetKey(const std::string& key) {
  ordered doc = ordered::parse(key, nullptr, false);
  if (doc.is_discarded()) return Error{"offset key is not JSON"};
  if (!doc.is_array() || doc.size() != 2)
    return Error{"offset key should be a list of two elements: the connector name and the source partition"};
  if (!doc[0].is_string()) return Error{"offset key's connector name is not a string"};
  if (!doc[1].is_object()) return Error{"offset key's source partition is not a JSON object"};
  auto partition = dump(doc[1], "offset key");
  if (!partition.ok()) return Error{partition.error()};
  return OffsetKey{doc[0].get<std::string>(), *partition};
}

Result<std::string> decodeOffsetValue(const std::string& value) {
  auto offset = parseObject(value, "offset value");
  if (!offset.ok()) return Error{offset.error()};
  return dump(*offset, "offset value");
}

std::string canonicalJson(const std::string& json) {
  nlohmann::json doc = nlohmann::json::parse(json, nullptr, false);  // std::map: keys sorted
  if (doc.is_discarded()) return json;
  try {
    return doc.dump();
  } catch (const std::exception&) {
    return json;
  }
}

}  // namespace sluice
