// The size rule every tensor producer enforces.
#ifndef SAFEMODEL_UTIL_TENSOR_CHECK_H_
#define SAFEMODEL_UTIL_TENSOR_CHECK_H_

#include <string_view>

#include "safemodel/status.h"
#include "safemodel/tensor.h"

namespace safemodel {

// kInvalidArgument ("<where>: N bytes do not match f32 [2, 3]") unless the
// dtype is known and bytes.size() == DTypeSize(dtype) * product(shape),
// computed without overflow.
Status CheckTensorBytes(const TensorView& t, std::string_view where);

}  // namespace safemodel

#endif  // SAFEMODEL_UTIL_TENSOR_CHECK_H_
