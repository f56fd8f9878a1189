// PCA / TruncatedSVD builder checks (one test per check), hand-computed
// transforms, pipelines whose width changes, the file round trip.
#include "estimators/estimator_test_util.h"
#include "estimators/decomposition.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "estimators/estimator.h"
#include "estimators/smdl_roundtrip.h"

namespace safemodel::estimators {
namespace {

// Two components over three features.
struct PcaFixture {
  DecompositionKind kind = DecompositionKind::kPca;
  std::vector<double> components{1.0, 0.0, 0.0, 0.0, 0.6, 0.8};
  std::vector<uint64_t> shape{2, 3};
  std::vector<double> mean{1.0, 2.0, 3.0};
  bool has_mean = true;
  bool whiten = false;
  std::vector<double> variance{4.0, 0.25};
  int64_t n_features_in = 3;
  int64_t n_components = 2;
  double noise_variance = kNaN;

  Result<Decomposition> Build() const {
    DecompositionInput in;
    in.kind = kind;
    in.components = components;
    in.components_shape = shape;
    in.mean = mean;
    in.has_mean = has_mean;
    in.whiten = whiten;
    in.explained_variance = variance;
    in.n_features_in = n_features_in;
    in.n_components = n_components;
    in.noise_variance = noise_variance;
    return BuildDecomposition(in, "model");
  }
};

PcaFixture Svd() {
  PcaFixture f;
  f.kind = DecompositionKind::kTruncatedSvd;
  f.mean.clear();
  f.has_mean = false;
  f.variance.clear();
  f.n_components = -1;
  return f;
}

TEST(BuildDecomposition, PcaCentersProjectsAndWhitens) {
  const std::vector<double> x{2.0, 3.0, 5.0};  // centered: (1, 1, 2)
  auto m = PcaFixture().Build();
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  auto t = Transform(*m, {x, 1, 3});
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->cols, 2u);
  EXPECT_DOUBLE_EQ(t->at(0, 0), 1.0);
  EXPECT_DOUBLE_EQ(t->at(0, 1), 0.6 + 1.6);
  PcaFixture w;
  w.whiten = true;
  auto mw = w.Build();
  ASSERT_TRUE(mw.ok());
  t = Transform(*mw, {x, 1, 3});
  ASSERT_TRUE(t.ok());
  EXPECT_DOUBLE_EQ(t->at(0, 0), 0.5);
  EXPECT_DOUBLE_EQ(t->at(0, 1), (0.6 + 1.6) / 0.5);
  EXPECT_REFUSED(Transform(*mw, {std::vector<double>{kInf, 0.0, 0.0}, 1, 3}), Code::kInvalidArgument, "X[0, 0]: inf");
}

TEST(BuildDecomposition, TruncatedSvdOnlyProjects) {
  const std::vector<double> x{2.0, 3.0, 5.0};
  auto m = Svd().Build();
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  auto t = Transform(*m, {x, 1, 3});
  ASSERT_TRUE(t.ok());
  EXPECT_DOUBLE_EQ(t->at(0, 0), 2.0);
  EXPECT_DOUBLE_EQ(t->at(0, 1), 1.8 + 4.0);
  EXPECT_EQ(Estimator{std::move(m).value()}.ClassName(), "TruncatedSVD");
}

TEST(BuildDecomposition, PipelinesFollowTheWidth) {
  auto pca = PcaFixture().Build();
  ASSERT_TRUE(pca.ok());
  GaussianNBInput nb;
  const std::vector<double> theta{0.0, 0.0, 1.0, 1.0}, var{1.0, 1.0, 1.0, 1.0}, prior{0.5, 0.5};
  nb.classes = std::vector<int64_t>{0, 1};
  nb.theta = theta;
  nb.theta_shape = {2, 2};
  nb.var = var;
  nb.var_shape = {2, 2};
  nb.class_prior = prior;
  auto g = BuildGaussianNB(nb, "nb");
  ASSERT_TRUE(g.ok());
  std::vector<Estimator> steps;
  steps.push_back(Estimator{pca->Clone()});
  steps.push_back(Estimator{std::move(g).value()});
  auto pipe = BuildPipeline({"pca", "nb"}, std::move(steps), "pipe");
  ASSERT_TRUE(pipe.ok()) << pipe.status().ToString();
  EXPECT_EQ(pipe->NumFeatures(), 3);
  const std::vector<double> x{2.0, 3.0, 5.0, 1.0, 2.0, 3.0};
  auto p = PredictProba(*pipe, {x, 2, 3});
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->cols, 2u);
  EXPECT_EQ(testing::ExpectSameThroughFile(*pipe, {x, 2, 3}), 3);
  std::vector<Estimator> bad;
  bad.push_back(Estimator{pca->Clone()});
  bad.push_back(Estimator{pca->Clone()});  // expects 3, gets 2
  EXPECT_REFUSED(BuildPipeline({"a", "b"}, std::move(bad), "pipe"), Code::kCorruption,
                 "pipe.steps[1]: expects 3 features but the step before produces 2");
}

TEST(BuildDecomposition, ComponentsMustBeTwoDimensional) {
  PcaFixture f;
  f.shape = {1, 2, 3};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.components_: 3-d, expected 2-d");
  f.shape = {3, 3};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.components_: 6 values, expected 3 x 3 = 9");
}

TEST(BuildDecomposition, CountsBeyondInt32AreALimit) {
  PcaFixture f;
  f.shape = {uint64_t{1} << 32, 3};
  EXPECT_REFUSED(f.Build(), Code::kLimitExceeded, "model.components_.shape[0]: 4294967296 does not fit int32");
}

TEST(BuildDecomposition, ComponentsMustBeFinite) {
  PcaFixture f;
  f.components[5] = kNaN;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.components_[5]: nan is not finite");
}

TEST(BuildDecomposition, DeclaredFeaturesMustMatch) {
  PcaFixture f;
  f.n_features_in = 2;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.n_features_in_: 2 but components_ has 3 columns");
}

TEST(BuildDecomposition, PcaComponentCountMustMatch) {
  PcaFixture f;
  f.n_components = 3;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.n_components_: 3 but components_ has 2 rows");
}

TEST(BuildDecomposition, PcaMeanHasOneFiniteValuePerFeature) {
  PcaFixture f;
  f.mean.pop_back();
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.mean_: 2 values, expected one per feature (3)");
  f = PcaFixture();
  f.mean[1] = -kInf;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.mean_[1]: -inf is not finite");
  f = PcaFixture();
  f.mean.clear();
  f.has_mean = false;  // mean_ None: no centering
  EXPECT_TRUE(f.Build().ok());
}

TEST(BuildDecomposition, PcaVariancesOnePerComponent) {
  PcaFixture f;
  f.variance = {1.0};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.explained_variance_: 1 values, expected one per component (2)");
}

TEST(BuildDecomposition, PcaVariancesFiniteAndNotNegative) {
  for (double bad : {-1.0, kNaN, kInf}) {
    PcaFixture f;
    f.variance[1] = bad;
    EXPECT_REFUSED(f.Build(), Code::kCorruption,
                   "model.explained_variance_[1]: " + FormatDouble(bad) + " is not a finite variance >= 0");
  }
}

TEST(BuildDecomposition, WhiteningNeedsPositiveVariances) {
  PcaFixture f;
  f.variance[0] = 0.0;
  EXPECT_TRUE(f.Build().ok());  // not whitened: never divides
  f.whiten = true;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.explained_variance_[0]: 0 is not a finite variance > 0");
}

TEST(BuildDecomposition, TruncatedSvdHasNoPcaFields) {
  PcaFixture f = Svd();
  f.whiten = true;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model: TruncatedSVD has no mean_, whitening or explained_variance_");
  f = Svd();
  f.mean = {0.0, 0.0, 0.0};
  f.has_mean = true;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model: TruncatedSVD has no mean_");
}

TEST(BuildDecomposition, NoiseVarianceIsAVarianceOrUnknown) {
  PcaFixture f;
  f.noise_variance = 0.125;
  auto m = f.Build();
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->noise_variance, 0.125);
  for (double bad : {-0.5, kInf}) {
    f.noise_variance = bad;
    EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.noise_variance_: ");
  }
  f = Svd();
  f.noise_variance = 1.0;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model: TruncatedSVD has no mean_");
}

TEST(BuildDecomposition, UnknownKind) {
  PcaFixture f;
  f.kind = static_cast<DecompositionKind>(2);
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.kind: 2 is not a decomposition");
}

TEST(DecompositionFile, PcaAndTruncatedSvdRoundTripBitForBit) {
  const std::vector<double> x{2.0, 3.0, 5.0, -1.0, 0.5, 8.0};
  std::vector<PcaFixture> fixtures(3);
  fixtures[1].whiten = true;
  fixtures[2].mean.clear();
  fixtures[2].has_mean = false;
  fixtures.push_back(Svd());
  for (const auto& f : fixtures) {
    auto m = f.Build();
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    EXPECT_EQ(testing::ExpectSameThroughFile(Estimator{std::move(m).value()}, {x, 2, 3}), 1);  // transform
  }
}

TEST(DecompositionFile, AnEditedVarianceIsRefusedOnLoad) {
  PcaFixture f;
  f.whiten = true;
  auto m = f.Build();
  ASSERT_TRUE(m.ok());
  m->explained_variance[1] = 0.0;
  safemodel::testing::TempDir dir;
  EXPECT_REFUSED(testing::WriteAndInspect(Estimator{std::move(m).value()}, dir), Code::kCorruption,
                 "estimator.explained_variance_[1]: 0 is not a finite variance > 0");
}

}  // namespace
}  // namespace safemodel::estimators
