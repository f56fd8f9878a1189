// Neural networks and SVMs end to end: real scikit-learn 1.2.1 pickles and
// joblib files (tests/mapping/cases/mlp_svm.py), and files rewritten to look
// like 0.18-1.9 and numpy 2, converted and compared with scikit-learn's own
// outputs (labels identical, numbers within 1e-9 relative); then files
// broken in one place each.
#include <gtest/gtest.h>

#include <string>

#include "mapping_cases.h"

namespace safemodel::mapping {
namespace {

bool OtherVersion(const std::string& n) {
  for (const char* v : {"_old018_", "_old019_", "_old021_", "_numpy2_", "_v17_", "_v19_"}) {
    if (n.find(v) != std::string::npos) return true;
  }
  return false;
}

TEST(MapMlpSklearn121, ClassifiersAndRegressorsMatchScikitLearn) {
  EXPECT_CASES_MATCH_SKLEARN([](const std::string& n) { return StartsWith(n, "mlp_") && !OtherVersion(n); }, 11);
}

TEST(MapSvmSklearn121, LibsvmEstimatorsMatchScikitLearn) {
  EXPECT_CASES_MATCH_SKLEARN([](const std::string& n) { return StartsWith(n, "svm_") && !OtherVersion(n); }, 17);
}

TEST(MapMlpSvmOtherVersions, OldModulePathsAndAttributeNames) {
  // 0.18/0.19/0.21: multilayer_perceptron, preprocessing.label, svm.classes;
  // n_support_/probA_/probB_; no break_ties, offset_ or n_features_in_;
  // 0.18's decision_function_shape=None (one-vs-one).
  EXPECT_CASES_MATCH_SKLEARN([](const std::string& n) {
    return (StartsWith(n, "mlp_old") || StartsWith(n, "svm_old"));
  }, 16);
}

TEST(MapMlpSvmOtherVersions, NumpyTwoAndNewestVersions) {
  EXPECT_CASES_MATCH_SKLEARN([](const std::string& n) {
    return (StartsWith(n, "mlp_") || StartsWith(n, "svm_")) &&
           (n.find("_numpy2_") != std::string::npos || n.find("_v19_") != std::string::npos);
  }, 8);
}

TEST(MapMlpSvmOtherVersions, PoissonRegressorExpOutput) {
  EXPECT_CASES_MATCH_SKLEARN([](const std::string& n) { return n == "mlp_v17_poisson"; }, 1);
}

TEST(MapMlpSvmOtherVersions, TrainingStateIsDropped) {
  // Adam/SGD optimizers, random states, loss curves and early-stopping copies
  // are in the file; the converted model holds only the layers.
  REQUIRE_CASES();
  auto conv = MapFile(Cases::Get().file("mlp_clf_sgd_early.p4.pkl"));
  ASSERT_TRUE(conv.ok()) << conv.status().ToString();
  const auto& e = std::get<estimators::Estimator>(*conv->content);
  const auto& m = std::get<estimators::MlpModel>(e.model);
  EXPECT_EQ(m.widths, (std::vector<int32_t>{7, 6, 3}));
  EXPECT_EQ(e.Describe(), "MLPClassifier: layers 7-6-3, relu -> softmax, 3 classes (str)");
}

// ---- refusals -------------------------------------------------------------------

TEST(MapMlpRefuses, LayersThatDoNotChain) {
  EXPECT_MAP_REFUSED("mlp_coef_chain", Code::kCorruption, "MLPClassifier.coefs_[1]", "does not follow coefs_[0]");
  EXPECT_MAP_REFUSED("mlp_intercept_count", Code::kCorruption, "MLPClassifier.intercepts_", "2 arrays for 3");
  EXPECT_MAP_REFUSED("mlp_n_layers", Code::kCorruption, "MLPClassifier.n_layers_: 7");
  EXPECT_MAP_REFUSED("mlp_features_in", Code::kCorruption, "MLPClassifier.n_features_in_: 3");
}
TEST(MapMlpRefuses, NonFiniteBias) {
  EXPECT_MAP_REFUSED("mlp_intercept_nan", Code::kCorruption, "MLPClassifier.intercepts_[0][0]: nan is not finite");
}
TEST(MapMlpRefuses, WrongKindOfLayerList) {
  EXPECT_MAP_REFUSED("mlp_coefs_not_list", Code::kCorruption, "MLPClassifier.coefs_", "expected a list of arrays",
                     "str@");
}
TEST(MapMlpRefuses, Activations) {
  EXPECT_MAP_REFUSED("mlp_activation_unknown", Code::kUnsupported, "activation 'swish' is not known");
  EXPECT_MAP_REFUSED("mlp_hidden_softmax", Code::kCorruption, "MLPClassifier.activation: 'softmax'");
}
TEST(MapMlpRefuses, LabelBinarizer) {
  EXPECT_MAP_REFUSED("mlp_y_type_continuous", Code::kUnsupported, "MLPClassifier._label_binarizer",
                     "y_type_ 'continuous'");
  EXPECT_MAP_REFUSED("mlp_classes_count", Code::kCorruption, "_label_binarizer.classes_: 4 classes", "3 outputs");
  EXPECT_MAP_REFUSED("mlp_binarizer_wrong_object", Code::kCorruption, "MLPClassifier._label_binarizer",
                     "expected a LabelBinarizer", "StandardScaler");
  EXPECT_MAP_REFUSED("mlp_no_binarizer", Code::kUnsupported, "missing attribute '_label_binarizer'");
}

TEST(MapSvmRefuses, SupportCountsAndShapes) {
  EXPECT_MAP_REFUSED("svm_n_support_sum", Code::kCorruption, "SVC._n_support: counts sum to");
  EXPECT_MAP_REFUSED("svm_n_support_negative", Code::kCorruption, "SVC._n_support[0]: -");
  EXPECT_MAP_REFUSED("svm_dual_coef_shape", Code::kCorruption, "SVC._dual_coef_: shape [1, ");
  EXPECT_MAP_REFUSED("svm_intercept_count", Code::kCorruption, "SVC._intercept_: 2 values, expected 3");
  EXPECT_MAP_REFUSED("svm_prob_a_size", Code::kCorruption, "SVC._probA: 1 values, expected 3");
  EXPECT_MAP_REFUSED("svm_sv_columns", Code::kCorruption, "SVC.n_features_in_: 9");
  EXPECT_MAP_REFUSED("svm_svr_two_rows", Code::kCorruption, "SVR._dual_coef_: shape [2, ");
  EXPECT_MAP_REFUSED("svm_no_dual_coef", Code::kUnsupported, "missing attribute '_dual_coef_'");
}
TEST(MapSvmRefuses, NonFiniteArrays) {
  EXPECT_MAP_REFUSED("svm_dual_coef_inf", Code::kCorruption, "SVC._dual_coef_[3]: inf is not finite");
  EXPECT_MAP_REFUSED("svm_sv_nan", Code::kCorruption, "SVC.support_vectors_[0]: nan");
}
TEST(MapSvmRefuses, KernelParameters) {
  EXPECT_MAP_REFUSED("svm_gamma_negative", Code::kCorruption, "SVC._gamma: -0.5");
  EXPECT_MAP_REFUSED("svm_gamma_nan", Code::kCorruption, "SVC._gamma: nan");
  EXPECT_MAP_REFUSED("svm_degree_huge", Code::kCorruption, "SVC.degree: 5000 out of range [0, 1000]");
}
TEST(MapSvmRefuses, KernelsWithoutAFormula) {
  EXPECT_MAP_REFUSED("svm_precomputed", Code::kUnsupported, "kernel 'precomputed' is not supported");
  EXPECT_MAP_REFUSED("svm_kernel_global", Code::kUnsupported, "SVC", "callable kernels are not supported");
  EXPECT_MAP_REFUSED("svm_kernel_unknown", Code::kUnsupported, "kernel 'laplacian' is not known");
  // A real callable: the VM refuses the user's function by name, before mapping.
  REQUIRE_CASES();
  auto g = pickle::ParseModelFile(Cases::Get().file("refuse_svm_kernel_function.pkl"));
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.status().message().find("user_kernels"), std::string::npos) << g.status().message();
}
TEST(MapSvmRefuses, SparseAndDecisionShape) {
  EXPECT_MAP_REFUSED("svm_sparse", Code::kUnsupported, "fitted on sparse input");
  EXPECT_MAP_REFUSED("svm_break_ties_ovo", Code::kCorruption, "SVC.break_ties", "'ovo'");
  EXPECT_MAP_REFUSED("svm_shape_unknown", Code::kUnsupported, "decision_function_shape 'ova'");
}

}  // namespace
}  // namespace safemodel::mapping
