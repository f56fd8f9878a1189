// Meta-estimators: VotingClassifier/Regressor (0.18+; le_ LabelEncoder,
// `estimators` (name, est) pairs whose "drop"/None entries have no fitted
// member and no weight), StackingClassifier/Regressor (0.22+; _le before
// 1.1, _label_encoder after), OneVsRestClassifier (label_binarizer_) and
// CalibratedClassifierCV (calibrated_classifiers_ of _CalibratedClassifier:
// plain objects without _sklearn_version holding estimator / base_estimator
// (< 1.2), calibrators / calibrators_ (< 0.24), classes / classes_ (< 0.24)).
// Members go through MapEstimator; the checked builders of
// estimators/meta.h decide whether they fit together.
#include <string>
#include <vector>

#include "mapping/sklearn.h"
#include "util/text.h"

namespace safemodel::mapping {

using pickle::Kind;
using pickle::Value;

namespace {

namespace est = safemodel::estimators;

Status Wrong(const Value* v, const std::string& what, std::string_view expected) {
  return Corruption(Where(v, what) + ": expected " + std::string(expected) + ", got " + pickle::Describe(v));
}

bool IsList(const Value* v) { return v != nullptr && (v->kind == Kind::kList || v->kind == Kind::kTuple); }

bool IsDropped(const Value* v) { return v == nullptr || v->kind == Kind::kNone || v->IsStr("drop"); }

Result<std::vector<est::Estimator>> MapList(const Attrs& a, std::string_view attr, MapContext& ctx) {
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* list, a.Need(attr));
  if (!IsList(list)) return Wrong(list, a.Field(attr), "a list of estimators");
  std::vector<est::Estimator> out;
  for (size_t i = 0; i < list->items.size(); ++i) {
    const std::string where = a.Field(std::string(attr) + "[" + std::to_string(i) + "]");
    if (IsDropped(list->items[i])) continue;  // StackingClassifier keeps "drop" in estimators_ before 1.0
    SAFEMODEL_ASSIGN_OR_RETURN(auto e, MapEstimator(list->items[i], where, ctx));
    out.push_back(std::move(e));
  }
  return out;
}

// classes_ of a LabelEncoder / LabelBinarizer attribute.
Result<est::LabelValues> EncoderClasses(const Attrs& a, std::string_view attr) {
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* le, a.Need(attr));
  SAFEMODEL_ASSIGN_OR_RETURN(Attrs la, Attrs::Open(le, a.Field(attr)));
  return la.Labels("classes_");
}

// weights for the fitted members: `weights` over `estimators`, without the
// dropped ones (_weights_not_none).
Result<std::vector<double>> VotingWeights(const Attrs& a) {
  const Value* w = a.Get("weights");
  if (w == nullptr || w->kind == Kind::kNone) return std::vector<double>{};
  std::vector<double> all;
  if (IsList(w)) {
    for (size_t i = 0; i < w->items.size(); ++i) {
      SAFEMODEL_ASSIGN_OR_RETURN(double v, ReadNumber(w->items[i], a.Field("weights[" + std::to_string(i) + "]")));
      all.push_back(v);
    }
  } else {
    SAFEMODEL_ASSIGN_OR_RETURN(all, ReadDoubles(w, a.Field("weights"), nullptr));
  }
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* named, a.Need("estimators"));
  if (!IsList(named)) return Wrong(named, a.Field("estimators"), "a list of (name, estimator)");
  if (named->items.size() != all.size()) {
    return Corruption(Where(w, a.Field("weights")) + ": " + std::to_string(all.size()) + " weights for " +
                      std::to_string(named->items.size()) + " estimators");
  }
  std::vector<double> kept;
  for (size_t i = 0; i < all.size(); ++i) {
    const Value* pair = named->items[i];
    if (!IsList(pair) || pair->items.size() != 2) {
      return Wrong(pair, a.Field("estimators[" + std::to_string(i) + "]"), "a (name, estimator) pair");
    }
    if (!IsDropped(pair->items[1])) kept.push_back(all[i]);
  }
  return kept;
}

Result<est::Estimator> MapVoting(const Attrs& a, MapContext& ctx) {
  const bool classifier = a.cls() == "VotingClassifier";
  SAFEMODEL_ASSIGN_OR_RETURN(auto members, MapList(a, "estimators_", ctx));
  SAFEMODEL_ASSIGN_OR_RETURN(auto weights, VotingWeights(a));
  est::VotingInput in;
  in.classifier = classifier;
  in.estimators = &members;
  in.weights = weights;
  if (classifier) {
    SAFEMODEL_ASSIGN_OR_RETURN(std::string voting, a.Str("voting"));
    if (voting != "hard" && voting != "soft") return a.Refuse(a.Get("voting"), "voting '" + EscapeForTerminal(voting) + "' is not known");
    in.soft = voting == "soft";
    // flatten_transform arrived in 0.19 (0.18 returned the 3-d array).
    if (a.Get("flatten_transform") != nullptr && a.Get("flatten_transform")->kind != Kind::kNone) {
      SAFEMODEL_ASSIGN_OR_RETURN(in.flatten_transform, a.Bool("flatten_transform"));
    } else {
      in.flatten_transform = false;
    }
    SAFEMODEL_ASSIGN_OR_RETURN(in.classes, EncoderClasses(a, "le_"));
    if (a.Get("classes_") != nullptr) {
      SAFEMODEL_ASSIGN_OR_RETURN(auto cls, a.Labels("classes_"));
      if (cls != in.classes) return Corruption(a.Field("classes_") + ": differs from le_.classes_");
    }
  }
  SAFEMODEL_ASSIGN_OR_RETURN(auto m, est::BuildVoting(std::move(in), a.path()));
  return est::Estimator{std::move(m)};
}

Result<est::MemberMethod> ParseMethod(const Value* v, const std::string& where) {
  SAFEMODEL_ASSIGN_OR_RETURN(std::string s, ReadStr(v, where));
  if (s == "predict") return est::MemberMethod::kPredict;
  if (s == "predict_proba") return est::MemberMethod::kPredictProba;
  if (s == "decision_function") return est::MemberMethod::kDecisionFunction;
  return Status(Code::kUnsupported, Where(v, where) + ": stack method '" + EscapeForTerminal(s) + "' is not known");
}

Result<est::Estimator> MapStacking(const Attrs& a, MapContext& ctx) {
  const bool classifier = a.cls() == "StackingClassifier";
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* list, a.Need("estimators_"));
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* meths, a.Need("stack_method_"));
  if (!IsList(list)) return Wrong(list, a.Field("estimators_"), "a list of estimators");
  if (!IsList(meths)) return Wrong(meths, a.Field("stack_method_"), "a list of method names");
  if (meths->items.size() != list->items.size()) {
    return Corruption(Where(meths, a.Field("stack_method_")) + ": " + std::to_string(meths->items.size()) +
                      " methods for " + std::to_string(list->items.size()) + " estimators");
  }
  est::StackingInput in;
  in.classifier = classifier;
  std::vector<est::Estimator> members;
  for (size_t i = 0; i < list->items.size(); ++i) {
    const std::string idx = "[" + std::to_string(i) + "]";
    if (IsDropped(list->items[i])) continue;
    SAFEMODEL_ASSIGN_OR_RETURN(auto e, MapEstimator(list->items[i], a.Field("estimators_" + idx), ctx));
    SAFEMODEL_ASSIGN_OR_RETURN(auto mm, ParseMethod(meths->items[i], a.Field("stack_method_" + idx)));
    members.push_back(std::move(e));
    in.methods.push_back(mm);
  }
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* fv, a.Need("final_estimator_"));
  SAFEMODEL_ASSIGN_OR_RETURN(auto fin, MapEstimator(fv, a.Field("final_estimator_"), ctx));
  SAFEMODEL_ASSIGN_OR_RETURN(in.passthrough, a.Bool("passthrough"));
  if (classifier) {
    const char* enc = a.Get("_label_encoder") != nullptr ? "_label_encoder" : "_le";
    if (const Value* le = a.Get(enc); IsList(le)) return a.Refuse(le, "multilabel stacking is not supported");
    SAFEMODEL_ASSIGN_OR_RETURN(in.classes, EncoderClasses(a, enc));
  }
  in.estimators = &members;
  in.final_estimator = &fin;
  SAFEMODEL_ASSIGN_OR_RETURN(auto m, est::BuildStacking(std::move(in), a.path()));
  return est::Estimator{std::move(m)};
}

Result<est::Estimator> MapOneVsRest(const Attrs& a, MapContext& ctx) {
  SAFEMODEL_ASSIGN_OR_RETURN(auto members, MapList(a, "estimators_", ctx));
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* lbv, a.Need("label_binarizer_"));
  SAFEMODEL_ASSIGN_OR_RETURN(Attrs lb, Attrs::Open(lbv, a.Field("label_binarizer_")));
  SAFEMODEL_ASSIGN_OR_RETURN(std::string y_type, lb.Str("y_type_"));
  est::OneVsRestInput in;
  if (y_type == "multilabel-indicator") {
    in.multilabel = true;
  } else if (y_type != "binary" && y_type != "multiclass") {
    return lb.Refuse(lb.Get("y_type_"), "target type '" + EscapeForTerminal(y_type) + "' is not supported");
  }
  SAFEMODEL_ASSIGN_OR_RETURN(in.classes, lb.Labels("classes_"));
  if (a.Get("classes_") != nullptr) {
    SAFEMODEL_ASSIGN_OR_RETURN(auto cls, a.Labels("classes_"));
    if (cls != in.classes) return Corruption(a.Field("classes_") + ": differs from label_binarizer_.classes_");
  }
  SAFEMODEL_ASSIGN_OR_RETURN(in.n_features_in, DeclaredNumFeatures(a));
  in.estimators = &members;
  SAFEMODEL_ASSIGN_OR_RETURN(auto m, est::BuildOneVsRest(std::move(in), a.path()));
  return est::Estimator{std::move(m)};
}

Result<est::Calibrator> MapCalibrator(const Value* v, const std::string& where) {
  SAFEMODEL_ASSIGN_OR_RETURN(Attrs c, Attrs::Open(v, where));
  est::Calibrator out;
  if (v->module == "sklearn.calibration" && v->name == "_SigmoidCalibration") {
    SAFEMODEL_ASSIGN_OR_RETURN(const Value* av, c.Need("a_"));
    SAFEMODEL_ASSIGN_OR_RETURN(out.a, ReadNumber(av, c.Field("a_")));
    SAFEMODEL_ASSIGN_OR_RETURN(const Value* bv, c.Need("b_"));
    SAFEMODEL_ASSIGN_OR_RETURN(out.b, ReadNumber(bv, c.Field("b_")));
    return out;
  }
  if (v->module != "sklearn.isotonic" || v->name != "IsotonicRegression") {
    return Status(Code::kUnsupported, Where(v, where) + ": " + EscapeForTerminal(v->module + "." + v->name) +
                                          " is not a calibrator");
  }
  out.isotonic = true;
  SAFEMODEL_ASSIGN_OR_RETURN(out.x, c.Doubles("X_thresholds_"));
  SAFEMODEL_ASSIGN_OR_RETURN(out.y, c.Doubles("y_thresholds_"));
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* lo, c.Need("X_min_"));
  SAFEMODEL_ASSIGN_OR_RETURN(out.x_min, ReadNumber(lo, c.Field("X_min_")));
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* hi, c.Need("X_max_"));
  SAFEMODEL_ASSIGN_OR_RETURN(out.x_max, ReadNumber(hi, c.Field("X_max_")));
  SAFEMODEL_ASSIGN_OR_RETURN(std::string oob, c.Str("out_of_bounds"));
  if (oob != "clip" && oob != "nan") {
    return c.Refuse(c.Get("out_of_bounds"), "out_of_bounds '" + EscapeForTerminal(oob) + "' is not supported");
  }
  out.clip = oob == "clip";
  return out;
}

// One _CalibratedClassifier: a plain object (no _sklearn_version).
Status MapCalibratedMember(const Value* cc, const std::string& where, MapContext& ctx, est::CalibratedInput& in,
                           std::vector<est::Estimator>& members) {
  if (cc == nullptr || cc->kind != Kind::kObject || cc->module != "sklearn.calibration" ||
      cc->name != "_CalibratedClassifier" || cc->state == nullptr || cc->state->kind != Kind::kDict) {
    return Wrong(cc, where, "a _CalibratedClassifier with a state dict");
  }
  const Value* s = cc->state;
  auto first = [&](std::initializer_list<const char*> keys) -> std::pair<const Value*, std::string> {
    for (const char* k : keys) {
      if (const Value* v = s->Get(k); v != nullptr) return {v, where + "." + k};
    }
    return {nullptr, where + "." + *keys.begin()};
  };
  auto [ev, ep] = first({"estimator", "base_estimator"});
  if (ev == nullptr) return Status(Code::kUnsupported, Where(cc, ep) + ": missing");
  SAFEMODEL_ASSIGN_OR_RETURN(auto e, MapEstimator(ev, ep, ctx));
  auto [cv, cp] = first({"calibrators", "calibrators_"});
  if (!IsList(cv)) return Wrong(cv, cp, "a list of calibrators");
  std::vector<est::Calibrator> cals;
  for (size_t j = 0; j < cv->items.size(); ++j) {
    SAFEMODEL_ASSIGN_OR_RETURN(auto c, MapCalibrator(cv->items[j], cp + "[" + std::to_string(j) + "]"));
    cals.push_back(std::move(c));
  }
  auto [kv, kp] = first({"classes", "classes_"});
  if (kv == nullptr) return Status(Code::kUnsupported, Where(cc, kp) + ": missing");
  SAFEMODEL_ASSIGN_OR_RETURN(auto classes, ReadLabels(kv, kp));
  members.push_back(std::move(e));
  in.calibrators.push_back(std::move(cals));
  in.member_classes.push_back(std::move(classes));
  return Status::Ok();
}

Result<est::Estimator> MapCalibrated(const Attrs& a, MapContext& ctx) {
  SAFEMODEL_ASSIGN_OR_RETURN(std::string method, a.Str("method"));
  if (method != "sigmoid" && method != "isotonic") {
    return a.Refuse(a.Get("method"), "method '" + EscapeForTerminal(method) + "' is not known");
  }
  est::CalibratedInput in;
  in.isotonic = method == "isotonic";
  SAFEMODEL_ASSIGN_OR_RETURN(in.classes, a.Labels("classes_"));
  SAFEMODEL_ASSIGN_OR_RETURN(in.n_features_in, DeclaredNumFeatures(a));
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* list, a.Need("calibrated_classifiers_"));
  if (!IsList(list)) return Wrong(list, a.Field("calibrated_classifiers_"), "a list");
  std::vector<est::Estimator> members;
  for (size_t i = 0; i < list->items.size(); ++i) {
    SAFEMODEL_RETURN_IF_ERROR(MapCalibratedMember(
        list->items[i], a.Field("calibrated_classifiers_[" + std::to_string(i) + "]"), ctx, in, members));
  }
  in.estimators = &members;
  SAFEMODEL_ASSIGN_OR_RETURN(auto m, est::BuildCalibrated(std::move(in), a.path()));
  return est::Estimator{std::move(m)};
}

}  // namespace

Result<estimators::Estimator> MapMeta(const Attrs& a, Family family, MapContext& ctx) {
  switch (family) {
    case Family::kVoting: return MapVoting(a, ctx);
    case Family::kStacking: return MapStacking(a, ctx);
    case Family::kOneVsRest: return MapOneVsRest(a, ctx);
    case Family::kCalibrated: return MapCalibrated(a, ctx);
    default: break;
  }
  return Status(Code::kUnsupported, a.path() + ": not a meta-estimator");
}

}  // namespace safemodel::mapping
