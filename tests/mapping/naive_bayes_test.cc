// Naive Bayes files (cases/naive_bayes.py) -> VM -> MapGraph -> .smdl ->
// Model, compared with scikit-learn 1.2.1's predict, predict_proba and
// predict_log_proba; files from other versions; files broken in one place.
#include <gtest/gtest.h>

#include <string>

#include "mapping_cases.h"

namespace safemodel::mapping {
namespace {

bool IsNbOtherVersion(const std::string& n) {
  for (const char* p : {"nb_old0", "nb_v1", "nb_numpy2_"}) {
    if (StartsWith(n, p)) return true;
  }
  return false;
}

TEST(MapNaiveBayes, ScikitLearn121FilesMatch) {
  // Int, str, float and bool labels; priors; alpha arrays; -inf log priors
  // (an unseen class, a zero class_prior); alpha = 0 (NaN where 0 * -inf);
  // a probability that underflows exp(); one-class models; a pipeline.
  EXPECT_CASES_MATCH_SKLEARN([](const std::string& n) { return StartsWith(n, "nb_") && !IsNbOtherVersion(n); }, 21);
}

TEST(MapNaiveBayes, OtherVersionsMatch) {
  // sigma_ (before 1.0), no n_features_in_ (before 0.24), n_features_,
  // 0.18-1.9 version strings, numpy 2 module paths.
  EXPECT_CASES_MATCH_SKLEARN(IsNbOtherVersion, 12);
}

TEST(MapNaiveBayes, ProbabilitiesThatUnderflowKeepTheirLogarithm) {
  // Row 1 of the test X has a count of 1000: some classes' probabilities are
  // exactly 0 after exp(), yet predict_log_proba stays finite (it is not
  // log(predict_proba)).
  REQUIRE_CASES();
  const Json* c = Cases::Get().Find("nb_multinomial");
  ASSERT_NE(c, nullptr);
  bool zero_proba = false, finite_log = true;
  for (const auto& check : (*c)["checks"]) {
    if (!check.contains("numbers")) continue;
    const Json row = check["numbers"][1];
    for (const auto& v : row) {
      if (check["method"] == "predict_proba" && JsonNumber(v) == 0.0) zero_proba = true;
      if (check["method"] == "predict_log_proba" && !std::isfinite(JsonNumber(v))) finite_log = false;
    }
  }
  EXPECT_TRUE(zero_proba) << "the case no longer exercises underflow";
  EXPECT_TRUE(finite_log);
}

TEST(MapNaiveBayesRefuses, GaussianValues) {
  EXPECT_MAP_REFUSED("nb_gaussian_var_zero", Code::kCorruption, "GaussianNB.var_[4]: 0 is not a finite variance > 0");
  EXPECT_MAP_REFUSED("nb_gaussian_var_negative", Code::kCorruption, "GaussianNB.var_[9]: -1");
  EXPECT_MAP_REFUSED("nb_gaussian_theta_inf", Code::kCorruption, "GaussianNB.theta_[2]: inf is not finite");
  EXPECT_MAP_REFUSED("nb_gaussian_prior_nan", Code::kCorruption,
                     "GaussianNB.class_prior_[1]: nan is not a probability in [0, 1]");
}

TEST(MapNaiveBayesRefuses, GaussianShapesAndCounts) {
  EXPECT_MAP_REFUSED("nb_gaussian_classes_len", Code::kCorruption, "GaussianNB.classes_: 2 classes but theta_ has 3 rows");
  EXPECT_MAP_REFUSED("nb_gaussian_var_shape", Code::kCorruption, "GaussianNB.var_: shape differs from theta_'s 3 x 7");
  EXPECT_MAP_REFUSED("nb_gaussian_class_count_len", Code::kCorruption,
                     "GaussianNB.class_count_: 2 values, expected one per class (3)");
  EXPECT_MAP_REFUSED("nb_gaussian_n_features", Code::kCorruption, "GaussianNB.n_features_in_: 99 but theta_ has 7");
}

TEST(MapNaiveBayesRefuses, GaussianMissingOrWrongKindOfVariance) {
  EXPECT_MAP_REFUSED("nb_gaussian_no_var", Code::kUnsupported, "missing attribute 'var_' (or the older 'sigma_')",
                     "scikit-learn 1.2.1");
  EXPECT_MAP_REFUSED("nb_gaussian_sigma_str", Code::kCorruption, "GaussianNB.sigma_: expected a numpy array", "str@");
}

TEST(MapNaiveBayesRefuses, DiscreteValuesAndShapes) {
  EXPECT_MAP_REFUSED("nb_multinomial_flp_nan", Code::kCorruption,
                     "MultinomialNB.feature_log_prob_[5]: nan is not a log probability <= 0");
  EXPECT_MAP_REFUSED("nb_multinomial_flp_positive", Code::kCorruption,
                     "MultinomialNB.feature_log_prob_[3]: 0.25 is not a log probability");
  EXPECT_MAP_REFUSED("nb_multinomial_flp_1d", Code::kCorruption, "MultinomialNB.feature_log_prob_: 1-d, expected 2-d");
  EXPECT_MAP_REFUSED("nb_multinomial_prior_inf", Code::kCorruption, "MultinomialNB.class_log_prior_[0]: inf");
  EXPECT_MAP_REFUSED("nb_multinomial_prior_len", Code::kCorruption,
                     "MultinomialNB.class_log_prior_: 2 values, expected one per class (3)");
  EXPECT_MAP_REFUSED("nb_multinomial_classes_len", Code::kCorruption,
                     "MultinomialNB.classes_: 2 classes but feature_log_prob_ has 3 rows");
  EXPECT_MAP_REFUSED("nb_multinomial_class_count_negative", Code::kCorruption,
                     "MultinomialNB.class_count_[1]: -3 is not a finite count >= 0");
  EXPECT_MAP_REFUSED("nb_complement_negative", Code::kCorruption,
                     "ComplementNB.feature_log_prob_[7]: -0.5 is not a ComplementNB weight >= 0");
}

TEST(MapNaiveBayesRefuses, BernoulliBinarize) {
  EXPECT_MAP_REFUSED("nb_bernoulli_binarize_str", Code::kCorruption, "BernoulliNB.binarize: expected a number", "str@");
  EXPECT_MAP_REFUSED("nb_bernoulli_binarize_nan", Code::kCorruption, "BernoulliNB.binarize: threshold nan is not finite");
  EXPECT_MAP_REFUSED("nb_bernoulli_no_binarize", Code::kUnsupported, "missing attribute 'binarize'");
}

}  // namespace
}  // namespace safemodel::mapping
