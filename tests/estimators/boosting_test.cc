// The boosting builders refuse, one broken field at a time, what could make
// predict read out of bounds, loop, or compute from nonsense; predict follows
// scikit-learn's rules on hand-made models; and every model survives the file
// (write, reopen, identical outputs for every method).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "estimators/estimator_test_util.h"
#include "estimators/estimator.h"
#include "format/estimator_codec.h"
#include "safemodel/model.h"
#include "test_util.h"

namespace safemodel::estimators {
namespace {

// ---- Dummy ----------------------------------------------------------------------

struct DummyFixture {
  DummyInput in;
  std::vector<double> prior{0.25, 0.75};
  std::vector<double> constant{1.5};
  DummyFixture() {
    in.class_name = "DummyClassifier";
    in.task = BoostTask::kClassifier;
    in.strategy = DummyStrategy::kPrior;
    in.classes = std::vector<std::string>{"a", "b"};
  }
  Result<DummyModel> Build() {
    in.class_prior = prior;
    if (in.task == BoostTask::kRegressor) in.constant = constant;
    return BuildDummy(in, "model");
  }
};

DummyFixture DummyRegressorFixture() {
  DummyFixture f;
  f.in.class_name = "DummyRegressor";
  f.in.task = BoostTask::kRegressor;
  f.in.strategy = DummyStrategy::kRegressorConstant;
  f.in.classes = std::vector<int64_t>{};
  f.prior.clear();
  return f;
}

TEST(BuildDummy, ValidModelsPredict) {
  DummyFixture f;
  auto m = f.Build();
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  std::vector<double> x(6, kNaN);  // Dummy* never read X's values or width
  auto p = Predict(Estimator{m->Clone()}, {x, 2, 3});
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(std::get<std::vector<std::string>>(std::get<Labels>(*p).values), (std::vector<std::string>{"b", "b"}));
  auto r = DummyRegressorFixture().Build();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto y = Predict(Estimator{std::move(r).value()}, {x, 3, 2});
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(std::get<Matrix>(*y).data, (std::vector<double>{1.5, 1.5, 1.5}));
}

TEST(BuildDummy, UniformPredictIsRandomInScikitLearn) {
  DummyFixture f;
  f.in.strategy = DummyStrategy::kUniform;
  auto m = f.Build();
  ASSERT_TRUE(m.ok());
  std::vector<double> x(2, 0.0);
  EXPECT_EQ(DummyPredict(*m, {x, 1, 2}).status().code(), Code::kUnsupported);
  auto p = DummyPredictProba(*m, {x, 1, 2});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->data, (std::vector<double>{0.5, 0.5}));
}

TEST(BuildDummy, PriorSizeMustMatchClasses) {
  DummyFixture f;
  f.prior = {1.0};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.class_prior_: 1 values for 2 classes");
}

TEST(BuildDummy, PriorOutsideZeroOne) {
  DummyFixture f;
  f.prior = {-0.25, 1.25};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.class_prior_[0]: -0.25 is not a probability in [0, 1]");
  f.prior = {kNaN, 1.0};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.class_prior_[0]: nan");
}

TEST(BuildDummy, PriorMustSumToOne) {
  DummyFixture f;
  f.prior = {0.5, 0.6};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.class_prior_: sums to 1.1");
}

TEST(BuildDummy, NoClasses) {
  DummyFixture f;
  f.in.classes = std::vector<std::string>{};
  f.prior.clear();
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.classes_: no classes");
}

TEST(BuildDummy, ConstantIndexInRange) {
  DummyFixture f;
  f.in.strategy = DummyStrategy::kConstant;
  f.in.constant_index = 2;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.constant: class index 2 out of range [0, 2)");
  f.in.strategy = DummyStrategy::kPrior;
  f.in.constant_index = 0;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "strategy is not constant");
}

TEST(BuildDummy, StrategyMatchesTask) {
  DummyFixture f;
  f.in.strategy = DummyStrategy::kRegressorConstant;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.strategy: a regressor strategy for a classifier");
  DummyFixture r = DummyRegressorFixture();
  r.in.strategy = DummyStrategy::kPrior;
  EXPECT_REFUSED(r.Build(), Code::kCorruption, "model.strategy: a classifier strategy for a regressor");
  r = DummyRegressorFixture();
  r.in.strategy = static_cast<DummyStrategy>(9);
  EXPECT_REFUSED(r.Build(), Code::kCorruption, "model.strategy: unknown");
}

TEST(BuildDummy, RegressorConstantFiniteAndPresent) {
  DummyFixture r = DummyRegressorFixture();
  r.constant = {kInf};
  EXPECT_REFUSED(r.Build(), Code::kCorruption, "model.constant_[0]: inf is not finite");
  r.constant.clear();
  EXPECT_REFUSED(r.Build(), Code::kCorruption, "model.n_outputs_: 0 out of range");
  r = DummyRegressorFixture();
  r.in.classes = std::vector<int64_t>{1};
  EXPECT_REFUSED(r.Build(), Code::kCorruption, "model.classes_: a regressor has classes");
}

// ---- GradientBoosting -----------------------------------------------------------

// Stumps over 2 features: x0 <= 0.5 ? -1 : +1 (column 0 of a stage), and
// x1 <= 0.0 ? 2 : 3 (column 1 when K = 2 ... used as a multiclass column).
struct Stump {
  std::vector<int64_t> left{1, -1, -1}, right{2, -1, -1}, feature{0, -2, -2};
  std::vector<double> threshold{0.5, -2, -2}, value{0, -1, 1};
  std::vector<uint64_t> value_shape{3, 1, 1};
  std::vector<uint8_t> missing;
  TreeArrays Arrays() const { return {left, right, feature, threshold, value, value_shape, missing}; }
};

TreeModel StumpForest(size_t n, int64_t n_features = 2, TreeTask task = TreeTask::kRegressor) {
  static const Stump s;
  TreeModelInput ti;
  ti.class_name = "GradientBoostingClassifier";
  ti.task = task;
  ti.combine = TreeCombine::kAverage;
  ti.n_features = n_features;
  ti.n_outputs = 1;
  if (task == TreeTask::kClassifier) ti.classes = {std::vector<int64_t>{0}};
  for (size_t i = 0; i < n; ++i) ti.trees.push_back(s.Arrays());
  auto t = BuildTreeModel(ti, "trees");
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return std::move(t).value();
}

DummyModel PriorDummy(std::vector<double> prior, LabelValues classes) {
  DummyInput d;
  d.class_name = "DummyClassifier";
  d.task = BoostTask::kClassifier;
  d.strategy = DummyStrategy::kPrior;
  d.classes = std::move(classes);
  d.class_prior = prior;
  auto m = BuildDummy(d, "init_");
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return std::move(m).value();
}

GradientBoostingInput BinaryGb() {
  GradientBoostingInput in;
  in.class_name = "GradientBoostingClassifier";
  in.task = BoostTask::kClassifier;
  in.loss = BoostLoss::kBinomialProbaArgmax;
  in.n_features = 2;
  in.trees_per_stage = 1;
  in.learning_rate = 0.5;
  in.init = BoostInit::kDummy;
  in.classes = std::vector<std::string>{"no", "yes"};
  in.init_dummy = PriorDummy({0.2, 0.8}, in.classes);
  in.trees = StumpForest(3);
  return in;
}

TEST(BuildGradientBoosting, RawIsInitPlusLearningRateTimesTrees) {
  auto m = BuildGradientBoosting(BinaryGb(), "model");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->n_stages, 3);
  std::vector<double> x{0.0, 0.0, 1.0, 0.0};
  auto raw = GradientBoostingDecisionFunction(*m, {x, 2, 2});
  ASSERT_TRUE(raw.ok()) << raw.status().ToString();
  const double init = std::log(0.8 / (1.0 - 0.8));
  EXPECT_EQ(raw->at(0, 0), ((init + 0.5 * -1.0) + 0.5 * -1.0) + 0.5 * -1.0);
  EXPECT_EQ(raw->at(1, 0), ((init + 0.5) + 0.5) + 0.5);
  auto p = Predict(Estimator{m->Clone()}, {x, 2, 2});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(std::get<std::vector<std::string>>(std::get<Labels>(*p).values), (std::vector<std::string>{"no", "yes"}));
  // float32 rounding of X, as the trees: 0.50000001 rounds to 0.5 and goes left.
  std::vector<double> edge{0.50000001, 0.0};
  auto e = GradientBoostingDecisionFunction(*m, {edge, 1, 2});
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->at(0, 0), raw->at(0, 0));
  // decision_function refuses NaN like scikit-learn's float32 check_array.
  std::vector<double> bad{kNaN, 0.0};
  EXPECT_EQ(GradientBoostingDecisionFunction(*m, {bad, 1, 2}).status().code(), Code::kInvalidArgument);
}

TEST(BuildGradientBoosting, InitClipsPriorsToFloat32Eps) {
  auto in = BinaryGb();
  in.init_dummy = PriorDummy({0.0, 1.0}, in.classes);
  auto m = BuildGradientBoosting(std::move(in), "model");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  std::vector<double> x{0.0, 0.0};
  auto raw = GradientBoostingDecisionFunction(*m, {x, 1, 2});
  ASSERT_TRUE(raw.ok());
  const double p = 1.0 - 0x1p-23;
  EXPECT_EQ(raw->at(0, 0), ((std::log(p / (1.0 - p)) - 0.5) - 0.5) - 0.5);
}

TEST(BuildGradientBoosting, LossMustFitTaskAndClasses) {
  auto in = BinaryGb();
  in.loss = BoostLoss::kIdentity;
  EXPECT_REFUSED(BuildGradientBoosting(std::move(in), "model"), Code::kCorruption, "model.loss: identity");
  in = BinaryGb();
  in.loss = BoostLoss::kSoftmaxProbaArgmax;  // a HistGradientBoosting rule
  EXPECT_REFUSED(BuildGradientBoosting(std::move(in), "model"), Code::kCorruption, "not a classification loss");
  in = BinaryGb();
  in.loss = BoostLoss::kMultinomialLse;
  EXPECT_REFUSED(BuildGradientBoosting(std::move(in), "model"), Code::kCorruption,
                 "model.classes_: 2 classes for a multiclass loss");
  in = BinaryGb();
  in.loss = static_cast<BoostLoss>(42);
  EXPECT_REFUSED(BuildGradientBoosting(std::move(in), "model"), Code::kCorruption, "model.loss: unknown");
}

TEST(BuildGradientBoosting, TreesPerStageMustMatchClasses) {
  auto in = BinaryGb();
  in.classes = std::vector<std::string>{"a", "b", "c"};
  in.loss = BoostLoss::kMultinomialLse;
  in.init = BoostInit::kZero;
  in.init_dummy.reset();
  in.trees_per_stage = 2;
  in.trees = StumpForest(4);
  EXPECT_REFUSED(BuildGradientBoosting(std::move(in), "model"), Code::kCorruption,
                 "n_trees_per_iteration: 2 trees per iteration for 3 classes, expected 3");
}

TEST(BuildGradientBoosting, LearningRateFiniteNonNegative) {
  for (double lr : {kNaN, kInf, -0.1}) {
    auto in = BinaryGb();
    in.learning_rate = lr;
    EXPECT_REFUSED(BuildGradientBoosting(std::move(in), "model"), Code::kCorruption, "model.learning_rate");
  }
}

TEST(BuildGradientBoosting, TreesMustBeRegressionTreesOverTheFeatures) {
  auto in = BinaryGb();
  in.trees = StumpForest(3, 3);
  EXPECT_REFUSED(BuildGradientBoosting(std::move(in), "model"), Code::kCorruption,
                 "model.estimators_: trees over 3 features, the estimator has 2");
  in = BinaryGb();
  in.trees = StumpForest(3, 2, TreeTask::kClassifier);
  EXPECT_REFUSED(BuildGradientBoosting(std::move(in), "model"), Code::kCorruption, "one-output regression trees");
  in = BinaryGb();
  in.trees = TreeModel();
  in.trees.task = TreeTask::kRegressor;
  in.trees.n_outputs = 1;
  in.trees.n_features = 2;
  EXPECT_REFUSED(BuildGradientBoosting(std::move(in), "model"), Code::kCorruption, "0 trees is not a positive multiple");
}

TEST(BuildGradientBoosting, TreeCountMultipleOfK) {
  auto in = BinaryGb();
  in.classes = std::vector<std::string>{"a", "b", "c"};
  in.loss = BoostLoss::kMultinomialLse;
  in.init = BoostInit::kZero;
  in.init_dummy.reset();
  in.trees_per_stage = 3;
  in.trees = StumpForest(4);
  EXPECT_REFUSED(BuildGradientBoosting(std::move(in), "model"), Code::kCorruption,
                 "4 trees is not a positive multiple of 3");
}

TEST(BuildGradientBoosting, InitConsistent) {
  auto in = BinaryGb();
  in.init_dummy.reset();
  EXPECT_REFUSED(BuildGradientBoosting(std::move(in), "model"), Code::kCorruption, "model.init_: missing the Dummy");
  in = BinaryGb();
  in.init_dummy = PriorDummy({0.5, 0.25, 0.25}, std::vector<int64_t>{0, 1, 2});
  EXPECT_REFUSED(BuildGradientBoosting(std::move(in), "model"), Code::kCorruption,
                 "model.init_.classes_: 3 classes, the estimator has 2");
  in = BinaryGb();
  in.init = BoostInit::kRaw;
  in.init_dummy.reset();
  in.init_raw = {0.1, 0.2};
  EXPECT_REFUSED(BuildGradientBoosting(std::move(in), "model"), Code::kCorruption, "model.init_: 2 raw values, expected 1");
  in = BinaryGb();
  in.init = BoostInit::kRaw;
  in.init_dummy.reset();
  in.init_raw = {kNaN};
  EXPECT_REFUSED(BuildGradientBoosting(std::move(in), "model"), Code::kCorruption, "model.init_[0]: nan");
  in = BinaryGb();
  in.init = BoostInit::kZero;
  EXPECT_REFUSED(BuildGradientBoosting(std::move(in), "model"), Code::kCorruption, "but init is not one");
}

TEST(BuildGradientBoosting, RegressorInitIsOneOutputDummyRegressor) {
  GradientBoostingInput in;
  in.class_name = "GradientBoostingRegressor";
  in.n_features = 2;
  in.trees = StumpForest(2);
  DummyFixture r = DummyRegressorFixture();
  r.constant = {1.0, 2.0};
  in.init = BoostInit::kDummy;
  in.init_dummy = std::move(r.Build()).value();
  EXPECT_REFUSED(BuildGradientBoosting(std::move(in), "model"), Code::kCorruption,
                 "model.init_.constant_: 2 outputs, expected 1");
}

// ---- HistGradientBoosting -------------------------------------------------------

// 0: categorical split on x0 (left {1, 3}), 1: numeric x1 <= 0.5 (NaN right),
// 2: leaf 10, 3: leaf 20, 4: leaf 30.   0 -> (1, 4), 1 -> (2, 3).
struct HistFixture {
  std::vector<double> value{0, 0, 10, 20, 30};
  std::vector<int64_t> feature{0, 1, 0, 0, 0};
  std::vector<double> threshold{0, 0.5, 0, 0, 0};
  std::vector<uint8_t> missing{1, 0, 0, 0, 0};
  std::vector<int64_t> left{1, 2, 0, 0, 0}, right{4, 3, 0, 0, 0};
  std::vector<uint8_t> is_leaf{0, 0, 1, 1, 1};
  std::vector<uint8_t> is_cat{1, 0, 0, 0, 0};
  std::vector<int64_t> bitset_idx{0, 0, 0, 0, 0};
  std::vector<uint32_t> bitsets{(1u << 1) | (1u << 3), 0, 0, 0, 0, 0, 0, 0};
  std::vector<uint64_t> bitsets_shape{1, 8};
  std::vector<double> baseline{0.25};
  std::vector<uint8_t> model_is_cat{1, 0};
  std::vector<uint32_t> known{(1u << 1) | (1u << 2) | (1u << 3), 0, 0, 0, 0, 0, 0, 0};
  HistGradientBoostingInput in;

  HistFixture() {
    in.class_name = "HistGradientBoostingRegressor";
    in.n_features = 2;
    in.known_shape = {1, 8};
  }
  HistTreeArrays Tree() const {
    return {value, feature, threshold, missing, left, right, is_leaf, is_cat, bitset_idx, bitsets, bitsets_shape};
  }
  Result<HistGradientBoostingModel> Build() {
    in.baseline = baseline;
    in.is_categorical = model_is_cat;
    in.known_cat_bitsets = known;
    in.trees = {Tree()};
    return BuildHistGradientBoosting(in, "model");
  }
};

double HistPredictOne(const HistGradientBoostingModel& m, double x0, double x1) {
  std::vector<double> x{x0, x1};
  auto y = HistGradientBoostingPredict(m, {x, 1, 2});
  EXPECT_TRUE(y.ok()) << y.status().ToString();
  return y.ok() ? std::get<Matrix>(*y).data[0] : kNaN;
}

TEST(BuildHistGradientBoosting, CategoricalAndMissingRouting) {
  HistFixture f;
  auto m = f.Build();
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->trees[0].depth, 2);
  EXPECT_EQ(HistPredictOne(*m, 1, 0.0), 10.25);     // left category, then x1 <= 0.5
  EXPECT_EQ(HistPredictOne(*m, 3, 0.7), 20.25);     // left category, x1 > 0.5
  EXPECT_EQ(HistPredictOne(*m, 2, 0.0), 30.25);     // known, not left: right
  EXPECT_EQ(HistPredictOne(*m, 7, 0.0), 10.25);     // unknown: missing, goes left
  EXPECT_EQ(HistPredictOne(*m, -0.5, 0.0), 10.25);  // negative: missing
  EXPECT_EQ(HistPredictOne(*m, kNaN, 0.0), 10.25);  // NaN: missing_go_to_left
  EXPECT_EQ(HistPredictOne(*m, 3.9, 0.0), 10.25);   // truncated to category 3
  EXPECT_EQ(HistPredictOne(*m, 258, 0.0), 30.25);   // low byte 2: known, right
  EXPECT_EQ(HistPredictOne(*m, 2147483649.0, 0.0), 10.25);  // >= 2^31: category 0, unknown
  EXPECT_EQ(HistPredictOne(*m, kInf, 0.0), 10.25);
  EXPECT_EQ(HistPredictOne(*m, 1, kNaN), 20.25);    // numeric NaN goes right here
  EXPECT_EQ(HistPredictOne(*m, 1, -kInf), 10.25);   // +-inf accepted (force_all_finite=False)
}

TEST(BuildHistGradientBoosting, WithoutMissingFieldRefusesNaN) {
  HistFixture f;
  f.missing.clear();
  f.in.accept_nan = false;
  auto m = f.Build();
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  std::vector<double> x{1, kNaN};
  EXPECT_EQ(HistGradientBoostingPredict(*m, {x, 1, 2}).status().code(), Code::kInvalidArgument);
  f = HistFixture();
  f.missing.clear();
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model._predictors[0][0].missing_go_to_left: absent");
}

TEST(BuildHistGradientBoosting, ChildOutOfRange) {
  HistFixture f;
  f.left[0] = 4096;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model._predictors[0][0].nodes[0].left: 4096 out of range [0, 5)");
  f = HistFixture();
  f.right[1] = -3;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "nodes[1].right: -3 out of range");
}

TEST(BuildHistGradientBoosting, ChildBeforeParentIsACycle) {
  HistFixture f;
  f.right[1] = 1;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "nodes[1].right: 1 is not after its parent 1");
}

TEST(BuildHistGradientBoosting, TwoParentsOrOrphan) {
  HistFixture f;
  f.right[1] = 4;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "nodes[4]: has two parents");
  f = HistFixture();
  f.right[0] = 3;  // nodes[1] has 3 as its right child too
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "nodes[3]: has two parents");
  f = HistFixture();
  f.is_leaf[1] = 1;  // nodes 2 and 3 lose their parent
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "nodes[2]: no parent");
}

TEST(BuildHistGradientBoosting, FeatureOutOfRange) {
  HistFixture f;
  f.feature[1] = 2;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "nodes[1].feature_idx: 2 out of range [0, 2)");
}

TEST(BuildHistGradientBoosting, ThresholdNaNButInfAllowed) {
  HistFixture f;
  f.threshold[1] = kNaN;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "nodes[1].num_threshold: nan");
  f = HistFixture();
  f.threshold[1] = kInf;
  EXPECT_TRUE(f.Build().ok());
}

TEST(BuildHistGradientBoosting, FlagsAreZeroOrOne) {
  HistFixture f;
  f.missing[0] = 2;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "nodes[0].missing_go_to_left: 2 is not 0 or 1");
  f = HistFixture();
  f.is_leaf[2] = 9;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "nodes[2].is_leaf: 9 is not 0 or 1");
  f = HistFixture();
  f.is_cat[1] = 3;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "nodes[1].is_categorical: 3 is not 0 or 1");
}

TEST(BuildHistGradientBoosting, LeafValueFinite) {
  HistFixture f;
  f.value[3] = -kInf;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "nodes[3].value: -inf is not finite");
}

TEST(BuildHistGradientBoosting, CategoricalSplitNeedsCategoricalFeatureAndBitset) {
  HistFixture f;
  f.model_is_cat = {0, 1};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "nodes[0].is_categorical: a categorical split on feature 0");
  f = HistFixture();
  f.bitset_idx[0] = 1;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "nodes[0].bitset_idx: 1 out of range [0, 1)");
  f = HistFixture();
  f.model_is_cat.clear();
  f.known.clear();
  f.in.known_shape.clear();
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "a categorical split on feature 0");
}

TEST(BuildHistGradientBoosting, BitsetShapes) {
  HistFixture f;
  f.bitsets_shape = {1, 4};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "raw_left_cat_bitsets: shape [1, 4], expected [n, 8]");
  f = HistFixture();
  f.bitsets_shape = {2, 8};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "raw_left_cat_bitsets: 8 values, expected 2 x 8");
  f = HistFixture();
  f.in.known_shape = {2, 8};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "known_cat_bitsets: shape [2, 8], expected [1, 8]");
  f = HistFixture();
  f.model_is_cat = {1, 0, 0};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "is_categorical_: 3 entries for 2 features");
  f = HistFixture();
  f.model_is_cat = {2, 0};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "is_categorical_[0]: 2 is not 0 or 1");
}

TEST(BuildHistGradientBoosting, ColumnsHaveNodeCountEntries) {
  HistFixture f;
  f.threshold.pop_back();
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "num_threshold: 4 entries but node_count is 5");
  f = HistFixture();
  f.value.clear();
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "node_count: 0 out of range");
  f = HistFixture();
  f.bitset_idx.clear();
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "bitset_idx: present without is_categorical");
}

TEST(BuildHistGradientBoosting, BaselineAndTreeCount) {
  HistFixture f;
  f.baseline = {0.1, 0.2};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model._baseline_prediction: 2 values, expected 1");
  f = HistFixture();
  f.baseline = {kNaN};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model._baseline_prediction[0]: nan");
  f = HistFixture();
  f.in.task = BoostTask::kClassifier;
  f.in.loss = BoostLoss::kSoftmaxProbaArgmax;
  f.in.classes = std::vector<int64_t>{0, 1, 2};
  f.in.trees_per_iteration = 3;
  f.baseline = {0, 0, 0};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model._predictors: 1 trees is not a multiple of 3");
}

TEST(BuildHistGradientBoosting, LossFitsTask) {
  HistFixture f;
  f.in.loss = BoostLoss::kBinomialProbaArgmax;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "is not a regression loss");
  f = HistFixture();
  f.in.task = BoostTask::kClassifier;
  f.in.classes = std::vector<int64_t>{0, 1};
  f.in.loss = BoostLoss::kExponential;  // a GradientBoosting rule
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "not a classification loss of this estimator");
}

// ---- through the file -------------------------------------------------------------

void ExpectSameThroughFile(Estimator e, std::span<const double> x, size_t rows, size_t cols) {
  safemodel::testing::TempDir tmp;
  Estimator direct = e.Clone();
  Metadata md;
  md.name = "boosting";
  Status w = format::WriteContent(tmp / "m.smdl", md, format::ModelContent(std::move(e)));
  ASSERT_TRUE(w.ok()) << w.ToString();
  auto model = Model::Inspect(tmp / "m.smdl");
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  EXPECT_EQ(model->estimator_class(), direct.ClassName());
  for (Method method : kAllMethods) {
    SCOPED_TRACE(std::string(MethodName(method)));
    auto got = model->Run(method, x, rows, cols);
    Result<Matrix> want = Matrix();
    switch (method) {
      case Method::kPredictProba: want = PredictProba(direct, {x, rows, cols}); break;
      case Method::kPredictLogProba: want = PredictLogProba(direct, {x, rows, cols}); break;
      case Method::kDecisionFunction: want = DecisionFunction(direct, {x, rows, cols}); break;
      case Method::kTransform: want = Transform(direct, {x, rows, cols}); break;
      case Method::kScoreSamples: want = ScoreSamples(direct, {x, rows, cols}); break;
      case Method::kPredict: {
        auto p = Predict(direct, {x, rows, cols});
        ASSERT_TRUE(p.ok() && got.ok());
        if (const auto* m = std::get_if<Matrix>(&*p)) {
          EXPECT_EQ(got->numbers, m->data);
        } else {
          const auto& l = std::get<Labels>(*p).values;
          if (const auto* s = std::get_if<std::vector<std::string>>(&l)) {
            EXPECT_EQ(got->strings, *s);
          }
          if (const auto* i = std::get_if<std::vector<int64_t>>(&l)) {
            EXPECT_EQ(got->ints, *i);
          }
        }
        continue;
      }
    }
    ASSERT_EQ(got.ok(), want.ok()) << got.status().ToString() << " vs " << want.status().ToString();
    if (got.ok()) {
      EXPECT_EQ(got->numbers, want->data);
    }
  }
}

TEST(BoostingFile, GradientBoostingRoundTrip) {
  auto m = BuildGradientBoosting(BinaryGb(), "model");
  ASSERT_TRUE(m.ok());
  std::vector<double> x{0.0, 0.0, 1.0, 0.0, 0.4, 3.0};
  ExpectSameThroughFile(Estimator{std::move(m).value()}, x, 3, 2);
  auto in = BinaryGb();
  in.init = BoostInit::kRaw;
  in.init_dummy.reset();
  in.init_raw = {-0.3};
  in.loss = BoostLoss::kExponential;
  auto raw = BuildGradientBoosting(std::move(in), "model");
  ASSERT_TRUE(raw.ok()) << raw.status().ToString();
  ExpectSameThroughFile(Estimator{std::move(raw).value()}, x, 3, 2);
}

TEST(BoostingFile, HistGradientBoostingAndDummyRoundTrip) {
  HistFixture f;
  auto m = f.Build();
  ASSERT_TRUE(m.ok());
  std::vector<double> x{1, 0.0, 2, 0.9, kNaN, kNaN, 258, -kInf};
  ExpectSameThroughFile(Estimator{std::move(m).value()}, x, 4, 2);
  HistFixture c;
  c.in.class_name = "HistGradientBoostingClassifier";
  c.in.task = BoostTask::kClassifier;
  c.in.loss = BoostLoss::kBinomialProbaArgmax;
  c.in.classes = std::vector<std::string>{"x", "y"};
  c.value = {0, 0, -1, 0.5, 2};
  auto cm = c.Build();
  ASSERT_TRUE(cm.ok()) << cm.status().ToString();
  ExpectSameThroughFile(Estimator{std::move(cm).value()}, x, 4, 2);
  DummyFixture d;
  ExpectSameThroughFile(Estimator{std::move(d.Build()).value()}, x, 4, 2);
  ExpectSameThroughFile(Estimator{std::move(DummyRegressorFixture().Build()).value()}, x, 4, 2);
}

}  // namespace
}  // namespace safemodel::estimators
