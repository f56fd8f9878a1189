// Numeric preprocessing: MaxAbsScaler, RobustScaler, Normalizer, Binarizer,
// SimpleImputer (with its MissingIndicator), PolynomialFeatures and
// KBinsDiscretizer (with its OneHotEncoder), scikit-learn 0.18 to 1.9.
//
// Layouts across versions: n_features_in_ from 0.24 (Normalizer and
// Binarizer without it accept any width); RobustScaler's center_/scale_ are
// None (0.20+) or absent (older) when off; SimpleImputer's add_indicator from
// 0.21 and keep_empty_features from 1.2; PolynomialFeatures' n_input_features_
// before 1.0 and its _min_degree/_max_degree from 1.0; KBinsDiscretizer's dtype
// from 0.24.
#include <cmath>
#include <string>
#include <vector>

#include "mapping/sklearn.h"
#include "util/text.h"

namespace safemodel::mapping {

using pickle::Kind;
using pickle::Value;

namespace {

estimators::Estimator Wrap(auto built) { return estimators::Estimator{std::move(built)}; }

bool IsNone(const Value* v) { return v == nullptr || v->kind == Kind::kNone; }

// A used per-feature array, or None/absent when its step is off (then
// ignored, as transform ignores it).
Result<std::vector<double>> ArrayIfUsed(const Attrs& a, std::string_view attr, bool used) {
  const Value* v = a.Get(attr);
  if (!used) return std::vector<double>{};
  if (IsNone(v)) return a.Refuse(v, "the step is on but attribute '" + std::string(attr) + "' is missing or None");
  return ReadDoubles(v, a.Field(attr), nullptr);
}

Result<estimators::Estimator> MapMaxAbs(const Attrs& a) {
  estimators::ColumnScalerInput in;
  in.kind = estimators::ColumnScalerKind::kMaxAbs;
  SAFEMODEL_ASSIGN_OR_RETURN(in.n_features_in, a.NumFeatures(false));
  SAFEMODEL_ASSIGN_OR_RETURN(auto scale, a.Doubles("scale_"));
  in.scale = scale;
  SAFEMODEL_ASSIGN_OR_RETURN(auto built, estimators::BuildColumnScaler(in, a.path()));
  return Wrap(std::move(built));
}

Result<estimators::Estimator> MapRobust(const Attrs& a) {
  estimators::ColumnScalerInput in;
  in.kind = estimators::ColumnScalerKind::kRobust;
  SAFEMODEL_ASSIGN_OR_RETURN(in.n_features_in, a.NumFeatures(false));
  SAFEMODEL_ASSIGN_OR_RETURN(in.with_centering, a.Bool("with_centering"));
  SAFEMODEL_ASSIGN_OR_RETURN(in.with_scaling, a.Bool("with_scaling"));
  SAFEMODEL_ASSIGN_OR_RETURN(auto center, ArrayIfUsed(a, "center_", in.with_centering));
  SAFEMODEL_ASSIGN_OR_RETURN(auto scale, ArrayIfUsed(a, "scale_", in.with_scaling));
  in.center = center;
  in.scale = scale;
  SAFEMODEL_ASSIGN_OR_RETURN(auto built, estimators::BuildColumnScaler(in, a.path()));
  return Wrap(std::move(built));
}

Result<estimators::Estimator> MapNormalizer(const Attrs& a) {
  SAFEMODEL_ASSIGN_OR_RETURN(int64_t n, a.NumFeatures(false));
  SAFEMODEL_ASSIGN_OR_RETURN(std::string norm, a.Str("norm"));
  auto kind = estimators::ParseNorm(norm);
  if (!kind.ok()) return a.Refuse(a.Get("norm"), "norm '" + EscapeForTerminal(norm) + "' is not l1, l2 or max");
  SAFEMODEL_ASSIGN_OR_RETURN(auto built, estimators::BuildNormalizer(n, *kind, a.path()));
  return Wrap(std::move(built));
}

Result<estimators::Estimator> MapBinarizer(const Attrs& a) {
  SAFEMODEL_ASSIGN_OR_RETURN(int64_t n, a.NumFeatures(false));
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* t, a.Need("threshold"));
  SAFEMODEL_ASSIGN_OR_RETURN(double threshold, ReadNumber(t, a.Field("threshold")));
  SAFEMODEL_ASSIGN_OR_RETURN(auto built, estimators::BuildBinarizer(n, threshold, a.path()));
  return Wrap(std::move(built));
}

// ---- SimpleImputer -----------------------------------------------------------

struct Missing {
  bool is_nan = true;
  double value = 0.0;
};

// missing_values: np.nan (a float NaN) or a number. Strings, None and pandas'
// NA go with object data, which is not supported here.
Result<Missing> ReadMissing(const Attrs& a, const Value* v, const std::string& what) {
  if (v != nullptr && (v->kind == Kind::kFloat || v->kind == Kind::kInt || v->kind == Kind::kBool ||
                       v->kind == Kind::kScalar)) {
    SAFEMODEL_ASSIGN_OR_RETURN(double d, ReadNumber(v, what));
    return std::isnan(d) ? Missing{} : Missing{false, d};
  }
  return a.Refuse(v, "missing_values " + pickle::Describe(v) +
                         " is not a number (imputing strings or categories is not supported)");
}

bool IsObjectArray(const Value* v) {
  return v != nullptr && v->kind == Kind::kNdArray && v->array != nullptr && v->array->dtype != nullptr &&
         v->array->dtype->kind == 'O';
}

// MissingIndicator(error_on_new=False) fitted by the imputer: the features
// whose mask columns it appends (all of them for features="all").
Result<std::vector<int64_t>> ReadIndicator(const Attrs& a, const Missing& missing, int64_t n, MapContext& ctx) {
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* v, a.Need("indicator_"));
  const std::string where = a.Field("indicator_");
  if (v->kind != Kind::kObject || v->name != "MissingIndicator" ||
      (v->module != "sklearn.impute._base" && v->module != "sklearn.impute")) {
    return Corruption(Where(v, where) + ": expected a MissingIndicator, got " + pickle::Describe(v));
  }
  SAFEMODEL_ASSIGN_OR_RETURN(Attrs ind, Attrs::Open(v, where));
  ctx.sklearn_versions.insert(ind.version());
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* mv, ind.Need("missing_values"));
  SAFEMODEL_ASSIGN_OR_RETURN(Missing own, ReadMissing(ind, mv, ind.Field("missing_values")));
  if (own.is_nan != missing.is_nan || (!own.is_nan && own.value != missing.value)) {
    return Corruption(Where(mv, ind.Field("missing_values")) + ": differs from the imputer's missing_values");
  }
  if (const Value* e = ind.Get("error_on_new"); e != nullptr) {
    SAFEMODEL_ASSIGN_OR_RETURN(bool error_on_new, ReadBool(e, ind.Field("error_on_new")));
    if (error_on_new) return ind.Refuse(e, "error_on_new=True is not supported (SimpleImputer sets it False)");
  }
  // sparse=True would make the indicator a scipy matrix; the imputer's is "auto".
  if (const Value* s = ind.Get("sparse"); s != nullptr && !s->IsStr("auto") &&
                                          !(s->kind == Kind::kBool && !s->b)) {
    return ind.Refuse(s, "sparse " + pickle::Describe(s) + " is not supported (only 'auto' or False)");
  }
  SAFEMODEL_ASSIGN_OR_RETURN(int64_t fitted, ind.Int("_n_features"));
  if (fitted != n) {
    return Corruption(Where(ind.Get("_n_features"), ind.Field("_n_features")) + ": " + std::to_string(fitted) +
                      " but the imputer has " + std::to_string(n) + " features");
  }
  SAFEMODEL_ASSIGN_OR_RETURN(std::string features, ind.Str("features"));
  if (features == "all") {
    std::vector<int64_t> all;
    for (int64_t j = 0; j < n; ++j) all.push_back(j);
    return all;
  }
  if (features != "missing-only") {
    return ind.Refuse(ind.Get("features"), "features '" + EscapeForTerminal(features) + "' is not known");
  }
  std::vector<uint64_t> shape;
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* fv, ind.Need("features_"));
  SAFEMODEL_ASSIGN_OR_RETURN(auto idx, ReadInt64s(fv, ind.Field("features_"), &shape));
  if (shape.size() != 1) return Corruption(Where(fv, ind.Field("features_")) + ": expected a 1-d array");
  return idx;
}

Result<estimators::Estimator> MapSimpleImputer(const Attrs& a, MapContext& ctx) {
  estimators::SimpleImputerInput in;
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* stats, a.Need("statistics_"));
  const Value* fit_dtype = a.Get("_fit_dtype");
  if (IsObjectArray(stats) || (fit_dtype != nullptr && fit_dtype->kind == Kind::kDType && fit_dtype->dtype &&
                               fit_dtype->dtype->kind == 'O')) {
    return a.Refuse(stats, "statistics_ of dtype object (imputing strings or categories) is not supported");
  }
  std::vector<uint64_t> shape;
  SAFEMODEL_ASSIGN_OR_RETURN(auto statistics, ReadDoubles(stats, a.Field("statistics_"), &shape));
  if (shape.size() != 1) return Corruption(Where(stats, a.Field("statistics_")) + ": expected a 1-d array");
  in.statistics = statistics;
  SAFEMODEL_ASSIGN_OR_RETURN(in.n_features_in, a.NumFeatures(false));
  SAFEMODEL_ASSIGN_OR_RETURN(std::string strategy, a.Str("strategy"));
  auto s = estimators::ParseImputeStrategy(strategy);
  if (!s.ok()) return a.Refuse(a.Get("strategy"), "strategy '" + EscapeForTerminal(strategy) + "' is not known");
  in.strategy = *s;
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* mv, a.Need("missing_values"));
  SAFEMODEL_ASSIGN_OR_RETURN(Missing missing, ReadMissing(a, mv, a.Field("missing_values")));
  in.missing_is_nan = missing.is_nan;
  in.missing_value = missing.value;
  // keep_empty_features arrived in 1.2, add_indicator in 0.21.
  if (a.Get("keep_empty_features") != nullptr) {
    SAFEMODEL_ASSIGN_OR_RETURN(in.keep_empty_features, a.Bool("keep_empty_features"));
  } else if (a.ver() >= 102) {
    return a.Refuse(nullptr, "missing attribute 'keep_empty_features'");
  }
  if (a.Get("add_indicator") != nullptr) {
    SAFEMODEL_ASSIGN_OR_RETURN(in.add_indicator, a.Bool("add_indicator"));
  } else if (a.ver() >= 21) {
    return a.Refuse(nullptr, "missing attribute 'add_indicator'");
  }
  std::vector<int64_t> indicator;
  if (in.add_indicator) {
    const int64_t n = in.n_features_in >= 0 ? in.n_features_in : static_cast<int64_t>(statistics.size());
    SAFEMODEL_ASSIGN_OR_RETURN(indicator, ReadIndicator(a, missing, n, ctx));
    in.indicator = indicator;
  }
  SAFEMODEL_ASSIGN_OR_RETURN(auto built, estimators::BuildSimpleImputer(in, a.path()));
  return Wrap(std::move(built));
}

// ---- PolynomialFeatures --------------------------------------------------------

struct Degrees {
  int64_t min = 0, max = 2;
};

// _min_degree/_max_degree (1.0+), else degree: an int, or (min, max) in 1.0+.
Result<Degrees> ReadDegrees(const Attrs& a) {
  if (a.Get("_max_degree") != nullptr) {
    Degrees d;
    SAFEMODEL_ASSIGN_OR_RETURN(d.min, a.Int("_min_degree"));
    SAFEMODEL_ASSIGN_OR_RETURN(d.max, a.Int("_max_degree"));
    return d;
  }
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* v, a.Need("degree"));
  if ((v->kind == Kind::kTuple || v->kind == Kind::kList) && v->items.size() == 2) {
    Degrees d;
    SAFEMODEL_ASSIGN_OR_RETURN(d.min, ReadInt(v->items[0], a.Field("degree[0]")));
    SAFEMODEL_ASSIGN_OR_RETURN(d.max, ReadInt(v->items[1], a.Field("degree[1]")));
    return d;
  }
  SAFEMODEL_ASSIGN_OR_RETURN(int64_t max, ReadInt(v, a.Field("degree")));
  return Degrees{0, max};
}

Result<estimators::Estimator> MapPolynomial(const Attrs& a) {
  estimators::PolynomialFeaturesInput in;
  SAFEMODEL_ASSIGN_OR_RETURN(in.n_features_in, a.NumFeatures(false));
  if (in.n_features_in < 0) {
    SAFEMODEL_ASSIGN_OR_RETURN(auto old, a.OptInt("n_input_features_"));
    if (!old) return a.Refuse(nullptr, "missing attribute 'n_features_in_' (or the older 'n_input_features_')");
    in.n_features_in = *old;
  }
  SAFEMODEL_ASSIGN_OR_RETURN(Degrees d, ReadDegrees(a));
  in.min_degree = d.min;
  in.max_degree = d.max;
  SAFEMODEL_ASSIGN_OR_RETURN(in.interaction_only, a.Bool("interaction_only"));
  SAFEMODEL_ASSIGN_OR_RETURN(in.include_bias, a.Bool("include_bias"));
  SAFEMODEL_ASSIGN_OR_RETURN(in.n_output_features, a.Int("n_output_features_"));
  SAFEMODEL_ASSIGN_OR_RETURN(auto terms, estimators::PolynomialTerms(in.n_features_in, d.min, d.max,
                                                                     in.interaction_only, in.include_bias, a.path()));
  in.terms = terms;
  const uint64_t width = static_cast<uint64_t>(d.max);
  in.terms_shape = {width == 0 ? 1 : terms.size() / width, width};
  SAFEMODEL_ASSIGN_OR_RETURN(auto built, estimators::BuildPolynomialFeatures(in, a.path()));
  return Wrap(std::move(built));
}

// ---- KBinsDiscretizer --------------------------------------------------------

// bin_edges_: a 1-d object array (or list) of 1-d float arrays.
Result<std::vector<double>> ReadBinEdges(const Attrs& a, size_t n_features) {
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* v, a.Need("bin_edges_"));
  const std::string where = a.Field("bin_edges_");
  std::span<const Value* const> items;
  if (IsObjectArray(v) && v->array->shape.size() == 1 && v->array->objects.size() == v->array->shape[0]) {
    items = v->array->objects;
  } else if (v->kind == Kind::kList) {
    items = v->items;
  } else {
    return Corruption(Where(v, where) + ": expected a 1-d object array of arrays, got " + pickle::Describe(v));
  }
  if (items.size() != n_features) {
    return Corruption(Where(v, where) + ": " + std::to_string(items.size()) + " features but n_bins_ has " +
                      std::to_string(n_features));
  }
  std::vector<double> all;
  for (size_t j = 0; j < items.size(); ++j) {
    const std::string w = where + "[" + std::to_string(j) + "]";
    std::vector<uint64_t> shape;
    SAFEMODEL_ASSIGN_OR_RETURN(auto e, ReadDoubles(items[j], w, &shape));
    if (shape.size() != 1) return Corruption(Where(items[j], w) + ": expected a 1-d array");
    all.insert(all.end(), e.begin(), e.end());
  }
  return all;
}

// dtype (0.24+): None, np.float64 or np.float32 (a type, or a dtype object).
Result<bool> ReadFloat32(const Attrs& a) {
  const Value* v = a.Get("dtype");
  if (IsNone(v)) return false;
  if (v->kind == Kind::kGlobal && v->module == "numpy" && (v->name == "float32" || v->name == "float64")) {
    return v->name == "float32";
  }
  if (v->kind == Kind::kDType && v->dtype != nullptr && v->dtype->kind == 'f' &&
      (v->dtype->itemsize == 4 || v->dtype->itemsize == 8) && !v->dtype->structured()) {
    return v->dtype->itemsize == 4;
  }
  return a.Refuse(v, "dtype " + pickle::Describe(v) + " is not None, float64 or float32");
}

// The fitted OneHotEncoder must encode bin j of feature j as category j
// (categories [0, n_bins_[j]), nothing dropped), as fit builds it.
Status CheckEncoder(const Attrs& a, std::span<const int64_t> n_bins, MapContext& ctx) {
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* v, a.Need("_encoder"));
  const std::string where = a.Field("_encoder");
  if (v->kind != Kind::kObject || !v->IsClass("sklearn.preprocessing._encoders", "OneHotEncoder")) {
    return Corruption(Where(v, where) + ": expected a OneHotEncoder, got " + pickle::Describe(v));
  }
  SAFEMODEL_ASSIGN_OR_RETURN(Attrs enc, Attrs::Open(v, where));
  ctx.sklearn_versions.insert(enc.version());
  for (const char* attr : {"drop", "drop_idx_"}) {
    if (const Value* d = enc.Get(attr); !IsNone(d)) {
      return enc.Refuse(d, std::string(attr) + " " + pickle::Describe(d) + " is not supported (fit leaves it None)");
    }
  }
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* cats, enc.Need("categories_"));
  if ((cats->kind != Kind::kList && cats->kind != Kind::kTuple) || cats->items.size() != n_bins.size()) {
    return Corruption(Where(cats, enc.Field("categories_")) + ": expected a list of " +
                      std::to_string(n_bins.size()) + " arrays, got " + pickle::Describe(cats));
  }
  for (size_t j = 0; j < n_bins.size(); ++j) {
    const std::string w = enc.Field("categories_[" + std::to_string(j) + "]");
    SAFEMODEL_ASSIGN_OR_RETURN(auto c, ReadDoubles(cats->items[j], w, nullptr));
    bool same = c.size() == static_cast<uint64_t>(std::max<int64_t>(n_bins[j], 0));
    for (size_t k = 0; same && k < c.size(); ++k) same = c[k] == static_cast<double>(k);
    if (!same) {
      return Corruption(Where(cats->items[j], w) + ": not the categories 0.." + std::to_string(n_bins[j] - 1) +
                        " of n_bins_[" + std::to_string(j) + "]");
    }
  }
  return Status::Ok();
}

Result<estimators::Estimator> MapKBins(const Attrs& a, MapContext& ctx) {
  estimators::KBinsDiscretizerInput in;
  SAFEMODEL_ASSIGN_OR_RETURN(in.n_features_in, a.NumFeatures(false));
  SAFEMODEL_ASSIGN_OR_RETURN(std::string encode, a.Str("encode"));
  if (encode == "ordinal") {
    in.encode = estimators::KBinsEncode::kOrdinal;
  } else if (encode == "onehot" || encode == "onehot-dense") {
    in.encode = estimators::KBinsEncode::kOneHot;  // 'onehot' is sparse in sklearn: same values, dense here
  } else {
    return a.Refuse(a.Get("encode"), "encode '" + EscapeForTerminal(encode) + "' is not known");
  }
  SAFEMODEL_ASSIGN_OR_RETURN(in.float32_input, ReadFloat32(a));
  std::vector<uint64_t> shape;
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* nb, a.Need("n_bins_"));
  SAFEMODEL_ASSIGN_OR_RETURN(auto n_bins, ReadInt64s(nb, a.Field("n_bins_"), &shape));
  if (shape.size() != 1) return Corruption(Where(nb, a.Field("n_bins_")) + ": expected a 1-d array");
  in.n_bins = n_bins;
  SAFEMODEL_ASSIGN_OR_RETURN(auto edges, ReadBinEdges(a, n_bins.size()));
  in.edges = edges;
  SAFEMODEL_ASSIGN_OR_RETURN(auto built, estimators::BuildKBinsDiscretizer(in, a.path()));
  // After the builder: n_bins_ is known good when the encoder is compared with it.
  if (in.encode == estimators::KBinsEncode::kOneHot) SAFEMODEL_RETURN_IF_ERROR(CheckEncoder(a, n_bins, ctx));
  return Wrap(std::move(built));
}

}  // namespace

Result<estimators::Estimator> MapPreprocessing(const Attrs& a, Family family, MapContext& ctx) {
  switch (family) {
    case Family::kMaxAbsScaler: return MapMaxAbs(a);
    case Family::kRobustScaler: return MapRobust(a);
    case Family::kNormalizer: return MapNormalizer(a);
    case Family::kBinarizer: return MapBinarizer(a);
    case Family::kSimpleImputer: return MapSimpleImputer(a, ctx);
    case Family::kPolynomialFeatures: return MapPolynomial(a);
    case Family::kKBinsDiscretizer: return MapKBins(a, ctx);
    default: break;
  }
  return Unsupported(a.path() + ": not a preprocessing class");
}

}  // namespace safemodel::mapping
