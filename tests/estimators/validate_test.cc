// The builders refuse, one broken field at a time, everything that could make
// predict read out of bounds, loop, or compute from non-finite numbers; each
// refusal carries its code and the model path of the offending field.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "estimators/estimator_test_util.h"
#include "estimators/estimator.h"

namespace safemodel::estimators {
namespace {

// A regressor tree over 2 features:
//   0: x0 <= 0.5 ? 1 : 2;  1: leaf 10;  2: x1 <= 1.5 ? 3 : 4;  3: leaf 20;  4: leaf 30
struct TreeFixture {
  std::vector<int64_t> left{1, -1, 3, -1, -1};
  std::vector<int64_t> right{2, -1, 4, -1, -1};
  std::vector<int64_t> feature{0, -2, 1, -2, -2};
  std::vector<double> threshold{0.5, -2, 1.5, -2, -2};
  std::vector<double> value{0, 10, 0, 20, 30};
  std::vector<uint64_t> value_shape{5, 1, 1};
  std::vector<uint8_t> missing;

  TreeArrays arrays() const { return {left, right, feature, threshold, value, value_shape, missing}; }
  TreeShape shape() const { return {2, 1, {}}; }
  Result<DecisionTree> Build() const { return BuildTree(arrays(), shape(), "model"); }
};

TEST(BuildTree, ValidTreeBuildsWithDepth) {
  auto t = TreeFixture().Build();
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->node_count, 5);
  EXPECT_EQ(t->depth, 2);
  EXPECT_EQ(t->left, (std::vector<int32_t>{1, kTreeLeaf, 3, kTreeLeaf, kTreeLeaf}));
}

TEST(BuildTree, ChildOutOfRange) {
  TreeFixture f;
  f.left[0] = 4096;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.nodes[0].left_child: 4096 out of range [0, 5)");
  f = TreeFixture();
  f.right[2] = -7;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.nodes[2].right_child: -7 out of range [0, 5)");
}

TEST(BuildTree, ChildNotAfterParentIsACycle) {
  TreeFixture f;
  f.left[2] = 0;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.nodes[2].left_child: 0 is not after its parent 2");
  f = TreeFixture();
  f.right[2] = 2;  // self loop
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.nodes[2].right_child: 2 is not after its parent 2");
}

TEST(BuildTree, NodeWithTwoParents) {
  // Children still after their parents, but node 4 hangs under nodes 1 and 2:
  // a DAG, which would let a file share (and so inflate) subtrees.
  TreeFixture f;
  f.left = {1, 3, 4, -1, -1, -1};
  f.right = {2, 4, 5, -1, -1, -1};
  f.feature = {0, 1, 1, -2, -2, -2};
  f.threshold = {0.5, 1, 2, -2, -2, -2};
  f.value = {0, 0, 0, 1, 2, 3};
  f.value_shape[0] = 6;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.nodes[4]: has two parents, nodes[1] and nodes[2]");
  f = TreeFixture();
  f.right[2] = 3;  // both children the same node
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.nodes[3]: has two parents, nodes[2] and nodes[2]");
}

TEST(BuildTree, NodeWithoutParent) {
  TreeFixture f;
  f.left.push_back(-1), f.right.push_back(-1), f.feature.push_back(-2), f.threshold.push_back(-2);
  f.value.push_back(0);
  f.value_shape[0] = 6;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.nodes[5]: no parent");
}

TEST(BuildTree, HalfLeaf) {
  TreeFixture f;
  f.left[2] = -1;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.nodes[2].right_child: 4 but the other child is -1");
}

TEST(BuildTree, FeatureOutOfRange) {
  TreeFixture f;
  f.feature[0] = -1;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.nodes[0].feature: -1 out of range [0, 2)");
  f.feature[0] = 2;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.nodes[0].feature: 2 out of range [0, 2)");
}

TEST(BuildTree, NonFiniteThreshold) {
  TreeFixture f;
  f.threshold[2] = kNaN;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.nodes[2].threshold: nan is not finite");
  f.threshold[2] = -kInf;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.nodes[2].threshold: -inf is not finite");
}

TEST(BuildTree, LeafThresholdAndFeatureAreIgnored) {
  TreeFixture f;
  f.threshold[1] = kNaN;  // sklearn stores -2 at leaves; nothing reads them
  f.feature[1] = 99;
  ASSERT_TRUE(f.Build().ok());
  EXPECT_EQ(f.Build()->feature[1], kTreeUndefined);
}

TEST(BuildTree, InconsistentShapes) {
  TreeFixture f;
  f.right.pop_back();
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.right_child: 4 entries but node_count is 5");
  f = TreeFixture();
  f.value_shape = {5, 1, 2};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.value: shape [5, 1, 2], expected [5, 1, 1]");
  f = TreeFixture();
  f.value.pop_back();
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.value: 4 values, expected 5 x 1");
  f = TreeFixture();
  f.missing = {0, 0};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.missing_go_to_left: 2 entries but node_count is 5");
  f = TreeFixture();
  f.left.clear(), f.right.clear(), f.feature.clear(), f.threshold.clear(), f.value.clear();
  f.value_shape = {0, 1, 1};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.node_count: 0 out of range");
}

TEST(BuildTree, ClassCountsMustMatchValue) {
  TreeFixture f;
  TreeShape s{2, 1, {3}};  // 3 classes, but value's last dim is 1
  EXPECT_REFUSED(BuildTree(f.arrays(), s, "model"), Code::kCorruption, "model.value: shape [5, 1, 1], expected [5, 1, 3]");
  s = {2, 2, {3}};
  EXPECT_REFUSED(BuildTree(f.arrays(), s, "model"), Code::kCorruption, "model.n_classes: 1 entries but n_outputs is 2");
  s = {int64_t{1} << 40, 1, {}};
  EXPECT_REFUSED(BuildTree(f.arrays(), s, "model"), Code::kLimitExceeded, "model.n_features: 1099511627776");
}

TEST(BuildTree, NonFiniteValue) {
  TreeFixture f;
  f.value[3] = kInf;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.value[3]: inf is not finite");
}

TEST(BuildTree, MissingGoToLeftMustBeBoolean) {
  TreeFixture f;
  f.missing = {0, 0, 2, 0, 0};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.nodes[2].missing_go_to_left: 2 is not 0 or 1");
}

TreeModelInput ForestOf(const std::vector<TreeArrays>& trees) {
  TreeModelInput in;
  in.class_name = "RandomForestRegressor";
  in.combine = TreeCombine::kAverage;
  in.n_features = 2;
  in.n_outputs = 1;
  in.trees = trees;
  return in;
}

TEST(BuildTreeModel, ForestErrorsNameTheTree) {
  TreeFixture good, bad;
  bad.left[2] = 4096;
  auto in = ForestOf({good.arrays(), good.arrays(), good.arrays(), bad.arrays()});
  EXPECT_REFUSED(BuildTreeModel(in, "forest"), Code::kCorruption,
                 "forest.trees[3].nodes[2].left_child: 4096 out of range [0, 5)");
}

TEST(BuildTreeModel, ShapeRules) {
  TreeFixture f;
  auto in = ForestOf({});
  EXPECT_REFUSED(BuildTreeModel(in, "forest"), Code::kCorruption, "forest.trees: 0 out of range");
  in = ForestOf({f.arrays(), f.arrays()});
  in.combine = TreeCombine::kSingle;
  EXPECT_REFUSED(BuildTreeModel(in, "tree"), Code::kCorruption, "a single tree estimator with 2 trees");
  in = ForestOf({f.arrays()});
  in.task = TreeTask::kClassifier;
  in.classes = {std::vector<int64_t>{0, 1}, std::vector<std::string>{"a"}};
  in.n_outputs = 2;
  EXPECT_REFUSED(BuildTreeModel(in, "forest"), Code::kCorruption, "forest.classes_[1]: labels of kind str");
  in = ForestOf({f.arrays()});
  in.accept_nan = true;
  EXPECT_REFUSED(BuildTreeModel(in, "forest"), Code::kCorruption, "forest.trees[0].missing_go_to_left: absent");
}

Result<TreeModel> SingleRegressor(const TreeFixture& f, bool accept_nan = false) {
  TreeModelInput in = ForestOf({f.arrays()});
  in.class_name = "DecisionTreeRegressor";
  in.combine = TreeCombine::kSingle;
  in.accept_nan = accept_nan;
  return BuildTreeModel(in, "model");
}

TEST(TreeInference, RefusesBadInputLikeScikitLearn) {
  auto m = SingleRegressor(TreeFixture());
  ASSERT_TRUE(m.ok());
  std::vector<double> x{0.0, 1.0, 2.0};
  EXPECT_REFUSED(TreePredict(*m, {x, 1, 3}), Code::kInvalidArgument, "X has 3 features, but DecisionTreeRegressor");
  EXPECT_REFUSED(TreePredict(*m, {x, 2, 2}), Code::kInvalidArgument, "X: 3 values do not make 2 rows x 2 columns");
  std::vector<double> nan_row{0.0, kNaN};
  EXPECT_REFUSED(TreePredict(*m, {nan_row, 1, 2}), Code::kInvalidArgument, "X[0, 1]: nan is not accepted");
  std::vector<double> big{1e39, 0.0};
  EXPECT_REFUSED(TreePredict(*m, {big, 1, 2}), Code::kInvalidArgument, "X[0, 0]: 1e+39 is too large for float32");
  EXPECT_REFUSED(TreePredictProba(*m, {x, 1, 2}), Code::kUnsupported, "has no predict_proba");
}

// The walk compares float32 x with a float32 threshold; it must decide as
// scikit-learn does with the float64 one, for thresholds between, on and
// beyond float32 values.
TEST(TreeInference, Float32ThresholdsDecideAsFloat64Ones) {
  const float a = 0.1f, b = std::nextafter(a, 1.0f);
  const double mid = (static_cast<double>(a) + static_cast<double>(b)) / 2;  // not a float32
  for (double t : {mid, static_cast<double>(a), static_cast<double>(b), std::nextafter(static_cast<double>(a), 0.0),
                   1e300, -1e300, 3.5e38, -3.5e38}) {
    TreeFixture f;
    f.threshold[0] = t;
    auto m = SingleRegressor(f);
    ASSERT_TRUE(m.ok());
    for (double x0 : {static_cast<double>(a), static_cast<double>(b), -3.4e38, 3.4e38, 0.0}) {
      std::vector<double> x{x0, 0.0};
      auto p = TreePredict(*m, {x, 1, 2});
      ASSERT_TRUE(p.ok());
      const double expect = static_cast<double>(static_cast<float>(x0)) <= t ? 10 : 20;
      EXPECT_EQ(std::get<Matrix>(*p).data[0], expect) << "threshold " << t << ", x " << x0;
    }
  }
}

TEST(TreeInference, NearFloat32MaxRoundsLikeNumpy) {
  auto m = SingleRegressor(TreeFixture());
  ASSERT_TRUE(m.ok());
  // Rounds down to FLT_MAX in numpy (accepted); the next double up rounds to inf.
  std::vector<double> x{-0x1.fffffefffffffp127, 0.0};
  EXPECT_TRUE(TreePredict(*m, {x, 1, 2}).ok());
  x[0] = -0x1.ffffffp127;
  EXPECT_FALSE(TreePredict(*m, {x, 1, 2}).ok());
}

TEST(TreeInference, Float32ComparisonDecides) {
  TreeFixture f;
  f.threshold[0] = 0.1;  // float32(0.1) > 0.1 in double, so x = 0.1 goes right
  auto m = SingleRegressor(f);
  ASSERT_TRUE(m.ok());
  std::vector<double> x{0.1, 0.0, 0.09999999, 0.0};
  auto p = TreePredict(*m, {x, 2, 2});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(std::get<Matrix>(*p).data, (std::vector<double>{20, 10}));
}

TEST(TreeInference, MissingGoToLeftRoutesNaN) {
  TreeFixture f;
  f.missing = {1, 0, 0, 0, 0};
  auto m = SingleRegressor(f, true);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  std::vector<double> x{kNaN, 0.0, 1.0, kNaN};  // row 0: NaN at node 0 goes left; row 1: NaN at node 2 goes right
  auto p = TreePredict(*m, {x, 2, 2});
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(std::get<Matrix>(*p).data, (std::vector<double>{10, 30}));
}

TEST(TreeInference, StepCapStopsATamperedWalk) {
  auto m = SingleRegressor(TreeFixture());
  ASSERT_TRUE(m.ok());
  // Bypasses the builder: the flat layout's root points at itself, a cycle
  // the lockstep walk must not report as a leaf.
  DecisionTree& t = m->trees[0];
  t.flat[0].left = 0;
  t.flat[0].threshold = INFINITY;
  ASSERT_FALSE(t.small_flat.empty());
  t.small_flat[0].left = 0;
  t.small_flat[0].threshold = INFINITY;
  std::vector<double> x(40, 0.0);
  EXPECT_REFUSED(TreePredict(*m, {std::span(x).first(2), 1, 2}), Code::kCorruption, "walk exceeded its depth");
  EXPECT_REFUSED(TreePredict(*m, {x, 20, 2}), Code::kCorruption, "walk exceeded its depth");
}

TEST(TreeInference, StepCapStopsATamperedWalkWithNaN) {
  TreeFixture f;
  f.missing = {0, 0, 1, 0, 0};
  auto m = SingleRegressor(f, true);
  ASSERT_TRUE(m.ok());
  m->trees[0].left[2] = 0;  // bypasses the builder: a cycle 0 -> 2 -> 0 on the NaN path
  std::vector<double> x{1.0, kNaN};
  EXPECT_REFUSED(TreePredict(*m, {x, 1, 2}), Code::kCorruption, "walk exceeded its depth");
}

// ---- Linear -----------------------------------------------------------------

struct LinearFixture {
  std::vector<double> coef{1, 2, 3, 4, 5, 6, 7, 8, 9};  // 3 classes x 3 features
  std::vector<double> intercept{0.1, 0.2, 0.3};
  LinearInput input() const {
    LinearInput in;
    in.class_name = "LogisticRegression";
    in.task = LinearTask::kClassifier;
    in.proba = LinearProba::kSoftmax;
    in.coef = coef;
    in.coef_shape = {3, 3};
    in.intercept = intercept;
    in.classes = std::vector<std::string>{"a", "b", "c"};
    in.n_features_in = 3;
    return in;
  }
};

TEST(BuildLinear, Refusals) {
  LinearFixture f;
  ASSERT_TRUE(BuildLinear(f.input(), "model").ok());
  f.coef[3] = kNaN;
  EXPECT_REFUSED(BuildLinear(f.input(), "model"), Code::kCorruption, "model.coef_[3]: nan is not finite");
  f = LinearFixture();
  f.intercept[1] = kInf;
  EXPECT_REFUSED(BuildLinear(f.input(), "model"), Code::kCorruption, "model.intercept_[1]: inf is not finite");
  auto in = f.input();
  in.coef_shape = {3, 4};
  EXPECT_REFUSED(BuildLinear(in, "model"), Code::kCorruption, "model.coef_: 9 values, expected 3 x 4");
  in = f.input();
  in.coef_shape = {1, 3, 3};
  EXPECT_REFUSED(BuildLinear(in, "model"), Code::kCorruption, "model.coef_: 3-d");
  in = f.input();
  in.coef_shape = {UINT64_MAX, 2};
  EXPECT_REFUSED(BuildLinear(in, "model"), Code::kLimitExceeded, "model.coef_: shape");
  in = f.input();
  in.n_features_in = 4;
  EXPECT_REFUSED(BuildLinear(in, "model"), Code::kCorruption, "model.n_features_in_: 4 but coef_ has 3 columns");
  in = f.input();
  in.classes = std::vector<int64_t>{0, 1};
  EXPECT_REFUSED(BuildLinear(in, "model"), Code::kCorruption, "model.classes_: 2 classes but coef_ has 3 rows");
  in.classes = std::vector<int64_t>{7};
  EXPECT_REFUSED(BuildLinear(in, "model"), Code::kCorruption, "model.classes_: 1 classes, need at least 2");
  in = f.input();
  in.intercept = std::span<const double>(f.intercept).first(2);
  EXPECT_REFUSED(BuildLinear(in, "model"), Code::kCorruption, "model.intercept_: 2 values, expected 1 or 3");
  in = f.input();
  in.task = LinearTask::kRegressor;
  EXPECT_REFUSED(BuildLinear(in, "model"), Code::kCorruption, "model.proba: a regressor has no predict_proba");
}

TEST(LinearInference, MethodsScikitLearnLacksAreUnsupported) {
  LinearFixture f;
  auto in = f.input();
  in.class_name = "LinearSVC";
  in.proba = LinearProba::kNone;
  auto m = BuildLinear(in, "model");
  ASSERT_TRUE(m.ok());
  std::vector<double> x{1, 2, 3};
  EXPECT_REFUSED(LinearPredictProba(*m, {x, 1, 3}), Code::kUnsupported, "LinearSVC has no predict_proba");
  EXPECT_REFUSED(LinearPredict(*m, {x, 1, 2}), Code::kInvalidArgument, "X: 3 values do not make 1 rows x 2 columns");
  x[1] = kNaN;
  EXPECT_REFUSED(LinearPredict(*m, {x, 1, 3}), Code::kInvalidArgument, "X[0, 1]: nan is not accepted by LinearSVC");
  EXPECT_REFUSED(LogisticRegressionProba("magic", "lbfgs", 3), Code::kUnsupported, "multi_class: 'magic'");
}

// ---- Scalers and pipelines --------------------------------------------------

TEST(BuildScalers, Refusals) {
  std::vector<double> mean{1, 2}, scale{1, 0}, bad{1, kNaN};
  EXPECT_REFUSED(BuildStandardScaler({2, true, true, mean, scale}, "sc"), Code::kCorruption,
                 "sc.scale_[1]: 0 is not a valid scale");
  EXPECT_REFUSED(BuildStandardScaler({2, true, true, bad, mean}, "sc"), Code::kCorruption, "sc.mean_[1]: nan");
  EXPECT_REFUSED(BuildStandardScaler({3, true, true, mean, mean}, "sc"), Code::kCorruption,
                 "sc.mean_: 2 values but n_features_in_ is 3");
  EXPECT_REFUSED(BuildStandardScaler({2, true, false, {}, {}}, "sc"), Code::kCorruption, "sc.mean_: 0 values");
  EXPECT_TRUE(BuildStandardScaler({2, false, false, {}, {}}, "sc").ok());
  EXPECT_REFUSED(BuildMinMaxScaler({2, mean, bad, false, 0, 1}, "mm"), Code::kCorruption, "mm.scale_[1]: nan");
  EXPECT_REFUSED(BuildMinMaxScaler({2, mean, mean, true, 1, 1}, "mm"), Code::kCorruption,
                 "mm.feature_range: (1, 1) is not a finite increasing range");
  auto ok = BuildMinMaxScaler({2, mean, mean, false, 0, 1}, "mm");
  ASSERT_TRUE(ok.ok());
  std::vector<double> x{kInf, 0};
  EXPECT_REFUSED(MinMaxScalerTransform(*ok, {x, 1, 2}), Code::kInvalidArgument, "X[0, 0]: inf is not accepted");
}

Estimator Scaler(int n) {
  std::vector<double> ones(static_cast<size_t>(n), 1.0);
  return Estimator{BuildStandardScaler({n, true, true, ones, ones}, "s").value()};
}

TEST(BuildPipeline, Refusals) {
  auto tree = SingleRegressor(TreeFixture());
  ASSERT_TRUE(tree.ok());
  std::vector<Estimator> steps;
  steps.push_back(Estimator{tree->Clone()});
  steps.push_back(Scaler(2));
  EXPECT_REFUSED(BuildPipeline({"t", "s"}, std::move(steps), "pipe"), Code::kCorruption,
                 "pipe.steps[0]: DecisionTreeRegressor is not a transformer");
  steps.clear();
  steps.push_back(Scaler(3));
  steps.push_back(Estimator{tree->Clone()});
  EXPECT_REFUSED(BuildPipeline({"s", "t"}, std::move(steps), "pipe"), Code::kCorruption,
                 "pipe.steps[1]: expects 2 features but the step before produces 3");
  Estimator nested = Scaler(2);
  for (int i = 0; i <= kMaxPipelineDepth; ++i) {
    std::vector<Estimator> one;
    one.push_back(std::move(nested));
    auto p = BuildPipeline({"p"}, std::move(one), "pipe");
    if (i == kMaxPipelineDepth) {
      EXPECT_EQ(p.status().code(), Code::kLimitExceeded) << p.status().ToString();
      return;
    }
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    nested = std::move(p).value();
  }
}

TEST(Pipeline, DelegatesAndRefusesWhatTheLastStepLacks) {
  auto tree = SingleRegressor(TreeFixture());
  std::vector<Estimator> steps;
  steps.push_back(Scaler(2));
  steps.push_back(Estimator{tree->Clone()});
  auto p = BuildPipeline({"s", "t"}, std::move(steps), "pipe");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  std::vector<double> x{1.0, 3.0};  // scaled to (0, 2): left at node 0
  auto y = Predict(*p, {x, 1, 2});
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(std::get<Matrix>(*y).data, std::vector<double>{10});
  EXPECT_REFUSED(Transform(*p, {x, 1, 2}), Code::kUnsupported, "DecisionTreeRegressor has no transform");
  EXPECT_REFUSED(DecisionFunction(*p, {x, 1, 2}), Code::kUnsupported, "has no decision_function");
}

TEST(Checked, SizeOverflowIsALimit) {
  EXPECT_EQ(CheckSize("v", 0, UINT64_MAX, 2).code(), Code::kLimitExceeded);
  EXPECT_EQ(CheckSize("v", 0, uint64_t{1} << 32, uint64_t{1} << 32).code(), Code::kLimitExceeded);
  EXPECT_TRUE(CheckSize("v", 6, 2, 3).ok());
}

}  // namespace
}  // namespace safemodel::estimators
