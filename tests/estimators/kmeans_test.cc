// KMeans builder checks (one test per check), scikit-learn's tie rule and
// distance formula, transform's width inside pipelines, the file round trip.
#include "estimators/estimator_test_util.h"
#include "estimators/kmeans.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "estimators/estimator.h"
#include "estimators/smdl_roundtrip.h"

namespace safemodel::estimators {
namespace {

// Centers (0, 0), (3, 4), (0, 0): the third duplicates the first.
struct KMeansFixture {
  KMeansVariant variant = KMeansVariant::kKMeans;
  std::vector<double> centers{0.0, 0.0, 3.0, 4.0, 0.0, 0.0};
  std::vector<uint64_t> shape{3, 2};
  int64_t n_features_in = 2;

  Result<KMeans> Build() const {
    KMeansInput in;
    in.variant = variant;
    in.centers = centers;
    in.centers_shape = shape;
    in.n_features_in = n_features_in;
    return BuildKMeans(in, "model");
  }
};

std::vector<int64_t> PredictLabels(const KMeans& m, const std::vector<double>& x) {
  auto p = Predict(m, {x, x.size() / 2, 2});
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  if (!p.ok()) return {};
  return std::get<std::vector<int64_t>>(std::get<Labels>(*p).values);
}

TEST(BuildKMeans, NearestCenterTiesToTheLowestIndex) {
  auto m = KMeansFixture().Build();
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  // (0,0) is on centers 0 and 2; (1.5, 2) is halfway between 0 and 1; (3, 4.1) is nearest 1.
  EXPECT_EQ(PredictLabels(*m, {0.0, 0.0, 1.5, 2.0, 3.0, 4.1, -1.0, -1.0}), (std::vector<int64_t>{0, 0, 1, 0}));
}

TEST(BuildKMeans, TransformIsTheEuclideanDistance) {
  auto m = KMeansFixture().Build();
  ASSERT_TRUE(m.ok());
  const std::vector<double> x{0.0, 0.0, 6.0, 8.0};
  auto t = Transform(*m, {x, 2, 2});
  ASSERT_TRUE(t.ok());
  ASSERT_EQ(t->cols, 3u);
  EXPECT_EQ(t->data, (std::vector<double>{0.0, 5.0, 0.0, 10.0, 5.0, 10.0}));
  EXPECT_REFUSED(Transform(*m, {std::vector<double>{kNaN, 0.0}, 1, 2}), Code::kInvalidArgument, "X[0, 0]: nan");
}

TEST(BuildKMeans, TransformsWidthIsTheClusterCount) {
  auto m = KMeansFixture().Build();
  ASSERT_TRUE(m.ok());
  Estimator e{std::move(m).value()};
  EXPECT_EQ(e.NumFeatures(), 2);
  EXPECT_EQ(e.TransformWidth(), 3);
  EXPECT_TRUE(e.IsTransformer());
  std::vector<Estimator> steps;
  steps.push_back(e.Clone());
  steps.push_back(e.Clone());  // expects 2 features, gets 3 distances
  EXPECT_REFUSED(BuildPipeline({"a", "b"}, std::move(steps), "pipe"), Code::kCorruption,
                 "pipe.steps[1]: expects 2 features but the step before produces 3");
}

TEST(BuildKMeans, CentersMustBeTwoDimensional) {
  KMeansFixture f;
  f.shape = {6};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.cluster_centers_: 1-d, expected 2-d");
  f.shape = {2, 2};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.cluster_centers_: 6 values, expected 2 x 2 = 4");
}

TEST(BuildKMeans, NeedsOneCluster) {
  KMeansFixture f;
  f.centers.clear();
  f.shape = {0, 2};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.cluster_centers_.shape[0]: 0 out of range [1,");
}

TEST(BuildKMeans, CountsBeyondInt32AreALimit) {
  KMeansFixture f;
  f.shape = {3, uint64_t{1} << 40};
  EXPECT_REFUSED(f.Build(), Code::kLimitExceeded, "model.cluster_centers_.shape[1]: 1099511627776 does not fit int32");
}

TEST(BuildKMeans, CentersMustBeFinite) {
  KMeansFixture f;
  f.centers[3] = kNaN;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.cluster_centers_[3]: nan is not finite");
}

TEST(BuildKMeans, DeclaredFeaturesMustMatch) {
  KMeansFixture f;
  f.n_features_in = 5;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.n_features_in_: 5 but cluster_centers_ has 2 columns");
}

TEST(BuildKMeans, UnknownVariant) {
  KMeansFixture f;
  f.variant = static_cast<KMeansVariant>(4);
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.variant: 4 is not a k-means class");
}

TEST(KMeansFile, BothClassesRoundTripBitForBit) {
  const std::vector<double> x{0.0, 0.0, 1.5, 2.0, 3.0, 4.1, -1.0, 7.5};
  for (KMeansVariant v : {KMeansVariant::kKMeans, KMeansVariant::kMiniBatch}) {
    KMeansFixture f;
    f.variant = v;
    auto m = f.Build();
    ASSERT_TRUE(m.ok());
    Estimator e{std::move(m).value()};
    EXPECT_EQ(e.ClassName(), v == KMeansVariant::kKMeans ? "KMeans" : "MiniBatchKMeans");
    EXPECT_EQ(testing::ExpectSameThroughFile(e, {x, 4, 2}), 2);  // predict, transform
  }
}

TEST(KMeansFile, AnEditedCenterIsRefusedOnLoad) {
  auto m = KMeansFixture().Build();
  ASSERT_TRUE(m.ok());
  m->centers[5] = std::numeric_limits<double>::infinity();
  safemodel::testing::TempDir dir;
  EXPECT_REFUSED(testing::WriteAndInspect(Estimator{std::move(m).value()}, dir), Code::kCorruption,
                 "estimator.cluster_centers_[5]: inf is not finite");
}

}  // namespace
}  // namespace safemodel::estimators
