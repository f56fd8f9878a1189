#include "mapping/sklearn.h"

#include <optional>
#include <utility>
#include <vector>

#include "util/text.h"

namespace safemodel::mapping {

using pickle::Kind;
using pickle::Value;

namespace {

struct ClassEntry {
  std::string_view module;
  std::string_view name;
  Family family;
};

// Exact (module, class) pairs: the current private module and the public
// module scikit-learn used before 0.22.
constexpr ClassEntry kClasses[] = {
    {"sklearn.linear_model._base", "LinearRegression", Family::kLinearRegressor},
    {"sklearn.linear_model.base", "LinearRegression", Family::kLinearRegressor},
    {"sklearn.linear_model._ridge", "Ridge", Family::kLinearRegressor},
    {"sklearn.linear_model.ridge", "Ridge", Family::kLinearRegressor},
    {"sklearn.linear_model._coordinate_descent", "Lasso", Family::kLinearRegressor},
    {"sklearn.linear_model.coordinate_descent", "Lasso", Family::kLinearRegressor},
    {"sklearn.linear_model._coordinate_descent", "ElasticNet", Family::kLinearRegressor},
    {"sklearn.linear_model.coordinate_descent", "ElasticNet", Family::kLinearRegressor},
    {"sklearn.linear_model._stochastic_gradient", "SGDRegressor", Family::kLinearRegressor},
    {"sklearn.linear_model.stochastic_gradient", "SGDRegressor", Family::kLinearRegressor},
    {"sklearn.linear_model._logistic", "LogisticRegression", Family::kLogisticRegression},
    {"sklearn.linear_model.logistic", "LogisticRegression", Family::kLogisticRegression},
    {"sklearn.linear_model._stochastic_gradient", "SGDClassifier", Family::kSgdClassifier},
    {"sklearn.linear_model.stochastic_gradient", "SGDClassifier", Family::kSgdClassifier},
    {"sklearn.svm._classes", "LinearSVC", Family::kLinearSvc},
    {"sklearn.svm.classes", "LinearSVC", Family::kLinearSvc},
    {"sklearn.tree._classes", "DecisionTreeClassifier", Family::kTree},
    {"sklearn.tree.tree", "DecisionTreeClassifier", Family::kTree},
    {"sklearn.tree._classes", "DecisionTreeRegressor", Family::kTree},
    {"sklearn.tree.tree", "DecisionTreeRegressor", Family::kTree},
    {"sklearn.tree._classes", "ExtraTreeClassifier", Family::kTree},
    {"sklearn.tree.tree", "ExtraTreeClassifier", Family::kTree},
    {"sklearn.tree._classes", "ExtraTreeRegressor", Family::kTree},
    {"sklearn.tree.tree", "ExtraTreeRegressor", Family::kTree},
    {"sklearn.ensemble._forest", "RandomForestClassifier", Family::kForest},
    {"sklearn.ensemble.forest", "RandomForestClassifier", Family::kForest},
    {"sklearn.ensemble._forest", "RandomForestRegressor", Family::kForest},
    {"sklearn.ensemble.forest", "RandomForestRegressor", Family::kForest},
    {"sklearn.ensemble._forest", "ExtraTreesClassifier", Family::kForest},
    {"sklearn.ensemble.forest", "ExtraTreesClassifier", Family::kForest},
    {"sklearn.ensemble._forest", "ExtraTreesRegressor", Family::kForest},
    {"sklearn.ensemble.forest", "ExtraTreesRegressor", Family::kForest},
    {"sklearn.preprocessing._data", "StandardScaler", Family::kStandardScaler},
    {"sklearn.preprocessing.data", "StandardScaler", Family::kStandardScaler},
    {"sklearn.preprocessing._data", "MinMaxScaler", Family::kMinMaxScaler},
    {"sklearn.preprocessing.data", "MinMaxScaler", Family::kMinMaxScaler},
    {"sklearn.pipeline", "Pipeline", Family::kPipeline},
    // ---- naive Bayes, clustering, decomposition ----
    // sklearn.naive_bayes has kept its name in every version.
    {"sklearn.naive_bayes", "GaussianNB", Family::kGaussianNB},
    {"sklearn.naive_bayes", "MultinomialNB", Family::kDiscreteNB},
    {"sklearn.naive_bayes", "BernoulliNB", Family::kDiscreteNB},
    {"sklearn.naive_bayes", "ComplementNB", Family::kDiscreteNB},
    {"sklearn.cluster._kmeans", "KMeans", Family::kKMeans},
    {"sklearn.cluster.k_means_", "KMeans", Family::kKMeans},
    {"sklearn.cluster._kmeans", "MiniBatchKMeans", Family::kKMeans},
    {"sklearn.cluster.k_means_", "MiniBatchKMeans", Family::kKMeans},
    {"sklearn.decomposition._pca", "PCA", Family::kDecomposition},
    {"sklearn.decomposition.pca", "PCA", Family::kDecomposition},
    {"sklearn.decomposition._truncated_svd", "TruncatedSVD", Family::kDecomposition},
    {"sklearn.decomposition.truncated_svd", "TruncatedSVD", Family::kDecomposition},
    // numeric preprocessing
    {"sklearn.preprocessing._data", "MaxAbsScaler", Family::kMaxAbsScaler},
    {"sklearn.preprocessing.data", "MaxAbsScaler", Family::kMaxAbsScaler},
    {"sklearn.preprocessing._data", "RobustScaler", Family::kRobustScaler},
    {"sklearn.preprocessing.data", "RobustScaler", Family::kRobustScaler},
    {"sklearn.preprocessing._data", "Normalizer", Family::kNormalizer},
    {"sklearn.preprocessing.data", "Normalizer", Family::kNormalizer},
    {"sklearn.preprocessing._data", "Binarizer", Family::kBinarizer},
    {"sklearn.preprocessing.data", "Binarizer", Family::kBinarizer},
    {"sklearn.impute._base", "SimpleImputer", Family::kSimpleImputer},
    {"sklearn.impute", "SimpleImputer", Family::kSimpleImputer},  // 0.20-0.21 (impute.py)
    {"sklearn.preprocessing._polynomial", "PolynomialFeatures", Family::kPolynomialFeatures},  // 0.24+
    {"sklearn.preprocessing._data", "PolynomialFeatures", Family::kPolynomialFeatures},        // 0.22-0.23
    {"sklearn.preprocessing.data", "PolynomialFeatures", Family::kPolynomialFeatures},
    {"sklearn.preprocessing._discretization", "KBinsDiscretizer", Family::kKBinsDiscretizer},
    {"sklearn.preprocessing.discretization", "KBinsDiscretizer", Family::kKBinsDiscretizer},  // 0.20-0.21
    // boosting
    {"sklearn.dummy", "DummyClassifier", Family::kDummy},
    {"sklearn.dummy", "DummyRegressor", Family::kDummy},
    {"sklearn.ensemble._gb", "GradientBoostingClassifier", Family::kGradientBoosting},
    {"sklearn.ensemble.gradient_boosting", "GradientBoostingClassifier", Family::kGradientBoosting},
    {"sklearn.ensemble._gb", "GradientBoostingRegressor", Family::kGradientBoosting},
    {"sklearn.ensemble.gradient_boosting", "GradientBoostingRegressor", Family::kGradientBoosting},
    {"sklearn.ensemble._hist_gradient_boosting.gradient_boosting", "HistGradientBoostingClassifier",
     Family::kHistGradientBoosting},
    {"sklearn.ensemble._hist_gradient_boosting.gradient_boosting", "HistGradientBoostingRegressor",
     Family::kHistGradientBoosting},
    // Neural networks and SVMs.
    {"sklearn.neural_network._multilayer_perceptron", "MLPClassifier", Family::kMlp},
    {"sklearn.neural_network.multilayer_perceptron", "MLPClassifier", Family::kMlp},
    {"sklearn.neural_network._multilayer_perceptron", "MLPRegressor", Family::kMlp},
    {"sklearn.neural_network.multilayer_perceptron", "MLPRegressor", Family::kMlp},
    {"sklearn.svm._classes", "SVC", Family::kSvm},
    {"sklearn.svm.classes", "SVC", Family::kSvm},
    {"sklearn.svm._classes", "NuSVC", Family::kSvm},
    {"sklearn.svm.classes", "NuSVC", Family::kSvm},
    {"sklearn.svm._classes", "SVR", Family::kSvm},
    {"sklearn.svm.classes", "SVR", Family::kSvm},
    {"sklearn.svm._classes", "NuSVR", Family::kSvm},
    {"sklearn.svm.classes", "NuSVR", Family::kSvm},
    {"sklearn.svm._classes", "OneClassSVM", Family::kSvm},
    {"sklearn.svm.classes", "OneClassSVM", Family::kSvm},
    {"sklearn.neighbors._classification", "KNeighborsClassifier", Family::kKnn},
    {"sklearn.neighbors.classification", "KNeighborsClassifier", Family::kKnn},
    {"sklearn.neighbors._regression", "KNeighborsRegressor", Family::kKnn},
    {"sklearn.neighbors.regression", "KNeighborsRegressor", Family::kKnn},
    // isolation forest and AdaBoost
    {"sklearn.ensemble._iforest", "IsolationForest", Family::kIsolationForest},
    {"sklearn.ensemble.iforest", "IsolationForest", Family::kIsolationForest},
    {"sklearn.ensemble._weight_boosting", "AdaBoostClassifier", Family::kAdaBoost},
    {"sklearn.ensemble.weight_boosting", "AdaBoostClassifier", Family::kAdaBoost},
    {"sklearn.ensemble._weight_boosting", "AdaBoostRegressor", Family::kAdaBoost},
    {"sklearn.ensemble.weight_boosting", "AdaBoostRegressor", Family::kAdaBoost},
    // meta-estimators
    {"sklearn.ensemble._voting", "VotingClassifier", Family::kVoting},
    {"sklearn.ensemble.voting", "VotingClassifier", Family::kVoting},             // 0.21
    {"sklearn.ensemble.voting_classifier", "VotingClassifier", Family::kVoting},  // 0.18-0.20
    {"sklearn.ensemble._voting", "VotingRegressor", Family::kVoting},
    {"sklearn.ensemble.voting", "VotingRegressor", Family::kVoting},              // 0.21
    {"sklearn.ensemble._stacking", "StackingClassifier", Family::kStacking},      // 0.22+
    {"sklearn.ensemble._stacking", "StackingRegressor", Family::kStacking},
    {"sklearn.multiclass", "OneVsRestClassifier", Family::kOneVsRest},
    {"sklearn.calibration", "CalibratedClassifierCV", Family::kCalibrated},
    // encoders and column transformers
    {"sklearn.preprocessing._encoders", "OneHotEncoder", Family::kOneHotEncoder},  // 0.20+
    {"sklearn.preprocessing.data", "OneHotEncoder", Family::kOneHotEncoder},       // <= 0.19 (refused: no categories_)
    {"sklearn.preprocessing._encoders", "OrdinalEncoder", Family::kOrdinalEncoder},
    {"sklearn.preprocessing._label", "LabelEncoder", Family::kLabelEncoder},
    {"sklearn.preprocessing.label", "LabelEncoder", Family::kLabelEncoder},
    {"sklearn.compose._column_transformer", "ColumnTransformer", Family::kColumnTransformer},
    {"sklearn.pipeline", "FeatureUnion", Family::kFeatureUnion},
    // text features
    {"sklearn.feature_extraction.text", "CountVectorizer", Family::kTextVectorizer},
    {"sklearn.feature_extraction.text", "TfidfVectorizer", Family::kTextVectorizer},
    {"sklearn.feature_extraction.text", "TfidfTransformer", Family::kTfidfTransformer},
    {"sklearn.feature_extraction._dict_vectorizer", "DictVectorizer", Family::kDictVectorizer},
    {"sklearn.feature_extraction.dict_vectorizer", "DictVectorizer", Family::kDictVectorizer},
    // label binarizer
    {"sklearn.preprocessing._label", "LabelBinarizer", Family::kLabelBinarizer},
    {"sklearn.preprocessing.label", "LabelBinarizer", Family::kLabelBinarizer},
};

Result<estimators::Estimator> MapStandardScaler(const Attrs& a) {
  estimators::StandardScalerInput in;
  SAFEMODEL_ASSIGN_OR_RETURN(in.n_features_in, a.NumFeatures(false));
  SAFEMODEL_ASSIGN_OR_RETURN(in.with_mean, a.Bool("with_mean"));
  SAFEMODEL_ASSIGN_OR_RETURN(in.with_std, a.Bool("with_std"));
  std::vector<double> mean, scale;
  // mean_ / scale_ are None when the corresponding step is off.
  if (const Value* m = a.Get("mean_"); m != nullptr && m->kind != Kind::kNone) {
    SAFEMODEL_ASSIGN_OR_RETURN(mean, ReadDoubles(m, a.Field("mean_"), nullptr));
    in.mean = mean;
  } else if (in.with_mean) {
    return a.Refuse(m, "with_mean is set but attribute 'mean_' is missing");
  }
  if (const Value* s = a.Get("scale_"); s != nullptr && s->kind != Kind::kNone) {
    SAFEMODEL_ASSIGN_OR_RETURN(scale, ReadDoubles(s, a.Field("scale_"), nullptr));
    in.scale = scale;
  } else if (in.with_std) {
    return a.Refuse(s, "with_std is set but attribute 'scale_' is missing");
  }
  SAFEMODEL_ASSIGN_OR_RETURN(auto built, estimators::BuildStandardScaler(in, a.path()));
  return estimators::Estimator{std::move(built)};
}

Result<estimators::Estimator> MapMinMaxScaler(const Attrs& a) {
  estimators::MinMaxScalerInput in;
  SAFEMODEL_ASSIGN_OR_RETURN(in.n_features_in, a.NumFeatures(false));
  SAFEMODEL_ASSIGN_OR_RETURN(auto min, a.Doubles("min_"));
  SAFEMODEL_ASSIGN_OR_RETURN(auto scale, a.Doubles("scale_"));
  in.min = min;
  in.scale = scale;
  // clip arrived in 0.24; older files predict without it.
  if (a.Get("clip") != nullptr) {
    SAFEMODEL_ASSIGN_OR_RETURN(in.clip, a.Bool("clip"));
  } else if (a.ver() >= 24) {
    return a.Refuse(nullptr, "missing attribute 'clip'");
  }
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* fr, a.Need("feature_range"));
  if ((fr->kind != Kind::kTuple && fr->kind != Kind::kList) || fr->items.size() != 2) {
    return Corruption(Where(fr, a.Field("feature_range")) + ": expected a pair, got " + pickle::Describe(fr));
  }
  SAFEMODEL_ASSIGN_OR_RETURN(in.range_lo, ReadNumber(fr->items[0], a.Field("feature_range[0]")));
  SAFEMODEL_ASSIGN_OR_RETURN(in.range_hi, ReadNumber(fr->items[1], a.Field("feature_range[1]")));
  SAFEMODEL_ASSIGN_OR_RETURN(auto built, estimators::BuildMinMaxScaler(in, a.path()));
  return estimators::Estimator{std::move(built)};
}

Result<estimators::Estimator> MapPipeline(const Attrs& a, MapContext& ctx) {
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* steps, a.Need("steps"));
  if (steps->kind != Kind::kList && steps->kind != Kind::kTuple) {
    return Corruption(Where(steps, a.Field("steps")) + ": expected a list of (name, estimator), got " +
                      pickle::Describe(steps));
  }
  std::vector<std::string> names;
  std::vector<estimators::Estimator> built;
  for (size_t i = 0; i < steps->items.size(); ++i) {
    const std::string where = a.Field("steps[" + std::to_string(i) + "]");
    const Value* step = steps->items[i];
    if (step == nullptr || (step->kind != Kind::kTuple && step->kind != Kind::kList) || step->items.size() != 2) {
      return Corruption(Where(step, where) + ": expected a (name, estimator) pair, got " + pickle::Describe(step));
    }
    SAFEMODEL_ASSIGN_OR_RETURN(std::string name, ReadStr(step->items[0], where + "[0]"));
    const Value* est = step->items[1];
    // scikit-learn skips these steps in predict and transform.
    if (est == nullptr || est->kind == Kind::kNone || est->IsStr("passthrough")) continue;
    SAFEMODEL_ASSIGN_OR_RETURN(auto e, MapEstimator(est, where, ctx));
    names.push_back(std::move(name));
    built.push_back(std::move(e));
  }
  // Pipeline.feature_names_in_ is its first step's (a property, not in the state).
  std::vector<std::string> first_names = built.empty() ? std::vector<std::string>{} : built[0].feature_names;
  SAFEMODEL_ASSIGN_OR_RETURN(auto pipe, estimators::BuildPipeline(std::move(names), std::move(built), a.path()));
  if (!first_names.empty() && pipe.NumFeatures() == static_cast<int32_t>(first_names.size())) {
    SAFEMODEL_RETURN_IF_ERROR(estimators::SetFeatureNames(pipe, std::move(first_names), a.Field("steps[0]")));
  }
  return pipe;
}

// feature_names_in_ (>= 1.0, fitted on a DataFrame whose column names are
// all strings): an object array of str, kept so predict can match named
// input columns.
Result<estimators::Estimator> WithFeatureNames(const Attrs& a, estimators::Estimator e) {
  const Value* v = a.Get("feature_names_in_");
  if (v == nullptr || v->kind == Kind::kNone) return e;
  SAFEMODEL_ASSIGN_OR_RETURN(auto labels, ReadLabels(v, a.Field("feature_names_in_")));
  auto* names = std::get_if<std::vector<std::string>>(&labels);
  if (names == nullptr) return a.Refuse(v, "feature_names_in_ holds " + std::string(estimators::LabelKindName(labels)) +
                                               " values, expected strings");
  SAFEMODEL_RETURN_IF_ERROR(estimators::SetFeatureNames(e, std::move(*names), a.Field("feature_names_in_")));
  return e;
}

}  // namespace

std::optional<Family> FindFamily(std::string_view module, std::string_view name) {
  for (const ClassEntry& e : kClasses) {
    if (e.module == module && e.name == name) return e.family;
  }
  return std::nullopt;
}

Result<estimators::Estimator> MapEstimator(const Value* obj, const std::string& path, MapContext& ctx) {
  if (obj == nullptr || obj->kind != Kind::kObject) {
    return Unsupported(Where(obj, path) + ": expected a scikit-learn estimator, got " + pickle::Describe(obj));
  }
  auto family = FindFamily(obj->module, obj->name);
  if (!family) {
    return Unsupported(Where(obj, path) + ": " + EscapeForTerminal(obj->module + "." + obj->name) +
                       " is not a supported estimator");
  }
  // Pipelines nest through this function; bound the recursion before the
  // builder's own depth check sees the result.
  if (ctx.depth > estimators::kMaxPipelineDepth) {
    return LimitExceeded(Where(obj, path) + ": pipelines nested deeper than " +
                         std::to_string(estimators::kMaxPipelineDepth));
  }
  SAFEMODEL_ASSIGN_OR_RETURN(Attrs a, Attrs::Open(obj, path));
  ctx.sklearn_versions.insert(a.version());
  Result<estimators::Estimator> r = Status(Code::kUnsupported, "unreachable");
  switch (*family) {
    case Family::kLinearRegressor:
    case Family::kLogisticRegression:
    case Family::kSgdClassifier:
    case Family::kLinearSvc: r = MapLinear(a, *family); break;
    case Family::kTree:
    case Family::kForest: r = MapTrees(a, *family, ctx); break;
    case Family::kStandardScaler: r = MapStandardScaler(a); break;
    case Family::kMinMaxScaler: r = MapMinMaxScaler(a); break;
    case Family::kGaussianNB:
    case Family::kDiscreteNB: r = MapNaiveBayes(a, *family); break;
    case Family::kKMeans: r = MapKMeans(a); break;
    case Family::kDecomposition: r = MapDecomposition(a); break;
    case Family::kMaxAbsScaler:
    case Family::kRobustScaler:
    case Family::kNormalizer:
    case Family::kBinarizer:
    case Family::kSimpleImputer:
    case Family::kPolynomialFeatures:
    case Family::kKBinsDiscretizer: r = MapPreprocessing(a, *family, ctx); break;
    case Family::kDummy:
    case Family::kGradientBoosting:
    case Family::kHistGradientBoosting: r = MapBoosting(a, *family, ctx); break;
    case Family::kMlp: r = MapMlp(a); break;
    case Family::kSvm: r = MapSvm(a); break;
    case Family::kKnn: r = MapKnn(a); break;
    case Family::kIsolationForest:
    case Family::kAdaBoost: r = MapEnsemble(a, *family, ctx); break;
    case Family::kVoting:
    case Family::kStacking:
    case Family::kOneVsRest:
    case Family::kCalibrated:
      ++ctx.depth;
      r = MapMeta(a, *family, ctx);
      --ctx.depth;
      break;
    case Family::kOneHotEncoder:
    case Family::kOrdinalEncoder:
    case Family::kLabelEncoder:
    case Family::kColumnTransformer:
    case Family::kFeatureUnion:
    case Family::kLabelBinarizer: r = MapEncoders(a, *family, ctx); break;
    case Family::kTextVectorizer:
    case Family::kTfidfTransformer:
    case Family::kDictVectorizer: r = MapText(a, *family); break;
    case Family::kPipeline:
      ++ctx.depth;
      r = MapPipeline(a, ctx);
      --ctx.depth;
      break;
  }
  if (r.ok()) r = WithFeatureNames(a, std::move(r).value());
  if (!r.ok() && r.status().message().rfind("pickle@", 0) != 0) {
    // Builder errors name the model path; add the object's place in the file.
    return r.status().Wrap(At(obj));
  }
  return r;
}

}  // namespace safemodel::mapping
