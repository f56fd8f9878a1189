// Numeric preprocessing end to end: scikit-learn 1.2.1 files (and files
// rewritten as 0.19-1.0 and numpy 2 would write them) of MaxAbsScaler,
// RobustScaler, Normalizer, Binarizer, SimpleImputer, PolynomialFeatures and
// KBinsDiscretizer, alone and in pipelines, converted, written, reopened and
// compared with scikit-learn's outputs (tests/mapping/cases/preprocessing.py);
// and the refuse_prep_* files, each broken in one place.
#include <gtest/gtest.h>

#include <string>

#include "mapping_cases.h"

namespace safemodel::mapping {
namespace {

bool IsPrepOtherVersion(const std::string& n) {
  return StartsWith(n, "prep_old") || StartsWith(n, "prep_v1") || StartsWith(n, "prep_numpy2_");
}

TEST(MapPreprocessing, ScalersNormalizerAndBinarizerMatchScikitLearn) {
  EXPECT_CASES_MATCH_SKLEARN([](const std::string& n) {
    return StartsWith(n, "prep_maxabs") || StartsWith(n, "prep_robust") || StartsWith(n, "prep_normalizer") ||
           StartsWith(n, "prep_binarizer");
  }, 12);
}

TEST(MapPreprocessing, SimpleImputerMatchesScikitLearnExactly) {
  EXPECT_CASES_MATCH_SKLEARN([](const std::string& n) { return StartsWith(n, "prep_imputer_"); }, 8);
}

TEST(MapPreprocessing, PolynomialFeaturesMatchScikitLearnExactly) {
  EXPECT_CASES_MATCH_SKLEARN([](const std::string& n) { return StartsWith(n, "prep_poly_"); }, 7);
}

TEST(MapPreprocessing, KBinsDiscretizerMatchesScikitLearnExactly) {
  EXPECT_CASES_MATCH_SKLEARN([](const std::string& n) { return StartsWith(n, "prep_kbins_"); }, 5);
}

TEST(MapPreprocessing, PipelinesBeforeClassifiersAndRegressorsMatchScikitLearn) {
  EXPECT_CASES_MATCH_SKLEARN([](const std::string& n) { return StartsWith(n, "prep_pipe_"); }, 7);
}

TEST(MapPreprocessing, OtherVersionsAndNumpy2MatchScikitLearn) {
  EXPECT_CASES_MATCH_SKLEARN(IsPrepOtherVersion, 15);
}

TEST(MapPreprocessing, NormalizerWithoutNFeaturesInTakesAnyWidth) {
  REQUIRE_CASES();
  auto conv = MapFile(Cases::Get().file("prep_old021_normalizer_any_width.p4.pkl"));
  ASSERT_TRUE(conv.ok()) << conv.status().ToString();
  const auto& e = std::get<estimators::Estimator>(*conv->content);
  EXPECT_EQ(e.NumFeatures(), estimators::kAnyWidth);
  std::vector<double> x{3, 4, 0, 0, 0, 0, 0, 12};
  auto y = estimators::Transform(e, {x, 1, 8});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  EXPECT_EQ(y->data[0], 3.0 / 13);  // the l2 norm of the 8 values is 13
  EXPECT_EQ(y->data[7], 12.0 / 13);
  // The 1.2.1 file of the same model checks the width.
  auto fixed = MapFile(Cases::Get().file("prep_normalizer_l2.p4.pkl"));
  ASSERT_TRUE(fixed.ok()) << fixed.status().ToString();
  auto refused = estimators::Transform(std::get<estimators::Estimator>(*fixed->content), {x, 1, 8});
  EXPECT_EQ(refused.status().code(), Code::kInvalidArgument);
}

TEST(MapPreprocessing, SimpleImputerDropsTheColumnWithoutStatistic) {
  REQUIRE_CASES();
  auto conv = MapFile(Cases::Get().file("prep_imputer_median_indicator.p5.pkl"));
  ASSERT_TRUE(conv.ok()) << conv.status().ToString();
  const auto& e = std::get<estimators::Estimator>(*conv->content);
  const auto& s = std::get<estimators::SimpleImputer>(e.model);
  EXPECT_EQ(s.kept, (std::vector<int32_t>{0, 1, 2, 3}));      // column 4 was all NaN
  EXPECT_EQ(s.indicator, (std::vector<int32_t>{0, 2, 4}));  // features with NaN at fit
  EXPECT_EQ(e.TransformWidth(), 7);
}

// ---- refusals -------------------------------------------------------------------

TEST(MapPreprocessingRefuses, ImputerOfStringsOrOtherMissingValues) {
  EXPECT_MAP_REFUSED("prep_imputer_object_statistics", Code::kUnsupported, "SimpleImputer",
                     "statistics_ of dtype object");
  EXPECT_MAP_REFUSED("prep_imputer_missing_str", Code::kUnsupported, "missing_values str", "not a number");
  EXPECT_MAP_REFUSED("prep_imputer_no_keep_empty_1_2", Code::kUnsupported, "missing attribute 'keep_empty_features'",
                     "1.2.1");
}

TEST(MapPreprocessingRefuses, ImputerStatisticsBroken) {
  EXPECT_MAP_REFUSED("prep_imputer_statistics_inf", Code::kCorruption, "SimpleImputer.statistics_[0]: inf");
  EXPECT_MAP_REFUSED("prep_imputer_statistics_short", Code::kCorruption,
                     "SimpleImputer.statistics_: 4 values but n_features_in_ is 5");
}

TEST(MapPreprocessingRefuses, IndicatorFeaturesBroken) {
  EXPECT_MAP_REFUSED("prep_imputer_indicator_out_of_range", Code::kCorruption,
                     "SimpleImputer.indicator_.features_[1]: 9 out of range [0, 5)");
  EXPECT_MAP_REFUSED("prep_imputer_indicator_not_increasing", Code::kCorruption,
                     "SimpleImputer.indicator_.features_[1]: 0 does not follow 2");
  EXPECT_MAP_REFUSED("prep_imputer_indicator_other_missing", Code::kCorruption,
                     "SimpleImputer.indicator_.missing_values", "differs");
}

TEST(MapPreprocessingRefuses, ScalersBroken) {
  EXPECT_MAP_REFUSED("prep_maxabs_zero_scale", Code::kCorruption, "MaxAbsScaler.scale_[1]: 0 is not a valid scale");
  EXPECT_MAP_REFUSED("prep_robust_nan_center", Code::kCorruption, "RobustScaler.center_[2]: nan is not finite");
  EXPECT_MAP_REFUSED("prep_robust_center_none", Code::kUnsupported, "RobustScaler", "'center_' is missing or None");
}

TEST(MapPreprocessingRefuses, NormalizerAndBinarizerBroken) {
  EXPECT_MAP_REFUSED("prep_normalizer_norm_l3", Code::kUnsupported, "Normalizer", "norm 'l3'");
  EXPECT_MAP_REFUSED("prep_binarizer_nan_threshold", Code::kCorruption, "Binarizer.threshold: nan");
}

TEST(MapPreprocessingRefuses, PolynomialFeaturesBroken) {
  EXPECT_MAP_REFUSED("prep_poly_n_output_wrong", Code::kCorruption,
                     "PolynomialFeatures.n_output_features_: 99 but 15 terms");
  EXPECT_MAP_REFUSED("prep_poly_degree_huge", Code::kLimitExceeded, "PolynomialFeatures.n_output_features_",
                     "term entries");
  EXPECT_MAP_REFUSED("prep_poly_min_above_max", Code::kCorruption, "PolynomialFeatures.degree: (3, 2)");
}

TEST(MapPreprocessingRefuses, KBinsEdgesBroken) {
  EXPECT_MAP_REFUSED("prep_kbins_edges_decreasing", Code::kCorruption, "KBinsDiscretizer.bin_edges_[1][1]",
                     "is below the edge before it");
  EXPECT_MAP_REFUSED("prep_kbins_edges_nan", Code::kCorruption, "KBinsDiscretizer.bin_edges_[0][2]: nan");
  EXPECT_MAP_REFUSED("prep_kbins_interior_inf", Code::kCorruption,
                     "KBinsDiscretizer.bin_edges_[2][1]: inf is not a finite interior edge");
}

TEST(MapPreprocessingRefuses, KBinsCountsBroken) {
  EXPECT_MAP_REFUSED("prep_kbins_n_bins_zero", Code::kCorruption, "KBinsDiscretizer.n_bins_[0]: 0 out of range");
  EXPECT_MAP_REFUSED("prep_kbins_n_bins_mismatch", Code::kCorruption, "KBinsDiscretizer.bin_edges_", "n_bins_ needs");
}

TEST(MapPreprocessingRefuses, KBinsParametersAndEncoderBroken) {
  EXPECT_MAP_REFUSED("prep_kbins_encoder_categories", Code::kCorruption, "KBinsDiscretizer._encoder.categories_[0]",
                     "not the categories 0..");
  EXPECT_MAP_REFUSED("prep_kbins_dtype_int", Code::kUnsupported, "KBinsDiscretizer", "dtype global numpy.int64");
  EXPECT_MAP_REFUSED("prep_kbins_encode_unknown", Code::kUnsupported, "encode 'thermometer'");
}

TEST(MapPreprocessingRefuses, PipelineWidthMismatch) {
  EXPECT_MAP_REFUSED("prep_pipe_width_mismatch", Code::kCorruption,
                     "Pipeline.steps[1]: expects 21 features but the step before produces 56");
}

}  // namespace
}  // namespace safemodel::mapping
