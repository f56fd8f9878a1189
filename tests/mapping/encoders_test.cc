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

// The case's X as a Table: strings are string cells, null is NaN.
Table ToTable(const Json& c) {
  Table t;
  const Json& x = c["X"];
  t.rows = x.size();
  t.cols = x.empty() ? 0 : x[0].size();
  bool any_string = false;
  for (const auto& r : x) {
    for (const auto& v : r) any_string |= v.is_string();
  }
  for (const auto& r : x) {
    for (const auto& v : r) {
      const bool s = v.is_string();
      t.numbers.push_back(s || v.is_null() ? NAN : v.get<double>());
      if (any_string) {
        t.strings.push_back(s ? v.get<std::string>() : (v.is_null() ? "" : std::to_string(v.get<double>())));
        t.is_string.push_back(s ? 1 : 0);
      }
    }
  }
  if (c.contains("columns")) t.column_names = c["columns"].get<std::vector<std::string>>();
  return t;
}

void CheckTable(const Model& model, const Table& x, const Json& check) {
  const std::string method = check["method"];
  SCOPED_TRACE(method);
  auto out = model.Run(*MethodFromName(method), x);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  if (check.contains("labels")) {
    const Json want = FlatLabels(check["labels"]);
    ASSERT_EQ(out->rows * out->cols, want.size());
    for (size_t i = 0; i < want.size(); ++i) {
      if (out->kind == Output::Kind::kStringLabels) {
        EXPECT_EQ(out->strings[i], want[i].get<std::string>()) << "row " << i;
      } else {
        ASSERT_EQ(out->kind, Output::Kind::kIntLabels);
        EXPECT_EQ(out->ints[i], want[i].get<int64_t>()) << "row " << i;
      }
    }
    return;
  }
  size_t wr = 0, wc = 0;
  const std::vector<double> want = Flatten(check["numbers"], &wr, &wc);
  ASSERT_EQ(out->kind, Output::Kind::kNumbers);
  ASSERT_EQ(out->rows, wr);
  ASSERT_EQ(out->cols, wc);
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_TRUE(Close(out->numbers[i], want[i], check["exact"].get<bool>()))
        << "element " << i << ": got " << out->numbers[i] << " want " << want[i];
  }
}

void RunTableCases(const std::function<bool(const std::string&)>& select, int min_cases) {
  REQUIRE_CASES();
  int cases = 0, compared = 0;
  for (const auto& c : Cases::Get().manifest()) {
    const std::string name = c["name"];
    if (!c.contains("table") || !select(name)) continue;
    SCOPED_TRACE("case " + name);
    ++cases;
    const Table x = ToTable(c);
    for (const auto& f : c["files"]) {
      SCOPED_TRACE(f.get<std::string>());
      auto conv = MapFile(Cases::Get().file(f));
      ASSERT_TRUE(conv.ok()) << conv.status().ToString();
      ASSERT_TRUE(conv->content.has_value());
      EXPECT_EQ(conv->metadata.library_versions["scikit-learn"], c["version"].get<std::string>());
      testing::TempDir tmp;
      Status w = format::WriteContent(tmp / "m.smdl", conv->metadata, *conv->content);
      ASSERT_TRUE(w.ok()) << w.ToString();
      auto model = Model::Inspect(tmp / "m.smdl");
      ASSERT_TRUE(model.ok()) << model.status().ToString();
      EXPECT_EQ(model->estimator_class(), c["class"].get<std::string>());
      for (const auto& check : c["checks"]) {
        CheckTable(*model, x, check);
        ++compared;
      }
    }
  }
  EXPECT_GE(cases, min_cases);
  std::printf("%d cases, %d (file, method) comparisons\n", cases, compared);
}

TEST(MapEncoders, OneHotEncoderMatchesScikitLearnExactly) {
  RunTableCases([](const std::string& n) { return StartsWith(n, "enc_onehot_"); }, 12);
}

TEST(MapEncoders, OrdinalAndLabelEncodersMatchScikitLearnExactly) {
  RunTableCases([](const std::string& n) { return StartsWith(n, "enc_ordinal_") || StartsWith(n, "enc_label_"); },
                6);
}

TEST(MapEncoders, ColumnTransformerAndFeatureUnionMatchScikitLearn) {
  RunTableCases([](const std::string& n) { return StartsWith(n, "enc_ct_") || StartsWith(n, "enc_union"); }, 5);
}

TEST(MapEncoders, PipelinesFromStringTablesMatchScikitLearn) {
  RunTableCases([](const std::string& n) { return StartsWith(n, "enc_pipe_"); }, 2);
}

// Stacking, voting, calibration and one-vs-rest over pipelines whose
// ColumnTransformers read string columns (with unknown categories), and a text
// column vectorized inside a ColumnTransformer.
TEST(MapEncoders, MetaEstimatorsAndTextOverStringTablesMatchScikitLearn) {
  RunTableCases([](const std::string& n) { return StartsWith(n, "enc_mix_"); }, 8);
}

TEST(MapEncoders, OtherVersionsAndNumpy2MatchScikitLearn) {
  RunTableCases([](const std::string& n) { return StartsWith(n, "enc_v") || StartsWith(n, "enc_numpy2_"); }, 4);
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
