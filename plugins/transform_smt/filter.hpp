#pragma once
// Filter: drops every record. Useful only with a predicate (and negate), which the host applies.
#include "smt_base.hpp"

namespace sluice::smt {

class Filter : public Transform {
 public:
  static constexpr const char* kName = "filter";
  static constexpr const char* kVersion = kSmtVersion;
  static constexpr const char* kDescription = "Drops all records; combine with a predicate to drop some (Connect's Filter).";
  static constexpr const char* kAliases[] = {"org.apache.kafka.connect.transforms.Filter", "Filter", nullptr};

  Filter(const Config&, Context&) {}
  void apply(const sluice_record&, Batch&) override {}
};

}  // namespace sluice::smt
