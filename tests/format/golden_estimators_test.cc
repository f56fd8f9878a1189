// Estimator files written and signed by an earlier build (tests/golden/
// v1-estimators/, made by make_estimator_goldens.py with that build's
// `safemodel convert`) still verify, load and predict as scikit-learn did
// when they were made.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "safemodel/keys.h"
#include "safemodel/model.h"
#include "test_util.h"

namespace safemodel::testing {
namespace {

const std::string kDir = std::string(SAFEMODEL_SOURCE_DIR) + "/tests/golden";

TEST(GoldenEstimators, EarlierFilesVerifyLoadAndPredictAsScikitLearn) {
  const auto expected = nlohmann::json::parse(ReadFile(kDir + "/v1-estimators/expected.json"));
  auto pk = ReadPublicKeyFile(kDir + "/golden.pub");
  ASSERT_TRUE(pk.ok()) << pk.status().ToString();
  TrustPolicy trust;
  ASSERT_TRUE(trust.store.Add("golden", *pk).ok());
  int compared = 0;
  for (const auto& [name, c] : expected.items()) {
    SCOPED_TRACE(name);
    auto m = Model::Open(kDir + "/v1-estimators/" + name + ".smdl", trust);
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    EXPECT_EQ(m->trusted_signers(), 1u);
    std::vector<double> x;
    for (const auto& row : c["X"]) {
      for (const auto& v : row) x.push_back(v.get<double>());
    }
    const size_t rows = c["X"].size(), cols = x.size() / rows;
    for (const auto& [method, want] : c["checks"].items()) {
      SCOPED_TRACE(method);
      auto out = m->Run(*MethodFromName(method), x, rows, cols);
      ASSERT_TRUE(out.ok()) << out.status().ToString();
      std::vector<nlohmann::json> flat;
      for (const auto& r : want) {
        if (r.is_array()) {
          for (const auto& v : r) flat.push_back(v);
        } else {
          flat.push_back(r);
        }
      }
      ASSERT_EQ(out->rows * out->cols, flat.size());
      for (size_t i = 0; i < flat.size(); ++i) {
        switch (out->kind) {
          case Output::Kind::kStringLabels: EXPECT_EQ(out->strings[i], flat[i].get<std::string>()); break;
          case Output::Kind::kIntLabels: EXPECT_EQ(out->ints[i], flat[i].get<int64_t>()); break;
          default: {
            const double got = out->numbers[i], w = flat[i].get<double>();
            EXPECT_LE(std::fabs(got - w), 1e-9 * std::max(1.0, std::fabs(w))) << "element " << i;
          }
        }
      }
      ++compared;
    }
  }
  EXPECT_GE(compared, 6);
}

TEST(GoldenEstimators, TamperedEarlierFileIsRefused) {
  std::string bytes = ReadFile(kDir + "/v1-estimators/forest.smdl");
  ASSERT_GT(bytes.size(), 600u);
  bytes[bytes.size() / 2] ^= 0x01;  // header or tensor bytes, whichever is there
  TempDir dir;
  WriteFile(dir / "t.smdl", bytes);
  auto pk = ReadPublicKeyFile(kDir + "/golden.pub");
  ASSERT_TRUE(pk.ok());
  TrustPolicy trust;
  ASSERT_TRUE(trust.store.Add("golden", *pk).ok());
  auto m = Model::Open(dir / "t.smdl", trust);
  ASSERT_FALSE(m.ok());
  // The signature covers the header, the header's hashes the tensors.
  EXPECT_TRUE(m.status().code() == Code::kSignatureInvalid || m.status().code() == Code::kCorruption)
      << m.status().ToString();
}

}  // namespace
}  // namespace safemodel::testing
