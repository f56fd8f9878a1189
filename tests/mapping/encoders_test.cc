// Encoders and column transformers end to end: scikit-learn 1.2.1 files (and
// files rewritten as 0.21/0.23 and numpy 2 would write them) of
// OneHotEncoder, OrdinalEncoder, LabelEncoder, ColumnTransformer and
// FeatureUnion, alone and first in pipelines, converted, written, reopened and
// run on tables of string and number cells (with column names for the
// DataFrame cases) against scikit-learn's outputs
// (tests/mapping/cases/encoders.py); and the refuse_enc_* files.
#include <gtest/gtest.h>

#include <string>

#include "mapping_cases.h"

namespace safemodel::mapping {
namespace {

TEST(MapEncoders, OneHotEncoderMatchesScikitLearnExactly) {
  EXPECT_TABLE_CASES_MATCH_SKLEARN([](const std::string& n) { return StartsWith(n, "enc_onehot_"); }, 12);
}

TEST(MapEncoders, OrdinalAndLabelEncodersMatchScikitLearnExactly) {
  EXPECT_TABLE_CASES_MATCH_SKLEARN([](const std::string& n) { return StartsWith(n, "enc_ordinal_") || StartsWith(n, "enc_label_"); },
                6);
}

TEST(MapEncoders, ColumnTransformerAndFeatureUnionMatchScikitLearn) {
  EXPECT_TABLE_CASES_MATCH_SKLEARN([](const std::string& n) { return StartsWith(n, "enc_ct_") || StartsWith(n, "enc_union"); }, 5);
}

TEST(MapEncoders, PipelinesFromStringTablesMatchScikitLearn) {
  EXPECT_TABLE_CASES_MATCH_SKLEARN([](const std::string& n) { return StartsWith(n, "enc_pipe_"); }, 2);
}

// Stacking, voting, calibration and one-vs-rest over pipelines whose
// ColumnTransformers read string columns (with unknown categories), and a text
// column vectorized inside a ColumnTransformer.
TEST(MapEncoders, MetaEstimatorsAndTextOverStringTablesMatchScikitLearn) {
  EXPECT_TABLE_CASES_MATCH_SKLEARN([](const std::string& n) { return StartsWith(n, "enc_mix_"); }, 8);
}

TEST(MapEncoders, OtherVersionsAndNumpy2MatchScikitLearn) {
  EXPECT_TABLE_CASES_MATCH_SKLEARN([](const std::string& n) { return StartsWith(n, "enc_v") || StartsWith(n, "enc_numpy2_"); }, 4);
}

TEST(MapEncoders, UnknownCategoryWithErrorNamesRowColumnAndValue) {
  REQUIRE_CASES();
  auto conv = MapFile(Cases::Get().file("enc_onehot_str_error.p4.pkl"));
  ASSERT_TRUE(conv.ok()) << conv.status().ToString();
  const auto& e = std::get<estimators::Estimator>(*conv->content);
  const std::vector<double> numbers{NAN, NAN, NAN, NAN};
  const std::vector<std::string> strings{"red", "S", "red", "XXL"};
  const std::vector<uint8_t> is_string{1, 1, 1, 1};
  auto r = estimators::Transform(e, estimators::TableView{2, 2, numbers, strings, is_string, {}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_NE(r.status().message().find("X[1, 1]: unknown category 'XXL' in column 1"), std::string::npos)
      << r.status().message();
}

// ---- refusals -------------------------------------------------------------------

TEST(MapEncodersRefuses, FilesBrokenInOnePlace) {
  EXPECT_MAP_REFUSED("enc_drop_out_of_range", Code::kCorruption, "drop_idx_[1]: 9 out of range [0, 3)");
  EXPECT_MAP_REFUSED("enc_numeric_unsorted", Code::kCorruption, "categories_[0][1]: 1 after 3");
  EXPECT_MAP_REFUSED("enc_string_repeated", Code::kCorruption, "categories_[0][2]: 'a' appears twice");
  EXPECT_MAP_REFUSED("enc_infrequent_out_of_range", Code::kCorruption, "_infrequent_indices[0][1]: 8 out of range");
  EXPECT_MAP_REFUSED("enc_ct_column_out_of_range", Code::kCorruption, "transformers_[0][2]", "column 5 out of range");
  EXPECT_MAP_REFUSED("enc_ct_width_mismatch", Code::kCorruption, "OrdinalEncoder expects 2 features but is given 1");
  EXPECT_MAP_REFUSED("enc_ct_unknown_name", Code::kCorruption, "no input column named 'zz'");
  EXPECT_MAP_REFUSED("enc_ct_bad_remainder", Code::kCorruption,
                     "the remainder holds column 0 which another transformer selects");
}

}  // namespace
}  // namespace safemodel::mapping
