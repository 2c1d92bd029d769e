#pragma once
// java.util.Properties.load, the format of Kafka's .properties files (FileConfigProvider's files, the
// Kafka CLI tools' --command-config): `key=value`, `key: value` or `key value`; `#` and `!` comments;
// a trailing backslash continues the line; \t \n \r \f \uXXXX and \<char> escapes.
#include <map>
#include <string>

namespace sluice {

std::map<std::string, std::string> parseJavaProperties(const std::string& text);

}  // namespace sluice
