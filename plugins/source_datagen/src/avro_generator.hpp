#pragma once
// AvroGenerator: random records from an Avro schema annotated with `arg.properties`, following
// avro-random-generator (the library kafka-connect-datagen uses): options, iteration, range, length,
// regex, prefix/suffix, keys, odds, nested records, arrays, maps, unions, enums, fixed, bytes and the
// logical types the quickstarts use. The schema is parsed once (nlohmann::json, comments allowed);
// generation walks a compiled tree and writes JSON bytes straight into the output buffer.
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "record_generator.hpp"
#include "regex_generator.hpp"

namespace sluice::datagen {

class AvroGenerator final : public RecordGenerator {
 public:
  // Throws std::invalid_argument with a message saying what in the schema is wrong.
  explicit AvroGenerator(std::string_view schemaJson);
  ~AvroGenerator() override;

  const std::vector<std::string>& fieldNames() const override { return fieldNames_; }
  void setKeyField(const std::string& field) override;
  void setGeneration(int64_t recordsBefore) override;
  void next(JavaRandom& rng, GeneratedRecord& out) override;

  struct Node;  // the compiled schema; defined in the .cpp

 private:
  std::vector<std::unique_ptr<Node>> nodes_;
  Node* root_ = nullptr;
  std::vector<std::string> fieldNames_;
  int keyField_ = -1;
  std::vector<std::pair<bool, std::string>> optionKeys_;  // key text per whole-record option
};

}  // namespace sluice::datagen
