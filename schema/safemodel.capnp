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
    # @8-@21 belong to other families being added alongside; these
    # placeholders only keep this branch compiling (capnp needs contiguous
    # ordinals) and are replaced by those members when the branches merge.
    reserved8 @8 :Void;
    reserved9 @9 :Void;
    reserved10 @10 :Void;
    reserved11 @11 :Void;
    reserved12 @12 :Void;
    reserved13 @13 :Void;
    reserved14 @14 :Void;
    reserved15 @15 :Void;
    reserved16 @16 :Void;
    reserved17 @17 :Void;
    reserved18 @18 :Void;
    reserved19 @19 :Void;
    reserved20 @20 :Void;
    reserved21 @21 :Void;
    mlp @22 :MlpModel;
    svm @23 :SvmModel;
  }
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

struct Custom {
  kind @0 :Text;                # reverse-DNS name, e.g. "org.example.mymodel"
  version @1 :UInt32;
  body @2 :AnyPointer;
}

# A named set of tensors: "only the weights". Every tensor in the table
# belongs to it, in table order.
struct Weights {
  # Reserved for options of the weight set; empty in version 1.
  framework @0 :Text;           # e.g. "pytorch", "tensorflow", "numpy"; descriptive
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
