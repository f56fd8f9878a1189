// Inputs the fuzzers found, run through the code that failed on them. Each
// test is named after what it pins; the input files live in
// tests/mapping/fuzz-regress/ and in the fuzz corpus. Under the sanitizer
// build (-fno-sanitize-recover=all) a regression aborts the test.
#include <gtest/gtest.h>

#include <string>

#include "mapping/mapping.h"
#include "pickle/vm.h"

namespace safemodel::mapping {
namespace {

const std::string kDir = std::string(SAFEMODEL_SOURCE_DIR) + "/tests/mapping/fuzz-regress/";

// mapping_fuzz, 2026-11-27: a HistGradientBoosting predictor whose
// raw_left_cat_bitsets is an empty array (no categorical splits) made the
// mapper memcpy from a null pointer (UBSan: nonnull argument).
TEST(FuzzRegress, HistGradientBoostingWithoutCategoricalBitsetsMaps) {
  auto g = pickle::ParseModelFile(kDir + "hgb_no_categorical_bitsets.pkl");
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  auto c = MapGraph(*g);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_TRUE(c->content.has_value());
}

}  // namespace
}  // namespace safemodel::mapping
