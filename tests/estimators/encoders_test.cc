// Builders of the encoders and column transformers: one test per check that
// refuses, hand-computed transforms, and a round trip through the file.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "estimators/estimator.h"
#include "smdl_roundtrip.h"
#include "estimators/estimator_test_util.h"

namespace safemodel::estimators {
namespace {

const std::vector<std::string> kColors{"red", "blue", "green"};  // given order, not sorted
const std::vector<double> kNums{1.0, 2.0, 5.0};

CategoricalEncoderInput OneHot() {
  CategoricalEncoderInput in;
  in.kind = EncoderKind::kOneHot;
  EncoderFeatureInput s;
  s.is_string = true;
  s.strings = kColors;
  EncoderFeatureInput n;
  n.numbers = kNums;
  in.features = {s, n};
  return in;
}

// The builder refuses `in` with `code`, naming `part`.
#define EXPECT_ENCODER_REFUSED(in, code, part) EXPECT_REFUSED(BuildCategoricalEncoder(in, "enc"), code, part)

TEST(BuildCategoricalEncoder, RefusesEachBrokenField) {
  auto in = OneHot();
  in.features.clear();
  EXPECT_ENCODER_REFUSED(in, Code::kCorruption, "enc.categories_: no features");
  in = OneHot();
  in.n_features_in = 3;
  EXPECT_ENCODER_REFUSED(in, Code::kCorruption, "enc.n_features_in_: 3");
  const std::vector<double> unsorted{2.0, 1.0};
  in = OneHot();
  in.features[1].numbers = unsorted;
  EXPECT_ENCODER_REFUSED(in, Code::kCorruption, "enc.categories_[1][1]: 1 after 2");
  const std::vector<double> nan_first{NAN, 1.0};
  in.features[1].numbers = nan_first;
  EXPECT_ENCODER_REFUSED(in, Code::kCorruption, "enc.categories_[1][0]: nan before the end");
  const std::vector<double> inf{1.0, INFINITY};
  in.features[1].numbers = inf;
  EXPECT_ENCODER_REFUSED(in, Code::kCorruption, "enc.categories_[1][1]: inf is not finite");
  const std::vector<std::string> twice{"a", "b", "a"};
  in = OneHot();
  in.features[0].strings = twice;
  EXPECT_ENCODER_REFUSED(in, Code::kCorruption, "enc.categories_[0][2]: 'a' appears twice");
  in = OneHot();
  in.features[1].numbers = {};
  EXPECT_ENCODER_REFUSED(in, Code::kCorruption, "enc.categories_[1]: no categories");
  in = OneHot();
  in.features[0].drop = 3;
  EXPECT_ENCODER_REFUSED(in, Code::kCorruption, "enc.drop_idx_[0]: 3 out of range [0, 3)");
  const std::vector<int64_t> bad_inf{2, 1};
  in = OneHot();
  in.features[0].infrequent = bad_inf;
  EXPECT_ENCODER_REFUSED(in, Code::kCorruption, "enc._infrequent_indices[0][1]: 1 out of range");
  in = OneHot();
  in.kind = EncoderKind::kOrdinal;
  in.features[0].drop = 0;
  EXPECT_ENCODER_REFUSED(in, Code::kCorruption, "drop or infrequent categories on an encoder that has none");
  in = OneHot();
  in.handle_unknown = UnknownRule::kUseEncodedValue;
  EXPECT_ENCODER_REFUSED(in, Code::kCorruption, "enc.handle_unknown");
  in = OneHot();
  in.kind = EncoderKind::kOrdinal;
  in.handle_unknown = UnknownRule::kUseEncodedValue;
  in.unknown_value = 0.5;
  EXPECT_ENCODER_REFUSED(in, Code::kCorruption, "enc.unknown_value: 0.5");
  in = OneHot();
  in.kind = EncoderKind::kLabel;
  EXPECT_ENCODER_REFUSED(in, Code::kCorruption, "enc.classes_: one column only");
}

TEST(CategoricalEncoder, OneHotWithInfrequentDropAndUnknowns) {
  auto in = OneHot();
  const std::vector<int64_t> infreq{0, 2};  // red, green infrequent: groups blue=0, {red, green}=1
  in.features[0].infrequent = infreq;
  in.features[1].drop = 0;  // drop 1.0
  in.handle_unknown = UnknownRule::kInfrequentIfExist;
  auto e = BuildCategoricalEncoder(in, "enc");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(TransformWidth(*e), 4);
  const std::vector<double> numbers{NAN, 5.0, NAN, 1.0, NAN, 7.0};
  const std::vector<std::string> strings{"green", "5", "blue", "1", "pink", "7"};
  const std::vector<uint8_t> is_string{1, 0, 1, 0, 1, 0};
  auto y = Transform(*e, TableView{3, 2, numbers, strings, is_string, {}});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  EXPECT_EQ(y->data, (std::vector<double>{0, 1, 0, 1, 1, 0, 0, 0, 0, 1, 0, 0}));
}

TEST(CategoricalEncoder, UnknownWithErrorNamesTheCell) {
  auto e = BuildCategoricalEncoder(OneHot(), "enc");
  ASSERT_TRUE(e.ok());
  const std::vector<double> numbers{NAN, 3.0};
  const std::vector<std::string> strings{"red", "3"};
  const std::vector<uint8_t> is_string{1, 0};
  auto y = Transform(*e, TableView{1, 2, numbers, strings, is_string, {}});
  ASSERT_FALSE(y.ok());
  EXPECT_EQ(y.status().code(), Code::kInvalidArgument);
  EXPECT_NE(y.status().message().find("X[0, 1]: unknown category '3'"), std::string::npos) << y.status().message();
}

Result<ColumnTransformer> MakeCt(std::vector<std::vector<int64_t>> cols, int64_t remainder = -1) {
  std::vector<Estimator> parts;
  auto oh = BuildCategoricalEncoder(OneHot(), "oh");
  if (!oh.ok()) return oh.status();
  parts.emplace_back(std::move(*oh));
  auto pass = BuildPipeline({}, {}, "p");
  if (!pass.ok()) return pass.status();
  parts.push_back(std::move(*pass));
  ColumnTransformerInput in;
  in.n_features_in = 3;
  in.names = {"oh", "remainder"};
  in.parts = &parts;
  in.columns = std::move(cols);
  in.weights = {1.0, 2.0};
  in.remainder = remainder;
  return BuildColumnTransformer(std::move(in), "ct");
}

TEST(BuildColumnTransformer, RefusesEachBrokenField) {
  auto r = MakeCt({{0, 3}, {2}});
  EXPECT_NE(r.status().message().find("ct.transformers_[0].columns[1]: 3 out of range [0, 3)"), std::string::npos)
      << r.status().message();
  r = MakeCt({{0, 0}, {2}});
  EXPECT_NE(r.status().message().find("column 0 twice"), std::string::npos) << r.status().message();
  r = MakeCt({{0}, {2}});
  EXPECT_NE(r.status().message().find("OneHotEncoder expects 2 features but is given 1"), std::string::npos)
      << r.status().message();
  r = MakeCt({{0, 1}, {}});
  EXPECT_NE(r.status().message().find("selects no column"), std::string::npos) << r.status().message();
  r = MakeCt({{0, 1}, {1}}, 1);
  EXPECT_NE(r.status().message().find("the remainder holds column 1"), std::string::npos) << r.status().message();
  r = MakeCt({{0, 1}, {2}}, 5);
  EXPECT_NE(r.status().message().find("ct.remainder: part 5 out of range"), std::string::npos)
      << r.status().message();
  EXPECT_EQ(r.status().code(), Code::kCorruption);
}

TEST(ColumnTransformer, TransformsRoundTripsThroughTheFile) {
  auto ct = MakeCt({{1, 0}, {2}}, 1);
  ASSERT_TRUE(ct.ok()) << ct.status().ToString();
  Estimator e{std::move(*ct)};
  EXPECT_EQ(e.TransformWidth(), 7);
  const std::vector<double> numbers{2.0, NAN, 4.5};
  const std::vector<std::string> strings{"2", "blue", "4.5"};
  const std::vector<uint8_t> is_string{0, 1, 0};
  const std::vector<double> want{0, 1, 0, 0, 1, 0, 9.0};
  auto y = Transform(e, TableView{1, 3, numbers, strings, is_string, {}});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  EXPECT_EQ(y->data, want);
  safemodel::testing::TempDir dir;
  auto m = testing::WriteAndInspect(e, dir);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->estimator_class(), "ColumnTransformer");
  Table t{1, 3, numbers, strings, is_string, {}};
  auto out = m->Run(Method::kTransform, t);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->numbers, want);
}

}  // namespace
}  // namespace safemodel::estimators
