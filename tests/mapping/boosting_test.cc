// Boosting group end to end: GradientBoosting*, HistGradientBoosting* and
// Dummy* pickles/joblib files made by scikit-learn 1.2.1 (and rewritten to
// look like other releases) -> VM -> MapGraph -> .smdl -> Model, compared
// with scikit-learn's outputs (labels identical, numbers within 1e-9
// relative); and files broken in one place each.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "mapping_cases.h"

namespace safemodel::mapping {
namespace {

bool IsBoostOtherVersion(const std::string& n) {
  for (const char* p : {"gb_old02", "gb_v14_", "gb_numpy2_", "hgb_v10_", "hgb_old02", "hgb_numpy2_"}) {
    if (StartsWith(n, p)) return true;
  }
  return false;
}

TEST(MapBoosting121, GradientBoostingMatchesScikitLearn) {
  EXPECT_CASES_MATCH_SKLEARN([](const std::string& n) {
    return StartsWith(n, "gb_") && !StartsWith(n, "gb_dummy_") && !IsBoostOtherVersion(n);
  }, 15);
}

TEST(MapBoosting121, DummyEstimatorsMatchScikitLearn) {
  EXPECT_CASES_MATCH_SKLEARN([](const std::string& n) { return StartsWith(n, "gb_dummy_"); }, 8);
}

TEST(MapBoosting121, HistGradientBoostingMatchesScikitLearnWithNaNAndCategories) {
  EXPECT_CASES_MATCH_SKLEARN([](const std::string& n) { return StartsWith(n, "hgb_") && !IsBoostOtherVersion(n); },
                             11);
}

TEST(MapBoostingOtherVersions, GradientBoostingFrom020To14) {
  EXPECT_CASES_MATCH_SKLEARN([](const std::string& n) {
    return StartsWith(n, "gb_old02") || StartsWith(n, "gb_v14_") || StartsWith(n, "gb_numpy2_");
  }, 12);
}

TEST(MapBoostingOtherVersions, HistGradientBoostingFrom021To10) {
  EXPECT_CASES_MATCH_SKLEARN([](const std::string& n) {
    return StartsWith(n, "hgb_v10_") || StartsWith(n, "hgb_old02") || StartsWith(n, "hgb_numpy2_");
  }, 6);
}

TEST(MapBoostingOtherVersions, RecordsEveryVersionFound) {
  REQUIRE_CASES();
  auto conv = MapFile(Cases::Get().file("gb_old021_clf_bin.p2.pkl"));
  ASSERT_TRUE(conv.ok()) << conv.status().ToString();
  EXPECT_EQ(conv->metadata.library_versions["scikit-learn"], "0.21.3");
}

// An HGB file from before missing-value support refuses NaN, as 0.21 did.
TEST(MapBoostingOtherVersions, HistGradientBoosting021RefusesNaN) {
  REQUIRE_CASES();
  auto conv = MapFile(Cases::Get().file("hgb_old021_clf_bin.p4.pkl"));
  ASSERT_TRUE(conv.ok()) << conv.status().ToString();
  const auto& e = std::get<estimators::Estimator>(*conv->content);
  std::vector<double> x(6, 0.0);
  x[2] = NAN;
  auto r = estimators::Predict(e, {x, 1, 6});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument) << r.status().ToString();
  EXPECT_NE(r.status().message().find("X[0, 2]"), std::string::npos) << r.status().message();
}

TEST(MapBoostingRefuses, GradientBoostingFields) {
  EXPECT_MAP_REFUSED("gb_learning_rate_nan", Code::kCorruption, "GradientBoostingClassifier.learning_rate", "nan");
  EXPECT_MAP_REFUSED("gb_init_logreg", Code::kUnsupported, "init_", "LogisticRegression");
  EXPECT_MAP_REFUSED("gb_loss_unknown", Code::kUnsupported, "_loss", "DummyRegressor");
  EXPECT_MAP_REFUSED("gb_no_loss", Code::kUnsupported, "missing attribute 'loss_'");
  EXPECT_MAP_REFUSED("gb_wrong_member", Code::kCorruption, "estimators_[0, 0]", "expected a DecisionTreeRegressor",
                     "DecisionTreeClassifier");
  EXPECT_MAP_REFUSED("gb_tree_child", Code::kCorruption, "estimators_[0, 0]", "nodes[0].left_child", "4096");
  EXPECT_MAP_REFUSED("gb_k_mismatch", Code::kCorruption, "n_trees_per_iteration", "3 classes");
}

TEST(MapBoostingRefuses, InitPriors) {
  EXPECT_MAP_REFUSED("gb_prior_sum", Code::kCorruption, "init_.class_prior_", "sums to 1.4");
  EXPECT_MAP_REFUSED("gb_prior_negative", Code::kCorruption, "init_.class_prior_[0]", "-0.2", "[0, 1]");
}

TEST(MapBoostingRefuses, DummyClassifiers) {
  EXPECT_MAP_REFUSED("gb_dummy_stratified", Code::kUnsupported, "DummyClassifier", "'stratified'", "random");
  EXPECT_MAP_REFUSED("gb_dummy_constant_unknown", Code::kCorruption, "DummyClassifier.constant", "not one of classes_");
  EXPECT_MAP_REFUSED("gb_dummy_multi_output", Code::kUnsupported, "multi-output", "n_outputs_ 2");
}

TEST(MapBoostingRefuses, HistTreeNodes) {
  EXPECT_MAP_REFUSED("hgb_child_out_of_range", Code::kCorruption, "_predictors[0][0].nodes[0].left", "4096 out of range");
  EXPECT_MAP_REFUSED("hgb_child_cycle", Code::kCorruption, "_predictors[0][0].nodes[0].right", "not after its parent");
  EXPECT_MAP_REFUSED("hgb_threshold_nan", Code::kCorruption, "_predictors[0][0].nodes[", "num_threshold: nan");
  EXPECT_MAP_REFUSED("hgb_feature_out_of_range", Code::kCorruption, "feature_idx: 99 out of range [0, 6)");
  EXPECT_MAP_REFUSED("hgb_leaf_value_inf", Code::kCorruption, "].value: inf is not finite");
  EXPECT_MAP_REFUSED("hgb_flag_not_bool", Code::kCorruption, "nodes[0].is_leaf: 7 is not 0 or 1");
  EXPECT_MAP_REFUSED("hgb_bitset_idx", Code::kCorruption, "bitset_idx: 50 out of range");
  EXPECT_MAP_REFUSED("hgb_predictor_str", Code::kCorruption, "_predictors[0][0]", "expected a TreePredictor", "str");
}

TEST(MapBoostingRefuses, HistModelFields) {
  EXPECT_MAP_REFUSED("hgb_baseline_size", Code::kCorruption, "_baseline_prediction: 2 values, expected 1");
  EXPECT_MAP_REFUSED("hgb_k_mismatch", Code::kCorruption, "_predictors[0]", "n_trees_per_iteration_ (2)");
  EXPECT_MAP_REFUSED("hgb_preprocessor", Code::kUnsupported, "_preprocessor", "StandardScaler");
  EXPECT_MAP_REFUSED("hgb_loss_gb", Code::kUnsupported, "_loss", "BinomialDeviance");
  EXPECT_MAP_REFUSED("hgb_not_categorical", Code::kCorruption, "is_categorical", "does not mark categorical");
}

// Every dict entry of a real boosting graph (estimator, loss, Dummy, tree,
// TreePredictor and _BinMapper states) replaced in turn by a value of each
// other kind: refused or accepted, never a crash, and refusals say where.
TEST(MapBoostingHostile, EveryAttributeOfEveryKind) {
  REQUIRE_CASES();
  for (const char* file : {"gb_clf_multi_str.p4.pkl", "hgb_clf_cat_str.p4.pkl", "gb_old020_clf_bin.p4.pkl",
                           "gb_dummy_clf_constant.p4.pkl", "hgb_v10_clf_multi_str.p5.pkl"}) {
    SCOPED_TRACE(file);
    auto g = pickle::ParseModelFile(Cases::Get().file(file));
    ASSERT_TRUE(g.ok()) << g.status().ToString();
    std::vector<std::pair<const pickle::Value*, const pickle::Value*>*> slots;
    std::vector<const pickle::Value*> stack{g->root()};
    std::set<const pickle::Value*> seen;
    while (!stack.empty()) {
      const pickle::Value* v = stack.back();
      stack.pop_back();
      if (v == nullptr || !seen.insert(v).second) continue;
      auto* mv = const_cast<pickle::Value*>(v);
      for (auto& e : mv->entries) {
        slots.push_back(&e);
        stack.push_back(e.second);
      }
      for (auto* i : v->items) stack.push_back(i);
      if (v->array) for (auto* o : v->array->objects) stack.push_back(o);
      if (v->state) stack.push_back(v->state);
      if (v->args) stack.push_back(v->args);
    }
    ASSERT_GE(slots.size(), 10u);
    pickle::Graph scratch;
    std::vector<const pickle::Value*> replacements;
    for (pickle::Kind k : {pickle::Kind::kNone, pickle::Kind::kInt, pickle::Kind::kStr, pickle::Kind::kList,
                           pickle::Kind::kDict, pickle::Kind::kObject, pickle::Kind::kNdArray, pickle::Kind::kFloat}) {
      pickle::Value* r = scratch.New(k, 0x99);
      r->i = -1;
      r->f = NAN;
      replacements.push_back(r);
    }
    int refused = 0;
    for (auto* slot : slots) {
      const pickle::Value* orig = slot->second;
      for (const pickle::Value* r : replacements) {
        slot->second = r;
        auto res = MapGraph(*g);
        refused += !res.ok();
        if (!res.ok()) {
          EXPECT_NE(res.status().message().find("pickle@0x"), std::string::npos) << res.status().message();
        }
      }
      slot->second = orig;
    }
    EXPECT_GT(refused, 0);
  }
}

}  // namespace
}  // namespace safemodel::mapping
