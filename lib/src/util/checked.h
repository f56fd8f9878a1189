// Checked arithmetic for sizes that come from files. Every product of a
// shape, every offset + length, every count * itemsize goes through these.
// Each returns nullopt on overflow instead of wrapping.
#ifndef SAFEMODEL_UTIL_CHECKED_H_
#define SAFEMODEL_UTIL_CHECKED_H_

#include <cstdint>
#include <optional>
#include <span>

namespace safemodel {

inline std::optional<uint64_t> CheckedAdd(uint64_t a, uint64_t b) {
  uint64_t r;
  if (__builtin_add_overflow(a, b, &r)) return std::nullopt;
  return r;
}

inline std::optional<uint64_t> CheckedMul(uint64_t a, uint64_t b) {
  uint64_t r;
  if (__builtin_mul_overflow(a, b, &r)) return std::nullopt;
  return r;
}

// Rounds up to a multiple of `align` (a power of two).
inline std::optional<uint64_t> CheckedAlignUp(uint64_t v, uint64_t align) {
  auto sum = CheckedAdd(v, align - 1);
  if (!sum) return std::nullopt;
  return *sum & ~(align - 1);
}

// Product of all dims (1 for an empty shape).
inline std::optional<uint64_t> CheckedProduct(std::span<const uint64_t> dims) {
  uint64_t r = 1;
  for (uint64_t d : dims) {
    auto next = CheckedMul(r, d);
    if (!next) return std::nullopt;
    r = *next;
  }
  return r;
}

}  // namespace safemodel

#endif  // SAFEMODEL_UTIL_CHECKED_H_
