// Meta-estimators whose members are any supported estimator:
// VotingClassifier/VotingRegressor, StackingClassifier/StackingRegressor,
// OneVsRestClassifier and CalibratedClassifierCV, with scikit-learn 1.2.1's
// arithmetic.
//
// Members are full Estimators (estimator.h), held by value; this header only
// forward-declares Estimator, so the structs' special members live in meta.cc.
// The builders take the members by value and check how they fit together:
// every member reads the meta-estimator's input width, classifier members
// carry the encoded classes 0..k-1 the meta-estimator trained them on, and
// each member has the method the meta-estimator will call (found by running
// it on one row of zeros, as scikit-learn's hasattr would find it).
// Nesting depth is bounded by the callers (decoder, mapper).
#ifndef SAFEMODEL_ESTIMATORS_META_H_
#define SAFEMODEL_ESTIMATORS_META_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "estimators/types.h"
#include "safemodel/status.h"

namespace safemodel::estimators {

struct Estimator;

// Which member method a meta-estimator calls (stack_method_, and the
// decision_function-else-predict_proba choice of calibration and one-vs-rest).
enum class MemberMethod : uint8_t { kPredict = 0, kPredictProba = 1, kDecisionFunction = 2 };
inline constexpr unsigned kMemberMethodCount = 3;
std::string_view MemberMethodName(MemberMethod m);

// ---- Voting -------------------------------------------------------------------

struct VotingModel {
  bool classifier = true;
  bool soft = false;               // voting == "soft" (classifiers)
  bool flatten_transform = true;   // soft transform: hstack of the probabilities
  int32_t n_features = 0;
  std::vector<Estimator> estimators;   // estimators_ ("drop"/None already left out)
  std::vector<double> weights;         // per member, or empty (equal weights)
  LabelValues classes;                 // classifiers: le_.classes_ (>= 2)

  VotingModel();
  VotingModel(VotingModel&&) noexcept;
  VotingModel& operator=(VotingModel&&) noexcept;
  ~VotingModel();
  VotingModel Clone() const;
};

struct VotingInput {
  bool classifier = true;
  bool soft = false;
  bool flatten_transform = true;
  std::vector<Estimator>* estimators = nullptr;  // moved from on success
  std::span<const double> weights;               // empty: None
  LabelValues classes;
};
// Checks: >= 1 member; all members read one width; weights finite, one per
// member, summing to non-zero for soft voting / regressors (np.average);
// classifiers: >= 2 classes, every member a classifier with classes 0..k-1,
// soft voting members have predict_proba. Errors name "<path>.estimators_[i]".
Result<VotingModel> BuildVoting(VotingInput in, std::string_view path);

std::string ClassNameOf(const VotingModel& m);
std::string Describe(const VotingModel& m);
int32_t TransformWidth(const VotingModel& m);
// Hard: classes_[argmax(bincount(member predictions, weights))]; soft:
// classes_[argmax(predict_proba)]; regressor: np.average of the predictions.
Result<Prediction> Predict(const VotingModel& m, const TableView& x);
// Soft voting only: np.average of the members' probabilities.
Result<Matrix> PredictProba(const VotingModel& m, const TableView& x);
// Soft: the members' probabilities side by side; hard: their encoded
// predictions; regressor: their predictions.
Result<Matrix> Transform(const VotingModel& m, const TableView& x);

// ---- Stacking -----------------------------------------------------------------

struct StackingModel {
  bool classifier = true;
  bool passthrough = false;
  int32_t n_features = 0;
  std::vector<Estimator> estimators;    // estimators_
  std::vector<MemberMethod> methods;    // stack_method_, per member
  std::vector<Estimator> final_estimator;  // exactly one: final_estimator_
  LabelValues classes;                  // classifiers: the label encoder's classes_
  // Derived: columns each member adds to the final estimator's input.
  std::vector<int32_t> widths;

  StackingModel();
  StackingModel(StackingModel&&) noexcept;
  StackingModel& operator=(StackingModel&&) noexcept;
  ~StackingModel();
  StackingModel Clone() const;
};

struct StackingInput {
  bool classifier = true;
  bool passthrough = false;
  std::vector<Estimator>* estimators = nullptr;     // moved from on success
  std::vector<MemberMethod> methods;
  Estimator* final_estimator = nullptr;             // moved from on success
  LabelValues classes;
};
// Checks: >= 1 member, one method per member that the member has, members
// of one width; classifiers: >= 2 classes, classifier members (and the final
// estimator) with classes 0..k-1; the final estimator reads exactly the
// width the members (and passthrough X) produce.
Result<StackingModel> BuildStacking(StackingInput in, std::string_view path);

std::string ClassNameOf(const StackingModel& m);
std::string Describe(const StackingModel& m);
int32_t TransformWidth(const StackingModel& m);
Result<Prediction> Predict(const StackingModel& m, const TableView& x);
Result<Matrix> PredictProba(const StackingModel& m, const TableView& x);
Result<Matrix> DecisionFunction(const StackingModel& m, const TableView& x);
// The members' outputs side by side (binary predict_proba without its first
// column), then X when passthrough.
Result<Matrix> Transform(const StackingModel& m, const TableView& x);

// ---- One-vs-rest --------------------------------------------------------------

struct OneVsRestModel {
  int32_t n_features = 0;
  bool multilabel = false;             // label_binarizer_.y_type_ multilabel-indicator
  std::vector<Estimator> estimators;   // one binary classifier per class (one for 2 classes)
  LabelValues classes;
  // Derived: members' score method (decision_function, else predict_proba[:, 1])
  // and the binary threshold (0 with decision_function, else 0.5).
  MemberMethod score = MemberMethod::kDecisionFunction;
  double threshold = 0.0;

  OneVsRestModel();
  OneVsRestModel(OneVsRestModel&&) noexcept;
  OneVsRestModel& operator=(OneVsRestModel&&) noexcept;
  ~OneVsRestModel();
  OneVsRestModel Clone() const;
};

struct OneVsRestInput {
  int64_t n_features_in = -1;          // n_features_in_, -1 when absent
  bool multilabel = false;
  std::vector<Estimator>* estimators = nullptr;
  LabelValues classes;
};
// Checks: 1 member for 2 classes (not multilabel), else one per class; each
// a classifier with classes {0, 1} and decision_function or predict_proba;
// one width, equal to n_features_in_ when given.
Result<OneVsRestModel> BuildOneVsRest(OneVsRestInput in, std::string_view path);

std::string ClassNameOf(const OneVsRestModel& m);
std::string Describe(const OneVsRestModel& m);
Result<Prediction> Predict(const OneVsRestModel& m, const TableView& x);
Result<Matrix> PredictProba(const OneVsRestModel& m, const TableView& x);
Result<Matrix> DecisionFunction(const OneVsRestModel& m, const TableView& x);

// ---- Calibration --------------------------------------------------------------

// _SigmoidCalibration (a_, b_) or IsotonicRegression (thresholds).
struct Calibrator {
  bool isotonic = false;
  double a = 0.0, b = 0.0;                 // sigmoid: expit(-(a * t + b))
  std::vector<double> x, y;                // isotonic: X_thresholds_ (increasing), y_thresholds_
  double x_min = 0.0, x_max = 0.0;         // X_min_, X_max_ (clip bounds)
  bool clip = true;                        // out_of_bounds == "clip" (else "nan")
};

struct CalibratedModel {
  int32_t n_features = 0;
  bool isotonic = false;                   // method
  std::vector<Estimator> estimators;       // calibrated_classifiers_[i].estimator
  std::vector<std::vector<Calibrator>> calibrators;   // per member
  LabelValues classes;
  // Derived per member: decision_function or predict_proba, and the column
  // of classes_ each calibrator fills.
  std::vector<MemberMethod> methods;
  std::vector<std::vector<int32_t>> positions;

  CalibratedModel();
  CalibratedModel(CalibratedModel&&) noexcept;
  CalibratedModel& operator=(CalibratedModel&&) noexcept;
  ~CalibratedModel();
  CalibratedModel Clone() const;
};

struct CalibratedInput {
  int64_t n_features_in = -1;
  bool isotonic = false;
  std::vector<Estimator>* estimators = nullptr;
  std::vector<std::vector<Calibrator>> calibrators;
  std::vector<LabelValues> member_classes;   // each _CalibratedClassifier's classes (== classes_)
  LabelValues classes;
};
// Checks: >= 1 calibrated classifier; >= 2 classes; each member a classifier
// of the meta width whose classes are a subset of classes_ (all of them for
// 2 classes), with one calibrator per class (one for 2 classes) of the
// method's kind; sigmoid a_, b_ finite; isotonic X_thresholds_ strictly
// increasing, y_thresholds_ of the same length, all finite, X_min_ <= X_max_.
Result<CalibratedModel> BuildCalibrated(CalibratedInput in, std::string_view path);
Status CheckCalibrator(const Calibrator& c, std::string_view path);

std::string ClassNameOf(const CalibratedModel& m);
std::string Describe(const CalibratedModel& m);
// classes_[argmax(predict_proba)].
Result<Prediction> Predict(const CalibratedModel& m, const TableView& x);
// Mean over the calibrated classifiers of their calibrated probabilities.
Result<Matrix> PredictProba(const CalibratedModel& m, const TableView& x);

}  // namespace safemodel::estimators

#endif  // SAFEMODEL_ESTIMATORS_META_H_
