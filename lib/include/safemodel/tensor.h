// safemodel/tensor.h — element types and borrowed views of tensor bytes.
//
// A TensorView never owns its bytes: they belong to the Model (a read-only
// mapping of the file, or a private copy with LoadOptions::copy_tensors) or
// to whatever the caller passed to a writer. A view is valid exactly as long
// as its owner lives. Bytes are little-endian, C (row-major) order.
#ifndef SAFEMODEL_TENSOR_H_
#define SAFEMODEL_TENSOR_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace safemodel {

// The numbering is part of the file format (schema/safemodel.capnp DType).
enum class DType : uint8_t {
  kF16 = 0, kBF16 = 1, kF32 = 2, kF64 = 3,
  kI8 = 4, kI16 = 5, kI32 = 6, kI64 = 7,
  kU8 = 8, kU16 = 9, kU32 = 10, kU64 = 11,
  kBool = 12,
};
inline constexpr int kNumDTypes = 13;

// Bytes per element (1, 2, 4 or 8).
size_t DTypeSize(DType dtype);
// Lowercase short name: "f16", "bf16", "f32", ..., "bool".
std::string_view DTypeName(DType dtype);
// Inverse of DTypeName; nullopt for anything else.
std::optional<DType> DTypeFromName(std::string_view name);

// A named, typed, shaped run of bytes. `bytes.size()` always equals
// DTypeSize(dtype) * product(shape) (checked by every producer).
struct TensorView {
  std::string name;
  DType dtype = DType::kU8;
  std::vector<uint64_t> shape;       // empty = 0-d (a scalar: one element)
  std::span<const std::byte> bytes;  // borrowed

  uint64_t num_elements() const;  // product of shape (1 for 0-d); fits: checked on creation

  // Typed access for callers who checked dtype. The data region is 64-byte
  // aligned, so the cast is aligned for every dtype.
  template <typename T>
  std::span<const T> as() const {
    return {reinterpret_cast<const T*>(bytes.data()), bytes.size() / sizeof(T)};
  }
};

// Formats a shape as "[2, 3]" ("[]" for 0-d).
std::string ShapeString(std::span<const uint64_t> shape);

}  // namespace safemodel

#endif  // SAFEMODEL_TENSOR_H_
