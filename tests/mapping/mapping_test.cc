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
#include "pickle/vm.h"
#include "safemodel/model.h"
#include "safemodel/writer.h"
#include "test_util.h"

namespace safemodel::mapping {
namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

// Generated once per build and script version (ctest runs each test in its
// own process), cached under the build folder like tests/estimators/oracle.h.
class Cases {
 public:
  static Cases& Get() {
    static Cases c;
    return c;
  }
  bool ok() const { return ok_; }
  const std::string& error() const { return error_; }
  std::string file(const std::string& name) const { return dir_ + "/" + name; }
  const Json& manifest() const { return manifest_; }
  const Json* Find(const std::string& name) const {
    for (const auto& c : manifest_) if (c["name"] == name) return &c;
    return nullptr;
  }

 private:
  Cases() {
    const std::string script = std::string(SAFEMODEL_SOURCE_DIR) + "/tests/mapping/make_mapping_cases.py";
    const std::string key = std::to_string(std::hash<std::string>{}(testing::ReadFile(script)));
    const fs::path cache = fs::path(SAFEMODEL_BINARY_DIR) / "test-cache";
    dir_ = (cache / ("mapping-cases-" + key)).string();
    if (!fs::exists(fs::path(dir_) / "DONE")) {
      std::error_code ec;
      fs::create_directories(cache, ec);
      testing::TempDir tmp;
      auto r = testing::Run({"/usr/bin/python3", script, tmp.path()});
      error_ = r.err;
      if (r.exit_code != 0) return;
      testing::WriteFile(tmp / "DONE", "");
      // Publish with one rename; a process that loses the race uses the winner's copy.
      const fs::path staged = cache / ("staging-" + fs::path(tmp.path()).filename().string());
      fs::copy(tmp.path(), staged, fs::copy_options::recursive, ec);
      if (!ec) fs::rename(staged, dir_, ec);
      if (ec) fs::remove_all(staged, ec);
    }
    ok_ = fs::exists(fs::path(dir_) / "DONE");
    if (ok_) manifest_ = Json::parse(testing::ReadFile(dir_ + "/manifest.json"));
  }
  std::string dir_, error_;
  bool ok_ = false;
  Json manifest_;
};

#define REQUIRE_CASES() ASSERT_TRUE(Cases::Get().ok()) << Cases::Get().error()

Result<Converted> MapFile(const std::string& path) {
  auto g = pickle::ParseModelFile(path);
  if (!g.ok()) return g.status().Wrap("parse");
  return MapGraph(*g);
}

std::vector<double> Flatten(const Json& rows, size_t* nrows, size_t* ncols) {
  std::vector<double> out;
  *nrows = rows.size();
  *ncols = 0;
  for (const auto& r : rows) {
    if (r.is_array()) {
      *ncols = r.size();
      for (const auto& v : r) out.push_back(v.is_null() ? NAN : v.get<double>());
    } else {
      *ncols = 1;
      out.push_back(r.is_null() ? NAN : r.get<double>());
    }
  }
  return out;
}

Json FlatLabels(const Json& labels) {
  Json out = Json::array();
  for (const auto& r : labels) {
    if (r.is_array()) { for (const auto& v : r) out.push_back(v); } else { out.push_back(r); }
  }
  return out;
}

std::string ToHexForTest(const std::string& bytes) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

bool Close(double got, double want, bool exact) {
  if (std::isnan(want)) return std::isnan(got);
  if (exact) return got == want;
  return std::fabs(got - want) <= 1e-9 * std::max(1.0, std::fabs(want));
}

// Runs one check (method on X) against scikit-learn's output.
void Check(const Model& model, const Json& X, const Json& check, const std::string& member) {
  size_t rows = 0, cols = 0;
  const std::vector<double> x = Flatten(X, &rows, &cols);
  const std::string method = check["method"];
  SCOPED_TRACE(method + (member.empty() ? "" : " member " + member));
  auto out = model.Run(*MethodFromName(method), x, rows, cols, member);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  if (check.contains("labels")) {
    const Json want = FlatLabels(check["labels"]);
    ASSERT_EQ(out->rows * out->cols, want.size());
    for (size_t i = 0; i < want.size(); ++i) {
      const Json& w = want[i];
      switch (out->kind) {
        case Output::Kind::kIntLabels:
          ASSERT_TRUE(w.is_number_integer() || w.is_boolean()) << w;
          EXPECT_EQ(out->ints[i], w.is_boolean() ? int64_t{w.get<bool>()} : w.get<int64_t>()) << "row " << i;
          break;
        case Output::Kind::kFloatLabels:
          EXPECT_EQ(out->numbers[i], w.get<double>()) << "row " << i;
          break;
        case Output::Kind::kStringLabels:
          EXPECT_EQ(out->strings[i], w.get<std::string>()) << "row " << i;
          break;
        default: FAIL() << "numbers where labels were expected";
      }
    }
    return;
  }
  size_t wr = 0, wc = 0;
  const std::vector<double> want = Flatten(check["numbers"], &wr, &wc);
  ASSERT_EQ(out->kind, Output::Kind::kNumbers);
  ASSERT_EQ(out->rows, wr);
  ASSERT_EQ(out->cols, wc);
  const bool exact = check["exact"].get<bool>();
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_TRUE(Close(out->numbers[i], want[i], exact))
        << "element " << i << ": got " << out->numbers[i] << " want " << want[i] << (exact ? " (exact)" : "");
  }
}

// Converts every file of a case, writes the .smdl, reopens it and compares.
// Returns the number of (file, check) pairs compared.
int RunCase(const Json& c) {
  int compared = 0;
  const std::string name = c["name"];
  for (const auto& f : c["files"]) {
    const std::string file = f;
    SCOPED_TRACE(file);
    auto conv = MapFile(Cases::Get().file(file));
    EXPECT_TRUE(conv.ok()) << conv.status().ToString();
    if (!conv.ok()) continue;
    EXPECT_TRUE(conv->weights.empty());
    EXPECT_TRUE(conv->content.has_value());
    if (!conv->content) continue;
    EXPECT_EQ(conv->metadata.library_versions["scikit-learn"], c["version"].get<std::string>());
    EXPECT_FALSE(conv->metadata.extra["safemodel.source_format"].empty());
    testing::TempDir tmp;
    Status w = format::WriteContent(tmp / "m.smdl", conv->metadata, *conv->content);
    EXPECT_TRUE(w.ok()) << w.ToString();
    if (!w.ok()) continue;
    auto model = Model::Inspect(tmp / "m.smdl");
    EXPECT_TRUE(model.ok()) << model.status().ToString();
    if (!model.ok()) continue;
    if (c.contains("member_checks")) {
      EXPECT_EQ(model->kind(), EstimatorKind::kBundle);
      EXPECT_EQ(model->members(), c["bundle"]["members"].get<std::vector<std::string>>());
      for (const auto& mc : c["member_checks"]) {
        for (const auto& check : mc["checks"]) {
          Check(*model, mc["X"], check, mc["member"]);
          ++compared;
        }
      }
    } else {
      EXPECT_EQ(model->kind(), EstimatorKind::kEstimator);
      EXPECT_EQ(model->estimator_class(), c["class"].get<std::string>());
      for (const auto& check : c["checks"]) {
        Check(*model, c["X"], check, "");
        ++compared;
      }
    }
  }
  return compared;
}

void RunCases(const std::function<bool(const std::string&)>& select, int min_cases) {
  REQUIRE_CASES();
  int cases = 0, compared = 0;
  for (const auto& c : Cases::Get().manifest()) {
    const std::string name = c["name"];
    if (c["class"] == "weights" || !select(name)) continue;
    SCOPED_TRACE("case " + name);
    ++cases;
    const int n = RunCase(c);
    EXPECT_GT(n, 0);
    compared += n;
  }
  EXPECT_GE(cases, min_cases);
  std::printf("%d cases, %d (file, method) comparisons\n", cases, compared);
}

// Maps every case the filter picks and compares with scikit-learn (expects
// `count` cases; each comparison is an EXPECT).
#define EXPECT_CASES_MATCH_SKLEARN(...) RunCases(__VA_ARGS__)

bool StartsWith(const std::string& s, std::string_view p) { return s.rfind(p, 0) == 0; }
bool IsOtherVersion(const std::string& n) {
  for (const char* p : {"old021_", "v102_", "numpy2_", "v18_", "v15_", "v13_", "v14_", "layout_"}) {
    if (StartsWith(n, p)) return true;
  }
  return false;
}

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

#define EXPECT_MAP_REFUSED(name, code_, ...)                                             \
  do {                                                                                   \
    REQUIRE_CASES();                                                                     \
    auto _g = pickle::ParseModelFile(Cases::Get().file("refuse_" name ".pkl"));          \
    ASSERT_TRUE(_g.ok()) << "the VM must accept it: " << _g.status().ToString();         \
    auto _r = MapGraph(*_g);                                                             \
    ASSERT_FALSE(_r.ok()) << "expected a refusal";                                       \
    EXPECT_EQ(_r.status().code(), (code_)) << _r.status().ToString();                    \
    for (const char* _s : {"pickle@0x", __VA_ARGS__}) {                                  \
      EXPECT_NE(_r.status().message().find(_s), std::string::npos)                       \
          << "no '" << _s << "' in: " << _r.status().message();                          \
    }                                                                                    \
  } while (0)

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
