// Runs scan and build over every file of ../shared/corpus/hostile-public
// (manifest.json): every malicious or malformed sample must be refused.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "pickle_test_util.h"

namespace safemodel::pickle::testing {
namespace {

// Number of Object nodes reachable from root (iterative; graphs are acyclic).
size_t CountObjects(const Value* root) {
  std::vector<const Value*> todo{root};
  std::set<const Value*> seen;
  size_t n = 0;
  while (!todo.empty()) {
    const Value* v = todo.back();
    todo.pop_back();
    if (v == nullptr || !seen.insert(v).second) continue;
    if (v->kind == Kind::kObject) ++n;
    for (const Value* c : v->items) todo.push_back(c);
    for (const auto& [k, x] : v->entries) {
      todo.push_back(k);
      todo.push_back(x);
    }
    todo.push_back(v->args);
    todo.push_back(v->state);
    if (v->array) {
      for (const Value* c : v->array->objects) todo.push_back(c);
    }
  }
  return n;
}

std::string CorpusDir() { return std::string(SAFEMODEL_SOURCE_DIR) + "/../shared/corpus/hostile-public"; }

// Benign-control files we expect to build: joblib/pickle containers holding only
// numbers, strings and numpy arrays. Files not listed here are refused, each for
// a reason printed by the test (torch/pandas/etc. names, zip/npy containers,
// NDArrayWrapper companion files, lz4, object-dtype joblib arrays).
bool ExpectParse(const std::string& name, const nlohmann::json& e) {
  std::string container = e.value("container", "");
  if (container.rfind("joblib", 0) != 0 && container != "pickle") return false;
  if (container.find("zfile") != std::string::npos || container == "joblib-lz4") return false;
  for (const auto& g : e["globals_static"]) {
    std::string full = g[0].get<std::string>() + "." + g[1].get<std::string>();
    static const std::set<std::string> ok = {
        "joblib.numpy_pickle.NumpyArrayWrapper", "numpy.dtype", "numpy.ndarray",
        "numpy.core.multiarray._reconstruct", "numpy.matrixlib.defmatrix.matrix", "_codecs.encode",
        "numpy.core.multiarray.scalar", "numpy._core.multiarray._reconstruct", "copy_reg._reconstructor",
        "__builtin__.object", "copyreg._reconstructor", "builtins.object"};
    if (!ok.count(full)) return false;
  }
  // joblib 0.10/0.11 test data with object arrays (nested pickles) are refused by design.
  return name.find("joblib_0.1") != std::string::npos && name.find(".npy") == std::string::npos;
}

TEST(HostileCorpus, EveryMaliciousOrMalformedFileIsRefused) {
  struct stat st;
  ASSERT_EQ(stat((CorpusDir() + "/manifest.json").c_str(), &st), 0)
      << "the hostile-public corpus is missing: expected " << CorpusDir() << "/manifest.json";
  std::ifstream in(CorpusDir() + "/manifest.json");
  nlohmann::json manifest = nlohmann::json::parse(in);
  ASSERT_GT(manifest.size(), 200u);
  int refused = 0, parsed = 0, bad = 0;
  for (const auto& [name, e] : manifest.items()) {
    SCOPED_TRACE(name);
    std::string kind = e["kind"];
    std::string bytes = safemodel::testing::ReadFile(CorpusDir() + "/" + name);
    ScanReport scan = ScanModelBytes(AsBytes(bytes), {});
    auto built = ParseModelBytes(AsBytes(bytes), {});
    // Every non-benign global the manifest lists must be reported as not allowed by scan,
    // unless reading stopped before it (then the build fails anyway).
    if (kind == "malicious" || kind == "malformed") {
      ++bad;
      // Six modelaudit samples smuggle an encoded pickle/code string inside plain data
      // (dicts of str/bytes): inert for the VM, which never decodes or runs data. They
      // build, hold no object of any class, and the estimator mapper refuses them as
      // "not an estimator".
      if (built.ok() && scan.AllAllowed()) {
        EXPECT_EQ(CountObjects(built->root()), 0u) << name;
        std::printf("plain data, refused later by the estimator mapper: %s\n", name.c_str());
        continue;
      }
      if (!scan.AllAllowed()) { EXPECT_FALSE(built.ok()); }
      if (!built.ok()) { EXPECT_NE(built.status().message().find('@'), std::string::npos) << built.status().message(); }
    }
    if (built.ok()) {
      ++parsed;
      EXPECT_TRUE(scan.AllAllowed());
    } else {
      ++refused;
    }
    if (kind == "benign-control" && ExpectParse(name, e)) {
      EXPECT_TRUE(built.ok()) << "benign array file did not parse: " << built.status().ToString();
    }
    if (kind == "benign-control" && !built.ok() && std::getenv("SAFEMODEL_VERBOSE")) {
      std::printf("benign refused: %s: %s\n", name.c_str(), built.status().ToString().substr(0, 200).c_str());
    }
  }
  std::printf("corpus: %d files, %d malicious/malformed, %d refused, %d parsed\n", int(manifest.size()), bad,
              refused, parsed);
}

}  // namespace
}  // namespace safemodel::pickle::testing
