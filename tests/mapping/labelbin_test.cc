// LabelBinarizer end to end: scikit-learn 1.2.1 files (and files rewritten
// as 0.18/0.21/0.24/1.0 and numpy 2 would write them) converted, written,
// reopened and run on one column of string, integer, float or bool labels (or
// the 0/1 indicator matrix of a multilabel fit) against scikit-learn's
// transform (tests/mapping/cases/labelbin.py); the batches scikit-learn
// refuses or answers with another width; and the refuse_labelbin_* files.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "mapping_cases.h"

namespace safemodel::mapping {
namespace {

TEST(MapLabelBinarizer, MatchesScikitLearnExactly) {
  EXPECT_TABLE_CASES_MATCH_SKLEARN([](const std::string& n) { return StartsWith(n, "labelbin_"); }, 25);
}

TEST(MapLabelBinarizer, StringIntegerFloatAndMultilabelCasesAreAllThere) {
  // The families the brief names, each selected on its own so a missing one fails.
  EXPECT_TABLE_CASES_MATCH_SKLEARN([](const std::string& n) { return StartsWith(n, "labelbin_str_"); }, 5);
  EXPECT_TABLE_CASES_MATCH_SKLEARN([](const std::string& n) { return StartsWith(n, "labelbin_int_"); }, 5);
  EXPECT_TABLE_CASES_MATCH_SKLEARN([](const std::string& n) { return StartsWith(n, "labelbin_float_"); }, 2);
  EXPECT_TABLE_CASES_MATCH_SKLEARN([](const std::string& n) { return StartsWith(n, "labelbin_multilabel"); }, 2);
  EXPECT_TABLE_CASES_MATCH_SKLEARN([](const std::string& n) { return StartsWith(n, "labelbin_v") || StartsWith(n, "labelbin_numpy2_"); },
                5);
}

estimators::Estimator Load(const std::string& file) {
  auto conv = MapFile(Cases::Get().file(file));
  EXPECT_TRUE(conv.ok()) << conv.status().ToString();
  return std::get<estimators::Estimator>(std::move(*conv->content));
}

void CheckTransformRefused(const estimators::Estimator& e, const estimators::TableView& x, const std::string& want) {
  auto r = estimators::Transform(e, x);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_NE(r.status().message().find(want), std::string::npos) << r.status().message();
}
// transform refuses x with kInvalidArgument, naming `want`.
#define EXPECT_TRANSFORM_REFUSED(...) CheckTransformRefused(__VA_ARGS__)

TEST(MapLabelBinarizer, TwoClassFitOnThreeDistinctLabelsIsRefusedNamingTheUnseenOne) {
  REQUIRE_CASES();
  // scikit-learn: label_binarize(['yes','no','maybe'], classes=['no','yes']) -> 2 columns, not 1.
  const auto e = Load("labelbin_str_binary.p4.pkl");
  const std::vector<double> numbers{NAN, NAN, NAN};
  const std::vector<std::string> strings{"yes", "no", "maybe"};
  const std::vector<uint8_t> is_string{1, 1, 1};
  EXPECT_TRANSFORM_REFUSED(e, {3, 1, numbers, strings, is_string, {}}, "X[2, 0]: label 'maybe' was not seen in fit");
}

TEST(MapLabelBinarizer, ContinuousNanAndInfiniteLabelsAreRefusedNamingTheCell) {
  REQUIRE_CASES();
  const auto e = Load("labelbin_int_multiclass.p4.pkl");
  const std::vector<double> frac{1, 3, 1.5};
  EXPECT_TRANSFORM_REFUSED(e, estimators::TableView::Of({frac, 3, 1}), "X[2, 0]: 1.5 is not an integer");
  const std::vector<double> nan{NAN, 3};
  EXPECT_TRANSFORM_REFUSED(e, estimators::TableView::Of({nan, 2, 1}), "X[0, 0]: nan is not a label");
  const std::vector<double> inf{1, INFINITY};
  EXPECT_TRANSFORM_REFUSED(e, estimators::TableView::Of({inf, 2, 1}), "X[1, 0]: inf is not a label");
  const std::vector<double> two_cols{1, 3};
  EXPECT_TRANSFORM_REFUSED(e, estimators::TableView::Of({two_cols, 1, 2}), "X has 2 columns, expected 1");
}

TEST(MapLabelBinarizer, MultilabelInputWidthAndValuesAreChecked) {
  REQUIRE_CASES();
  const auto e = Load("labelbin_multilabel.p4.pkl");
  const std::vector<double> narrow{1, 0, 0, 1};
  EXPECT_TRANSFORM_REFUSED(e, estimators::TableView::Of({narrow, 2, 2}), "X has 2 columns, expected 3");
  const std::vector<double> two{1, 0, 2};
  EXPECT_TRANSFORM_REFUSED(e, estimators::TableView::Of({two, 1, 3}), "X[0, 2]: 2 in a multilabel-indicator input");
}

// ---- refusals -------------------------------------------------------------------

TEST(MapLabelBinarizerRefuses, FilesBrokenInOnePlace) {
  EXPECT_MAP_REFUSED("labelbin_neg_not_below_pos", Code::kCorruption, "neg_label: 1 is not less than pos_label 1");
  EXPECT_MAP_REFUSED("labelbin_classes_unsorted", Code::kCorruption, "classes_[1]: 'ant' after 'cat'");
  EXPECT_MAP_REFUSED("labelbin_classes_repeated", Code::kCorruption, "classes_[0][2]: 2 after 2");
  EXPECT_MAP_REFUSED("labelbin_classes_noninteger", Code::kCorruption, "classes_[0]: 0.5 is not an integer");
  EXPECT_MAP_REFUSED("labelbin_classes_nan", Code::kCorruption, "classes_[2]: nan is not an integer");
  EXPECT_MAP_REFUSED("labelbin_y_type_continuous", Code::kCorruption, "y_type_: 'continuous' is not a target");
  EXPECT_MAP_REFUSED("labelbin_y_type_multioutput", Code::kCorruption,
                     "y_type_: 'multiclass-multioutput' is not a target");
  EXPECT_MAP_REFUSED("labelbin_binary_three_classes", Code::kCorruption, "y_type_: 'binary' with 3 classes");
  EXPECT_MAP_REFUSED("labelbin_multiclass_two_classes", Code::kCorruption, "y_type_: 'multiclass' with 2 classes");
  EXPECT_MAP_REFUSED("labelbin_multilabel_classes", Code::kCorruption,
                     "classes_[1]: multilabel-indicator classes are 0..n_classes-1");
  EXPECT_MAP_REFUSED("labelbin_sparse_with_neg", Code::kCorruption, "sparse_output: sparse output with neg_label -1");
  EXPECT_MAP_REFUSED("labelbin_pos_label_fraction", Code::kCorruption, "pos_label: 1.5 is not an integer");
  EXPECT_MAP_REFUSED("labelbin_no_classes", Code::kUnsupported, "classes_");
}

}  // namespace
}  // namespace safemodel::mapping
