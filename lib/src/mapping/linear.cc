// Linear models: coef_, intercept_ (array, numpy scalar or Python float) and,
// for classifiers, classes_ plus the parameters that choose predict_proba.
#include <string>
#include <vector>

#include "mapping/sklearn.h"
#include "util/text.h"

namespace safemodel::mapping {

using pickle::Kind;
using pickle::Value;

namespace {

// intercept_ is an array for multi-target and classifiers, a numpy float64
// scalar for single-target regressors, and the Python float 0.0 when
// fit_intercept=False.
Result<std::vector<double>> ReadIntercept(const Attrs& a) {
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* v, a.Need("intercept_"));
  if (v->kind == Kind::kNdArray) return ReadDoubles(v, a.Field("intercept_"), nullptr);
  SAFEMODEL_ASSIGN_OR_RETURN(double d, ReadNumber(v, a.Field("intercept_")));
  return std::vector<double>{d};
}

// SGD losses: a str, or (in some old files) a _sgd_fast loss object.
Result<std::string> SgdLossName(const Attrs& a) {
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* v, a.Need("loss"));
  if (v->kind == Kind::kStr) return std::string(v->text());
  if (v->kind == Kind::kObject &&
      (v->module == "sklearn.linear_model._sgd_fast" || v->module == "sklearn.linear_model.sgd_fast")) {
    if (v->name == "Log") return std::string("log_loss");
    if (v->name == "ModifiedHuber") return std::string("modified_huber");
    if (v->name == "Hinge") return std::string("hinge");
    if (v->name == "SquaredHinge") return std::string("squared_hinge");
    return std::string(v->name);  // regression losses: no predict_proba
  }
  return Corruption(Where(v, a.Field("loss")) + ": expected a str or an SGD loss object, got " + pickle::Describe(v));
}

Result<estimators::LinearProba> LogisticProba(const Attrs& a, size_t n_classes) {
  SAFEMODEL_ASSIGN_OR_RETURN(std::string solver, a.Str("solver"));
  const Value* mc = a.Get("multi_class");
  if (mc == nullptr) {
    // multi_class was deprecated in 1.5 and is gone from newer files: those
    // fit the multinomial loss unless the solver is liblinear; binary
    // problems keep the sigmoid of the single score.
    if (a.ver() < 105) return a.Refuse(nullptr, "missing attribute 'multi_class'");
    return n_classes <= 2 || solver == "liblinear" ? estimators::LinearProba::kOvrSigmoid
                                                   : estimators::LinearProba::kSoftmax;
  }
  SAFEMODEL_ASSIGN_OR_RETURN(std::string multi, ReadStr(mc, a.Field("multi_class")));
  // 1.5-1.7 store the placeholder "deprecated", which behaves as "auto".
  if (multi == "deprecated") multi = "auto";
  auto p = estimators::LogisticRegressionProba(multi, solver, n_classes);
  if (!p.ok()) return a.Refuse(mc, "multi_class '" + EscapeForTerminal(multi) + "' is not known");
  return p;
}

}  // namespace

Result<estimators::Estimator> MapLinear(const Attrs& a, Family family) {
  estimators::LinearInput in;
  in.class_name = a.cls();
  SAFEMODEL_ASSIGN_OR_RETURN(auto coef, a.Doubles("coef_", &in.coef_shape));
  SAFEMODEL_ASSIGN_OR_RETURN(auto intercept, ReadIntercept(a));
  in.coef = coef;
  in.intercept = intercept;
  SAFEMODEL_ASSIGN_OR_RETURN(in.n_features_in, a.NumFeatures(false));
  if (family != Family::kLinearRegressor) {
    in.task = estimators::LinearTask::kClassifier;
    SAFEMODEL_ASSIGN_OR_RETURN(in.classes, a.Labels("classes_"));
    const size_t n_classes = estimators::LabelCount(in.classes);
    if (family == Family::kLogisticRegression) {
      SAFEMODEL_ASSIGN_OR_RETURN(in.proba, LogisticProba(a, n_classes));
    } else if (family == Family::kSgdClassifier) {
      SAFEMODEL_ASSIGN_OR_RETURN(std::string loss, SgdLossName(a));
      in.proba = estimators::SgdClassifierProba(loss);
    }
  }
  SAFEMODEL_ASSIGN_OR_RETURN(auto built, estimators::BuildLinear(in, a.path()));
  return estimators::Estimator{std::move(built)};
}

}  // namespace safemodel::mapping
