// Meta-estimator builders (estimators/meta.h): one broken thing at a time,
// each refused with its code and the place; inference on hand-made linear
// members; and a round trip through a .smdl file giving the same outputs for
// every method. (scikit-learn as the oracle for real models:
// tests/mapping/meta_test.cc.)
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "estimators/estimator.h"
#include "estimators/smdl_roundtrip.h"

namespace safemodel::estimators {
namespace {

// Binary logistic regression on 2 features with encoded classes {0, 1}:
// score = w . x + b.
Estimator Logit(double w0, double w1, double b, LabelValues classes = std::vector<int64_t>{0, 1}, int width = 2) {
  std::vector<double> coef(static_cast<size_t>(width), 0.0);
  coef[0] = w0;
  coef[1] = w1;
  std::vector<double> icpt{b};
  LinearInput in;
  in.class_name = "LogisticRegression";
  in.task = LinearTask::kClassifier;
  in.proba = LinearProba::kOvrSigmoid;
  in.coef = coef;
  in.coef_shape = {1, static_cast<uint64_t>(width)};
  in.intercept = icpt;
  in.classes = std::move(classes);
  auto m = BuildLinear(in, "lr");
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return Estimator{std::move(*m)};
}

Estimator Regressor(double w0, double w1, double b) {
  std::vector<double> coef{w0, w1}, icpt{b};
  LinearInput in;
  in.class_name = "LinearRegression";
  in.coef = coef;
  in.coef_shape = {2};
  in.intercept = icpt;
  auto m = BuildLinear(in, "lin");
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return Estimator{std::move(*m)};
}

const std::vector<double> kX{0.5, -1.0, 2.0, 0.25, -0.75, 1.5, 0.0, 0.0};
MatrixView X() { return {kX, 4, 2}; }

std::vector<Estimator> Members() {
  std::vector<Estimator> v;
  v.push_back(Logit(1, 0, 0));
  v.push_back(Logit(0, 1, 0.5));
  v.push_back(Logit(-1, 1, 0));
  return v;
}

Result<VotingModel> Voting(std::vector<Estimator>& members, std::span<const double> w, bool soft = false) {
  VotingInput in;
  in.soft = soft;
  in.estimators = &members;
  in.weights = w;
  in.classes = std::vector<std::string>{"no", "yes"};
  return BuildVoting(std::move(in), "vote");
}

TEST(BuildVoting, HardVotesWithWeightsAsBincount) {
  auto members = Members();
  std::vector<double> w{1.0, 1.0, 3.0};
  auto m = Voting(members, w);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  auto p = Predict(*m, TableView::Of(X()));
  ASSERT_TRUE(p.ok());
  // Row 0 (0.5, -1): votes 1, 0, 0 -> weights 1 vs 4 -> "no".
  // Row 3 (0, 0): scores 0, 0.5, 0 -> votes 0, 1, 0 -> "no".
  const auto& l = std::get<std::vector<std::string>>(std::get<Labels>(*p).values);
  EXPECT_EQ(l[0], "no");
  EXPECT_EQ(l[3], "no");
}

TEST(BuildVoting, RefusesWeightsOfTheWrongCount) {
  auto members = Members();
  std::vector<double> w{1.0, 2.0};
  auto m = Voting(members, w);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), Code::kCorruption);
  EXPECT_NE(m.status().message().find("vote.weights: 2 weights for 3 estimators"), std::string::npos);
}

TEST(BuildVoting, RefusesNonFiniteWeights) {
  auto members = Members();
  std::vector<double> w{1.0, std::numeric_limits<double>::infinity(), 2.0};
  auto m = Voting(members, w);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("vote.weights[1]: inf is not finite"), std::string::npos);
}

TEST(BuildVoting, RefusesZeroWeightSumForSoftVoting) {
  auto members = Members();
  std::vector<double> w{1.0, -1.0, 0.0};
  auto m = Voting(members, w, true);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("sum to zero"), std::string::npos);
}

TEST(BuildVoting, RefusesMembersOfAnotherWidth) {
  std::vector<Estimator> members;
  members.push_back(Logit(1, 0, 0));
  members.push_back(Logit(1, 0, 0, std::vector<int64_t>{0, 1}, 3));
  auto m = Voting(members, {});
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("vote.estimators_[1]: LogisticRegression reads 3 features, expected 2"),
            std::string::npos);
}

TEST(BuildVoting, RefusesMembersWithUnencodedClasses) {
  std::vector<Estimator> members;
  members.push_back(Logit(1, 0, 0, std::vector<std::string>{"no", "yes"}));
  auto m = Voting(members, {});
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("vote.estimators_[0]"), std::string::npos);
  EXPECT_NE(m.status().message().find("encoded classes 0..1"), std::string::npos);
}

TEST(BuildVoting, RefusesRegressorMembersOfAClassifier) {
  std::vector<Estimator> members;
  members.push_back(Regressor(1, 0, 0));
  auto m = Voting(members, {});
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("is not a classifier"), std::string::npos);
}

TEST(BuildStacking, RefusesAFinalEstimatorOfTheWrongWidth) {
  auto members = Members();
  Estimator fin = Logit(1, 1, 0);   // reads 2, the three members give 3
  StackingInput in;
  in.estimators = &members;
  in.methods.assign(3, MemberMethod::kPredictProba);
  in.final_estimator = &fin;
  in.classes = std::vector<int64_t>{3, 7};
  auto m = BuildStacking(std::move(in), "stack");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("stack.final_estimator_: LogisticRegression reads 2 features but the stacked "
                                      "members produce 3"),
            std::string::npos);
}

TEST(BuildStacking, RefusesAMethodTheMemberLacks) {
  std::vector<Estimator> members;
  members.push_back(Regressor(1, 0, 0));
  Estimator fin = Regressor(1, 0, 0);
  StackingInput in;
  in.classifier = false;
  in.estimators = &members;
  in.methods = {MemberMethod::kPredictProba};
  in.final_estimator = &fin;
  auto m = BuildStacking(std::move(in), "stack");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("stack.stack_method_[0]: LinearRegression.predict_proba fails"),
            std::string::npos);
}

TEST(BuildOneVsRest, RefusesTheWrongMemberCount) {
  auto members = Members();
  OneVsRestInput in;
  in.estimators = &members;
  in.classes = std::vector<std::string>{"a", "b"};
  auto m = BuildOneVsRest(std::move(in), "ovr");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("ovr.estimators_: 3 estimators for 2 classes, expected 1"), std::string::npos);
}

TEST(BuildOneVsRest, RefusesADeclaredWidthTheMembersDoNotRead) {
  auto members = Members();
  OneVsRestInput in;
  in.estimators = &members;
  in.n_features_in = 5;
  in.classes = std::vector<std::string>{"a", "b", "c"};
  auto m = BuildOneVsRest(std::move(in), "ovr");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("reads 2 features, expected 5"), std::string::npos);
}

Calibrator Iso(std::vector<double> x, std::vector<double> y) {
  Calibrator c;
  c.isotonic = true;
  c.x = std::move(x);
  c.y = std::move(y);
  c.x_min = c.x.empty() ? 0 : c.x.front();
  c.x_max = c.x.empty() ? 0 : c.x.back();
  return c;
}

TEST(CheckCalibrator, Refusals) {
  EXPECT_NE(CheckCalibrator(Iso({0, 0, 1}, {0, 0.5, 1}), "c").message().find("c.X_thresholds_[1]: 0 does not increase"),
            std::string::npos);
  EXPECT_NE(CheckCalibrator(Iso({0, 1}, {0}), "c").message().find("c.y_thresholds_: 1 values for 2"),
            std::string::npos);
  EXPECT_NE(CheckCalibrator(Iso({}, {}), "c").message().find("c.X_thresholds_: empty"), std::string::npos);
  EXPECT_NE(CheckCalibrator(Iso({0, NAN}, {0, 1}), "c").message().find("nan is not finite"), std::string::npos);
  Calibrator s;
  s.a = NAN;
  EXPECT_NE(CheckCalibrator(s, "c").message().find("c.a_: nan is not finite"), std::string::npos);
  Calibrator bad = Iso({0, 1}, {0, 1});
  bad.x_min = 2;
  EXPECT_NE(CheckCalibrator(bad, "c").message().find("c.X_min_"), std::string::npos);
}

Result<CalibratedModel> Calibrated(std::vector<std::vector<Calibrator>> cals, bool isotonic = true) {
  static std::vector<Estimator> members;
  members.clear();
  members.push_back(Logit(1, -1, 0, std::vector<std::string>{"no", "yes"}));
  CalibratedInput in;
  in.isotonic = isotonic;
  in.estimators = &members;
  in.calibrators = std::move(cals);
  in.classes = std::vector<std::string>{"no", "yes"};
  in.member_classes = {in.classes};
  return BuildCalibrated(std::move(in), "cal");
}

TEST(BuildCalibrated, IsotonicInterpolatesAndClips) {
  auto m = Calibrated({{Iso({-1, 0, 1}, {0.1, 0.4, 0.9})}});
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  auto p = PredictProba(*m, TableView::Of(X()));
  ASSERT_TRUE(p.ok());
  // Row 0: decision 1.5 -> clipped to 1 -> 0.9; row 3: 0 -> 0.4.
  EXPECT_DOUBLE_EQ(p->at(0, 1), 0.9);
  EXPECT_DOUBLE_EQ(p->at(0, 0), 1.0 - 0.9);
  EXPECT_DOUBLE_EQ(p->at(3, 1), 0.4);
}

TEST(BuildCalibrated, RefusesTheWrongCalibratorCountOrKind) {
  auto m = Calibrated({{Iso({0, 1}, {0, 1}), Iso({0, 1}, {0, 1})}});
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("cal.calibrated_classifiers_[0].calibrators: 2 calibrators, expected 1"),
            std::string::npos);
  auto k = Calibrated({{Iso({0, 1}, {0, 1})}}, false);
  ASSERT_FALSE(k.ok());
  EXPECT_NE(k.status().message().find("not of the calibration method's kind"), std::string::npos);
}

TEST(MetaFile, RoundTripsEveryKind) {
  auto vm = Members();
  std::vector<double> w{0.5, 1.0, 2.0};
  auto vote = Voting(vm, w, true);
  ASSERT_TRUE(vote.ok()) << vote.status().ToString();
  EXPECT_GE(testing::ExpectSameThroughFile(Estimator{std::move(*vote)}, X()), 3);

  auto sm = Members();
  Estimator fin = Logit(1, 1, 0, std::vector<int64_t>{0, 1}, 5);
  StackingInput si;
  si.estimators = &sm;
  si.methods = {MemberMethod::kPredictProba, MemberMethod::kDecisionFunction, MemberMethod::kPredict};
  si.final_estimator = &fin;
  si.passthrough = true;
  si.classes = std::vector<std::string>{"x", "y"};
  auto stack = BuildStacking(std::move(si), "stack");
  ASSERT_TRUE(stack.ok()) << stack.status().ToString();
  EXPECT_EQ(TransformWidth(*stack), 5);
  EXPECT_GE(testing::ExpectSameThroughFile(Estimator{std::move(*stack)}, X()), 4);

  auto om = Members();
  OneVsRestInput oi;
  oi.estimators = &om;
  oi.classes = std::vector<int64_t>{10, 20, 30};
  auto ovr = BuildOneVsRest(std::move(oi), "ovr");
  ASSERT_TRUE(ovr.ok()) << ovr.status().ToString();
  EXPECT_GE(testing::ExpectSameThroughFile(Estimator{std::move(*ovr)}, X()), 3);

  auto cal = Calibrated({{Iso({-1, 0, 1}, {0.1, 0.4, 0.9})}});
  ASSERT_TRUE(cal.ok());
  EXPECT_GE(testing::ExpectSameThroughFile(Estimator{std::move(*cal)}, X()), 2);
}

}  // namespace
}  // namespace safemodel::estimators
