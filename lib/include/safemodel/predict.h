// safemodel/predict.h — running a loaded estimator.
//
// Input is a row-major matrix of doubles (rows x cols); NaN is allowed where
// scikit-learn allows it. Output mirrors scikit-learn's: numbers for
// predict_proba / decision_function / transform and regressors' predict,
// class labels of the stored kind for classifiers' predict. Outputs that
// scikit-learn returns 1-d come back with cols = 1.
#ifndef SAFEMODEL_PREDICT_H_
#define SAFEMODEL_PREDICT_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace safemodel {

enum class Method : uint8_t {
  kPredict,
  kPredictProba,
  kPredictLogProba,
  kDecisionFunction,
  kTransform,
  kScoreSamples,
};
// Every method, in enum order.
inline constexpr Method kAllMethods[] = {Method::kPredict,          Method::kPredictProba, Method::kPredictLogProba,
                                         Method::kDecisionFunction, Method::kTransform,    Method::kScoreSamples};
// scikit-learn's names: "predict", "predict_proba", "predict_log_proba",
// "decision_function", "transform", "score_samples".
std::string_view MethodName(Method m);
std::optional<Method> MethodFromName(std::string_view name);

// Input rows with named and string (categorical) columns: what a CSV with
// a header row or a DataFrame gives scikit-learn. Each cell is a number or a
// string.
struct Table {
  size_t rows = 0;
  size_t cols = 0;
  std::vector<double> numbers;            // rows * cols, row-major; NaN where a cell is a string
  std::vector<std::string> strings;       // empty (all numbers), or rows * cols: each cell's text
  std::vector<uint8_t> is_string;         // empty (all numbers), or rows * cols: 1 where not a number
  std::vector<std::string> column_names;  // empty, or cols names (a header row)
};

// How Model::Run spreads one batch over threads. Rows are cut into equal
// consecutive parts, one per thread, and the parts' outputs joined in order:
// the result is the same, bit for bit, for any thread count. A model with a
// k-nearest-neighbours estimator (whose order of tied neighbours depends on
// the batch size, as in scikit-learn) always runs on one thread.
struct RunOptions {
  unsigned threads = 1;               // 0: one per core
  size_t min_rows_per_thread = 2048;  // fewer threads for smaller batches
};

struct Output {
  enum class Kind : uint8_t { kNumbers, kIntLabels, kFloatLabels, kStringLabels };
  Kind kind = Kind::kNumbers;
  size_t rows = 0;
  size_t cols = 0;
  std::vector<double> numbers;       // kNumbers, kFloatLabels (row-major)
  std::vector<int64_t> ints;         // kIntLabels
  std::vector<std::string> strings;  // kStringLabels
};

}  // namespace safemodel

#endif  // SAFEMODEL_PREDICT_H_
