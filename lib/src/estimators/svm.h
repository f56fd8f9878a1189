// Kernel SVMs fitted by libsvm: SVC, NuSVC, SVR, NuSVR, OneClassSVM.
//
// Inference is libsvm's svm_predict_values as scikit-learn 1.2.1 builds it
// (sklearn/svm/src/libsvm/svm.cpp, dense representation): one kernel value
// per support vector, then per class pair (i, j) the sum of
// dual_coef[j-1][sv of class i] * k + dual_coef[i][sv of class j] * k, minus
// rho = -intercept. The arrays are the private `_dual_coef_` and
// `_intercept_` predict uses (the public ones are sign-flipped for binary
// classifiers). Kernels, summed in order as libsvm's reference-BLAS dot:
//   linear  <x, sv>
//   poly    powi(gamma <x, sv> + coef0, degree)   (libsvm's square-and-multiply)
//   rbf     exp(-gamma * sum((x - sv)^2))
//   sigmoid tanh(gamma <x, sv> + coef0)
// Classifier outputs:
//   predict            libsvm's one-vs-one vote (first class with most votes);
//                      with break_ties and decision_function_shape="ovr" and
//                      >2 classes, the argmax of the ovr decision function
//   decision_function  binary: -dec (n x 1); ovo: dec (n x pairs); ovr:
//                      sklearn.utils.multiclass._ovr_decision_function
//   predict_proba      probability=True only: Platt's sigmoid per pair (probA,
//                      probB), clipped to [1e-7, 1-1e-7], coupled by libsvm's
//                      iterative multiclass_probability; log_proba = log of it
// SVR / NuSVR predict the decision value; OneClassSVM predicts +1 / -1 (as
// numbers: it has no classes_), decision_function = dec, score_samples =
// dec + offset_.
#ifndef SAFEMODEL_ESTIMATORS_SVM_H_
#define SAFEMODEL_ESTIMATORS_SVM_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "estimators/types.h"
#include "safemodel/status.h"

namespace safemodel::estimators {

enum class SvmKind : uint8_t { kSvc, kNuSvc, kSvr, kNuSvr, kOneClass };
inline constexpr uint8_t kSvmKindCount = 5;
// libsvm kernel_type order; "precomputed" and callables are not supported.
enum class SvmKernel : uint8_t { kLinear, kPoly, kRbf, kSigmoid };
inline constexpr uint8_t kSvmKernelCount = 4;

// Highest polynomial degree the builder accepts (powi costs log2(degree)
// steps; larger degrees only overflow).
inline constexpr int32_t kMaxSvmDegree = 1000;

struct SvmModel {
  SvmKind kind = SvmKind::kSvc;
  SvmKernel kernel = SvmKernel::kRbf;
  int32_t n_features = 0;
  int32_t n_sv = 0;
  int32_t n_classes = 0;            // classifiers; 0 otherwise
  int32_t degree = 3;               // poly only
  double gamma = 0.0;               // poly, rbf, sigmoid
  double coef0 = 0.0;               // poly, sigmoid
  std::vector<double> support_vectors;  // n_sv x n_features
  std::vector<double> dual_coef;        // rows x n_sv: n_classes - 1 rows, or 1
  std::vector<double> intercept;        // one per class pair, or 1
  std::vector<int32_t> n_support;       // per class (classifiers)
  std::vector<int32_t> sv_start;        // first support vector of each class (derived)
  bool probability = false;             // probA/probB present (classifiers)
  std::vector<double> prob_a, prob_b;   // one per class pair
  bool ovr = true;                      // decision_function_shape == "ovr"
  bool break_ties = false;
  double offset = 0.0;                  // OneClassSVM offset_
  LabelValues classes;                  // classifiers

  SvmModel() = default;
  SvmModel(SvmModel&&) = default;
  SvmModel& operator=(SvmModel&&) = default;
  SvmModel Clone() const { return SvmModel(*this); }

 private:
  SvmModel(const SvmModel&) = default;
};

// Borrowed fitted attributes (spans live for the call only).
struct SvmInput {
  SvmKind kind = SvmKind::kSvc;
  SvmKernel kernel = SvmKernel::kRbf;
  int64_t degree = 3;
  double gamma = 0.0;
  double coef0 = 0.0;
  std::optional<int64_t> n_features_in;      // n_features_in_ or shape_fit_[1]
  std::span<const double> support_vectors;   // support_vectors_, C order
  std::vector<uint64_t> support_vectors_shape;
  std::span<const double> dual_coef;         // _dual_coef_
  std::vector<uint64_t> dual_coef_shape;
  std::span<const double> intercept;         // _intercept_
  std::span<const int64_t> n_support;        // _n_support (classifiers)
  bool probability = false;
  std::span<const double> prob_a, prob_b;    // _probA / _probB (classifiers with probability)
  bool ovr = true;
  bool break_ties = false;
  double offset = 0.0;                       // OneClassSVM
  LabelValues classes;                       // classifiers
};

// Checks and copies. kCorruption names the place, e.g.
// "<path>._n_support: counts sum to 58 but support_vectors_ has 60 rows".
// Rules (kLimitExceeded for sizes past int32 or overflowing products):
// - kind and kernel enum values in range;
// - support_vectors_ 2-d [n_sv, n_features], n_features >= 1 and equal to
//   n_features_in_ when given; _dual_coef_ 2-d [rows, n_sv];
// - classifiers: >= 2 classes; _n_support has one count >= 0 per class and
//   the counts sum to n_sv; rows = n_classes - 1; _intercept_ has
//   n_classes (n_classes - 1) / 2 values; with probability, _probA and
//   _probB have that many too; break_ties only with "ovr";
// - regressors and one-class: no classes, rows = 1, one intercept;
// - everything finite; gamma >= 0 for poly/rbf/sigmoid (libsvm refuses
//   gamma < 0); degree in [0, kMaxSvmDegree] for poly.
Result<SvmModel> BuildSvm(const SvmInput& in, std::string_view path);

std::optional<SvmKernel> ParseSvmKernel(std::string_view name);
std::string_view SvmKernelName(SvmKernel k);
std::string_view SvmClassName(SvmKind k);

// libsvm's dec_values: rows x pairs (classifiers) or rows x 1.
Result<Matrix> SvmDecisionValues(const SvmModel& m, MatrixView x);
Result<Prediction> SvmPredict(const SvmModel& m, MatrixView x);
Result<Matrix> SvmDecisionFunction(const SvmModel& m, MatrixView x);
Result<Matrix> SvmPredictProba(const SvmModel& m, MatrixView x);
Result<Matrix> SvmScoreSamples(const SvmModel& m, MatrixView x);

// The family protocol (estimator.h).
inline std::string ClassNameOf(const SvmModel& m) { return std::string(SvmClassName(m.kind)); }
std::string Describe(const SvmModel& m);
inline Result<Prediction> Predict(const SvmModel& m, MatrixView x) { return SvmPredict(m, x); }
inline Result<Matrix> DecisionFunction(const SvmModel& m, MatrixView x) { return SvmDecisionFunction(m, x); }
inline Result<Matrix> PredictProba(const SvmModel& m, MatrixView x) { return SvmPredictProba(m, x); }
inline Result<Matrix> ScoreSamples(const SvmModel& m, MatrixView x) { return SvmScoreSamples(m, x); }

}  // namespace safemodel::estimators

#endif  // SAFEMODEL_ESTIMATORS_SVM_H_
