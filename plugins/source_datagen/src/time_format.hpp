#pragma once
// TimeFormat: renders epoch milliseconds with a Java DateTimeFormatter-style pattern (yyyy MM dd HH mm
// ss SSS, 'quoted' literals, any other punctuation as is) in UTC or a fixed offset, compiled once.
#include <cstdint>
#include <string>
#include <vector>

#include <sluice_common/java_date_pattern.hpp>

namespace sluice::datagen {

class TimeFormat {
 public:
  // Throws std::invalid_argument for an unknown pattern letter or an unsupported zone.
  // zone: as sluice::common::parseZoneOffset reads it, "UTC" or a fixed offset (named regions need a tz database
  // that this toolchain's <chrono> lacks, so they are refused with a clear message).
  TimeFormat(const std::string& pattern, const std::string& zone);
  void append(int64_t epochMs, std::string& out) const;
  int64_t offsetMs() const { return offsetMs_; }

 private:
  using Field = common::DateTimeField;
  struct Token {
    Field field;
    int width;
    std::string literal;
  };
  std::vector<Token> tokens_;
  int64_t offsetMs_ = 0;
};

// Parses a zone as TimeFormat accepts it into an offset; throws std::invalid_argument otherwise.
int64_t parseZoneOffsetMs(const std::string& zone);

}  // namespace sluice::datagen
