// Isolation forest and AdaBoost: IsolationForest, AdaBoostClassifier (SAMME
// and SAMME.R) and AdaBoostRegressor. Their members are scikit-learn trees
// (ExtraTreeRegressor, DecisionTreeClassifier, DecisionTreeRegressor), held
// as a TreeModel built by the tree builder (tree.h) and walked by its
// TreeApply, so X is rounded to float32 and compared as the trees do.
//
// Arithmetic follows scikit-learn 1.2.1 operation by operation:
//   IsolationForest (_iforest.py): depth[i] = sum over trees, in order, of
//     ((node depth of the leaf + 1) + _average_path_length(n_node_samples of
//     the leaf)) - 1.0; score_samples = -2 ** -(depth / (n_trees *
//     _average_path_length(max_samples_))) (0.5 when that denominator is 0);
//     decision_function = score_samples - offset_; predict -1 where
//     decision_function < 0, else 1.
//   AdaBoostClassifier (_weight_boosting.py): decision = (sum over trees of
//     SAMME.R's (K - 1) * (log p - (1/K) * sum(log p)) with p clipped to eps,
//     or SAMME's w_t * onehot(tree predict)) / sum(estimator_weights_); binary
//     folds to -d0 + d1; predict_proba = softmax(decision / (K - 1)) (binary:
//     softmax([-d, d] / 2)).
//   AdaBoostRegressor: the weighted median of the trees' predictions
//     (_get_median_predict: stable cumsum of the weights in sorted order, the
//     first at or above half the total).
#ifndef SAFEMODEL_ESTIMATORS_ENSEMBLE_H_
#define SAFEMODEL_ESTIMATORS_ENSEMBLE_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "estimators/tree.h"
#include "estimators/types.h"
#include "safemodel/status.h"

namespace safemodel::estimators {

// ---- IsolationForest --------------------------------------------------------

struct IsolationForestModel {
  std::string class_name;             // "IsolationForest"
  int32_t n_features = 0;             // n_features_in_
  int32_t max_features = 0;           // _max_features: each tree's input width
  int64_t max_samples = 0;            // max_samples_
  double offset = 0.0;                // offset_
  std::vector<int32_t> features;      // estimators_features_: n_trees x max_features, row-major
  std::vector<std::vector<int64_t>> n_node_samples;  // per tree, per node
  // estimators_ as in the file: ExtraTreeRegressor trees over max_features
  // inputs, one output, combine kAverage (a container).
  TreeModel trees;
  // Derived by the builder (not stored): the trees with their features
  // renamed to X's columns when scikit-learn subsamples features
  // (max_features != n_features), else a copy; and per tree and node the
  // term ((depth + 1) + _average_path_length(n_node_samples)) - 1.0.
  TreeModel walk;
  std::vector<std::vector<double>> leaf_term;
  double denominator = 0.0;           // n_trees * _average_path_length(max_samples_)

  IsolationForestModel() = default;
  IsolationForestModel(IsolationForestModel&&) = default;
  IsolationForestModel& operator=(IsolationForestModel&&) = default;
  IsolationForestModel Clone() const;
};

struct IsolationForestInput {
  std::string_view class_name = "IsolationForest";
  int64_t n_features = 0;
  int64_t max_features = 0;
  int64_t max_samples = 0;
  double offset = 0.0;
  std::vector<std::span<const int64_t>> features;        // one per tree
  std::vector<std::span<const int64_t>> n_node_samples;  // one per tree
  TreeModel trees;                                       // built by BuildTreeModel, moved in
  // scikit-learn >= 1.3 stores what it derives from the trees: the builder
  // checks them against its own (empty: absent).
  std::vector<std::span<const double>> decision_path_lengths;
  std::vector<std::span<const double>> average_path_length_per_tree;
};

// scikit-learn's _average_path_length of one count.
double AveragePathLength(double n);

// Checks: n_features >= 1; 1 <= max_features <= n_features; trees are
// one-output regression trees over max_features inputs (>= 1 tree); one
// feature list per tree of max_features indices in [0, n_features); one
// n_node_samples per node, each >= 1 and each internal node's the sum of its
// children's; max_samples >= 1; offset finite; the >= 1.3 arrays, when
// given, one per tree and node and equal to what the trees give (path
// lengths exactly, average path lengths within 1e-12 relative).
Result<IsolationForestModel> BuildIsolationForest(IsolationForestInput in, std::string_view path);

Result<Matrix> IsolationForestScoreSamples(const IsolationForestModel& m, MatrixView x);
Result<Matrix> IsolationForestDecisionFunction(const IsolationForestModel& m, MatrixView x);
// -1 (outlier) / 1 (inlier) as int64 labels.
Result<Prediction> IsolationForestPredict(const IsolationForestModel& m, MatrixView x);

inline std::string ClassNameOf(const IsolationForestModel& m) { return m.class_name; }
std::string Describe(const IsolationForestModel& m);
inline Result<Prediction> Predict(const IsolationForestModel& m, MatrixView x) { return IsolationForestPredict(m, x); }
inline Result<Matrix> DecisionFunction(const IsolationForestModel& m, MatrixView x) {
  return IsolationForestDecisionFunction(m, x);
}
inline Result<Matrix> ScoreSamples(const IsolationForestModel& m, MatrixView x) {
  return IsolationForestScoreSamples(m, x);
}

// ---- AdaBoostClassifier / AdaBoostRegressor ---------------------------------

enum class AdaAlgorithm : uint8_t {
  kSamme,      // classifier, discrete
  kSammeR,     // classifier, real (probabilities)
  kRegressor,  // AdaBoostRegressor (AdaBoost.R2): weighted median
};
inline constexpr int kAdaAlgorithmCount = 3;

struct AdaBoostModel {
  std::string class_name;
  AdaAlgorithm algorithm = AdaAlgorithm::kSamme;
  int32_t n_features = 0;
  LabelValues classes;                      // classifiers
  std::vector<double> estimator_weights;    // estimator_weights_ (>= n_trees entries; zeros past early stop)
  // estimators_: DecisionTreeClassifier (classes = classes_) or
  // DecisionTreeRegressor trees, one output, combine kAverage (a container).
  TreeModel trees;
  double weight_sum = 0.0;                  // derived: estimator_weights_.sum() (numpy's pairwise order)

  AdaBoostModel() = default;
  AdaBoostModel(AdaBoostModel&&) = default;
  AdaBoostModel& operator=(AdaBoostModel&&) = default;
  AdaBoostModel Clone() const;
};

struct AdaBoostInput {
  std::string_view class_name;
  AdaAlgorithm algorithm = AdaAlgorithm::kSamme;
  int64_t n_features = 0;
  LabelValues classes;
  std::span<const double> estimator_weights;
  TreeModel trees;
};

// Checks: classifiers have >= 2 classes and classifier trees holding the same
// classes_; the regressor has regression trees and no classes; trees have
// one output over n_features inputs (>= 1 tree); estimator_weights_ has at
// least one entry per tree, each finite and >= 0, and (classifiers) a
// positive sum.
Result<AdaBoostModel> BuildAdaBoost(AdaBoostInput in, std::string_view path);

Result<Matrix> AdaBoostDecisionFunction(const AdaBoostModel& m, MatrixView x);
Result<Prediction> AdaBoostPredict(const AdaBoostModel& m, MatrixView x);
Result<Matrix> AdaBoostPredictProba(const AdaBoostModel& m, MatrixView x);

inline std::string ClassNameOf(const AdaBoostModel& m) { return m.class_name; }
std::string Describe(const AdaBoostModel& m);
inline Result<Prediction> Predict(const AdaBoostModel& m, MatrixView x) { return AdaBoostPredict(m, x); }
inline Result<Matrix> PredictProba(const AdaBoostModel& m, MatrixView x) { return AdaBoostPredictProba(m, x); }
inline Result<Matrix> DecisionFunction(const AdaBoostModel& m, MatrixView x) { return AdaBoostDecisionFunction(m, x); }

}  // namespace safemodel::estimators

#endif  // SAFEMODEL_ESTIMATORS_ENSEMBLE_H_
