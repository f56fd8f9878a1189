#include "estimators/ensemble.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "estimators/numpy_math.h"

namespace safemodel::estimators {

namespace {

constexpr double kEulerGamma = 0.57721566490153286060651209008240243;  // np.euler_gamma

std::string At(std::string_view path, std::string_view field, size_t i) {
  return std::string(path) + "." + std::string(field) + "[" + std::to_string(i) + "]";
}

std::string Range(int64_t v, int64_t lo, int64_t hi) {
  return std::to_string(v) + " out of range [" + std::to_string(lo) + ", " + std::to_string(hi) + ")";
}

// The members: one-output trees of the right task over `width` inputs.
Status CheckMembers(const TreeModel& t, TreeTask task, int64_t width, std::string_view path) {
  const std::string p = std::string(path) + ".estimators_";
  if (t.trees.empty()) return Corruption(p + ": no trees");
  if (t.task != task) {
    return Corruption(p + ": " + (task == TreeTask::kRegressor ? "regression" : "classification") +
                      " trees expected");
  }
  if (t.n_outputs != 1) return Corruption(p + ": trees with " + std::to_string(t.n_outputs) + " outputs");
  if (t.n_features != width) {
    return Corruption(p + ": trees over " + std::to_string(t.n_features) + " features, expected " +
                      std::to_string(width));
  }
  if (t.accept_nan) return Corruption(p + ": trees that take NaN (this estimator refuses NaN)");
  return Status::Ok();
}

// Depth of every node (root 0); parents come before children (BuildTree).
std::vector<int32_t> NodeDepths(const DecisionTree& t) {
  std::vector<int32_t> depth(static_cast<size_t>(t.node_count), 0);
  for (int32_t i = 0; i < t.node_count; ++i) {
    if (t.left[i] == kTreeLeaf) continue;
    depth[t.left[i]] = depth[t.right[i]] = depth[i] + 1;
  }
  return depth;
}

// n_node_samples of one tree: one per node, >= 1, internal = left + right.
Status CheckNodeSamples(const DecisionTree& t, std::span<const int64_t> n, const std::string& p) {
  if (n.size() != static_cast<size_t>(t.node_count)) {
    return Corruption(p + ": " + std::to_string(n.size()) + " entries but node_count is " + std::to_string(t.node_count));
  }
  for (size_t i = 0; i < n.size(); ++i) {
    if (n[i] < 1) return Corruption(p + "[" + std::to_string(i) + "]: " + std::to_string(n[i]) + " is below 1");
  }
  for (int32_t i = 0; i < t.node_count; ++i) {
    if (t.left[i] == kTreeLeaf) continue;
    const int64_t l = n[t.left[i]], r = n[t.right[i]];
    // Both >= 1, so l + r overflows only past INT64_MAX: compare without adding.
    if (l > n[i] || r != n[i] - l) {
      return Corruption(p + "[" + std::to_string(i) + "]: " + std::to_string(n[i]) + " is not the sum of its children's " +
                        std::to_string(l) + " and " + std::to_string(r));
    }
  }
  return Status::Ok();
}

// scikit-learn >= 1.3's cached per-node arrays agree with the tree.
Status CheckCached(const IsolationForestInput& in, size_t t, const std::vector<int32_t>& depth,
                   const std::vector<double>& apl, std::string_view path) {
  if (!in.decision_path_lengths.empty()) {
    const auto& d = in.decision_path_lengths[t];
    const std::string p = std::string(path) + "._decision_path_lengths[" + std::to_string(t) + "]";
    if (d.size() != depth.size()) return Corruption(p + ": " + std::to_string(d.size()) + " entries, expected " + std::to_string(depth.size()));
    for (size_t i = 0; i < d.size(); ++i) {
      if (d[i] != static_cast<double>(depth[i] + 1)) {
        return Corruption(p + "[" + std::to_string(i) + "]: " + FormatDouble(d[i]) + " but the node is at depth " +
                          std::to_string(depth[i] + 1));
      }
    }
  }
  if (!in.average_path_length_per_tree.empty()) {
    const auto& a = in.average_path_length_per_tree[t];
    const std::string p = std::string(path) + "._average_path_length_per_tree[" + std::to_string(t) + "]";
    if (a.size() != apl.size()) return Corruption(p + ": " + std::to_string(a.size()) + " entries, expected " + std::to_string(apl.size()));
    for (size_t i = 0; i < a.size(); ++i) {
      if (!(std::fabs(a[i] - apl[i]) <= 1e-12 * std::max(1.0, std::fabs(apl[i])))) {
        return Corruption(p + "[" + std::to_string(i) + "]: " + FormatDouble(a[i]) + " but n_node_samples gives " +
                          FormatDouble(apl[i]));
      }
    }
  }
  return Status::Ok();
}

Status CheckIsolationShape(const IsolationForestInput& in, std::string_view path) {
  const std::string p(path);
  SAFEMODEL_RETURN_IF_ERROR(CheckCount(p + ".n_features_in_", in.n_features, 1));
  SAFEMODEL_RETURN_IF_ERROR(CheckCount(p + "._max_features", in.max_features, 1));
  if (in.max_features > in.n_features) {
    return Corruption(p + "._max_features: " + std::to_string(in.max_features) + " exceeds n_features_in_ " +
                      std::to_string(in.n_features));
  }
  if (in.max_samples < 1) return Corruption(p + ".max_samples_: " + std::to_string(in.max_samples) + " is below 1");
  if (!std::isfinite(in.offset)) return Corruption(p + ".offset_: " + FormatDouble(in.offset) + " is not finite");
  SAFEMODEL_RETURN_IF_ERROR(CheckMembers(in.trees, TreeTask::kRegressor, in.max_features, path));
  const size_t nt = in.trees.trees.size();
  auto count = [&](std::string_view field, size_t n) -> Status {
    if (n == nt) return Status::Ok();
    return Corruption(p + "." + std::string(field) + ": " + std::to_string(n) + " entries for " + std::to_string(nt) + " trees");
  };
  SAFEMODEL_RETURN_IF_ERROR(count("estimators_features_", in.features.size()));
  SAFEMODEL_RETURN_IF_ERROR(count("n_node_samples", in.n_node_samples.size()));
  if (!in.decision_path_lengths.empty()) SAFEMODEL_RETURN_IF_ERROR(count("_decision_path_lengths", in.decision_path_lengths.size()));
  if (!in.average_path_length_per_tree.empty()) {
    SAFEMODEL_RETURN_IF_ERROR(count("_average_path_length_per_tree", in.average_path_length_per_tree.size()));
  }
  for (size_t t = 0; t < nt; ++t) {
    const auto& f = in.features[t];
    const std::string fp = At(path, "estimators_features_", t);
    if (f.size() != static_cast<size_t>(in.max_features)) {
      return Corruption(fp + ": " + std::to_string(f.size()) + " features, _max_features is " + std::to_string(in.max_features));
    }
    for (size_t j = 0; j < f.size(); ++j) {
      if (f[j] < 0 || f[j] >= in.n_features) return Corruption(fp + "[" + std::to_string(j) + "]: " + Range(f[j], 0, in.n_features));
    }
  }
  return Status::Ok();
}

}  // namespace

double AveragePathLength(double n) {
  if (n <= 1.0) return 0.0;
  if (n == 2.0) return 1.0;
  return 2.0 * (std::log(n - 1.0) + kEulerGamma) - 2.0 * (n - 1.0) / n;
}

IsolationForestModel IsolationForestModel::Clone() const {
  IsolationForestModel m;
  m.class_name = class_name;
  m.n_features = n_features;
  m.max_features = max_features;
  m.max_samples = max_samples;
  m.offset = offset;
  m.features = features;
  m.n_node_samples = n_node_samples;
  m.trees = trees.Clone();
  m.walk = walk.Clone();
  m.leaf_term = leaf_term;
  m.denominator = denominator;
  return m;
}

Result<IsolationForestModel> BuildIsolationForest(IsolationForestInput in, std::string_view path) {
  SAFEMODEL_RETURN_IF_ERROR(CheckIsolationShape(in, path));
  IsolationForestModel m;
  m.class_name = std::string(in.class_name);
  m.n_features = static_cast<int32_t>(in.n_features);
  m.max_features = static_cast<int32_t>(in.max_features);
  m.max_samples = in.max_samples;
  m.offset = in.offset;
  const size_t nt = in.trees.trees.size();
  for (size_t t = 0; t < nt; ++t) {
    const DecisionTree& tree = in.trees.trees[t];
    const std::string np = At(path, "estimators_", t) + ".tree_.n_node_samples";
    SAFEMODEL_RETURN_IF_ERROR(CheckNodeSamples(tree, in.n_node_samples[t], np));
    const std::vector<int32_t> depth = NodeDepths(tree);
    std::vector<double> apl(depth.size()), term(depth.size());
    for (size_t i = 0; i < depth.size(); ++i) {
      apl[i] = AveragePathLength(static_cast<double>(in.n_node_samples[t][i]));
      // np.ravel(node_indicator.sum(axis=1)) + apl - 1.0, left to right.
      term[i] = (static_cast<double>(depth[i] + 1) + apl[i]) - 1.0;
    }
    SAFEMODEL_RETURN_IF_ERROR(CheckCached(in, t, depth, apl, path));
    m.n_node_samples.emplace_back(in.n_node_samples[t].begin(), in.n_node_samples[t].end());
    m.leaf_term.push_back(std::move(term));
    m.features.insert(m.features.end(), in.features[t].begin(), in.features[t].end());
  }
  m.trees = std::move(in.trees);
  m.walk = m.trees.Clone();
  if (m.max_features != m.n_features) {
    // X[:, features] then a walk on column j is a walk on column features[j].
    for (size_t t = 0; t < nt; ++t) {
      DecisionTree& tree = m.walk.trees[t];
      for (int32_t i = 0; i < tree.node_count; ++i) {
        if (tree.left[i] != kTreeLeaf) tree.feature[i] = m.features[t * m.max_features + tree.feature[i]];
      }
      CompileTree(tree);
    }
    m.walk.n_features = m.n_features;
  }
  m.denominator = static_cast<double>(nt) * AveragePathLength(static_cast<double>(m.max_samples));
  return m;
}

Result<Matrix> IsolationForestScoreSamples(const IsolationForestModel& m, MatrixView x) {
  SAFEMODEL_ASSIGN_OR_RETURN(std::vector<int32_t> leaves, TreeApply(m.walk, x));
  const size_t nt = m.walk.trees.size();
  Matrix out(x.rows, 1);
  for (size_t i = 0; i < x.rows; ++i) {
    double depth = 0.0;
    for (size_t t = 0; t < nt; ++t) depth += m.leaf_term[t][leaves[i * nt + t]];
    // np.divide(..., out=ones, where=denominator != 0)
    const double ratio = m.denominator != 0.0 ? depth / m.denominator : 1.0;
    out.at(i, 0) = -std::pow(2.0, -ratio);
  }
  return out;
}

Result<Matrix> IsolationForestDecisionFunction(const IsolationForestModel& m, MatrixView x) {
  SAFEMODEL_ASSIGN_OR_RETURN(Matrix s, IsolationForestScoreSamples(m, x));
  for (double& v : s.data) v -= m.offset;
  return s;
}

Result<Prediction> IsolationForestPredict(const IsolationForestModel& m, MatrixView x) {
  SAFEMODEL_ASSIGN_OR_RETURN(Matrix d, IsolationForestDecisionFunction(m, x));
  std::vector<int64_t> labels(d.rows);
  for (size_t i = 0; i < d.rows; ++i) labels[i] = d.data[i] < 0 ? -1 : 1;
  return Prediction(Labels{d.rows, 1, LabelValues(std::move(labels))});
}

std::string Describe(const IsolationForestModel& m) {
  return m.class_name + ": " + std::to_string(m.walk.trees.size()) + " trees, " + std::to_string(m.n_features) +
         " features (" + std::to_string(m.max_features) + " per tree), max_samples_ " + std::to_string(m.max_samples) +
         ", offset_ " + FormatDouble(m.offset);
}

// ---- AdaBoost ---------------------------------------------------------------

AdaBoostModel AdaBoostModel::Clone() const {
  AdaBoostModel m;
  m.class_name = class_name;
  m.algorithm = algorithm;
  m.n_features = n_features;
  m.classes = classes;
  m.estimator_weights = estimator_weights;
  m.trees = trees.Clone();
  m.weight_sum = weight_sum;
  return m;
}

Result<AdaBoostModel> BuildAdaBoost(AdaBoostInput in, std::string_view path) {
  const std::string p(path);
  if (static_cast<int>(in.algorithm) >= kAdaAlgorithmCount) return Corruption(p + ".algorithm: unknown");
  SAFEMODEL_RETURN_IF_ERROR(CheckCount(p + ".n_features_in_", in.n_features, 1));
  const bool classifier = in.algorithm != AdaAlgorithm::kRegressor;
  SAFEMODEL_RETURN_IF_ERROR(
      CheckMembers(in.trees, classifier ? TreeTask::kClassifier : TreeTask::kRegressor, in.n_features, path));
  if (classifier) {
    const size_t k = LabelCount(in.classes);
    if (k < 2) return Corruption(p + ".classes_: " + std::to_string(k) + " classes (at least 2 needed)");
    if (in.trees.classes.size() != 1 || in.trees.classes[0] != in.classes) {
      return Corruption(p + ".estimators_: the trees' classes_ differ from classes_");
    }
  } else if (LabelCount(in.classes) != 0) {
    return Corruption(p + ".classes_: a regressor has classes");
  }
  const size_t nt = in.trees.trees.size();
  const std::string wp = p + ".estimator_weights_";
  if (in.estimator_weights.size() < nt) {
    return Corruption(wp + ": " + std::to_string(in.estimator_weights.size()) + " weights for " + std::to_string(nt) + " trees");
  }
  SAFEMODEL_RETURN_IF_ERROR(CheckAllFinite(in.estimator_weights, wp));
  for (size_t i = 0; i < in.estimator_weights.size(); ++i) {
    if (in.estimator_weights[i] < 0) return Corruption(At(path, "estimator_weights_", i) + ": " + FormatDouble(in.estimator_weights[i]) + " is negative");
  }
  AdaBoostModel m;
  m.weight_sum = NumpySum(in.estimator_weights.data(), in.estimator_weights.size());
  if (classifier && !(m.weight_sum > 0.0 && std::isfinite(m.weight_sum))) {
    return Corruption(wp + ": the weights sum to " + FormatDouble(m.weight_sum) + " (must be positive and finite)");
  }
  m.class_name = std::string(in.class_name);
  m.algorithm = in.algorithm;
  m.n_features = static_cast<int32_t>(in.n_features);
  m.classes = std::move(in.classes);
  m.estimator_weights.assign(in.estimator_weights.begin(), in.estimator_weights.end());
  m.trees = std::move(in.trees);
  return m;
}

namespace {

inline const double* LeafRow(const DecisionTree& t, int32_t leaf) {
  return t.value.data() + static_cast<size_t>(leaf) * static_cast<size_t>(t.max_classes);
}

// SAMME.R's term of one tree for one sample, added into `out` (K values):
// DecisionTreeClassifier.predict_proba (leaf values over their sum, a zero sum
// left as is), clipped to eps, then (K - 1) * (log p - (1 / K) * sum(log p)).
void AddSammeR(const double* v, int32_t k, std::vector<double>& tmp, double* out) {
  double norm = NumpySum(v, static_cast<size_t>(k));
  if (norm == 0.0) norm = 1.0;
  constexpr double kEps = std::numeric_limits<double>::epsilon();
  for (int32_t c = 0; c < k; ++c) tmp[c] = std::log(std::max(v[c] / norm, kEps));
  const double mean_term = (1.0 / static_cast<double>(k)) * NumpySum(tmp.data(), static_cast<size_t>(k));
  for (int32_t c = 0; c < k; ++c) out[c] += static_cast<double>(k - 1) * (tmp[c] - mean_term);
}

// decision_function before the binary fold: n x K.
Result<Matrix> RawDecision(const AdaBoostModel& m, MatrixView x) {
  if (m.algorithm == AdaAlgorithm::kRegressor) return Unsupported(m.class_name + " has no decision_function");
  SAFEMODEL_ASSIGN_OR_RETURN(std::vector<int32_t> leaves, TreeApply(m.trees, x));
  const size_t nt = m.trees.trees.size();
  const int32_t k = m.trees.n_classes[0];
  Matrix pred(x.rows, static_cast<size_t>(k));
  std::vector<double> tmp(static_cast<size_t>(k));
  for (size_t i = 0; i < x.rows; ++i) {
    double* out = &pred.at(i, 0);
    for (size_t t = 0; t < nt; ++t) {
      const double* v = LeafRow(m.trees.trees[t], leaves[i * nt + t]);
      if (m.algorithm == AdaAlgorithm::kSammeR) {
        AddSammeR(v, k, tmp, out);
      } else {
        // (estimator.predict(X) == classes).T * w: w where the tree votes, 0 elsewhere.
        const size_t vote = NumpyArgMax(v, static_cast<size_t>(k));
        const double w = m.estimator_weights[t];
        for (int32_t c = 0; c < k; ++c) out[c] += static_cast<size_t>(c) == vote ? w : 0.0 * w;
      }
    }
    for (int32_t c = 0; c < k; ++c) out[c] /= m.weight_sum;
  }
  return pred;
}

// sklearn.utils.extmath.softmax, row by row, in place.
void Softmax(Matrix& p) {
  for (size_t i = 0; i < p.rows; ++i) {
    double* row = &p.at(i, 0);
    double mx = row[0];
    for (size_t c = 1; c < p.cols; ++c) mx = std::max(mx, row[c]);
    for (size_t c = 0; c < p.cols; ++c) row[c] = std::exp(row[c] - mx);
    const double sum = NumpySum(row, p.cols);
    for (size_t c = 0; c < p.cols; ++c) row[c] /= sum;
  }
}

// _get_median_predict: per sample, the prediction at the first position of
// the sorted order where the cumulative weight reaches half the total.
Matrix WeightedMedian(const AdaBoostModel& m, const std::vector<int32_t>& leaves, size_t rows) {
  const size_t nt = m.trees.trees.size();
  Matrix y(rows, 1);
  std::vector<double> pred(nt), cdf(nt);
  std::vector<size_t> order(nt);
  for (size_t i = 0; i < rows; ++i) {
    for (size_t t = 0; t < nt; ++t) pred[t] = LeafRow(m.trees.trees[t], leaves[i * nt + t])[0];
    std::iota(order.begin(), order.end(), size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return pred[a] < pred[b]; });
    double acc = 0.0;
    for (size_t j = 0; j < nt; ++j) cdf[j] = acc += m.estimator_weights[order[j]];
    const double half = 0.5 * cdf[nt - 1];
    size_t at = 0;  // argmax of an all-False row is 0
    for (size_t j = 0; j < nt; ++j) {
      if (cdf[j] >= half) { at = j; break; }
    }
    y.at(i, 0) = pred[order[at]];
  }
  return y;
}

}  // namespace

Result<Matrix> AdaBoostDecisionFunction(const AdaBoostModel& m, MatrixView x) {
  SAFEMODEL_ASSIGN_OR_RETURN(Matrix pred, RawDecision(m, x));
  if (pred.cols != 2) return pred;
  Matrix d(pred.rows, 1);
  for (size_t i = 0; i < pred.rows; ++i) d.at(i, 0) = -pred.at(i, 0) + pred.at(i, 1);
  return d;
}

Result<Prediction> AdaBoostPredict(const AdaBoostModel& m, MatrixView x) {
  if (m.algorithm == AdaAlgorithm::kRegressor) {
    SAFEMODEL_ASSIGN_OR_RETURN(std::vector<int32_t> leaves, TreeApply(m.trees, x));
    return Prediction(WeightedMedian(m, leaves, x.rows));
  }
  SAFEMODEL_ASSIGN_OR_RETURN(Matrix d, AdaBoostDecisionFunction(m, x));
  std::vector<int32_t> index(d.rows);
  for (size_t i = 0; i < d.rows; ++i) {
    index[i] = d.cols == 1 ? (d.at(i, 0) > 0 ? 1 : 0)
                           : static_cast<int32_t>(NumpyArgMax(&d.at(i, 0), d.cols));
  }
  return Prediction(Labels{d.rows, 1, TakeLabels(m.classes, index)});
}

Result<Matrix> AdaBoostPredictProba(const AdaBoostModel& m, MatrixView x) {
  if (m.algorithm == AdaAlgorithm::kRegressor) return Unsupported(m.class_name + " has no predict_proba");
  SAFEMODEL_ASSIGN_OR_RETURN(Matrix d, AdaBoostDecisionFunction(m, x));
  Matrix p;
  if (d.cols == 1) {
    p = Matrix(d.rows, 2);
    for (size_t i = 0; i < d.rows; ++i) {
      p.at(i, 0) = -d.at(i, 0) / 2;
      p.at(i, 1) = d.at(i, 0) / 2;
    }
  } else {
    p = std::move(d);
    const double km1 = static_cast<double>(p.cols - 1);
    for (double& v : p.data) v /= km1;
  }
  Softmax(p);
  return p;
}

std::string Describe(const AdaBoostModel& m) {
  static constexpr const char* kNames[] = {"SAMME", "SAMME.R", "AdaBoost.R2"};
  std::string s = m.class_name + " (" + kNames[static_cast<int>(m.algorithm)] + "): " +
                  std::to_string(m.trees.trees.size()) + " trees, " + std::to_string(m.n_features) + " features";
  if (m.algorithm != AdaAlgorithm::kRegressor) s += ", " + DescribeClasses(m.classes);
  return s;
}

}  // namespace safemodel::estimators
