// Decision trees and forests. A fitted tree estimator holds a
// sklearn.tree._tree.Tree: REDUCE args (n_features, n_classes array,
// n_outputs) and BUILD state {max_depth, node_count, nodes, values}, where
// `nodes` is a structured array of node records read here field by field at
// the offsets its dtype gives (never a fixed layout).
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "mapping/sklearn.h"
#include "util/checked.h"
#include "util/text.h"

namespace safemodel::mapping {

using pickle::Kind;
using pickle::Value;

namespace {

// One tree's columns, owned until the builder has copied them.
struct OwnedTree {
  std::vector<int64_t> left, right, feature;
  std::vector<double> threshold, value;
  std::vector<uint64_t> value_shape;
  std::vector<uint8_t> missing_go_to_left;
  bool has_missing = false;
};


Result<OwnedTree> ReadTree(const Value* t, const std::string& where, int64_t n_features, int64_t n_outputs,
                           const std::vector<int64_t>& n_classes) {
  if (t == nullptr || !t->IsClass("sklearn.tree._tree", "Tree") || t->kind != Kind::kObject) {
    return Corruption(Where(t, where) + ": expected a sklearn.tree._tree.Tree, got " + pickle::Describe(t));
  }
  // REDUCE arguments: (n_features, n_classes, n_outputs) must agree with the estimator.
  const Value* args = t->args;
  if (args == nullptr || args->kind != Kind::kTuple || args->items.size() != 3) {
    return Corruption(Where(t, where) + ": Tree arguments must be (n_features, n_classes, n_outputs), got " +
                      pickle::Describe(args));
  }
  SAFEMODEL_ASSIGN_OR_RETURN(int64_t tf, ReadInt(args->items[0], where + ".n_features"));
  SAFEMODEL_ASSIGN_OR_RETURN(int64_t to, ReadInt(args->items[2], where + ".n_outputs"));
  if (tf != n_features || to != n_outputs) {
    return Corruption(Where(t, where) + ": tree has " + std::to_string(tf) + " features and " + std::to_string(to) +
                      " outputs, the estimator " + std::to_string(n_features) + " and " + std::to_string(n_outputs));
  }
  std::vector<uint64_t> ncs;
  SAFEMODEL_ASSIGN_OR_RETURN(auto tcl, ReadInt64s(args->items[1], where + ".n_classes", &ncs));
  if (!n_classes.empty() && tcl != n_classes) {
    return Corruption(Where(args->items[1], where + ".n_classes") + ": does not match the estimator's classes_");
  }
  const Value* st = t->state;
  if (st == nullptr || st->kind != Kind::kDict) {
    return Corruption(Where(t, where) + ": Tree state must be a dict, got " + pickle::Describe(st));
  }
  const Value* nodes = st->Get("nodes");
  const Value* values = st->Get("values");
  if (nodes == nullptr || values == nullptr) {
    return Unsupported(Where(t, where) + ": Tree state lacks '" + std::string(nodes == nullptr ? "nodes" : "values") + "'");
  }
  const std::string nw = where + ".nodes";
  if (nodes->kind != Kind::kNdArray || nodes->array == nullptr || nodes->array->dtype == nullptr ||
      !nodes->array->dtype->structured()) {
    return Corruption(Where(nodes, nw) + ": expected a structured array of node records, got " + pickle::Describe(nodes));
  }
  const pickle::NdArray& na = *nodes->array;
  const pickle::DTypeDesc& dt = *na.dtype;
  if (na.shape.size() != 1) return Corruption(Where(nodes, nw) + ": node records must be 1-d");
  const uint64_t n = na.shape[0];
  auto bytes = CheckedMul(n, dt.itemsize);
  if (!bytes || *bytes != na.data.size() || dt.itemsize == 0) {
    return Corruption(Where(nodes, nw) + ": " + std::to_string(na.data.size()) + " bytes do not hold " +
                      std::to_string(n) + " records of " + std::to_string(dt.itemsize) + " bytes");
  }
  if (const Value* nc = st->Get("node_count"); nc != nullptr) {
    SAFEMODEL_ASSIGN_OR_RETURN(int64_t count, ReadInt(nc, where + ".node_count"));
    if (count < 0 || static_cast<uint64_t>(count) != n) {
      return Corruption(Where(nc, where + ".node_count") + ": " + std::to_string(count) + " but " + std::to_string(n) +
                        " node records");
    }
  }
  SAFEMODEL_ASSIGN_OR_RETURN(RecordField left, FindRecordField(nodes, dt, "left_child", "iu", nw, true));
  SAFEMODEL_ASSIGN_OR_RETURN(RecordField right, FindRecordField(nodes, dt, "right_child", "iu", nw, true));
  SAFEMODEL_ASSIGN_OR_RETURN(RecordField feature, FindRecordField(nodes, dt, "feature", "iu", nw, true));
  SAFEMODEL_ASSIGN_OR_RETURN(RecordField threshold, FindRecordField(nodes, dt, "threshold", "f", nw, true));
  OwnedTree out;
  SAFEMODEL_ASSIGN_OR_RETURN(RecordField missing, FindRecordField(nodes, dt, "missing_go_to_left", "uib", nw, false));
  out.has_missing = missing.present;
  if (out.has_missing && missing.size != 1) {
    return Unsupported(Where(nodes, nw) + ": node field 'missing_go_to_left' must be one byte");
  }
  out.left.resize(n);
  out.right.resize(n);
  out.feature.resize(n);
  out.threshold.resize(n);
  if (out.has_missing) out.missing_go_to_left.resize(n);
  for (uint64_t i = 0; i < n; ++i) {
    const std::byte* rec = na.data.data() + i * dt.itemsize;
    out.left[i] = left.Int(rec);
    out.right[i] = right.Int(rec);
    out.feature[i] = feature.Int(rec);
    out.threshold[i] = threshold.Float(rec);
    if (out.has_missing) out.missing_go_to_left[i] = static_cast<uint8_t>(missing.Bits(rec));
  }
  SAFEMODEL_ASSIGN_OR_RETURN(out.value, ReadDoubles(values, where + ".values", &out.value_shape));
  return out;
}

bool IsClassifier(std::string_view cls) { return cls.size() >= 10 && cls.substr(cls.size() - 10) == "Classifier"; }

// Whether predict of this class and version takes NaN (routing it by
// missing_go_to_left): DecisionTree* with splitter="best" from 1.3, random
// forests from 1.4, extra trees from 1.6; criteria that support missing
// values only, and no monotonic constraints.
Result<bool> AcceptsNan(const Attrs& a, Family family) {
  const std::string& cls = a.cls();
  const bool extra = cls.rfind("Extra", 0) == 0;
  const int since = extra ? 106 : family == Family::kForest ? 104 : 103;
  if (a.ver() < since) return false;
  if (const Value* m = a.Get("monotonic_cst"); m != nullptr && m->kind != Kind::kNone) return false;
  if (family == Family::kTree && !extra) {
    const Value* sp = a.Get("splitter");
    if (sp == nullptr || !sp->IsStr("best")) return false;
  }
  const Value* cr = a.Get("criterion");
  if (cr == nullptr || cr->kind != Kind::kStr) return false;
  const std::string_view c = cr->text();
  return IsClassifier(cls) ? (c == "gini" || c == "entropy" || c == "log_loss")
                           : (c == "squared_error" || c == "friedman_mse" || c == "poisson");
}

}  // namespace

// Only IsolationForest reads n_node_samples (its scores use the leaves'
// sample counts); the tree itself was already read by MapTrees.
Result<std::vector<int64_t>> ReadTreeNodeSamples(const Value* t, const std::string& where) {
  const Value* st = t != nullptr && t->IsClass("sklearn.tree._tree", "Tree") ? t->state : nullptr;
  const Value* nodes = st != nullptr && st->kind == Kind::kDict ? st->Get("nodes") : nullptr;
  const std::string nw = where + ".nodes";
  if (nodes == nullptr || nodes->kind != Kind::kNdArray || nodes->array == nullptr || nodes->array->dtype == nullptr ||
      !nodes->array->dtype->structured() || nodes->array->shape.size() != 1) {
    return Corruption(Where(t, where) + ": expected a Tree with 1-d node records, got " + pickle::Describe(t));
  }
  const pickle::NdArray& na = *nodes->array;
  const pickle::DTypeDesc& dt = *na.dtype;
  auto bytes = CheckedMul(na.shape[0], dt.itemsize);
  if (!bytes || *bytes != na.data.size() || dt.itemsize == 0) {
    return Corruption(Where(nodes, nw) + ": the bytes do not hold " + std::to_string(na.shape[0]) + " records");
  }
  SAFEMODEL_ASSIGN_OR_RETURN(RecordField f, FindRecordField(nodes, dt, "n_node_samples", "iu", nw, true));
  std::vector<int64_t> out(na.shape[0]);
  for (uint64_t i = 0; i < out.size(); ++i) out[i] = f.Int(na.data.data() + i * dt.itemsize);
  return out;
}

Result<estimators::Estimator> MapTrees(const Attrs& a, Family family, MapContext& ctx) {
  const std::string& cls = a.cls();
  estimators::TreeModelInput in;
  in.class_name = cls;
  const bool classifier = IsClassifier(cls);
  in.task = classifier ? estimators::TreeTask::kClassifier : estimators::TreeTask::kRegressor;
  in.combine = family == Family::kForest ? estimators::TreeCombine::kAverage : estimators::TreeCombine::kSingle;
  SAFEMODEL_ASSIGN_OR_RETURN(in.n_features, a.NumFeatures(true));
  SAFEMODEL_ASSIGN_OR_RETURN(in.n_outputs, a.Int("n_outputs_"));
  SAFEMODEL_ASSIGN_OR_RETURN(in.accept_nan, AcceptsNan(a, family));
  std::vector<int64_t> n_classes;
  if (classifier) {
    SAFEMODEL_ASSIGN_OR_RETURN(const Value* cl, a.Need("classes_"));
    const bool per_output = (cl->kind == Kind::kList || cl->kind == Kind::kTuple) && !cl->items.empty() &&
                            std::all_of(cl->items.begin(), cl->items.end(),
                                        [](const Value* x) { return x != nullptr && x->kind == Kind::kNdArray; });
    if (per_output) {
      for (size_t k = 0; k < cl->items.size(); ++k) {
        SAFEMODEL_ASSIGN_OR_RETURN(auto labels, ReadLabels(cl->items[k], a.Field("classes_[" + std::to_string(k) + "]")));
        in.classes.push_back(std::move(labels));
      }
    } else {
      SAFEMODEL_ASSIGN_OR_RETURN(auto labels, ReadLabels(cl, a.Field("classes_")));
      in.classes.push_back(std::move(labels));
    }
    if (static_cast<int64_t>(in.classes.size()) != in.n_outputs) {
      return Corruption(Where(cl, a.Field("classes_")) + ": " + std::to_string(in.classes.size()) +
                        " label arrays for n_outputs_ " + std::to_string(in.n_outputs));
    }
    for (const auto& c : in.classes) n_classes.push_back(static_cast<int64_t>(estimators::LabelCount(c)));
  }

  std::vector<OwnedTree> owned;
  if (family == Family::kTree) {
    SAFEMODEL_ASSIGN_OR_RETURN(const Value* t, a.Need("tree_"));
    SAFEMODEL_ASSIGN_OR_RETURN(auto tree, ReadTree(t, a.Field("tree_"), in.n_features, in.n_outputs, n_classes));
    owned.push_back(std::move(tree));
  } else {
    SAFEMODEL_ASSIGN_OR_RETURN(const Value* list, a.Need("estimators_"));
    if (list->kind != Kind::kList && list->kind != Kind::kTuple) {
      return Corruption(Where(list, a.Field("estimators_")) + ": expected a list of trees, got " + pickle::Describe(list));
    }
    // RandomForest* grows DecisionTree*, ExtraTrees* grows ExtraTree*.
    const std::string member = (cls.rfind("Extra", 0) == 0 ? "ExtraTree" : "DecisionTree") +
                               std::string(classifier ? "Classifier" : "Regressor");
    owned.reserve(list->items.size());
    for (size_t i = 0; i < list->items.size(); ++i) {
      const std::string where = a.Field("estimators_[" + std::to_string(i) + "]");
      const Value* e = list->items[i];
      if (e == nullptr || e->kind != Kind::kObject || FindFamily(e->module, e->name) != Family::kTree ||
          e->name != member) {
        return Corruption(Where(e, where) + ": expected a " + member + ", got " + pickle::Describe(e));
      }
      SAFEMODEL_ASSIGN_OR_RETURN(Attrs ta, Attrs::Open(e, where));
      ctx.sklearn_versions.insert(ta.version());
      SAFEMODEL_ASSIGN_OR_RETURN(const Value* t, ta.Need("tree_"));
      SAFEMODEL_ASSIGN_OR_RETURN(auto tree, ReadTree(t, ta.Field("tree_"), in.n_features, in.n_outputs, n_classes));
      owned.push_back(std::move(tree));
    }
  }
  for (const OwnedTree& t : owned) {
    estimators::TreeArrays ta;
    ta.left_child = t.left;
    ta.right_child = t.right;
    ta.feature = t.feature;
    ta.threshold = t.threshold;
    ta.value = t.value;
    ta.value_shape = t.value_shape;
    ta.missing_go_to_left = t.missing_go_to_left;
    in.trees.push_back(std::move(ta));
  }
  SAFEMODEL_ASSIGN_OR_RETURN(auto built, estimators::BuildTreeModel(in, a.path()));
  return estimators::Estimator{std::move(built)};
}

TreeColumns ColumnsOf(const estimators::DecisionTree& t, bool keep_missing) {
  TreeColumns c;
  c.left.assign(t.left.begin(), t.left.end());
  c.right.assign(t.right.begin(), t.right.end());
  c.feature.assign(t.feature.begin(), t.feature.end());
  c.threshold = t.threshold;
  c.value = t.value;
  if (keep_missing) c.missing = t.missing_go_to_left;
  c.value_shape = {static_cast<uint64_t>(t.node_count), static_cast<uint64_t>(t.n_outputs),
                   static_cast<uint64_t>(t.max_classes)};
  return c;
}

}  // namespace safemodel::mapping
