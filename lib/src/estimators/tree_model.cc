// TreeModel: building a single tree or a forest, and inference.
#include <algorithm>
#include <cmath>

#include "estimators/tree.h"

namespace safemodel::estimators {

TreeModel TreeModel::Clone() const {
  TreeModel m;
  m.class_name = class_name;
  m.task = task;
  m.combine = combine;
  m.accept_nan = accept_nan;
  m.n_features = n_features;
  m.n_outputs = n_outputs;
  m.n_classes = n_classes;
  m.classes = classes;
  m.trees.reserve(trees.size());
  for (const auto& t : trees) m.trees.push_back(t.Clone());
  return m;
}

namespace {

Status CheckModelShape(const TreeModelInput& in, std::string_view path, TreeShape& shape) {
  std::string p(path);
  SAFEMODEL_RETURN_IF_ERROR(CheckCount(p + ".n_features_in_", in.n_features, 1));
  SAFEMODEL_RETURN_IF_ERROR(CheckCount(p + ".n_outputs_", in.n_outputs, 1));
  SAFEMODEL_RETURN_IF_ERROR(CheckCount(p + ".trees", static_cast<int64_t>(in.trees.size()), 1));
  if (in.combine == TreeCombine::kSingle && in.trees.size() != 1) {
    return Corruption(p + ": a single tree estimator with " + std::to_string(in.trees.size()) + " trees");
  }
  shape.n_features = in.n_features;
  shape.n_outputs = in.n_outputs;
  if (in.task == TreeTask::kRegressor) {
    if (!in.classes.empty()) return Corruption(p + ".classes_: a regressor has classes");
    return Status::Ok();
  }
  if (in.classes.size() != static_cast<size_t>(in.n_outputs)) {
    return Corruption(p + ".classes_: " + std::to_string(in.classes.size()) + " label arrays but n_outputs_ is " +
                      std::to_string(in.n_outputs));
  }
  for (size_t k = 0; k < in.classes.size(); ++k) {
    if (in.classes[k].index() != in.classes[0].index()) {
      return Corruption(p + ".classes_[" + std::to_string(k) + "]: labels of kind " +
                        std::string(LabelKindName(in.classes[k])) + " but classes_[0] holds " +
                        std::string(LabelKindName(in.classes[0])));
    }
    shape.n_classes.push_back(static_cast<int64_t>(LabelCount(in.classes[k])));
  }
  return Status::Ok();
}

}  // namespace

Result<TreeModel> BuildTreeModel(const TreeModelInput& in, std::string_view path) {
  TreeShape shape;
  SAFEMODEL_RETURN_IF_ERROR(CheckModelShape(in, path, shape));
  TreeModel m;
  m.class_name = std::string(in.class_name);
  m.task = in.task;
  m.combine = in.combine;
  m.accept_nan = in.accept_nan;
  m.n_features = static_cast<int32_t>(in.n_features);
  m.n_outputs = static_cast<int32_t>(in.n_outputs);
  for (int64_t c : shape.n_classes) m.n_classes.push_back(static_cast<int32_t>(c));
  m.classes = in.classes;
  for (size_t i = 0; i < in.trees.size(); ++i) {
    std::string tp = in.combine == TreeCombine::kSingle ? std::string(path)
                                                        : std::string(path) + ".trees[" + std::to_string(i) + "]";
    if (in.accept_nan && in.trees[i].missing_go_to_left.empty()) {
      return Corruption(tp + ".missing_go_to_left: absent, but this estimator takes NaN");
    }
    SAFEMODEL_ASSIGN_OR_RETURN(DecisionTree t, BuildTree(in.trees[i], shape, tp));
    m.trees.push_back(std::move(t));
  }
  return m;
}

namespace {

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

// The walk. BuildTree proved every path ends at a leaf within t.depth steps
// and stays in bounds; the step cap only guards against a broken invariant.
inline int32_t FindLeaf(const DecisionTree& t, const float* row) {
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

Status WalkAll(const TreeModel& m, const std::vector<float>& xf, size_t rows, std::vector<int32_t>& leaves) {
  const size_t nf = static_cast<size_t>(m.n_features);
  const size_t nt = m.trees.size();
  leaves.resize(rows * nt);
  for (size_t t = 0; t < nt; ++t) {
    for (size_t i = 0; i < rows; ++i) {
      int32_t leaf = FindLeaf(m.trees[t], xf.data() + i * nf);
      if (leaf == kTreeLeaf) return Corruption(m.class_name + ".trees[" + std::to_string(t) + "]: walk exceeded its depth");
      leaves[i * nt + t] = leaf;
    }
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<int32_t>> TreeApply(const TreeModel& m, MatrixView x) {
  SAFEMODEL_ASSIGN_OR_RETURN(std::vector<float> xf, ToFloat32(m, x));
  std::vector<int32_t> leaves;
  SAFEMODEL_RETURN_IF_ERROR(WalkAll(m, xf, x.rows, leaves));
  return leaves;
}

std::string Describe(const TreeModel& m) {
  int32_t nodes = 0, depth = 0;
  for (const auto& t : m.trees) {
    nodes = std::max(nodes, t.node_count);
    depth = std::max(depth, t.depth);
  }
  std::string s = m.class_name + ": " + std::to_string(m.trees.size()) + " tree(s) (<= " + std::to_string(nodes) +
                  " nodes, depth <= " + std::to_string(depth) + "), " + std::to_string(m.n_features) + " features, " +
                  std::to_string(m.n_outputs) + " output(s)";
  if (!m.classes.empty()) s += ", " + DescribeClasses(m.classes[0]);
  return s;
}

}  // namespace safemodel::estimators
