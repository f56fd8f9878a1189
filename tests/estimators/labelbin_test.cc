// LabelBinarizer (the labelBinarizer kind of CategoricalEncoder): one test
// per builder check that refuses, hand-computed transforms of label_binarize's
// corner cases, and round trips through the file (string labels, multilabel).
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "estimators/estimator.h"
#include "smdl_roundtrip.h"
#include "estimators/estimator_test_util.h"

namespace safemodel::estimators {
namespace {

const std::vector<std::string> kAnimals{"ant", "cat", "dog"};
const std::vector<double> kInts{1.0, 4.0, 9.0};
const std::vector<double> kTwo{0.0, 1.0};
const std::vector<double> kIndicator{0.0, 1.0, 2.0};

CategoricalEncoderInput Binarizer(std::span<const std::string> strings, std::span<const double> numbers,
                                  LabelTarget t = LabelTarget::kMulticlass) {
  CategoricalEncoderInput in;
  in.kind = EncoderKind::kLabelBinarizer;
  in.y_type = t;
  EncoderFeatureInput f;
  f.is_string = !strings.empty();
  f.strings = strings;
  f.numbers = numbers;
  in.features = {f};
  return in;
}

// The builder refuses `in` with `code`, naming `part`.
#define EXPECT_ENCODER_REFUSED(in, code, part) EXPECT_REFUSED(BuildCategoricalEncoder(in, "lb"), code, part)

TEST(BuildLabelBinarizer, AcceptsWhatFitLeaves) {
  auto e = BuildCategoricalEncoder(Binarizer(kAnimals, {}), "lb");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(ClassNameOf(*e), "LabelBinarizer");
  EXPECT_EQ(e->n_features, 1);
  EXPECT_EQ(TransformWidth(*e), 3);
  auto b = BuildCategoricalEncoder(Binarizer({}, kTwo, LabelTarget::kBinary), "lb");
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(TransformWidth(*b), 1);
  auto m = BuildCategoricalEncoder(Binarizer({}, kIndicator, LabelTarget::kMultilabel), "lb");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->n_features, 3);
  EXPECT_EQ(TransformWidth(*m), 3);
}

TEST(BuildLabelBinarizer, RefusesUnsortedOrRepeatedClasses) {
  const std::vector<std::string> unsorted{"cat", "ant", "dog"};
  EXPECT_ENCODER_REFUSED(Binarizer(unsorted, {}), Code::kCorruption, "lb.classes_[1]: 'ant' after 'cat'");
  const std::vector<std::string> repeated{"ant", "cat", "cat"};
  EXPECT_ENCODER_REFUSED(Binarizer(repeated, {}), Code::kCorruption, "'cat' appears twice");
  const std::vector<double> down{1.0, 9.0, 4.0};
  EXPECT_ENCODER_REFUSED(Binarizer({}, down), Code::kCorruption, "lb.classes_[0][2]: 4 after 9");
}

TEST(BuildLabelBinarizer, RefusesNonIntegralOrMissingClasses) {
  const std::vector<double> frac{1.0, 2.5, 4.0};
  EXPECT_ENCODER_REFUSED(Binarizer({}, frac), Code::kCorruption, "lb.classes_[1]: 2.5 is not an integer");
  const std::vector<double> nan{1.0, 2.0, NAN};
  EXPECT_ENCODER_REFUSED(Binarizer({}, nan), Code::kCorruption, "lb.classes_[2]: nan is not an integer");
  const std::vector<double> huge{1.0, 2.0, 1e300};
  EXPECT_ENCODER_REFUSED(Binarizer({}, huge), Code::kCorruption, "lb.classes_[2]");
  auto in = Binarizer(kAnimals, {});
  in.features[0].has_none = true;
  EXPECT_ENCODER_REFUSED(in, Code::kCorruption, "lb.classes_: None or nan among the classes");
  in = Binarizer({}, {});
  EXPECT_ENCODER_REFUSED(in, Code::kCorruption, "no categories");
}

TEST(BuildLabelBinarizer, RefusesAYTypeItsClassCountCannotHave) {
  EXPECT_ENCODER_REFUSED(Binarizer(kAnimals, {}, LabelTarget::kBinary), Code::kCorruption, "lb.y_type_: 'binary' with 3");
  EXPECT_ENCODER_REFUSED(Binarizer({}, kTwo, LabelTarget::kMulticlass), Code::kCorruption, "'multiclass' with 2 classes");
  const std::vector<double> one{0.0};
  EXPECT_ENCODER_REFUSED(Binarizer({}, one, LabelTarget::kMultilabel), Code::kCorruption,
                "'multilabel-indicator' with 1 classes");
  EXPECT_ENCODER_REFUSED(Binarizer({}, kInts, LabelTarget::kMultilabel), Code::kCorruption,
                "lb.classes_[0]: multilabel-indicator classes are 0..n_classes-1");
  EXPECT_ENCODER_REFUSED(Binarizer(kAnimals, {}, LabelTarget::kMultilabel), Code::kCorruption, "0..n_classes-1");
}

TEST(BuildLabelBinarizer, RefusesNegLabelNotBelowPosLabel) {
  auto in = Binarizer(kAnimals, {});
  in.neg_label = 2;
  in.pos_label = 2;
  EXPECT_ENCODER_REFUSED(in, Code::kCorruption, "lb.neg_label: 2 is not less than pos_label 2");
  in.neg_label = 0;
  in.pos_label = -1;
  EXPECT_ENCODER_REFUSED(in, Code::kCorruption, "lb.neg_label: 0 is not less than pos_label -1");
  in.neg_label = -(int64_t{1} << 60);
  in.pos_label = 1;
  EXPECT_ENCODER_REFUSED(in, Code::kCorruption, "beyond +-2^53");
}

TEST(BuildLabelBinarizer, RefusesLayoutMismatches) {
  auto in = Binarizer(kAnimals, {});
  in.features.push_back(in.features[0]);
  EXPECT_ENCODER_REFUSED(in, Code::kCorruption, "lb.classes_: one column only");
  in = Binarizer({}, kIndicator, LabelTarget::kMultilabel);
  in.n_features_in = 1;
  EXPECT_ENCODER_REFUSED(in, Code::kCorruption, "lb.n_features_in_: 1 but the binarizer reads 3 columns");
  in = Binarizer(kAnimals, {});
  in.handle_unknown = UnknownRule::kIgnore;
  EXPECT_ENCODER_REFUSED(in, Code::kCorruption, "lb.handle_unknown");
  in = Binarizer(kAnimals, {});
  in.features[0].drop = 0;
  EXPECT_ENCODER_REFUSED(in, Code::kCorruption, "drop or infrequent categories on an encoder that has none");
}

TEST(BuildLabelBinarizer, OtherKindsRefuseLabelSettings) {
  auto in = Binarizer(kAnimals, {});
  in.kind = EncoderKind::kLabel;
  in.y_type = LabelTarget::kBinary;
  in.neg_label = -1;
  EXPECT_ENCODER_REFUSED(in, Code::kCorruption, "lb.y_type_: LabelBinarizer settings on LabelEncoder");
}

Matrix Binarize(const CategoricalEncoder& e, const std::vector<std::string>& labels) {
  const std::vector<double> numbers(labels.size(), NAN);
  const std::vector<uint8_t> is_string(labels.size(), 1);
  auto y = Transform(e, TableView{labels.size(), 1, numbers, labels, is_string, {}});
  EXPECT_TRUE(y.ok()) << y.status().ToString();
  return y.ok() ? std::move(*y) : Matrix{};
}

TEST(LabelBinarizer, MulticlassWithSettingsAndUnseenLabels) {
  auto in = Binarizer(kAnimals, {});
  in.neg_label = -1;
  in.pos_label = 2;
  auto e = BuildCategoricalEncoder(in, "lb");
  ASSERT_TRUE(e.ok());
  const Matrix y = Binarize(*e, {"dog", "fox", "ant"});
  EXPECT_EQ(y.cols, 3u);
  EXPECT_EQ(y.data, (std::vector<double>{-1, -1, 2, -1, -1, -1, 2, -1, -1}));
}

TEST(LabelBinarizer, BinaryAndSingleClassDependOnTheBatch) {
  const std::vector<std::string> two{"no", "yes"};
  auto b = BuildCategoricalEncoder(Binarizer(two, {}, LabelTarget::kBinary), "lb");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(Binarize(*b, {"yes", "maybe", "yes"}).data, (std::vector<double>{1, 0, 1}));
  const std::vector<double> numbers(3, NAN);
  const std::vector<std::string> three{"yes", "no", "maybe"};
  const std::vector<uint8_t> is_string(3, 1);
  auto r = Transform(*b, TableView{3, 1, numbers, three, is_string, {}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_NE(r.status().message().find("X[2, 0]: label 'maybe' was not seen in fit"), std::string::npos);

  const std::vector<std::string> one{"a"};
  auto s = BuildCategoricalEncoder(Binarizer(one, {}, LabelTarget::kBinary), "lb");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(Binarize(*s, {"a", "b", "a"}).data, (std::vector<double>{0, 0, 0}));
  EXPECT_EQ(Binarize(*s, {"a", "b", "c"}).data, (std::vector<double>{1, 0, 0}));
}

TEST(LabelBinarizer, NumbersAndTheirRefusals) {
  auto in = Binarizer({}, kInts);
  in.neg_label = -2;
  in.pos_label = 0;
  auto e = BuildCategoricalEncoder(in, "lb");
  ASSERT_TRUE(e.ok());
  const std::vector<double> x{9, 5, 1};
  auto y = Transform(*e, TableView::Of({x, 3, 1}));
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  EXPECT_EQ(y->data, (std::vector<double>{-2, -2, 0, -2, -2, -2, 0, -2, -2}));
  const std::vector<double> frac{1, 0.25};
  auto r = Transform(*e, TableView::Of({frac, 2, 1}));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("X[1, 0]: 0.25 is not an integer"), std::string::npos);
  // A string label on numeric classes is unseen, not an error (np.in1d is False).
  const std::vector<double> numbers{NAN, 4};
  const std::vector<std::string> strings{"x", "4"};
  const std::vector<uint8_t> is_string{1, 0};
  auto m = Transform(*e, TableView{2, 1, numbers, strings, is_string, {}});
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->data, (std::vector<double>{-2, -2, -2, -2, 0, -2}));
}

TEST(LabelBinarizer, StringLabelsRoundTripThroughTheFile) {
  auto in = Binarizer(kAnimals, {});
  in.neg_label = -1;
  auto b = BuildCategoricalEncoder(in, "lb");
  ASSERT_TRUE(b.ok());
  Estimator e{std::move(*b)};
  EXPECT_EQ(e.TransformWidth(), 3);
  safemodel::testing::TempDir dir;
  auto m = testing::WriteAndInspect(e, dir);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->estimator_class(), "LabelBinarizer");
  const std::vector<double> numbers(3, NAN);
  const std::vector<std::string> strings{"cat", "eel", "ant"};
  const std::vector<uint8_t> is_string(3, 1);
  Table t{3, 1, numbers, strings, is_string, {}};
  auto out = m->Run(Method::kTransform, t);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->numbers, (std::vector<double>{-1, 1, -1, -1, -1, -1, 1, -1, -1}));
}

TEST(LabelBinarizer, MultilabelRoundTripsThroughTheFile) {
  auto in = Binarizer({}, kIndicator, LabelTarget::kMultilabel);
  in.neg_label = -3;
  in.pos_label = 7;
  auto b = BuildCategoricalEncoder(in, "lb");
  ASSERT_TRUE(b.ok());
  Estimator e{std::move(*b)};
  safemodel::testing::TempDir dir;
  auto m = testing::WriteAndInspect(e, dir);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  const std::vector<double> x{1, 0, 1, 0, 0, 0};
  Table t{2, 3, x, {}, {}, {}};
  auto out = m->Run(Method::kTransform, t);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->numbers, (std::vector<double>{7, -3, 7, -3, -3, -3}));
  EXPECT_EQ(out->cols, 3u);
}

}  // namespace
}  // namespace safemodel::estimators
