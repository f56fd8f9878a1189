// KNeighborsClassifier and KNeighborsRegressor as scikit-learn 1.2.1 predicts
// with them, ties included.
//
// Which k training points are "the" neighbours when several lie at the same
// distance depends on how scikit-learn searched, so each algorithm is
// reproduced step for step:
//  - brute: the ArgKmin reduction (sklearn/metrics/_pairwise_distances_
//    reduction) with the strategy 1.2.1's "auto" picks: parallel_on_X when
//    the batch has more rows than the training set, else parallel_on_Y (with
//    one thread). A fixed-size max-heap (utils/_heap.pyx heap_push,
//    initialised to DBL_MAX) fed the training rows in index order (for
//    parallel_on_Y then merged entry by entry into the result heap), then
//    utils/_sorting.pyx simultaneous_sort (an unstable quicksort). Euclidean
//    ranks by the GEMM decomposition ||x||^2 - 2 x.y + ||y||^2; the other
//    metrics by their DistanceMetric rdist. Where scikit-learn's answer
//    depends on its OpenMP thread count, see docs/ESTIMATORS.md.
//  - kd_tree / ball_tree: BinaryTree.query depth-first (_binary_tree.pxi):
//    children visited nearer-bound first (left on equal bounds), a node pruned
//    when its bound is strictly above the heap's largest, a point pushed when
//    strictly below it; the heap starts at +inf; then simultaneous_sort.
// Weights: "uniform", or "distance" (1/d; a row with a zero distance weights
// those points 1 and the others 0, _get_weights).
#ifndef SAFEMODEL_ESTIMATORS_KNN_H_
#define SAFEMODEL_ESTIMATORS_KNN_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "estimators/types.h"
#include "safemodel/status.h"

namespace safemodel::estimators {

enum class KnnKind : uint8_t { kClassifier, kRegressor };
enum class KnnWeights : uint8_t { kUniform, kDistance };
// effective_metric_: minkowski with p = 1, 2, inf becomes manhattan,
// euclidean, chebyshev at fit; kMinkowski is any other p >= 1.
enum class KnnMetric : uint8_t { kEuclidean, kManhattan, kChebyshev, kMinkowski };
// _fit_method (algorithm="auto" is resolved to one of these at fit).
enum class KnnAlgorithm : uint8_t { kBrute, kKdTree, kBallTree };
inline constexpr uint8_t kKnnKindCount = 2, kKnnWeightsCount = 2, kKnnMetricCount = 4, kKnnAlgorithmCount = 3;
// Largest n_neighbors accepted (kLimitExceeded above): scikit-learn's
// simultaneous_sort, reproduced for its tie order, takes k^2 steps per query
// row when all k distances are equal.
inline constexpr int64_t kKnnMaxNeighbors = 4096;

struct KnnModel {
  KnnKind kind = KnnKind::kClassifier;
  KnnWeights weights = KnnWeights::kUniform;
  KnnMetric metric = KnnMetric::kEuclidean;
  double p = 2.0;  // the metric's p: 2, 1, +inf, or Minkowski's own
  KnnAlgorithm algorithm = KnnAlgorithm::kBrute;
  int32_t n_features = 0;
  int32_t n_samples = 0;
  int32_t n_neighbors = 0;
  int32_t n_outputs = 1;
  std::vector<double> fit_x;          // n_samples x n_features (_fit_X; the tree's data for trees)
  std::vector<double> fit_sq_norms;   // derived: ||row||^2 (brute euclidean)
  // Classifier: classes_ per output and _y (class indices), n_samples x n_outputs.
  std::vector<LabelValues> classes;
  std::vector<int32_t> y_index;
  // Regressor: _y as f64, n_samples x n_outputs.
  std::vector<double> y_value;
  bool y_column = false;              // regressor: _y was (n_samples, 1), not 1-d
  // kd_tree / ball_tree: the BinaryTree's arrays. Node i's children are
  // 2i+1 and 2i+2; it covers idx_array[start, end).
  int32_t leaf_size = 0;
  int32_t n_nodes = 0;
  std::vector<int32_t> idx_array;     // n_samples, a permutation
  std::vector<int32_t> node_start, node_end;
  std::vector<uint8_t> node_is_leaf;
  std::vector<double> node_radius;    // n_nodes (ball tree: the bound; kd tree: stored, unused)
  std::vector<double> node_bounds;    // kd: [2, n_nodes, n_features] lower/upper; ball: [1, ...] centroids

  KnnModel() = default;
  KnnModel(KnnModel&&) = default;
  KnnModel& operator=(KnnModel&&) = default;
  KnnModel Clone() const { return KnnModel(*this); }

 private:
  KnnModel(const KnnModel&) = default;
};

struct KnnInput {
  KnnKind kind = KnnKind::kClassifier;
  KnnWeights weights = KnnWeights::kUniform;
  KnnMetric metric = KnnMetric::kEuclidean;
  double p = 2.0;
  KnnAlgorithm algorithm = KnnAlgorithm::kBrute;
  int64_t n_neighbors = 0;
  int64_t n_features_in = -1;          // n_features_in_ if present
  std::span<const double> fit_x;       // borrowed for the call
  std::vector<uint64_t> fit_x_shape;
  // Classifier
  std::span<const LabelValues> classes;  // one per output
  std::span<const int64_t> y_index;      // n_samples x n_outputs
  // Regressor
  std::span<const double> y_value;       // n_samples x n_outputs
  int64_t n_outputs = 1;
  bool y_column = false;                 // _y was 2-d with one column
  // Trees
  int64_t leaf_size = 0;
  std::span<const int64_t> idx_array;
  std::span<const int64_t> node_start, node_end, node_is_leaf;
  std::span<const double> node_radius;
  std::span<const double> node_bounds;
  std::vector<uint64_t> node_bounds_shape;
};

// kCorruption naming `path` (kLimitExceeded for counts past int32): enums in
// range; _fit_X 2-d [n_samples >= 1, n_features >= 1], finite, agreeing with
// n_features_in_; 1 <= n_neighbors <= n_samples; Minkowski p finite and >= 1
// (the others carry their own p); classifier: >= 1 output, each with >= 1
// class, all of one label kind, _y of n_samples x n_outputs indices in range;
// regressor: _y n_samples x n_outputs finite values, no classes; brute: no tree
// arrays; trees: leaf_size >= 1, node count 2^L - 1 (L <= 31), idx_array a
// permutation of [0, n_samples), node_bounds [2 (kd) or 1 (ball), n_nodes,
// n_features] finite, radius finite >= 0, and from the root down: is_leaf 0/1,
// the root covers [0, n_samples), an inner node's children exist and split its
// range exactly (left.start = start, left.end = right.start, right.end = end).
Result<KnnModel> BuildKnn(const KnnInput& in, std::string_view path);

// The k neighbours of each row of x, in scikit-learn's order, with their
// distances (kneighbors). x must already be checked.
struct KnnNeighbors {
  size_t k = 0;
  std::vector<int32_t> index;     // rows x k
  std::vector<double> distance;   // rows x k
};
KnnNeighbors KNeighbors(const KnnModel& m, MatrixView x);

std::string ClassNameOf(const KnnModel& m);
std::string Describe(const KnnModel& m);
Result<Prediction> Predict(const KnnModel& m, MatrixView x);
// Classifiers with one output; multi-output (a list in scikit-learn) is kUnsupported.
Result<Matrix> PredictProba(const KnnModel& m, MatrixView x);

}  // namespace safemodel::estimators

#endif  // SAFEMODEL_ESTIMATORS_KNN_H_
