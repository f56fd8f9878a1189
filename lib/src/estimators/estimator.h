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
//   int32_t TransformWidth(const T&);    transform's column count, when it is
//                                        not n_features

//   Result<Matrix> PredictProba / PredictLogProba / DecisionFunction /
//                  Transform / ScoreSamples(const T&, MatrixView);
// A family that reads string (categorical) columns declares
//   Result<Matrix> Transform(const T&, const TableView&);
// instead of the MatrixView one (it gets numeric tables too).
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

#include <concepts>
#include <string>
#include <type_traits>
#include <string_view>
#include <variant>
#include <vector>

#include "estimators/boosting.h"
#include "estimators/custom.h"
#include "estimators/decomposition.h"
#include "estimators/ensemble.h"
#include "estimators/encoders.h"
#include "estimators/kmeans.h"
#include "estimators/knn.h"
#include "estimators/linear.h"
#include "estimators/meta.h"
#include "estimators/mlp.h"
#include "estimators/naive_bayes.h"
#include "estimators/preprocessing.h"
#include "estimators/scaler.h"
#include "estimators/svm.h"
#include "estimators/text.h"
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
  using Model = std::variant<LinearModel, TreeModel, StandardScaler, MinMaxScaler, Pipeline, GaussianNB, DiscreteNB,
                             KMeans, Decomposition, ColumnScaler, Normalizer, Binarizer, SimpleImputer,
                             PolynomialFeatures, KBinsDiscretizer, GradientBoostingModel, HistGradientBoostingModel,
                             DummyModel, MlpModel, SvmModel, KnnModel, IsolationForestModel, AdaBoostModel, VotingModel,
                             StackingModel, OneVsRestModel, CalibratedModel, CategoricalEncoder, ColumnTransformer,
                             TextVectorizer, TfidfTransformer, DictVectorizer, CustomEstimator>;

  // Estimator{family_struct}; explicit, so that a family never converts to
  // an Estimator silently (the dispatch relies on it).
  template <class T>
    requires std::constructible_from<Model, T&&> && (!std::same_as<std::remove_cvref_t<T>, Estimator>)
  explicit Estimator(T&& m) : model(std::forward<T>(m)) {}

  Model model;
  // feature_names_in_ of a model fitted on a DataFrame (empty otherwise):
  // NumFeatures() unique names. Set with SetFeatureNames.
  std::vector<std::string> feature_names;
  // The one-line summary `safemodel inspect` prints.
  std::string Describe() const;

  Estimator Clone() const;
  // scikit-learn class name: "RandomForestClassifier", "Pipeline", ...
  std::string ClassName() const;
  // n_features_in_ (of the first step that fixes it); kAnyWidth for a
  // transformer that takes any width (Normalizer, Binarizer before 0.24).
  int32_t NumFeatures() const;
  // Columns transform returns: TransformWidth(model) if the family declares
  // it, else n_features; kAnyWidth when that is the input's width.
  int32_t TransformWidth() const;
  // Has transform (scalers, and pipelines whose last step has it).
  bool IsTransformer() const;
};

// Checks and sets e.feature_names: one name per input column, unique, none
// empty. kCorruption naming `path` and the offending name.
Status SetFeatureNames(Estimator& e, std::vector<std::string> names, std::string_view path);

// True if `e` reads documents, one whole string per row (a text vectorizer,
// or a Pipeline that starts with one): callers should not split input lines
// into cells for it.
bool TakesDocuments(const Estimator& e);

// True if each output row depends on its input row alone, so that a batch
// may be cut into parts run apart (on several threads) with the very same
// result. False for anything holding a k-nearest-neighbours model.
bool RowIndependent(const Estimator& e);

// Largest pipeline nesting depth BuildPipeline accepts (stack bound for the
// recursive inference calls).
inline constexpr int kMaxPipelineDepth = 16;

// Takes ownership of built steps and checks the chain: every step but the last
// is a transformer, each step's n_features equals the width the steps before
// produce (kAnyWidth steps keep whatever they get), nesting <= kMaxPipelineDepth. Errors name
// "<path>.steps[i]" (kCorruption, or kLimitExceeded for depth).
Result<Estimator> BuildPipeline(std::vector<std::string> names, std::vector<Estimator> steps, std::string_view path);

Result<Prediction> Predict(const Estimator& e, MatrixView x);
Result<Matrix> PredictProba(const Estimator& e, MatrixView x);
Result<Matrix> PredictLogProba(const Estimator& e, MatrixView x);
Result<Matrix> DecisionFunction(const Estimator& e, MatrixView x);
Result<Matrix> Transform(const Estimator& e, MatrixView x);
Result<Matrix> ScoreSamples(const Estimator& e, MatrixView x);

// The same for tables with string cells: the first step that reads strings
// gets the table, the rest numbers; an estimator that takes only numbers
// refuses a string cell naming it (NumericView).
Result<Prediction> Predict(const Estimator& e, const TableView& x);
Result<Matrix> PredictProba(const Estimator& e, const TableView& x);
Result<Matrix> PredictLogProba(const Estimator& e, const TableView& x);
Result<Matrix> DecisionFunction(const Estimator& e, const TableView& x);
Result<Matrix> Transform(const Estimator& e, const TableView& x);
Result<Matrix> ScoreSamples(const Estimator& e, const TableView& x);

}  // namespace safemodel::estimators

#endif  // SAFEMODEL_ESTIMATORS_ESTIMATOR_H_
