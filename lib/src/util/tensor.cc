#include "safemodel/tensor.h"

#include <array>

#include "util/checked.h"
#include "util/tensor_check.h"

namespace safemodel {
namespace {
struct DTypeInfo {
  std::string_view name;
  size_t size;
};
constexpr std::array<DTypeInfo, kNumDTypes> kInfo = {{
    {"f16", 2}, {"bf16", 2}, {"f32", 4}, {"f64", 8},
    {"i8", 1}, {"i16", 2}, {"i32", 4}, {"i64", 8},
    {"u8", 1}, {"u16", 2}, {"u32", 4}, {"u64", 8},
    {"bool", 1},
}};
}  // namespace

size_t DTypeSize(DType dtype) { return kInfo.at(static_cast<size_t>(dtype)).size; }
std::string_view DTypeName(DType dtype) { return kInfo.at(static_cast<size_t>(dtype)).name; }

std::optional<DType> DTypeFromName(std::string_view name) {
  for (size_t i = 0; i < kInfo.size(); ++i) {
    if (kInfo[i].name == name) return static_cast<DType>(i);
  }
  return std::nullopt;
}

uint64_t TensorView::num_elements() const {
  uint64_t n = 1;
  for (uint64_t d : shape) n *= d;  // producers checked this product for overflow
  return n;
}

std::string ShapeString(std::span<const uint64_t> shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

}  // namespace safemodel


namespace safemodel {

Status CheckTensorBytes(const TensorView& t, std::string_view where) {
  if (static_cast<int>(t.dtype) >= kNumDTypes) return InvalidArgument(std::string(where) + ": unknown dtype");
  auto elems = CheckedProduct(t.shape);
  auto bytes = elems ? CheckedMul(*elems, DTypeSize(t.dtype)) : std::nullopt;
  if (!bytes || *bytes != t.bytes.size()) {
    return InvalidArgument(std::string(where) + ": " + std::to_string(t.bytes.size()) + " bytes do not match " +
                           std::string(DTypeName(t.dtype)) + " " + ShapeString(t.shape));
  }
  return Status::Ok();
}

}  // namespace safemodel
