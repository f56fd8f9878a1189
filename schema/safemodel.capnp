# safemodel.capnp — the header of a .smdl file (docs/FORMAT.md).
#
# The header is one canonical, single-segment Cap'n Proto message. Tensor
# bytes live outside it, in the file's 64-byte aligned data region; the
# header's tensor table says where each one is and what it hashes to.
#
# Evolving this schema: add fields at the end of a struct, add union members
# to Estimator. Never renumber, never change a type. Adding a scikit-learn
# family is adding one member to `Estimator` (and its validator).

@0xd3b5a1c0e9f24a17;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("safemodel::schema");

struct Header {
  formatVersion @0 :UInt32;    # 1 for this version of the format
  metadata @1 :Metadata;
  tensors @2 :List(Tensor);    # in data-region order; see docs/FORMAT.md
  dataLength @3 :UInt64;       # bytes from the start of the data region to the seal
  estimator @4 :Estimator;
}

struct KeyValue {
  key @0 :Text;
  value @1 :Text;
}

struct Metadata {
  name @0 :Text;
  description @1 :Text;
  license @2 :Text;
  producer @3 :Text;            # program that wrote the file
  producerVersion @4 :Text;
  libraryVersions @5 :List(KeyValue);   # sorted by key, keys unique
  createdUnix @6 :Int64;        # seconds since the epoch, 0 = unknown
  featureNames @7 :List(Text);
  extra @8 :List(KeyValue);     # sorted by key, keys unique
}

# Numbering is shared with safemodel::DType (lib/include/safemodel/tensor.h).
enum DType {
  f16 @0;
  bf16 @1;
  f32 @2;
  f64 @3;
  i8 @4;
  i16 @5;
  i32 @6;
  i64 @7;
  u8 @8;
  u16 @9;
  u32 @10;
  u64 @11;
  bool @12;
}

struct Tensor {
  name @0 :Text;
  dtype @1 :DType;
  shape @2 :List(UInt64);       # empty for a 0-d tensor
  offset @3 :UInt64;            # from the start of the data region; a multiple of 64
  byteLength @4 :UInt64;        # = dtype size * product(shape)
  # BLAKE2b-256 of the tensor's bytes when byteLength <= the chunk size (8 MiB);
  # otherwise BLAKE2b-256 of the concatenated `chunkHashes`.
  hash @5 :Data;
  # Empty when byteLength <= 8 MiB; otherwise ceil(byteLength / 8 MiB) BLAKE2b-256
  # digests of consecutive 8 MiB chunks (the last may be shorter), concatenated.
  chunkHashes @6 :Data;
}

# What the tensors are. Each member is one kind of model; a reader refuses
# a member it does not know (it never skips one).
struct Estimator {
  union {
    weights @0 :Weights;
    # A kind defined by a user program (docs/DESIGN.md, "A framework"): its own
    # struct in `body`, checked by a validator the reading program registers.
    # A program that has not registered `kind` refuses the file.
    custom @1 :Custom;
    linear @2 :LinearModel;
    trees @3 :TreeModel;
    standardScaler @4 :StandardScaler;
    minMaxScaler @5 :MinMaxScaler;
    pipeline @6 :PipelineModel;
    bundle @7 :Bundle;
    gaussianNb @8 :GaussianNb;
    discreteNb @9 :DiscreteNb;
    kMeans @10 :KMeans;
    decomposition @11 :Decomposition;
    # numeric preprocessing
    columnScaler @12 :ColumnScaler;
    normalizer @13 :Normalizer;
    binarizer @14 :Binarizer;
    simpleImputer @15 :SimpleImputer;
    polynomialFeatures @16 :PolynomialFeatures;
    kBinsDiscretizer @17 :KBinsDiscretizer;
    # boosting
    gradientBoosting @18 :GradientBoostingModel;
    histGradientBoosting @19 :HistGradientBoostingModel;
    dummy @20 :DummyModel;
    # neural networks and SVMs
    mlp @21 :MlpModel;
    svm @22 :SvmModel;
    # neighbours
    kNeighbors @24 :KNeighborsModel;
    # isolation forest and AdaBoost
    isolationForest @25 :IsolationForestModel;
    adaBoost @26 :AdaBoostModel;
    # meta-estimators
    voting @27 :VotingModel;
    stacking @28 :StackingModel;
    oneVsRest @29 :OneVsRestModel;
    calibrated @30 :CalibratedModel;
    # encoders and column transformers
    categoricalEncoder @31 :CategoricalEncoder;
    columnTransformer @32 :ColumnTransformerModel;
    textVectorizer @33 :TextVectorizer;
    tfidfTransformer @34 :TfidfTransformer;
    dictVectorizer @35 :DictVectorizer;
  }
  # scikit-learn's feature_names_in_ (a model fitted on a DataFrame with
  # string column names): one unique name per input column, in order. Empty
  # otherwise. `predict` matches named input columns to these.
  featureNames @23 :List(Text);
}

# Arrays live in the tensor table; a struct names them by table index. Every
# tensor belongs to exactly one place in the estimator (checked on load), and
# each has the dtype and shape its field documents.
const noTensor :UInt32 = 0xffffffff;   # "absent" for optional tensor fields

# Class labels as scikit-learn stored them (classes_).
struct Labels {
  union {
    none @0 :Void;          # regressors
    int64 @1 :UInt32;       # tensor: i64 [n_classes]
    float64 @2 :UInt32;     # tensor: f64 [n_classes]
    strings @3 :List(Text);
  }
}

enum LinearTask { regressor @0; classifier @1; }
enum LinearProba { none @0; ovrSigmoid @1; softmax @2; modifiedHuber @3; }

# LinearRegression, Ridge, Lasso, ElasticNet, LogisticRegression,
# SGDClassifier, SGDRegressor, LinearSVC: scores = X @ coef.T + intercept.
struct LinearModel {
  className @0 :Text;
  task @1 :LinearTask;
  proba @2 :LinearProba;
  nFeatures @3 :UInt32;
  ravel @4 :Bool;           # scikit-learn returns 1-d outputs
  coef @5 :UInt32;          # tensor: f64 [n_rows, n_features]
  intercept @6 :UInt32;     # tensor: f64 [n_rows]
  classes @7 :Labels;
}

enum TreeTask { classifier @0; regressor @1; }
enum TreeCombine { single @0; average @1; }

# One fitted tree (sklearn.tree._tree.Tree), as columns.
struct Tree {
  leftChild @0 :UInt32;       # tensor: i32 [node_count], -1 at leaves
  rightChild @1 :UInt32;      # tensor: i32 [node_count]
  feature @2 :UInt32;         # tensor: i32 [node_count]
  threshold @3 :UInt32;       # tensor: f64 [node_count]
  value @4 :UInt32;           # tensor: f64 [node_count, n_outputs, max_classes]
  missingGoToLeft @5 :UInt32; # tensor: u8 [node_count], or noTensor
}

# DecisionTree*, ExtraTree*, RandomForest*, ExtraTrees*.
struct TreeModel {
  className @0 :Text;
  task @1 :TreeTask;
  combine @2 :TreeCombine;
  acceptNan @3 :Bool;
  nFeatures @4 :UInt32;
  nOutputs @5 :UInt32;
  nClasses @6 :List(UInt32);  # per output (classifiers)
  classes @7 :List(Labels);   # per output (classifiers)
  trees @8 :List(Tree);
}

struct StandardScaler {
  nFeatures @0 :UInt32;
  withMean @1 :Bool;
  withStd @2 :Bool;
  mean @3 :UInt32;            # tensor: f64 [n_features], or noTensor
  scale @4 :UInt32;           # tensor: f64 [n_features], or noTensor
}

struct MinMaxScaler {
  nFeatures @0 :UInt32;
  min @1 :UInt32;             # tensor: f64 [n_features]
  scale @2 :UInt32;           # tensor: f64 [n_features]
  clip @3 :Bool;
  rangeLo @4 :Float64;
  rangeHi @5 :Float64;
}

# (Not "Pipeline": Cap'n Proto generates a nested class of that name in every struct.)
struct PipelineModel {
  steps @0 :List(PipelineStep);
}

struct PipelineStep {
  name @0 :Text;
  estimator @1 :Estimator;
}

# A pickled dict/list/tuple of estimators and plain values.
enum BundleContainer { dict @0; list @1; tuple @2; }

struct Bundle {
  container @0 :BundleContainer;
  members @1 :List(BundleMember);
}

struct BundleMember {
  name @0 :Text;              # the dict key, or the list/tuple index in decimal
  union {
    estimator @1 :Estimator;
    none @2 :Void;
    bool @3 :Bool;
    int @4 :Int64;
    float @5 :Float64;
    text @6 :Text;
  }
}

# A user-defined kind (docs/EXTENDING.md). `body` is the kind's own struct,
# whose Cap'n Proto type id is `schemaId`; it names tensors by table index as
# the structs here do. A reader that has not registered `kind` with the same
# schema id refuses the file; `version` is at most the registered version.
struct Custom {
  kind @0 :Text;                # reverse-DNS name, e.g. "org.example.mymodel"
  version @1 :UInt32;           # 1, 2, ...: raised when the meaning changes
  body @2 :AnyPointer;          # a struct of type schemaId
  schemaId @3 :UInt64;          # capnp::typeId<Body>()
}

# A named set of tensors: "only the weights". Every tensor in the table
# belongs to it, in table order.
struct Weights {
  # Reserved for options of the weight set; empty in version 1.
  framework @0 :Text;           # e.g. "pytorch", "tensorflow", "numpy"; descriptive
}

# ---- naive Bayes, clustering, decomposition ----

# GaussianNB. n_classes = len(classes) >= 1.
struct GaussianNb {
  nFeatures @0 :UInt32;
  classes @1 :Labels;
  theta @2 :UInt32;           # tensor: f64 [n_classes, n_features], theta_
  var @3 :UInt32;             # tensor: f64 [n_classes, n_features], var_ (sigma_ before 1.0), > 0
  classPrior @4 :UInt32;      # tensor: f64 [n_classes], class_prior_, in [0, 1]
}

enum DiscreteNbKind { multinomial @0; bernoulli @1; complement @2; }

# MultinomialNB, BernoulliNB, ComplementNB. n_classes = len(classes) >= 1.
struct DiscreteNb {
  kind @0 :DiscreteNbKind;
  nFeatures @1 :UInt32;
  classes @2 :Labels;
  featureLogProb @3 :UInt32;  # tensor: f64 [n_classes, n_features], feature_log_prob_
  classLogPrior @4 :UInt32;   # tensor: f64 [n_classes], class_log_prior_
  binarize @5 :Bool;          # BernoulliNB with binarize not None: x > binarizeThreshold -> 1, else 0
  binarizeThreshold @6 :Float64;  # 0 unless binarize
}

enum KMeansVariant { kMeans @0; miniBatchKMeans @1; }

# KMeans, MiniBatchKMeans.
struct KMeans {
  variant @0 :KMeansVariant;
  nFeatures @1 :UInt32;
  clusterCenters @2 :UInt32;  # tensor: f64 [n_clusters, n_features], cluster_centers_
}

enum DecompositionKind { pca @0; truncatedSvd @1; }

# PCA, TruncatedSVD.
struct Decomposition {
  kind @0 :DecompositionKind;
  nFeatures @1 :UInt32;
  components @2 :UInt32;      # tensor: f64 [n_components, n_features], components_
  mean @3 :UInt32;            # PCA: tensor f64 [n_features] (mean_), or noTensor when mean_ is None;
                              # TruncatedSVD: noTensor
  whiten @4 :Bool;            # PCA only
  explainedVariance @5 :UInt32;  # PCA: tensor f64 [n_components]; TruncatedSVD: noTensor
  # PCA noise_variance_ (finite, >= 0), which score_samples needs; nan when
  # the pickle had none, and always for TruncatedSVD.
  noiseVariance @6 :Float64 = nan;
}

# ---- numeric preprocessing ----

enum ColumnScalerKind { maxAbs @0; robust @1; }

# MaxAbsScaler and RobustScaler: (x - center) / scale per column, each step
# only when its tensor is present.
struct ColumnScaler {
  kind @0 :ColumnScalerKind;
  nFeatures @1 :UInt32;       # 0: any width (a RobustScaler doing nothing, from before 0.24)
  center @2 :UInt32;          # tensor: f64 [n_features], or noTensor (MaxAbsScaler; with_centering=False)
  scale @3 :UInt32;           # tensor: f64 [n_features], or noTensor (with_scaling=False)
}

enum NormKind { l1 @0; l2 @1; max @2; }

# Normalizer: each row divided by its norm.
struct Normalizer {
  nFeatures @0 :UInt32;       # 0: any width (no n_features_in_, scikit-learn < 0.24)
  norm @1 :NormKind;
}

# Binarizer: x > threshold -> 1, else 0.
struct Binarizer {
  nFeatures @0 :UInt32;       # 0: any width (no n_features_in_, scikit-learn < 0.24)
  threshold @1 :Float64;      # not NaN
}

enum ImputeStrategy { mean @0; median @1; mostFrequent @2; constant @3; }

# SimpleImputer on numeric data, with add_indicator's MissingIndicator.
struct SimpleImputer {
  nFeatures @0 :UInt32;
  strategy @1 :ImputeStrategy;
  keepEmptyFeatures @2 :Bool;
  missingIsNan @3 :Bool;      # missing_values is NaN; otherwise missingValue
  missingValue @4 :Float64;
  statistics @5 :UInt32;      # tensor: f64 [n_features] (NaN: no value seen at fit)
  addIndicator @6 :Bool;
  indicatorFeatures @7 :UInt32;  # tensor: i32 [n_indicator] (MissingIndicator.features_), or noTensor
}

# PolynomialFeatures: one output column per row of `terms`.
struct PolynomialFeatures {
  nFeatures @0 :UInt32;
  minDegree @1 :UInt32;
  maxDegree @2 :UInt32;
  interactionOnly @3 :Bool;
  includeBias @4 :Bool;
  terms @5 :UInt32;           # tensor: i32 [n_output_features, max_degree], ascending feature
                              # indices of each term, padded with -1; in scikit-learn's order
}

enum KBinsEncode { ordinal @0; oneHot @1; }

# KBinsDiscretizer: searchsorted over each feature's interior bin edges.
struct KBinsDiscretizer {
  nFeatures @0 :UInt32;
  encode @1 :KBinsEncode;     # oneHot also for 'onehot' (sparse in scikit-learn, dense here)
  float32Input @2 :Bool;      # dtype=np.float32: X rounded to float32 first
  nBins @3 :UInt32;           # tensor: i32 [n_features], each >= 1
  binEdges @4 :UInt32;        # tensor: f64 [sum(n_bins + 1)], bin_edges_ concatenated
}

# ---- boosting ----

enum BoostTask { classifier @0; regressor @1; }

# How raw scores become labels and probabilities (docs/ESTIMATORS.md lists
# the scikit-learn loss classes behind each value).
enum BoostLoss {
  identity @0;              # regressors: raw
  log @1;                   # HistGradientBoosting poisson/gamma: exp(raw)
  binomialProbaArgmax @2;   # [1 - expit(r), expit(r)]; predict argmax(proba)
  binomialRawSign @3;       # same proba; predict r >= 0
  exponential @4;           # [1 - expit(2r), expit(2r)]; predict r >= 0
  multinomialLse @5;        # nan_to_num(exp(r - logsumexp(r))); predict argmax(proba)
  softmaxProbaArgmax @6;    # softmax(r); predict argmax(proba)
  softmaxRawArgmax @7;      # softmax(r); predict argmax(r)
}

enum DummyStrategy { mostFrequent @0; prior @1; uniform @2; constant @3; regressorConstant @4; }

# DummyClassifier, DummyRegressor (also GradientBoosting's init_).
struct DummyModel {
  className @0 :Text;
  task @1 :BoostTask;
  strategy @2 :DummyStrategy;
  classes @3 :Labels;           # classifiers
  classPrior @4 :UInt32;        # tensor: f64 [n_classes] (classifiers), or noTensor
  constantIndex @5 :Int32;      # constant strategy: index into classes; else -1
  constant @6 :UInt32;          # tensor: f64 [n_outputs] (regressors), or noTensor
}

enum BoostInit { zero @0; dummy @1; raw @2; }

# GradientBoostingClassifier, GradientBoostingRegressor.
struct GradientBoostingModel {
  className @0 :Text;
  task @1 :BoostTask;
  loss @2 :BoostLoss;
  nFeatures @3 :UInt32;
  treesPerStage @4 :UInt32;     # K: estimators_.shape[1]
  learningRate @5 :Float64;
  init @6 :BoostInit;
  initDummy @7 :DummyModel;     # init = dummy
  initRaw @8 :UInt32;           # tensor: f64 [K] when init = raw, else noTensor
  classes @9 :Labels;           # classifiers
  # An Estimator whose member is `trees`: a TreeModel (regressor, average,
  # one output) holding estimators_ stage-major, tree i*K + k = estimators_[i, k].
  forest @10 :Estimator;
}

# One HistGradientBoosting TreePredictor, as columns.
struct HistTree {
  value @0 :UInt32;             # tensor: f64 [node_count] (internal nodes 0)
  feature @1 :UInt32;           # tensor: i32 [node_count], -1 at leaves
  threshold @2 :UInt32;         # tensor: f64 [node_count] (num_threshold)
  missingGoToLeft @3 :UInt32;   # tensor: u8 [node_count]
  left @4 :UInt32;              # tensor: i32 [node_count], -1 at leaves
  right @5 :UInt32;             # tensor: i32 [node_count], -1 at leaves
  isCategorical @6 :UInt32;     # tensor: u8 [node_count]
  bitsetIdx @7 :UInt32;         # tensor: i32 [node_count]
  leftCatBitsets @8 :UInt32;    # tensor: u32 [n_bitsets, 8] (raw_left_cat_bitsets)
}

# HistGradientBoostingClassifier, HistGradientBoostingRegressor.
struct HistGradientBoostingModel {
  className @0 :Text;
  task @1 :BoostTask;
  loss @2 :BoostLoss;
  nFeatures @3 :UInt32;
  treesPerIteration @4 :UInt32; # K
  acceptNan @5 :Bool;           # X may hold NaN and +-inf (scikit-learn >= 0.22)
  baseline @6 :UInt32;          # tensor: f64 [K] (_baseline_prediction)
  classes @7 :Labels;           # classifiers
  isCategorical @8 :UInt32;     # tensor: u8 [n_features], or noTensor (no categorical feature)
  knownCatBitsets @9 :UInt32;   # tensor: u32 [n_categorical, 8], or noTensor with isCategorical
  trees @10 :List(HistTree);    # _predictors, iteration-major: tree i*K + k = _predictors[i][k]
}

# ---- neural networks and SVMs ----

enum MlpActivation { identity @0; logistic @1; tanh @2; relu @3; softmax @4; exp @5; }
# regressor, or the classifier's LabelBinarizer.y_type_.
enum MlpTarget { regressor @0; binary @1; multiclass @2; multilabel @3; }

# One dense layer: out = in @ coef + intercept.
struct MlpLayer {
  coef @0 :UInt32;            # tensor: f64 [n_in, n_out]
  intercept @1 :UInt32;       # tensor: f64 [n_out]
}

# MLPClassifier, MLPRegressor. Layers chain: layer 0 has n_features rows,
# each next layer as many rows as the one before has columns.
struct MlpModel {
  target @0 :MlpTarget;
  activation @1 :MlpActivation;     # hidden layers
  outActivation @2 :MlpActivation;  # out_activation_
  nFeatures @3 :UInt32;
  layers @4 :List(MlpLayer);
  threshold @5 :Float64;            # (pos_label + neg_label) / 2 of the binarizer (classifiers)
  classes @6 :Labels;               # the binarizer's classes_ (none for regressors)
}

enum SvmKind { svc @0; nuSvc @1; svr @2; nuSvr @3; oneClass @4; }
enum SvmKernel { linear @0; poly @1; rbf @2; sigmoid @3; }

# SVC, NuSVC, SVR, NuSVR, OneClassSVM (libsvm, dense).
struct SvmModel {
  kind @0 :SvmKind;
  kernel @1 :SvmKernel;
  nFeatures @2 :UInt32;
  degree @3 :Int32;                 # poly
  gamma @4 :Float64;                # _gamma (poly, rbf, sigmoid)
  coef0 @5 :Float64;                # poly, sigmoid
  supportVectors @6 :UInt32;        # tensor: f64 [n_sv, n_features]
  dualCoef @7 :UInt32;              # tensor: f64 [n_classes - 1 (or 1), n_sv], the private _dual_coef_
  intercept @8 :UInt32;             # tensor: f64 [n_classes (n_classes - 1) / 2 (or 1)], _intercept_
  nSupport @9 :UInt32;              # tensor: i32 [n_classes] (classifiers), or noTensor
  probA @10 :UInt32;                # tensor: f64 [pairs] with probability, or noTensor
  probB @11 :UInt32;                # tensor: f64 [pairs] with probability, or noTensor
  ovr @12 :Bool;                    # decision_function_shape == "ovr"
  breakTies @13 :Bool;
  offset @14 :Float64;              # OneClassSVM offset_
  classes @15 :Labels;              # classifiers
}

# ---- neighbours ----

enum KnnKind { classifier @0; regressor @1; }
enum KnnWeights { uniform @0; distance @1; }
# effective_metric_ (minkowski with p = 1, 2, inf is stored as manhattan,
# euclidean, chebyshev, as fit resolves it).
enum KnnMetric { euclidean @0; manhattan @1; chebyshev @2; minkowski @3; }
# _fit_method (algorithm="auto" resolved at fit).
enum KnnAlgorithm { brute @0; kdTree @1; ballTree @2; }

# KNeighborsClassifier, KNeighborsRegressor. Trees (kdTree, ballTree) carry
# the fitted BinaryTree's arrays so that the query visits points in
# scikit-learn's order; brute has noTensor in all four tree fields.
struct KNeighborsModel {
  kind @0 :KnnKind;
  weights @1 :KnnWeights;
  metric @2 :KnnMetric;
  p @3 :Float64;                    # the metric's p: 2, 1, inf, or Minkowski's (finite, >= 1)
  algorithm @4 :KnnAlgorithm;
  nNeighbors @5 :UInt32;            # in [1, n_samples]
  nFeatures @6 :UInt32;
  fitX @7 :UInt32;                  # tensor: f64 [n_samples, n_features], _fit_X (the tree's data for trees)
  y @8 :UInt32;                     # tensor: i32 [n_samples, n_outputs] class indices (classifier) or
                                    #         f64 [n_samples, n_outputs] targets (regressor), _y
  classes @9 :List(Labels);         # classifier: classes_ per output; empty for regressors
  leafSize @10 :UInt32;             # trees
  idxArray @11 :UInt32;             # tensor: i32 [n_samples], a permutation (trees), or noTensor
  nodeIndex @12 :UInt32;            # tensor: i32 [n_nodes, 3] idx_start, idx_end, is_leaf (trees), or noTensor
  nodeRadius @13 :UInt32;           # tensor: f64 [n_nodes] (trees), or noTensor
  nodeBounds @14 :UInt32;           # tensor: f64 [2 (kd) or 1 (ball), n_nodes, n_features] (trees), or noTensor
  # Regressor: _y was a column (n_samples, 1) rather than 1-d, so
  # scikit-learn's predict returns (n, 1). False for classifiers and for
  # more than one output.
  yColumn @15 :Bool;
}

# ---- isolation forest and AdaBoost ----

# IsolationForest. Scores follow scikit-learn 1.2.1's _compute_score_samples.
struct IsolationForestModel {
  className @0 :Text;
  nFeatures @1 :UInt32;             # n_features_in_
  maxFeatures @2 :UInt32;           # _max_features: each tree's input width
  maxSamples @3 :Int64;             # max_samples_
  offset @4 :Float64;               # offset_
  features @5 :UInt32;              # tensor: i32 [n_trees, max_features], estimators_features_
  # tensor per tree: i64 [node_count], the tree's n_node_samples
  nodeSamples @6 :List(UInt32);
  # An Estimator whose member is `trees`: a TreeModel (regressor, average,
  # one output, max_features inputs) holding estimators_ in order.
  forest @7 :Estimator;
}

enum AdaAlgorithm { samme @0; sammeR @1; regressor @2; }

# AdaBoostClassifier (SAMME, SAMME.R) and AdaBoostRegressor.
struct AdaBoostModel {
  className @0 :Text;
  algorithm @1 :AdaAlgorithm;
  nFeatures @2 :UInt32;
  classes @3 :Labels;               # classifiers
  estimatorWeights @4 :UInt32;      # tensor: f64 [>= n_trees], estimator_weights_
  # An Estimator whose member is `trees`: a TreeModel (average, one output)
  # holding estimators_ in order: classifier trees with classes_ for
  # AdaBoostClassifier, regression trees for AdaBoostRegressor.
  forest @5 :Estimator;
}

# ---- meta-estimators ----
# Members are whole estimators (any family, pipelines, other meta-estimators),
# nested like PipelineModel's steps; readers bound the nesting depth.

# VotingClassifier / VotingRegressor. Classifier members predict the encoded
# classes 0..k-1 (le_), `classes` holds le_.classes_.
struct VotingModel {
  classifier @0 :Bool;
  soft @1 :Bool;                 # voting == "soft"
  flattenTransform @2 :Bool;
  estimators @3 :List(Estimator);    # estimators_ (dropped ones left out)
  weights @4 :UInt32;            # f64 [n_estimators], or noTensor (equal weights)
  classes @5 :Labels;            # classifiers only
}

# A member method a meta-estimator calls.
enum MemberMethod {
  predict @0;
  predictProba @1;
  decisionFunction @2;
}

# StackingClassifier / StackingRegressor.
struct StackingModel {
  classifier @0 :Bool;
  passthrough @1 :Bool;
  estimators @2 :List(Estimator);        # estimators_
  methods @3 :List(MemberMethod);        # stack_method_, one per member
  finalEstimator @4 :Estimator;          # final_estimator_
  classes @5 :Labels;                    # classifiers only
}

# OneVsRestClassifier: one binary member per class (one for two classes).
struct OneVsRestModel {
  nFeatures @0 :UInt32;
  multilabel @1 :Bool;
  estimators @2 :List(Estimator);
  classes @3 :Labels;
}

# CalibratedClassifierCV.
struct CalibratedModel {
  nFeatures @0 :UInt32;
  isotonic @1 :Bool;                     # method == "isotonic" (else sigmoid)
  members @2 :List(CalibratedMember);    # calibrated_classifiers_
  classes @3 :Labels;
}

struct CalibratedMember {
  estimator @0 :Estimator;
  calibrators @1 :List(Calibrator);      # one per member class (one for two classes)
}

# _SigmoidCalibration (a, b) or IsotonicRegression (thresholds).
struct Calibrator {
  isotonic @0 :Bool;
  a @1 :Float64;
  b @2 :Float64;
  xThresholds @3 :UInt32;       # f64 [n], strictly increasing (isotonic), else noTensor
  yThresholds @4 :UInt32;       # f64 [n] (isotonic), else noTensor
  xMin @5 :Float64;
  xMax @6 :Float64;
  clip @7 :Bool;                # out_of_bounds == "clip" (else "nan")
}

# ---- encoders and column transformers ----

enum EncoderKind { oneHot @0; ordinal @1; label @2; labelBinarizer @3; }
enum UnknownRule { error @0; ignore @1; infrequentIfExist @2; useEncodedValue @3; }

# OneHotEncoder, OrdinalEncoder, LabelEncoder (one feature, classes_),
# LabelBinarizer (one feature, classes_; the label fields below).
struct CategoricalEncoder {
  kind @0 :EncoderKind;
  nFeatures @1 :UInt32;             # = features length; LabelBinarizer: 1, or n_classes (multilabel)
  handleUnknown @2 :UnknownRule;
  unknownValue @3 :Float64;         # useEncodedValue (an integer or nan)
  encodedMissingValue @4 :Float64;  # ordinal: output for a nan category
  features @5 :List(EncoderFeature);
  # LabelBinarizer only (the defaults for the other kinds):
  yType @6 :LabelBinarizerTarget;   # y_type_ (what fit saw)
  negLabel @7 :Int64;               # neg_label < pos_label, within +-2^53
  posLabel @8 :Int64 = 1;
}

# One categories_ entry: numbers, or strings followed by None and then nan.
struct EncoderFeature {
  numbers @0 :UInt32;               # tensor: f64 [n_categories] (sorted, unique, nan last), or noTensor for strings
  strings @1 :List(Text);           # string categories in categories_ order
  hasNone @2 :Bool;                 # string features: None after the strings
  hasNan @3 :Bool;                  # string features: nan last
  drop @4 :Int32;                   # drop_idx_ after infrequent grouping, -1 for none
  infrequent @5 :UInt32;            # tensor: i64 [k] increasing category indices (_infrequent_indices), or noTensor
}

# ColumnTransformer (transformers_ with selectors resolved to column indices)
# and FeatureUnion (transformer_list; every part reads all columns).
struct ColumnTransformerModel {
  isUnion @0 :Bool;
  nFeatures @1 :UInt32;             # ColumnTransformer's n_features_in_; 0 for a FeatureUnion
  parts @2 :List(ColumnPart);
  remainder @3 :Int32;              # index of the remainder part, -1 for none
}

struct ColumnPart {
  name @0 :Text;
  estimator @1 :Estimator;          # a transformer; an empty pipeline for 'passthrough'
  columns @2 :UInt32;               # tensor: i64 [k] input column indices, noTensor in a FeatureUnion
  weight @3 :Float64;               # transformer_weights entry, 1 when none
}

# ---- text features ----

enum TfidfNorm { none @0; l1 @1; l2 @2; }
enum StripAccents { none @0; ascii @1; unicode @2; }

# tf-idf weighting (TfidfTransformer, TfidfVectorizer's _tfidf).
struct TfidfWeights {
  norm @0 :TfidfNorm;
  useIdf @1 :Bool;
  smoothIdf @2 :Bool;               # validation only: idf >= 1
  sublinearTf @3 :Bool;
  idf @4 :UInt32;                   # tensor: f64 [n_terms] with useIdf, else noTensor
}

# CountVectorizer, TfidfVectorizer (word analyzer, default token_pattern).
# Takes one document per row (nFeatures is always 1).
struct TextVectorizer {
  tfidf @0 :Bool;                   # TfidfVectorizer
  lowercase @1 :Bool;
  stripAccents @2 :StripAccents;
  ngramMin @3 :UInt32;
  ngramMax @4 :UInt32;
  binary @5 :Bool;
  terms @6 :List(Text);             # vocabulary_ inverted: terms[j] is column j's term
  stopWords @7 :List(Text);         # sorted, unique
  weights @8 :TfidfWeights;         # tfidf only
}

# TfidfTransformer on numeric input.
struct TfidfTransformer {
  nFeatures @0 :UInt32;             # 0: any width (use_idf=False before 0.24)
  weights @1 :TfidfWeights;
}

# DictVectorizer: rows are dicts {column name: cell}.
struct DictVectorizer {
  separator @0 :Text;
  featureNames @1 :List(Text);      # feature_names_, column order
}

# ---- label binarizer ----

# LabelBinarizer.y_type_: binary (1-2 classes) and multiclass (3+) read one
# column of labels; multilabelIndicator (classes 0..k-1) a k-wide 0/1 matrix.
enum LabelBinarizerTarget { binary @0; multiclass @1; multilabelIndicator @2; }
