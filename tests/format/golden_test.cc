// Golden files: the bytes a version-1 writer produces must never change by
// accident, and files written by earlier builds must keep loading.
// Regenerate (only for a deliberate format change, with a formatVersion
// bump): SAFEMODEL_REGENERATE_GOLDEN=1 ./format_test --gtest_filter='Golden*'
#include <cstdlib>

#include "format_fixture.h"
#include "safemodel/io.h"
#include "safemodel/keys.h"

namespace safemodel::testing {
namespace {

const std::string kGoldenDir = std::string(SAFEMODEL_SOURCE_DIR) + "/tests/golden";

std::vector<OwnedTensor> GoldenTensors() {
  std::vector<OwnedTensor> ts;
  for (int d = 0; d < kNumDTypes; ++d) {
    auto dt = static_cast<DType>(d);
    ts.push_back(MakeTensor(std::string(DTypeName(dt)), dt, {2, static_cast<uint64_t>(d % 3 + 1)}, 500 + d));
  }
  ts.push_back(MakeTensor("scalar", DType::kF32, {}, 600));
  ts.push_back(MakeTensor("empty", DType::kI32, {0}, 601));
  return ts;
}

Metadata GoldenMetadata() {
  Metadata md;
  md.name = "golden";
  md.description = "every dtype, a 0-d and an empty tensor";
  md.license = "CC0-1.0";
  md.producer = "safemodel golden_test";
  md.producer_version = "1";
  md.library_versions = {{"numpy", "1.24.2"}};
  md.created_unix = 1790000000;
  md.feature_names = {"f0", "f1"};
  md.extra = {{"k", "v"}};
  return md;
}

TEST(Golden, WriterOutputIsByteForByteStable) {
  TempDir dir;
  std::string p = dir / "w.smdl";
  ASSERT_TRUE(WriteOwned(p, GoldenTensors(), GoldenMetadata()).ok());
  const std::string golden = kGoldenDir + "/weights_v1.smdl";
  if (std::getenv("SAFEMODEL_REGENERATE_GOLDEN")) {
    ASSERT_TRUE(WriteFileAtomically(golden, ReadFile(p)).ok());
    std::string signed_golden = kGoldenDir + "/weights_v1_signed.smdl";
    ASSERT_TRUE(WriteFileAtomically(signed_golden, ReadFile(p)).ok());
    auto sk = ParseSecretKeyFile(ReadFile(kGoldenDir + "/golden.key"), std::nullopt);
    ASSERT_TRUE(sk.ok());
    ASSERT_TRUE(SignFile(signed_golden, *sk, "golden").ok());
  }
  EXPECT_EQ(ReadFile(p), ReadFile(golden)) << "the writer's bytes changed: a format change needs a version bump";
}

TEST(Golden, SignedGoldenStillVerifiesAndReadsBack) {
  TrustPolicy trust;
  auto pk = ReadPublicKeyFile(kGoldenDir + "/golden.pub");
  ASSERT_TRUE(pk.ok());
  ASSERT_TRUE(trust.store.Add("golden", *pk).ok());
  auto m = Model::Open(kGoldenDir + "/weights_v1_signed.smdl", trust);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->metadata(), GoldenMetadata());
  auto want = GoldenTensors();
  ASSERT_EQ(m->tensors().size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(m->tensors()[i].name, want[i].name);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(m->tensors()[i].bytes.data()), m->tensors()[i].bytes.size()),
              want[i].bytes);
  }
  EXPECT_EQ(m->signatures()[0].trusted_comment, "golden");
}

}  // namespace
}  // namespace safemodel::testing
