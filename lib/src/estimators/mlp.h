// Multi-layer perceptrons: MLPClassifier and MLPRegressor.
//
// Inference is scikit-learn 1.2.1's BaseMultilayerPerceptron._forward_pass_fast:
// for each layer `a = a @ coefs_[i] + intercepts_[i]`, then the hidden
// activation in place (all layers but the last) and out_activation_ on the
// last. The classifier turns the output into labels as its LabelBinarizer's
// inverse_transform does, driven by the binarizer's y_type_:
//   binary               classes_[output > threshold] (1 output column)
//   multiclass           classes_[argmax of the row] (first maximum)
//   multilabel-indicator the 0/1 matrix (output > threshold), one column per output
// with threshold = (pos_label + neg_label) / 2. predict_proba is the output
// itself, or [1 - p, p] for a single output column; predict_log_proba is
// np.log of that (the protocol's default). Optimizer state, loss curves and
// random states are training-only and never reach this struct.
#ifndef SAFEMODEL_ESTIMATORS_MLP_H_
#define SAFEMODEL_ESTIMATORS_MLP_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "estimators/types.h"
#include "safemodel/status.h"

namespace safemodel::estimators {

// sklearn.neural_network._base.ACTIVATIONS. kExp is the output activation of
// MLPRegressor(loss="poisson") (scikit-learn 1.7+); kSoftmax only as output.
enum class MlpActivation : uint8_t { kIdentity, kLogistic, kTanh, kRelu, kSoftmax, kExp };
inline constexpr uint8_t kMlpActivationCount = 6;

// What the output means: a regressor's values, or the classifier's
// LabelBinarizer.y_type_.
enum class MlpTarget : uint8_t { kRegressor, kBinary, kMulticlass, kMultilabel };
inline constexpr uint8_t kMlpTargetCount = 4;

struct MlpModel {
  MlpTarget target = MlpTarget::kRegressor;
  MlpActivation activation = MlpActivation::kRelu;      // hidden layers
  MlpActivation out_activation = MlpActivation::kIdentity;
  int32_t n_features = 0;
  int32_t n_outputs = 0;
  std::vector<int32_t> widths;                 // n_features, hidden sizes..., n_outputs (n_layers_ values)
  std::vector<std::vector<double>> coefs;      // layer i: widths[i] x widths[i+1], row-major
  std::vector<std::vector<double>> intercepts; // layer i: widths[i+1]
  double threshold = 0.5;                      // (pos_label + neg_label) / 2 (classifiers)
  LabelValues classes;                         // the binarizer's classes_ (classifiers)

  MlpModel() = default;
  MlpModel(MlpModel&&) = default;
  MlpModel& operator=(MlpModel&&) = default;
  MlpModel Clone() const { return MlpModel(*this); }

 private:
  MlpModel(const MlpModel&) = default;
};

// The fitted attributes as found. Borrowed: spans live for the call only.
struct MlpInput {
  MlpTarget target = MlpTarget::kRegressor;
  MlpActivation activation = MlpActivation::kRelu;
  MlpActivation out_activation = MlpActivation::kIdentity;
  std::vector<std::span<const double>> coefs;          // coefs_[i], C order
  std::vector<std::vector<uint64_t>> coef_shapes;      // each [n_in, n_out]
  std::vector<std::span<const double>> intercepts;     // intercepts_[i]
  std::vector<std::vector<uint64_t>> intercept_shapes; // each [n_out]
  std::optional<int64_t> n_features_in;  // n_features_in_ (>= 0.24)
  std::optional<int64_t> n_layers;       // n_layers_
  std::optional<int64_t> n_outputs;      // n_outputs_
  double threshold = 0.5;
  LabelValues classes;         // classifiers only
};

// Checks and copies. kCorruption names the place, e.g.
// "<path>.coefs_[1]: shape [3, 4] does not follow coefs_[0]'s 5 outputs",
// "<path>.intercepts_[0][2]: nan is not finite". Rules:
// - at least one layer; coefs_ and intercepts_ have the same count; each
//   coefs_[i] 2-d with both sizes in [1, INT32_MAX] (kLimitExceeded above)
//   and exactly rows * cols values; coefs_[i+1] has as many rows as
//   coefs_[i] has columns; intercepts_[i] 1-d with coefs_[i]'s column count;
// - n_features_in_, n_layers_ (= layers + 1) and n_outputs_ agree when given;
// - every weight and bias finite; threshold finite;
// - activation one of identity/logistic/tanh/relu; out_activation one of
//   identity/logistic/softmax (classifiers) or identity/logistic/softmax/exp
//   (regressors); enum values in range;
// - regressors have no classes; binary has 1 output and 1 or 2 classes;
//   multiclass and multilabel have one output per class (>= 2 and >= 1).
Result<MlpModel> BuildMlp(const MlpInput& in, std::string_view path);

// Names as scikit-learn writes them ("relu", "softmax", ...; "multilabel-
// indicator" for kMultilabel). Parse returns nullopt for anything else.
std::string_view MlpActivationName(MlpActivation a);
std::optional<MlpActivation> ParseMlpActivation(std::string_view name);
std::optional<MlpTarget> ParseMlpTarget(std::string_view y_type);

// The forward pass: rows x n_outputs after out_activation.
Result<Matrix> MlpForward(const MlpModel& m, MatrixView x);
Result<Prediction> MlpPredict(const MlpModel& m, MatrixView x);
// Classifiers only (kUnsupported for MLPRegressor).
Result<Matrix> MlpPredictProba(const MlpModel& m, MatrixView x);

// The family protocol (estimator.h).
std::string ClassNameOf(const MlpModel& m);
std::string Describe(const MlpModel& m);
inline Result<Prediction> Predict(const MlpModel& m, MatrixView x) { return MlpPredict(m, x); }
inline Result<Matrix> PredictProba(const MlpModel& m, MatrixView x) { return MlpPredictProba(m, x); }

}  // namespace safemodel::estimators

#endif  // SAFEMODEL_ESTIMATORS_MLP_H_
