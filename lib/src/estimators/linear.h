// Linear models: LinearRegression, Ridge, Lasso, ElasticNet, SGDRegressor,
// LogisticRegression, SGDClassifier, LinearSVC.
//
// All of them score X as X @ coef_.T + intercept_ (f64). What differs is how
// scores become labels and probabilities, which `LinearModel::task` and
// `LinearModel::proba` pin down exactly as scikit-learn 1.2.1 computes them.
#ifndef SAFEMODEL_ESTIMATORS_LINEAR_H_
#define SAFEMODEL_ESTIMATORS_LINEAR_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "estimators/types.h"
#include "safemodel/status.h"

namespace safemodel::estimators {

enum class LinearTask : uint8_t { kRegressor, kClassifier };

// How predict_proba turns scores into probabilities (classifiers only).
enum class LinearProba : uint8_t {
  kNone,           // no predict_proba (LinearSVC, SGD with hinge/perceptron/..., regressors)
  kOvrSigmoid,     // LinearClassifierMixin._predict_proba_lr: expit, then binary [1-p, p]
                   // or rows normalized to sum 1 (LogisticRegression ovr/liblinear, SGD log_loss)
  kSoftmax,        // LogisticRegression multinomial: softmax of scores, binary softmax([-d, d])
  kModifiedHuber,  // SGDClassifier(loss="modified_huber"): (clip(d, -1, 1) + 1) / 2, normalized
};

struct LinearModel {
  std::string class_name;           // scikit-learn class, e.g. "LogisticRegression"
  LinearTask task = LinearTask::kRegressor;
  LinearProba proba = LinearProba::kNone;
  int32_t n_features = 0;
  int32_t n_rows = 0;               // rows of coef_: targets, or 1 for binary, or n_classes
  bool ravel = false;               // decision/predict output is 1-d in scikit-learn (n x 1 here)
  std::vector<double> coef;         // n_rows x n_features, row-major
  std::vector<double> intercept;    // n_rows (a scalar intercept_ is broadcast by the builder)
  LabelValues classes;              // classifiers: classes_ (>= 2); regressors: empty

  LinearModel() = default;
  LinearModel(LinearModel&&) = default;
  LinearModel& operator=(LinearModel&&) = default;
  LinearModel Clone() const { return LinearModel(*this); }

 private:
  LinearModel(const LinearModel&) = default;
};

// The fitted attributes as the mapper found them. Borrowed: spans must live
// for the call only (the builder copies).
struct LinearInput {
  std::string_view class_name;
  LinearTask task = LinearTask::kRegressor;
  LinearProba proba = LinearProba::kNone;
  std::span<const double> coef;     // coef_ data, C order
  std::vector<uint64_t> coef_shape; // [n_features] (1-d coef_) or [rows, n_features]
  std::span<const double> intercept;  // intercept_: 1 value (scalar or (1,)) or one per row
  LabelValues classes;              // classifiers only
  int64_t n_features_in = -1;       // n_features_in_ if the file has it (>= 0.24), else -1
};

// Checks and copies. Errors are kCorruption naming `path` and the field:
// "<path>.coef_[7]: nan is not finite", "<path>.classes_: 3 classes but coef_ has 2 rows".
// Rules: coef_ 1-d or 2-d with size rows*cols; n_features_in_ (if given) ==
// coef_ columns; intercept_ of 1 or rows values; coef_ and intercept_ finite;
// classifiers have >= 2 classes and rows == 1 for 2 classes, == n_classes
// otherwise; regressors have no proba mode.
Result<LinearModel> BuildLinear(const LinearInput& in, std::string_view path);

// The predict_proba formula scikit-learn 1.2.1 uses, from the pickled
// parameters. LogisticRegression: "ovr"/"warn" -> kOvrSigmoid; "auto" ->
// kOvrSigmoid for <= 2 classes or solver liblinear/newton-cholesky, else
// kSoftmax; "multinomial" -> kSoftmax; anything else kUnsupported.
Result<LinearProba> LogisticRegressionProba(std::string_view multi_class, std::string_view solver, size_t n_classes);
// SGDClassifier: "log_loss"/"log" -> kOvrSigmoid, "modified_huber" ->
// kModifiedHuber, other losses kNone (predict_proba refused, as sklearn does).
LinearProba SgdClassifierProba(std::string_view loss);

// scores = X @ coef.T + intercept: n x n_rows.
Result<Matrix> LinearDecisionFunction(const LinearModel& m, MatrixView x);
// Regressor: the scores. Classifier: classes_[scores > 0] or classes_[argmax].
Result<Prediction> LinearPredict(const LinearModel& m, MatrixView x);
// kUnsupported when proba == kNone (scikit-learn raises there too).
Result<Matrix> LinearPredictProba(const LinearModel& m, MatrixView x);

// The family protocol (estimator.h).
inline std::string ClassNameOf(const LinearModel& m) { return m.class_name; }
std::string Describe(const LinearModel& m);
inline Result<Prediction> Predict(const LinearModel& m, MatrixView x) { return LinearPredict(m, x); }
inline Result<Matrix> PredictProba(const LinearModel& m, MatrixView x) { return LinearPredictProba(m, x); }
inline Result<Matrix> DecisionFunction(const LinearModel& m, MatrixView x) { return LinearDecisionFunction(m, x); }

}  // namespace safemodel::estimators

#endif  // SAFEMODEL_ESTIMATORS_LINEAR_H_
