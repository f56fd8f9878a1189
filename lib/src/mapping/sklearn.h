// The scikit-learn adapters: one per family, each reading the attributes
// predict needs from an estimator object's state and feeding the checked
// builder of lib/src/estimators.
#ifndef SAFEMODEL_MAPPING_SKLEARN_H_
#define SAFEMODEL_MAPPING_SKLEARN_H_

#include <set>
#include <string>
#include <string_view>

#include "estimators/estimator.h"
#include "mapping/graph_read.h"
#include "pickle/value.h"
#include "safemodel/status.h"

namespace safemodel::mapping {

enum class Family : uint8_t {
  kLinearRegressor,   // LinearRegression, Ridge, Lasso, ElasticNet, SGDRegressor
  kLogisticRegression,
  kSgdClassifier,
  kLinearSvc,
  kTree,              // DecisionTree*/ExtraTree*
  kForest,            // RandomForest*/ExtraTrees*
  kStandardScaler,
  kMinMaxScaler,
  kPipeline,
  kGaussianNB,        // GaussianNB
  kDiscreteNB,        // MultinomialNB, BernoulliNB, ComplementNB
  kKMeans,            // KMeans, MiniBatchKMeans
  kDecomposition,     // PCA, TruncatedSVD
  // numeric preprocessing (preprocessing.cc)
  kMaxAbsScaler,
  kRobustScaler,
  kNormalizer,
  kBinarizer,
  kSimpleImputer,
  kPolynomialFeatures,
  kKBinsDiscretizer,
  kDummy,              // DummyClassifier, DummyRegressor
  kGradientBoosting,   // GradientBoosting{Classifier,Regressor}
  kHistGradientBoosting,  // HistGradientBoosting{Classifier,Regressor}
  kMlp,               // MLPClassifier, MLPRegressor
  kSvm,               // SVC, NuSVC, SVR, NuSVR, OneClassSVM
  kKnn,               // KNeighborsClassifier, KNeighborsRegressor
  kIsolationForest,   // IsolationForest
  kAdaBoost,          // AdaBoostClassifier, AdaBoostRegressor
  // meta-estimators (meta.cc)
  kVoting,            // VotingClassifier, VotingRegressor
  kStacking,          // StackingClassifier, StackingRegressor
  kOneVsRest,         // OneVsRestClassifier
  kCalibrated,        // CalibratedClassifierCV
  // encoders and column transformers (encoders.cc)
  kOneHotEncoder,
  kOrdinalEncoder,
  kLabelEncoder,
  kColumnTransformer,
  kFeatureUnion,
  kTextVectorizer,    // CountVectorizer, TfidfVectorizer
  kTfidfTransformer,
  kDictVectorizer,
  kLabelBinarizer,    // encoders.cc (a CategoricalEncoder)
};

// The family of an estimator class under any of its module paths (current
// and pre-0.22), or nullopt.
std::optional<Family> FindFamily(std::string_view module, std::string_view name);

// What the adapters collect while mapping.
struct MapContext {
  std::set<std::string> sklearn_versions;
  int depth = 0;  // pipeline nesting, bounded below kMaxPipelineDepth + 1
};

// Maps an estimator object (kObject of a supported class). `path` names it in
// messages ("RandomForestClassifier", "root['model'].steps[1]").
Result<estimators::Estimator> MapEstimator(const pickle::Value* obj, const std::string& path, MapContext& ctx);

// Per-family adapters (obj already opened).
Result<estimators::Estimator> MapLinear(const Attrs& a, Family family);
Result<estimators::Estimator> MapTrees(const Attrs& a, Family family, MapContext& ctx);
Result<estimators::Estimator> MapNaiveBayes(const Attrs& a, Family family);
// Attrs::NumFeatures(false), refusing a negative value the file holds (-1 = absent).
Result<int64_t> DeclaredNumFeatures(const Attrs& a);
Result<estimators::Estimator> MapKMeans(const Attrs& a);
Result<estimators::Estimator> MapDecomposition(const Attrs& a);
Result<estimators::Estimator> MapPreprocessing(const Attrs& a, Family family, MapContext& ctx);
// kDummy, kGradientBoosting, kHistGradientBoosting (boosting.cc, hist_boosting.cc).
Result<estimators::Estimator> MapBoosting(const Attrs& a, Family family, MapContext& ctx);
Result<estimators::Estimator> MapMlp(const Attrs& a);
Result<estimators::Estimator> MapSvm(const Attrs& a);
Result<estimators::Estimator> MapKnn(const Attrs& a);
// kIsolationForest, kAdaBoost (ensemble.cc).
Result<estimators::Estimator> MapEnsemble(const Attrs& a, Family family, MapContext& ctx);
// A sklearn.tree._tree.Tree's n_node_samples column (trees.cc).
Result<std::vector<int64_t>> ReadTreeNodeSamples(const pickle::Value* tree, const std::string& where);
// A built tree's columns again, owned, for the ensembles (boosting stages,
// AdaBoost and isolation-forest members) that gather mapped trees into one
// TreeModel. `keep_missing`: keep missing_go_to_left (members walked without
// NaN drop it, so that old and new files build alike).
struct TreeColumns {
  std::vector<int64_t> left, right, feature;
  std::vector<double> threshold, value;
  std::vector<uint8_t> missing;
  std::vector<uint64_t> value_shape;
  estimators::TreeArrays Arrays() const { return {left, right, feature, threshold, value, value_shape, missing}; }
};
TreeColumns ColumnsOf(const estimators::DecisionTree& t, bool keep_missing);
// Meta-estimators: members through MapEstimator (ctx.depth counts the nesting).
Result<estimators::Estimator> MapMeta(const Attrs& a, Family family, MapContext& ctx);
// kOneHotEncoder, kOrdinalEncoder, kLabelEncoder, kColumnTransformer, kFeatureUnion, kLabelBinarizer
// (encoders.cc).
Result<estimators::Estimator> MapEncoders(const Attrs& a, Family family, MapContext& ctx);
// kTextVectorizer, kTfidfTransformer, kDictVectorizer (text.cc).
Result<estimators::Estimator> MapText(const Attrs& a, Family family);

}  // namespace safemodel::mapping

#endif  // SAFEMODEL_MAPPING_SKLEARN_H_
