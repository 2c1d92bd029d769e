#pragma once
// Connect's predicates (org.apache.kafka.connect.transforms.predicates.*), built into the host:
// TopicNameMatches (pattern), HasHeaderKey (name), RecordIsTombstone.
#include <sluice/plugin.h>

#include <map>
#include <memory>
#include <string>

#include "common/result.hpp"

namespace sluice {

class Predicate {
 public:
  virtual ~Predicate() = default;
  virtual bool test(const sluice_record& record) const = 0;
};

// `type` is the class name or alias; `settings` the predicate's keys without `predicates.<p>.`.
Result<std::unique_ptr<Predicate>> makePredicate(const std::string& type, const std::map<std::string, std::string>& settings);

}  // namespace sluice
