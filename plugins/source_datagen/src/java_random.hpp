#pragma once
// JavaRandom: java.util.Random's 48-bit LCG, bit for bit. datagen seeds and re-seeds this generator
// (and stores the seed in its offsets), so using the same algorithm keeps the resume semantics exact.
#include <cstdint>

namespace sluice::datagen {

class JavaRandom {
 public:
  explicit JavaRandom(int64_t seed = 0) { setSeed(seed); }

  void setSeed(int64_t seed) { seed_ = (static_cast<uint64_t>(seed) ^ kMultiplier) & kMask; }

  int32_t nextInt() { return next(32); }
  // Uniform in [0, bound); bound must be > 0.
  int32_t nextInt(int32_t bound) {
    if ((bound & -bound) == bound) return static_cast<int32_t>((static_cast<int64_t>(bound) * next(31)) >> 31);
    int32_t bits, val;
    do {
      bits = next(31);
      val = bits % bound;
      // Java relies on int overflow wrapping here; in C++ that is undefined, so wrap in unsigned
      // arithmetic and convert back (modular since C++20), which gives Java's result bit for bit.
    } while (static_cast<int32_t>(static_cast<uint32_t>(bits) - static_cast<uint32_t>(val) + static_cast<uint32_t>(bound - 1)) < 0);
    return val;
  }
  int64_t nextLong() {
    // Java: ((long) next(32) << 32) + next(32), with wrap-around.
    uint64_t hi = static_cast<uint64_t>(static_cast<int64_t>(next(32))) << 32;
    return static_cast<int64_t>(hi + static_cast<uint64_t>(static_cast<int64_t>(next(32))));
  }
  bool nextBoolean() { return next(1) != 0; }
  float nextFloat() { return static_cast<float>(next(24)) / static_cast<float>(1 << 24); }
  double nextDouble() {
    int64_t hi = static_cast<int64_t>(next(26)) << 27;
    return static_cast<double>(hi + next(27)) * 0x1.0p-53;
  }

 private:
  static constexpr uint64_t kMultiplier = 0x5DEECE66DULL;
  static constexpr uint64_t kAddend = 0xBULL;
  static constexpr uint64_t kMask = (1ULL << 48) - 1;

  int32_t next(int bits) {
    seed_ = (seed_ * kMultiplier + kAddend) & kMask;
    return static_cast<int32_t>(static_cast<uint32_t>(seed_ >> (48 - bits)));
  }

  uint64_t seed_ = 0;
};

}  // namespace sluice::datagen
