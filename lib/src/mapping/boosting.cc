// The boosting group: DummyClassifier/DummyRegressor, GradientBoosting* and
// HistGradientBoosting*.
//
// The loss object decides how raw scores become outputs; it is read only for
// its class (exact module and name), never for what it computes during fit.
// GradientBoosting's trees are ordinary DecisionTreeRegressor objects and go
// through the tree adapter (MapEstimator). HistGradientBoosting's
// TreePredictor node records are structured arrays read field by field at
// the offsets their dtype gives.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "mapping/sklearn.h"
#include "util/checked.h"
#include "util/text.h"

namespace safemodel::mapping {

using pickle::Kind;
using pickle::Value;
namespace est = estimators;

namespace {

bool EndsWith(std::string_view s, std::string_view t) {
  return s.size() >= t.size() && s.substr(s.size() - t.size()) == t;
}

struct LossEntry {
  std::string_view module;
  std::string_view name;
  est::BoostLoss loss;
};

// GradientBoosting losses: _gb_losses (0.21-1.3), the same classes in
// sklearn.ensemble.gradient_boosting (< 0.21), sklearn._loss (>= 1.4).
constexpr LossEntry kGbLosses[] = {
    {"sklearn.ensemble._gb_losses", "BinomialDeviance", est::BoostLoss::kBinomialProbaArgmax},
    {"sklearn.ensemble._gb_losses", "MultinomialDeviance", est::BoostLoss::kMultinomialLse},
    {"sklearn.ensemble._gb_losses", "ExponentialLoss", est::BoostLoss::kExponential},
    {"sklearn.ensemble._gb_losses", "LeastSquaresError", est::BoostLoss::kIdentity},
    {"sklearn.ensemble._gb_losses", "LeastAbsoluteError", est::BoostLoss::kIdentity},
    {"sklearn.ensemble._gb_losses", "HuberLossFunction", est::BoostLoss::kIdentity},
    {"sklearn.ensemble._gb_losses", "QuantileLossFunction", est::BoostLoss::kIdentity},
    {"sklearn.ensemble.gradient_boosting", "BinomialDeviance", est::BoostLoss::kBinomialProbaArgmax},
    {"sklearn.ensemble.gradient_boosting", "MultinomialDeviance", est::BoostLoss::kMultinomialLse},
    {"sklearn.ensemble.gradient_boosting", "ExponentialLoss", est::BoostLoss::kExponential},
    {"sklearn.ensemble.gradient_boosting", "LeastSquaresError", est::BoostLoss::kIdentity},
    {"sklearn.ensemble.gradient_boosting", "LeastAbsoluteError", est::BoostLoss::kIdentity},
    {"sklearn.ensemble.gradient_boosting", "HuberLossFunction", est::BoostLoss::kIdentity},
    {"sklearn.ensemble.gradient_boosting", "QuantileLossFunction", est::BoostLoss::kIdentity},
    {"sklearn._loss.loss", "HalfBinomialLoss", est::BoostLoss::kBinomialRawSign},
    {"sklearn._loss.loss", "HalfMultinomialLoss", est::BoostLoss::kSoftmaxRawArgmax},
    {"sklearn._loss.loss", "ExponentialLoss", est::BoostLoss::kExponential},
    {"sklearn._loss.loss", "HalfSquaredError", est::BoostLoss::kIdentity},
    {"sklearn._loss.loss", "AbsoluteError", est::BoostLoss::kIdentity},
    {"sklearn._loss.loss", "HuberLoss", est::BoostLoss::kIdentity},
    {"sklearn._loss.loss", "PinballLoss", est::BoostLoss::kIdentity},
};

// HistGradientBoosting losses: sklearn._loss (>= 1.1), the estimator's own
// loss module before.
constexpr LossEntry kHistLosses[] = {
    {"sklearn._loss.loss", "HalfSquaredError", est::BoostLoss::kIdentity},
    {"sklearn._loss.loss", "AbsoluteError", est::BoostLoss::kIdentity},
    {"sklearn._loss.loss", "PinballLoss", est::BoostLoss::kIdentity},
    {"sklearn._loss.loss", "HalfPoissonLoss", est::BoostLoss::kLog},
    {"sklearn._loss.loss", "HalfGammaLoss", est::BoostLoss::kLog},
    {"sklearn._loss.loss", "HalfBinomialLoss", est::BoostLoss::kBinomialProbaArgmax},
    {"sklearn._loss.loss", "HalfMultinomialLoss", est::BoostLoss::kSoftmaxProbaArgmax},
    {"sklearn.ensemble._hist_gradient_boosting.loss", "LeastSquares", est::BoostLoss::kIdentity},
    {"sklearn.ensemble._hist_gradient_boosting.loss", "LeastAbsoluteDeviation", est::BoostLoss::kIdentity},
    {"sklearn.ensemble._hist_gradient_boosting.loss", "Poisson", est::BoostLoss::kLog},
    {"sklearn.ensemble._hist_gradient_boosting.loss", "BinaryCrossEntropy", est::BoostLoss::kBinomialProbaArgmax},
    {"sklearn.ensemble._hist_gradient_boosting.loss", "CategoricalCrossEntropy", est::BoostLoss::kMultinomialLse},
};

template <size_t N>
Result<est::BoostLoss> ReadLoss(const Attrs& a, const LossEntry (&table)[N]) {
  // `_loss` from 1.1 (GradientBoosting) / 0.22 (HistGradientBoosting), `loss_` before.
  const char* name = a.Get("_loss") != nullptr ? "_loss" : "loss_";
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* v, a.Need(name));
  if (v->kind == Kind::kObject) {
    for (const LossEntry& e : table) {
      if (v->module == e.module && v->name == e.name) return e.loss;
    }
  }
  return a.Refuse(v, std::string(name) + ": " + pickle::Describe(v) + " is not a loss this estimator is known to use");
}

// ---- Dummy ----------------------------------------------------------------------

// DummyClassifier's `constant` as one label: a str, int or float, or a
// one-element list/array of one.
Result<est::LabelValues> ConstantLabel(const Value* c, const std::string& what) {
  if (c->kind == Kind::kList || c->kind == Kind::kTuple || c->kind == Kind::kNdArray) return ReadLabels(c, what);
  if (c->kind == Kind::kStr) return est::LabelValues(std::vector<std::string>{std::string(c->text())});
  const bool integral = c->kind == Kind::kInt || c->kind == Kind::kBool ||
                        (c->kind == Kind::kScalar && c->dtype != nullptr && c->dtype->kind != 'f');
  if (integral) {
    SAFEMODEL_ASSIGN_OR_RETURN(int64_t i, ReadInt(c, what));
    return est::LabelValues(std::vector<int64_t>{i});
  }
  SAFEMODEL_ASSIGN_OR_RETURN(double d, ReadNumber(c, what));
  return est::LabelValues(std::vector<double>{d});
}

// The index in classes_ of DummyClassifier's `constant` (fit checked it is one).
Result<int64_t> ConstantIndex(const Attrs& a, const est::LabelValues& classes) {
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* c, a.Need("constant"));
  SAFEMODEL_ASSIGN_OR_RETURN(est::LabelValues want, ConstantLabel(c, a.Field("constant")));
  if (est::LabelCount(want) != 1) return a.Refuse(c, "constant: expected one label");
  // An int constant matches float classes as numpy's == does.
  if (const auto* wi = std::get_if<std::vector<int64_t>>(&want); wi && std::holds_alternative<std::vector<double>>(classes)) {
    want = est::LabelValues(std::vector<double>{static_cast<double>((*wi)[0])});
  }
  if (want.index() == classes.index()) {
    const size_t n = est::LabelCount(classes);
    for (size_t i = 0; i < n; ++i) {
      const bool same = std::visit(
          [&](const auto& cl) {
            using V = std::decay_t<decltype(cl)>;
            return cl[i] == std::get<V>(want)[0];
          },
          classes);
      if (same) return static_cast<int64_t>(i);
    }
  }
  return Corruption(Where(c, a.Field("constant")) + ": not one of classes_");
}

Result<est::DummyStrategy> DummyClassifierStrategy(const Attrs& a) {
  // `_strategy` (0.24+) is what fit resolved; older files have only `strategy`.
  const char* name = a.Get("_strategy") != nullptr ? "_strategy" : "strategy";
  SAFEMODEL_ASSIGN_OR_RETURN(std::string s, a.Str(name));
  if (s == "most_frequent") return est::DummyStrategy::kMostFrequent;
  if (s == "prior") return est::DummyStrategy::kPrior;
  if (s == "uniform") return est::DummyStrategy::kUniform;
  if (s == "constant") return est::DummyStrategy::kConstant;
  if (s == "stratified" || s == "warn") {
    return a.Refuse(a.Get(name), "strategy '" + s + "' draws random predictions at predict time");
  }
  return a.Refuse(a.Get(name), "strategy '" + EscapeForTerminal(s) + "' is not known");
}

Status CheckOneOutput(const Attrs& a) {
  SAFEMODEL_ASSIGN_OR_RETURN(auto n, a.OptInt("n_outputs_"));
  if (n && *n != 1) return a.Refuse(a.Get("n_outputs_"), "multi-output DummyClassifier (n_outputs_ " + std::to_string(*n) + ")");
  if (const Value* s = a.Get("sparse_output_"); s != nullptr) {
    SAFEMODEL_ASSIGN_OR_RETURN(bool sparse, ReadBool(s, a.Field("sparse_output_")));
    if (sparse) return a.Refuse(s, "sparse_output_ is set (scikit-learn returns a sparse matrix)");
  }
  return Status::Ok();
}

Result<est::DummyModel> ReadDummy(const Attrs& a) {
  est::DummyInput in;
  in.class_name = a.cls();
  std::vector<double> prior, constant;
  if (a.cls() == "DummyRegressor") {
    std::vector<uint64_t> shape;
    SAFEMODEL_ASSIGN_OR_RETURN(constant, a.Doubles("constant_", &shape));
    SAFEMODEL_ASSIGN_OR_RETURN(auto n, a.OptInt("n_outputs_"));
    if (n && static_cast<uint64_t>(*n) != constant.size()) {
      return Corruption(Where(a.Get("constant_"), a.Field("constant_")) + ": " + std::to_string(constant.size()) +
                        " values but n_outputs_ is " + std::to_string(*n));
    }
    in.constant = constant;
    return est::BuildDummy(in, a.path());
  }
  in.task = est::BoostTask::kClassifier;
  SAFEMODEL_RETURN_IF_ERROR(CheckOneOutput(a));
  SAFEMODEL_ASSIGN_OR_RETURN(in.strategy, DummyClassifierStrategy(a));
  SAFEMODEL_ASSIGN_OR_RETURN(in.classes, a.Labels("classes_"));
  SAFEMODEL_ASSIGN_OR_RETURN(prior, a.Doubles("class_prior_"));
  in.class_prior = prior;
  if (in.strategy == est::DummyStrategy::kConstant) {
    SAFEMODEL_ASSIGN_OR_RETURN(in.constant_index, ConstantIndex(a, in.classes));
  }
  return est::BuildDummy(in, a.path());
}

// ---- GradientBoosting -------------------------------------------------------------

// scikit-learn < 0.21 init estimators (plain objects of
// sklearn.ensemble.gradient_boosting, no _sklearn_version): their predict is
// a constant raw score per tree column.
Result<std::vector<double>> OldInitRaw(const Value* init, const std::string& where, int64_t k) {
  const Value* st = init->state;
  if (st == nullptr || st->kind != Kind::kDict) {
    return Corruption(Where(init, where) + ": " + pickle::Describe(init) + " has no state dict");
  }
  auto scalar = [&](const char* attr) -> Result<std::vector<double>> {
    const Value* v = st->Get(attr);
    if (v == nullptr) return Unsupported(Where(init, where) + ": " + init->name + " lacks '" + attr + "'");
    SAFEMODEL_ASSIGN_OR_RETURN(double d, ReadNumber(v, where + "." + attr));
    return std::vector<double>{d};
  };
  const std::string& n = init->name;
  if (n == "LogOddsEstimator" || n == "ScaledLogOddsEstimator") return scalar("prior");  // already scaled
  if (n == "MeanEstimator") return scalar("mean");
  if (n == "QuantileEstimator") return scalar("quantile");
  if (n == "ZeroEstimator") return std::vector<double>(static_cast<size_t>(k), 0.0);
  // PriorProbabilityEstimator: predict returns the priors themselves.
  const Value* v = st->Get("priors");
  if (v == nullptr) return Unsupported(Where(init, where) + ": PriorProbabilityEstimator lacks 'priors'");
  return ReadDoubles(v, where + ".priors", nullptr);
}

constexpr std::string_view kOldInits[] = {"LogOddsEstimator", "ScaledLogOddsEstimator", "PriorProbabilityEstimator",
                                          "MeanEstimator", "QuantileEstimator", "ZeroEstimator"};

Status ReadInit(const Attrs& a, est::GradientBoostingInput& in, MapContext& ctx) {
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* init, a.Need("init_"));
  const std::string where = a.Field("init_");
  if (init->IsStr("zero")) {
    in.init = est::BoostInit::kZero;
    return Status::Ok();
  }
  if (init->kind == Kind::kObject && init->module == "sklearn.dummy" &&
      (init->name == "DummyClassifier" || init->name == "DummyRegressor")) {
    SAFEMODEL_ASSIGN_OR_RETURN(Attrs da, Attrs::Open(init, where));
    ctx.sklearn_versions.insert(da.version());
    SAFEMODEL_ASSIGN_OR_RETURN(est::DummyModel d, ReadDummy(da));
    in.init = est::BoostInit::kDummy;
    in.init_dummy = std::move(d);
    return Status::Ok();
  }
  if (init->kind == Kind::kObject && init->module == "sklearn.ensemble.gradient_boosting" &&
      std::find(std::begin(kOldInits), std::end(kOldInits), init->name) != std::end(kOldInits)) {
    in.init = est::BoostInit::kRaw;
    SAFEMODEL_ASSIGN_OR_RETURN(in.init_raw, OldInitRaw(init, where, in.trees_per_stage));
    return Status::Ok();
  }
  return a.Refuse(init, "init_ " + pickle::Describe(init) +
                            " is not supported (only 'zero', DummyClassifier, DummyRegressor and the < 0.21 init "
                            "estimators)");
}


// estimators_: an object array (n_stages, K) of DecisionTreeRegressor, each
// mapped by the tree adapter, then gathered into one TreeModel.
Status ReadStages(const Attrs& a, est::GradientBoostingInput& in, MapContext& ctx) {
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* v, a.Need("estimators_"));
  const std::string where = a.Field("estimators_");
  if (v->kind != Kind::kNdArray || v->array == nullptr || v->array->dtype == nullptr || v->array->dtype->kind != 'O' ||
      v->array->shape.size() != 2 || v->array->fortran_order) {
    return Corruption(Where(v, where) + ": expected a 2-d object array of trees, got " + pickle::Describe(v));
  }
  const auto& shape = v->array->shape;
  auto count = CheckedMul(shape[0], shape[1]);
  if (!count || *count != v->array->objects.size()) return Corruption(Where(v, where) + ": shape does not match its items");
  SAFEMODEL_RETURN_IF_ERROR(est::CheckCount(where + ".shape[1]", static_cast<int64_t>(std::min<uint64_t>(shape[1], INT64_MAX)), 1));
  in.trees_per_stage = static_cast<int64_t>(shape[1]);
  std::vector<TreeColumns> cols;
  cols.reserve(*count);
  for (uint64_t i = 0; i < *count; ++i) {
    const Value* e = v->array->objects[i];
    const std::string ew = where + "[" + std::to_string(i / shape[1]) + ", " + std::to_string(i % shape[1]) + "]";
    if (e == nullptr || e->kind != Kind::kObject || FindFamily(e->module, e->name) != Family::kTree ||
        e->name != "DecisionTreeRegressor") {
      return Corruption(Where(e, ew) + ": expected a DecisionTreeRegressor, got " + pickle::Describe(e));
    }
    SAFEMODEL_ASSIGN_OR_RETURN(est::Estimator t, MapEstimator(e, ew, ctx));
    const auto& tm = std::get<est::TreeModel>(t.model);
    if (tm.n_outputs != 1) return Corruption(Where(e, ew) + ": a multi-output tree");
    cols.push_back(ColumnsOf(tm.trees[0], true));
  }
  est::TreeModelInput ti;
  ti.class_name = a.cls();
  ti.task = est::TreeTask::kRegressor;
  ti.combine = est::TreeCombine::kAverage;  // a container here: GradientBoosting sums them itself
  ti.n_features = in.n_features;
  ti.n_outputs = 1;
  for (const auto& c : cols) ti.trees.push_back(c.Arrays());
  SAFEMODEL_ASSIGN_OR_RETURN(in.trees, est::BuildTreeModel(ti, where));
  return Status::Ok();
}

Result<est::Estimator> MapGradientBoosting(const Attrs& a, MapContext& ctx) {
  est::GradientBoostingInput in;
  in.class_name = a.cls();
  const bool classifier = EndsWith(a.cls(), "Classifier");
  in.task = classifier ? est::BoostTask::kClassifier : est::BoostTask::kRegressor;
  SAFEMODEL_ASSIGN_OR_RETURN(in.n_features, a.NumFeatures(true));
  SAFEMODEL_ASSIGN_OR_RETURN(in.loss, ReadLoss(a, kGbLosses));
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* lr, a.Need("learning_rate"));
  SAFEMODEL_ASSIGN_OR_RETURN(in.learning_rate, ReadNumber(lr, a.Field("learning_rate")));
  if (classifier) {
    SAFEMODEL_ASSIGN_OR_RETURN(in.classes, a.Labels("classes_"));
  }
  SAFEMODEL_RETURN_IF_ERROR(ReadStages(a, in, ctx));
  SAFEMODEL_RETURN_IF_ERROR(ReadInit(a, in, ctx));
  SAFEMODEL_ASSIGN_OR_RETURN(auto built, est::BuildGradientBoosting(std::move(in), a.path()));
  return est::Estimator{std::move(built)};
}

}  // namespace

// HistGradientBoosting lives in hist_boosting.cc.
Result<est::Estimator> MapHistGradientBoosting(const Attrs& a, MapContext& ctx);

Result<est::Estimator> MapBoosting(const Attrs& a, Family family, MapContext& ctx) {
  switch (family) {
    case Family::kGradientBoosting: return MapGradientBoosting(a, ctx);
    case Family::kHistGradientBoosting: return MapHistGradientBoosting(a, ctx);
    default: break;
  }
  SAFEMODEL_ASSIGN_OR_RETURN(est::DummyModel d, ReadDummy(a));
  return est::Estimator{std::move(d)};
}

Result<est::BoostLoss> ReadHistLoss(const Attrs& a) { return ReadLoss(a, kHistLosses); }

}  // namespace safemodel::mapping
