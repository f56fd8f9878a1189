// Decision trees and forests: DecisionTreeClassifier/Regressor,
// ExtraTreeClassifier/Regressor, RandomForestClassifier/Regressor,
// ExtraTreesClassifier/Regressor.
//
// A tree is a structure of arrays with int32 indices (treelite's layout).
// BuildTree proves, once, that every walk from the root ends at a leaf within
// `depth` steps without reading out of bounds: children lie after their parent
// and inside the arrays, each node but the root has exactly one parent,
// features are below n_features. The predict loop then needs no checks; its
// step cap is a second belt.
//
// Comparisons are scikit-learn's: X is rounded to float32 (sklearn's DTYPE),
// then `float32(x) <= threshold` with the threshold kept in float64.
#ifndef SAFEMODEL_ESTIMATORS_TREE_H_
#define SAFEMODEL_ESTIMATORS_TREE_H_

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "estimators/types.h"
#include "safemodel/status.h"

namespace safemodel::estimators {

inline constexpr int32_t kTreeLeaf = -1;       // sklearn's TREE_LEAF (children of a leaf)
inline constexpr int32_t kTreeUndefined = -2;  // sklearn's TREE_UNDEFINED (feature of a leaf)

// The tree as the predict loop walks it (16 bytes a node): both children of a
// node side by side (left, left + 1), laid out depth-first so that a subtree
// is near its root. `threshold` is the largest float32 <= scikit-learn's
// float64 threshold, so for a float32 x, `x <= threshold` here is exactly
// `double(x) <= threshold` there. A leaf points at itself: left = its own
// index - 1 and threshold NaN (`!(x <= NaN)` adds 1), so rows can walk in
// lockstep without testing for leaves.
struct FlatNode {
  float threshold;
  int32_t feature;  // 0 for a leaf
  int32_t left;
  int32_t id;       // scikit-learn's node index
};
// The same walk in 8 bytes a node, for trees of 2 to 65,536 nodes over at
// most 65,536 features (most forests): twice the nodes per cache line.
struct SmallFlatNode {
  float threshold;
  uint16_t feature;
  uint16_t left;
};

struct DecisionTree {
  int32_t node_count = 0;
  int32_t n_outputs = 0;
  int32_t max_classes = 0;           // value's last dimension (1 for regressors)
  int32_t depth = 0;                 // longest root-to-leaf path, computed by BuildTree
  std::vector<int32_t> left;         // kTreeLeaf for leaves
  std::vector<int32_t> right;        // kTreeLeaf for leaves
  std::vector<int32_t> feature;      // kTreeUndefined for leaves
  std::vector<double> threshold;     // -2.0 for leaves
  std::vector<double> value;         // node_count x n_outputs x max_classes
  std::vector<uint8_t> missing_go_to_left;  // empty: the file predates scikit-learn 1.3
  std::vector<FlatNode> flat;        // CompileTree's layout of the arrays above
  std::vector<SmallFlatNode> small_flat;  // flat in 8 bytes a node, when it fits (else empty)
  // Classifiers: value with each node's row for output k divided by its sum
  // over the first n_classes[k] columns (a zero sum by 1), as one tree's
  // predict_proba gives it; padding columns 0. Empty for regressors.
  std::vector<double> proba;

  DecisionTree() = default;
  DecisionTree(DecisionTree&&) = default;
  DecisionTree& operator=(DecisionTree&&) = default;
  DecisionTree Clone() const { return DecisionTree(*this); }

 private:
  DecisionTree(const DecisionTree&) = default;
};

// One tree's arrays as the mapper found them (sklearn's tree_ node records
// split into columns). Borrowed for the call.
// A column of node indices: scikit-learn's intp (int64) as the mapper reads
// it, or the int32 a .smdl file stores. Borrowed.
class IndexColumn {
 public:
  IndexColumn() = default;
  IndexColumn(std::span<const int64_t> v) : wide_(v) {}                 // NOLINT: implicit by design
  IndexColumn(std::span<const int32_t> v) : narrow_(v), is_narrow_(true) {}  // NOLINT
  IndexColumn(const std::vector<int64_t>& v) : wide_(v) {}              // NOLINT
  IndexColumn(const std::vector<int32_t>& v) : narrow_(v), is_narrow_(true) {}  // NOLINT
  size_t size() const { return is_narrow_ ? narrow_.size() : wide_.size(); }
  int64_t operator[](size_t i) const { return is_narrow_ ? narrow_[i] : wide_[i]; }

 private:
  std::span<const int64_t> wide_;
  std::span<const int32_t> narrow_;
  bool is_narrow_ = false;
};

struct TreeArrays {
  IndexColumn left_child;
  IndexColumn right_child;
  IndexColumn feature;
  std::span<const double> threshold;
  std::span<const double> value;                // C order
  std::vector<uint64_t> value_shape;            // [node_count, n_outputs, max_classes]
  std::span<const uint8_t> missing_go_to_left;  // empty if the records have no such field
};

// What the tree must agree with: the estimator's n_features_in_, n_outputs_
// and, for classifiers, n_classes_ per output (empty for regressors).
struct TreeShape {
  int64_t n_features = 0;
  int64_t n_outputs = 0;
  std::vector<int64_t> n_classes;
};

// Errors name `path` and the node: "<path>.nodes[17].left_child: 4096 out of
// range [0, 311)" (kCorruption); kLimitExceeded when a size overflows or a
// count does not fit int32. `in` may borrow a mapped file: BuildTree reads
// each element once, into the tree's own arrays, and checks what it read.
Result<DecisionTree> BuildTree(const TreeArrays& in, const TreeShape& shape, std::string_view path);

// (Re)builds t.flat from the checked arrays. BuildTree calls it; whoever
// changes a built tree's arrays afterwards must call it again.
void CompileTree(DecisionTree& t);

enum class TreeTask : uint8_t { kClassifier, kRegressor };
enum class TreeCombine : uint8_t {
  kSingle,   // one DecisionTree*/ExtraTree*: predict = argmax of the leaf's raw value
  kAverage,  // forests: mean of the trees' normalized probabilities / predictions
};

struct TreeModel {
  std::string class_name;
  TreeTask task = TreeTask::kRegressor;
  TreeCombine combine = TreeCombine::kSingle;
  bool accept_nan = false;           // NaN goes by missing_go_to_left (scikit-learn >= 1.3 trees)
  int32_t n_features = 0;
  int32_t n_outputs = 0;
  std::vector<int32_t> n_classes;    // per output (classifiers)
  std::vector<LabelValues> classes;  // per output (classifiers), all of one label kind
  std::vector<DecisionTree> trees;   // exactly 1 for kSingle, >= 1 for kAverage

  TreeModel() = default;
  TreeModel(TreeModel&&) = default;
  TreeModel& operator=(TreeModel&&) = default;
  TreeModel Clone() const;
};

struct TreeModelInput {
  std::string_view class_name;
  TreeTask task = TreeTask::kRegressor;
  TreeCombine combine = TreeCombine::kSingle;
  // The mapper sets this only for classes and versions whose predict takes NaN
  // (DecisionTree* with splitter="best" from 1.3, forests from 1.4); it then
  // requires missing_go_to_left in every tree.
  bool accept_nan = false;
  int64_t n_features = 0;            // n_features_in_ (or n_features_ in old files)
  int64_t n_outputs = 0;             // n_outputs_
  std::vector<LabelValues> classes;  // classifiers: classes_ per output
  std::vector<TreeArrays> trees;     // forests: estimators_[i].tree_
  // Threads that may build the trees (0: one per core). The result, and the
  // error for a bad tree (the first in estimator order), do not depend on it.
  unsigned threads = 1;
};

// Single trees report nodes as "<path>.nodes[i]...", forests as
// "<path>.trees[t].nodes[i]...". Also checks: classes count per output agrees
// with every tree's value, at least one tree.
Result<TreeModel> BuildTreeModel(const TreeModelInput& in, std::string_view path);

// Classifier: labels (n x n_outputs). Regressor: n x n_outputs values.
Result<Prediction> TreePredict(const TreeModel& m, MatrixView x);
// Classifiers with one output: n x n_classes. kUnsupported for regressors and,
// for now, multi-output classifiers (scikit-learn returns a list there).
Result<Matrix> TreePredictProba(const TreeModel& m, MatrixView x);
// Leaf index per sample and tree (n x n_trees), as sklearn's apply().
Result<std::vector<int32_t>> TreeApply(const TreeModel& m, MatrixView x);
// The same leaves without the n x n_trees array: visit(tree, first row, row
// count, leaf per row) for every block of rows and every tree, trees in
// order within a block (so per-row sums over trees keep estimator order).
// X is checked and rounded as for TreeApply.
using LeafVisitor = std::function<void(size_t tree, size_t first, size_t n, const int32_t* leaf)>;
Status TreeVisitLeaves(const TreeModel& m, MatrixView x, const LeafVisitor& visit);

// The family protocol (estimator.h).
inline std::string ClassNameOf(const TreeModel& m) { return m.class_name; }
std::string Describe(const TreeModel& m);
inline Result<Prediction> Predict(const TreeModel& m, MatrixView x) { return TreePredict(m, x); }
inline Result<Matrix> PredictProba(const TreeModel& m, MatrixView x) { return TreePredictProba(m, x); }

}  // namespace safemodel::estimators

#endif  // SAFEMODEL_ESTIMATORS_TREE_H_
