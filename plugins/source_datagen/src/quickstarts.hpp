#pragma once
// The quickstarts: datagen's bundled schemas by name, each with its default key field. Sluice ships
// (embeds into datagen.so at build time) the schemas listed in quickstarts/, plus the built-in
// `ecommerce_transactions` generator.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::datagen {

struct Quickstart {
  const char* name;      // lower case, as the `quickstart` config takes it
  const char* file;      // datagen's resource file name; "" for ecommerce_transactions
  const char* keyField;  // used when schema.keyfield is empty
};

inline constexpr const char* kEcommerceQuickstart = "ecommerce_transactions";

// Every quickstart Sluice can run, in datagen's order, ecommerce_transactions last.
const std::vector<Quickstart>& quickstarts();
// Looks a name up case-insensitively; nullptr when it is not one of quickstarts().
const Quickstart* findQuickstart(std::string_view name);
// "a, b, c": the names for error messages.
std::string quickstartNames();
// The embedded schema text of a datagen resource file name (e.g. "users_schema.avro"), or nullptr.
const char* bundledSchema(std::string_view file);

// Generated at build time from quickstarts/*.avro (see CMakeLists.txt).
struct EmbeddedFile {
  const char* name;
  const char* text;
};
extern const EmbeddedFile kEmbeddedQuickstarts[];
extern const size_t kEmbeddedQuickstartCount;

}  // namespace sluice::datagen
