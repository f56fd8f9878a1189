// TreeModel inference: apply, predict and predict_proba as scikit-learn
// 1.2.1's BaseDecisionTree and ForestClassifier/ForestRegressor compute them.
//
// Where the time goes: rows are taken in blocks of kBlockRows; every tree
// walks the whole block before the next tree starts, so one tree's nodes and
// leaf values stay in cache across the block, and the block's per-row sums
// stay in L1. Within a tree, kLanes rows walk in lockstep over the flat
// layout (CompileTree), so their node loads overlap instead of waiting on
// each other. Per row, trees are still added in estimator order: the sums
// are scikit-learn's, bit for bit.
#include <algorithm>
#include <cmath>

#include "estimators/tree.h"

namespace safemodel::estimators {
namespace {

constexpr size_t kLanes = 16;
constexpr size_t kBlockRows = 32768;

// numpy's float64 -> float32 cast rounds to nearest; values from here up
// round to infinity, which scikit-learn then refuses ("too large for
// dtype('float32')"). Casting them in C++ would be undefined behaviour.
constexpr double kF32Overflow = 0x1.ffffffp127;

// X as scikit-learn hands it to the tree: validated, then rounded to float32.
Result<std::vector<float>> ToFloat32(const TreeModel& m, MatrixView x) {
  FiniteRule rule = m.accept_nan ? FiniteRule::kAllowNaN : FiniteRule::kFinite;
  SAFEMODEL_RETURN_IF_ERROR(CheckInput(x, static_cast<size_t>(m.n_features), rule, m.class_name));
  std::vector<float> out(x.data.size());
  for (size_t i = 0; i < x.data.size(); ++i) {
    double v = x.data[i];
    if (std::fabs(v) >= kF32Overflow) {
      return InvalidArgument("X[" + std::to_string(i / x.cols) + ", " + std::to_string(i % x.cols) + "]: " +
                             FormatDouble(v) + " is too large for float32 (" + m.class_name + " refuses it)");
    }
    out[i] = static_cast<float>(v);
  }
  return out;
}

// The walk of one row holding NaN, on scikit-learn's own arrays: NaN goes by
// missing_go_to_left. BuildTree proved every path ends at a leaf within
// t.depth steps and stays in bounds; the step cap only guards against a
// broken invariant (kTreeLeaf).
int32_t FindLeafWithNaN(const DecisionTree& t, const float* row) {
  const bool has_missing = !t.missing_go_to_left.empty();
  int32_t node = 0;
  for (int32_t step = 0; step <= t.depth; ++step) {
    const int32_t left = t.left[node];
    if (left == kTreeLeaf) return node;
    const float v = row[t.feature[node]];
    // float32 promoted to double against the float64 threshold, as _tree.pyx.
    bool go_left = static_cast<double>(v) <= t.threshold[node];
    if (has_missing && std::isnan(v)) go_left = t.missing_go_to_left[node] != 0;
    node = go_left ? left : t.right[node];
  }
  return kTreeLeaf;
}

// The input rows, float32, and which of them hold NaN (only models that
// accept NaN can have any).
struct Rows {
  std::vector<float> x;
  size_t count = 0;
  size_t width = 0;
  std::vector<uint8_t> has_nan;  // empty: none does
};

Result<Rows> PrepareRows(const TreeModel& m, MatrixView x) {
  Rows r;
  SAFEMODEL_ASSIGN_OR_RETURN(r.x, ToFloat32(m, x));
  r.count = x.rows;
  r.width = static_cast<size_t>(m.n_features);
  if (m.accept_nan) {
    r.has_nan.assign(r.count, 0);
    bool any = false;
    for (size_t i = 0; i < r.x.size(); ++i) {
      if (std::isnan(r.x[i])) r.has_nan[i / r.width] = 1, any = true;
    }
    if (!any) r.has_nan.clear();
  }
  return r;
}

// kLanes rows (row[g]) walked in lockstep from the root to `at`: after
// `depth` steps every lane is at its leaf, which then steps to itself, so the
// loop stops as soon as no lane moved.
template <class Node>
void Lockstep(const Node* nodes, int32_t depth, const float* const* row, int32_t* at) {
  for (size_t g = 0; g < kLanes; ++g) at[g] = 0;
  for (int32_t step = 0; step < depth; ++step) {
    bool moved = false;
#pragma GCC unroll 16
    for (size_t g = 0; g < kLanes; ++g) {
      const Node& node = nodes[at[g]];
      const int32_t to = static_cast<int32_t>(node.left) + !(row[g][node.feature] <= node.threshold);
      moved |= to != at[g];
      at[g] = to;
    }
    if (!moved) break;
  }
}

// Leaf (scikit-learn node index) of rows [first, first + n) in tree t, into
// leaf[0..n): kLanes rows at a time in lockstep, on t.small_flat if the tree
// has it, else t.flat. A lane that is then not at a leaf is refused (the
// belt: the layout is broken). A row with NaN takes FindLeafWithNaN.
Status WalkRows(const DecisionTree& t, const Rows& rows, size_t first, size_t n, int32_t* leaf) {
  const size_t last = first + n - 1;
  for (size_t i0 = 0; i0 < n; i0 += kLanes) {
    const float* row[kLanes];
    int32_t at[kLanes];
    for (size_t g = 0; g < kLanes; ++g) {
      row[g] = rows.x.data() + std::min(first + i0 + g, last) * rows.width;  // a short group repeats its last row
    }
    if (!t.small_flat.empty()) {
      Lockstep(t.small_flat.data(), t.depth, row, at);
    } else {
      Lockstep(t.flat.data(), t.depth, row, at);
    }
    const size_t lanes = std::min(kLanes, n - i0);
    for (size_t g = 0; g < lanes; ++g) {
      const FlatNode& node = t.flat[static_cast<size_t>(at[g])];
      if (node.left != at[g] - 1 || !std::isnan(node.threshold)) return Corruption("a tree walk exceeded its depth");
      leaf[i0 + g] = node.id;
    }
  }
  if (!rows.has_nan.empty()) {
    for (size_t i = 0; i < n; ++i) {
      if (!rows.has_nan[first + i]) continue;
      leaf[i] = FindLeafWithNaN(t, rows.x.data() + (first + i) * rows.width);
      if (leaf[i] == kTreeLeaf) return Corruption("a tree walk exceeded its depth");
    }
  }
  return Status::Ok();
}

// Leaf of row `r` in every tree, into leaf[t * stride]: for batches too
// small to fill the lanes with rows, the lanes take kLanes trees at a time
// instead (one row's walks in different trees overlap just as well).
Status WalkTrees(const TreeModel& m, const Rows& rows, size_t r, int32_t* leaf, size_t stride) {
  if (!rows.has_nan.empty() && rows.has_nan[r]) {
    for (size_t t = 0; t < m.trees.size(); ++t) {
      leaf[t * stride] = FindLeafWithNaN(m.trees[t], rows.x.data() + r * rows.width);
      if (leaf[t * stride] == kTreeLeaf) return Corruption("a tree walk exceeded its depth");
    }
    return Status::Ok();
  }
  const float* row = rows.x.data() + r * rows.width;
  const size_t nt = m.trees.size();
  for (size_t t0 = 0; t0 < nt; t0 += kLanes) {
    const FlatNode* nodes[kLanes];
    int32_t at[kLanes];
    int32_t depth = 0;
    for (size_t g = 0; g < kLanes; ++g) {
      const DecisionTree& tree = m.trees[std::min(t0 + g, nt - 1)];  // a short group repeats its last tree
      nodes[g] = tree.flat.data();
      at[g] = 0;
      depth = std::max(depth, tree.depth);
    }
    for (int32_t step = 0; step < depth; ++step) {
      bool moved = false;
#pragma GCC unroll 16
      for (size_t g = 0; g < kLanes; ++g) {
        const FlatNode& node = nodes[g][at[g]];
        const int32_t to = node.left + !(row[node.feature] <= node.threshold);
        moved |= to != at[g];
        at[g] = to;
      }
      if (!moved) break;
    }
    const size_t lanes = std::min(kLanes, nt - t0);
    for (size_t g = 0; g < lanes; ++g) {
      const FlatNode& node = nodes[g][at[g]];
      if (node.left != at[g] - 1 || !std::isnan(node.threshold)) return Corruption("a tree walk exceeded its depth");
      leaf[(t0 + g) * stride] = node.id;
    }
  }
  return Status::Ok();
}

// Calls visit(tree index, first row, row count, leaves) for every block of
// rows and every tree, trees in estimator order within a block.
template <class Visit>
Status WalkBlocks(const TreeModel& m, const Rows& rows, Visit&& visit) {
  if (rows.count < kLanes) {
    std::vector<int32_t> leaves(rows.count * m.trees.size());
    for (size_t r = 0; r < rows.count; ++r) {
      Status s = WalkTrees(m, rows, r, leaves.data() + r, rows.count);
      if (!s.ok()) return Corruption(m.class_name + ": " + s.message());
    }
    for (size_t t = 0; t < m.trees.size(); ++t) visit(t, size_t{0}, rows.count, leaves.data() + t * rows.count);
    return Status::Ok();
  }
  std::vector<int32_t> leaves(std::min(kBlockRows, rows.count));
  int32_t* leaf = leaves.data();
  for (size_t first = 0; first < rows.count; first += kBlockRows) {
    const size_t n = std::min(kBlockRows, rows.count - first);
    for (size_t t = 0; t < m.trees.size(); ++t) {
      Status s = WalkRows(m.trees[t], rows, first, n, leaf);
      if (!s.ok()) return Corruption(m.class_name + ".trees[" + std::to_string(t) + "]: " + s.message());
      visit(t, first, n, static_cast<const int32_t*>(leaf));
    }
  }
  return Status::Ok();
}

// Row (max_classes values) of node `leaf`, output k, in a per-node array.
inline const double* NodeRow(const DecisionTree& t, const std::vector<double>& a, int32_t leaf, int32_t k) {
  return a.data() + (static_cast<size_t>(leaf) * t.n_outputs + k) * t.max_classes;
}

// First index of the maximum over n values (numpy.argmax).
int32_t ArgMax(const double* v, int32_t n) {
  int32_t best = 0;
  for (int32_t c = 1; c < n; ++c) {
    if (v[c] > v[best]) best = c;
  }
  return best;
}

// Classifier predict_proba for every output: n x n_classes[k] each; every
// tree's normalized proba (DecisionTree::proba) summed in estimator order,
// then divided by the tree count (a single tree: p / 1, exact).
Result<std::vector<Matrix>> ClassProba(const TreeModel& m, const Rows& rows) {
  std::vector<Matrix> p;
  for (int32_t k = 0; k < m.n_outputs; ++k) p.emplace_back(rows.count, static_cast<size_t>(m.n_classes[k]));
  SAFEMODEL_RETURN_IF_ERROR(WalkBlocks(m, rows, [&](size_t t, size_t first, size_t n, const int32_t* leaf) {
    const DecisionTree& tree = m.trees[t];
    for (int32_t k = 0; k < m.n_outputs; ++k) {
      const size_t nc = static_cast<size_t>(m.n_classes[k]);
      double* out = &p[k].at(first, 0);
      for (size_t i = 0; i < n; ++i, out += nc) {
        const double* v = NodeRow(tree, tree.proba, leaf[i], k);
        for (size_t c = 0; c < nc; ++c) out[c] += v[c];
      }
    }
  }));
  const double nt = static_cast<double>(m.trees.size());
  for (auto& pk : p) {
    for (double& v : pk.data) v /= nt;
  }
  return p;
}

// Class index per sample and output (rows x n_outputs).
Result<std::vector<int32_t>> ClassIndex(const TreeModel& m, const Rows& rows) {
  const size_t no = static_cast<size_t>(m.n_outputs);
  std::vector<int32_t> index(rows.count * no);
  if (m.combine == TreeCombine::kSingle) {
    // A single tree takes argmax of the raw leaf values (weighted counts).
    // Only the first n_classes[k] columns: padding columns are zero in real
    // files, and a hostile file must not pick a class that does not exist.
    const DecisionTree& tree = m.trees[0];
    SAFEMODEL_RETURN_IF_ERROR(WalkBlocks(m, rows, [&](size_t, size_t first, size_t n, const int32_t* leaf) {
      for (size_t i = 0; i < n; ++i) {
        for (size_t k = 0; k < no; ++k) {
          index[(first + i) * no + k] = ArgMax(NodeRow(tree, tree.value, leaf[i], static_cast<int32_t>(k)),
                                               m.n_classes[k]);
        }
      }
    }));
    return index;
  }
  SAFEMODEL_ASSIGN_OR_RETURN(std::vector<Matrix> p, ClassProba(m, rows));
  for (size_t k = 0; k < no; ++k) {
    for (size_t i = 0; i < rows.count; ++i) index[i * no + k] = ArgMax(&p[k].at(i, 0), m.n_classes[k]);
  }
  return index;
}

Result<Labels> ClassifierLabels(const TreeModel& m, const Rows& rows) {
  SAFEMODEL_ASSIGN_OR_RETURN(std::vector<int32_t> index, ClassIndex(m, rows));
  const size_t no = static_cast<size_t>(m.n_outputs);
  if (no == 1) return Labels{rows.count, 1, TakeLabels(m.classes[0], index)};
  Labels out{rows.count, no, {}};
  std::vector<LabelValues> per_output;
  for (size_t k = 0; k < no; ++k) {
    std::vector<int32_t> column(rows.count);
    for (size_t i = 0; i < rows.count; ++i) column[i] = index[i * no + k];
    per_output.push_back(TakeLabels(m.classes[k], column));
  }
  // Interleave the per-output columns into row-major rows x n_outputs.
  out.values = std::visit(
      [&](const auto& first) -> LabelValues {
        using Vec = std::decay_t<decltype(first)>;
        Vec all(rows.count * no);
        for (size_t k = 0; k < no; ++k) {
          const Vec& col = std::get<Vec>(per_output[k]);
          for (size_t i = 0; i < rows.count; ++i) all[i * no + k] = col[i];
        }
        return all;
      },
      per_output[0]);
  return out;
}

// Regressors: value[leaf, k, 0] summed over trees in order from 0.0, then
// divided by the tree count (a single tree: divided by nothing).
Result<Matrix> RegressorValues(const TreeModel& m, const Rows& rows) {
  const size_t no = static_cast<size_t>(m.n_outputs);
  Matrix y(rows.count, no);
  SAFEMODEL_RETURN_IF_ERROR(WalkBlocks(m, rows, [&](size_t t, size_t first, size_t n, const int32_t* leaf) {
    const DecisionTree& tree = m.trees[t];
    for (size_t i = 0; i < n; ++i) {
      for (size_t k = 0; k < no; ++k) y.at(first + i, k) += NodeRow(tree, tree.value, leaf[i], static_cast<int32_t>(k))[0];
    }
  }));
  if (m.combine != TreeCombine::kSingle) {
    const double nt = static_cast<double>(m.trees.size());
    for (double& v : y.data) v /= nt;
  }
  return y;
}

}  // namespace

Result<std::vector<int32_t>> TreeApply(const TreeModel& m, MatrixView x) {
  SAFEMODEL_ASSIGN_OR_RETURN(Rows rows, PrepareRows(m, x));
  const size_t nt = m.trees.size();
  std::vector<int32_t> leaves(rows.count * nt);
  SAFEMODEL_RETURN_IF_ERROR(WalkBlocks(m, rows, [&](size_t t, size_t first, size_t n, const int32_t* leaf) {
    for (size_t i = 0; i < n; ++i) leaves[(first + i) * nt + t] = leaf[i];
  }));
  return leaves;
}

Status TreeVisitLeaves(const TreeModel& m, MatrixView x, const LeafVisitor& visit) {
  SAFEMODEL_ASSIGN_OR_RETURN(Rows rows, PrepareRows(m, x));
  return WalkBlocks(m, rows, visit);
}

Result<Prediction> TreePredict(const TreeModel& m, MatrixView x) {
  SAFEMODEL_ASSIGN_OR_RETURN(Rows rows, PrepareRows(m, x));
  if (m.task == TreeTask::kRegressor) {
    SAFEMODEL_ASSIGN_OR_RETURN(Matrix y, RegressorValues(m, rows));
    return Prediction(std::move(y));
  }
  SAFEMODEL_ASSIGN_OR_RETURN(Labels labels, ClassifierLabels(m, rows));
  return Prediction(std::move(labels));
}

Result<Matrix> TreePredictProba(const TreeModel& m, MatrixView x) {
  if (m.task != TreeTask::kClassifier) return Unsupported(m.class_name + " has no predict_proba");
  if (m.n_outputs != 1) {
    return Unsupported(m.class_name + ": predict_proba of a multi-output classifier (" +
                       std::to_string(m.n_outputs) + " outputs) is not supported");
  }
  SAFEMODEL_ASSIGN_OR_RETURN(Rows rows, PrepareRows(m, x));
  SAFEMODEL_ASSIGN_OR_RETURN(std::vector<Matrix> p, ClassProba(m, rows));
  return std::move(p[0]);
}

}  // namespace safemodel::estimators
