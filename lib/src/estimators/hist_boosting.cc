// HistGradientBoostingClassifier/Regressor: building the TreePredictor
// columns and predicting as _predictor.pyx's _predict_from_raw_data.
#include <algorithm>
#include <cmath>

#include "estimators/boosting.h"
#include "safemodel/tensor.h"
#include "util/checked.h"

namespace safemodel::estimators {

HistGradientBoostingModel HistGradientBoostingModel::Clone() const {
  HistGradientBoostingModel m;
  m.class_name = class_name;
  m.task = task;
  m.loss = loss;
  m.n_features = n_features;
  m.trees_per_iteration = trees_per_iteration;
  m.accept_nan = accept_nan;
  m.baseline = baseline;
  m.classes = classes;
  m.is_categorical = is_categorical;
  m.known_cat_bitsets = known_cat_bitsets;
  m.f_idx_map = f_idx_map;
  m.trees.reserve(trees.size());
  for (const auto& t : trees) m.trees.push_back(t.Clone());
  return m;
}

namespace {

std::string NodePath(std::string_view path, int64_t i, std::string_view field) {
  return std::string(path) + ".nodes[" + std::to_string(i) + "]." + std::string(field);
}

std::string Range(int64_t v, int64_t lo, int64_t hi) {
  return std::to_string(v) + " out of range [" + std::to_string(lo) + ", " + std::to_string(hi) + ")";
}

// Every node column has node_count entries (optional ones: 0 or node_count).
Status CheckColumns(const HistTreeArrays& in, std::string_view path, uint64_t* n_bitsets) {
  const size_t n = in.value.size();
  SAFEMODEL_RETURN_IF_ERROR(CheckCount(std::string(path) + ".node_count", static_cast<int64_t>(n), 1));
  auto same = [&](std::string_view field, size_t size, bool optional) -> Status {
    if (size == n || (optional && size == 0)) return Status::Ok();
    return Corruption(std::string(path) + "." + std::string(field) + ": " + std::to_string(size) +
                      " entries but node_count is " + std::to_string(n));
  };
  SAFEMODEL_RETURN_IF_ERROR(same("feature_idx", in.feature_idx.size(), false));
  SAFEMODEL_RETURN_IF_ERROR(same("num_threshold", in.threshold.size(), false));
  SAFEMODEL_RETURN_IF_ERROR(same("left", in.left.size(), false));
  SAFEMODEL_RETURN_IF_ERROR(same("right", in.right.size(), false));
  SAFEMODEL_RETURN_IF_ERROR(same("is_leaf", in.is_leaf.size(), false));
  SAFEMODEL_RETURN_IF_ERROR(same("missing_go_to_left", in.missing_go_to_left.size(), true));
  SAFEMODEL_RETURN_IF_ERROR(same("is_categorical", in.is_categorical.size(), true));
  SAFEMODEL_RETURN_IF_ERROR(same("bitset_idx", in.bitset_idx.size(), true));
  if (in.is_categorical.empty() != in.bitset_idx.empty()) {
    return Corruption(std::string(path) + ".bitset_idx: present without is_categorical, or the reverse");
  }
  const std::string bp = std::string(path) + ".raw_left_cat_bitsets";
  const auto& s = in.bitsets_shape;
  if (s.size() != 2 || s[1] != kBitsetWords) {
    return Corruption(bp + ": shape " + ShapeString(s) + ", expected [n, 8]");
  }
  SAFEMODEL_RETURN_IF_ERROR(CheckCount(bp + ".shape[0]", static_cast<int64_t>(std::min<uint64_t>(s[0], INT64_MAX)), 0));
  SAFEMODEL_RETURN_IF_ERROR(CheckSize(bp, in.left_cat_bitsets.size(), s[0], kBitsetWords));
  *n_bitsets = s[0];
  return Status::Ok();
}

Status CheckFlag(std::span<const uint8_t> col, int64_t i, std::string_view path, std::string_view field) {
  if (col.empty() || col[i] <= 1) return Status::Ok();
  return Corruption(NodePath(path, i, field) + ": " + std::to_string(col[i]) + " is not 0 or 1");
}

// One child link: in range, after its parent, the child's only parent.
Status CheckChild(std::string_view path, int64_t i, std::string_view field, int64_t c, std::vector<int32_t>& parent) {
  const int64_t n = static_cast<int64_t>(parent.size());
  if (c < 0 || c >= n) return Corruption(NodePath(path, i, field) + ": " + Range(c, 0, n));
  if (c <= i) {
    return Corruption(NodePath(path, i, field) + ": " + std::to_string(c) + " is not after its parent " +
                      std::to_string(i) + " (child indices must grow; a cycle otherwise)");
  }
  if (parent[c] != -1) {
    return Corruption(std::string(path) + ".nodes[" + std::to_string(c) + "]: has two parents, nodes[" +
                      std::to_string(parent[c]) + "] and nodes[" + std::to_string(i) + "]");
  }
  parent[c] = static_cast<int32_t>(i);
  return Status::Ok();
}

// An internal node's split: feature, threshold or categorical bitset.
Status CheckSplit(const HistTreeArrays& in, int64_t i, const HistGradientBoostingModel& m, uint64_t n_bitsets,
                  std::string_view path) {
  const int64_t f = in.feature_idx[i];
  if (f < 0 || f >= m.n_features) return Corruption(NodePath(path, i, "feature_idx") + ": " + Range(f, 0, m.n_features));
  const bool categorical = !in.is_categorical.empty() && in.is_categorical[i] == 1;
  if (!categorical) {
    // +-inf is legitimate: scikit-learn writes +inf for a split that sends only NaN right.
    if (std::isnan(in.threshold[i])) return Corruption(NodePath(path, i, "num_threshold") + ": nan");
    return Status::Ok();
  }
  if (m.is_categorical.empty() || m.is_categorical[static_cast<size_t>(f)] != 1) {
    return Corruption(NodePath(path, i, "is_categorical") + ": a categorical split on feature " + std::to_string(f) +
                      ", which _bin_mapper.is_categorical_ does not mark categorical");
  }
  const int64_t b = in.bitset_idx[i];
  if (b < 0 || static_cast<uint64_t>(b) >= n_bitsets) {
    return Corruption(NodePath(path, i, "bitset_idx") + ": " + Range(b, 0, static_cast<int64_t>(n_bitsets)));
  }
  return Status::Ok();
}

Result<HistTree> BuildHistTree(const HistTreeArrays& in, const HistGradientBoostingModel& m, std::string_view path) {
  uint64_t n_bitsets = 0;
  SAFEMODEL_RETURN_IF_ERROR(CheckColumns(in, path, &n_bitsets));
  const int64_t n = static_cast<int64_t>(in.value.size());
  HistTree t;
  t.node_count = static_cast<int32_t>(n);
  t.left.assign(n, -1);
  t.right.assign(n, -1);
  t.feature.assign(n, -1);
  t.threshold.assign(n, 0.0);
  t.missing_go_to_left.assign(n, 0);
  t.is_categorical.assign(n, 0);
  t.bitset_idx.assign(n, 0);
  std::vector<int32_t> parent(static_cast<size_t>(n), -1);
  std::vector<int32_t> depth(static_cast<size_t>(n), 0);
  for (int64_t i = 0; i < n; ++i) {
    if (i > 0 && parent[i] == -1) {
      return Corruption(std::string(path) + ".nodes[" + std::to_string(i) + "]: no parent (not reachable from the root)");
    }
    SAFEMODEL_RETURN_IF_ERROR(CheckFlag(in.is_leaf, i, path, "is_leaf"));
    SAFEMODEL_RETURN_IF_ERROR(CheckFlag(in.missing_go_to_left, i, path, "missing_go_to_left"));
    SAFEMODEL_RETURN_IF_ERROR(CheckFlag(in.is_categorical, i, path, "is_categorical"));
    if (in.is_leaf[i] == 1) {
      if (!std::isfinite(in.value[i])) {
        return Corruption(NodePath(path, i, "value") + ": " + FormatDouble(in.value[i]) + " is not finite");
      }
      continue;
    }
    SAFEMODEL_RETURN_IF_ERROR(CheckChild(path, i, "left", in.left[i], parent));
    SAFEMODEL_RETURN_IF_ERROR(CheckChild(path, i, "right", in.right[i], parent));
    SAFEMODEL_RETURN_IF_ERROR(CheckSplit(in, i, m, n_bitsets, path));
    depth[in.left[i]] = depth[in.right[i]] = depth[i] + 1;
    t.depth = std::max(t.depth, depth[i] + 1);
    t.left[i] = static_cast<int32_t>(in.left[i]);
    t.right[i] = static_cast<int32_t>(in.right[i]);
    t.feature[i] = static_cast<int32_t>(in.feature_idx[i]);
    t.threshold[i] = in.threshold[i];
    if (!in.missing_go_to_left.empty()) t.missing_go_to_left[i] = in.missing_go_to_left[i];
    if (!in.is_categorical.empty()) {
      t.is_categorical[i] = in.is_categorical[i];
      t.bitset_idx[i] = static_cast<int32_t>(in.bitset_idx[i]);
    }
  }
  t.value.assign(in.value.begin(), in.value.end());
  for (int64_t i = 0; i < n; ++i) {
    if (in.is_leaf[i] != 1) t.value[i] = 0.0;  // internal values are never read
  }
  t.left_cat_bitsets.assign(in.left_cat_bitsets.begin(), in.left_cat_bitsets.end());
  return t;
}

// _bin_mapper.is_categorical_ and the known-categories bitsets, one row per
// categorical feature; f_idx_map derived as make_known_categories_bitsets does.
Status CheckCategories(const HistGradientBoostingInput& in, std::string_view path, HistGradientBoostingModel& m) {
  const std::string p = std::string(path) + "._bin_mapper";
  if (in.is_categorical.empty()) {
    if (!in.known_cat_bitsets.empty()) return Corruption(p + ".bin_thresholds_: known categories without is_categorical_");
    return Status::Ok();
  }
  if (in.is_categorical.size() != static_cast<size_t>(in.n_features)) {
    return Corruption(p + ".is_categorical_: " + std::to_string(in.is_categorical.size()) + " entries for " +
                      std::to_string(in.n_features) + " features");
  }
  m.f_idx_map.assign(in.is_categorical.size(), 0);
  uint64_t n_cat = 0;
  for (size_t f = 0; f < in.is_categorical.size(); ++f) {
    const uint8_t v = in.is_categorical[f];
    if (v > 1) return Corruption(p + ".is_categorical_[" + std::to_string(f) + "]: " + std::to_string(v) + " is not 0 or 1");
    if (v == 1) m.f_idx_map[f] = static_cast<int32_t>(n_cat++);
  }
  const auto& s = in.known_shape;
  if (s.size() != 2 || s[0] != n_cat || s[1] != kBitsetWords) {
    return Corruption(p + ".known_cat_bitsets: shape " + ShapeString(s) + ", expected [" + std::to_string(n_cat) + ", 8]");
  }
  SAFEMODEL_RETURN_IF_ERROR(CheckSize(p + ".known_cat_bitsets", in.known_cat_bitsets.size(), n_cat, kBitsetWords));
  m.is_categorical.assign(in.is_categorical.begin(), in.is_categorical.end());
  m.known_cat_bitsets.assign(in.known_cat_bitsets.begin(), in.known_cat_bitsets.end());
  return Status::Ok();
}

}  // namespace

Result<HistGradientBoostingModel> BuildHistGradientBoosting(const HistGradientBoostingInput& in, std::string_view path) {
  const std::string p(path);
  SAFEMODEL_RETURN_IF_ERROR(CheckCount(p + ".n_features_in_", in.n_features, 1));
  SAFEMODEL_RETURN_IF_ERROR(CheckCount(p + ".n_trees_per_iteration_", in.trees_per_iteration, 1));
  SAFEMODEL_RETURN_IF_ERROR(
      CheckBoostLoss(in.loss, in.task, LabelCount(in.classes), in.trees_per_iteration, /*hist=*/true, path));
  const size_t k = static_cast<size_t>(in.trees_per_iteration);
  if (in.baseline.size() != k) {
    return Corruption(p + "._baseline_prediction: " + std::to_string(in.baseline.size()) + " values, expected " +
                      std::to_string(k));
  }
  SAFEMODEL_RETURN_IF_ERROR(CheckAllFinite(in.baseline, p + "._baseline_prediction"));
  if (in.trees.size() % k != 0) {
    return Corruption(p + "._predictors: " + std::to_string(in.trees.size()) + " trees is not a multiple of " +
                      std::to_string(k) + " per iteration");
  }
  SAFEMODEL_RETURN_IF_ERROR(CheckCount(p + "._predictors", static_cast<int64_t>(in.trees.size()), 0));
  HistGradientBoostingModel m;
  m.class_name = std::string(in.class_name);
  m.task = in.task;
  m.loss = in.loss;
  m.n_features = static_cast<int32_t>(in.n_features);
  m.trees_per_iteration = static_cast<int32_t>(k);
  m.accept_nan = in.accept_nan;
  m.baseline.assign(in.baseline.begin(), in.baseline.end());
  m.classes = in.classes;
  SAFEMODEL_RETURN_IF_ERROR(CheckCategories(in, path, m));
  for (size_t t = 0; t < in.trees.size(); ++t) {
    const std::string tp = p + "._predictors[" + std::to_string(t / k) + "][" + std::to_string(t % k) + "]";
    if (in.accept_nan && in.trees[t].missing_go_to_left.empty()) {
      return Corruption(tp + ".missing_go_to_left: absent, but this estimator takes NaN");
    }
    SAFEMODEL_ASSIGN_OR_RETURN(HistTree tree, BuildHistTree(in.trees[t], m, tp));
    m.trees.push_back(std::move(tree));
  }
  return m;
}

namespace {

// X as _raw_predict checks it: float64, width n_features; NaN and +-inf
// pass (force_all_finite=False) unless the file predates missing-value
// support, whose check_array refused both.
Status CheckHistInput(const HistGradientBoostingModel& m, MatrixView x) {
  if (!m.accept_nan) return CheckInput(x, static_cast<size_t>(m.n_features), FiniteRule::kFinite, m.class_name);
  auto cells = CheckedMul(x.rows, x.cols);
  if (!cells || *cells != x.data.size()) {
    return InvalidArgument("X: " + std::to_string(x.data.size()) + " values do not make " + std::to_string(x.rows) +
                           " rows x " + std::to_string(x.cols) + " columns");
  }
  if (x.cols != static_cast<size_t>(m.n_features)) {
    return InvalidArgument("X has " + std::to_string(x.cols) + " features, but " + m.class_name + " is expecting " +
                           std::to_string(m.n_features) + " features as input");
  }
  return Status::Ok();
}

// <X_BINNED_DTYPE_C>data_val in scikit-learn's x86-64 builds: a 32-bit
// truncating conversion whose low byte is kept; values from 2^31 up (and
// +inf) convert to INT32_MIN, whose low byte is 0. Negative values never
// get here (1.2 treats them as missing).
inline uint32_t CategoryByte(double v) {
  if (v >= 2147483648.0) return 0;
  return static_cast<uint32_t>(static_cast<int32_t>(v)) & 0xffu;
}

inline bool InBitset(const uint32_t* bitsets, int32_t row, uint32_t category) {
  return ((bitsets[static_cast<size_t>(row) * kBitsetWords + category / 32] >> (category % 32)) & 1u) != 0;
}

// _predict_one_from_raw_data. BuildHistTree proved the walk reaches a leaf
// within depth steps; the cap is a second belt.
inline bool WalkValue(const HistGradientBoostingModel& m, const HistTree& t, const double* row, double* out) {
  int32_t node = 0;
  for (int32_t step = 0; step <= t.depth; ++step) {
    const int32_t left = t.left[node];
    if (left == -1) {
      *out = t.value[node];
      return true;
    }
    const double v = row[t.feature[node]];
    const bool missing_left = t.missing_go_to_left[node] != 0;
    bool go_left;
    if (std::isnan(v)) {
      go_left = missing_left;
    } else if (t.is_categorical[node] != 0) {
      if (v < 0) {
        go_left = missing_left;  // out of the category range: missing
      } else {
        const uint32_t c = CategoryByte(v);
        if (InBitset(t.left_cat_bitsets.data(), t.bitset_idx[node], c)) {
          go_left = true;
        } else if (InBitset(m.known_cat_bitsets.data(), m.f_idx_map[t.feature[node]], c)) {
          go_left = false;
        } else {
          go_left = missing_left;  // unknown category: missing
        }
      }
    } else {
      go_left = v <= t.threshold[node];
    }
    node = go_left ? left : t.right[node];
  }
  return false;
}

}  // namespace

Result<Matrix> HistGradientBoostingRaw(const HistGradientBoostingModel& m, MatrixView x) {
  SAFEMODEL_RETURN_IF_ERROR(CheckHistInput(m, x));
  const size_t k = static_cast<size_t>(m.trees_per_iteration);
  const size_t nf = static_cast<size_t>(m.n_features);
  Matrix raw(x.rows, k);
  for (size_t i = 0; i < x.rows; ++i) {
    for (size_t c = 0; c < k; ++c) raw.at(i, c) = m.baseline[c];
  }
  // raw_predictions[:, k] += predictor.predict(X), iteration by iteration.
  for (size_t t = 0; t < m.trees.size(); ++t) {
    for (size_t i = 0; i < x.rows; ++i) {
      double v = 0.0;
      if (!WalkValue(m, m.trees[t], x.data.data() + i * nf, &v)) {
        return Corruption(m.class_name + "._predictors[" + std::to_string(t / k) + "]: walk exceeded its depth");
      }
      raw.at(i, t % k) += v;
    }
  }
  return raw;
}

Result<Prediction> HistGradientBoostingPredict(const HistGradientBoostingModel& m, MatrixView x) {
  SAFEMODEL_ASSIGN_OR_RETURN(Matrix raw, HistGradientBoostingRaw(m, x));
  if (m.task == BoostTask::kRegressor) {
    if (m.loss == BoostLoss::kLog) {
      for (double& v : raw.data) v = std::exp(v);
    }
    return Prediction(std::move(raw));
  }
  return Prediction(Labels{raw.rows, 1, TakeLabels(m.classes, BoostClassIndex(m.loss, raw))});
}

Result<Matrix> HistGradientBoostingPredictProba(const HistGradientBoostingModel& m, MatrixView x) {
  if (m.task != BoostTask::kClassifier) return Unsupported(m.class_name + " has no predict_proba");
  SAFEMODEL_ASSIGN_OR_RETURN(Matrix raw, HistGradientBoostingRaw(m, x));
  return BoostProba(m.loss, raw);
}

Result<Matrix> HistGradientBoostingDecisionFunction(const HistGradientBoostingModel& m, MatrixView x) {
  if (m.task != BoostTask::kClassifier) return Unsupported(m.class_name + " has no decision_function");
  return HistGradientBoostingRaw(m, x);
}

std::string Describe(const HistGradientBoostingModel& m) {
  int32_t nodes = 0, depth = 0;
  for (const auto& t : m.trees) {
    nodes = std::max(nodes, t.node_count);
    depth = std::max(depth, t.depth);
  }
  const size_t k = static_cast<size_t>(m.trees_per_iteration);
  std::string s = m.class_name + ": " + std::to_string(m.trees.size() / k) + " iteration(s) x " + std::to_string(k) +
                  " tree(s) (<= " + std::to_string(nodes) + " nodes, depth <= " + std::to_string(depth) + "), loss " +
                  std::string(BoostLossName(m.loss)) + ", " + std::to_string(m.n_features) + " features";
  if (!m.is_categorical.empty()) {
    s += ", " + std::to_string(std::count(m.is_categorical.begin(), m.is_categorical.end(), 1)) + " categorical";
  }
  if (m.task == BoostTask::kClassifier) s += ", " + DescribeClasses(m.classes);
  return s;
}

}  // namespace safemodel::estimators
