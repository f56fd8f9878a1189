// KMeans / MiniBatchKMeans files (cases/kmeans.py) compared with
// scikit-learn: predict labels identical (ties to the lowest index),
// transform within 1e-9; other versions; broken files.
#include <gtest/gtest.h>

#include <string>

#include "mapping_cases.h"

namespace safemodel::mapping {
namespace {

bool IsKMeansOtherVersion(const std::string& n) {
  for (const char* p : {"kmeans_old0", "kmeans_v1", "kmeans_numpy2_"}) {
    if (StartsWith(n, p)) return true;
  }
  return false;
}

TEST(MapKMeans, ScikitLearn121FilesMatch) {
  // Lloyd, Elkan, one cluster, a RandomState in the state, MiniBatchKMeans,
  // hand-made ties, KMeans last in a pipeline and as a transformer before a
  // classifier (the width changes from 4 to 6).
  EXPECT_CASES_MATCH_SKLEARN([](const std::string& n) {
    return StartsWith(n, "kmeans_") && !IsKMeansOtherVersion(n);
  }, 8);
}

TEST(MapKMeans, OtherVersionsMatch) {
  // sklearn.cluster.k_means_ (before 0.22) without n_features_in_, numpy 2, 1.6.
  EXPECT_CASES_MATCH_SKLEARN(IsKMeansOtherVersion, 5);
}

TEST(MapKMeans, TiesGoToTheLowestIndex) {
  // The oracle itself: scikit-learn's answers for rows equidistant from
  // centers 0 and 1, and on the duplicate centers 0 and 2.
  REQUIRE_CASES();
  const Json* c = Cases::Get().Find("kmeans_ties");
  ASSERT_NE(c, nullptr);
  for (const auto& check : (*c)["checks"]) {
    if (check["method"] != "predict") continue;
    EXPECT_EQ(check["labels"], Json::parse("[0, 0, 0, 0, 1, 0, 0]"));
  }
}

TEST(MapKMeansRefuses, Centers) {
  EXPECT_MAP_REFUSED("kmeans_no_centers", Code::kUnsupported, "missing attribute 'cluster_centers_'");
  EXPECT_MAP_REFUSED("kmeans_centers_nan", Code::kCorruption, "KMeans.cluster_centers_[6]: nan is not finite");
  EXPECT_MAP_REFUSED("kmeans_centers_1d", Code::kCorruption, "KMeans.cluster_centers_: 1-d, expected 2-d");
  EXPECT_MAP_REFUSED("kmeans_centers_empty", Code::kCorruption, "KMeans.cluster_centers_.shape[0]: 0 out of range [1,");
  EXPECT_MAP_REFUSED("kmeans_n_features", Code::kCorruption,
                     "KMeans.n_features_in_: 3 but cluster_centers_ has 4 columns");
  // -1 in the file is not "absent".
  EXPECT_MAP_REFUSED("kmeans_n_features_negative", Code::kCorruption, "KMeans.n_features_in_: -1 is negative");
  EXPECT_MAP_REFUSED("kmeans_centers_str", Code::kCorruption, "KMeans.cluster_centers_: expected a numpy array");
}

}  // namespace
}  // namespace safemodel::mapping
