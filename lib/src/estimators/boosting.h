// Gradient boosting: GradientBoostingClassifier/Regressor (trees of
// sklearn.tree._tree.Tree summed with a learning rate on top of an init
// estimator), HistGradientBoostingClassifier/Regressor (TreePredictor nodes
// with NaN routing and categorical bitsets on top of a baseline), and
// DummyClassifier/DummyRegressor (GradientBoosting's default init_, also
// usable on their own).
//
// What differs between scikit-learn versions is how raw scores become
// labels and probabilities; the mapper reads that from the class of the
// pickled loss object and records it as a BoostLoss. Arithmetic follows
// scikit-learn 1.2.1 (and, for the newer loss classes, the release that
// introduced them) operation by operation:
//   GradientBoosting raw = init raw + sum over stages, in stage order, of
//     learning_rate * tree value (sklearn's predict_stages), with X rounded
//     to float32 and compared as the trees do (tree.h);
//   HistGradientBoosting raw = baseline + sum over iterations of the leaf
//     values, X kept in float64 (_predictor.pyx).
#ifndef SAFEMODEL_ESTIMATORS_BOOSTING_H_
#define SAFEMODEL_ESTIMATORS_BOOSTING_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "estimators/tree.h"
#include "estimators/types.h"
#include "safemodel/status.h"

namespace safemodel::estimators {

enum class BoostTask : uint8_t { kClassifier, kRegressor };

// How raw scores become predictions and probabilities. One value per
// behaviour of a loss class (the classes are listed in docs/ESTIMATORS.md).
enum class BoostLoss : uint8_t {
  kIdentity,            // regressors: the raw score is the prediction
  kLog,                 // HistGradientBoosting poisson/gamma: exp(raw)
  kBinomialProbaArgmax, // proba [1 - expit(r), expit(r)]; predict argmax(proba)
  kBinomialRawSign,     // same proba; predict r >= 0 (GradientBoosting >= 1.4)
  kExponential,         // proba [1 - expit(2r), expit(2r)]; predict r >= 0
  kMultinomialLse,      // proba nan_to_num(exp(r - logsumexp(r))); predict argmax(proba)
  kSoftmaxProbaArgmax,  // proba softmax(r); predict argmax(proba) (HistGradientBoosting >= 1.1)
  kSoftmaxRawArgmax,    // proba softmax(r); predict argmax(r) (GradientBoosting >= 1.4)
};
inline constexpr int kBoostLossCount = 8;
std::string_view BoostLossName(BoostLoss loss);

// ---- DummyClassifier / DummyRegressor ---------------------------------------

// "stratified" (and "uniform" predict) draw random numbers in scikit-learn;
// the mapper refuses stratified, and uniform's predict is kUnsupported.
enum class DummyStrategy : uint8_t { kMostFrequent, kPrior, kUniform, kConstant, kRegressorConstant };
inline constexpr int kDummyStrategyCount = 5;

struct DummyModel {
  std::string class_name;            // "DummyClassifier" or "DummyRegressor"
  BoostTask task = BoostTask::kRegressor;
  DummyStrategy strategy = DummyStrategy::kRegressorConstant;
  // scikit-learn's Dummy* never look at X's columns (nor its values): 0
  // means "any width"; only n_samples matters.
  int32_t n_features = 0;
  LabelValues classes;               // classifiers: classes_ (>= 1 label)
  std::vector<double> class_prior;   // classifiers: class_prior_, one per class
  int32_t constant_index = -1;       // kConstant: index of `constant` in classes_
  std::vector<double> constant;      // regressors: constant_, one per output

  DummyModel() = default;
  DummyModel(DummyModel&&) = default;
  DummyModel& operator=(DummyModel&&) = default;
  DummyModel Clone() const { return DummyModel(*this); }

 private:
  DummyModel(const DummyModel&) = default;
};

struct DummyInput {
  std::string_view class_name;
  BoostTask task = BoostTask::kRegressor;
  DummyStrategy strategy = DummyStrategy::kRegressorConstant;
  LabelValues classes;
  std::span<const double> class_prior;
  int64_t constant_index = -1;
  std::span<const double> constant;
};

// Classifiers: >= 1 class, class_prior_ has one value per class, each in
// [0, 1] and together summing to 1 (within 1e-6), constant_index in range
// for kConstant (else -1). Regressors: strategy kRegressorConstant, >= 1
// finite constant_, no classes. Errors name "<path>.<field>".
Result<DummyModel> BuildDummy(const DummyInput& in, std::string_view path);

// The row every sample gets from predict_proba (classifiers).
std::vector<double> DummyRowProba(const DummyModel& m);

Result<Prediction> DummyPredict(const DummyModel& m, MatrixView x);
Result<Matrix> DummyPredictProba(const DummyModel& m, MatrixView x);

inline std::string ClassNameOf(const DummyModel& m) { return m.class_name; }
std::string Describe(const DummyModel& m);
inline Result<Prediction> Predict(const DummyModel& m, MatrixView x) { return DummyPredict(m, x); }
inline Result<Matrix> PredictProba(const DummyModel& m, MatrixView x) { return DummyPredictProba(m, x); }

// ---- GradientBoostingClassifier / GradientBoostingRegressor ------------------

enum class BoostInit : uint8_t {
  kZero,   // init='zero'
  kDummy,  // DummyClassifier (its predict_proba through the loss's link) or DummyRegressor
  kRaw,    // scikit-learn < 0.21 init estimators (LogOddsEstimator, PriorProbabilityEstimator,
           // MeanEstimator, QuantileEstimator, ZeroEstimator): their constant raw prediction
};
inline constexpr int kBoostInitCount = 3;

struct GradientBoostingModel {
  std::string class_name;
  BoostTask task = BoostTask::kRegressor;
  BoostLoss loss = BoostLoss::kIdentity;
  int32_t n_features = 0;
  int32_t trees_per_stage = 1;        // K: 1, or n_classes for multiclass
  int32_t n_stages = 0;
  double learning_rate = 0.1;
  BoostInit init = BoostInit::kZero;
  std::optional<DummyModel> init_dummy;  // kDummy
  std::vector<double> init_raw;          // kRaw: K values
  LabelValues classes;                   // classifiers
  // n_stages * K DecisionTreeRegressor trees, stage-major (estimators_[i, k]
  // is trees[i * K + k]); one output, one value per node.
  TreeModel trees;

  GradientBoostingModel() = default;
  GradientBoostingModel(GradientBoostingModel&&) = default;
  GradientBoostingModel& operator=(GradientBoostingModel&&) = default;
  GradientBoostingModel Clone() const;
};

// Owns what it is given: the trees are an already built TreeModel (from the
// tree builder), moved in.
struct GradientBoostingInput {
  std::string_view class_name;
  BoostTask task = BoostTask::kRegressor;
  BoostLoss loss = BoostLoss::kIdentity;
  int64_t n_features = 0;
  int64_t trees_per_stage = 1;
  double learning_rate = 0.1;
  BoostInit init = BoostInit::kZero;
  std::optional<DummyModel> init_dummy;
  std::vector<double> init_raw;
  LabelValues classes;
  TreeModel trees;
};

// Checks: loss fits the task and class count (binomial/exponential: 2
// classes, K = 1; multinomial: >= 3 classes, K = n_classes; regressors: K =
// 1, identity); learning_rate finite and >= 0; trees are one-output
// regression trees over n_features, n_stages * K of them (>= 1 stage); init
// consistent (a DummyClassifier with as many classes (it is fit on the encoded labels) for classifiers, a
// one-output DummyRegressor for regressors; K finite raw values).
Result<GradientBoostingModel> BuildGradientBoosting(GradientBoostingInput in, std::string_view path);

Result<Matrix> GradientBoostingRaw(const GradientBoostingModel& m, MatrixView x);
Result<Prediction> GradientBoostingPredict(const GradientBoostingModel& m, MatrixView x);
Result<Matrix> GradientBoostingPredictProba(const GradientBoostingModel& m, MatrixView x);
Result<Matrix> GradientBoostingDecisionFunction(const GradientBoostingModel& m, MatrixView x);

inline std::string ClassNameOf(const GradientBoostingModel& m) { return m.class_name; }
std::string Describe(const GradientBoostingModel& m);
inline Result<Prediction> Predict(const GradientBoostingModel& m, MatrixView x) { return GradientBoostingPredict(m, x); }
inline Result<Matrix> PredictProba(const GradientBoostingModel& m, MatrixView x) {
  return GradientBoostingPredictProba(m, x);
}
inline Result<Matrix> DecisionFunction(const GradientBoostingModel& m, MatrixView x) {
  return GradientBoostingDecisionFunction(m, x);
}

// ---- HistGradientBoostingClassifier / HistGradientBoostingRegressor ----------

inline constexpr size_t kBitsetWords = 8;  // a category bitset: 8 x u32 = categories 0..255

// One TreePredictor, as columns. Leaves have left = right = -1 and feature
// -1 (what the file had there is not kept).
struct HistTree {
  int32_t node_count = 0;
  int32_t depth = 0;                     // longest root-to-leaf path
  std::vector<double> value;             // leaf values (already scaled by the learning rate)
  std::vector<int32_t> feature;
  std::vector<double> threshold;         // num_threshold (older files: threshold)
  std::vector<uint8_t> missing_go_to_left;
  std::vector<int32_t> left, right;
  std::vector<uint8_t> is_categorical;
  std::vector<int32_t> bitset_idx;       // row of left_cat_bitsets for categorical nodes
  std::vector<uint32_t> left_cat_bitsets;  // raw_left_cat_bitsets: n_bitsets x 8

  HistTree() = default;
  HistTree(HistTree&&) = default;
  HistTree& operator=(HistTree&&) = default;
  HistTree Clone() const { return HistTree(*this); }

 private:
  HistTree(const HistTree&) = default;
};

// A TreePredictor's node fields (borrowed). Optional columns are empty when
// the file's records lack the field: missing_go_to_left (< 0.22),
// is_categorical and bitset_idx (< 0.24).
struct HistTreeArrays {
  std::span<const double> value;
  std::span<const int64_t> feature_idx;
  std::span<const double> threshold;
  std::span<const uint8_t> missing_go_to_left;
  std::span<const int64_t> left, right;
  std::span<const uint8_t> is_leaf;
  std::span<const uint8_t> is_categorical;
  std::span<const int64_t> bitset_idx;
  std::span<const uint32_t> left_cat_bitsets;  // raw_left_cat_bitsets, C order
  std::vector<uint64_t> bitsets_shape;         // [n_bitsets, 8]
};

struct HistGradientBoostingModel {
  std::string class_name;
  BoostTask task = BoostTask::kRegressor;
  BoostLoss loss = BoostLoss::kIdentity;
  int32_t n_features = 0;
  int32_t trees_per_iteration = 1;   // K
  bool accept_nan = true;            // false for files without missing_go_to_left (0.21)
  std::vector<double> baseline;      // _baseline_prediction: K values
  LabelValues classes;               // classifiers
  std::vector<uint8_t> is_categorical;     // _bin_mapper.is_categorical_ (empty: no categorical feature)
  std::vector<uint32_t> known_cat_bitsets; // n_categorical x 8 (make_known_categories_bitsets)
  std::vector<int32_t> f_idx_map;          // feature -> row of known_cat_bitsets (derived)
  std::vector<HistTree> trees;             // n_iter * K, iteration-major

  HistGradientBoostingModel() = default;
  HistGradientBoostingModel(HistGradientBoostingModel&&) = default;
  HistGradientBoostingModel& operator=(HistGradientBoostingModel&&) = default;
  HistGradientBoostingModel Clone() const;
};

struct HistGradientBoostingInput {
  std::string_view class_name;
  BoostTask task = BoostTask::kRegressor;
  BoostLoss loss = BoostLoss::kIdentity;
  int64_t n_features = 0;
  int64_t trees_per_iteration = 1;
  bool accept_nan = true;
  std::span<const double> baseline;
  LabelValues classes;
  std::span<const uint8_t> is_categorical;     // empty, or n_features values 0/1
  std::span<const uint32_t> known_cat_bitsets; // n_categorical x 8, C order
  std::vector<uint64_t> known_shape;           // [n_categorical, 8] (or empty with no categorical feature)
  std::vector<HistTreeArrays> trees;
};

// Checks per tree: node_count >= 1, all columns node_count long; internal
// nodes' children in range, after their parent, one parent each, no orphan;
// feature < n_features; numeric splits' threshold not NaN (+-inf is what
// scikit-learn writes for splits on missing values); flags 0/1; categorical
// splits on a categorical feature with bitset_idx < n_bitsets; leaf values
// finite. Model: loss fits task and class count (as GradientBoosting; K = 1
// for regressors, identity or log), baseline has K finite values, the tree
// count is a multiple of K, is_categorical has n_features 0/1 values and
// known_cat_bitsets one 8-word row per categorical feature.
Result<HistGradientBoostingModel> BuildHistGradientBoosting(const HistGradientBoostingInput& in, std::string_view path);

Result<Matrix> HistGradientBoostingRaw(const HistGradientBoostingModel& m, MatrixView x);
Result<Prediction> HistGradientBoostingPredict(const HistGradientBoostingModel& m, MatrixView x);
Result<Matrix> HistGradientBoostingPredictProba(const HistGradientBoostingModel& m, MatrixView x);
Result<Matrix> HistGradientBoostingDecisionFunction(const HistGradientBoostingModel& m, MatrixView x);

inline std::string ClassNameOf(const HistGradientBoostingModel& m) { return m.class_name; }
std::string Describe(const HistGradientBoostingModel& m);
inline Result<Prediction> Predict(const HistGradientBoostingModel& m, MatrixView x) {
  return HistGradientBoostingPredict(m, x);
}
inline Result<Matrix> PredictProba(const HistGradientBoostingModel& m, MatrixView x) {
  return HistGradientBoostingPredictProba(m, x);
}
inline Result<Matrix> DecisionFunction(const HistGradientBoostingModel& m, MatrixView x) {
  return HistGradientBoostingDecisionFunction(m, x);
}
// HistGradientBoostingClassifier has no predict_log_proba in scikit-learn 1.2.1.
inline Result<Matrix> PredictLogProba(const HistGradientBoostingModel& m, MatrixView) {
  return Unsupported(m.class_name + " has no predict_log_proba");
}

// ---- shared by both boosting families ---------------------------------------

// Loss vs task vs class count vs K (see the builders). `classes` is empty
// for regressors.
Status CheckBoostLoss(BoostLoss loss, BoostTask task, size_t n_classes, int64_t k, bool hist, std::string_view path);
// Raw scores (n x K) -> probabilities (n x n_classes) for a classifier loss.
Matrix BoostProba(BoostLoss loss, const Matrix& raw);
// Raw scores -> class index per row.
std::vector<int32_t> BoostClassIndex(BoostLoss loss, const Matrix& raw);

}  // namespace safemodel::estimators

#endif  // SAFEMODEL_ESTIMATORS_BOOSTING_H_
