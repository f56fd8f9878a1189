// End-to-end: real pickles and joblib files made by scikit-learn 1.2.1 (and
// rewritten to look like other versions) -> pickle VM -> MapGraph -> .smdl
// -> Model::Inspect -> Run, compared with scikit-learn's own outputs. Plus
// refusals that break one thing each.
#include "mapping/mapping.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <functional>
#include <set>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "format/estimator_codec.h"
#include "mapping/graph_read.h"
#include "mapping_cases.h"
#include "pickle/vm.h"
#include "safemodel/model.h"
#include "safemodel/writer.h"
#include "test_util.h"

namespace safemodel::mapping {
namespace {

// ---- scikit-learn 1.2.1 files ----------------------------------------------

TEST(MapGraphSklearn121, LinearModelsMatchScikitLearn) {
  EXPECT_CASES_MATCH_SKLEARN([](const std::string& n) {
    return !IsOtherVersion(n) && (StartsWith(n, "lin") || StartsWith(n, "ridge") || StartsWith(n, "lasso") ||
                                  StartsWith(n, "enet") || StartsWith(n, "sgd") || StartsWith(n, "logreg"));
  }, 16);
}

TEST(MapGraphSklearn121, TreesAndForestsMatchScikitLearnExactly) {
  EXPECT_CASES_MATCH_SKLEARN([](const std::string& n) {
    return !IsOtherVersion(n) && (StartsWith(n, "dt_") || StartsWith(n, "et_") || StartsWith(n, "rf_") ||
                                  StartsWith(n, "ets_"));
  }, 13);
}

TEST(MapGraphSklearn121, ScalersAndPipelinesMatchScikitLearn) {
  EXPECT_CASES_MATCH_SKLEARN([](const std::string& n) {
    return !IsOtherVersion(n) && (StartsWith(n, "std_") || StartsWith(n, "minmax") || StartsWith(n, "pipe_"));
  }, 6);
}

TEST(MapGraphSklearn121, BundlesKeepNamesAndPlainValues) {
  EXPECT_CASES_MATCH_SKLEARN([](const std::string& n) { return StartsWith(n, "bundle_"); }, 3);
  // The plain values of the dict bundle, by name and type.
  auto conv = MapFile(Cases::Get().file("bundle_dict.p4.pkl"));
  ASSERT_TRUE(conv.ok()) << conv.status().ToString();
  const auto& b = std::get<format::Bundle>(*conv->content);
  EXPECT_EQ(b.container, format::Bundle::Container::kDict);
  ASSERT_EQ(b.members.size(), 8u);
  EXPECT_EQ(std::get<double>(b.members[2].value), 0.4);
  EXPECT_EQ(std::get<std::string>(b.members[3].value), "v1");
  EXPECT_EQ(std::get<int64_t>(b.members[4].value), 3);
  EXPECT_TRUE(std::holds_alternative<std::monostate>(b.members[5].value));
  EXPECT_EQ(std::get<bool>(b.members[6].value), true);
  EXPECT_EQ(std::get<double>(b.members[7].value), 0.25);
  auto tup = MapFile(Cases::Get().file("bundle_tuple.z3.joblib"));
  ASSERT_TRUE(tup.ok()) << tup.status().ToString();
  EXPECT_EQ(std::get<format::Bundle>(*tup->content).container, format::Bundle::Container::kTuple);
}

TEST(MapGraphWeights, ArrayContainersBecomeTensors) {
  REQUIRE_CASES();
  int files = 0;
  for (const auto& c : Cases::Get().manifest()) {
    if (c["class"] != "weights") continue;
    for (const auto& f : c["files"]) {
      SCOPED_TRACE(f.get<std::string>());
      auto conv = MapFile(Cases::Get().file(f));
      ASSERT_TRUE(conv.ok()) << conv.status().ToString();
      EXPECT_FALSE(conv->content.has_value());
      ASSERT_EQ(conv->weights.size(), c["tensors"].size());
      for (const auto& t : conv->weights) {
        SCOPED_TRACE(t.name);
        ASSERT_TRUE(c["tensors"].contains(t.name));
        const Json& want = c["tensors"][t.name];
        EXPECT_EQ(DTypeName(t.dtype), want["dtype"].get<std::string>());
        EXPECT_EQ(t.shape, want["shape"].get<std::vector<uint64_t>>());
        EXPECT_EQ(ToHexForTest(t.bytes), want["hex"].get<std::string>());
      }
      // And they make a valid weights file.
      std::vector<TensorView> views;
      for (const auto& t : conv->weights) {
        views.push_back(TensorView{t.name, t.dtype, t.shape, std::as_bytes(std::span(t.bytes.data(), t.bytes.size()))});
      }
      testing::TempDir tmp;
      Status w = WriteWeights(tmp / "w.smdl", conv->metadata, views);
      ASSERT_TRUE(w.ok()) << w.ToString();
      auto model = Model::Inspect(tmp / "w.smdl");
      ASSERT_TRUE(model.ok()) << model.status().ToString();
      EXPECT_EQ(model->kind(), EstimatorKind::kWeights);
      ++files;
    }
  }
  EXPECT_GE(files, 16);
}

// ---- files from other versions -------------------------------------------------

TEST(MapGraphOtherVersions, OldModulePathsAndAttributes) {
  EXPECT_CASES_MATCH_SKLEARN([](const std::string& n) { return StartsWith(n, "old021_") || StartsWith(n, "v102_"); }, 18);
}

TEST(MapGraphOtherVersions, NumpyTwoModulePaths) {
  EXPECT_CASES_MATCH_SKLEARN([](const std::string& n) { return StartsWith(n, "numpy2_"); }, 5);
}

TEST(MapGraphOtherVersions, LogisticRegressionWithoutMultiClass) {
  EXPECT_CASES_MATCH_SKLEARN([](const std::string& n) { return StartsWith(n, "v18_") || StartsWith(n, "v15_"); }, 4);
}

TEST(MapGraphOtherVersions, TreesWithMissingGoToLeftTakeNaN) {
  EXPECT_CASES_MATCH_SKLEARN([](const std::string& n) { return StartsWith(n, "v13_") || StartsWith(n, "v14_"); }, 4);
}

TEST(MapGraphOtherVersions, NodeRecordsReadByFieldOffsetsAndByteOrder) {
  EXPECT_CASES_MATCH_SKLEARN([](const std::string& n) { return StartsWith(n, "layout_"); }, 1);
}

TEST(MapGraphOtherVersions, RecordsTheProducingVersion) {
  REQUIRE_CASES();
  auto conv = MapFile(Cases::Get().file("old021_rf_clf.p2.pkl"));
  ASSERT_TRUE(conv.ok()) << conv.status().ToString();
  EXPECT_EQ(conv->metadata.library_versions["scikit-learn"], "0.21.3");
  EXPECT_EQ(conv->metadata.extra["safemodel.source_format"], "pickle protocol 2");
  auto j = MapFile(Cases::Get().file("rf_clf.z3.joblib"));
  ASSERT_TRUE(j.ok()) << j.status().ToString();
  EXPECT_EQ(j->metadata.extra["safemodel.source_format"], "joblib-zlib");
}

// ---- refusals ----------------------------------------------------------------

TEST(MapGraphRefuses, UnknownNewVersionNamingVersionAndAttribute) {
  EXPECT_MAP_REFUSED("version_2_0", Code::kUnsupported, "'2.0.1'", "_sklearn_version", "LogisticRegression");
}
TEST(MapGraphRefuses, TooOldVersion) {
  EXPECT_MAP_REFUSED("version_0_17", Code::kUnsupported, "'0.17.1'");
}
TEST(MapGraphRefuses, MissingVersion) {
  EXPECT_MAP_REFUSED("no_version", Code::kUnsupported, "no _sklearn_version", "sklearn.linear_model._logistic.LogisticRegression");
}
TEST(MapGraphRefuses, MissingAttributeNamingItAndTheVersion) {
  EXPECT_MAP_REFUSED("missing_coef", Code::kUnsupported, "missing attribute 'coef_'", "scikit-learn 1.2.1");
}
TEST(MapGraphRefuses, WrongKindOfAttribute) {
  EXPECT_MAP_REFUSED("coef_is_str", Code::kCorruption, "LogisticRegression.coef_", "expected a numpy array", "str@");
}
TEST(MapGraphRefuses, UnknownMultiClass) {
  EXPECT_MAP_REFUSED("multi_class_unknown", Code::kUnsupported, "multi_class 'sideways'");
}
TEST(MapGraphRefuses, TwoDimensionalClasses) {
  EXPECT_MAP_REFUSED("classes_2d", Code::kCorruption, "classes_", "1-d");
}
TEST(MapGraphRefuses, ComplexCoefficients) {
  EXPECT_MAP_REFUSED("coef_complex", Code::kUnsupported, "coef_", "<c16");
}
TEST(MapGraphRefuses, HostileTreeChildOutOfRange) {
  EXPECT_MAP_REFUSED("tree_child_out_of_range", Code::kCorruption, "DecisionTreeClassifier", "nodes[0].left_child",
                     "4096");
}
TEST(MapGraphRefuses, NodeRecordsWithoutThreshold) {
  EXPECT_MAP_REFUSED("tree_no_threshold", Code::kUnsupported, "DecisionTreeRegressor.tree_.nodes", "'threshold'");
}
TEST(MapGraphRefuses, ForestWithoutFeatureCount) {
  EXPECT_MAP_REFUSED("forest_no_n_features", Code::kUnsupported, "n_features_in_", "RandomForestRegressor");
}
TEST(MapGraphRefuses, TreeObjectIsNotAnEstimator) {
  EXPECT_MAP_REFUSED("tree_root", Code::kUnsupported, "sklearn.tree._tree.Tree is not a supported estimator");
}
TEST(MapGraphRefuses, GlobalOrIntRoot) {
  EXPECT_MAP_REFUSED("global_root", Code::kUnsupported, "global");
  EXPECT_MAP_REFUSED("int_root", Code::kUnsupported, "int@");
}
TEST(MapGraphRefuses, BundleMembersThatAreNotValues) {
  EXPECT_MAP_REFUSED("bundle_nested_list", Code::kUnsupported, "root['features']", "list");
  EXPECT_MAP_REFUSED("bundle_array_member", Code::kUnsupported, "root['w']", "numpy array");
  EXPECT_MAP_REFUSED("bundle_no_estimator", Code::kUnsupported, "holds no estimator");
  EXPECT_MAP_REFUSED("empty_dict", Code::kUnsupported, "empty dict");
  EXPECT_MAP_REFUSED("bundle_int_key", Code::kUnsupported, "only str keys");
}
TEST(MapGraphRefuses, ObjectArraysAsWeights) {
  EXPECT_MAP_REFUSED("weights_object_array", Code::kUnsupported, "array 'a'", "|O");
}
TEST(MapGraphRefuses, ForestHoldingAnotherEstimator) {
  EXPECT_MAP_REFUSED("forest_wrong_member", Code::kCorruption, "estimators_[0]", "expected a DecisionTreeRegressor",
                     "LinearRegression");
}
TEST(MapGraphRefuses, PipelineStepsOfWrongKind) {
  EXPECT_MAP_REFUSED("pipeline_steps_str", Code::kCorruption, "Pipeline.steps", "str@");
}
TEST(MapGraphRefuses, NewMinMaxScalerWithoutClip) {
  EXPECT_MAP_REFUSED("minmax_no_clip_1_2", Code::kUnsupported, "missing attribute 'clip'", "1.2.1");
}

// ---- hand-made graphs: wrong kinds everywhere, never a crash -------------------

TEST(MapGraphHostile, EmptyGraphAndEveryTopLevelKind) {
  pickle::Graph g;
  EXPECT_EQ(MapGraph(g).status().code(), Code::kCorruption);
  for (pickle::Kind k : {pickle::Kind::kNone, pickle::Kind::kBool, pickle::Kind::kInt, pickle::Kind::kFloat,
                         pickle::Kind::kStr, pickle::Kind::kBytes, pickle::Kind::kSet, pickle::Kind::kGlobal,
                         pickle::Kind::kObject, pickle::Kind::kNdArray, pickle::Kind::kDType, pickle::Kind::kScalar}) {
    pickle::Graph h;
    h.set_root(h.New(k, 0x10));
    auto r = MapGraph(h);
    EXPECT_FALSE(r.ok());
  }
}

// A real model's graph, every attribute of its state replaced in turn by a
// value of each other kind: refused (or accepted) without crashing.
TEST(MapGraphHostile, EveryAttributeOfEveryKind) {
  REQUIRE_CASES();
  for (const char* file : {"logreg_str_liblinear.p4.pkl", "rf_clf.p4.pkl", "pipe_logreg.p4.pkl", "minmax.p4.pkl",
                           "dt_clf_multi.p4.pkl", "std_scaler.p4.pkl", "sgd_log.p4.pkl"}) {
    SCOPED_TRACE(file);
    auto g = pickle::ParseModelFile(Cases::Get().file(file));
    ASSERT_TRUE(g.ok()) << g.status().ToString();
    // Collect every dict entry in the graph (estimator states, Tree states).
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
      if (v->state) stack.push_back(v->state);
      if (v->args) stack.push_back(v->args);
    }
    ASSERT_GT(slots.size(), 5u);
    pickle::Graph scratch;
    std::vector<const pickle::Value*> replacements;
    for (pickle::Kind k : {pickle::Kind::kNone, pickle::Kind::kInt, pickle::Kind::kStr, pickle::Kind::kList,
                           pickle::Kind::kTuple, pickle::Kind::kDict, pickle::Kind::kObject, pickle::Kind::kNdArray,
                           pickle::Kind::kScalar, pickle::Kind::kFloat}) {
      pickle::Value* r = scratch.New(k, 0x99);
      r->i = -1;
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

TEST(MapGraphHelpers, VersionParsing) {
  EXPECT_EQ(ParseSklearnVersion("1.2.1"), 102);
  EXPECT_EQ(ParseSklearnVersion("0.18"), 18);
  EXPECT_EQ(ParseSklearnVersion("0.24.dev0"), 24);
  EXPECT_EQ(ParseSklearnVersion("1.0rc1"), 100);
  EXPECT_EQ(ParseSklearnVersion("1"), std::nullopt);
  EXPECT_EQ(ParseSklearnVersion("1.x"), std::nullopt);
  EXPECT_EQ(ParseSklearnVersion("1.2\n"), std::nullopt);
  EXPECT_EQ(ParseSklearnVersion("99999.1"), std::nullopt);
  EXPECT_EQ(ParseSklearnVersion(""), std::nullopt);
}

// An array whose shape product overflows, or disagrees with its bytes.
TEST(MapGraphHelpers, ArrayShapesAreCheckedArithmetic) {
  pickle::Graph g;
  pickle::Value* v = g.New(pickle::Kind::kNdArray, 0x40);
  v->array = std::make_unique<pickle::NdArray>();
  auto dt = std::make_shared<pickle::DTypeDesc>();
  dt->kind = 'f';
  dt->byteorder = '<';
  dt->itemsize = 8;
  v->array->dtype = dt;
  v->array->shape = {UINT64_MAX / 2, 4};
  auto r = ReadDoubles(v, "x", nullptr);
  EXPECT_EQ(r.status().code(), Code::kLimitExceeded) << r.status().ToString();
  v->array->shape = {uint64_t{1} << 61};
  r = ReadDoubles(v, "x", nullptr);
  EXPECT_EQ(r.status().code(), Code::kLimitExceeded) << r.status().ToString();
  v->array->shape = {3};
  r = ReadDoubles(v, "x", nullptr);
  EXPECT_EQ(r.status().code(), Code::kCorruption) << r.status().ToString();
  EXPECT_NE(r.status().message().find("pickle@0x40"), std::string::npos);
}

}  // namespace
}  // namespace safemodel::mapping
