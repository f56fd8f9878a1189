// Naive Bayes builders refuse each broken field (one test per check), the
// arithmetic matches hand-computed values (numpy's argmax with NaN included),
// and every model survives the .smdl round trip bit for bit.
#include "estimators/estimator_test_util.h"
#include "estimators/naive_bayes.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

#include "estimators/smdl_roundtrip.h"

namespace safemodel::estimators {
namespace {

// Two classes over two features.
struct GaussianFixture {
  std::vector<double> theta{0.0, 1.0, 1.0, -1.0};
  std::vector<double> var{1.0, 2.0, 1.0, 0.5};
  std::vector<double> prior{0.25, 0.75};
  std::vector<double> count;
  std::vector<uint64_t> theta_shape{2, 2}, var_shape{2, 2};
  LabelValues classes = std::vector<std::string>{"a", "b"};
  int64_t n_features_in = 2;

  Result<GaussianNB> Build() const {
    GaussianNBInput in;
    in.classes = classes;
    in.theta = theta;
    in.theta_shape = theta_shape;
    in.var = var;
    in.var_shape = var_shape;
    in.class_prior = prior;
    in.class_count = count;
    in.n_features_in = n_features_in;
    return BuildGaussianNB(in, "model");
  }
};

TEST(BuildGaussianNB, HandComputedJointLogLikelihood) {
  auto m = GaussianFixture().Build();
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  const std::vector<double> x{0.5, 0.0};
  auto jll = NaiveBayesJointLogLikelihood(*m, {x, 1, 2});
  ASSERT_TRUE(jll.ok());
  const double two_pi = 2.0 * std::numbers::pi;
  const double j0 = std::log(0.25) - 0.5 * (std::log(two_pi * 1.0) + std::log(two_pi * 2.0)) -
                    0.5 * (0.25 / 1.0 + 1.0 / 2.0);
  const double j1 = std::log(0.75) - 0.5 * (std::log(two_pi * 1.0) + std::log(two_pi * 0.5)) -
                    0.5 * (0.25 / 1.0 + 1.0 / 0.5);
  EXPECT_NEAR(jll->at(0, 0), j0, 1e-12);
  EXPECT_NEAR(jll->at(0, 1), j1, 1e-12);
  auto lp = PredictLogProba(*m, {x, 1, 2});
  ASSERT_TRUE(lp.ok());
  const double norm = std::max(j0, j1) + std::log(std::exp(j0 - std::max(j0, j1)) + std::exp(j1 - std::max(j0, j1)));
  EXPECT_NEAR(lp->at(0, 0), j0 - norm, 1e-12);
  auto p = Predict(*m, {x, 1, 2});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(std::get<std::vector<std::string>>(std::get<Labels>(*p).values)[0], j0 > j1 ? "a" : "b");
}

TEST(BuildGaussianNB, RefusesNonFiniteInputAsScikitLearn) {
  auto m = GaussianFixture().Build();
  ASSERT_TRUE(m.ok());
  const std::vector<double> x{kNaN, 0.0};
  EXPECT_REFUSED(Predict(*m, {x, 1, 2}), Code::kInvalidArgument, "X[0, 0]: nan");
  EXPECT_REFUSED(PredictProba(*m, {x, 1, 1}), Code::kInvalidArgument, "X:");
}

TEST(BuildGaussianNB, ThetaMustBeTwoDimensional) {
  GaussianFixture f;
  f.theta_shape = {4};
  f.var_shape = {4};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.theta_: 1-d, expected 2-d");
}

TEST(BuildGaussianNB, ThetaSizeMustMatchItsShape) {
  GaussianFixture f;
  f.theta_shape = f.var_shape = {2, 3};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.theta_: 4 values, expected 2 x 3 = 6");
}

TEST(BuildGaussianNB, ShapeBeyondInt32IsALimit) {
  GaussianFixture f;
  f.theta_shape = f.var_shape = {uint64_t{1} << 31, 2};
  EXPECT_REFUSED(f.Build(), Code::kLimitExceeded, "model.theta_.shape[0]: 2147483648 does not fit int32");
  f.theta_shape = f.var_shape = {uint64_t{1} << 63, uint64_t{1} << 63};
  EXPECT_REFUSED(f.Build(), Code::kLimitExceeded, "does not fit int32");
}

TEST(BuildGaussianNB, NeedsAtLeastOneClassAndFeature) {
  GaussianFixture f;
  f.theta = f.var = {};
  f.theta_shape = f.var_shape = {0, 2};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.theta_.shape[0]: 0 out of range [1,");
  f.theta_shape = f.var_shape = {2, 0};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.theta_.shape[1]: 0 out of range [1,");
}

TEST(BuildGaussianNB, VarShapeMustEqualTheta) {
  GaussianFixture f;
  f.var_shape = {1, 4};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.var_: shape differs from theta_'s 2 x 2");
  f = GaussianFixture();
  f.var.pop_back();
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.var_: 3 values, expected 2 x 2");
}

TEST(BuildGaussianNB, OldFilesNameSigma) {
  GaussianFixture f;
  f.var[1] = 0.0;
  GaussianNBInput in;
  in.classes = f.classes;
  in.theta = f.theta;
  in.theta_shape = f.theta_shape;
  in.var = f.var;
  in.var_shape = f.var_shape;
  in.var_name = "sigma_";
  in.class_prior = f.prior;
  EXPECT_REFUSED(BuildGaussianNB(in, "model"), Code::kCorruption, "model.sigma_[1]: 0 is not a finite variance > 0");
}

TEST(BuildGaussianNB, DeclaredFeaturesMustMatch) {
  GaussianFixture f;
  f.n_features_in = 3;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.n_features_in_: 3 but theta_ has 2 columns");
}

TEST(BuildGaussianNB, ClassesMustMatchRows) {
  GaussianFixture f;
  f.classes = std::vector<int64_t>{1, 2, 3};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.classes_: 3 classes but theta_ has 2 rows");
}

TEST(BuildGaussianNB, ThetaMustBeFinite) {
  GaussianFixture f;
  f.theta[3] = kInf;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.theta_[3]: inf is not finite");
}

TEST(BuildGaussianNB, VarianceMustBeFiniteAndPositive) {
  for (double bad : {0.0, -0.5, kNaN, kInf}) {
    GaussianFixture f;
    f.var[2] = bad;
    EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.var_[2]: " + FormatDouble(bad) + " is not a finite variance > 0");
  }
}

TEST(BuildGaussianNB, PriorsAreOnePerClassInZeroOne) {
  GaussianFixture f;
  f.prior = {1.0};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.class_prior_: 1 values, expected one per class (2)");
  for (double bad : {-0.1, 1.5, kNaN}) {
    f = GaussianFixture();
    f.prior[1] = bad;
    EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.class_prior_[1]: " + FormatDouble(bad) + " is not a probability");
  }
  f = GaussianFixture();
  f.prior = {0.0, 1.0};  // a zero prior is a -inf log prior: allowed, as in scikit-learn
  EXPECT_TRUE(f.Build().ok());
}

TEST(BuildGaussianNB, ClassCountWhenPresent) {
  GaussianFixture f;
  f.count = {3.0};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.class_count_: 1 values, expected one per class (2)");
  f.count = {3.0, -1.0};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.class_count_[1]: -1 is not a finite count >= 0");
  f.count = {3.0, kNaN};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.class_count_[1]: nan");
  f.count = {3.0, 9.0};
  EXPECT_TRUE(f.Build().ok());
}

// Two classes over three features.
struct DiscreteFixture {
  DiscreteNBKind kind = DiscreteNBKind::kMultinomial;
  std::vector<double> flp{std::log(0.5), std::log(0.3), std::log(0.2), std::log(0.1), std::log(0.6), std::log(0.3)};
  std::vector<uint64_t> shape{2, 3};
  std::vector<double> prior{std::log(0.4), std::log(0.6)};
  std::vector<double> count;
  LabelValues classes = std::vector<int64_t>{-1, 7};
  bool binarize = false;
  double threshold = 0.0;
  int64_t n_features_in = -1;

  Result<DiscreteNB> Build() const {
    DiscreteNBInput in;
    in.kind = kind;
    in.classes = classes;
    in.feature_log_prob = flp;
    in.feature_log_prob_shape = shape;
    in.class_log_prior = prior;
    in.class_count = count;
    in.binarize = binarize;
    in.threshold = threshold;
    in.n_features_in = n_features_in;
    return BuildDiscreteNB(in, "model");
  }
};

int64_t PredictOne(const DiscreteNB& m, const std::vector<double>& x) {
  auto p = Predict(m, {x, 1, x.size()});
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return p.ok() ? std::get<std::vector<int64_t>>(std::get<Labels>(*p).values)[0] : -99;
}

TEST(BuildDiscreteNB, MultinomialIsLinearInCounts) {
  auto m = DiscreteFixture().Build();
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  const std::vector<double> x{2.0, 0.0, 1.0};
  auto jll = NaiveBayesJointLogLikelihood(*m, {x, 1, 3});
  ASSERT_TRUE(jll.ok());
  EXPECT_DOUBLE_EQ(jll->at(0, 0), 2 * std::log(0.5) + std::log(0.2) + std::log(0.4));
  EXPECT_DOUBLE_EQ(jll->at(0, 1), 2 * std::log(0.1) + std::log(0.3) + std::log(0.6));
  EXPECT_EQ(PredictOne(*m, x), -1);
  EXPECT_EQ(PredictOne(*m, {0.0, 3.0, 0.0}), 7);
}

TEST(BuildDiscreteNB, BernoulliBinarizesAndCountsAbsentFeatures) {
  DiscreteFixture f;
  f.kind = DiscreteNBKind::kBernoulli;
  f.binarize = true;
  f.threshold = 0.5;
  auto m = f.Build();
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  const std::vector<double> x{0.9, 0.5, -3.0};  // binarized: 1, 0, 0
  auto jll = NaiveBayesJointLogLikelihood(*m, {x, 1, 3});
  ASSERT_TRUE(jll.ok());
  EXPECT_NEAR(jll->at(0, 0), std::log(0.4) + std::log(0.5) + std::log(0.7) + std::log(0.8), 1e-12);
  EXPECT_NEAR(jll->at(0, 1), std::log(0.6) + std::log(0.1) + std::log(0.4) + std::log(0.7), 1e-12);
}

TEST(BuildDiscreteNB, ComplementAddsThePriorOnlyForOneClass) {
  DiscreteFixture f;
  f.kind = DiscreteNBKind::kComplement;
  f.flp = {0.5, 1.0, 2.0, 1.5, 0.25, 0.0};
  auto m = f.Build();
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  const std::vector<double> x{1.0, 2.0, 0.0};
  auto jll = NaiveBayesJointLogLikelihood(*m, {x, 1, 3});
  ASSERT_TRUE(jll.ok());
  EXPECT_EQ(jll->at(0, 0), 2.5);
  EXPECT_EQ(jll->at(0, 1), 2.0);
  f.flp = {0.5, 1.0, 2.0};
  f.shape = {1, 3};
  f.prior = {-0.25};
  f.classes = std::vector<int64_t>{4};
  auto one = f.Build();
  ASSERT_TRUE(one.ok());
  jll = NaiveBayesJointLogLikelihood(*one, {x, 1, 3});
  ASSERT_TRUE(jll.ok());
  EXPECT_EQ(jll->at(0, 0), 2.25);
  auto lp = PredictLogProba(*one, {x, 1, 3});
  ASSERT_TRUE(lp.ok());
  EXPECT_EQ(lp->at(0, 0), 0.0);
}

TEST(BuildDiscreteNB, NaNLikelihoodWinsArgmaxAsInNumpy) {
  // alpha = 0 gives -inf log probabilities; 0 * -inf is NaN in the dot
  // product, and np.argmax returns the first NaN.
  DiscreteFixture f;
  f.flp[3] = -kInf;
  auto m = f.Build();
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(PredictOne(*m, {0.0, 5.0, 5.0}), 7);
  auto lp = PredictLogProba(*m, {std::vector<double>{0.0, 5.0, 5.0}, 1, 3});
  ASSERT_TRUE(lp.ok());
  EXPECT_TRUE(std::isnan(lp->at(0, 0)) && std::isnan(lp->at(0, 1)));
}

TEST(BuildDiscreteNB, MinusInfinityPriorGivesZeroProbability) {
  DiscreteFixture f;
  f.prior[0] = -kInf;
  auto m = f.Build();
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  const std::vector<double> x{1.0, 1.0, 1.0};
  auto lp = PredictLogProba(*m, {x, 1, 3});
  auto p = PredictProba(*m, {x, 1, 3});
  ASSERT_TRUE(lp.ok() && p.ok());
  EXPECT_EQ(lp->at(0, 0), -kInf);
  EXPECT_EQ(lp->at(0, 1), 0.0);
  EXPECT_EQ(p->at(0, 0), 0.0);
  EXPECT_EQ(p->at(0, 1), 1.0);
}

TEST(BuildDiscreteNB, FeatureLogProbMustBeTwoDimensional) {
  DiscreteFixture f;
  f.shape = {6};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.feature_log_prob_: 1-d, expected 2-d");
  f.shape = {3, 3};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.feature_log_prob_: 6 values, expected 3 x 3 = 9");
}

TEST(BuildDiscreteNB, DeclaredFeaturesMustMatch) {
  DiscreteFixture f;
  f.n_features_in = 4;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.n_features_in_: 4 but feature_log_prob_ has 3 columns");
}

TEST(BuildDiscreteNB, ClassesMustMatchRows) {
  DiscreteFixture f;
  f.classes = std::vector<double>{0.5};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.classes_: 1 classes but feature_log_prob_ has 2 rows");
}

TEST(BuildDiscreteNB, LogProbabilitiesAreAtMostZero) {
  for (DiscreteNBKind kind : {DiscreteNBKind::kMultinomial, DiscreteNBKind::kBernoulli}) {
    for (double bad : {0.1, kInf, kNaN}) {
      DiscreteFixture f;
      f.kind = kind;
      f.flp[4] = bad;
      EXPECT_REFUSED(f.Build(), Code::kCorruption,
                     "model.feature_log_prob_[4]: " + FormatDouble(bad) + " is not a log probability <= 0");
    }
    DiscreteFixture f;
    f.kind = kind;
    f.flp[4] = -kInf;  // alpha = 0 and an unseen feature
    EXPECT_TRUE(f.Build().ok());
  }
}

TEST(BuildDiscreteNB, ComplementWeightsAreAtLeastZero) {
  DiscreteFixture f;
  f.kind = DiscreteNBKind::kComplement;
  f.flp = {0.5, 1.0, 2.0, 1.5, -0.25, 0.0};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.feature_log_prob_[4]: -0.25 is not a ComplementNB weight >= 0");
  f.flp[4] = kNaN;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.feature_log_prob_[4]: nan");
  f.flp[4] = kInf;  // alpha = 0: -log(0)
  EXPECT_TRUE(f.Build().ok());
}

TEST(BuildDiscreteNB, LogPriorsOnePerClassNeverNaNOrPlusInf) {
  DiscreteFixture f;
  f.prior = {0.0, 0.0, 0.0};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.class_log_prior_: 3 values, expected one per class (2)");
  for (double bad : {kInf, kNaN}) {
    f = DiscreteFixture();
    f.prior[1] = bad;
    EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.class_log_prior_[1]: " + FormatDouble(bad));
  }
  f = DiscreteFixture();
  f.prior = {-kInf, 0.7};  // an unseen class; an unnormalized class_prior
  EXPECT_TRUE(f.Build().ok());
}

TEST(BuildDiscreteNB, OnlyBernoulliBinarizes) {
  DiscreteFixture f;
  f.binarize = true;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.binarize: only BernoulliNB binarizes its input");
}

TEST(BuildDiscreteNB, BinarizeThresholdIsFinite) {
  DiscreteFixture f;
  f.kind = DiscreteNBKind::kBernoulli;
  f.binarize = true;
  f.threshold = kNaN;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.binarize: threshold nan is not finite");
}

TEST(BuildDiscreteNB, UnknownKind) {
  DiscreteFixture f;
  f.kind = static_cast<DiscreteNBKind>(9);
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.kind: 9 is not a kind");
}

TEST(BuildDiscreteNB, ClassCountWhenPresent) {
  DiscreteFixture f;
  f.count = {1.0, 2.0, 3.0};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.class_count_: 3 values, expected one per class (2)");
}

TEST(NaiveBayesFile, EveryKindRoundTripsBitForBit) {
  const std::vector<double> x{0.0, 1.0, 3.0, 2.5, 0.2, 0.0, 7.0, 0.0, 1.0};
  auto g = GaussianFixture().Build();
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(testing::ExpectSameThroughFile(Estimator{std::move(g).value()}, {std::span(x).first(6), 3, 2}), 3);
  for (DiscreteNBKind kind : {DiscreteNBKind::kMultinomial, DiscreteNBKind::kBernoulli, DiscreteNBKind::kComplement}) {
    DiscreteFixture f;
    f.kind = kind;
    if (kind == DiscreteNBKind::kComplement) f.flp = {0.5, 1.0, 2.0, 1.5, 0.25, 0.0};
    f.binarize = kind == DiscreteNBKind::kBernoulli;
    f.threshold = f.binarize ? 0.75 : 0.0;
    f.classes = std::vector<std::string>{"no", "yes"};
    auto m = f.Build();
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    EXPECT_EQ(testing::ExpectSameThroughFile(Estimator{std::move(m).value()}, {x, 3, 3}), 3);
  }
}

TEST(NaiveBayesFile, AnEditedModelIsRefusedOnLoad) {
  // The builder runs again when the file is read: values edited after
  // building (as a hostile writer could) do not reach predict.
  auto g = GaussianFixture().Build();
  ASSERT_TRUE(g.ok());
  g->var[1] = -1.0;
  safemodel::testing::TempDir dir;
  auto m = testing::WriteAndInspect(Estimator{std::move(g).value()}, dir);
  EXPECT_REFUSED(std::move(m), Code::kCorruption, "estimator.var_[1]: -1 is not a finite variance > 0");
  auto d = DiscreteFixture().Build();
  ASSERT_TRUE(d.ok());
  d->threshold = 0.5;  // a threshold without binarize: one model, one encoding
  auto m2 = testing::WriteAndInspect(Estimator{std::move(d).value()}, dir);
  EXPECT_REFUSED(std::move(m2), Code::kCorruption, "estimator.binarizeThreshold: set but binarize is false");
}

}  // namespace
}  // namespace safemodel::estimators
