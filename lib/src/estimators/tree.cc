#include "estimators/tree.h"

#include <algorithm>
#include <cfloat>
#include <cmath>

#include "safemodel/tensor.h"
#include "util/checked.h"

namespace safemodel::estimators {
namespace {

std::string NodePath(std::string_view path, int64_t i, std::string_view field) {
  return std::string(path) + ".nodes[" + std::to_string(i) + "]." + std::string(field);
}

std::string Range(int64_t v, int64_t lo, int64_t hi) {
  return std::to_string(v) + " out of range [" + std::to_string(lo) + ", " + std::to_string(hi) + ")";
}

// Column lengths agree with node_count, value has the expected 3-d shape.
Status CheckTreeShape(const TreeArrays& in, const TreeShape& shape, std::string_view path, DecisionTree& t) {
  const uint64_t n = in.left_child.size();
  SAFEMODEL_RETURN_IF_ERROR(CheckCount(std::string(path) + ".node_count", static_cast<int64_t>(n), 1));
  auto same = [&](std::string_view field, size_t size) -> Status {
    if (size == n) return Status::Ok();
    return Corruption(std::string(path) + "." + std::string(field) + ": " + std::to_string(size) +
                      " entries but node_count is " + std::to_string(n));
  };
  SAFEMODEL_RETURN_IF_ERROR(same("right_child", in.right_child.size()));
  SAFEMODEL_RETURN_IF_ERROR(same("feature", in.feature.size()));
  SAFEMODEL_RETURN_IF_ERROR(same("threshold", in.threshold.size()));
  if (!in.missing_go_to_left.empty()) SAFEMODEL_RETURN_IF_ERROR(same("missing_go_to_left", in.missing_go_to_left.size()));
  int64_t max_classes = 1;
  for (int64_t c : shape.n_classes) max_classes = std::max(max_classes, c);
  const auto& vs = in.value_shape;
  std::string where = std::string(path) + ".value";
  if (vs.size() != 3 || vs[0] != n || vs[1] != static_cast<uint64_t>(shape.n_outputs) ||
      vs[2] != static_cast<uint64_t>(max_classes)) {
    return Corruption(where + ": shape " + ShapeString(vs) + ", expected [" + std::to_string(n) + ", " +
                      std::to_string(shape.n_outputs) + ", " + std::to_string(max_classes) + "]");
  }
  SAFEMODEL_RETURN_IF_ERROR(CheckSize(where, in.value.size(), n, vs[1] * vs[2]));  // vs[1], vs[2] < 2^31
  t.node_count = static_cast<int32_t>(n);
  t.n_outputs = static_cast<int32_t>(shape.n_outputs);
  t.max_classes = static_cast<int32_t>(max_classes);
  return Status::Ok();
}

// One child link of internal node i: in range, after its parent (so no walk
// can revisit a node), and the child's only parent.
Status CheckChild(std::string_view path, int64_t i, std::string_view field, int64_t c, std::vector<int32_t>& parent) {
  const int64_t n = static_cast<int64_t>(parent.size());
  if (c < 0 || c >= n) return Corruption(NodePath(path, i, field) + ": " + Range(c, 0, n));
  if (c <= i) {
    return Corruption(NodePath(path, i, field) + ": " + std::to_string(c) + " is not after its parent " +
                      std::to_string(i) + " (child indices must grow; a cycle otherwise)");
  }
  if (parent[c] != kTreeLeaf) {
    return Corruption(std::string(path) + ".nodes[" + std::to_string(c) + "]: has two parents, nodes[" +
                      std::to_string(parent[c]) + "] and nodes[" + std::to_string(i) + "]");
  }
  parent[c] = static_cast<int32_t>(i);
  return Status::Ok();
}

// An internal node's split, as read (once) from the input: feature index and
// a finite threshold; missing_go_to_left (already copied) 0 or 1.
Status CheckSplit(const DecisionTree& t, int64_t i, int64_t f, double threshold, int64_t n_features,
                  std::string_view path) {
  if (f < 0 || f >= n_features) return Corruption(NodePath(path, i, "feature") + ": " + Range(f, 0, n_features));
  if (!std::isfinite(threshold)) {
    return Corruption(NodePath(path, i, "threshold") + ": " + FormatDouble(threshold) + " is not finite");
  }
  if (!t.missing_go_to_left.empty() && t.missing_go_to_left[i] > 1) {
    return Corruption(NodePath(path, i, "missing_go_to_left") + ": " + std::to_string(t.missing_go_to_left[i]) +
                      " is not 0 or 1");
  }
  return Status::Ok();
}

// Walks the nodes in index order; parents come first, so depth is known
// when a node is reached.
Status CheckNodes(const TreeArrays& in, int64_t n_features, std::string_view path, DecisionTree& t) {
  const int64_t n = t.node_count;
  std::vector<int32_t> parent(static_cast<size_t>(n), kTreeLeaf);
  std::vector<int32_t> depth(static_cast<size_t>(n), 0);
  t.left.assign(n, kTreeLeaf);
  t.right.assign(n, kTreeLeaf);
  t.feature.assign(n, kTreeUndefined);
  t.threshold.assign(n, -2.0);
  for (int64_t i = 0; i < n; ++i) {
    if (i > 0 && parent[i] == kTreeLeaf) {
      return Corruption(std::string(path) + ".nodes[" + std::to_string(i) + "]: no parent (not reachable from the root)");
    }
    int64_t l = in.left_child[i], r = in.right_child[i];
    if (l == kTreeLeaf || r == kTreeLeaf) {
      if (l != r) {
        return Corruption(NodePath(path, i, l == kTreeLeaf ? "right_child" : "left_child") + ": " +
                          std::to_string(l == kTreeLeaf ? r : l) + " but the other child is -1 (a leaf has both -1)");
      }
      continue;
    }
    SAFEMODEL_RETURN_IF_ERROR(CheckChild(path, i, "left_child", l, parent));
    SAFEMODEL_RETURN_IF_ERROR(CheckChild(path, i, "right_child", r, parent));
    const int64_t f = in.feature[i];
    const double threshold = in.threshold[i];
    SAFEMODEL_RETURN_IF_ERROR(CheckSplit(t, i, f, threshold, n_features, path));
    depth[l] = depth[r] = depth[i] + 1;
    t.depth = std::max(t.depth, depth[i] + 1);
    t.left[i] = static_cast<int32_t>(l);
    t.right[i] = static_cast<int32_t>(r);
    t.feature[i] = static_cast<int32_t>(f);
    t.threshold[i] = threshold;
  }
  return Status::Ok();
}

// The largest float32 <= t (t finite): for float32 x, x <= it iff
// double(x) <= t. Below -FLT_MAX no finite float32 is <= t: -inf.
float Float32AtOrBelow(double t) {
  if (t >= static_cast<double>(FLT_MAX)) return FLT_MAX;
  if (t < -static_cast<double>(FLT_MAX)) return -INFINITY;
  float f = static_cast<float>(t);
  if (static_cast<double>(f) > t) f = std::nextafter(f, -INFINITY);
  return f;
}

}  // namespace

void CompileTree(DecisionTree& t) {
  t.flat.assign(static_cast<size_t>(t.node_count), FlatNode{});
  // (scikit-learn node, flat slot) pairs still to place; children get two
  // adjacent slots when their parent is placed, then are placed depth-first.
  std::vector<std::pair<int32_t, int32_t>> todo{{0, 0}};
  int32_t next = 1;
  while (!todo.empty()) {
    auto [node, slot] = todo.back();
    todo.pop_back();
    FlatNode& f = t.flat[static_cast<size_t>(slot)];
    f.id = node;
    if (t.left[node] == kTreeLeaf) {
      f.threshold = NAN;
      f.feature = 0;
      f.left = slot - 1;
      continue;
    }
    f.threshold = Float32AtOrBelow(t.threshold[node]);
    f.feature = t.feature[node];
    f.left = next;
    todo.emplace_back(t.right[node], next + 1);
    todo.emplace_back(t.left[node], next);  // popped first: the left subtree follows its parent
    next += 2;
  }
  t.small_flat.clear();
  const bool fits = t.node_count >= 2 && t.node_count <= 65536 &&
                    std::all_of(t.flat.begin(), t.flat.end(), [](const FlatNode& f) { return f.feature < 65536; });
  if (fits) {
    // Every left is in [1, node_count): a leaf is never at slot 0 here.
    for (const FlatNode& f : t.flat) {
      t.small_flat.push_back({f.threshold, static_cast<uint16_t>(f.feature), static_cast<uint16_t>(f.left)});
    }
  }
}

Result<DecisionTree> BuildTree(const TreeArrays& in, const TreeShape& shape, std::string_view path) {
  SAFEMODEL_RETURN_IF_ERROR(CheckCount(std::string(path) + ".n_features", shape.n_features, 1));
  SAFEMODEL_RETURN_IF_ERROR(CheckCount(std::string(path) + ".n_outputs", shape.n_outputs, 1));
  for (size_t k = 0; k < shape.n_classes.size(); ++k) {
    SAFEMODEL_RETURN_IF_ERROR(CheckCount(std::string(path) + ".n_classes[" + std::to_string(k) + "]",
                                         shape.n_classes[k], 1));
  }
  if (!shape.n_classes.empty() && shape.n_classes.size() != static_cast<size_t>(shape.n_outputs)) {
    return Corruption(std::string(path) + ".n_classes: " + std::to_string(shape.n_classes.size()) +
                      " entries but n_outputs is " + std::to_string(shape.n_outputs));
  }
  DecisionTree t;
  SAFEMODEL_RETURN_IF_ERROR(CheckTreeShape(in, shape, path, t));
  // The input may be a mapped file that another process can change: every
  // element is read once, into memory this tree owns, and checked there.
  t.value.assign(in.value.begin(), in.value.end());
  SAFEMODEL_RETURN_IF_ERROR(CheckAllFinite(t.value, std::string(path) + ".value"));
  t.missing_go_to_left.assign(in.missing_go_to_left.begin(), in.missing_go_to_left.end());
  SAFEMODEL_RETURN_IF_ERROR(CheckNodes(in, shape.n_features, path, t));
  CompileTree(t);
  return t;
}

}  // namespace safemodel::estimators
