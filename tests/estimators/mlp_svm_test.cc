// MLP and SVM builders: one broken field at a time, each refused with its
// code and the path of the field; inference semantics on hand-computed
// models; and a round trip through a signed .smdl file that must give
// bit-identical outputs for every method. (scikit-learn as the oracle for
// real models: tests/mapping/mlp_svm_test.cc.)
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "estimators/estimator_test_util.h"
#include "estimators/estimator.h"
#include "format/estimator_codec.h"
#include "safemodel/model.h"
#include "safemodel/writer.h"
#include "test_util.h"

namespace safemodel::estimators {
namespace {

// ---- MLP ----------------------------------------------------------------------

// 2 inputs -> 3 hidden (relu) -> 3 outputs (softmax), classes a/b/c.
struct MlpFixture {
  std::vector<double> w0{1, 0, -1, 0, 1, 1};            // [2, 3]
  std::vector<double> b0{0, 0.5, -0.5};
  std::vector<double> w1{1, 0, 0, 0, 1, 0, 0, 0, 1};    // [3, 3] identity
  std::vector<double> b1{0, 0, 0};
  std::vector<std::vector<uint64_t>> cs{{2, 3}, {3, 3}};
  std::vector<std::vector<uint64_t>> is{{3}, {3}};
  MlpInput in;

  MlpFixture() {
    in.target = MlpTarget::kMulticlass;
    in.activation = MlpActivation::kRelu;
    in.out_activation = MlpActivation::kSoftmax;
    in.classes = std::vector<std::string>{"a", "b", "c"};
    Wire();
  }
  void Wire() {
    in.coefs = {w0, w1};
    in.intercepts = {b0, b1};
    in.coef_shapes = cs;
    in.intercept_shapes = is;
  }
  Result<MlpModel> Build() {
    Wire();
    return BuildMlp(in, "model");
  }
};

TEST(BuildMlp, ValidNetworkBuilds) {
  auto m = MlpFixture().Build();
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->widths, (std::vector<int32_t>{2, 3, 3}));
  EXPECT_EQ(m->n_features, 2);
  EXPECT_EQ(m->n_outputs, 3);
  EXPECT_EQ(ClassNameOf(*m), "MLPClassifier");
}

TEST(BuildMlp, NoLayers) {
  MlpFixture f;
  f.in.target = MlpTarget::kRegressor;
  f.in.classes = std::vector<int64_t>{};
  f.in.out_activation = MlpActivation::kIdentity;
  f.in.coefs.clear();
  f.in.intercepts.clear();
  f.in.coef_shapes.clear();
  f.in.intercept_shapes.clear();
  EXPECT_REFUSED(BuildMlp(f.in, "model"), Code::kCorruption, "model.coefs_: no layers");
}

TEST(BuildMlp, InterceptCountDiffers) {
  MlpFixture f;
  f.is.pop_back();
  f.Wire();
  f.in.intercepts.pop_back();
  EXPECT_REFUSED(BuildMlp(f.in, "model"), Code::kCorruption, "model.intercepts_: 1 arrays for 2 coefs_ layers");
}

TEST(BuildMlp, CoefNotTwoDimensional) {
  MlpFixture f;
  f.cs[1] = {9};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.coefs_[1]: 1-d, expected 2-d");
}

TEST(BuildMlp, CoefSizeDisagreesWithShape) {
  MlpFixture f;
  f.w0.push_back(1);
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.coefs_[0]: 7 values, expected 2 x 3 = 6");
}

TEST(BuildMlp, HugeLayerIsALimit) {
  MlpFixture f;
  f.cs[0] = {uint64_t{1} << 31, 3};
  EXPECT_REFUSED(f.Build(), Code::kLimitExceeded, "model.coefs_[0].shape[0]: 2147483648 does not fit int32");
  f = MlpFixture();
  f.cs[0] = {uint64_t{1} << 40, uint64_t{1} << 30};
  EXPECT_REFUSED(f.Build(), Code::kLimitExceeded, "model.coefs_[0].shape[0]");
}

TEST(BuildMlp, LayersDoNotChain) {
  MlpFixture f;
  f.w1.assign(6, 0.0);
  f.cs[1] = {2, 3};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.coefs_[1]: shape [2, 3] does not follow coefs_[0]'s 3 outputs");
}

TEST(BuildMlp, InterceptShapeDiffers) {
  MlpFixture f;
  f.b0.push_back(0);
  f.is[0] = {4};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.intercepts_[0]: shape [4], expected [3]");
}

TEST(BuildMlp, NonFiniteWeights) {
  MlpFixture f;
  f.w1[4] = kNaN;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.coefs_[1][4]: nan is not finite");
  f = MlpFixture();
  f.b0[2] = -kInf;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.intercepts_[0][2]: -inf is not finite");
}

TEST(BuildMlp, CountsThatDisagree) {
  MlpFixture f;
  f.in.n_features_in = 5;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.n_features_in_: 5 but coefs_[0] has 2 rows");
  f = MlpFixture();
  f.in.n_layers = 2;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.n_layers_: 2 but coefs_ holds 2 layers (expected 3)");
  f = MlpFixture();
  f.in.n_outputs = 1;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.n_outputs_: 1 but the last layer has 3 outputs");
}

TEST(BuildMlp, Activations) {
  MlpFixture f;
  f.in.activation = MlpActivation::kSoftmax;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.activation: 'softmax' is not a hidden-layer activation");
  f = MlpFixture();
  f.in.activation = static_cast<MlpActivation>(17);
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.activation: '?'");
  f = MlpFixture();
  f.in.out_activation = MlpActivation::kExp;  // Poisson output: regressors only
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.out_activation_: 'exp'");
  f = MlpFixture();
  f.in.out_activation = MlpActivation::kTanh;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.out_activation_: 'tanh'");
}

TEST(BuildMlp, TargetsAndClasses) {
  MlpFixture f;
  f.in.target = static_cast<MlpTarget>(9);
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.target: unknown kind");
  f = MlpFixture();
  f.in.target = MlpTarget::kRegressor;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.classes_: a regressor has no classes");
  f = MlpFixture();
  f.in.target = MlpTarget::kBinary;  // 3 outputs
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "binary target with 3 classes and 3 outputs");
  f = MlpFixture();
  f.in.classes = std::vector<std::string>{"a", "b"};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model._label_binarizer.classes_: 2 classes but the network has 3 outputs");
  f = MlpFixture();
  f.in.threshold = kNaN;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model._label_binarizer: threshold nan is not finite");
}

Matrix Rows(std::vector<double> v, size_t cols) {
  Matrix m(v.size() / cols, cols);
  m.data = std::move(v);
  return m;
}

TEST(MlpInference, ForwardPassAndLabels) {
  MlpFixture f;
  auto m = f.Build();
  ASSERT_TRUE(m.ok());
  // x = (2, 1): hidden = relu(2, 1.5, -1.5) = (2, 1.5, 0); softmax of that.
  Matrix x = Rows({2, 1, -3, 0}, 2);
  auto p = MlpPredictProba(*m, x.view());
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  const double e0 = 1.0, e1 = std::exp(-0.5), e2 = std::exp(-2.0), s = e0 + e1 + e2;
  EXPECT_DOUBLE_EQ(p->at(0, 0), e0 / s);
  EXPECT_DOUBLE_EQ(p->at(0, 2), e2 / s);
  // x = (-3, 0): hidden = relu(-3, 0.5, 2.5) = (0, 0.5, 2.5): class c.
  auto y = MlpPredict(*m, x.view());
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(std::get<std::vector<std::string>>(std::get<Labels>(*y).values), (std::vector<std::string>{"a", "c"}));
  // Ties go to the first maximum (numpy argmax): hidden (0, 0, 0) everywhere.
  Matrix tie = Rows({0, -1}, 2);
  f.b0 = {0, 0, 0};
  auto flat = f.Build();
  ASSERT_TRUE(flat.ok());
  EXPECT_EQ(std::get<std::vector<std::string>>(std::get<Labels>(*MlpPredict(*flat, tie.view())).values)[0], "a");
}

TEST(MlpInference, BinaryThresholdAndMultilabelBits) {
  std::vector<double> w{1, -1}, b{0};
  MlpInput in;
  in.target = MlpTarget::kBinary;
  in.activation = MlpActivation::kRelu;
  in.out_activation = MlpActivation::kLogistic;
  in.coefs = {w};
  in.intercepts = {b};
  in.coef_shapes = {{2, 1}};
  in.intercept_shapes = {{1}};
  in.classes = std::vector<int64_t>{-7, 7};
  auto m = BuildMlp(in, "model");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  Matrix x = Rows({1, 0, 0, 1, 0, 0}, 2);  // logits 1, -1, 0 (0.5 is not > 0.5)
  auto y = MlpPredict(*m, x.view());
  EXPECT_EQ(std::get<std::vector<int64_t>>(std::get<Labels>(*y).values), (std::vector<int64_t>{7, -7, -7}));
  auto p = MlpPredictProba(*m, x.view());
  ASSERT_EQ(p->cols, 2u);
  EXPECT_EQ(p->at(2, 0), 0.5);
  EXPECT_DOUBLE_EQ(p->at(0, 1), 1.0 / (1.0 + std::exp(-1.0)));
  in.target = MlpTarget::kMultilabel;
  in.classes = std::vector<int64_t>{0};
  auto ml = BuildMlp(in, "model");
  ASSERT_TRUE(ml.ok());
  const auto bits = std::get<Labels>(*MlpPredict(*ml, x.view()));
  EXPECT_EQ(bits.cols, 1u);
  EXPECT_EQ(std::get<std::vector<int64_t>>(bits.values), (std::vector<int64_t>{1, 0, 0}));
}

TEST(MlpInference, RegressorHasNoProbaAndChecksX) {
  std::vector<double> w{2, 3}, b{1};
  MlpInput in;
  in.activation = MlpActivation::kTanh;
  in.coefs = {w};
  in.intercepts = {b};
  in.coef_shapes = {{2, 1}};
  in.intercept_shapes = {{1}};
  auto m = BuildMlp(in, "model");
  ASSERT_TRUE(m.ok());
  Matrix x = Rows({1, 1}, 2);
  EXPECT_EQ(std::get<Matrix>(*MlpPredict(*m, x.view())).at(0, 0), 6.0);  // one layer: no hidden activation
  EXPECT_REFUSED(MlpPredictProba(*m, x.view()), Code::kUnsupported, "MLPRegressor has no predict_proba");
  Matrix bad = Rows({1, kNaN}, 2);
  EXPECT_REFUSED(MlpPredict(*m, bad.view()), Code::kInvalidArgument, "X[0, 1]: nan");
  Matrix wide = Rows({1, 2, 3}, 3);
  EXPECT_REFUSED(MlpPredict(*m, wide.view()), Code::kInvalidArgument, "X has 3 features");
}

// ---- SVM ----------------------------------------------------------------------

// 3 classes, 2 features, 4 support vectors (1, 2, 1 per class), rbf.
struct SvmFixture {
  std::vector<double> sv{0, 0, 1, 0, 0, 1, 2, 2};
  std::vector<uint64_t> sv_shape{4, 2};
  std::vector<double> dual{1, -0.5, -0.5, -1, 0.5, 1, 0.25, -0.75};
  std::vector<uint64_t> dual_shape{2, 4};
  std::vector<double> intercept{0.1, -0.2, 0.3};
  std::vector<int64_t> n_support{1, 2, 1};
  std::vector<double> prob_a{-1.5, -2, -1}, prob_b{0.1, 0, -0.2};
  SvmInput in;

  SvmFixture() {
    in.kind = SvmKind::kSvc;
    in.kernel = SvmKernel::kRbf;
    in.gamma = 0.5;
    in.classes = std::vector<std::string>{"x", "y", "z"};
    in.probability = true;
  }
  Result<SvmModel> Build() {
    in.support_vectors = sv;
    in.support_vectors_shape = sv_shape;
    in.dual_coef = dual;
    in.dual_coef_shape = dual_shape;
    in.intercept = intercept;
    in.n_support = n_support;
    in.prob_a = prob_a;
    in.prob_b = prob_b;
    return BuildSvm(in, "model");
  }
};

// A one-target fixture: SVR with 3 support vectors.
SvmFixture Regression(SvmKind kind) {
  SvmFixture f;
  f.in.kind = kind;
  f.in.classes = std::vector<int64_t>{};
  f.in.probability = false;
  f.sv = {0, 0, 1, 0, 0, 1};
  f.sv_shape = {3, 2};
  f.dual = {1, -0.5, 0.25};
  f.dual_shape = {1, 3};
  f.intercept = {0.5};
  f.n_support.clear();
  return f;
}

TEST(BuildSvm, ValidModelsBuild) {
  auto m = SvmFixture().Build();
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->n_sv, 4);
  EXPECT_EQ(m->sv_start, (std::vector<int32_t>{0, 1, 3}));
  EXPECT_EQ(ClassNameOf(*m), "SVC");
  for (SvmKind k : {SvmKind::kSvr, SvmKind::kNuSvr, SvmKind::kOneClass}) {
    auto r = Regression(k).Build();
    EXPECT_TRUE(r.ok()) << r.status().ToString();
  }
}

TEST(BuildSvm, EnumsOutOfRange) {
  SvmFixture f;
  f.in.kind = static_cast<SvmKind>(5);
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.kind: unknown kind");
  f = SvmFixture();
  f.in.kernel = static_cast<SvmKernel>(4);  // "precomputed" in libsvm's numbering
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.kernel: unknown kernel");
}

TEST(BuildSvm, KernelParameters) {
  SvmFixture f;
  f.in.gamma = -0.1;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model._gamma: -0.1 must be finite and >= 0");
  f.in.gamma = kNaN;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model._gamma: nan");
  f.in.gamma = kInf;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model._gamma: inf");
  f.in.gamma = 0.0;  // scikit-learn accepts gamma=0.0 (a constant kernel)
  EXPECT_TRUE(f.Build().ok());
  f.in.kernel = SvmKernel::kLinear;
  f.in.gamma = kNaN;  // unused by the linear kernel
  EXPECT_TRUE(f.Build().ok());
  f = SvmFixture();
  f.in.kernel = SvmKernel::kSigmoid;
  f.in.coef0 = kInf;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.coef0: inf is not finite");
  f = SvmFixture();
  f.in.kernel = SvmKernel::kPoly;
  f.in.degree = -1;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.degree: -1 out of range [0, 1000]");
  f.in.degree = 1001;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.degree: 1001 out of range [0, 1000]");
}

TEST(BuildSvm, SupportVectorShape) {
  SvmFixture f;
  f.sv_shape = {8};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.support_vectors_: shape [8], expected 2-d");
  f = SvmFixture();
  f.sv_shape = {8, 0};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.support_vectors_.shape[1]: 0 out of range [1, ");
  f = SvmFixture();
  f.sv_shape = {3, 2};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.support_vectors_: 8 values, expected 3 x 2 = 6");
  f = SvmFixture();
  f.sv_shape = {uint64_t{1} << 32, 2};
  EXPECT_REFUSED(f.Build(), Code::kLimitExceeded, "model.support_vectors_.shape[0]: 4294967296 does not fit int32");
  f = SvmFixture();
  f.in.n_features_in = 3;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.n_features_in_: 3 but support_vectors_ has 2 columns");
  f = SvmFixture();
  f.sv[5] = kNaN;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.support_vectors_[5]: nan is not finite");
}

TEST(BuildSvm, DualCoefficients) {
  SvmFixture f;
  f.dual_shape = {4, 2};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model._dual_coef_: shape [4, 2], expected [2, 4]");
  f = SvmFixture();
  f.dual[7] = kInf;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model._dual_coef_[7]: inf is not finite");
  f = SvmFixture();
  f.dual.pop_back();
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model._dual_coef_: 7 values, expected 2 x 4 = 8");
}

TEST(BuildSvm, ClassesAndSupportCounts) {
  SvmFixture f;
  f.in.classes = std::vector<std::string>{"x"};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.classes_.size: 1 out of range [2, ");
  f = SvmFixture();
  f.n_support = {1, 3};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model._n_support: 2 counts for 3 classes");
  f = SvmFixture();
  f.n_support = {-1, 4, 1};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model._n_support[0]: -1 out of range [0, 4]");
  f = SvmFixture();
  f.n_support = {1, 5, 1};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model._n_support[1]: 5 out of range [0, 4]");
  f = SvmFixture();
  f.n_support = {1, 1, 1};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model._n_support: counts sum to 3 but support_vectors_ has 4 rows");
}

TEST(BuildSvm, PerPairArrays) {
  SvmFixture f;
  f.intercept.pop_back();
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model._intercept_: 2 values, expected 3");
  f = SvmFixture();
  f.intercept[1] = kNaN;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model._intercept_[1]: nan is not finite");
  f = SvmFixture();
  f.prob_a.push_back(1);
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model._probA: 4 values, expected 3");
  f = SvmFixture();
  f.prob_b[2] = kInf;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model._probB[2]: inf is not finite");
  f = SvmFixture();
  f.in.probability = false;  // the arrays are not read then
  f.prob_a.clear();
  EXPECT_TRUE(f.Build().ok());
}

TEST(BuildSvm, BreakTiesNeedsOvr) {
  SvmFixture f;
  f.in.break_ties = true;
  f.in.ovr = false;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.break_ties: true with decision_function_shape 'ovo'");
}

TEST(BuildSvm, OneTargetModels) {
  SvmFixture f = Regression(SvmKind::kSvr);
  f.in.classes = std::vector<int64_t>{0, 1};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.classes_: SVR has no classes");
  f = Regression(SvmKind::kNuSvr);
  f.in.probability = true;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.probability: NuSVR has no predict_proba");
  f = Regression(SvmKind::kSvr);
  f.dual = {1, 2, 3, 4, 5, 6};
  f.dual_shape = {2, 3};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model._dual_coef_: shape [2, 3], expected [1, 3]");
  f = Regression(SvmKind::kSvr);
  f.intercept = {0.5, 0.5};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model._intercept_: 2 values, expected 1");
  f = Regression(SvmKind::kOneClass);
  f.in.offset = kNaN;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.offset_: nan is not finite");
}

TEST(SvmInference, LinearBinaryByHand) {
  // Class 0 SV (1, 0) coef 1; class 1 SV (0, 1) coef -1; intercept 0.25:
  // dec = x0 - x1 + 0.25; libsvm votes class 0 when dec > 0; scikit-learn's
  // decision_function is -dec for binary problems.
  SvmInput in;
  in.kind = SvmKind::kSvc;
  in.kernel = SvmKernel::kLinear;
  std::vector<double> sv{1, 0, 0, 1}, dual{1, -1}, b{0.25};
  std::vector<int64_t> ns{1, 1};
  in.support_vectors = sv;
  in.support_vectors_shape = {2, 2};
  in.dual_coef = dual;
  in.dual_coef_shape = {1, 2};
  in.intercept = b;
  in.n_support = ns;
  in.classes = std::vector<double>{-1.0, 1.0};
  auto m = BuildSvm(in, "model");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  Matrix x = Rows({2, 1, 0, 3}, 2);
  auto d = SvmDecisionFunction(*m, x.view());
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->cols, 1u);
  EXPECT_EQ(d->data, (std::vector<double>{-1.25, 2.75}));
  auto y = SvmPredict(*m, x.view());
  EXPECT_EQ(std::get<std::vector<double>>(std::get<Labels>(*y).values), (std::vector<double>{-1.0, 1.0}));
  EXPECT_REFUSED(SvmPredictProba(*m, x.view()), Code::kUnsupported, "probability=False");
  EXPECT_REFUSED(SvmScoreSamples(*m, x.view()), Code::kUnsupported, "SVC has no score_samples");
}

TEST(SvmInference, OvrDecisionAndProbabilities) {
  auto m = SvmFixture().Build();
  ASSERT_TRUE(m.ok());
  Matrix x = Rows({0.2, 0.1, 1.5, 1.0, -1, 2}, 2);
  auto dec = SvmDecisionValues(*m, x.view());
  ASSERT_TRUE(dec.ok());
  auto ovr = SvmDecisionFunction(*m, x.view());
  ASSERT_TRUE(ovr.ok());
  ASSERT_EQ(ovr->cols, 3u);
  for (size_t r = 0; r < x.rows; ++r) {
    // _ovr_decision_function(dec < 0, -dec, 3), written out.
    const double d01 = dec->at(r, 0), d02 = dec->at(r, 1), d12 = dec->at(r, 2);
    const double votes[3] = {double(d01 >= 0) + double(d02 >= 0), double(d01 < 0) + double(d12 >= 0),
                             double(d02 < 0) + double(d12 < 0)};
    const double conf[3] = {d01 + d02, -d01 + d12, -d02 - d12};
    for (int c = 0; c < 3; ++c) {
      EXPECT_DOUBLE_EQ(ovr->at(r, c), votes[c] + conf[c] / (3 * (std::fabs(conf[c]) + 1))) << r << "," << c;
    }
  }
  auto p = SvmPredictProba(*m, x.view());
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  for (size_t r = 0; r < p->rows; ++r) {
    double sum = 0;
    for (size_t c = 0; c < 3; ++c) {
      EXPECT_GT(p->at(r, c), 0.0);
      sum += p->at(r, c);
    }
    EXPECT_NEAR(sum, 1.0, 1e-12);
  }
  EXPECT_REFUSED(SvmPredict(*m, Rows({1, kInf}, 2).view()), Code::kInvalidArgument, "X[0, 1]: inf");
}

TEST(SvmInference, OneClassAndRegression) {
  SvmFixture f = Regression(SvmKind::kOneClass);
  f.in.offset = -0.5;
  auto oc = f.Build();
  ASSERT_TRUE(oc.ok());
  Matrix x = Rows({0, 0, 5, 5}, 2);
  // rbf with gamma 0.5 at (0,0): 1*1 - 0.5*e^-0.5 + 0.25*e^-0.5, + 0.5.
  const double dec0 = (1.0 * 1.0 + -0.5 * std::exp(-0.5)) + 0.25 * std::exp(-0.5) - -0.5;
  EXPECT_EQ(SvmDecisionFunction(*oc, x.view())->at(0, 0), dec0);
  EXPECT_EQ(SvmScoreSamples(*oc, x.view())->at(0, 0), dec0 + -0.5);
  EXPECT_EQ(std::get<Matrix>(*SvmPredict(*oc, x.view())).data, (std::vector<double>{1.0, 1.0}));
  f.intercept = {-2.0};
  auto far = f.Build();
  EXPECT_EQ(std::get<Matrix>(*SvmPredict(*far, x.view())).data, (std::vector<double>{-1.0, -1.0}));
  auto svr = Regression(SvmKind::kSvr).Build();
  ASSERT_TRUE(svr.ok());
  EXPECT_EQ(std::get<Matrix>(*SvmPredict(*svr, x.view())).at(0, 0), dec0);
  EXPECT_REFUSED(SvmDecisionFunction(*svr, x.view()), Code::kUnsupported, "SVR has no decision_function");
}

TEST(SvmInference, PolyKernelUsesLibsvmPowi) {
  SvmFixture f = Regression(SvmKind::kSvr);
  f.in.kernel = SvmKernel::kPoly;
  f.in.gamma = 1.0;
  f.in.coef0 = 1.0;
  f.in.degree = 0;  // powi(., 0) = 1 for every support vector
  auto m = f.Build();
  ASSERT_TRUE(m.ok());
  Matrix x = Rows({3, -4}, 2);
  EXPECT_EQ(std::get<Matrix>(*SvmPredict(*m, x.view())).at(0, 0), (1 - 0.5 + 0.25) + 0.5);
}

// ---- through the file ------------------------------------------------------------

template <class T>
Estimator Own(Result<T> r) {
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return Estimator{std::move(r).value()};
}

std::vector<Estimator> Models() {
  std::vector<Estimator> out;
  MlpFixture f;
  out.push_back(Own(f.Build()));
  f.in.target = MlpTarget::kRegressor;
  f.in.classes = std::vector<int64_t>{};
  f.in.out_activation = MlpActivation::kExp;
  out.push_back(Own(f.Build()));
  SvmFixture s;
  out.push_back(Own(s.Build()));
  s.in.ovr = false;
  s.in.kernel = SvmKernel::kSigmoid;
  s.in.coef0 = 0.3;
  out.push_back(Own(s.Build()));
  for (SvmKind k : {SvmKind::kSvr, SvmKind::kOneClass}) out.push_back(Own(Regression(k).Build()));
  return out;
}

Result<Output> Direct(const Estimator& e, Method method, MatrixView x) {
  Output o;
  Result<Matrix> r = Unsupported("");
  switch (method) {
    case Method::kPredictProba: r = PredictProba(e, x); break;
    case Method::kPredictLogProba: r = PredictLogProba(e, x); break;
    case Method::kDecisionFunction: r = DecisionFunction(e, x); break;
    case Method::kTransform: r = Transform(e, x); break;
    case Method::kScoreSamples: r = ScoreSamples(e, x); break;
    case Method::kPredict: {
      auto p = Predict(e, x);
      if (!p.ok()) return p.status();
      if (auto* m = std::get_if<Matrix>(&*p)) {
        o.rows = m->rows, o.cols = m->cols, o.numbers = m->data;
        return o;
      }
      const Labels& l = std::get<Labels>(*p);
      o.rows = l.rows, o.cols = l.cols;
      if (auto* s = std::get_if<std::vector<std::string>>(&l.values)) o.kind = Output::Kind::kStringLabels, o.strings = *s;
      return o;
    }
  }
  if (!r.ok()) return r.status();
  o.rows = r->rows, o.cols = r->cols, o.numbers = r->data;
  return o;
}

TEST(MlpSvmFile, EveryMethodIsBitIdenticalAfterASignedFile) {
  Matrix x = Rows({0.2, 0.1, 1.5, 1.0, -1, 2, 0, 0}, 2);
  for (Estimator& e : Models()) {
    SCOPED_TRACE(e.Describe());
    Estimator direct = e.Clone();
    safemodel::testing::TempDir dir;
    const std::string path = dir / "m.smdl";
    ASSERT_TRUE(format::WriteContent(path, {}, std::move(e)).ok());
    auto key = SecretKey::Generate();
    ASSERT_TRUE(key.ok());
    ASSERT_TRUE(SignFile(path, *key, "test").ok());
    TrustPolicy trust;
    ASSERT_TRUE(trust.store.Add("k", key->public_key()).ok());
    auto m = Model::Open(path, trust);
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    EXPECT_EQ(m->estimator_class(), direct.ClassName());
    EXPECT_EQ(m->estimator_summary(), direct.Describe());
    int ran = 0;
    for (Method method : kAllMethods) {
      auto a = m->Run(method, x.data, x.rows, x.cols);
      auto b = Direct(direct, method, x.view());
      ASSERT_EQ(a.ok(), b.ok()) << MethodName(method) << ": " << a.status().ToString() << " / " << b.status().ToString();
      if (!a.ok()) continue;
      ++ran;
      EXPECT_EQ(a->rows, b->rows);
      EXPECT_EQ(a->cols, b->cols);
      EXPECT_EQ(a->numbers, b->numbers) << MethodName(method);
      EXPECT_EQ(a->strings, b->strings) << MethodName(method);
    }
    EXPECT_GE(ran, 1);
  }
}

// A signer cannot make predict misread: the decoder rebuilds through the
// checked builders, so edited arrays are refused on load.
TEST(MlpSvmFile, EditedModelsAreRefusedOnLoad) {
  auto svm = SvmFixture().Build();
  ASSERT_TRUE(svm.ok());
  svm->n_support[1] = 3;  // counts now sum to 5 for 4 support vectors
  safemodel::testing::TempDir dir;
  ASSERT_TRUE(format::WriteContent(dir / "svm.smdl", {}, Estimator{std::move(svm).value()}).ok());
  auto m = Model::Inspect(dir / "svm.smdl");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), Code::kCorruption) << m.status().ToString();
  EXPECT_NE(m.status().message().find("estimator._n_support: counts sum to 5"), std::string::npos)
      << m.status().message();

  auto mlp = MlpFixture().Build();
  ASSERT_TRUE(mlp.ok());
  mlp->intercepts[0][1] = std::numeric_limits<double>::quiet_NaN();
  ASSERT_TRUE(format::WriteContent(dir / "mlp.smdl", {}, Estimator{std::move(mlp).value()}).ok());
  auto n = Model::Inspect(dir / "mlp.smdl");
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.status().code(), Code::kCorruption) << n.status().ToString();
  EXPECT_NE(n.status().message().find("estimator.intercepts_[0][1]: nan is not finite"), std::string::npos)
      << n.status().message();
}

}  // namespace
}  // namespace safemodel::estimators
