// Isolation forest and AdaBoost: IsolationForest, AdaBoostClassifier and
// AdaBoostRegressor.
//
// Their members (estimators_) are ordinary tree estimators and go through the
// tree adapter (MapEstimator), then are gathered into one TreeModel by the
// tree builder. IsolationForest also needs each tree's n_node_samples,
// read from the node records by ReadTreeNodeSamples.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mapping/sklearn.h"
#include "util/text.h"

namespace safemodel::mapping {

using pickle::Kind;
using pickle::Value;
namespace est = estimators;

namespace {


Result<const Value*> NeedList(const Attrs& a, std::string_view attr) {
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* v, a.Need(attr));
  if (v->kind != Kind::kList && v->kind != Kind::kTuple) {
    return Corruption(Where(v, a.Field(attr)) + ": expected a list, got " + pickle::Describe(v));
  }
  return v;
}

// estimators_: each member mapped by the tree adapter; `allowed` names the
// classes accepted. `tree_values` receives each member's tree_ (for
// n_node_samples).
struct Members {
  std::vector<TreeColumns> columns;
  std::vector<const Value*> tree_values;
  std::vector<est::LabelValues> classes;  // classifier members
};

Result<Members> ReadMembers(const Attrs& a, std::span<const std::string_view> allowed, MapContext& ctx) {
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* list, NeedList(a, "estimators_"));
  Members out;
  for (size_t i = 0; i < list->items.size(); ++i) {
    const std::string where = a.Field("estimators_[" + std::to_string(i) + "]");
    const Value* e = list->items[i];
    bool ok = e != nullptr && e->kind == Kind::kObject && FindFamily(e->module, e->name) == Family::kTree;
    if (ok) {
      ok = false;
      for (std::string_view n : allowed) ok = ok || e->name == n;
    }
    if (!ok) {
      std::string names;
      for (std::string_view n : allowed) names += (names.empty() ? "" : " or ") + std::string(n);
      return a.Refuse(e, "estimators_[" + std::to_string(i) + "]: " + pickle::Describe(e) +
                             " is not supported here (only " + names + ")");
    }
    SAFEMODEL_ASSIGN_OR_RETURN(est::Estimator t, MapEstimator(e, where, ctx));
    const auto& tm = std::get<est::TreeModel>(t.model);
    if (tm.n_outputs != 1) return Corruption(Where(e, where) + ": a multi-output tree");
    out.columns.push_back(ColumnsOf(tm.trees[0], false));
    if (!tm.classes.empty()) out.classes.push_back(tm.classes[0]);
    const Value* st = e->state;
    out.tree_values.push_back(st != nullptr && st->kind == Kind::kDict ? st->Get("tree_") : nullptr);
  }
  return out;
}

Result<est::TreeModel> Gather(const Attrs& a, const Members& m, est::TreeTask task, int64_t n_features,
                              const est::LabelValues* classes) {
  est::TreeModelInput ti;
  ti.class_name = a.cls();
  ti.task = task;
  ti.combine = est::TreeCombine::kAverage;  // a container: the ensemble combines them itself
  ti.n_features = n_features;
  ti.n_outputs = 1;
  if (classes != nullptr) ti.classes.push_back(*classes);
  for (const auto& c : m.columns) ti.trees.push_back(c.Arrays());
  return est::BuildTreeModel(ti, a.Field("estimators_"));
}

// A list (or tuple) of 1-d numeric arrays, one per tree.
template <typename T>
Result<std::vector<std::vector<T>>> ReadArrayList(const Attrs& a, std::string_view attr) {
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* list, NeedList(a, attr));
  std::vector<std::vector<T>> out;
  for (size_t i = 0; i < list->items.size(); ++i) {
    const std::string where = a.Field(std::string(attr) + "[" + std::to_string(i) + "]");
    std::vector<uint64_t> shape;
    if constexpr (std::is_same_v<T, int64_t>) {
      SAFEMODEL_ASSIGN_OR_RETURN(auto v, ReadInt64s(list->items[i], where, &shape));
      out.push_back(std::move(v));
    } else {
      SAFEMODEL_ASSIGN_OR_RETURN(auto v, ReadDoubles(list->items[i], where, &shape));
      out.push_back(std::move(v));
    }
    if (shape.size() != 1) return Corruption(Where(list->items[i], where) + ": expected a 1-d array");
  }
  return out;
}

Result<est::Estimator> MapIsolationForest(const Attrs& a, MapContext& ctx) {
  est::IsolationForestInput in;
  in.class_name = a.cls();
  SAFEMODEL_ASSIGN_OR_RETURN(in.n_features, a.NumFeatures(true));
  SAFEMODEL_ASSIGN_OR_RETURN(in.max_features, a.Int("_max_features"));
  // max_samples_ (0.18-1.x); newer releases may keep only _max_samples.
  SAFEMODEL_ASSIGN_OR_RETURN(in.max_samples, a.Int(a.Get("max_samples_") != nullptr ? "max_samples_" : "_max_samples"));
  if (a.Get("offset_") == nullptr) {
    return a.Refuse(a.obj(), "no offset_ (scikit-learn < 0.20 scored with threshold_, which is not supported)");
  }
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* off, a.Need("offset_"));
  SAFEMODEL_ASSIGN_OR_RETURN(in.offset, ReadNumber(off, a.Field("offset_")));
  static constexpr std::string_view kMembers[] = {"ExtraTreeRegressor"};
  SAFEMODEL_ASSIGN_OR_RETURN(Members m, ReadMembers(a, kMembers, ctx));
  SAFEMODEL_ASSIGN_OR_RETURN(in.trees, Gather(a, m, est::TreeTask::kRegressor, in.max_features, nullptr));
  std::vector<std::vector<int64_t>> samples;
  for (size_t i = 0; i < m.tree_values.size(); ++i) {
    SAFEMODEL_ASSIGN_OR_RETURN(auto s, ReadTreeNodeSamples(m.tree_values[i], a.Field("estimators_[" + std::to_string(i) + "].tree_")));
    samples.push_back(std::move(s));
  }
  SAFEMODEL_ASSIGN_OR_RETURN(auto features, ReadArrayList<int64_t>(a, "estimators_features_"));
  std::vector<std::vector<double>> paths, apl;
  if (a.Get("_decision_path_lengths") != nullptr) {
    SAFEMODEL_ASSIGN_OR_RETURN(paths, ReadArrayList<double>(a, "_decision_path_lengths"));
  }
  if (a.Get("_average_path_length_per_tree") != nullptr) {
    SAFEMODEL_ASSIGN_OR_RETURN(apl, ReadArrayList<double>(a, "_average_path_length_per_tree"));
  }
  for (const auto& f : features) in.features.push_back(f);
  for (const auto& s : samples) in.n_node_samples.push_back(s);
  for (const auto& p : paths) in.decision_path_lengths.push_back(p);
  for (const auto& p : apl) in.average_path_length_per_tree.push_back(p);
  SAFEMODEL_ASSIGN_OR_RETURN(auto built, est::BuildIsolationForest(std::move(in), a.path()));
  return est::Estimator{std::move(built)};
}

Result<est::AdaAlgorithm> ReadAlgorithm(const Attrs& a) {
  SAFEMODEL_ASSIGN_OR_RETURN(std::string s, a.Str("algorithm"));
  // 1.6 removed SAMME.R: the parameter stays only as "deprecated" and SAMME runs.
  if (s == "SAMME" || (s == "deprecated" && a.ver() >= 106)) return est::AdaAlgorithm::kSamme;
  if (s == "SAMME.R" && a.ver() < 106) return est::AdaAlgorithm::kSammeR;
  return a.Refuse(a.Get("algorithm"), "algorithm '" + EscapeForTerminal(s) + "' is not known for this version");
}

Result<est::Estimator> MapAdaBoost(const Attrs& a, MapContext& ctx) {
  est::AdaBoostInput in;
  in.class_name = a.cls();
  const bool classifier = a.cls() == "AdaBoostClassifier";
  SAFEMODEL_ASSIGN_OR_RETURN(in.n_features, a.NumFeatures(true));
  if (classifier) {
    SAFEMODEL_ASSIGN_OR_RETURN(in.algorithm, ReadAlgorithm(a));
    SAFEMODEL_ASSIGN_OR_RETURN(in.classes, a.Labels("classes_"));
    SAFEMODEL_ASSIGN_OR_RETURN(auto k, a.OptInt("n_classes_"));
    if (k && static_cast<size_t>(*k) != est::LabelCount(in.classes)) {
      return Corruption(Where(a.Get("n_classes_"), a.Field("n_classes_")) + ": " + std::to_string(*k) + " but classes_ has " +
                        std::to_string(est::LabelCount(in.classes)) + " labels");
    }
  } else {
    in.algorithm = est::AdaAlgorithm::kRegressor;
  }
  std::vector<uint64_t> shape;
  SAFEMODEL_ASSIGN_OR_RETURN(auto weights, a.Doubles("estimator_weights_", &shape));
  if (shape.size() != 1) return Corruption(Where(a.Get("estimator_weights_"), a.Field("estimator_weights_")) + ": expected a 1-d array");
  in.estimator_weights = weights;
  static constexpr std::string_view kClassifiers[] = {"DecisionTreeClassifier", "ExtraTreeClassifier"};
  static constexpr std::string_view kRegressors[] = {"DecisionTreeRegressor", "ExtraTreeRegressor"};
  SAFEMODEL_ASSIGN_OR_RETURN(Members m, ReadMembers(a, classifier ? std::span<const std::string_view>(kClassifiers)
                                                                  : std::span<const std::string_view>(kRegressors),
                                                    ctx));
  for (size_t i = 0; i < m.classes.size(); ++i) {
    if (m.classes[i] != in.classes) {
      return Corruption(a.Field("estimators_[" + std::to_string(i) + "].classes_") + ": differs from classes_");
    }
  }
  SAFEMODEL_ASSIGN_OR_RETURN(in.trees, Gather(a, m, classifier ? est::TreeTask::kClassifier : est::TreeTask::kRegressor,
                                              in.n_features, classifier ? &in.classes : nullptr));
  SAFEMODEL_ASSIGN_OR_RETURN(auto built, est::BuildAdaBoost(std::move(in), a.path()));
  return est::Estimator{std::move(built)};
}

}  // namespace

Result<est::Estimator> MapEnsemble(const Attrs& a, Family family, MapContext& ctx) {
  if (family == Family::kIsolationForest) return MapIsolationForest(a, ctx);
  return MapAdaBoost(a, ctx);
}

}  // namespace safemodel::mapping
