// Estimator: any supported family, and Pipeline of them, behind one set of
// inference calls (predict, predict_proba, predict_log_proba,
// decision_function, transform, score_samples).
//
// A family is a struct in this namespace with an `int32_t n_features`
// member (n_features_in_) and these free functions, found by overload:
//   std::string ClassNameOf(const T&);   scikit-learn class name
//   std::string Describe(const T&);      one line for `safemodel inspect`
// and any of
//   Result<Prediction> Predict(const T&, MatrixView);
//   Result<Matrix> PredictProba / PredictLogProba / DecisionFunction /
//                  Transform / ScoreSamples(const T&, MatrixView);
// A method the family does not declare is kUnsupported. A family with
// PredictProba but no PredictLogProba gets log(predict_proba), as most of
// scikit-learn does. A family is a transformer iff it has Transform. Adding a
// family: its own files, then one entry in Estimator::model below.
//
// Ownership: an Estimator owns everything it holds. Move-only; Clone() copies.
// Thread-safety: inference is const and touches no shared state; one model may
// serve many threads.
//
// Errors from inference: kInvalidArgument for a bad X (wrong column count,
// NaN/inf where scikit-learn refuses it), kUnsupported for a method the
// estimator does not have (scikit-learn raises AttributeError there).
#ifndef SAFEMODEL_ESTIMATORS_ESTIMATOR_H_
#define SAFEMODEL_ESTIMATORS_ESTIMATOR_H_

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "estimators/linear.h"
#include "estimators/mlp.h"
#include "estimators/scaler.h"
#include "estimators/svm.h"
#include "estimators/tree.h"
#include "estimators/types.h"
#include "safemodel/status.h"

namespace safemodel::estimators {

struct Estimator;

// sklearn.pipeline.Pipeline with "passthrough"/None steps already dropped by
// the mapper. Every step but the last is a transformer; the last may be
// anything. With an empty step list (all passthrough) transform is identity.
struct Pipeline {
  std::vector<std::string> names;   // step names, parallel to steps
  std::vector<Estimator> steps;

  Pipeline();
  Pipeline(Pipeline&&) noexcept;
  Pipeline& operator=(Pipeline&&) noexcept;
  ~Pipeline();
  Pipeline Clone() const;
};
std::string ClassNameOf(const Pipeline& p);

struct Estimator {
  std::variant<LinearModel, TreeModel, StandardScaler, MinMaxScaler, Pipeline, MlpModel, SvmModel> model;
  // The one-line summary `safemodel inspect` prints.
  std::string Describe() const;

  Estimator Clone() const;
  // scikit-learn class name: "RandomForestClassifier", "Pipeline", ...
  std::string ClassName() const;
  // n_features_in_ of the first step.
  int32_t NumFeatures() const;
  // Has transform (scalers, and pipelines whose last step has it).
  bool IsTransformer() const;
};

// Largest pipeline nesting depth BuildPipeline accepts (stack bound for the
// recursive inference calls).
inline constexpr int kMaxPipelineDepth = 16;

// Takes ownership of built steps and checks the chain: every step but the last
// is a transformer, each step's n_features equals the previous one's (scalers
// keep the width), nesting <= kMaxPipelineDepth. Errors name
// "<path>.steps[i]" (kCorruption, or kLimitExceeded for depth).
Result<Estimator> BuildPipeline(std::vector<std::string> names, std::vector<Estimator> steps, std::string_view path);

Result<Prediction> Predict(const Estimator& e, MatrixView x);
Result<Matrix> PredictProba(const Estimator& e, MatrixView x);
Result<Matrix> PredictLogProba(const Estimator& e, MatrixView x);
Result<Matrix> DecisionFunction(const Estimator& e, MatrixView x);
Result<Matrix> Transform(const Estimator& e, MatrixView x);
Result<Matrix> ScoreSamples(const Estimator& e, MatrixView x);

}  // namespace safemodel::estimators

#endif  // SAFEMODEL_ESTIMATORS_ESTIMATOR_H_
