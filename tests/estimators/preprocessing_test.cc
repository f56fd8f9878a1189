// Numeric preprocessing transformers: each builder check refuses one broken
// field with its code and path; transforms computed by hand for small inputs
// (the scikit-learn comparisons are in tests/mapping/preprocessing_test.cc);
// pipelines of changing and free width; every model through the file.
#include <capnp/message.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "estimators/estimator_test_util.h"
#include "estimators/estimator.h"
#include "format/codec.h"
#include "format/estimator_codec.h"
#include "safemodel/model.h"
#include "test_util.h"

namespace safemodel::estimators {
namespace {

MatrixView View(const std::vector<double>& x, size_t rows, size_t cols) { return {x, rows, cols}; }

// ---- ColumnScaler (MaxAbsScaler, RobustScaler) -------------------------------------

ColumnScalerInput MaxAbs(const std::vector<double>& scale) {
  ColumnScalerInput in;
  in.kind = ColumnScalerKind::kMaxAbs;
  in.n_features_in = static_cast<int64_t>(scale.size());
  in.scale = scale;
  return in;
}

ColumnScalerInput Robust(const std::vector<double>& center, const std::vector<double>& scale) {
  ColumnScalerInput in;
  in.kind = ColumnScalerKind::kRobust;
  in.n_features_in = 2;
  in.with_centering = !center.empty();
  in.with_scaling = !scale.empty();
  in.center = center;
  in.scale = scale;
  return in;
}

TEST(BuildColumnScaler, ZeroScaleIsRefused) {
  std::vector<double> scale{2, 0};
  EXPECT_REFUSED(BuildColumnScaler(MaxAbs(scale), "m"), Code::kCorruption, "m.scale_[1]: 0 is not a valid scale");
}

TEST(BuildColumnScaler, NonFiniteValuesAreRefused) {
  std::vector<double> scale{kInf, 1}, center{1, kNaN}, ok{1, 1};
  EXPECT_REFUSED(BuildColumnScaler(MaxAbs(scale), "m"), Code::kCorruption, "m.scale_[0]: inf is not finite");
  EXPECT_REFUSED(BuildColumnScaler(Robust(center, ok), "r"), Code::kCorruption, "r.center_[1]: nan is not finite");
}

TEST(BuildColumnScaler, LengthMustMatchNFeaturesIn) {
  std::vector<double> three{1, 2, 3}, two{1, 2};
  EXPECT_REFUSED(BuildColumnScaler(Robust(three, two), "r"), Code::kCorruption,
                 "r.center_: 3 values but n_features_in_ is 2");
  auto in = MaxAbs(two);
  in.n_features_in = 0;
  EXPECT_REFUSED(BuildColumnScaler(in, "m"), Code::kCorruption, "m.n_features_in_: 0 out of range");
}

TEST(BuildColumnScaler, UsedArrayMissingOrUnusedPresent) {
  std::vector<double> two{1, 2};
  auto in = Robust(two, two);
  in.center = {};
  EXPECT_REFUSED(BuildColumnScaler(in, "r"), Code::kCorruption, "r.center_: 0 values but n_features_in_ is 2");
  in = Robust({}, two);
  in.center = two;
  EXPECT_REFUSED(BuildColumnScaler(in, "r"), Code::kCorruption, "r.center_: present although the step");
  in = MaxAbs(two);
  in.with_centering = true;
  in.center = two;
  EXPECT_REFUSED(BuildColumnScaler(in, "m"), Code::kCorruption, "a MaxAbsScaler scales and does not center");
}

TEST(BuildColumnScaler, UnknownKindIsRefused) {
  std::vector<double> two{1, 2};
  auto in = MaxAbs(two);
  in.kind = static_cast<ColumnScalerKind>(7);
  EXPECT_REFUSED(BuildColumnScaler(in, "m"), Code::kCorruption, "m.kind: 7 is not known");
}

TEST(ColumnScaler, CentersThenScalesAndPassesNaN) {
  std::vector<double> center{1, -1}, scale{2, 4};
  auto r = BuildColumnScaler(Robust(center, scale), "r");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(ClassNameOf(*r), "RobustScaler");
  std::vector<double> x{3, 3, kNaN, -1};
  auto y = Transform(*r, View(x, 2, 2));
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(y->data[0], 1.0);
  EXPECT_EQ(y->data[1], 1.0);
  EXPECT_TRUE(std::isnan(y->data[2]));
  EXPECT_EQ(y->data[3], 0.0);
  std::vector<double> bad{kInf, 0};
  EXPECT_REFUSED(Transform(*r, View(bad, 1, 2)), Code::kInvalidArgument, "X[0, 0]: inf");
}

TEST(ColumnScaler, RobustDoingNothingWithoutNFeaturesTakesAnyWidth) {
  ColumnScalerInput in;
  in.kind = ColumnScalerKind::kRobust;
  in.with_scaling = false;
  auto r = BuildColumnScaler(in, "r");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->n_features, kAnyWidth);
  std::vector<double> x{1, 2, 3};
  EXPECT_EQ(Transform(*r, View(x, 1, 3))->data, x);
}

// ---- Normalizer, Binarizer ---------------------------------------------------

TEST(BuildNormalizer, UnknownNormAndBadCountAreRefused) {
  EXPECT_REFUSED(BuildNormalizer(3, static_cast<NormKind>(9), "n"), Code::kCorruption, "n.norm: 9 is not known");
  EXPECT_REFUSED(BuildNormalizer(0, NormKind::kL2, "n"), Code::kCorruption, "n.n_features_in_: 0 out of range");
  EXPECT_REFUSED(BuildNormalizer(int64_t{1} << 40, NormKind::kL2, "n"), Code::kLimitExceeded, "n.n_features_in_");
  EXPECT_EQ(ParseNorm("l3").status().code(), Code::kUnsupported);
}

TEST(Normalizer, NormsAndNearZeroRows) {
  std::vector<double> x{3, -4, 0, 0, 1e-300, 0};
  auto l2 = BuildNormalizer(2, NormKind::kL2, "n");
  auto l1 = BuildNormalizer(2, NormKind::kL1, "n");
  auto mx = BuildNormalizer(2, NormKind::kMax, "n");
  ASSERT_TRUE(l2.ok() && l1.ok() && mx.ok());
  EXPECT_EQ(Transform(*l2, View(x, 3, 2))->data, (std::vector<double>{0.6, -0.8, 0, 0, 1e-300, 0}));
  EXPECT_EQ(Transform(*l1, View(x, 3, 2))->data, (std::vector<double>{3.0 / 7, -4.0 / 7, 0, 0, 1e-300, 0}));
  EXPECT_EQ(Transform(*mx, View(x, 3, 2))->data, (std::vector<double>{0.75, -1, 0, 0, 1e-300, 0}));
  std::vector<double> nan{kNaN, 1};
  EXPECT_REFUSED(Transform(*l2, View(nan, 1, 2)), Code::kInvalidArgument, "X[0, 0]: nan");
  EXPECT_REFUSED(Transform(*l2, View(x, 2, 3)), Code::kInvalidArgument, "X has 3 features");
}

TEST(Normalizer, L1SumsPairwiseAsNumpy) {
  // 16 values: numpy adds 8 partial sums pairwise; a left-to-right sum of
  // these differs in the last bit.
  std::vector<double> x{1e16, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
  auto l1 = BuildNormalizer(16, NormKind::kL1, "n");
  ASSERT_TRUE(l1.ok());
  const double pairwise = ((((1e16 + 1) + (1 + 1)) + ((1 + 1) + (1 + 1))) + (((1 + 1) + (1 + 1)) + ((1 + 1) + (1 + 1))));
  double sequential = 0;
  for (double v : x) sequential += v;
  ASSERT_NE(pairwise, sequential);
  EXPECT_EQ(Transform(*l1, View(x, 1, 16))->data[0], 1e16 / pairwise);
}

TEST(Normalizer, WithoutNFeaturesInAnyWidthButNotZero) {
  auto n = BuildNormalizer(-1, NormKind::kMax, "n");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->n_features, kAnyWidth);
  std::vector<double> x{2, 4, 1};
  EXPECT_EQ(Transform(*n, View(x, 1, 3))->data, (std::vector<double>{0.5, 1, 0.25}));
  EXPECT_EQ(Transform(*n, View(x, 3, 1))->data, (std::vector<double>{1, 1, 1}));
  std::vector<double> none;
  EXPECT_REFUSED(Transform(*n, View(none, 2, 0)), Code::kInvalidArgument, "X has 0 features");
}

TEST(BuildBinarizer, NaNThresholdIsRefused) {
  EXPECT_REFUSED(BuildBinarizer(2, kNaN, "b"), Code::kCorruption, "b.threshold: nan");
  auto b = BuildBinarizer(-1, 0.5, "b");
  ASSERT_TRUE(b.ok());
  std::vector<double> x{0.5, 0.5000000000000001, -1};
  EXPECT_EQ(Transform(*b, View(x, 1, 3))->data, (std::vector<double>{0, 1, 0}));
}

// ---- SimpleImputer -----------------------------------------------------------

struct ImputerFixture {
  std::vector<double> statistics{1.5, kNaN, -2};
  std::vector<int64_t> indicator{0, 1};
  SimpleImputerInput Input() const {
    SimpleImputerInput in;
    in.n_features_in = 3;
    in.statistics = statistics;
    in.add_indicator = true;
    in.indicator = indicator;
    return in;
  }
};

TEST(BuildSimpleImputer, StatisticsOfTheWrongLengthOrInfinite) {
  ImputerFixture f;
  f.statistics.push_back(0);
  EXPECT_REFUSED(BuildSimpleImputer(f.Input(), "i"), Code::kCorruption, "i.statistics_: 4 values but n_features_in_ is 3");
  f = ImputerFixture();
  f.statistics[2] = -kInf;
  EXPECT_REFUSED(BuildSimpleImputer(f.Input(), "i"), Code::kCorruption, "i.statistics_[2]: -inf is not a value");
}

TEST(BuildSimpleImputer, IndicatorFeaturesOutOfRange) {
  ImputerFixture f;
  f.indicator = {0, 3};
  EXPECT_REFUSED(BuildSimpleImputer(f.Input(), "i"), Code::kCorruption,
                 "i.indicator_.features_[1]: 3 out of range [0, 3)");
  f.indicator = {-1};
  EXPECT_REFUSED(BuildSimpleImputer(f.Input(), "i"), Code::kCorruption, "i.indicator_.features_[0]: -1 out of range");
}

TEST(BuildSimpleImputer, IndicatorFeaturesMustIncrease) {
  ImputerFixture f;
  f.indicator = {1, 1};
  EXPECT_REFUSED(BuildSimpleImputer(f.Input(), "i"), Code::kCorruption,
                 "i.indicator_.features_[1]: 1 does not follow 1");
}

TEST(BuildSimpleImputer, IndicatorWithoutAddIndicator) {
  ImputerFixture f;
  auto in = f.Input();
  in.add_indicator = false;
  EXPECT_REFUSED(BuildSimpleImputer(in, "i"), Code::kCorruption, "present although add_indicator is False");
}

TEST(BuildSimpleImputer, NaNAsANumberAndUnknownStrategy) {
  ImputerFixture f;
  auto in = f.Input();
  in.missing_is_nan = false;
  in.missing_value = kNaN;
  EXPECT_REFUSED(BuildSimpleImputer(in, "i"), Code::kCorruption, "i.missing_values: nan given as a number");
  in = f.Input();
  in.strategy = static_cast<ImputeStrategy>(4);
  EXPECT_REFUSED(BuildSimpleImputer(in, "i"), Code::kCorruption, "i.strategy: 4 is not known");
  EXPECT_EQ(ParseImputeStrategy("knn").status().code(), Code::kUnsupported);
}

TEST(SimpleImputer, DropsColumnsWithoutStatisticAndAppendsIndicator) {
  ImputerFixture f;
  auto s = BuildSimpleImputer(f.Input(), "i");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->kept, (std::vector<int32_t>{0, 2}));
  EXPECT_EQ(TransformWidth(*s), 4);
  std::vector<double> x{kNaN, kNaN, 7, 4, 5, kNaN};
  auto y = Transform(*s, View(x, 2, 3));
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  EXPECT_EQ(y->data, (std::vector<double>{1.5, 7, 1, 1, 4, -2, 0, 0}));
  std::vector<double> inf{kInf, 0, 0};
  EXPECT_REFUSED(Transform(*s, View(inf, 1, 3)), Code::kInvalidArgument, "X[0, 0]: inf");
}

TEST(SimpleImputer, ConstantKeepsEveryColumnAndNumbersAreMissingValues) {
  ImputerFixture f;
  auto in = f.Input();
  in.strategy = ImputeStrategy::kConstant;
  in.missing_is_nan = false;
  in.missing_value = -1;
  in.add_indicator = false;
  in.indicator = {};
  auto s = BuildSimpleImputer(in, "i");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(TransformWidth(*s), 3);
  std::vector<double> x{-1, 2, -1};
  auto y = Transform(*s, View(x, 1, 3));
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(y->data[0], 1.5);
  EXPECT_EQ(y->data[1], 2);
  EXPECT_EQ(y->data[2], -2);
  std::vector<double> nan{kNaN, 0, 0};  // force_all_finite when missing_values is a number
  EXPECT_REFUSED(Transform(*s, View(nan, 1, 3)), Code::kInvalidArgument, "X[0, 0]: nan");
}

// ---- PolynomialFeatures --------------------------------------------------------

PolynomialFeaturesInput PolyInput(const std::vector<int32_t>& terms, int64_t n, int64_t lo, int64_t hi, bool inter,
                                  bool bias) {
  PolynomialFeaturesInput in;
  in.n_features_in = n;
  in.min_degree = lo;
  in.max_degree = hi;
  in.interaction_only = inter;
  in.include_bias = bias;
  in.terms = terms;
  in.terms_shape = {hi == 0 ? 1 : terms.size() / static_cast<size_t>(hi), static_cast<uint64_t>(hi)};
  return in;
}

TEST(PolynomialTerms, ScikitLearnOrder) {
  // PolynomialFeatures(degree=2).fit(np.zeros((1, 3))).powers_ as index lists.
  auto t = PolynomialTerms(3, 0, 2, false, true, "p");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, (std::vector<int32_t>{-1, -1, 0, -1, 1, -1, 2, -1, 0, 0, 0, 1, 0, 2, 1, 1, 1, 2, 2, 2}));
  // degree=(2, 3), interaction_only, no bias, 4 features.
  auto u = PolynomialTerms(4, 2, 3, true, false, "p");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(*u, (std::vector<int32_t>{0, 1, -1, 0, 2, -1, 0, 3, -1, 1, 2, -1, 1, 3, -1, 2, 3, -1,
                                      0, 1, 2, 0, 1, 3, 0, 2, 3, 1, 2, 3}));
  // Interaction degree above the feature count: those degrees are empty.
  EXPECT_EQ(PolynomialTerms(2, 0, 5, true, false, "p")->size(), 3u * 5u);
}

TEST(PolynomialTerms, DegreesOutOfOrderOrEmptyOutput) {
  EXPECT_REFUSED(PolynomialTerms(3, 3, 2, false, true, "p"), Code::kCorruption, "p.degree: (3, 2)");
  EXPECT_REFUSED(PolynomialTerms(3, -1, 2, false, true, "p"), Code::kCorruption, "p.degree");
  EXPECT_REFUSED(PolynomialTerms(3, 0, 0, false, false, "p"), Code::kCorruption, "without include_bias");
  EXPECT_REFUSED(PolynomialTerms(0, 0, 2, false, true, "p"), Code::kCorruption, "p.n_features_in_: 0");
}

TEST(PolynomialTerms, HugeExpansionsAreALimit) {
  EXPECT_REFUSED(PolynomialTerms(1000, 0, 4, false, true, "p"), Code::kLimitExceeded, "p.n_output_features_");
  EXPECT_REFUSED(PolynomialTerms(2, 0, int64_t{1} << 40, false, true, "p"), Code::kLimitExceeded, "p.degree");
}

TEST(BuildPolynomialFeatures, TermsMustBeScikitLearnsTable) {
  auto terms = PolynomialTerms(3, 0, 2, false, true, "p").value();
  EXPECT_TRUE(BuildPolynomialFeatures(PolyInput(terms, 3, 0, 2, false, true), "p").ok());
  auto swapped = terms;
  std::swap(swapped[2], swapped[4]);  // rows 1 and 2 exchanged
  EXPECT_REFUSED(BuildPolynomialFeatures(PolyInput(swapped, 3, 0, 2, false, true), "p"), Code::kCorruption,
                 "p.powers_[1][0]: 1, expected 0");
  auto out_of_range = terms;
  out_of_range[19] = 7;
  EXPECT_REFUSED(BuildPolynomialFeatures(PolyInput(out_of_range, 3, 0, 2, false, true), "p"), Code::kCorruption,
                 "p.powers_[9][1]: 7, expected 2");
}

TEST(BuildPolynomialFeatures, TooFewOrTooManyTerms) {
  auto terms = PolynomialTerms(3, 0, 2, false, true, "p").value();
  auto short_terms = std::vector<int32_t>(terms.begin(), terms.end() - 2);
  EXPECT_REFUSED(BuildPolynomialFeatures(PolyInput(short_terms, 3, 0, 2, false, true), "p"), Code::kCorruption,
                 "9 terms stored but the parameters give more");
  auto long_terms = terms;
  long_terms.insert(long_terms.end(), {2, 2});
  EXPECT_REFUSED(BuildPolynomialFeatures(PolyInput(long_terms, 3, 0, 2, false, true), "p"), Code::kCorruption,
                 "11 terms stored but the parameters give 10");
}

TEST(BuildPolynomialFeatures, ShapeAndDeclaredCount) {
  auto terms = PolynomialTerms(3, 0, 2, false, true, "p").value();
  auto in = PolyInput(terms, 3, 0, 2, false, true);
  in.terms_shape = {20, 1};
  EXPECT_REFUSED(BuildPolynomialFeatures(in, "p"), Code::kCorruption, "must be [n_output_features, 2]");
  in = PolyInput(terms, 3, 0, 2, false, true);
  in.terms_shape = {11, 2};
  EXPECT_REFUSED(BuildPolynomialFeatures(in, "p"), Code::kCorruption, "p.powers_: 20 values, expected 11 x 2");
  in = PolyInput(terms, 3, 0, 2, false, true);
  in.n_output_features = 9;
  EXPECT_REFUSED(BuildPolynomialFeatures(in, "p"), Code::kCorruption, "p.n_output_features_: 9 but 10 terms");
}

TEST(PolynomialFeatures, ProductsFromTheLastFactorDown) {
  auto terms = PolynomialTerms(2, 0, 3, false, true, "p").value();
  auto p = BuildPolynomialFeatures(PolyInput(terms, 2, 0, 3, false, true), "p");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(TransformWidth(*p), 10);
  std::vector<double> x{2, 3};
  EXPECT_EQ(Transform(*p, View(x, 1, 2))->data, (std::vector<double>{1, 2, 3, 4, 6, 9, 8, 12, 18, 27}));
  // 0.1 * 0.2 * 0.3: (0.3 * 0.2) * 0.1 differs from (0.1 * 0.2) * 0.3.
  auto t3 = PolynomialTerms(3, 3, 3, true, false, "p").value();
  auto q = BuildPolynomialFeatures(PolyInput(t3, 3, 3, 3, true, false), "p");
  ASSERT_TRUE(q.ok());
  std::vector<double> y{0.1, 0.2, 0.3};
  ASSERT_NE((0.3 * 0.2) * 0.1, (0.1 * 0.2) * 0.3);
  EXPECT_EQ(Transform(*q, View(y, 1, 3))->data, std::vector<double>{(0.3 * 0.2) * 0.1});
}

// ---- KBinsDiscretizer --------------------------------------------------------

struct KBinsFixture {
  std::vector<int64_t> n_bins{3, 1};
  std::vector<double> edges{0, 1, 2, 3, -kInf, kInf};
  KBinsDiscretizerInput Input(KBinsEncode encode = KBinsEncode::kOrdinal) const {
    KBinsDiscretizerInput in;
    in.n_features_in = 2;
    in.encode = encode;
    in.n_bins = n_bins;
    in.edges = edges;
    return in;
  }
};

TEST(BuildKBinsDiscretizer, BinCountsAtLeastOne) {
  KBinsFixture f;
  f.n_bins = {0, 1};
  f.edges = {0, -kInf, kInf};
  EXPECT_REFUSED(BuildKBinsDiscretizer(f.Input(), "k"), Code::kCorruption, "k.n_bins_[0]: 0 out of range");
  f.n_bins = {int64_t{1} << 40, 1};
  EXPECT_REFUSED(BuildKBinsDiscretizer(f.Input(), "k"), Code::kLimitExceeded, "k.n_bins_[0]");
}

TEST(BuildKBinsDiscretizer, EdgeCountMustMatchBins) {
  KBinsFixture f;
  f.n_bins = {4, 1};
  EXPECT_REFUSED(BuildKBinsDiscretizer(f.Input(), "k"), Code::kCorruption, "k.bin_edges_: 6 edges, n_bins_ needs 7");
  f = KBinsFixture();
  f.n_bins = {3};
  EXPECT_REFUSED(BuildKBinsDiscretizer(f.Input(), "k"), Code::kCorruption, "k.n_bins_: 1 values but n_features_in_ is 2");
}

TEST(BuildKBinsDiscretizer, EdgesIncreasingAndInteriorFinite) {
  KBinsFixture f;
  f.edges[2] = 0.5;
  EXPECT_REFUSED(BuildKBinsDiscretizer(f.Input(), "k"), Code::kCorruption,
                 "k.bin_edges_[0][2]: 0.5 is below the edge before it (1)");
  f = KBinsFixture();
  f.edges[1] = kNaN;
  EXPECT_REFUSED(BuildKBinsDiscretizer(f.Input(), "k"), Code::kCorruption, "k.bin_edges_[0][1]: nan");
  f = KBinsFixture();
  f.edges = {0, 1, kInf, kInf, -kInf, kInf};
  EXPECT_REFUSED(BuildKBinsDiscretizer(f.Input(), "k"), Code::kCorruption,
                 "k.bin_edges_[0][2]: inf is not a finite interior edge");
}

TEST(BuildKBinsDiscretizer, UnknownEncoding) {
  KBinsFixture f;
  EXPECT_REFUSED(BuildKBinsDiscretizer(f.Input(static_cast<KBinsEncode>(2)), "k"), Code::kCorruption,
                 "k.encode: 2 is not known");
}

TEST(KBinsDiscretizer, SearchsortedRightOnInteriorEdges) {
  KBinsFixture f;
  auto k = BuildKBinsDiscretizer(f.Input(), "k");
  ASSERT_TRUE(k.ok()) << k.status().ToString();
  std::vector<double> x{-5, 9, 1, 0, std::nextafter(1.0, 0.0), 0, 2, 0, 77, 0};
  auto ord = Transform(*k, View(x, 5, 2));
  ASSERT_TRUE(ord.ok()) << ord.status().ToString();
  EXPECT_EQ(ord->data, (std::vector<double>{0, 0, 1, 0, 0, 0, 2, 0, 2, 0}));
  auto oh = BuildKBinsDiscretizer(f.Input(KBinsEncode::kOneHot), "k");
  ASSERT_TRUE(oh.ok());
  EXPECT_EQ(TransformWidth(*oh), 4);
  std::vector<double> row{-5, 9};
  EXPECT_EQ(Transform(*oh, View(row, 1, 2))->data, (std::vector<double>{1, 0, 0, 1}));
  std::vector<double> nan{kNaN, 0};
  EXPECT_REFUSED(Transform(*k, View(nan, 1, 2)), Code::kInvalidArgument, "X[0, 0]: nan");
}

TEST(KBinsDiscretizer, Float32InputIsRoundedFirst) {
  KBinsFixture f;
  f.edges[1] = 1.0000000001;  // float32(1.00000000005) == 1 < this edge; the f64 value is above it
  auto in = f.Input();
  in.float32_input = true;
  auto k = BuildKBinsDiscretizer(in, "k");
  ASSERT_TRUE(k.ok());
  std::vector<double> row{1.00000000015, 0}, x{1.00000000015, 0, 1e39, 0};
  EXPECT_EQ(Transform(*k, View(row, 1, 2))->data[0], 0.0);
  EXPECT_REFUSED(Transform(*k, View(x, 2, 2)), Code::kInvalidArgument, "X[1, 0]: 1e+39 is too large for float32");
}

// ---- Pipelines of changing width ---------------------------------------------

Estimator Imputer() {
  ImputerFixture f;
  return Estimator{BuildSimpleImputer(f.Input(), "i").value()};
}

Estimator Poly(int64_t n) {
  auto terms = PolynomialTerms(n, 0, 2, false, true, "p").value();
  return Estimator{BuildPolynomialFeatures(PolyInput(terms, n, 0, 2, false, true), "p").value()};
}

TEST(PreprocessingPipeline, WidthFollowsEachStep) {
  // Imputer 3 -> 4 columns, PolynomialFeatures 4 -> 15.
  std::vector<Estimator> steps;
  steps.push_back(Imputer());
  steps.push_back(Poly(4));
  auto p = BuildPipeline({"imp", "poly"}, std::move(steps), "pipe");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->NumFeatures(), 3);
  EXPECT_EQ(p->TransformWidth(), 15);
  std::vector<double> x{kNaN, kNaN, 7};
  auto y = Transform(*p, View(x, 1, 3));
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  EXPECT_EQ(y->cols, 15u);
  steps.clear();
  steps.push_back(Imputer());
  steps.push_back(Poly(3));
  EXPECT_REFUSED(BuildPipeline({"imp", "poly"}, std::move(steps), "pipe"), Code::kCorruption,
                 "pipe.steps[1]: expects 3 features but the step before produces 4");
}

TEST(PreprocessingPipeline, AnyWidthStepsPassTheirWidthOn) {
  std::vector<Estimator> steps;
  steps.push_back(Estimator{BuildNormalizer(-1, NormKind::kL2, "n").value()});
  steps.push_back(Estimator{BuildBinarizer(-1, 0.1, "b").value()});
  steps.push_back(Poly(2));
  auto p = BuildPipeline({"n", "b", "poly"}, std::move(steps), "pipe");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->NumFeatures(), 2);  // fixed by PolynomialFeatures behind the free steps
  std::vector<double> x{3, 4};
  EXPECT_EQ(Transform(*p, View(x, 1, 2))->data, (std::vector<double>{1, 1, 1, 1, 1, 1}));
  EXPECT_REFUSED(Transform(*p, View(x, 2, 1)), Code::kInvalidArgument, "X has 1 features");
  // Free steps after a fixed one keep its width; a later step must agree.
  steps.clear();
  steps.push_back(Poly(2));
  steps.push_back(Estimator{BuildNormalizer(-1, NormKind::kL1, "n").value()});
  steps.push_back(Poly(5));
  EXPECT_REFUSED(BuildPipeline({"poly", "n", "poly2"}, std::move(steps), "pipe"), Code::kCorruption,
                 "pipe.steps[2]: expects 5 features but the step before produces 6");
  // Only free steps: the pipeline takes any width.
  steps.clear();
  steps.push_back(Estimator{BuildNormalizer(-1, NormKind::kMax, "n").value()});
  auto free = BuildPipeline({"n"}, std::move(steps), "pipe");
  ASSERT_TRUE(free.ok());
  EXPECT_EQ(free->NumFeatures(), kAnyWidth);
}

// ---- Through the file ------------------------------------------------------------

// Writes the estimator, reopens it (the decoder runs the builders again) and
// expects transform to give the same bits as the in-memory model.
void ExpectSameAfterFile(Estimator e, MatrixView x, const std::string& what) {
  SCOPED_TRACE(what);
  Estimator direct = e.Clone();
  safemodel::testing::TempDir dir;
  const std::string path = dir / "m.smdl";
  Status w = format::WriteContent(path, {}, std::move(e));
  ASSERT_TRUE(w.ok()) << w.ToString();
  auto m = Model::Inspect(path);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->estimator_class(), direct.ClassName());
  auto got = m->Run(Method::kTransform, x.data, x.rows, x.cols);
  auto want = Transform(direct, x);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_TRUE(want.ok()) << want.status().ToString();
  EXPECT_EQ(got->rows, want->rows);
  EXPECT_EQ(got->cols, want->cols);
  ASSERT_EQ(got->numbers.size(), want->data.size());
  for (size_t i = 0; i < want->data.size(); ++i) {
    EXPECT_TRUE(got->numbers[i] == want->data[i] || (std::isnan(got->numbers[i]) && std::isnan(want->data[i])))
        << "element " << i;
  }
}

// ExpectSameAfterFile asserts (EXPECT_*) that every method agrees after the file round trip.
#define EXPECT_SAME_AFTER_FILE(...) ExpectSameAfterFile(__VA_ARGS__)

TEST(PreprocessingFile, EveryTransformerRoundTrips) {
  std::vector<double> x3{kNaN, -2, 7, 4, 5, kNaN, 0.5, 1, 2};
  std::vector<double> fin3{1, -2, 7, 4, 5, 0, 0.5, 1, 2};
  std::vector<double> center{1, 2, 3}, scale{2, 4, 8};
  ColumnScalerInput ma;
  ma.kind = ColumnScalerKind::kMaxAbs;
  ma.scale = scale;
  EXPECT_SAME_AFTER_FILE(Estimator{BuildColumnScaler(ma, "m").value()}, View(x3, 3, 3), "MaxAbsScaler");
  ColumnScalerInput rs;
  rs.kind = ColumnScalerKind::kRobust;
  rs.with_centering = true;
  rs.with_scaling = false;
  rs.center = center;
  EXPECT_SAME_AFTER_FILE(Estimator{BuildColumnScaler(rs, "r").value()}, View(x3, 3, 3), "RobustScaler");
  EXPECT_SAME_AFTER_FILE(Estimator{BuildNormalizer(-1, NormKind::kL1, "n").value()}, View(fin3, 3, 3), "Normalizer any");
  EXPECT_SAME_AFTER_FILE(Estimator{BuildNormalizer(3, NormKind::kL2, "n").value()}, View(fin3, 3, 3), "Normalizer");
  EXPECT_SAME_AFTER_FILE(Estimator{BuildBinarizer(3, 0.75, "b").value()}, View(fin3, 3, 3), "Binarizer");
  EXPECT_SAME_AFTER_FILE(Imputer(), View(x3, 3, 3), "SimpleImputer");
  EXPECT_SAME_AFTER_FILE(Poly(3), View(fin3, 3, 3), "PolynomialFeatures");
  std::vector<double> x2{-5, 9, 1, 0, 2.5, 1};
  KBinsFixture f;
  EXPECT_SAME_AFTER_FILE(Estimator{BuildKBinsDiscretizer(f.Input(KBinsEncode::kOneHot), "k").value()}, View(x2, 3, 2),
                      "KBinsDiscretizer");
  std::vector<Estimator> steps;
  steps.push_back(Imputer());
  steps.push_back(Estimator{BuildNormalizer(-1, NormKind::kMax, "n").value()});
  steps.push_back(Poly(4));
  EXPECT_SAME_AFTER_FILE(BuildPipeline({"i", "n", "p"}, std::move(steps), "pipe").value(), View(x3, 3, 3), "Pipeline");
}

TEST(PreprocessingFile, EditedTermTableIsRefusedOnLoad) {
  auto p = Poly(3);
  auto& pf = std::get<PolynomialFeatures>(p.model);
  std::swap(pf.terms[2], pf.terms[4]);  // what a hand-edited file would hold
  safemodel::testing::TempDir dir;
  const std::string path = dir / "m.smdl";
  ASSERT_TRUE(format::WriteContent(path, {}, std::move(p)).ok());
  auto m = Model::Inspect(path);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), Code::kCorruption) << m.status().ToString();
  EXPECT_NE(m.status().message().find("estimator.powers_[1][0]"), std::string::npos) << m.status().message();
}

// ---- The decoder's own checks (fields of the union member) --------------------

// An estimator encoded into a header message, to edit one field and decode.
struct Coded {
  capnp::MallocMessageBuilder msg;
  std::vector<format::OwnedTensor> tensors;
  schema::Estimator::Builder root = msg.initRoot<schema::Estimator>();

  explicit Coded(const Estimator& e) {
    format::Encoder enc(tensors);
    enc.Estimator(e, root, "");
  }
  Result<Estimator> Decode() {
    std::vector<TensorView> views;
    for (const auto& t : tensors) {
      views.push_back({t.name, t.dtype, t.shape, std::as_bytes(std::span<const char>(t.bytes))});
    }
    LoadOptions options;
    format::Decoder d(views, options);
    auto r = d.Estimator(root.asReader(), "estimator", 0);
    if (r.ok()) SAFEMODEL_RETURN_IF_ERROR(d.AllUsed());
    return r;
  }
};

TEST(PreprocessingDecode, UnchangedMessagesDecode) {
  KBinsFixture f;
  std::vector<Estimator> all;
  all.push_back(Imputer());
  all.push_back(Poly(2));
  all.push_back(Estimator{BuildKBinsDiscretizer(f.Input(KBinsEncode::kOneHot), "k").value()});
  all.push_back(Estimator{BuildNormalizer(-1, NormKind::kMax, "n").value()});
  for (const Estimator& e : all) {
    Coded c(e);
    auto back = c.Decode();
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(back->Describe(), e.Describe());
  }
}

TEST(PreprocessingDecode, WidthFieldMustAgreeWithTheArrays) {
  std::vector<double> scale{1, 2};
  ColumnScalerInput in;
  in.scale = scale;
  Coded c(Estimator{BuildColumnScaler(in, "m").value()});
  c.root.getColumnScaler().setNFeatures(0);
  EXPECT_REFUSED(c.Decode(), Code::kCorruption, "estimator.nFeatures: 0 disagrees with the arrays (2 features)");
}

TEST(PreprocessingDecode, IndicatorTensorAndFlagAgree) {
  Coded with(Imputer());
  with.root.getSimpleImputer().setAddIndicator(false);
  EXPECT_REFUSED(with.Decode(), Code::kCorruption, "estimator.indicatorFeatures: present although addIndicator");
  Coded without(Imputer());
  without.root.getSimpleImputer().setIndicatorFeatures(format::kNoTensor);
  EXPECT_REFUSED(without.Decode(), Code::kCorruption, "missing although addIndicator is true");
}

TEST(PreprocessingDecode, UnknownEnumValuesAreUnsupported) {
  Coded n(Estimator{BuildNormalizer(2, NormKind::kL1, "n").value()});
  n.root.getNormalizer().setNorm(static_cast<schema::NormKind>(5));
  EXPECT_REFUSED(n.Decode(), Code::kUnsupported, "estimator: unknown norm");
  KBinsFixture f;
  Coded k(Estimator{BuildKBinsDiscretizer(f.Input(), "k").value()});
  k.root.getKBinsDiscretizer().setEncode(static_cast<schema::KBinsEncode>(3));
  EXPECT_REFUSED(k.Decode(), Code::kUnsupported, "estimator: unknown encoding");
}

TEST(PreprocessingDecode, TensorsOfTheWrongKind) {
  KBinsFixture f;
  Coded k(Estimator{BuildKBinsDiscretizer(f.Input(), "k").value()});
  k.root.getKBinsDiscretizer().setNBins(k.root.getKBinsDiscretizer().getBinEdges());
  EXPECT_REFUSED(k.Decode(), Code::kCorruption, "estimator.nBins: tensor 'bin_edges' is f64");
  Coded p(Poly(2));
  p.tensors[0].shape = {12};  // the term table flattened
  EXPECT_REFUSED(p.Decode(), Code::kCorruption, "estimator.terms: tensor 'terms' is i32 [12], expected i32 of rank 2");
}

TEST(PreprocessingDecode, BuilderChecksRunOnDecode) {
  Coded b(Estimator{BuildBinarizer(2, 1.0, "b").value()});
  b.root.getBinarizer().setThreshold(kNaN);
  EXPECT_REFUSED(b.Decode(), Code::kCorruption, "estimator.threshold: nan");
  Coded i(Imputer());
  i.root.getSimpleImputer().setNFeatures(4);
  EXPECT_REFUSED(i.Decode(), Code::kCorruption, "estimator.statistics_: 3 values but n_features_in_ is 4");
}

}  // namespace
}  // namespace safemodel::estimators
