// Every family against scikit-learn 1.2.1 itself: models trained at test time
// by sklearn_oracle.py, rebuilt through the checked builders, and compared
// output by output. Labels and everything computed by trees and scalers must
// be identical; linear scores and probabilities agree within 1e-9 relative
// (numpy's BLAS sums in its own order).
#include <gtest/gtest.h>

#include <cmath>

#include "estimators/oracle.h"

namespace safemodel::estimators {
namespace {

using testing::BuildFrom;
using testing::Case;
using testing::Json;
using testing::LabelsToJson;
using testing::LoadCase;
using testing::Oracle;

// Exact comparison unless the final estimator is linear.
bool IsExact(const Json& meta) {
  const Json* m = &meta;
  while (m->contains("steps")) m = &(*m)["steps"].back();
  return m->contains("n_trees") || !m->contains("coef_shape");
}

void ExpectMatrixNear(const Matrix& got, MatrixView want, bool exact, const std::string& what) {
  ASSERT_EQ(got.rows, want.rows) << what;
  ASSERT_EQ(got.cols, want.cols) << what;
  int reported = 0;
  for (size_t i = 0; i < got.data.size() && reported < 5; ++i) {
    double a = got.data[i], b = want.data[i];
    bool same = exact ? (a == b || (std::isnan(a) && std::isnan(b)))
                      : a == b || std::fabs(a - b) <= 1e-9 * std::max({std::fabs(a), std::fabs(b), 1e-3});
    if (!same) {
      ++reported;
      ADD_FAILURE() << what << "[" << i / got.cols << ", " << i % got.cols << "]: got " << FormatDouble(a)
                    << ", scikit-learn " << FormatDouble(b);
    }
  }
}

class SklearnOracle : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(Oracle::Get().ok()) << Oracle::Get().error();
    c_ = LoadCase(GetParam());
    auto e = BuildFrom(*c_, c_->meta, "", "model");
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    est_ = std::make_unique<Estimator>(std::move(e).value());
    x_ = c_->matrix("X");
  }

  // A method scikit-learn has must agree; one it lacks must be kUnsupported.
  void CheckMethod(const std::string& name, Result<Matrix> (*method)(const Estimator&, MatrixView)) {
    const Json& has = c_->meta["methods"][name];
    auto got = method(*est_, x_);
    if (has != true) {
      ASSERT_FALSE(got.ok()) << name << " should be refused";
      EXPECT_EQ(got.status().code(), Code::kUnsupported) << got.status().ToString();
      return;
    }
    ASSERT_TRUE(got.ok()) << name << ": " << got.status().ToString();
    // Logarithms differ from numpy's in the last bit: 1e-9 relative there.
    const bool exact = IsExact(c_->meta) && name != "predict_log_proba" && name != "score_samples";
    ExpectMatrixNear(*got, c_->matrix("out_" + name), exact, name);
  }

  std::unique_ptr<Case> c_;
  std::unique_ptr<Estimator> est_;
  MatrixView x_;
};

TEST_P(SklearnOracle, PredictMatches) {
  auto got = Predict(*est_, x_);
  if (c_->meta["methods"]["predict"] != true) {  // transformers
    EXPECT_EQ(got.status().code(), Code::kUnsupported) << got.status().ToString();
    return;
  }
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  if (c_->meta.contains("labels")) {
    ASSERT_TRUE(std::holds_alternative<Labels>(*got));
    EXPECT_EQ(LabelsToJson(std::get<Labels>(*got)), c_->meta["labels"]);
  } else {
    ASSERT_TRUE(std::holds_alternative<Matrix>(*got));
    ExpectMatrixNear(std::get<Matrix>(*got), c_->matrix("out_predict"), IsExact(c_->meta), "predict");
  }
}

// CheckMethod asserts: a method scikit-learn has must agree, one it lacks must be refused.
#define EXPECT_METHOD_MATCHES(name, fn) CheckMethod(name, fn)

TEST_P(SklearnOracle, PredictProbaMatches) {
  EXPECT_METHOD_MATCHES("predict_proba", PredictProba);
}
TEST_P(SklearnOracle, DecisionFunctionMatches) {
  EXPECT_METHOD_MATCHES("decision_function", DecisionFunction);
}
TEST_P(SklearnOracle, TransformMatches) {
  EXPECT_METHOD_MATCHES("transform", Transform);
}
TEST_P(SklearnOracle, PredictLogProbaMatches) {
  EXPECT_METHOD_MATCHES("predict_log_proba", PredictLogProba);
}
TEST_P(SklearnOracle, ScoreSamplesMatches) {
  EXPECT_METHOD_MATCHES("score_samples", ScoreSamples);
}

TEST_P(SklearnOracle, CloneBehavesTheSame) {
  Estimator copy = est_->Clone();
  auto a = Predict(*est_, x_);
  auto b = Predict(copy, x_);
  if (!a.ok()) return;  // transformers have no predict
  ASSERT_TRUE(b.ok());
  if (auto* la = std::get_if<Labels>(&*a)) EXPECT_EQ(LabelsToJson(*la), LabelsToJson(std::get<Labels>(*b)));
  else EXPECT_EQ(std::get<Matrix>(*a).data, std::get<Matrix>(*b).data);
}

INSTANTIATE_TEST_SUITE_P(
    Families, SklearnOracle,
    ::testing::Values("linreg", "linreg_noint", "ridge_multi", "lasso", "enet", "sgdreg", "logreg_bin",
                      "logreg_bin_multinomial", "logreg_multinomial", "logreg_ovr", "logreg_str_liblinear", "sgd_log",
                      "sgd_huber", "sgd_huber_bin", "sgd_hinge", "linsvc", "linsvc_bin", "dt_clf", "dt_clf_float",
                      "dt_clf_multi", "dt_reg", "dt_reg_multi", "et_clf", "et_reg", "rf_clf_str", "rf_clf_12", "rf_clf_bin",
                      "rf_reg", "rf_reg_multi", "etrees_clf", "etrees_reg", "std_scaler", "std_scaler_nomean",
                      "minmax_clip", "pipe_std_logreg", "pipe_minmax_rf", "pipe_std_minmax"));

}  // namespace
}  // namespace safemodel::estimators
