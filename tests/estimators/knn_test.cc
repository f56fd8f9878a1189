// KNeighbors builder checks (one test per check), scikit-learn's neighbour
// order on hand-made ties, the zero-distance weighting, and the file round
// trip of brute, kd_tree and ball_tree models.
#include "estimators/knn.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "estimators/estimator.h"
#include "estimators/smdl_roundtrip.h"
#include "estimators/estimator_test_util.h"

namespace safemodel::estimators {
namespace {



// One feature: x = 0, 2, 2, 4, -2 with classes 0, 1, 2, 1, 0. A kd tree of
// three nodes: the root [0, 5), leaves [0, 2) and [2, 5) over idx_array
// 4, 0, 1, 2, 3 (sorted by x).
struct KnnFixture {
  KnnKind kind = KnnKind::kClassifier;
  KnnWeights weights = KnnWeights::kUniform;
  KnnMetric metric = KnnMetric::kEuclidean;
  double p = 2.0;
  KnnAlgorithm algorithm = KnnAlgorithm::kBrute;
  int64_t k = 2;
  int64_t n_features_in = 1;
  std::vector<double> fit_x{0.0, 2.0, 2.0, 4.0, -2.0};
  std::vector<uint64_t> fit_x_shape{5, 1};
  std::vector<LabelValues> classes{LabelValues(std::vector<int64_t>{10, 20, 30})};
  std::vector<int64_t> y_index{0, 1, 2, 1, 0};
  std::vector<double> y_value;
  int64_t n_outputs = 1;
  bool y_column = false;
  int64_t leaf_size = 2;
  std::vector<int64_t> idx{4, 0, 1, 2, 3};
  std::vector<int64_t> start{0, 0, 2}, end{5, 2, 5}, leaf{0, 1, 1};
  std::vector<double> radius{3.0, 1.0, 4.0 / 3};
  std::vector<double> bounds{-2.0, -2.0, 2.0, 4.0, 0.0, 4.0};  // lower x3, upper x3
  std::vector<uint64_t> bounds_shape{2, 3, 1};

  void Tree(KnnAlgorithm a) {
    algorithm = a;
    if (a == KnnAlgorithm::kBallTree) {
      bounds = {1.0, -1.0, 8.0 / 3.0};
      bounds_shape = {1, 3, 1};
    }
  }
  void Regressor() {
    kind = KnnKind::kRegressor;
    classes.clear();
    y_index.clear();
    y_value = {0.0, 1.5, 3.0, 1.5, 0.0};
  }
  Result<KnnModel> Build() const {
    KnnInput in;
    in.kind = kind;
    in.weights = weights;
    in.metric = metric;
    in.p = p;
    in.algorithm = algorithm;
    in.n_neighbors = k;
    in.n_features_in = n_features_in;
    in.fit_x = fit_x;
    in.fit_x_shape = fit_x_shape;
    in.classes = classes;
    in.y_index = y_index;
    in.y_value = y_value;
    in.n_outputs = n_outputs;
    in.y_column = y_column;
    if (algorithm != KnnAlgorithm::kBrute) {
      in.leaf_size = leaf_size;
      in.idx_array = idx;
      in.node_start = start;
      in.node_end = end;
      in.node_is_leaf = leaf;
      in.node_radius = radius;
      in.node_bounds = bounds;
      in.node_bounds_shape = bounds_shape;
    }
    return BuildKnn(in, "model");
  }
};

const std::vector<double> kQueries{1.0, 2.0, 3.0};
MatrixView Q() { return {kQueries, 3, 1}; }

TEST(KnnBuild, AcceptsTheFixtures) {
  for (auto a : {KnnAlgorithm::kBrute, KnnAlgorithm::kKdTree, KnnAlgorithm::kBallTree}) {
    KnnFixture f;
    f.Tree(a);
    auto m = f.Build();
    EXPECT_TRUE(m.ok()) << m.status().ToString();
  }
}

TEST(KnnBuild, RefusesUnknownEnums) {
  KnnFixture f;
  f.kind = static_cast<KnnKind>(7);
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.kind:");
  f = {};
  f.weights = static_cast<KnnWeights>(2);
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.weights:");
  f = {};
  f.metric = static_cast<KnnMetric>(4);
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.effective_metric_:");
  f = {};
  f.algorithm = static_cast<KnnAlgorithm>(3);
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model._fit_method:");
}

TEST(KnnBuild, RefusesABadMinkowskiP) {
  KnnFixture f;
  f.metric = KnnMetric::kMinkowski;
  for (double p : {0.5, kNaN, kInf, -1.0}) {
    f.p = p;
    EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.p:");
  }
  f.p = 3.0;
  EXPECT_TRUE(f.Build().ok());
}

TEST(KnnBuild, RefusesAPThatIsNotTheMetrics) {
  KnnFixture f;
  f.p = 3.0;  // euclidean is p = 2
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.p: 3 does not belong to this metric (expected 2)");
  f.metric = KnnMetric::kChebyshev;
  f.p = 2.0;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "expected inf");
}

TEST(KnnBuild, RefusesTrainingDataOfTheWrongShape) {
  KnnFixture f;
  f.fit_x_shape = {5};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model._fit_X: 1-d, expected 2-d");
  f.fit_x_shape = {4, 1};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model._fit_X");
  f.fit_x_shape = {uint64_t{1} << 40, 1};
  EXPECT_REFUSED(f.Build(), Code::kLimitExceeded, "model._fit_X.shape[0]");
}

TEST(KnnBuild, RefusesNonFiniteTrainingData) {
  KnnFixture f;
  f.fit_x[3] = kNaN;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model._fit_X[3]: nan is not finite");
  f.fit_x[3] = -kInf;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model._fit_X[3]: -inf is not finite");
}

TEST(KnnBuild, RefusesADeclaredWidthThatDiffers) {
  KnnFixture f;
  f.n_features_in = 2;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.n_features_in_: 2 but _fit_X has 1 columns");
}

TEST(KnnBuild, RefusesKOutsideOneToNSamples) {
  KnnFixture f;
  f.k = 0;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.n_neighbors: 0 out of range [1, 5]");
  f.k = 6;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.n_neighbors: 6 out of range [1, 5]");
  f.k = 5;
  EXPECT_TRUE(f.Build().ok());
}

TEST(KnnBuild, RefusesKAboveTheLimit) {
  KnnFixture f;
  f.fit_x.assign(kKnnMaxNeighbors + 1, 1.0);
  f.fit_x_shape = {static_cast<uint64_t>(kKnnMaxNeighbors + 1), 1};
  f.y_index.assign(f.fit_x.size(), 0);
  f.k = kKnnMaxNeighbors + 1;
  EXPECT_REFUSED(f.Build(), Code::kLimitExceeded, "model.n_neighbors: 4097 is above the limit of 4096");
  f.k = kKnnMaxNeighbors;
  EXPECT_TRUE(f.Build().ok());
}

// All k distances equal: scikit-learn's quicksort peels one element per
// partition (depth k if recursed on both sides); ours recurses on the smaller
// side only, and the limit keeps the k^2 steps small.
TEST(KnnPredict, AllTiedAtTheLimitSortsWithoutDeepRecursion) {
  KnnFixture f;
  f.fit_x.assign(kKnnMaxNeighbors, 3.0);
  f.fit_x_shape = {static_cast<uint64_t>(kKnnMaxNeighbors), 1};
  f.y_index.assign(f.fit_x.size(), 1);
  f.y_index[5] = 2;
  f.k = kKnnMaxNeighbors;
  auto m = f.Build();
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  const std::vector<double> x{0.0};
  const KnnNeighbors nb = KNeighbors(*m, {x, 1, 1});
  std::vector<int32_t> sorted = nb.index;
  std::sort(sorted.begin(), sorted.end());
  for (int32_t i = 0; i < kKnnMaxNeighbors; ++i) ASSERT_EQ(sorted[static_cast<size_t>(i)], i);
  auto p = Predict(*m, {x, 1, 1});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(std::get<std::vector<int64_t>>(std::get<Labels>(*p).values), (std::vector<int64_t>{20}));
}

TEST(KnnBuild, RefusesAClassifierWithoutClasses) {
  KnnFixture f;
  f.classes.clear();
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.classes_: no output");
  f.classes = {LabelValues(std::vector<int64_t>{})};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.classes_[0]: no class");
}

TEST(KnnBuild, RefusesOutputsOfDifferentLabelKinds) {
  KnnFixture f;
  f.classes.push_back(LabelValues(std::vector<std::string>{"a", "b", "c"}));
  f.y_index = {0, 0, 1, 1, 2, 2, 1, 1, 0, 0};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.classes_[1]: labels of kind str");
}

TEST(KnnBuild, RefusesClassIndicesOutOfRange) {
  KnnFixture f;
  f.y_index[3] = 3;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model._y[3, 0]: 3 out of range [0, 3)");
  f.y_index[3] = -1;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model._y[3, 0]: -1 out of range [0, 3)");
}

TEST(KnnBuild, RefusesTargetsOfTheWrongCount) {
  KnnFixture f;
  f.y_index.pop_back();
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model._y");
  KnnFixture r;
  r.Regressor();
  r.y_value.push_back(1.0);
  EXPECT_REFUSED(r.Build(), Code::kCorruption, "model._y");
  r.y_value.pop_back();
  r.n_outputs = 0;
  EXPECT_REFUSED(r.Build(), Code::kCorruption, "model.n_outputs: 0");
}

TEST(KnnBuild, RefusesNonFiniteRegressionTargets) {
  KnnFixture f;
  f.Regressor();
  f.y_value[2] = kInf;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model._y[2]: inf is not finite");
}

TEST(KnnBuild, AColumnTargetHasOneOutput) {
  KnnFixture f;
  f.Regressor();
  f.y_column = true;  // _y of shape (5, 1)
  auto m = f.Build();
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_TRUE(m->y_column);
  f.y_value.insert(f.y_value.end(), f.y_value.begin(), f.y_value.end());
  f.n_outputs = 2;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model._y: a column vector has one output, not 2");
}

TEST(KnnBuild, RefusesARegressorWithClasses) {
  KnnFixture f;
  f.Regressor();
  f.classes = {LabelValues(std::vector<int64_t>{0, 1})};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model.classes_: a regressor has no classes");
}

TEST(KnnBuild, RefusesABruteModelWithTreeArrays) {
  KnnFixture f;
  f.Tree(KnnAlgorithm::kKdTree);
  KnnInput in;
  in.n_neighbors = 2;
  in.fit_x = f.fit_x;
  in.fit_x_shape = f.fit_x_shape;
  in.classes = f.classes;
  in.y_index = f.y_index;
  in.idx_array = f.idx;
  EXPECT_REFUSED(BuildKnn(in, "model"), Code::kCorruption, "model._tree: brute force has no tree");
}

TEST(KnnBuildTree, RefusesLeafSizeZero) {
  KnnFixture f;
  f.Tree(KnnAlgorithm::kKdTree);
  f.leaf_size = 0;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model._tree.leaf_size: 0");
}

TEST(KnnBuildTree, RefusesAnIdxArrayThatIsNotAPermutation) {
  KnnFixture f;
  f.Tree(KnnAlgorithm::kKdTree);
  f.idx[2] = 0;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model._tree.idx_array[2]: 0 appears twice (not a permutation)");
  f.idx[2] = 5;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model._tree.idx_array[2]: 5 out of range [0, 5)");
  f.idx.pop_back();
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model._tree.idx_array: 4 entries, expected 5");
}

TEST(KnnBuildTree, RefusesANodeCountThatIsNotAFullTree) {
  KnnFixture f;
  f.Tree(KnnAlgorithm::kKdTree);
  f.start.pop_back();
  f.end.pop_back();
  f.leaf.pop_back();
  f.radius.pop_back();
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model._tree.node_data: 2 nodes, not 2^levels - 1");
  KnnFixture g;
  g.Tree(KnnAlgorithm::kKdTree);
  g.radius.pop_back();
  EXPECT_REFUSED(g.Build(), Code::kCorruption, "model._tree.node_data: node columns of different lengths");
}

TEST(KnnBuildTree, RefusesBoundsOfTheWrongShape) {
  KnnFixture f;
  f.Tree(KnnAlgorithm::kKdTree);
  f.bounds_shape = {1, 3, 1};
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model._tree.node_bounds: shape [1, 3, 1], expected [2, 3, 1]");
  KnnFixture b;
  b.Tree(KnnAlgorithm::kBallTree);
  b.bounds_shape = {2, 3, 1};
  EXPECT_REFUSED(b.Build(), Code::kCorruption, "expected [1, 3, 1]");
}

TEST(KnnBuildTree, RefusesNonFiniteBoundsAndBadRadii) {
  KnnFixture f;
  f.Tree(KnnAlgorithm::kKdTree);
  f.bounds[4] = kNaN;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model._tree.node_bounds[4]: nan is not finite");
  KnnFixture b;
  b.Tree(KnnAlgorithm::kBallTree);
  b.radius[1] = -1.0;
  EXPECT_REFUSED(b.Build(), Code::kCorruption, "model._tree.node_data[1].radius: -1 is not a finite value >= 0");
  b.radius[1] = kInf;
  EXPECT_REFUSED(b.Build(), Code::kCorruption, "model._tree.node_data[1].radius: inf");
}

TEST(KnnBuildTree, RefusesIsLeafOtherThanZeroOrOne) {
  KnnFixture f;
  f.Tree(KnnAlgorithm::kKdTree);
  f.leaf[2] = 5;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model._tree.node_data[2].is_leaf: 5 is not 0 or 1");
}

TEST(KnnBuildTree, RefusesARootThatDoesNotCoverEveryPoint) {
  KnnFixture f;
  f.Tree(KnnAlgorithm::kKdTree);
  f.end[0] = 4;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model._tree.node_data[0]: covers [0, 4), expected [0, 5)");
}

TEST(KnnBuildTree, RefusesChildrenThatDoNotSplitTheirParent) {
  KnnFixture f;
  f.Tree(KnnAlgorithm::kKdTree);
  f.end[1] = 3;  // overlaps the right child
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model._tree.node_data[0]: children 1 [0, 3) and 2 [2, 5)");
  KnnFixture g;
  g.Tree(KnnAlgorithm::kKdTree);
  g.end[1] = 7;
  g.start[2] = 7;  // past the parent's end
  EXPECT_REFUSED(g.Build(), Code::kCorruption, "do not split [0, 5)");
}

TEST(KnnBuildTree, RefusesAnInnerNodeWithoutChildren) {
  KnnFixture f;
  f.Tree(KnnAlgorithm::kKdTree);
  f.leaf[1] = 0;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model._tree.node_data[1].is_leaf: an inner node on the last level");
}

TEST(KnnBuildTree, RefusesALeafRangeOutsideTheData) {
  KnnFixture f;
  f.Tree(KnnAlgorithm::kKdTree);
  f.start = {0, 0, 2};
  f.end = {5, 2, 5};
  f.leaf = {1, 1, 1};  // the root is a leaf: children unreachable, ignored
  EXPECT_TRUE(f.Build().ok());
  f.start[0] = -1;
  EXPECT_REFUSED(f.Build(), Code::kCorruption, "model._tree.node_data[0]: covers [-1, 5)");
}

// scikit-learn 1.2.1's answers for this fixture (brute):
//   kneighbors([[1], [2], [3]], 2) -> indices [[0, 1], [1, 2], [1, 2]],
//   distances [[1, 1], [0, 0], [1, 1]]; predict -> [10, 20, 20]; with k=3 and
//   distance weights predict_proba [[1/3, 1/3, 1/3], [0, .5, .5], [0, 2/3, 1/3]]
//   and the regressor (y = 1.5 * class) [1.5, 2.25, 2.0].
TEST(KnnPredict, BruteTiesFollowScikitLearn) {
  KnnFixture f;
  auto m = f.Build();
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  const KnnNeighbors nb = KNeighbors(*m, Q());
  EXPECT_EQ(nb.index, (std::vector<int32_t>{0, 1, 1, 2, 1, 2}));
  EXPECT_EQ(nb.distance, (std::vector<double>{1, 1, 0, 0, 1, 1}));
  auto p = Predict(*m, Q());
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(std::get<std::vector<int64_t>>(std::get<Labels>(*p).values), (std::vector<int64_t>{10, 20, 20}));
}

TEST(KnnPredict, ZeroDistancesTakeAllTheWeight) {
  KnnFixture f;
  f.k = 3;
  f.weights = KnnWeights::kDistance;
  auto m = f.Build();
  ASSERT_TRUE(m.ok());
  auto proba = PredictProba(*m, Q());
  ASSERT_TRUE(proba.ok());
  const std::vector<double> want{1.0 / 3, 1.0 / 3, 1.0 / 3, 0.0, 0.5, 0.5, 0.0, 2.0 / 3, 1.0 / 3};
  EXPECT_EQ(proba->data, want);
  f.Regressor();
  auto r = f.Build();
  ASSERT_TRUE(r.ok());
  auto y = Predict(*r, Q());
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(std::get<Matrix>(*y).data, (std::vector<double>{1.5, 2.25, 2.0}));
}

TEST(KnnPredict, TreesFindTheSameNeighbourSets) {
  for (auto a : {KnnAlgorithm::kKdTree, KnnAlgorithm::kBallTree}) {
    KnnFixture f;
    f.Tree(a);
    f.k = 3;
    auto m = f.Build();
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    const KnnNeighbors nb = KNeighbors(*m, Q());
    for (size_t r = 0; r < 3; ++r) {
      std::vector<int32_t> got(nb.index.begin() + 3 * r, nb.index.begin() + 3 * r + 3);
      std::sort(got.begin(), got.end());
      // Query 2: points 1, 2 (distance 0) then 0 or 3 (distance 2): the tree
      // visits the right leaf (x = 2, 2, 4) first and prunes the left one, so
      // 3 is kept.
      const std::vector<int32_t> want[3] = {{0, 1, 2}, {1, 2, 3}, {1, 2, 3}};
      EXPECT_EQ(got, want[r]) << "row " << r;
    }
  }
}

TEST(KnnPredict, RefusesBadInput) {
  KnnFixture f;
  auto m = f.Build();
  ASSERT_TRUE(m.ok());
  const std::vector<double> nan{kNaN};
  EXPECT_EQ(Predict(*m, {nan, 1, 1}).status().code(), Code::kInvalidArgument);
  const std::vector<double> two{1.0, 2.0};
  EXPECT_EQ(Predict(*m, {two, 1, 2}).status().code(), Code::kInvalidArgument);
  f.Regressor();
  auto r = f.Build();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(PredictProba(*r, Q()).status().code(), Code::kUnsupported);
}

TEST(KnnPredict, MultiOutputProbaIsUnsupportedButPredictWorks) {
  KnnFixture f;
  f.classes.push_back(LabelValues(std::vector<int64_t>{7, 8}));
  f.y_index = {0, 0, 1, 1, 2, 0, 1, 1, 0, 0};
  auto m = f.Build();
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(PredictProba(*m, Q()).status().code(), Code::kUnsupported);
  auto p = Predict(*m, Q());
  ASSERT_TRUE(p.ok());
  const Labels& l = std::get<Labels>(*p);
  EXPECT_EQ(l.cols, 2u);
  // Neighbours {0, 1}, {1, 2}, {1, 2}: every vote is a tie, won by the lower
  // class index: (10, 7), (20, 7), (20, 7).
  EXPECT_EQ(std::get<std::vector<int64_t>>(l.values), (std::vector<int64_t>{10, 7, 20, 7, 20, 7}));
}

TEST(KnnFile, RoundTripsEveryAlgorithm) {
  for (auto a : {KnnAlgorithm::kBrute, KnnAlgorithm::kKdTree, KnnAlgorithm::kBallTree}) {
    for (bool regressor : {false, true}) {
      KnnFixture f;
      f.Tree(a);
      f.k = 3;
      f.weights = KnnWeights::kDistance;
      if (regressor) f.Regressor();
      else f.classes = {LabelValues(std::vector<std::string>{"x", "y", "z"})};
      auto m = f.Build();
      ASSERT_TRUE(m.ok()) << m.status().ToString();
      Estimator e(std::move(*m));
      EXPECT_GE(testing::ExpectSameThroughFile(e, Q()), 1);
    }
  }
  KnnFixture mk;
  mk.metric = KnnMetric::kMinkowski;
  mk.p = 3.0;
  mk.Tree(KnnAlgorithm::kBallTree);
  auto m = mk.Build();
  ASSERT_TRUE(m.ok());
  Estimator e(std::move(*m));
  EXPECT_EQ(testing::ExpectSameThroughFile(e, Q()), 3);  // predict, predict_proba, its log
}

}  // namespace
}  // namespace safemodel::estimators
