// Meta-estimators end to end: VotingClassifier/Regressor, Stacking*,
// OneVsRestClassifier and CalibratedClassifierCV pickled by scikit-learn
// 1.2.1 with members of the other families (string labels included), and
// files rewritten to 0.20/0.21/0.23/1.0/1.1 layouts and numpy 2, compared
// with scikit-learn's own outputs (labels identical, numbers within 1e-9
// relative); then files broken in one place each (tests/mapping/cases/meta.py).
#include <gtest/gtest.h>

#include <string>

#include "mapping_cases.h"

namespace safemodel::mapping {
namespace {

bool Other(const std::string& n) {
  for (const char* v : {"meta_old", "meta_v", "meta_numpy2_"}) {
    if (StartsWith(n, v)) return true;
  }
  return false;
}

TEST(MapMetaSklearn121, VotingMatchesScikitLearn) {
  EXPECT_CASES_MATCH_SKLEARN([](const std::string& n) { return StartsWith(n, "meta_vote_"); }, 8);
}
TEST(MapMetaSklearn121, StackingMatchesScikitLearn) {
  EXPECT_CASES_MATCH_SKLEARN([](const std::string& n) { return StartsWith(n, "meta_stack_"); }, 6);
}
TEST(MapMetaSklearn121, OneVsRestMatchesScikitLearn) {
  EXPECT_CASES_MATCH_SKLEARN([](const std::string& n) { return StartsWith(n, "meta_ovr_"); }, 6);
}
TEST(MapMetaSklearn121, CalibrationMatchesScikitLearn) {
  EXPECT_CASES_MATCH_SKLEARN([](const std::string& n) { return StartsWith(n, "meta_cal_"); }, 6);
}
TEST(MapMetaSklearn121, NestedMetaEstimatorsAndPipelines) {
  EXPECT_CASES_MATCH_SKLEARN([](const std::string& n) {
    return StartsWith(n, "meta_nested_") || StartsWith(n, "meta_pipe_");
  }, 2);
}
TEST(MapMetaOtherVersions, OldModulePathsAndAttributeNames) {
  // voting.py / voting_classifier.py, preprocessing.label; Stacking _le
  // (1.0); _CalibratedClassifier base_estimator (1.1), calibrators_ and
  // classes_ (0.23); numpy._core paths.
  EXPECT_CASES_MATCH_SKLEARN([](const std::string& n) { return StartsWith(n, "meta_") && Other(n); }, 12);
}

// ---- refusals -------------------------------------------------------------------

TEST(MapMetaRefuses, VotingWeights) {
  EXPECT_MAP_REFUSED("meta_vote_weights_len", Code::kCorruption, "VotingClassifier.weights", "2 weights for 3");
  EXPECT_MAP_REFUSED("meta_vote_weights_nan", Code::kCorruption, "VotingClassifier.weights[1]: nan is not finite");
}
TEST(MapMetaRefuses, VotingMembers) {
  EXPECT_MAP_REFUSED("meta_vote_member_width", Code::kCorruption, "VotingClassifier.estimators_[1]",
                     "reads 6 features, expected 7");
  EXPECT_MAP_REFUSED("meta_vote_member_classes", Code::kCorruption, "VotingClassifier.estimators_[1]",
                     "3 classes (str)", "encoded classes 0..2");
  EXPECT_MAP_REFUSED("meta_vote_soft_no_proba", Code::kCorruption, "VotingClassifier.estimators_[2]",
                     "no predict_proba");
}
TEST(MapMetaRefuses, StackingFinalWidthAndMethods) {
  EXPECT_MAP_REFUSED("meta_stack_final_width", Code::kCorruption, "StackingClassifier.final_estimator_",
                     "reads 7 features but the stacked members produce 6");
  EXPECT_MAP_REFUSED("meta_stack_method_unknown", Code::kUnsupported, "StackingClassifier.stack_method_[1]",
                     "'transform'");
  EXPECT_MAP_REFUSED("meta_stack_method_missing", Code::kCorruption, "StackingClassifier.stack_method_[1]",
                     "SVC.predict_proba fails");
}
TEST(MapMetaRefuses, OneVsRestMembers) {
  EXPECT_MAP_REFUSED("meta_ovr_count", Code::kCorruption, "OneVsRestClassifier.estimators_", "2 estimators for 3");
  EXPECT_MAP_REFUSED("meta_ovr_member_classes", Code::kCorruption, "OneVsRestClassifier.estimators_[2]",
                     "encoded classes 0..1");
  EXPECT_MAP_REFUSED("meta_ovr_features", Code::kCorruption, "OneVsRestClassifier.estimators_[0]",
                     "reads 7 features, expected 9");
}
TEST(MapMetaRefuses, Calibrators) {
  EXPECT_MAP_REFUSED("meta_cal_iso_decreasing", Code::kCorruption, "calibrators[0].X_thresholds_[1]",
                     "does not increase");
  EXPECT_MAP_REFUSED("meta_cal_iso_lengths", Code::kCorruption, "calibrators[0].y_thresholds_", "values for");
  EXPECT_MAP_REFUSED("meta_cal_sigmoid_nan", Code::kCorruption, "calibrators[0].a_: nan is not finite");
  EXPECT_MAP_REFUSED("meta_cal_classes", Code::kCorruption, "calibrated_classifiers_[0].classes",
                     "differ from classes_");
}

}  // namespace
}  // namespace safemodel::mapping
