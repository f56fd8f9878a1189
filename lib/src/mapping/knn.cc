// KNeighborsClassifier and KNeighborsRegressor (sklearn.neighbors.
// _classification / _regression, before 0.22 .classification / .regression).
//
// Read: n_neighbors, weights, effective_metric_ (+ effective_metric_params_'s
// p), _fit_method, _fit_X, _y, classes_ / outputs_2d_ (classifier), and for
// kd_tree / ball_tree the fitted `_tree`: a BinaryTree pickled by
// `newObj(KDTree)` (or BallTree) with the state tuple
//   (data, idx_array, node_data, node_bounds, leaf_size, n_levels, n_nodes,
//    n_trims, n_leaves, n_splits, n_calls, dist_metric[, sample_weight])
// where node_data is a structured array (idx_start, idx_end, is_leaf, radius)
// read by field name, and dist_metric is `newObj(EuclideanDistance)` & co with
// the state (p, vec, mat). The tree's data must equal _fit_X. Counters,
// n_samples_fit_, radius, n_jobs and sample_weight are left unread.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "mapping/sklearn.h"
#include "safemodel/tensor.h"
#include "util/checked.h"
#include "util/text.h"

namespace safemodel::mapping {

using pickle::Kind;
using pickle::Value;
namespace est = estimators;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();


struct OwnedTree {
  std::vector<double> data, bounds, radius;
  std::vector<uint64_t> data_shape, bounds_shape;
  std::vector<int64_t> idx, start, end, leaf;
  int64_t leaf_size = 0;
};

// A value for messages: a string quoted, anything else described.
std::string Shown(const Value* v) {
  if (v != nullptr && v->kind == Kind::kStr) return "'" + EscapeForTerminal(v->text()) + "'";
  return pickle::Describe(v);
}

// `newObj(<cls>)` objects: (module, class) of the argument, or empty.
const Value* NewObjClass(const Value* v) {
  if (v == nullptr || v->kind != Kind::kObject || v->name != "newObj" || v->args == nullptr ||
      v->args->kind != Kind::kTuple || v->args->items.size() != 1) {
    return nullptr;
  }
  const Value* c = v->args->items[0];
  return c != nullptr && c->kind == Kind::kGlobal ? c : nullptr;
}

bool InModules(std::string_view m, std::initializer_list<std::string_view> mods) {
  return std::find(mods.begin(), mods.end(), m) != mods.end();
}

// The tree's DistanceMetric must be the estimator's effective metric.
Status CheckTreeMetric(const Attrs& a, const Value* dm, est::KnnMetric metric, double p, const std::string& where) {
  const Value* c = NewObjClass(dm);
  if (c == nullptr || !InModules(c->module, {"sklearn.metrics._dist_metrics", "sklearn.neighbors._dist_metrics",
                                             "sklearn.neighbors.dist_metrics"})) {
    return Corruption(Where(dm, where) + ": expected a DistanceMetric, got " + pickle::Describe(dm));
  }
  std::string name = c->name;
  if (name.size() > 2 && name.ends_with("64")) name.resize(name.size() - 2);
  static constexpr const char* kNames[] = {"EuclideanDistance", "ManhattanDistance", "ChebyshevDistance",
                                           "MinkowskiDistance"};
  if (name != kNames[static_cast<size_t>(metric)]) {
    return Corruption(Where(dm, where) + ": the tree uses " + EscapeForTerminal(c->name) + ", the estimator's " +
                      "effective_metric_ needs " + kNames[static_cast<size_t>(metric)]);
  }
  const Value* st = dm->state;
  if (st == nullptr || st->kind != Kind::kTuple || st->items.size() < 3) {
    return Corruption(Where(dm, where) + ": DistanceMetric state must be a (p, vec, mat) tuple");
  }
  SAFEMODEL_ASSIGN_OR_RETURN(double tp, ReadNumber(st->items[0], where + ".p"));
  if (tp != p) {
    return Corruption(Where(st, where) + ".p: " + est::FormatDouble(tp) + ", the estimator's metric has p = " +
                      est::FormatDouble(p));
  }
  if (metric == est::KnnMetric::kMinkowski) {
    std::vector<uint64_t> shape;
    SAFEMODEL_ASSIGN_OR_RETURN(auto vec, ReadDoubles(st->items[1], where + ".vec", &shape));
    if (!vec.empty()) return a.Refuse(st->items[1], "weighted Minkowski distance (w) is not supported");
  }
  return Status::Ok();
}

Result<OwnedTree> ReadTree(const Attrs& a, est::KnnAlgorithm algo, est::KnnMetric metric, double p) {
  const std::string where = a.Field("_tree");
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* t, a.Need("_tree"));
  const Value* c = NewObjClass(t);
  const bool kd = algo == est::KnnAlgorithm::kKdTree;
  const bool ok = c != nullptr && t->module == c->module &&
                  (kd ? InModules(c->module, {"sklearn.neighbors._kd_tree", "sklearn.neighbors.kd_tree"}) &&
                            (c->name == "KDTree" || c->name == "KDTree64")
                      : InModules(c->module, {"sklearn.neighbors._ball_tree", "sklearn.neighbors.ball_tree"}) &&
                            (c->name == "BallTree" || c->name == "BallTree64"));
  if (!ok) {
    return Corruption(Where(t, where) + ": expected a " + (kd ? "KDTree" : "BallTree") + " (_fit_method '" +
                      (kd ? "kd_tree" : "ball_tree") + "'), got " + pickle::Describe(t));
  }
  const Value* st = t->state;
  if (st == nullptr || st->kind != Kind::kTuple || st->items.size() < 12 || st->items.size() > 13) {
    return Corruption(Where(t, where) + ": tree state must be a tuple of 12 or 13 items, got " + pickle::Describe(st));
  }
  const auto& it = st->items;
  OwnedTree o;
  SAFEMODEL_ASSIGN_OR_RETURN(o.data, ReadDoubles(it[0], where + ".data", &o.data_shape));
  std::vector<uint64_t> idx_shape;
  SAFEMODEL_ASSIGN_OR_RETURN(o.idx, ReadInt64s(it[1], where + ".idx_array", &idx_shape));
  if (idx_shape.size() != 1) return Corruption(Where(it[1], where + ".idx_array") + ": must be 1-d");
  SAFEMODEL_ASSIGN_OR_RETURN(o.bounds, ReadDoubles(it[3], where + ".node_bounds", &o.bounds_shape));
  SAFEMODEL_ASSIGN_OR_RETURN(o.leaf_size, ReadInt(it[4], where + ".leaf_size"));
  SAFEMODEL_ASSIGN_OR_RETURN(int64_t n_levels, ReadInt(it[5], where + ".n_levels"));
  SAFEMODEL_ASSIGN_OR_RETURN(int64_t n_nodes, ReadInt(it[6], where + ".n_nodes"));
  SAFEMODEL_RETURN_IF_ERROR(CheckTreeMetric(a, it[11], metric, p, where + ".dist_metric"));
  // node_data: structured records.
  const Value* nd = it[2];
  const std::string ndw = where + ".node_data";
  if (nd == nullptr || nd->kind != Kind::kNdArray || nd->array == nullptr || nd->array->dtype == nullptr ||
      !nd->array->dtype->structured() || nd->array->shape.size() != 1) {
    return Corruption(Where(nd, ndw) + ": expected a 1-d structured array, got " + pickle::Describe(nd));
  }
  const pickle::NdArray& arr = *nd->array;
  const pickle::DTypeDesc& dt = *arr.dtype;
  SAFEMODEL_ASSIGN_OR_RETURN(RecordField f_start, FindRecordField(nd, dt, "idx_start", "iu", ndw, true));
  SAFEMODEL_ASSIGN_OR_RETURN(RecordField f_end, FindRecordField(nd, dt, "idx_end", "iu", ndw, true));
  SAFEMODEL_ASSIGN_OR_RETURN(RecordField f_leaf, FindRecordField(nd, dt, "is_leaf", "iub", ndw, true));
  SAFEMODEL_ASSIGN_OR_RETURN(RecordField f_rad, FindRecordField(nd, dt, "radius", "f", ndw, true));
  const uint64_t count = arr.shape[0];
  auto bytes = CheckedMul(count, dt.itemsize);
  if (!bytes || *bytes != arr.data.size() || dt.itemsize == 0) {
    return Corruption(Where(nd, ndw) + ": " + std::to_string(count) + " records do not match the array's bytes");
  }
  if (n_nodes < 0 || static_cast<uint64_t>(n_nodes) != count) {
    return Corruption(Where(it[6], where + ".n_nodes") + ": " + std::to_string(n_nodes) + ", node_data has " +
                      std::to_string(count) + " records");
  }
  if (n_levels < 1 || n_levels > 31 || (uint64_t{1} << n_levels) - 1 != count) {
    return Corruption(Where(it[5], where + ".n_levels") + ": " + std::to_string(n_levels) + " levels do not make " +
                      std::to_string(count) + " nodes");
  }
  for (uint64_t i = 0; i < count; ++i) {
    const std::byte* rec = arr.data.data() + i * dt.itemsize;
    o.start.push_back(f_start.Int(rec));
    o.end.push_back(f_end.Int(rec));
    o.leaf.push_back(f_leaf.Int(rec));
    o.radius.push_back(f_rad.Float(rec));
  }
  return o;
}

Result<est::KnnMetric> ReadMetric(const Attrs& a, double* p) {
  SAFEMODEL_ASSIGN_OR_RETURN(std::string m, a.Str("effective_metric_"));
  const Value* params = a.Get("effective_metric_params_");
  std::optional<double> param_p;
  if (params != nullptr && params->kind != Kind::kNone) {
    if (params->kind != Kind::kDict) return Corruption(Where(params, a.Field("effective_metric_params_")) + ": expected a dict");
    for (const auto& [k, v] : params->entries) {
      if (k != nullptr && k->IsStr("p")) {
        SAFEMODEL_ASSIGN_OR_RETURN(double pv, ReadNumber(v, a.Field("effective_metric_params_['p']")));
        param_p = pv;
      } else if (k != nullptr && k->IsStr("w") && v != nullptr && v->kind == Kind::kNone) {
        continue;
      } else {
        return a.Refuse(k, "effective_metric_params_ key " + Shown(k) + " (metric parameters other than p)");
      }
    }
  }
  if (m == "euclidean") { *p = 2.0; return est::KnnMetric::kEuclidean; }
  if (m == "manhattan") { *p = 1.0; return est::KnnMetric::kManhattan; }
  if (m == "chebyshev") { *p = kInf; return est::KnnMetric::kChebyshev; }
  if (m == "minkowski") {
    if (!param_p) {
      SAFEMODEL_ASSIGN_OR_RETURN(const Value* pv, a.Need("p"));
      SAFEMODEL_ASSIGN_OR_RETURN(double v, ReadNumber(pv, a.Field("p")));
      param_p = v;
    }
    *p = *param_p;
    return est::KnnMetric::kMinkowski;
  }
  return a.Refuse(a.Get("effective_metric_"), "metric '" + EscapeForTerminal(m) +
                                                  "' is not supported (euclidean, manhattan, chebyshev, minkowski)");
}

// classes_ (one array, or a list of arrays with outputs_2d_) and _y as indices.
Status ReadClassifierY(const Attrs& a, std::vector<est::LabelValues>& classes, std::vector<int64_t>& y, int64_t n) {
  SAFEMODEL_ASSIGN_OR_RETURN(bool two_d, a.Bool("outputs_2d_"));
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* cv, a.Need("classes_"));
  if (two_d) {
    if (cv->kind != Kind::kList && cv->kind != Kind::kTuple) {
      return Corruption(Where(cv, a.Field("classes_")) + ": outputs_2d_ needs a list of arrays, got " +
                        pickle::Describe(cv));
    }
    for (size_t o = 0; o < cv->items.size(); ++o) {
      SAFEMODEL_ASSIGN_OR_RETURN(auto l, ReadLabels(cv->items[o], a.Field("classes_[" + std::to_string(o) + "]")));
      classes.push_back(std::move(l));
    }
  } else {
    SAFEMODEL_ASSIGN_OR_RETURN(auto l, a.Labels("classes_"));
    classes.push_back(std::move(l));
  }
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* yv, a.Need("_y"));
  std::vector<uint64_t> shape;
  SAFEMODEL_ASSIGN_OR_RETURN(y, ReadInt64s(yv, a.Field("_y"), &shape));
  const uint64_t want_cols = classes.size();
  const bool ok = two_d ? (shape.size() == 2 && shape[1] == want_cols) : shape.size() == 1;
  if (!ok || shape.empty() || shape[0] != static_cast<uint64_t>(n)) {
    return Corruption(Where(yv, a.Field("_y")) + ": shape " + ShapeString(shape) + " does not fit " +
                      std::to_string(n) + " samples and " + std::to_string(want_cols) + " outputs");
  }
  return Status::Ok();
}

}  // namespace

Result<est::Estimator> MapKnn(const Attrs& a) {
  est::KnnInput in;
  in.kind = a.cls() == "KNeighborsClassifier" ? est::KnnKind::kClassifier : est::KnnKind::kRegressor;
  SAFEMODEL_ASSIGN_OR_RETURN(in.n_neighbors, a.Int("n_neighbors"));
  const Value* wv = a.Get("weights");
  if (wv == nullptr || wv->kind == Kind::kNone || wv->IsStr("uniform")) {
    in.weights = est::KnnWeights::kUniform;
  } else if (wv->IsStr("distance")) {
    in.weights = est::KnnWeights::kDistance;
  } else {
    return a.Refuse(wv, "weights " + Shown(wv) + " is not supported (uniform, distance; not a callable)");
  }
  SAFEMODEL_ASSIGN_OR_RETURN(in.metric, ReadMetric(a, &in.p));
  SAFEMODEL_ASSIGN_OR_RETURN(std::string method, a.Str("_fit_method"));
  if (method == "brute") {
    in.algorithm = est::KnnAlgorithm::kBrute;
  } else if (method == "kd_tree") {
    in.algorithm = est::KnnAlgorithm::kKdTree;
  } else if (method == "ball_tree") {
    in.algorithm = est::KnnAlgorithm::kBallTree;
  } else {
    return a.Refuse(a.Get("_fit_method"), "_fit_method '" + EscapeForTerminal(method) + "' is not supported");
  }
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* xv, a.Need("_fit_X"));
  if (xv->kind != Kind::kNdArray || xv->array == nullptr) {
    return Corruption(Where(xv, a.Field("_fit_X")) + ": expected a dense array, got " + pickle::Describe(xv) +
                      " (sparse training data is not supported)");
  }
  SAFEMODEL_ASSIGN_OR_RETURN(auto fit_x, ReadDoubles(xv, a.Field("_fit_X"), &in.fit_x_shape));
  SAFEMODEL_ASSIGN_OR_RETURN(in.n_features_in, DeclaredNumFeatures(a));
  OwnedTree tree;
  if (in.algorithm == est::KnnAlgorithm::kBrute) {
    // 1.2.1's ArgKmin needs X and _fit_X of one dtype; float64 X meets only float64 _fit_X.
    const auto& dt = *xv->array->dtype;
    if (dt.kind != 'f' || dt.itemsize != 8) {
      return a.Refuse(xv, "brute force over _fit_X of dtype '" + EscapeForTerminal(dt.Str()) +
                              "' (scikit-learn then takes its chunked pairwise path) is not supported");
    }
    const Value* tv = a.Get("_tree");
    if (tv != nullptr && tv->kind != Kind::kNone) return Corruption(Where(tv, a.Field("_tree")) + ": brute has no tree");
    in.fit_x = fit_x;
  } else {
    SAFEMODEL_ASSIGN_OR_RETURN(tree, ReadTree(a, in.algorithm, in.metric, in.p));
    if (tree.data_shape != in.fit_x_shape || tree.data != fit_x) {
      return Corruption(Where(a.Get("_tree"), a.Field("_tree.data")) + ": the tree's data differs from _fit_X");
    }
    in.fit_x = tree.data;
    in.leaf_size = tree.leaf_size;
    in.idx_array = tree.idx;
    in.node_start = tree.start;
    in.node_end = tree.end;
    in.node_is_leaf = tree.leaf;
    in.node_radius = tree.radius;
    in.node_bounds = tree.bounds;
    in.node_bounds_shape = tree.bounds_shape;
  }
  const int64_t n = in.fit_x_shape.empty() ? 0 : static_cast<int64_t>(in.fit_x_shape[0]);
  std::vector<est::LabelValues> classes;
  std::vector<int64_t> y_index;
  std::vector<double> y_value;
  if (in.kind == est::KnnKind::kClassifier) {
    SAFEMODEL_RETURN_IF_ERROR(ReadClassifierY(a, classes, y_index, n));
    in.classes = classes;
    in.y_index = y_index;
  } else {
    SAFEMODEL_ASSIGN_OR_RETURN(const Value* yv, a.Need("_y"));
    std::vector<uint64_t> shape;
    SAFEMODEL_ASSIGN_OR_RETURN(y_value, ReadDoubles(yv, a.Field("_y"), &shape));
    if (shape.empty() || shape.size() > 2 || shape[0] != static_cast<uint64_t>(n)) {
      return Corruption(Where(yv, a.Field("_y")) + ": shape " + ShapeString(shape) + " does not fit " +
                        std::to_string(n) + " samples");
    }
    in.n_outputs = shape.size() == 2 ? static_cast<int64_t>(std::min<uint64_t>(shape[1], INT64_MAX)) : 1;
    in.y_column = shape.size() == 2 && shape[1] == 1;
    in.y_value = y_value;
  }
  SAFEMODEL_ASSIGN_OR_RETURN(auto built, est::BuildKnn(in, a.path()));
  return est::Estimator{std::move(built)};
}

}  // namespace safemodel::mapping
