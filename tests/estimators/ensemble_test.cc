// The isolation forest and AdaBoost builders refuse, one broken field at a
// time, what could make predict read out of bounds or compute from nonsense;
// predict follows scikit-learn's formulas on hand-made models; and every
// model survives the file (write, reopen, identical outputs for every method).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "estimators/estimator.h"
#include "smdl_roundtrip.h"
#include "estimators/estimator_test_util.h"

namespace safemodel::estimators {
namespace {



// A stump over its input column `f`: x[f] <= 0.5 goes left. Values per node
// (value_shape [3, 1, k]).
struct Stump {
  std::vector<int64_t> left{1, -1, -1}, right{2, -1, -1}, feature{0, -2, -2};
  std::vector<double> threshold{0.5, -2, -2}, value;
  std::vector<uint64_t> value_shape;
  std::vector<uint8_t> missing;
  Stump(int64_t f, std::vector<double> v, uint64_t k) : value(std::move(v)), value_shape{3, 1, k} { feature[0] = f; }
  TreeArrays Arrays() const { return {left, right, feature, threshold, value, value_shape, missing}; }
};

TreeModel Forest(const std::vector<Stump>& stumps, int64_t n_features, TreeTask task, LabelValues classes = {}) {
  TreeModelInput ti;
  ti.class_name = "members";
  ti.task = task;
  ti.combine = TreeCombine::kAverage;
  ti.n_features = n_features;
  ti.n_outputs = 1;
  if (task == TreeTask::kClassifier) ti.classes = {std::move(classes)};
  for (const auto& s : stumps) ti.trees.push_back(s.Arrays());
  auto t = BuildTreeModel(ti, "trees");
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return std::move(t).value();
}

// ---- IsolationForest ------------------------------------------------------------

// Two trees over 2 of 3 features: tree 0 reads X[:, [2, 0]], tree 1 X[:, [1, 2]].
struct IfFixture {
  std::vector<Stump> stumps{Stump(0, {0, 0, 0}, 1), Stump(1, {0, 0, 0}, 1)};
  std::vector<std::vector<int64_t>> features{{2, 0}, {1, 2}};
  std::vector<std::vector<int64_t>> samples{{8, 1, 7}, {8, 2, 6}};
  std::vector<std::vector<double>> paths, apl;
  int64_t n_features = 3, max_features = 2, max_samples = 8;
  double offset = -0.5;
  Result<IsolationForestModel> Build() {
    IsolationForestInput in;
    in.n_features = n_features;
    in.max_features = max_features;
    in.max_samples = max_samples;
    in.offset = offset;
    for (const auto& f : features) in.features.push_back(f);
    for (const auto& s : samples) in.n_node_samples.push_back(s);
    for (const auto& p : paths) in.decision_path_lengths.push_back(p);
    for (const auto& a : apl) in.average_path_length_per_tree.push_back(a);
    in.trees = Forest(stumps, 2, TreeTask::kRegressor);
    return BuildIsolationForest(std::move(in), "model");
  }
};

TEST(BuildIsolationForest, ScoresFollowScikitLearn) {
  IfFixture f;
  auto m = f.Build();
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  // Row: tree 0 splits on X[:, 2], tree 1 on X[:, 2] too (features[1][1]).
  std::vector<double> x{0.0, 0.0, 0.0, 0.0, 0.0, 1.0};
  auto s = ScoreSamples(Estimator{m->Clone()}, {x, 2, 3});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  const double den = 2 * AveragePathLength(8);
  // Row 0: both go left: leaves with 1 and 2 samples at depth 1.
  const double d0 = ((2.0 + 0.0) - 1.0) + ((2.0 + 1.0) - 1.0);
  const double d1 = ((2.0 + AveragePathLength(7)) - 1.0) + ((2.0 + AveragePathLength(6)) - 1.0);
  EXPECT_DOUBLE_EQ(s->data[0], -std::pow(2.0, -d0 / den));
  EXPECT_DOUBLE_EQ(s->data[1], -std::pow(2.0, -d1 / den));
  auto d = DecisionFunction(Estimator{m->Clone()}, {x, 2, 3});
  ASSERT_TRUE(d.ok());
  EXPECT_DOUBLE_EQ(d->data[0], s->data[0] + 0.5);
  auto p = Predict(Estimator{m->Clone()}, {x, 2, 3});
  ASSERT_TRUE(p.ok());
  const auto& labels = std::get<std::vector<int64_t>>(std::get<Labels>(*p).values);
  EXPECT_EQ(labels[0], d->data[0] < 0 ? -1 : 1);
  EXPECT_EQ(labels[1], d->data[1] < 0 ? -1 : 1);
  EXPECT_EQ(AveragePathLength(1), 0.0);
  EXPECT_EQ(AveragePathLength(2), 1.0);
}

TEST(BuildIsolationForest, AllFeaturesIgnoresTheirOrder) {
  // max_features == n_features: scikit-learn passes X whole, whatever the permutation.
  IfFixture f;
  f.n_features = 2;
  f.features = {{1, 0}, {0, 1}};
  auto m = f.Build();
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->walk.trees[0].feature[0], 0);
  EXPECT_EQ(m->walk.trees[1].feature[0], 1);
}

TEST(BuildIsolationForest, OneSampleScoresHalf) {
  IfFixture f;
  f.max_samples = 1;
  auto m = f.Build();
  ASSERT_TRUE(m.ok());
  std::vector<double> x{0.0, 0.0, 0.0};
  auto s = ScoreSamples(Estimator{std::move(m).value()}, {x, 1, 3});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->data[0], -0.5);
}

TEST(BuildIsolationForest, FeatureIndicesInRange) {
  IfFixture f;
  f.features[1][0] = 3;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.estimators_features_[1][0]: 3 out of range [0, 3)");
  f.features[1][0] = -1;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.estimators_features_[1][0]: -1 out of range");
}

TEST(BuildIsolationForest, FeatureListsPerTree) {
  IfFixture f;
  f.features[0].pop_back();
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.estimators_features_[0]: 1 features, _max_features is 2");
  f = IfFixture();
  f.features.pop_back();
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.estimators_features_: 1 entries for 2 trees");
}

TEST(BuildIsolationForest, MaxFeaturesWithinNFeatures) {
  IfFixture f;
  f.n_features = 1;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model._max_features: 2 exceeds n_features_in_ 1");
  f = IfFixture();
  f.max_features = 3;  // the trees read 2 inputs
  f.features = {{0, 1, 2}, {0, 1, 2}};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.estimators_: trees over 2 features, expected 3");
}

TEST(BuildIsolationForest, NodeSamples) {
  IfFixture f;
  f.samples[1] = {8, 2, 5};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "estimators_[1].tree_.n_node_samples[0]: 8 is not the sum");
  f = IfFixture();
  f.samples[0] = {1, 0, 1};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "estimators_[0].tree_.n_node_samples[1]: 0 is below 1");
  f = IfFixture();
  f.samples[0] = {8, 1};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "n_node_samples: 2 entries but node_count is 3");
  f = IfFixture();
  f.samples[0] = {INT64_MAX, INT64_MAX, INT64_MAX};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "is not the sum of its children's");
  f = IfFixture();
  f.samples.pop_back();
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.n_node_samples: 1 entries for 2 trees");
}

TEST(BuildIsolationForest, MaxSamplesAndOffset) {
  IfFixture f;
  f.max_samples = 0;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.max_samples_: 0 is below 1");
  f = IfFixture();
  f.offset = kNaN;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.offset_: nan is not finite");
}

TEST(BuildIsolationForest, CachedArraysOfNewerReleasesMustAgree) {
  IfFixture f;
  f.paths = {{1, 2, 2}, {1, 2, 2}};
  f.apl = {{AveragePathLength(8), 0.0, AveragePathLength(7)}, {AveragePathLength(8), 1.0, AveragePathLength(6)}};
  ASSERT_TRUE(f.Build().ok());
  auto g = f;
  g.paths[1][2] = 3;
  EXPECT_REFUSED(g.Build(), Code::kCorruption, "model._decision_path_lengths[1][2]: 3 but the node is at depth 2");
  g = f;
  g.apl[0][2] += 1e-6;
  EXPECT_REFUSED(g.Build(), Code::kCorruption, "model._average_path_length_per_tree[0][2]");
  g = f;
  g.apl[0].pop_back();
  EXPECT_REFUSED(g.Build(), Code::kCorruption, "model._average_path_length_per_tree[0]: 2 entries, expected 3");
  g = f;
  g.paths.pop_back();
  EXPECT_REFUSED(g.Build(), Code::kCorruption, "model._decision_path_lengths: 1 entries for 2 trees");
}

TEST(BuildIsolationForest, MembersAreRegressionTrees) {
  IsolationForestInput in;
  in.n_features = 2;
  in.max_features = 2;
  in.max_samples = 4;
  std::vector<int64_t> feats{0, 1}, samples{4, 1, 3};
  in.features = {feats};
  in.n_node_samples = {samples};
  in.trees = Forest({Stump(0, {1, 1, 1, 0, 0, 1}, 2)}, 2, TreeTask::kClassifier, std::vector<int64_t>{0, 1});
  EXPECT_REFUSED(BuildIsolationForest(std::move(in), "model"), Code::kCorruption, "model.estimators_: regression trees expected");
}

TEST(BuildIsolationForest, RefusesNaNInput) {
  IfFixture f;
  auto m = f.Build();
  ASSERT_TRUE(m.ok());
  std::vector<double> x{0.0, kNaN, 0.0};
  auto s = ScoreSamples(Estimator{std::move(m).value()}, {x, 1, 3});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), Code::kInvalidArgument);
}

// ---- AdaBoost ---------------------------------------------------------------------

struct AdaFixture {
  std::vector<Stump> stumps{Stump(0, {0, 0, 0, 3, 1, 0, 0, 1, 2}, 3), Stump(1, {0, 0, 0, 0, 0, 2, 2, 2, 0}, 3)};
  LabelValues classes = std::vector<std::string>{"a", "b", "c"};
  std::vector<double> weights{0.7, 0.4, 0.0};
  AdaAlgorithm algorithm = AdaAlgorithm::kSamme;
  int64_t n_features = 2;
  Result<AdaBoostModel> Build() {
    AdaBoostInput in;
    in.class_name = algorithm == AdaAlgorithm::kRegressor ? "AdaBoostRegressor" : "AdaBoostClassifier";
    in.algorithm = algorithm;
    in.n_features = n_features;
    in.classes = algorithm == AdaAlgorithm::kRegressor ? LabelValues{} : classes;
    in.estimator_weights = weights;
    in.trees = Forest(stumps, 2, algorithm == AdaAlgorithm::kRegressor ? TreeTask::kRegressor : TreeTask::kClassifier,
                      classes);
    return BuildAdaBoost(std::move(in), "model");
  }
};

TEST(BuildAdaBoost, SammeVotesWeightedByEstimatorWeights) {
  AdaFixture f;
  auto m = f.Build();
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  // Row 0: tree 0 left (votes a), tree 1 left (votes c). Row 1: right, right (b, b... tree 1 right is [2,2,0] -> a).
  std::vector<double> x{0.0, 0.0, 1.0, 1.0};
  auto d = DecisionFunction(Estimator{m->Clone()}, {x, 2, 2});
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  const double sum = 0.7 + 0.4 + 0.0;
  EXPECT_DOUBLE_EQ(d->at(0, 0), 0.7 / sum);
  EXPECT_DOUBLE_EQ(d->at(0, 2), 0.4 / sum);
  EXPECT_DOUBLE_EQ(d->at(1, 0), 0.4 / sum);
  EXPECT_DOUBLE_EQ(d->at(1, 2), 0.7 / sum);
  auto p = Predict(Estimator{m->Clone()}, {x, 2, 2});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(std::get<std::vector<std::string>>(std::get<Labels>(*p).values), (std::vector<std::string>{"a", "c"}));
  auto pr = PredictProba(Estimator{m->Clone()}, {x, 2, 2});
  ASSERT_TRUE(pr.ok());
  double z = std::exp(d->at(0, 0) / 2) + std::exp(d->at(0, 1) / 2) + std::exp(d->at(0, 2) / 2);
  EXPECT_NEAR(pr->at(0, 0), std::exp(d->at(0, 0) / 2) / z, 1e-15);
}

TEST(BuildAdaBoost, SammeRBinaryFoldsAndClipsZeroProbabilities) {
  AdaFixture f;
  f.algorithm = AdaAlgorithm::kSammeR;
  f.classes = std::vector<int64_t>{-1, 1};
  f.stumps = {Stump(0, {0, 0, 4, 0, 1, 3}, 2)};
  f.weights = {1.0};
  auto m = f.Build();
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  std::vector<double> x{0.0, 0.0, 1.0, 0.0};
  auto d = DecisionFunction(Estimator{m->Clone()}, {x, 2, 2});
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  ASSERT_EQ(d->cols, 1u);
  const double eps = std::numeric_limits<double>::epsilon();
  auto term = [](double a, double b) {  // (K - 1) * (log p - mean log p), K = 2
    const double la = std::log(a), lb = std::log(b), mean = 0.5 * (la + lb);
    return std::pair{la - mean, lb - mean};
  };
  auto [l0, l1] = term(1.0, eps);
  EXPECT_DOUBLE_EQ(d->data[0], -l0 + l1);
  auto [r0, r1] = term(0.25, 0.75);
  EXPECT_DOUBLE_EQ(d->data[1], -r0 + r1);
  auto p = Predict(Estimator{m->Clone()}, {x, 2, 2});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(std::get<std::vector<int64_t>>(std::get<Labels>(*p).values), (std::vector<int64_t>{-1, 1}));
}

TEST(BuildAdaBoost, RegressorTakesTheWeightedMedian) {
  AdaFixture f;
  f.algorithm = AdaAlgorithm::kRegressor;
  f.stumps = {Stump(0, {0, 1, 5}, 1), Stump(0, {0, 2, 6}, 1), Stump(0, {0, 3, 7}, 1)};
  f.weights = {0.2, 0.2, 0.5};
  auto m = f.Build();
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  std::vector<double> x{0.0, 0.0, 1.0, 0.0};
  auto p = Predict(Estimator{m->Clone()}, {x, 2, 2});
  ASSERT_TRUE(p.ok());
  const auto& y = std::get<Matrix>(*p);
  // cdf 0.2, 0.4, 0.9 >= 0.45 first at the third.
  EXPECT_EQ(y.data[0], 3.0);
  EXPECT_EQ(y.data[1], 7.0);
  EXPECT_FALSE(PredictProba(Estimator{m->Clone()}, {x, 2, 2}).ok());
  EXPECT_FALSE(DecisionFunction(Estimator{m->Clone()}, {x, 2, 2}).ok());
}

TEST(BuildAdaBoost, WeightsFiniteNonNegativeOnePerTree) {
  AdaFixture f;
  f.weights = {0.7};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.estimator_weights_: 1 weights for 2 trees");
  f.weights = {0.7, kNaN};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.estimator_weights_[1]: nan is not finite");
  f.weights = {0.7, -0.1};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.estimator_weights_[1]: -0.1 is negative");
  f.weights = {0.0, 0.0};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.estimator_weights_: the weights sum to 0");
}

TEST(BuildAdaBoost, ClassesAgreeWithTheTrees) {
  AdaFixture f;
  AdaBoostInput in;
  in.class_name = "AdaBoostClassifier";
  in.n_features = 2;
  in.classes = std::vector<std::string>{"a", "b", "x"};
  in.estimator_weights = f.weights;
  in.trees = Forest(f.stumps, 2, TreeTask::kClassifier, f.classes);
  EXPECT_REFUSED(BuildAdaBoost(std::move(in), "model"), Code::kCorruption, "the trees' classes_ differ from classes_");
  f.classes = std::vector<std::string>{"a"};
  f.stumps = {Stump(0, {1, 1, 1}, 1)};
  f.weights = {1.0};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.classes_: 1 classes (at least 2 needed)");
}

TEST(BuildAdaBoost, TreesMatchTaskAndWidth) {
  AdaFixture f;
  f.n_features = 3;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.estimators_: trees over 2 features, expected 3");
  AdaBoostInput in;
  in.class_name = "AdaBoostRegressor";
  in.algorithm = AdaAlgorithm::kRegressor;
  in.n_features = 2;
  in.estimator_weights = f.weights;
  in.trees = Forest(f.stumps, 2, TreeTask::kClassifier, f.classes);
  EXPECT_REFUSED(BuildAdaBoost(std::move(in), "model"), Code::kCorruption, "regression trees expected");
  AdaBoostInput bad;
  bad.algorithm = static_cast<AdaAlgorithm>(7);
  EXPECT_REFUSED(BuildAdaBoost(std::move(bad), "model"), Code::kCorruption, "model.algorithm: unknown");
}

// ---- through the file -----------------------------------------------------------

TEST(EnsembleFile, IsolationForestRoundTrip) {
  IfFixture f;
  auto m = f.Build();
  ASSERT_TRUE(m.ok());
  std::vector<double> x{0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 0.2, 0.9, 0.4};
  EXPECT_EQ(testing::ExpectSameThroughFile(Estimator{std::move(m).value()}, {x, 3, 3}), 3);
}

TEST(EnsembleFile, AdaBoostRoundTrip) {
  std::vector<double> x{0.0, 0.0, 1.0, 1.0, 0.2, 0.9};
  for (AdaAlgorithm a : {AdaAlgorithm::kSamme, AdaAlgorithm::kSammeR, AdaAlgorithm::kRegressor}) {
    AdaFixture f;
    f.algorithm = a;
    if (a == AdaAlgorithm::kRegressor) f.stumps = {Stump(0, {0, 1, 5}, 1), Stump(1, {0, 2, 6}, 1)};
    auto m = f.Build();
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    EXPECT_GE(testing::ExpectSameThroughFile(Estimator{std::move(m).value()}, {x, 3, 2}), 1);
  }
}

}  // namespace
}  // namespace safemodel::estimators
