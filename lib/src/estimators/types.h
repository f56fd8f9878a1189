// Shared value types of the in-memory estimators: input matrices, output
// matrices, class labels, and the checks every predict entry point runs on X.
//
// Internal header (lib/src/): no kj types, no file-format types. Everything
// here is a plain value; the estimators that hold these are move-only with an
// explicit Clone() (see estimator.h).
#ifndef SAFEMODEL_ESTIMATORS_TYPES_H_
#define SAFEMODEL_ESTIMATORS_TYPES_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "safemodel/status.h"

namespace safemodel::estimators {

// A borrowed row-major (C order) n_rows x n_cols matrix of f64.
// `data.size()` must equal rows * cols; CheckInput verifies it.
struct MatrixView {
  std::span<const double> data;
  size_t rows = 0;
  size_t cols = 0;
  double at(size_t r, size_t c) const { return data[r * cols + c]; }
};

// A borrowed row-major table of input cells, for models with categorical
// (string) columns: numbers[i] is the cell as a number (NaN when it is not
// one); strings[i] is its text and is_string[i] marks a cell that is not a
// number. strings and is_string are empty when every cell is a number.
struct TableView {
  size_t rows = 0;
  size_t cols = 0;
  std::span<const double> numbers;
  std::span<const std::string> strings;
  std::span<const uint8_t> is_string;
  // The columns' names when the input had a header (DictVectorizer's keys),
  // else empty.
  std::span<const std::string> column_names;

  bool HasStrings() const { return !is_string.empty(); }
  MatrixView numeric() const { return {numbers, rows, cols}; }
  static TableView Of(MatrixView x) { return {x.rows, x.cols, x.data, {}, {}, {}}; }
};

// The table as numbers: kInvalidArgument "X[3, 2]: 'red' is not a number
// (<who> takes numbers)" at the first string cell; a size mismatch too.
Result<MatrixView> NumericView(const TableView& t, std::string_view who);

// An owned row-major matrix of f64 (predict_proba, decision_function,
// transform, regressor predict). scikit-learn returns 1-d arrays for a single
// target / binary decision_function; those come back as rows x 1.
struct Matrix {
  size_t rows = 0;
  size_t cols = 0;
  std::vector<double> data;

  Matrix() = default;
  Matrix(size_t r, size_t c) : rows(r), cols(c), data(r * c, 0.0) {}
  double& at(size_t r, size_t c) { return data[r * cols + c]; }
  double at(size_t r, size_t c) const { return data[r * cols + c]; }
  MatrixView view() const { return {data, rows, cols}; }
};

// Class labels exactly as scikit-learn stored them in classes_: integers,
// floats (y given as a float array) or strings. Never converted between kinds,
// so a label comes back as it went in.
using LabelValues = std::variant<std::vector<int64_t>, std::vector<double>, std::vector<std::string>>;

size_t LabelCount(const LabelValues& labels);
// "int64", "float64" or "str".
std::string_view LabelKindName(const LabelValues& labels);
// "3 classes (str)", for summaries.
std::string DescribeClasses(const LabelValues& labels);

// predict() of a classifier: rows x cols labels (cols = n_outputs), row-major,
// of the same kind as the model's classes.
struct Labels {
  size_t rows = 0;
  size_t cols = 0;
  LabelValues values;
};

// classes[index[i]] for each i (numpy's classes_.take(index)). Indices must
// be in range: callers take them from an argmax over n_classes columns.
LabelValues TakeLabels(const LabelValues& classes, std::span<const int32_t> index);

// predict() returns labels for classifiers and numbers for regressors.
using Prediction = std::variant<Labels, Matrix>;

// How X must look before an estimator reads it (scikit-learn's check_array):
// kFinite refuses NaN and +-inf; kAllowNaN refuses only +-inf (the scalers).
enum class FiniteRule : uint8_t { kFinite, kAllowNaN };

// kInvalidArgument unless X has `n_features` columns, a data span of exactly
// rows * cols (computed without overflow) and values allowed by `rule`.
// `who` names the estimator class in messages ("X[3, 2]: NaN ...").
Status CheckInput(MatrixView x, size_t n_features, FiniteRule rule, std::string_view who);

// ---- Validation helpers shared by the builders ----------------------------
// Each returns kCorruption naming `path` and the first offending element.

// "<path>[i]: nan is not finite".
Status CheckAllFinite(std::span<const double> values, std::string_view path);
// `size` == rows * cols (the product computed with CheckedMul); kLimitExceeded
// if the product overflows, kCorruption if it differs.
Status CheckSize(std::string_view path, uint64_t size, uint64_t rows, uint64_t cols);
// A count from a file that the estimators store as int32: kCorruption below
// `lo`, kLimitExceeded above INT32_MAX.
Status CheckCount(std::string_view path, int64_t value, int64_t lo);

// A double formatted for messages (shortest round trip, "nan", "inf").
std::string FormatDouble(double v);

}  // namespace safemodel::estimators

#endif  // SAFEMODEL_ESTIMATORS_TYPES_H_
