// Isolation forest and AdaBoost end to end: IsolationForest,
// AdaBoostClassifier and AdaBoostRegressor pickles/joblib files made by
// scikit-learn 1.2.1 (and rewritten to look like other releases) -> VM ->
// MapGraph -> .smdl -> Model, compared with scikit-learn's outputs (labels
// identical, numbers within 1e-9 relative); and files broken in one place each.
#include <gtest/gtest.h>

#include <string>

#include "mapping_cases.h"

namespace safemodel::mapping {
namespace {

bool IsEnsembleOtherVersion(const std::string& n) {
  for (const char* p : {"iforest_old02", "iforest_v13_", "iforest_numpy2_", "ada_old021_", "ada_v16_", "ada_numpy2_"}) {
    if (StartsWith(n, p)) return true;
  }
  return false;
}

TEST(MapEnsemble121, IsolationForestMatchesScikitLearn) {
  EXPECT_CASES_MATCH_SKLEARN([](const std::string& n) { return StartsWith(n, "iforest_") && !IsEnsembleOtherVersion(n); },
                             5);
}

TEST(MapEnsemble121, AdaBoostClassifierMatchesScikitLearn) {
  EXPECT_CASES_MATCH_SKLEARN([](const std::string& n) {
    return StartsWith(n, "ada_samme") && !IsEnsembleOtherVersion(n);
  }, 8);
}

TEST(MapEnsemble121, AdaBoostRegressorMatchesScikitLearn) {
  EXPECT_CASES_MATCH_SKLEARN([](const std::string& n) { return StartsWith(n, "ada_reg"); }, 3);
}

TEST(MapEnsembleOtherVersions, IsolationForestFrom020To13AndNumpy2) {
  EXPECT_CASES_MATCH_SKLEARN([](const std::string& n) {
    return StartsWith(n, "iforest_") && IsEnsembleOtherVersion(n);
  }, 5);
}

TEST(MapEnsembleOtherVersions, AdaBoostFrom021To16AndNumpy2) {
  EXPECT_CASES_MATCH_SKLEARN([](const std::string& n) { return StartsWith(n, "ada_") && IsEnsembleOtherVersion(n); }, 6);
}

TEST(MapEnsembleOtherVersions, RecordsTheVersion) {
  REQUIRE_CASES();
  auto conv = MapFile(Cases::Get().file("iforest_old021_default.p2.pkl"));
  ASSERT_TRUE(conv.ok()) << conv.status().ToString();
  EXPECT_EQ(conv->metadata.library_versions["scikit-learn"], "0.21.3");
}

TEST(MapEnsembleRefuses, IsolationForestFeatures) {
  EXPECT_MAP_REFUSED("iforest_feature_out_of_range", Code::kCorruption,
                     "IsolationForest.estimators_features_[0][0]: 99 out of range [0, 6)");
  EXPECT_MAP_REFUSED("iforest_feature_count", Code::kCorruption, "IsolationForest.estimators_features_[0]: 2 features",
                     "_max_features is 3");
  EXPECT_MAP_REFUSED("iforest_features_short", Code::kCorruption, "IsolationForest.estimators_features_: 24 entries for 25 trees");
  EXPECT_MAP_REFUSED("iforest_max_features_big", Code::kCorruption, "IsolationForest._max_features: 99 exceeds");
  EXPECT_MAP_REFUSED("iforest_no_max_features", Code::kUnsupported, "_max_features");
}

TEST(MapEnsembleRefuses, IsolationForestScoresInputs) {
  EXPECT_MAP_REFUSED("iforest_node_samples_sum", Code::kCorruption,
                     "IsolationForest.estimators_[0].tree_.n_node_samples[0]", "is not the sum of its children's");
  EXPECT_MAP_REFUSED("iforest_no_offset", Code::kUnsupported, "offset_", "threshold_");
  EXPECT_MAP_REFUSED("iforest_offset_nan", Code::kCorruption, "IsolationForest.offset_: nan is not finite");
  EXPECT_MAP_REFUSED("iforest_max_samples_zero", Code::kCorruption, "IsolationForest.max_samples_: 0 is below 1");
  EXPECT_MAP_REFUSED("iforest_wrong_member", Code::kUnsupported, "estimators_[0]", "DecisionTreeRegressor",
                     "only ExtraTreeRegressor");
  EXPECT_MAP_REFUSED("iforest_v13_apl_mismatch", Code::kCorruption, "IsolationForest._average_path_length_per_tree[1][",
                     "but n_node_samples gives");
  EXPECT_MAP_REFUSED("iforest_v13_depth_mismatch", Code::kCorruption, "IsolationForest._decision_path_lengths[0][0]: 2",
                     "at depth 1");
}

TEST(MapEnsembleRefuses, AdaBoostFields) {
  EXPECT_MAP_REFUSED("ada_weight_negative", Code::kCorruption, "AdaBoostClassifier.estimator_weights_[1]:", "is negative");
  EXPECT_MAP_REFUSED("ada_weight_nan", Code::kCorruption, "AdaBoostRegressor.estimator_weights_[3]: nan is not finite");
  EXPECT_MAP_REFUSED("ada_weights_short", Code::kCorruption, "AdaBoostClassifier.estimator_weights_: 3 weights for 20 trees");
  EXPECT_MAP_REFUSED("ada_weights_zero", Code::kCorruption, "estimator_weights_: the weights sum to 0");
  EXPECT_MAP_REFUSED("ada_algorithm_unknown", Code::kUnsupported, "algorithm 'SAMME.X'");
  EXPECT_MAP_REFUSED("ada_n_classes", Code::kCorruption, "AdaBoostClassifier.n_classes_: 4 but classes_ has 3 labels");
}

TEST(MapEnsembleRefuses, AdaBoostMembers) {
  EXPECT_MAP_REFUSED("ada_member_logreg", Code::kUnsupported, "estimators_[2]", "LogisticRegression",
                     "only DecisionTreeClassifier or ExtraTreeClassifier");
  EXPECT_MAP_REFUSED("ada_member_regressor", Code::kUnsupported, "estimators_[0]", "DecisionTreeRegressor");
  EXPECT_MAP_REFUSED("ada_member_classes", Code::kCorruption, "AdaBoostClassifier.estimators_[0].classes_: differs");
  EXPECT_MAP_REFUSED("ada_tree_child", Code::kCorruption, "estimators_[0]", "nodes[0].left_child", "4096");
}

}  // namespace
}  // namespace safemodel::mapping
