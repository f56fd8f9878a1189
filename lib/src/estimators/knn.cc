#include "estimators/knn.h"

#include <cfloat>
#include <cmath>
#include <limits>
#include <type_traits>
#include <utility>
#include <variant>

#include "estimators/dense_shape.h"
#include "estimators/numpy_math.h"

namespace safemodel::estimators {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

std::string Str(int64_t v) { return std::to_string(v); }

// ---- heap and sort: sklearn/utils/_heap.pyx and _sorting.pyx, literally ----

// heap_push: a fixed-size max-heap on values[0..size); (val, idx) enters only
// if val < values[0]. Equal values never displace the root, so of two points
// at the same distance the one pushed first stays.
void HeapPush(double* values, int32_t* indices, size_t size, double val, int32_t val_idx) {
  if (val >= values[0]) return;
  values[0] = val;
  indices[0] = val_idx;
  size_t current = 0;
  while (true) {
    const size_t left = 2 * current + 1, right = left + 1;
    size_t swap = 0;
    if (left >= size) {
      break;
    } else if (right >= size) {
      if (values[left] > val) swap = left; else break;
    } else if (values[left] >= values[right]) {
      if (val < values[left]) swap = left; else break;
    } else {
      if (val < values[right]) swap = right; else break;
    }
    values[current] = values[swap];
    indices[current] = indices[swap];
    current = swap;
  }
  values[current] = val;
  indices[current] = val_idx;
}

void DualSwap(double* v, int32_t* idx, size_t a, size_t b) {
  std::swap(v[a], v[b]);
  std::swap(idx[a], idx[b]);
}

// simultaneous_sort: median-of-three quicksort, not stable; the order it
// leaves tied distances in is what predict sums in. scikit-learn recurses into
// both sides of the pivot; they are disjoint ranges, so sorting the smaller
// one recursively and the larger one in the loop gives the same array while
// bounding the depth by log2(size) (a hostile file can make the partitions
// as uneven as it likes).
void SimultaneousSort(double* v, int32_t* idx, size_t size) {
  while (true) {
    if (size <= 1) return;
    if (size == 2) {
      if (v[0] > v[1]) DualSwap(v, idx, 0, 1);
      return;
    }
    if (size == 3) {
      if (v[0] > v[1]) DualSwap(v, idx, 0, 1);
      if (v[1] > v[2]) {
        DualSwap(v, idx, 1, 2);
        if (v[0] > v[1]) DualSwap(v, idx, 0, 1);
      }
      return;
    }
    size_t pivot_idx = size / 2;
    if (v[0] > v[size - 1]) DualSwap(v, idx, 0, size - 1);
    if (v[size - 1] > v[pivot_idx]) {
      DualSwap(v, idx, size - 1, pivot_idx);
      if (v[0] > v[size - 1]) DualSwap(v, idx, 0, size - 1);
    }
    const double pivot_val = v[size - 1];
    size_t store = 0;
    for (size_t i = 0; i + 1 < size; ++i) {
      if (v[i] < pivot_val) {
        DualSwap(v, idx, i, store);
        ++store;
      }
    }
    DualSwap(v, idx, store, size - 1);
    pivot_idx = store;
    // Left: [0, pivot_idx) (sorted when > 1 long); right: (pivot_idx, size)
    // (sorted when > 1 long, i.e. pivot_idx + 2 < size).
    const size_t left = pivot_idx, right = size - pivot_idx - 1;
    if (left <= right) {
      if (left > 1) SimultaneousSort(v, idx, left);
      v += pivot_idx + 1;
      idx += pivot_idx + 1;
      size = right;
    } else {
      if (right > 1) SimultaneousSort(v + pivot_idx + 1, idx + pivot_idx + 1, right);
      size = left;
    }
  }
}

// ---- metrics: sklearn/metrics/_dist_metrics.pyx --------------------------

// Cython's max(a, b) on C doubles: (b > a) ? b : a.
double CyMax(double a, double b) { return b > a ? b : a; }

// The reduced distance (rdist) between two rows.
double Rdist(const KnnModel& m, const double* a, const double* b) {
  const size_t nf = static_cast<size_t>(m.n_features);
  double d = 0.0;
  switch (m.metric) {
    case KnnMetric::kEuclidean:
      for (size_t j = 0; j < nf; ++j) {
        const double t = a[j] - b[j];
        d += t * t;
      }
      return d;
    case KnnMetric::kManhattan:
      for (size_t j = 0; j < nf; ++j) d += std::fabs(a[j] - b[j]);
      return d;
    case KnnMetric::kChebyshev:
      for (size_t j = 0; j < nf; ++j) d = CyMax(d, std::fabs(a[j] - b[j]));
      return d;
    case KnnMetric::kMinkowski:
      for (size_t j = 0; j < nf; ++j) d += std::pow(std::fabs(a[j] - b[j]), m.p);
      return d;
  }
  return d;
}

double RdistToDist(const KnnModel& m, double r) {
  switch (m.metric) {
    case KnnMetric::kEuclidean: return std::sqrt(r);
    case KnnMetric::kMinkowski: return std::pow(r, 1.0 / m.p);
    default: return r;
  }
}

double DistToRdist(const KnnModel& m, double d) {
  switch (m.metric) {
    case KnnMetric::kEuclidean: return d * d;
    case KnnMetric::kMinkowski: return std::pow(d, m.p);
    default: return d;
  }
}

double Dot(const double* a, const double* b, size_t n) {
  double s = 0.0;
  for (size_t j = 0; j < n; ++j) s += a[j] * b[j];
  return s;
}

// ---- brute: ArgKmin ------------------------------------------------------
// scikit-learn 1.2.1's "auto" strategy is parallel_on_X when the batch has
// more rows than the training set (or more than 4 * 256 * threads rows),
// else parallel_on_Y. parallel_on_X: the result heap (DBL_MAX, index 0) fed
// the training rows in order. parallel_on_Y: a per-thread heap (DBL_MAX,
// index -1) fed them in order, then pushed entry by entry, in heap-array
// order, into the result heap. Both end with simultaneous_sort. The set of
// neighbours is the same; the order of tied ones, which predict sums in,
// is not. parallel_on_Y is reproduced with one thread: what any thread count
// does while the training set fits one 256-row chunk.

void BruteRow(const KnnModel& m, const double* x, bool on_x, double* vals, int32_t* idx, std::vector<double>& tv,
              std::vector<int32_t>& ti) {
  const size_t k = static_cast<size_t>(m.n_neighbors), nf = static_cast<size_t>(m.n_features);
  tv.assign(k, DBL_MAX);
  ti.assign(k, on_x ? 0 : -1);
  if (m.metric == KnnMetric::kEuclidean) {
    // EuclideanArgKmin: (||x||^2 + (-2 x.y)) + ||y||^2, unclamped for ranking.
    const double xn = Dot(x, x, nf);
    for (int32_t j = 0; j < m.n_samples; ++j) {
      const double mid = -2.0 * Dot(x, m.fit_x.data() + static_cast<size_t>(j) * nf, nf);
      HeapPush(tv.data(), ti.data(), k, xn + mid + m.fit_sq_norms[static_cast<size_t>(j)], j);
    }
  } else {
    for (int32_t j = 0; j < m.n_samples; ++j) {
      HeapPush(tv.data(), ti.data(), k, Rdist(m, x, m.fit_x.data() + static_cast<size_t>(j) * nf), j);
    }
  }
  if (on_x) {
    for (size_t i = 0; i < k; ++i) {
      vals[i] = tv[i];
      idx[i] = ti[i];
    }
  } else {
    for (size_t i = 0; i < k; ++i) {
      vals[i] = DBL_MAX;
      idx[i] = 0;
    }
    for (size_t i = 0; i < k; ++i) HeapPush(vals, idx, k, tv[i], ti[i]);
  }
  SimultaneousSort(vals, idx, k);
  // compute_exact_distances: _rdist_to_dist(max(d, 0.)).
  for (size_t i = 0; i < k; ++i) vals[i] = RdistToDist(m, CyMax(vals[i], 0.0));
}

// ---- kd_tree / ball_tree: BinaryTree.query, depth-first -------------------

double MinRdist(const KnnModel& m, size_t node, const double* pt) {
  const size_t nf = static_cast<size_t>(m.n_features), nn = static_cast<size_t>(m.n_nodes);
  if (m.algorithm == KnnAlgorithm::kBallTree) {
    // min_dist = fmax(0, dist(pt, centroid) - radius), then dist_to_rdist.
    const double dist = RdistToDist(m, Rdist(m, pt, m.node_bounds.data() + node * nf));
    return DistToRdist(m, std::fmax(0.0, dist - m.node_radius[node]));
  }
  const double* lo = m.node_bounds.data() + node * nf;
  const double* hi = m.node_bounds.data() + (nn + node) * nf;
  double rdist = 0.0;
  for (size_t j = 0; j < nf; ++j) {
    const double d_lo = lo[j] - pt[j];
    const double d_hi = pt[j] - hi[j];
    const double d = (d_lo + std::fabs(d_lo)) + (d_hi + std::fabs(d_hi));
    if (m.p == kInf) {
      rdist = std::fmax(rdist, 0.5 * d);
    } else {
      rdist += std::pow(0.5 * d, m.p);
    }
  }
  return rdist;
}

// Recursion depth is the tree depth (<= 31: the builder caps the node count
// at 2^31 - 1 and checks that every inner node's children exist).
void QueryNode(const KnnModel& m, size_t node, const double* pt, double lb, double* vals, int32_t* idx) {
  const size_t k = static_cast<size_t>(m.n_neighbors), nf = static_cast<size_t>(m.n_features);
  if (lb > vals[0]) return;
  if (m.node_is_leaf[node]) {
    for (int32_t i = m.node_start[node]; i < m.node_end[node]; ++i) {
      const int32_t row = m.idx_array[static_cast<size_t>(i)];
      const double d = Rdist(m, pt, m.fit_x.data() + static_cast<size_t>(row) * nf);
      if (d < vals[0]) HeapPush(vals, idx, k, d, row);
    }
    return;
  }
  const size_t i1 = 2 * node + 1, i2 = i1 + 1;
  const double lb1 = MinRdist(m, i1, pt), lb2 = MinRdist(m, i2, pt);
  if (lb1 <= lb2) {
    QueryNode(m, i1, pt, lb1, vals, idx);
    QueryNode(m, i2, pt, lb2, vals, idx);
  } else {
    QueryNode(m, i2, pt, lb2, vals, idx);
    QueryNode(m, i1, pt, lb1, vals, idx);
  }
}

void TreeRow(const KnnModel& m, const double* x, double* vals, int32_t* idx) {
  const size_t k = static_cast<size_t>(m.n_neighbors);
  for (size_t i = 0; i < k; ++i) {
    vals[i] = kInf;
    idx[i] = 0;
  }
  QueryNode(m, 0, x, MinRdist(m, 0, x), vals, idx);
  SimultaneousSort(vals, idx, k);
  // dist_metric.rdist_to_dist on the array (np.sqrt / ** (1/p) / identity).
  for (size_t i = 0; i < k; ++i) vals[i] = RdistToDist(m, vals[i]);
}

// _get_weights(dist, "distance"): 1/d; a row with an infinite weight keeps
// only those points, weighted 1.
void DistanceWeights(const double* dist, size_t k, double* w) {
  bool inf_row = false;
  for (size_t i = 0; i < k; ++i) {
    w[i] = 1.0 / dist[i];
    inf_row = inf_row || std::isinf(w[i]);
  }
  if (!inf_row) return;
  for (size_t i = 0; i < k; ++i) w[i] = std::isinf(w[i]) ? 1.0 : 0.0;
}

// Row weights as predict uses them (uniform: ones).
std::vector<double> Weights(const KnnModel& m, const KnnNeighbors& nb, size_t rows) {
  std::vector<double> w(rows * nb.k, 1.0);
  if (m.weights == KnnWeights::kDistance) {
    for (size_t r = 0; r < rows; ++r) DistanceWeights(nb.distance.data() + r * nb.k, nb.k, w.data() + r * nb.k);
  }
  return w;
}

size_t NumClasses(const KnnModel& m, size_t out) { return LabelCount(m.classes[out]); }

Status CheckEnums(const KnnInput& in, const std::string& p) {
  if (static_cast<uint8_t>(in.kind) >= kKnnKindCount) return Corruption(p + ".kind: unknown neighbours estimator kind");
  if (static_cast<uint8_t>(in.weights) >= kKnnWeightsCount) return Corruption(p + ".weights: unknown weighting");
  if (static_cast<uint8_t>(in.metric) >= kKnnMetricCount) return Corruption(p + ".effective_metric_: unknown metric");
  if (static_cast<uint8_t>(in.algorithm) >= kKnnAlgorithmCount) return Corruption(p + "._fit_method: unknown algorithm");
  return Status::Ok();
}

Status CheckMetricP(const KnnInput& in, const std::string& p) {
  const double want = in.metric == KnnMetric::kEuclidean ? 2.0 : in.metric == KnnMetric::kManhattan ? 1.0 : kInf;
  if (in.metric == KnnMetric::kMinkowski) {
    if (!std::isfinite(in.p) || !(in.p >= 1.0)) {
      return Corruption(p + ".p: " + FormatDouble(in.p) + " is not a finite Minkowski p >= 1");
    }
  } else if (in.p != want) {
    return Corruption(p + ".p: " + FormatDouble(in.p) + " does not belong to this metric (expected " +
                      FormatDouble(want) + ")");
  }
  return Status::Ok();
}

Status CheckClassifierY(const KnnInput& in, KnnModel& m, const std::string& p) {
  if (in.classes.empty()) return Corruption(p + ".classes_: no output");
  if (in.classes.size() > static_cast<size_t>(INT32_MAX)) return LimitExceeded(p + ".classes_: too many outputs");
  if (!in.y_value.empty()) return Corruption(p + "._y: a classifier's targets are class indices");
  for (size_t o = 0; o < in.classes.size(); ++o) {
    const size_t nc = LabelCount(in.classes[o]);
    const std::string where = p + ".classes_[" + Str(static_cast<int64_t>(o)) + "]";
    if (nc < 1) return Corruption(where + ": no class");
    if (nc > static_cast<size_t>(INT32_MAX)) return LimitExceeded(where + ": too many classes");
    if (in.classes[o].index() != in.classes[0].index()) {
      return Corruption(where + ": labels of kind " + std::string(LabelKindName(in.classes[o])) + ", output 0 has " +
                        std::string(LabelKindName(in.classes[0])));
    }
  }
  m.n_outputs = static_cast<int32_t>(in.classes.size());
  SAFEMODEL_RETURN_IF_ERROR(CheckSize(p + "._y", in.y_index.size(), static_cast<uint64_t>(m.n_samples),
                                      static_cast<uint64_t>(m.n_outputs)));
  const size_t no = static_cast<size_t>(m.n_outputs);
  m.y_index.resize(in.y_index.size());
  for (size_t i = 0; i < in.y_index.size(); ++i) {
    const int64_t v = in.y_index[i];
    const int64_t nc = static_cast<int64_t>(LabelCount(in.classes[i % no]));
    if (v < 0 || v >= nc) {
      return Corruption(p + "._y[" + Str(static_cast<int64_t>(i / no)) + ", " + Str(static_cast<int64_t>(i % no)) +
                        "]: " + Str(v) + " out of range [0, " + Str(nc) + ")");
    }
    m.y_index[i] = static_cast<int32_t>(v);
  }
  m.classes.assign(in.classes.begin(), in.classes.end());
  return Status::Ok();
}

Status CheckRegressorY(const KnnInput& in, KnnModel& m, const std::string& p) {
  if (!in.classes.empty() || !in.y_index.empty()) return Corruption(p + ".classes_: a regressor has no classes");
  SAFEMODEL_RETURN_IF_ERROR(CheckCount(p + ".n_outputs", in.n_outputs, 1));
  m.n_outputs = static_cast<int32_t>(in.n_outputs);
  SAFEMODEL_RETURN_IF_ERROR(CheckSize(p + "._y", in.y_value.size(), static_cast<uint64_t>(m.n_samples),
                                      static_cast<uint64_t>(m.n_outputs)));
  SAFEMODEL_RETURN_IF_ERROR(CheckAllFinite(in.y_value, p + "._y"));
  if (in.y_column && m.n_outputs != 1) {
    return Corruption(p + "._y: a column vector has one output, not " + std::to_string(m.n_outputs));
  }
  m.y_value.assign(in.y_value.begin(), in.y_value.end());
  m.y_column = in.y_column;
  return Status::Ok();
}

Status CheckNoTree(const KnnInput& in, const std::string& p) {
  if (!in.idx_array.empty() || !in.node_start.empty() || !in.node_end.empty() || !in.node_is_leaf.empty() ||
      !in.node_radius.empty() || !in.node_bounds.empty()) {
    return Corruption(p + "._tree: brute force has no tree");
  }
  return Status::Ok();
}

Status CheckTreeArrays(const KnnInput& in, KnnModel& m, const std::string& p) {
  const std::string t = p + "._tree";
  SAFEMODEL_RETURN_IF_ERROR(CheckCount(t + ".leaf_size", in.leaf_size, 1));
  m.leaf_size = static_cast<int32_t>(in.leaf_size);
  // idx_array: a permutation of [0, n_samples).
  if (in.idx_array.size() != static_cast<size_t>(m.n_samples)) {
    return Corruption(t + ".idx_array: " + Str(static_cast<int64_t>(in.idx_array.size())) + " entries, expected " +
                      Str(m.n_samples));
  }
  std::vector<uint8_t> seen(in.idx_array.size(), 0);
  m.idx_array.resize(in.idx_array.size());
  for (size_t i = 0; i < in.idx_array.size(); ++i) {
    const int64_t v = in.idx_array[i];
    if (v < 0 || v >= m.n_samples) {
      return Corruption(t + ".idx_array[" + Str(static_cast<int64_t>(i)) + "]: " + Str(v) + " out of range [0, " +
                        Str(m.n_samples) + ")");
    }
    if (seen[static_cast<size_t>(v)]) {
      return Corruption(t + ".idx_array[" + Str(static_cast<int64_t>(i)) + "]: " + Str(v) +
                        " appears twice (not a permutation)");
    }
    seen[static_cast<size_t>(v)] = 1;
    m.idx_array[i] = static_cast<int32_t>(v);
  }
  // Node count 2^L - 1.
  const size_t nn = in.node_start.size();
  if (nn < 1 || nn > static_cast<size_t>(INT32_MAX)) {
    return nn < 1 ? Corruption(t + ".node_data: no node") : LimitExceeded(t + ".node_data: too many nodes");
  }
  if (((nn + 1) & nn) != 0) {
    return Corruption(t + ".node_data: " + Str(static_cast<int64_t>(nn)) + " nodes, not 2^levels - 1");
  }
  if (in.node_end.size() != nn || in.node_is_leaf.size() != nn || in.node_radius.size() != nn) {
    return Corruption(t + ".node_data: node columns of different lengths");
  }
  m.n_nodes = static_cast<int32_t>(nn);
  const uint64_t planes = m.algorithm == KnnAlgorithm::kKdTree ? 2 : 1;
  const auto& s = in.node_bounds_shape;
  if (s.size() != 3 || s[0] != planes || s[1] != nn || s[2] != static_cast<uint64_t>(m.n_features)) {
    std::string got;
    for (size_t i = 0; i < s.size(); ++i) got += (i ? ", " : "") + std::to_string(s[i]);
    return Corruption(t + ".node_bounds: shape [" + got + "], expected [" + std::to_string(planes) + ", " +
                      std::to_string(nn) + ", " + Str(m.n_features) + "]");
  }
  SAFEMODEL_RETURN_IF_ERROR(CheckSize(t + ".node_bounds", in.node_bounds.size(), planes * nn,
                                      static_cast<uint64_t>(m.n_features)));
  SAFEMODEL_RETURN_IF_ERROR(CheckAllFinite(in.node_bounds, t + ".node_bounds"));
  for (size_t i = 0; i < nn; ++i) {
    if (!std::isfinite(in.node_radius[i]) || !(in.node_radius[i] >= 0.0)) {
      return Corruption(t + ".node_data[" + Str(static_cast<int64_t>(i)) + "].radius: " +
                        FormatDouble(in.node_radius[i]) + " is not a finite value >= 0");
    }
  }
  m.node_start.assign(nn, 0);
  m.node_end.assign(nn, 0);
  m.node_is_leaf.assign(nn, 1);
  m.node_radius.assign(in.node_radius.begin(), in.node_radius.end());
  m.node_bounds.assign(in.node_bounds.begin(), in.node_bounds.end());
  // Walk from the root: only reachable nodes matter to the query.
  std::vector<size_t> stack{0};
  while (!stack.empty()) {
    const size_t i = stack.back();
    stack.pop_back();
    const std::string nd = t + ".node_data[" + Str(static_cast<int64_t>(i)) + "]";
    const int64_t start = in.node_start[i], end = in.node_end[i], leaf = in.node_is_leaf[i];
    if (leaf != 0 && leaf != 1) return Corruption(nd + ".is_leaf: " + Str(leaf) + " is not 0 or 1");
    if (i == 0 && (start != 0 || end != m.n_samples)) {
      return Corruption(nd + ": covers [" + Str(start) + ", " + Str(end) + "), expected [0, " + Str(m.n_samples) + ")");
    }
    if (start < 0 || end < start || end > m.n_samples) {
      return Corruption(nd + ": range [" + Str(start) + ", " + Str(end) + ") not within [0, " + Str(m.n_samples) + ")");
    }
    m.node_start[i] = static_cast<int32_t>(start);
    m.node_end[i] = static_cast<int32_t>(end);
    m.node_is_leaf[i] = static_cast<uint8_t>(leaf);
    if (leaf) continue;
    const size_t l = 2 * i + 1, r = l + 1;
    if (r >= nn) return Corruption(nd + ".is_leaf: an inner node on the last level (no children)");
    if (in.node_start[l] != start || in.node_end[r] != end || in.node_end[l] != in.node_start[r] ||
        in.node_end[l] < start || in.node_end[l] > end) {
      return Corruption(nd + ": children " + Str(static_cast<int64_t>(l)) + " [" + Str(in.node_start[l]) + ", " +
                        Str(in.node_end[l]) + ") and " + Str(static_cast<int64_t>(r)) + " [" + Str(in.node_start[r]) +
                        ", " + Str(in.node_end[r]) + ") do not split [" + Str(start) + ", " + Str(end) + ")");
    }
    stack.push_back(r);
    stack.push_back(l);
  }
  return Status::Ok();
}

}  // namespace

Result<KnnModel> BuildKnn(const KnnInput& in, std::string_view path) {
  const std::string p(path);
  SAFEMODEL_RETURN_IF_ERROR(CheckEnums(in, p));
  SAFEMODEL_RETURN_IF_ERROR(CheckMetricP(in, p));
  SAFEMODEL_ASSIGN_OR_RETURN(RowsCols s, CheckDense2d(p + "._fit_X", in.fit_x.size(), in.fit_x_shape, 1));
  SAFEMODEL_RETURN_IF_ERROR(CheckDeclaredFeatures(p, in.n_features_in, s.cols, "_fit_X"));
  SAFEMODEL_RETURN_IF_ERROR(CheckAllFinite(in.fit_x, p + "._fit_X"));
  KnnModel m;
  m.kind = in.kind;
  m.weights = in.weights;
  m.metric = in.metric;
  m.p = in.p;
  m.algorithm = in.algorithm;
  m.n_samples = s.rows;
  m.n_features = s.cols;
  if (in.n_neighbors < 1 || in.n_neighbors > s.rows) {
    return Corruption(p + ".n_neighbors: " + Str(in.n_neighbors) + " out of range [1, " + Str(s.rows) + "]");
  }
  if (in.n_neighbors > kKnnMaxNeighbors) {
    return LimitExceeded(p + ".n_neighbors: " + Str(in.n_neighbors) + " is above the limit of " +
                         Str(kKnnMaxNeighbors) + " (the neighbour sort is quadratic on ties)");
  }
  m.n_neighbors = static_cast<int32_t>(in.n_neighbors);
  m.fit_x.assign(in.fit_x.begin(), in.fit_x.end());
  if (in.kind == KnnKind::kClassifier) {
    SAFEMODEL_RETURN_IF_ERROR(CheckClassifierY(in, m, p));
  } else {
    SAFEMODEL_RETURN_IF_ERROR(CheckRegressorY(in, m, p));
  }
  if (in.algorithm == KnnAlgorithm::kBrute) {
    SAFEMODEL_RETURN_IF_ERROR(CheckNoTree(in, p));
    if (m.metric == KnnMetric::kEuclidean) {
      // _sqeuclidean_row_norms64: a dot product per row.
      const size_t nf = static_cast<size_t>(m.n_features);
      m.fit_sq_norms.resize(static_cast<size_t>(m.n_samples));
      for (size_t i = 0; i < m.fit_sq_norms.size(); ++i) {
        m.fit_sq_norms[i] = Dot(m.fit_x.data() + i * nf, m.fit_x.data() + i * nf, nf);
      }
    }
  } else {
    SAFEMODEL_RETURN_IF_ERROR(CheckTreeArrays(in, m, p));
  }
  return m;
}

KnnNeighbors KNeighbors(const KnnModel& m, MatrixView x) {
  KnnNeighbors nb;
  nb.k = static_cast<size_t>(m.n_neighbors);
  nb.index.resize(x.rows * nb.k);
  nb.distance.resize(x.rows * nb.k);
  const size_t nf = static_cast<size_t>(m.n_features);
  std::vector<double> tv;
  std::vector<int32_t> ti;
  for (size_t r = 0; r < x.rows; ++r) {
    const double* row = x.data.data() + r * nf;
    double* vals = nb.distance.data() + r * nb.k;
    int32_t* idx = nb.index.data() + r * nb.k;
    if (m.algorithm == KnnAlgorithm::kBrute) {
      BruteRow(m, row, x.rows > static_cast<size_t>(m.n_samples), vals, idx, tv, ti);
    } else {
      TreeRow(m, row, vals, idx);
    }
  }
  return nb;
}

namespace {

// KNeighborsClassifier.predict for one output: the mode of the neighbours'
// classes (uniform: scipy.stats.mode, the smallest of the most frequent;
// distance: utils.extmath.weighted_mode, per class the row sum of a template
// holding the weights of that class's neighbours, in numpy's pairwise order,
// replacing the best only when strictly greater).
int32_t ModeIndex(const KnnModel& m, size_t out, const int32_t* nbr, const double* w, size_t k,
                  std::vector<double>& scratch) {
  const size_t nc = NumClasses(m, out), no = static_cast<size_t>(m.n_outputs);
  if (m.weights == KnnWeights::kUniform) {
    scratch.assign(nc, 0.0);
    for (size_t i = 0; i < k; ++i) scratch[static_cast<size_t>(m.y_index[static_cast<size_t>(nbr[i]) * no + out])] += 1.0;
    int32_t best = 0;
    for (size_t c = 1; c < nc; ++c) {
      if (scratch[c] > scratch[static_cast<size_t>(best)]) best = static_cast<int32_t>(c);
    }
    return best;
  }
  scratch.assign(k, 0.0);
  double best_count = 0.0;
  int32_t best = 0;
  for (size_t c = 0; c < nc; ++c) {
    bool any = false;
    for (size_t i = 0; i < k; ++i) {
      const bool hit = static_cast<size_t>(m.y_index[static_cast<size_t>(nbr[i]) * no + out]) == c;
      scratch[i] = hit ? w[i] : 0.0;
      any = any || hit;
    }
    if (!any) continue;  // a count of 0 never beats the running maximum (>= 0)
    const double count = NumpySum(scratch.data(), k);
    if (count > best_count) {
      best = static_cast<int32_t>(c);
      best_count = count;
    }
  }
  return best;
}

Result<Prediction> PredictClassifier(const KnnModel& m, MatrixView x) {
  const KnnNeighbors nb = KNeighbors(m, x);
  const std::vector<double> w = Weights(m, nb, x.rows);
  const size_t no = static_cast<size_t>(m.n_outputs);
  std::vector<double> scratch;
  std::vector<std::vector<int32_t>> picks(no, std::vector<int32_t>(x.rows));
  for (size_t r = 0; r < x.rows; ++r) {
    for (size_t o = 0; o < no; ++o) {
      picks[o][r] = ModeIndex(m, o, nb.index.data() + r * nb.k, w.data() + r * nb.k, nb.k, scratch);
    }
  }
  if (no == 1) return Prediction(Labels{x.rows, 1, TakeLabels(m.classes[0], picks[0])});
  // Interleave the outputs row by row.
  std::vector<LabelValues> per_output;
  for (size_t o = 0; o < no; ++o) per_output.push_back(TakeLabels(m.classes[o], picks[o]));
  LabelValues all = std::visit([](const auto& v) { return LabelValues(std::decay_t<decltype(v)>{}); }, per_output[0]);
  std::visit(
      [&](auto& dst) {
        using V = std::decay_t<decltype(dst)>;
        dst.reserve(x.rows * no);
        for (size_t r = 0; r < x.rows; ++r) {
          for (size_t o = 0; o < no; ++o) dst.push_back(std::get<V>(per_output[o])[r]);
        }
      },
      all);
  return Prediction(Labels{x.rows, no, std::move(all)});
}

// KNeighborsRegressor.predict: uniform np.mean(_y[neigh_ind], axis=1) (one
// output: numpy's pairwise sum over the k values; several: summed neighbour
// by neighbour), distance sum(y * w) / sum(w), both pairwise.
Result<Prediction> PredictRegressor(const KnnModel& m, MatrixView x) {
  const KnnNeighbors nb = KNeighbors(m, x);
  const std::vector<double> w = Weights(m, nb, x.rows);
  const size_t no = static_cast<size_t>(m.n_outputs), k = nb.k;
  Matrix out(x.rows, no);
  std::vector<double> vals(k);
  for (size_t r = 0; r < x.rows; ++r) {
    const int32_t* nbr = nb.index.data() + r * k;
    const double* wr = w.data() + r * k;
    if (m.weights == KnnWeights::kUniform) {
      if (no == 1) {
        for (size_t i = 0; i < k; ++i) vals[i] = m.y_value[static_cast<size_t>(nbr[i])];
        out.at(r, 0) = NumpySum(vals.data(), k) / static_cast<double>(k);
      } else {
        for (size_t o = 0; o < no; ++o) {
          // numpy's reduction over a non-contiguous axis starts from the first row.
          double s = m.y_value[static_cast<size_t>(nbr[0]) * no + o];
          for (size_t i = 1; i < k; ++i) s += m.y_value[static_cast<size_t>(nbr[i]) * no + o];
          out.at(r, o) = s / static_cast<double>(k);
        }
      }
      continue;
    }
    const double denom = NumpySum(wr, k);
    for (size_t o = 0; o < no; ++o) {
      for (size_t i = 0; i < k; ++i) vals[i] = m.y_value[static_cast<size_t>(nbr[i]) * no + o] * wr[i];
      out.at(r, o) = NumpySum(vals.data(), k) / denom;
    }
  }
  return Prediction(std::move(out));
}

}  // namespace

Result<Prediction> Predict(const KnnModel& m, MatrixView x) {
  SAFEMODEL_RETURN_IF_ERROR(CheckInput(x, static_cast<size_t>(m.n_features), FiniteRule::kFinite, ClassNameOf(m)));
  return m.kind == KnnKind::kClassifier ? PredictClassifier(m, x) : PredictRegressor(m, x);
}

Result<Matrix> PredictProba(const KnnModel& m, MatrixView x) {
  if (m.kind != KnnKind::kClassifier) return Unsupported("KNeighborsRegressor has no predict_proba");
  if (m.n_outputs != 1) {
    return Unsupported("KNeighborsClassifier.predict_proba with " + Str(m.n_outputs) +
                       " outputs (a list of arrays in scikit-learn) is not supported");
  }
  SAFEMODEL_RETURN_IF_ERROR(CheckInput(x, static_cast<size_t>(m.n_features), FiniteRule::kFinite, ClassNameOf(m)));
  const KnnNeighbors nb = KNeighbors(m, x);
  const std::vector<double> w = Weights(m, nb, x.rows);
  const size_t nc = NumClasses(m, 0), k = nb.k;
  Matrix out(x.rows, nc);
  for (size_t r = 0; r < x.rows; ++r) {
    double* row = out.data.data() + r * nc;
    // proba_k[all_rows, idx] += weights[:, i], neighbour by neighbour.
    for (size_t i = 0; i < k; ++i) row[m.y_index[static_cast<size_t>(nb.index[r * k + i])]] += w[r * k + i];
    double norm = NumpySum(row, nc);
    if (norm == 0.0) norm = 1.0;
    for (size_t c = 0; c < nc; ++c) row[c] /= norm;
  }
  return out;
}

std::string ClassNameOf(const KnnModel& m) {
  return m.kind == KnnKind::kClassifier ? "KNeighborsClassifier" : "KNeighborsRegressor";
}

std::string Describe(const KnnModel& m) {
  static constexpr const char* kMetric[] = {"euclidean", "manhattan", "chebyshev", "minkowski"};
  static constexpr const char* kAlgo[] = {"brute", "kd_tree", "ball_tree"};
  std::string s = ClassNameOf(m) + ": " + Str(m.n_features) + " features, " + Str(m.n_samples) + " samples, k=" +
                  Str(m.n_neighbors) + ", " + (m.weights == KnnWeights::kDistance ? "distance" : "uniform") + ", " +
                  kMetric[static_cast<size_t>(m.metric)];
  if (m.metric == KnnMetric::kMinkowski) s += " p=" + FormatDouble(m.p);
  s += std::string(", ") + kAlgo[static_cast<size_t>(m.algorithm)];
  if (m.kind == KnnKind::kClassifier) s += ", " + DescribeClasses(m.classes[0]);
  if (m.n_outputs > 1) s += ", " + Str(m.n_outputs) + " outputs";
  return s;
}

}  // namespace safemodel::estimators
