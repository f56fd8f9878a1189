// SVC, NuSVC, SVR, NuSVR, OneClassSVM. Predict reads the private
// `_dual_coef_` and `_intercept_` (libsvm's own signs; the public
// dual_coef_/intercept_ are flipped for binary classifiers), `_gamma` (the
// number "scale"/"auto" resolved to at fit) and the per-class support counts.
// Names across versions: `_n_support`, `_probA`, `_probB` from 0.23, the
// public `n_support_`, `probA_`, `probB_` before; `break_ties` from 0.22;
// `offset_` (OneClassSVM) from 0.20; `n_features_in_` from 0.24, else
// `shape_fit_[1]`.
#include <string>
#include <vector>

#include "mapping/sklearn.h"
#include "util/text.h"

namespace safemodel::mapping {

using pickle::Kind;
using pickle::Value;

namespace {

// The first of `names` present in the state, or null.
const Value* FirstOf(const Attrs& a, std::initializer_list<std::string_view> names, std::string_view* found) {
  for (std::string_view n : names) {
    if (const Value* v = a.Get(n); v != nullptr) {
      *found = n;
      return v;
    }
  }
  return nullptr;
}

Result<estimators::SvmKind> KindOf(const Attrs& a) {
  static constexpr std::pair<std::string_view, estimators::SvmKind> kKinds[] = {
      {"SVC", estimators::SvmKind::kSvc},  {"NuSVC", estimators::SvmKind::kNuSvc},
      {"SVR", estimators::SvmKind::kSvr},  {"NuSVR", estimators::SvmKind::kNuSvr},
      {"OneClassSVM", estimators::SvmKind::kOneClass}};
  for (const auto& [name, kind] : kKinds) {
    if (a.cls() == name) return kind;
  }
  return a.Refuse(nullptr, "not a libsvm estimator");
}

Result<estimators::SvmKernel> Kernel(const Attrs& a) {
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* k, a.Need("kernel"));
  if (k->kind != Kind::kStr) {
    return a.Refuse(k, "kernel is " + pickle::Describe(k) + ", not a kernel name (callable kernels are not supported)");
  }
  if (k->IsStr("precomputed")) {
    return a.Refuse(k, "kernel 'precomputed' is not supported (predict needs the training kernel matrix)");
  }
  auto kernel = estimators::ParseSvmKernel(k->text());
  if (!kernel) return a.Refuse(k, "kernel '" + EscapeForTerminal(k->text()) + "' is not known");
  return *kernel;
}

// degree is an int; very old files may hold an integral float.
Result<int64_t> Degree(const Attrs& a) {
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* v, a.Need("degree"));
  if (v->kind == Kind::kFloat) {
    if (v->f != static_cast<double>(static_cast<int64_t>(v->f)) || v->f < 0 || v->f > 1e9) {
      return Corruption(Where(v, a.Field("degree")) + ": " + estimators::FormatDouble(v->f) + " is not an integer degree");
    }
    return static_cast<int64_t>(v->f);
  }
  return ReadInt(v, a.Field("degree"));
}

Result<double> Gamma(const Attrs& a) {
  std::string_view name;
  const Value* g = FirstOf(a, {"_gamma", "gamma"}, &name);
  if (g == nullptr) return a.Refuse(nullptr, "missing attribute '_gamma'");
  if (g->kind == Kind::kStr) return a.Refuse(g, "missing attribute '_gamma' (gamma is '" + EscapeForTerminal(g->text()) + "')");
  return ReadNumber(g, a.Field(name));
}

Result<std::optional<int64_t>> FeatureCount(const Attrs& a) {
  SAFEMODEL_ASSIGN_OR_RETURN(auto n, a.OptInt("n_features_in_"));
  if (n) return n;
  const Value* s = a.Get("shape_fit_");
  if (s == nullptr || s->kind == Kind::kNone) return std::optional<int64_t>();
  if (s->kind != Kind::kTuple || s->items.size() != 2) {
    return Corruption(Where(s, a.Field("shape_fit_")) + ": expected (n_samples, n_features), got " + pickle::Describe(s));
  }
  SAFEMODEL_ASSIGN_OR_RETURN(int64_t f, ReadInt(s->items[1], a.Field("shape_fit_[1]")));
  return std::optional<int64_t>(f);
}

// Owned arrays the input spans point into.
struct SvmArrays {
  std::vector<double> sv, dual, intercept, prob_a, prob_b;
  std::vector<int64_t> n_support;
};

Status ReadClassifier(const Attrs& a, estimators::SvmInput& in, SvmArrays& arr) {
  SAFEMODEL_ASSIGN_OR_RETURN(in.classes, a.Labels("classes_"));
  std::string_view name;
  const Value* ns = FirstOf(a, {"_n_support", "n_support_"}, &name);
  if (ns == nullptr) return a.Refuse(nullptr, "missing attribute '_n_support' (or the older 'n_support_')");
  SAFEMODEL_ASSIGN_OR_RETURN(arr.n_support, ReadInt64s(ns, a.Field(name), nullptr));
  in.n_support = arr.n_support;
  // 0.18's default was None, which decision_function treats as "ovo".
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* dfs, a.Need("decision_function_shape"));
  std::string shape = "ovo";
  if (dfs->kind != Kind::kNone) {
    SAFEMODEL_ASSIGN_OR_RETURN(shape, ReadStr(dfs, a.Field("decision_function_shape")));
  }
  if (shape != "ovr" && shape != "ovo") {
    return a.Refuse(a.Get("decision_function_shape"),
                    "decision_function_shape '" + EscapeForTerminal(shape) + "' is not known");
  }
  in.ovr = shape == "ovr";
  if (a.Get("break_ties") != nullptr) {
    SAFEMODEL_ASSIGN_OR_RETURN(in.break_ties, a.Bool("break_ties"));
  } else if (a.ver() >= 22) {
    return a.Refuse(nullptr, "missing attribute 'break_ties'");
  }
  SAFEMODEL_ASSIGN_OR_RETURN(bool probability, a.Bool("probability"));
  if (!probability) return Status::Ok();
  std::string_view an, bn;
  const Value* pa = FirstOf(a, {"_probA", "probA_"}, &an);
  const Value* pb = FirstOf(a, {"_probB", "probB_"}, &bn);
  if (pa == nullptr || pb == nullptr) return a.Refuse(nullptr, "probability is set but '_probA'/'_probB' are missing");
  SAFEMODEL_ASSIGN_OR_RETURN(arr.prob_a, ReadDoubles(pa, a.Field(an), nullptr));
  SAFEMODEL_ASSIGN_OR_RETURN(arr.prob_b, ReadDoubles(pb, a.Field(bn), nullptr));
  // Empty arrays: scikit-learn predicts but refuses predict_proba (NotFittedError).
  in.probability = !(arr.prob_a.empty() && arr.prob_b.empty());
  in.prob_a = arr.prob_a;
  in.prob_b = arr.prob_b;
  return Status::Ok();
}

// OneClassSVM.offset_ (shape (1,) array), or -_intercept_ before 0.20.
Result<double> Offset(const Attrs& a, const std::vector<double>& intercept) {
  const Value* o = a.Get("offset_");
  if (o == nullptr) return intercept.size() == 1 ? -intercept[0] : 0.0;
  if (o->kind != Kind::kNdArray) return ReadNumber(o, a.Field("offset_"));
  SAFEMODEL_ASSIGN_OR_RETURN(auto v, ReadDoubles(o, a.Field("offset_"), nullptr));
  if (v.size() != 1) return Corruption(Where(o, a.Field("offset_")) + ": " + std::to_string(v.size()) + " values, expected 1");
  return v[0];
}

}  // namespace

Result<estimators::Estimator> MapSvm(const Attrs& a) {
  estimators::SvmInput in;
  SvmArrays arr;
  SAFEMODEL_ASSIGN_OR_RETURN(in.kind, KindOf(a));
  if (const Value* sp = a.Get("_sparse"); sp != nullptr) {
    SAFEMODEL_ASSIGN_OR_RETURN(bool sparse, ReadBool(sp, a.Field("_sparse")));
    if (sparse) return a.Refuse(sp, "fitted on sparse input (support_vectors_ is a sparse matrix): not supported");
  }
  SAFEMODEL_ASSIGN_OR_RETURN(in.kernel, Kernel(a));
  if (in.kernel != estimators::SvmKernel::kLinear) {
    SAFEMODEL_ASSIGN_OR_RETURN(in.gamma, Gamma(a));
  }
  if (in.kernel == estimators::SvmKernel::kPoly || in.kernel == estimators::SvmKernel::kSigmoid) {
    SAFEMODEL_ASSIGN_OR_RETURN(const Value* c, a.Need("coef0"));
    SAFEMODEL_ASSIGN_OR_RETURN(in.coef0, ReadNumber(c, a.Field("coef0")));
  }
  if (in.kernel == estimators::SvmKernel::kPoly) {
    SAFEMODEL_ASSIGN_OR_RETURN(in.degree, Degree(a));
  }
  SAFEMODEL_ASSIGN_OR_RETURN(in.n_features_in, FeatureCount(a));
  SAFEMODEL_ASSIGN_OR_RETURN(arr.sv, a.Doubles("support_vectors_", &in.support_vectors_shape));
  SAFEMODEL_ASSIGN_OR_RETURN(arr.dual, a.Doubles("_dual_coef_", &in.dual_coef_shape));
  SAFEMODEL_ASSIGN_OR_RETURN(arr.intercept, a.Doubles("_intercept_"));
  in.support_vectors = arr.sv;
  in.dual_coef = arr.dual;
  in.intercept = arr.intercept;
  if (in.kind == estimators::SvmKind::kSvc || in.kind == estimators::SvmKind::kNuSvc) {
    SAFEMODEL_RETURN_IF_ERROR(ReadClassifier(a, in, arr));
  } else if (in.kind == estimators::SvmKind::kOneClass) {
    SAFEMODEL_ASSIGN_OR_RETURN(in.offset, Offset(a, arr.intercept));
  }
  SAFEMODEL_ASSIGN_OR_RETURN(auto built, estimators::BuildSvm(in, a.path()));
  return estimators::Estimator{std::move(built)};
}

}  // namespace safemodel::mapping
