// Shape checks for the dense 2-d arrays of the naive Bayes, k-means and
// decomposition builders (theta_, feature_log_prob_, cluster_centers_,
// components_): one place that turns a file's shape into int32 counts.
#ifndef SAFEMODEL_ESTIMATORS_DENSE_SHAPE_H_
#define SAFEMODEL_ESTIMATORS_DENSE_SHAPE_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "estimators/types.h"
#include "safemodel/status.h"

namespace safemodel::estimators {

struct RowsCols {
  int32_t rows = 0;
  int32_t cols = 0;
};

// `shape` must be [rows, cols] with rows >= min_rows, cols >= 1 (kCorruption
// below, kLimitExceeded above INT32_MAX) and `size` == rows * cols (checked
// multiply). Errors name `path` ("model.theta_: 1-d, expected 2-d").
inline Result<RowsCols> CheckDense2d(std::string_view path, size_t size, std::span<const uint64_t> shape,
                                     int64_t min_rows) {
  const std::string p(path);
  if (shape.size() != 2) return Corruption(p + ": " + std::to_string(shape.size()) + "-d, expected 2-d");
  for (int k = 0; k < 2; ++k) {
    if (shape[k] > static_cast<uint64_t>(INT32_MAX)) {
      return LimitExceeded(p + ".shape[" + std::to_string(k) + "]: " + std::to_string(shape[k]) +
                           " does not fit int32");
    }
  }
  SAFEMODEL_RETURN_IF_ERROR(CheckCount(p + ".shape[0]", static_cast<int64_t>(shape[0]), min_rows));
  SAFEMODEL_RETURN_IF_ERROR(CheckCount(p + ".shape[1]", static_cast<int64_t>(shape[1]), 1));
  SAFEMODEL_RETURN_IF_ERROR(CheckSize(p, size, shape[0], shape[1]));
  return RowsCols{static_cast<int32_t>(shape[0]), static_cast<int32_t>(shape[1])};
}

// n_features_in_ (if the file has it, >= 0) must equal the columns the arrays have.
inline Status CheckDeclaredFeatures(std::string_view path, int64_t declared, int32_t cols, std::string_view from) {
  if (declared < 0 || declared == cols) return Status::Ok();
  return Corruption(std::string(path) + ".n_features_in_: " + std::to_string(declared) + " but " +
                    std::string(from) + " has " + std::to_string(cols) + " columns");
}

}  // namespace safemodel::estimators

#endif  // SAFEMODEL_ESTIMATORS_DENSE_SHAPE_H_
