// Internal pieces of the safetensors reader/writer that the fuzzer and tests
// use directly (the readers themselves are declared in weight_set.h).
//
// A safetensors file is: an 8-byte little-endian header length N, N bytes of
// UTF-8 JSON, then the data region. The JSON maps tensor names to
// {"dtype", "shape", "data_offsets": [begin, end)} (offsets relative to the
// data region) plus an optional "__metadata__" object of strings.
#ifndef SAFEMODEL_INTEROP_SAFETENSORS_H_
#define SAFEMODEL_INTEROP_SAFETENSORS_H_

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "safemodel/status.h"
#include "safemodel/tensor.h"

namespace safemodel {

// "F32", "BF16", "BOOL", ...: the safetensors spelling of a dtype.
std::string_view SafetensorsDTypeName(DType dtype);
// Inverse of SafetensorsDTypeName; nullopt for anything else, including
// safetensors dtypes we do not handle (F8_*, C64, ...).
std::optional<DType> DTypeFromSafetensorsName(std::string_view name);

// The JSON header for `tensors` laid out back to back in the given order,
// padded with spaces to a multiple of 8 bytes (as safetensors does), without
// the 8-byte length in front. kInvalidArgument for a bad view (empty,
// duplicate, reserved or non-UTF-8 name; bytes that do not match
// dtype x shape) or a non-UTF-8 metadata string.
Result<std::string> FormatSafetensorsHeader(std::span<const TensorView> tensors,
                                            const std::map<std::string, std::string>& metadata);

}  // namespace safemodel

#endif  // SAFEMODEL_INTEROP_SAFETENSORS_H_
