// `safemodel convert` and `safemodel scan` end to end: real scikit-learn
// pickles convert and predict as scikit-learn does; hostile files are refused
// with exit 1, a place, no output file and no side effect; the public hostile
// corpus is refused whole.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <filesystem>

#include "safemodel/convert.h"
#include "safemodel/model.h"
#include "test_util.h"

namespace safemodel::testing {
namespace {

const std::string kCorpus = std::string(SAFEMODEL_SOURCE_DIR) + "/../shared/corpus/hostile-public";

RunResult Py(const std::string& dir, const std::string& code) {
  WriteFile(dir + "/gen.py", code);
  return Run({"/usr/bin/python3", dir + "/gen.py"});
}

class ConvertTest : public ::testing::Test {
 protected:
  TempDir dir_;
  std::string P(const std::string& name) { return dir_ / name; }
};

TEST_F(ConvertTest, ForestPickleConvertsAndPredictsLikeScikitLearn) {
  auto r = Py(dir_.path(), R"(
import pickle, numpy as np, sys
from sklearn.datasets import make_classification
from sklearn.ensemble import RandomForestClassifier
X, y = make_classification(n_samples=200, n_features=6, random_state=0)
labels = np.array(["no", "yes"])[y]
clf = RandomForestClassifier(n_estimators=7, random_state=0).fit(X, labels)
d = sys.argv[0].rsplit("/", 1)[0]
with open(d + "/rf.pkl", "wb") as f: pickle.dump(clf, f, protocol=4)
np.savetxt(d + "/x.csv", X[:50], delimiter=",", fmt="%.17g")
open(d + "/want.txt", "w").write("\n".join(clf.predict(X[:50])) + "\n")
)");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Cli({"keygen", "-p", P("k.pub"), "-s", P("k.key"), "-W"});
  r = Cli({"convert", P("rf.pkl"), "-o", P("rf.smdl"), "--secret-key", P("k.key")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Cli({"predict", P("rf.smdl"), "--input", P("x.csv"), "-p", P("k.pub")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, ReadFile(P("want.txt")));
  r = Cli({"inspect", P("rf.smdl")});
  EXPECT_NE(r.out.find("RandomForestClassifier"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("scikit-learn"), std::string::npos) << r.out;
}

TEST_F(ConvertTest, CompressedJoblibAndStateDicts) {
  auto r = Py(dir_.path(), R"(
import joblib, numpy as np, sys
from sklearn.linear_model import LogisticRegression
d = sys.argv[0].rsplit("/", 1)[0]
rng = np.random.default_rng(1)
X = rng.standard_normal((80, 4)); y = (X[:, 0] + X[:, 1] > 0).astype(int)
clf = LogisticRegression().fit(X, y)
joblib.dump(clf, d + "/lr.joblib", compress=3)
np.savetxt(d + "/x.csv", X[:20], delimiter=",", fmt="%.17g")
np.savetxt(d + "/want.csv", clf.predict_proba(X[:20]), delimiter=",", fmt="%.17g")
joblib.dump({"w": np.arange(6, dtype=np.float32).reshape(2, 3), "b": np.zeros(3)}, d + "/state.joblib")
)");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Cli({"convert", P("lr.joblib"), "-o", P("lr.smdl")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Cli({"predict", P("lr.smdl"), "--input", P("x.csv"), "--method", "predict_proba", "--allow-unsigned"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Within 1e-9 relative of scikit-learn's.
  std::istringstream got(r.out), want(ReadFile(P("want.csv")));
  std::string g, w;
  int n = 0;
  while (std::getline(want, w) && std::getline(got, g)) {
    double a0, a1, b0, b1;
    ASSERT_EQ(std::sscanf(g.c_str(), "%lf,%lf", &a0, &a1), 2) << g;
    ASSERT_EQ(std::sscanf(w.c_str(), "%lf,%lf", &b0, &b1), 2) << w;
    EXPECT_NEAR(a0, b0, 1e-9 * std::max(1.0, std::fabs(b0)));
    EXPECT_NEAR(a1, b1, 1e-9 * std::max(1.0, std::fabs(b1)));
    ++n;
  }
  EXPECT_EQ(n, 20);
  r = Cli({"convert", P("state.joblib"), "-o", P("state.smdl")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Cli({"inspect", P("state.smdl"), "--json"});
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["estimator"]["kind"], "weights");
  EXPECT_EQ(j["tensors"].size(), 2u);
}

TEST_F(ConvertTest, PayloadIsRefusedWithPlaceNoOutputAndNoSideEffect) {
  const std::string canary = P("canary");
  auto r = Py(dir_.path(), R"(
import pickle, os, sys
d = sys.argv[0].rsplit("/", 1)[0]
class Evil:
    def __reduce__(self):
        return (os.system, ("touch " + d + "/canary",))
with open(d + "/evil.pkl", "wb") as f: pickle.dump(Evil(), f, protocol=2)
)");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Cli({"convert", P("evil.pkl"), "-o", P("evil.smdl")});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("pickle@0x"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("system"), std::string::npos) << r.err;
  EXPECT_FALSE(FileExists(P("evil.smdl")));
  EXPECT_FALSE(FileExists(canary));
  r = Cli({"scan", P("evil.pkl")});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.out.find("REFUSED"), std::string::npos) << r.out;
  EXPECT_FALSE(FileExists(canary));
  for (const auto& name : ListDir(dir_.path())) EXPECT_EQ(name.find(".tmp-"), std::string::npos) << name;
}

TEST_F(ConvertTest, ScanOfACleanModelExits0) {
  auto r = Py(dir_.path(), R"(
import pickle, sys
from sklearn.preprocessing import StandardScaler
d = sys.argv[0].rsplit("/", 1)[0]
pickle.dump(StandardScaler().fit([[0.0, 1.0], [2.0, 3.0]]), open(d + "/s.pkl", "wb"))
)");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Cli({"scan", P("s.pkl"), "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["ok"], true);
  bool saw = false;
  for (const auto& g : j["globals"]) saw |= g["name"] == "StandardScaler";
  EXPECT_TRUE(saw) << r.out;
}

TEST(HostileCorpus, EveryMaliciousOrMalformedSampleIsRefusedByConvertAndScan) {
  ASSERT_TRUE(FileExists(kCorpus + "/manifest.json")) << "missing " << kCorpus;
  auto manifest = nlohmann::json::parse(ReadFile(kCorpus + "/manifest.json"));
  TempDir dir;
  int refused = 0, total = 0;
  for (const auto& [name, entry] : manifest.items()) {
    const std::string kind = entry.value("kind", "");
    if (kind != "malicious" && kind != "malformed") continue;
    ++total;
    const std::string out = dir / "o.smdl";
    auto start = std::chrono::steady_clock::now();
    auto r = Cli({"convert", kCorpus + "/" + name, "-o", out});
    auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(r.exit_code, 1) << name << ": " << r.err;
    EXPECT_EQ(r.signal, 0) << name;
    EXPECT_FALSE(FileExists(out)) << name;
    EXPECT_LT(secs, 20) << name;
    EXPECT_FALSE(r.err.empty()) << name;
    if (r.exit_code == 1 && !FileExists(out)) ++refused;
    std::filesystem::remove(out);
    // scan refuses every sample that names code we do not allow.
    if (!entry.value("non_benign_globals", nlohmann::json::array()).empty()) {
      auto s = Cli({"scan", kCorpus + "/" + name});
      EXPECT_EQ(s.exit_code, 1) << name << ": " << s.out << s.err;
    }
  }
  EXPECT_EQ(refused, total);
  EXPECT_GT(total, 100);
}

// The library call behind safemodel.dump/convert in Python: the caller's
// metadata reaches the file through the sandboxed child, and the checked
// header comes back as JSON with the estimator union by member name.
TEST_F(ConvertTest, ConvertFileTakesMetadataAndHeaderJsonShowsTheEstimator) {
  auto r = Py(dir_.path(), R"(
import pickle, numpy as np, sys
from sklearn.linear_model import Ridge
d = sys.argv[0].rsplit("/", 1)[0]
with open(d + "/r.pkl", "wb") as f: pickle.dump(Ridge().fit(np.eye(3), [1.0, 2.0, 3.5]), f)
)");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ConvertOptions options;
  options.metadata.name = "ridge \xc3\xa9";
  options.metadata.license = "MIT";
  options.metadata.extra = {{"team", "ml"}};
  ASSERT_TRUE(ConvertFile(P("r.pkl"), P("r.smdl"), options).ok());
  auto model = Model::Inspect(P("r.smdl"));
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  EXPECT_EQ(model->metadata().name, "ridge \xc3\xa9");
  EXPECT_EQ(model->metadata().license, "MIT");
  EXPECT_EQ(model->metadata().extra.at("team"), "ml");
  EXPECT_EQ(model->metadata().producer, "safemodel convert");  // empty fields keep the converter's

  auto text = model->header_json();
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  auto j = nlohmann::json::parse(*text);
  EXPECT_EQ(j["formatVersion"], 1);
  ASSERT_TRUE(j["estimator"].contains("linear")) << *text;
  EXPECT_EQ(j["estimator"]["linear"]["className"], "Ridge");
  EXPECT_EQ(j["estimator"]["linear"]["task"], "regressor");
  EXPECT_EQ(j["metadata"]["name"], "ridge \xc3\xa9");

  // Metadata that is not UTF-8 is refused before anything runs or is written.
  options.metadata.name = "\xff";
  Status s = ConvertFile(P("r.pkl"), P("bad.smdl"), options);
  EXPECT_EQ(s.code(), Code::kInvalidArgument) << s.ToString();
  EXPECT_FALSE(std::filesystem::exists(P("bad.smdl")));
}

}  // namespace
}  // namespace safemodel::testing

namespace safemodel::testing {
namespace {

// Hostile files made from real models: each must be refused by convert with
// exit 1, a pickle@ place, no output and no canary.
struct HostileCase {
  const char* name;
  const char* python;  // writes <dir>/h.bin; may reference `canary`
  const char* place;   // substring of the message
};

const HostileCase kHostile[] = {
    {"payload_in_estimator_state", R"PY(
import pickle, os
from sklearn.linear_model import LogisticRegression
clf = LogisticRegression().fit([[0.0], [1.0]], [0, 1])
class Evil:
    def __reduce__(self): return (os.system, ("touch " + canary,))
clf.coef_ = Evil()
pickle.dump(clf, open(out, "wb"), protocol=4)
)PY", "not allowed"},
    {"builtins_eval", R"PY(
import pickle, builtins
class Evil:
    def __reduce__(self): return (builtins.eval, ("open(" + repr(canary) + ", 'w')",))
pickle.dump(Evil(), open(out, "wb"), protocol=2)
)PY", "eval' is not allowed"},
    {"getattr_chain", R"PY(
import pickle
data = b"\x80\x04cbuiltins\ngetattr\n(cos\nsystem\nX\x04\x00\x00\x00nopeR." 
open(out, "wb").write(data)
)PY", "pickle@0x"},
    {"truncated", R"PY(
import pickle
from sklearn.preprocessing import StandardScaler
b = pickle.dumps(StandardScaler().fit([[0.0], [1.0]]), protocol=4)
open(out, "wb").write(b[: len(b) // 2])
)PY", "pickle@0x"},
    {"bz2_bomb", R"PY(
import bz2
open(out, "wb").write(bz2.compress(b"\x00" * (100 << 20), 9))
)PY", "ratio"},
    {"hostile_tree", R"PY(
import pickle, numpy as np
from sklearn.tree import DecisionTreeClassifier
clf = DecisionTreeClassifier(random_state=0).fit(np.arange(20.0).reshape(10, 2), [0, 1] * 5)
state = clf.tree_.__getstate__()
state["nodes"] = state["nodes"].copy()
state["nodes"]["left_child"][0] = 4096
clf.tree_.__setstate__(state)
pickle.dump(clf, open(out, "wb"), protocol=4)
)PY", "left_child: 4096 out of range"},
    {"subprocess_popen", R"PY(
open(out, "wb").write(b"\x80\x02csubprocess\nPopen\nq\x00]q\x01X\x02\x00\x00\x00idq\x02a\x85q\x03Rq\x04.")
)PY", "subprocess.Popen"},
    {"importlib_import_module", R"PY(
open(out, "wb").write(b"\x80\x04\x8c\timportlib\x8c\rimport_module\x93\x8c\x02os\x85R.")
)PY", "importlib.import_module"},
    {"runpy_run_path", R"PY(
open(out, "wb").write(b"crunpy\n_run_code\n(S'print(1)'\ntR.")
)PY", "runpy._run_code"},
    {"memo_out_of_range", R"PY(
open(out, "wb").write(b"\x80\x02h\x05.")
)PY", "pickle@0x2"},
    {"stack_underflow", R"PY(
open(out, "wb").write(b"\x80\x02\x85.")
)PY", "pickle@0x2"},
    {"bad_opcode", R"PY(
open(out, "wb").write(b"\x80\x02\xff.")
)PY", "pickle@0x2"},
    {"huge_declared_length", R"PY(
open(out, "wb").write(b"\x80\x04\x8d" + (2**62).to_bytes(8, "little") + b"abc.")
)PY", "pickle@0x2"},
    {"deep_nesting", R"PY(
open(out, "wb").write(b"\x80\x02" + b"(" * 100000 + b".")
)PY", "pickle@0x"},
    {"tree_nan_threshold", R"PY(
import pickle, numpy as np
from sklearn.tree import DecisionTreeRegressor
clf = DecisionTreeRegressor(random_state=0).fit(np.arange(20.0).reshape(10, 2), np.arange(10.0))
state = clf.tree_.__getstate__()
state["nodes"] = state["nodes"].copy()
state["nodes"]["threshold"][0] = np.nan
clf.tree_.__setstate__(state)
pickle.dump(clf, open(out, "wb"), protocol=5)
)PY", "threshold"},
    {"tree_negative_feature", R"PY(
import pickle, numpy as np
from sklearn.tree import DecisionTreeClassifier
clf = DecisionTreeClassifier(random_state=0).fit(np.arange(20.0).reshape(10, 2), [0, 1] * 5)
state = clf.tree_.__getstate__()
state["nodes"] = state["nodes"].copy()
state["nodes"]["feature"][0] = -5
clf.tree_.__setstate__(state)
pickle.dump(clf, open(out, "wb"), protocol=2)
)PY", "feature"},
    {"tree_cycle", R"PY(
import pickle, numpy as np
from sklearn.ensemble import RandomForestClassifier
clf = RandomForestClassifier(n_estimators=2, random_state=0).fit(np.arange(40.0).reshape(20, 2), [0, 1] * 10)
t = clf.estimators_[1].tree_
state = t.__getstate__()
state["nodes"] = state["nodes"].copy()
inner = int(np.nonzero(state["nodes"]["left_child"] > 0)[0][-1])
state["nodes"]["left_child"][inner] = 0
t.__setstate__(state)
pickle.dump(clf, open(out, "wb"), protocol=4)
)PY", "left_child"},
    {"pandas_object_named", R"PY(
open(out, "wb").write(b"\x80\x04\x95\x1f\x00\x00\x00\x00\x00\x00\x00\x8c\x11pandas.core.frame\x94\x8c\tDataFrame\x94\x93\x94)\x81\x94.")
)PY", "pandas.core.frame.DataFrame"},
};

class HostileConvert : public ::testing::TestWithParam<HostileCase> {};

TEST_P(HostileConvert, RefusedWithPlaceNoOutputNoCanary) {
  const HostileCase& c = GetParam();
  TempDir dir;
  const std::string canary = dir / "canary", out = dir / "h.bin", smdl = dir / "h.smdl";
  WriteFile(dir / "gen.py", std::string("canary = ") + "'" + canary + "'\nout = '" + out + "'\n" + c.python);
  auto r = testing::Run({"/usr/bin/python3", dir / "gen.py"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_FALSE(FileExists(canary)) << "the generator itself ran the payload";
  r = Cli({"convert", out, "-o", smdl});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.signal, 0);
  EXPECT_NE(r.err.find(c.place), std::string::npos) << r.err;
  EXPECT_FALSE(FileExists(smdl));
  EXPECT_FALSE(FileExists(canary));
  EXPECT_EQ(ListDir(dir.path()).size(), 2u) << "only gen.py and h.bin may exist";
}

INSTANTIATE_TEST_SUITE_P(Kinds, HostileConvert, ::testing::ValuesIn(kHostile),
                         [](const auto& p) { return std::string(p.param.name); });

}  // namespace
}  // namespace safemodel::testing
