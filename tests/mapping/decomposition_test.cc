// PCA and TruncatedSVD files (cases/decomposition.py) compared with
// scikit-learn's transform, also inside pipelines that change the width;
// other versions; broken files.
#include <gtest/gtest.h>

#include <string>

#include "mapping_cases.h"

namespace safemodel::mapping {
namespace {

bool IsDecompositionCase(const std::string& n) { return StartsWith(n, "pca_") || StartsWith(n, "tsvd_"); }

bool IsDecompositionOtherVersion(const std::string& n) {
  return IsDecompositionCase(n) && (n.find("_old0") != std::string::npos || n.find("_numpy2_") != std::string::npos);
}

TEST(MapDecomposition, ScikitLearn121FilesMatch) {
  // PCA: 3 components, whitened, all, mle, a variance fraction, randomized,
  // arpack, mean_ None; TruncatedSVD randomized and arpack; pipelines
  // scaler -> PCA -> GaussianNB, PCA -> KMeans, TruncatedSVD -> LogisticRegression,
  // TruncatedSVD -> MinMaxScaler.
  EXPECT_CASES_MATCH_SKLEARN([](const std::string& n) {
    return IsDecompositionCase(n) && !IsDecompositionOtherVersion(n);
  }, 14);
}

TEST(MapDecomposition, OtherVersionsMatch) {
  // sklearn.decomposition.pca / .truncated_svd (before 0.22), numpy 2.
  EXPECT_CASES_MATCH_SKLEARN(IsDecompositionOtherVersion, 5);
}

TEST(MapDecomposition, PcaScoreSamplesIsNotImplemented) {
  REQUIRE_CASES();
  auto conv = MapFile(Cases::Get().file("pca_3.p4.pkl"));
  ASSERT_TRUE(conv.ok()) << conv.status().ToString();
  const auto& e = std::get<estimators::Estimator>(*conv->content);
  std::vector<double> x(7, 0.5);
  auto r = estimators::ScoreSamples(e, {x, 1, 7});
  EXPECT_EQ(r.status().code(), Code::kUnsupported);
  auto t = estimators::Transform(e, {x, 1, 7});
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->cols, 3u);
}

TEST(MapDecompositionRefuses, PcaArrays) {
  EXPECT_MAP_REFUSED("pca_whiten_zero_variance", Code::kCorruption,
                     "PCA.explained_variance_[3]: 0 is not a finite variance > 0");
  EXPECT_MAP_REFUSED("pca_variance_negative", Code::kCorruption,
                     "PCA.explained_variance_[2]: -1 is not a finite variance >= 0");
  EXPECT_MAP_REFUSED("pca_variance_len", Code::kCorruption,
                     "PCA.explained_variance_: 2 values, expected one per component (3)");
  EXPECT_MAP_REFUSED("pca_mean_len", Code::kCorruption, "PCA.mean_: 6 values, expected one per feature (7)");
  EXPECT_MAP_REFUSED("pca_mean_nan", Code::kCorruption, "PCA.mean_[0]: nan is not finite");
  EXPECT_MAP_REFUSED("pca_n_components", Code::kCorruption, "PCA.n_components_: 5 but components_ has 3 rows");
  EXPECT_MAP_REFUSED("pca_n_components_negative", Code::kCorruption, "PCA.n_components_: -1 is negative");
  EXPECT_MAP_REFUSED("pca_whiten_str", Code::kCorruption, "PCA.whiten: expected a bool", "str@");
  EXPECT_MAP_REFUSED("pca_components_3d", Code::kCorruption, "PCA.components_: 3-d, expected 2-d");
}

TEST(MapDecompositionRefuses, TruncatedSvd) {
  EXPECT_MAP_REFUSED("tsvd_components_inf", Code::kCorruption, "TruncatedSVD.components_[", "inf is not finite");
  EXPECT_MAP_REFUSED("tsvd_n_features", Code::kCorruption, "TruncatedSVD.n_features_in_: 8 but components_ has 7");
  EXPECT_MAP_REFUSED("tsvd_no_components", Code::kUnsupported, "missing attribute 'components_'");
}

TEST(MapDecompositionRefuses, PipelineWidthAfterPca) {
  EXPECT_MAP_REFUSED("pca_pipe_width", Code::kCorruption,
                     "Pipeline.steps[1]: expects 3 features but the step before produces 2");
}

}  // namespace
}  // namespace safemodel::mapping
