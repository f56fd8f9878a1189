// KNeighborsClassifier / KNeighborsRegressor end to end (cases/knn.py): real
// scikit-learn 1.2.1 pickles and joblib files with brute, kd_tree and
// ball_tree, uniform and distance weights, four metrics, on integer data full
// of ties (equidistant training points, duplicates, queries on training
// points), compared with scikit-learn's own outputs: labels identical,
// integer-data numbers bit for bit, the rest within 1e-9 relative. Then
// 0.18/0.21/0.23/1.9 and numpy 2 layouts, and files broken in one place.
#include <gtest/gtest.h>

#include <string>

#include "mapping_cases.h"

namespace safemodel::mapping {
namespace {

bool KnnOtherVersion(const std::string& n) {
  for (const char* v : {"knn_old0", "knn_v023_", "knn_numpy2_", "knn_v19_"}) {
    if (StartsWith(n, v)) return true;
  }
  return false;
}

TEST(MapKnnSklearn121, BruteMatchesScikitLearnIncludingTies) {
  EXPECT_CASES_MATCH_SKLEARN([](const std::string& n) {
    return StartsWith(n, "knn_") && !KnnOtherVersion(n) && n.find("_brute") != std::string::npos;
  }, 21);
}

TEST(MapKnnSklearn121, KdTreeMatchesScikitLearnIncludingTies) {
  EXPECT_CASES_MATCH_SKLEARN([](const std::string& n) {
    return StartsWith(n, "knn_") && !KnnOtherVersion(n) && n.find("_kd") != std::string::npos;
  }, 21);
}

TEST(MapKnnSklearn121, BallTreeMatchesScikitLearnIncludingTies) {
  EXPECT_CASES_MATCH_SKLEARN([](const std::string& n) {
    return StartsWith(n, "knn_") && !KnnOtherVersion(n) && n.find("_ball") != std::string::npos;
  }, 21);
}

TEST(MapKnnSklearn121, AutoFloat32IntTargetsAndPipeline) {
  EXPECT_CASES_MATCH_SKLEARN([](const std::string& n) {
    return n == "knn_clf_auto" || n == "knn_reg_auto_f32" || n == "knn_reg_int_y" || n == "knn_pipe_scaled";
  }, 4);
}

TEST(MapKnnOtherVersions, OldModulePathsNumpy2AndNewest) {
  // sklearn.neighbors.classification / .regression / .kd_tree / .ball_tree /
  // .dist_metrics (0.18, 0.21), sklearn.neighbors._dist_metrics (0.23), 12-item
  // tree states, no n_features_in_ / n_samples_fit_; numpy 2; 1.9.
  EXPECT_CASES_MATCH_SKLEARN(KnnOtherVersion, 16);
}

TEST(MapKnnRefuses, TreeArrays) {
  EXPECT_MAP_REFUSED("knn_idx_not_permutation", Code::kCorruption, "_tree.idx_array[4]:", "not a permutation");
  EXPECT_MAP_REFUSED("knn_idx_out_of_range", Code::kCorruption, "_tree.idx_array[2]: 90 out of range [0, 90)");
  EXPECT_MAP_REFUSED("knn_node_range_outside", Code::kCorruption, "_tree.node_data[", "do not split");
  EXPECT_MAP_REFUSED("knn_children_not_split", Code::kCorruption, "_tree.node_data[0]: children 1", "do not split");
  EXPECT_MAP_REFUSED("knn_root_range", Code::kCorruption, "_tree.node_data[0]: covers [1, 90), expected [0, 90)");
  EXPECT_MAP_REFUSED("knn_is_leaf_2", Code::kCorruption, "_tree.node_data[0].is_leaf: 2 is not 0 or 1");
  EXPECT_MAP_REFUSED("knn_radius_nan", Code::kCorruption, "_tree.node_data[3].radius: nan is not a finite value");
  EXPECT_MAP_REFUSED("knn_bounds_shape", Code::kCorruption, "_tree.node_bounds: shape [1, ", "expected [2, ");
  EXPECT_MAP_REFUSED("knn_bounds_inf", Code::kCorruption, "_tree.node_bounds[", "inf is not finite");
  EXPECT_MAP_REFUSED("knn_n_levels", Code::kCorruption, "_tree.n_levels:", "levels do not make");
  EXPECT_MAP_REFUSED("knn_tree_data_differs", Code::kCorruption, "_tree.data: the tree's data differs from _fit_X");
  EXPECT_MAP_REFUSED("knn_tree_metric_mismatch", Code::kCorruption,
                     "_tree.dist_metric: the tree uses ManhattanDistance", "needs EuclideanDistance");
  EXPECT_MAP_REFUSED("knn_tree_state_short", Code::kCorruption, "tree state must be a tuple of 12 or 13 items");
  EXPECT_MAP_REFUSED("knn_tree_wrong_class", Code::kCorruption, "KNeighborsClassifier._tree: expected a KDTree");
  EXPECT_MAP_REFUSED("knn_brute_with_tree", Code::kCorruption, "KNeighborsClassifier._tree: brute has no tree");
}

TEST(MapKnnRefuses, Parameters) {
  EXPECT_MAP_REFUSED("knn_weights_callable", Code::kUnsupported, "KNeighborsClassifier", "not a callable");
  EXPECT_MAP_REFUSED("knn_weights_unknown", Code::kUnsupported, "weights 'gaussian'", "is not supported");
  EXPECT_MAP_REFUSED("knn_metric_unknown", Code::kUnsupported, "metric 'cosine' is not supported");
  EXPECT_MAP_REFUSED("knn_metric_params", Code::kUnsupported, "effective_metric_params_ key 'V'");
  EXPECT_MAP_REFUSED("knn_minkowski_p_half", Code::kCorruption, "KNeighborsRegressor.p: 0.5 is not a finite Minkowski p >= 1");
  EXPECT_MAP_REFUSED("knn_fit_method", Code::kUnsupported, "_fit_method 'lsh' is not supported");
  EXPECT_MAP_REFUSED("knn_k_too_large", Code::kCorruption, "KNeighborsClassifier.n_neighbors: 91 out of range [1, 90]");
  EXPECT_MAP_REFUSED("knn_k_zero", Code::kCorruption, "KNeighborsClassifier.n_neighbors: 0 out of range [1, 90]");
}

TEST(MapKnnRefuses, TrainingData) {
  EXPECT_MAP_REFUSED("knn_y_out_of_range", Code::kCorruption, "KNeighborsClassifier._y[7, 0]: 3 out of range [0, 3)");
  EXPECT_MAP_REFUSED("knn_y_rows", Code::kCorruption, "KNeighborsClassifier._y: shape [89] does not fit 90 samples");
  EXPECT_MAP_REFUSED("knn_fit_x_nan", Code::kCorruption, "KNeighborsClassifier._fit_X[5]: nan is not finite");
  EXPECT_MAP_REFUSED("knn_fit_x_f32_brute", Code::kUnsupported, "brute force over _fit_X of dtype '<f4'");
  EXPECT_MAP_REFUSED("knn_features_in", Code::kCorruption, "KNeighborsClassifier.n_features_in_: 3 but _fit_X has 2 columns");
  EXPECT_MAP_REFUSED("knn_reg_y_inf", Code::kCorruption, "KNeighborsRegressor._y[4]: inf is not finite");
  EXPECT_MAP_REFUSED("knn_no_fit_x", Code::kUnsupported, "missing attribute '_fit_X'");
}

}  // namespace
}  // namespace safemodel::mapping
