#pragma once
// Java's number <-> text rules, where Connect's output depends on them (Cast to string, parsing
// numbers out of strings).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::smt {

// Double.toString: "1.0", "0.001", "1.0E7", "1.234E-5", "NaN", "Infinity".
std::string javaDoubleToString(double v);

// Long.parseLong (optional sign, decimal digits, no spaces); nullopt when invalid or out of range.
std::optional<int64_t> javaParseLong(std::string_view s);

// Double.parseDouble (trims whitespace; accepts NaN, Infinity, a trailing f/F/d/D).
std::optional<double> javaParseDouble(std::string_view s);

// The double closest to the shortest decimal form of a float, so 0.1f prints as 0.1 (as Jackson
// writes a Float) rather than 0.10000000149011612.
double floatAsDouble(float f);

}  // namespace sluice::smt
