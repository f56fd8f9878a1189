// TreeModel inference: predict and predict_proba as scikit-learn 1.2.1's
// BaseDecisionTree and ForestClassifier/ForestRegressor compute them.
#include <cmath>

#include "estimators/tree.h"

namespace safemodel::estimators {


namespace {

// Leaf value row for output k: max_classes values.
inline const double* LeafValue(const DecisionTree& t, int32_t leaf, int32_t k) {
  return t.value.data() + (static_cast<size_t>(leaf) * t.n_outputs + k) * t.max_classes;
}

// First index of the maximum over n values (numpy.argmax).
int32_t ArgMax(const double* v, int32_t n) {
  int32_t best = 0;
  for (int32_t c = 1; c < n; ++c) {
    if (v[c] > v[best]) best = c;
  }
  return best;
}

// predict_proba of one tree, output k, added into `out` (n_classes values):
// the leaf's values over the first n_classes columns divided by their sum
// (a zero sum divides by 1, as sklearn's normalizer[normalizer == 0] = 1).
void AddTreeProba(const double* v, int32_t n_classes, double* out) {
  double sum = 0.0;
  for (int32_t c = 0; c < n_classes; ++c) sum += v[c];
  if (sum == 0.0) sum = 1.0;
  for (int32_t c = 0; c < n_classes; ++c) out[c] += v[c] / sum;
}

// Forest predict_proba for output k: n x n_classes[k]; each tree's normalized
// proba summed in estimator order, then divided by the tree count.
Matrix ForestProba(const TreeModel& m, const std::vector<int32_t>& leaves, size_t rows, int32_t k) {
  const size_t nt = m.trees.size();
  const int32_t nc = m.n_classes[k];
  Matrix p(rows, static_cast<size_t>(nc));
  for (size_t i = 0; i < rows; ++i) {
    double* out = &p.at(i, 0);
    for (size_t t = 0; t < nt; ++t) AddTreeProba(LeafValue(m.trees[t], leaves[i * nt + t], k), nc, out);
    for (int32_t c = 0; c < nc; ++c) out[c] /= static_cast<double>(nt);
  }
  return p;
}

// Class index per sample for output k.
std::vector<int32_t> ClassIndex(const TreeModel& m, const std::vector<int32_t>& leaves, size_t rows, int32_t k) {
  std::vector<int32_t> index(rows);
  if (m.combine == TreeCombine::kSingle) {
    // A single tree takes argmax of the raw leaf values (weighted counts).
    // Only the first n_classes[k] columns: padding columns are zero in real
    // files, and a hostile file must not pick a class that does not exist.
    for (size_t i = 0; i < rows; ++i) index[i] = ArgMax(LeafValue(m.trees[0], leaves[i], k), m.n_classes[k]);
    return index;
  }
  Matrix p = ForestProba(m, leaves, rows, k);
  for (size_t i = 0; i < rows; ++i) index[i] = ArgMax(&p.at(i, 0), m.n_classes[k]);
  return index;
}

Labels ClassifierLabels(const TreeModel& m, const std::vector<int32_t>& leaves, size_t rows) {
  const size_t no = static_cast<size_t>(m.n_outputs);
  Labels out{rows, no, {}};
  std::vector<LabelValues> per_output;
  for (int32_t k = 0; k < m.n_outputs; ++k) per_output.push_back(TakeLabels(m.classes[k], ClassIndex(m, leaves, rows, k)));
  // Interleave the per-output columns into row-major rows x n_outputs.
  out.values = std::visit(
      [&](const auto& first) -> LabelValues {
        using Vec = std::decay_t<decltype(first)>;
        Vec all(rows * no);
        for (size_t k = 0; k < no; ++k) {
          const Vec& col = std::get<Vec>(per_output[k]);
          for (size_t i = 0; i < rows; ++i) all[i * no + k] = col[i];
        }
        return all;
      },
      per_output[0]);
  return out;
}

// Regressors: value[leaf, k, 0] summed over trees in order, then divided by
// the tree count (a single tree: divided by nothing, exactly its leaf value).
Matrix RegressorValues(const TreeModel& m, const std::vector<int32_t>& leaves, size_t rows) {
  const size_t nt = m.trees.size();
  const int32_t no = m.n_outputs;
  Matrix y(rows, static_cast<size_t>(no));
  for (size_t i = 0; i < rows; ++i) {
    for (int32_t k = 0; k < no; ++k) {
      double sum = 0.0;
      for (size_t t = 0; t < nt; ++t) sum += LeafValue(m.trees[t], leaves[i * nt + t], k)[0];
      y.at(i, k) = m.combine == TreeCombine::kSingle ? sum : sum / static_cast<double>(nt);
    }
  }
  return y;
}

}  // namespace

Result<Prediction> TreePredict(const TreeModel& m, MatrixView x) {
  SAFEMODEL_ASSIGN_OR_RETURN(std::vector<int32_t> leaves, TreeApply(m, x));
  if (m.task == TreeTask::kRegressor) return Prediction(RegressorValues(m, leaves, x.rows));
  return Prediction(ClassifierLabels(m, leaves, x.rows));
}

Result<Matrix> TreePredictProba(const TreeModel& m, MatrixView x) {
  if (m.task != TreeTask::kClassifier) return Unsupported(m.class_name + " has no predict_proba");
  if (m.n_outputs != 1) {
    return Unsupported(m.class_name + ": predict_proba of a multi-output classifier (" +
                       std::to_string(m.n_outputs) + " outputs) is not supported");
  }
  SAFEMODEL_ASSIGN_OR_RETURN(std::vector<int32_t> leaves, TreeApply(m, x));
  // A single tree is the forest formula with one tree: p / 1 is exact.
  return ForestProba(m, leaves, x.rows, 0);
}

}  // namespace safemodel::estimators
