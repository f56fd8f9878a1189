// ReadWeights' choice by content, WeightSet ownership, and the fuzz seeds.
#include "interop/weight_set.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "interop/interop_test_util.h"
#include "safemodel/weights_io.h"

namespace safemodel {
namespace {

using testing::AsBytes;
using testing::AsString;
using testing::Py;
using testing::TempDir;

TEST(ReadWeights, ChoosesByContentNotName) {
  TempDir dir;
  testing::Python("a = np.arange(3, dtype=np.int16)\n"
                  "np.save(" + Py(dir / "a.npy") + ", a)\n" +
                  "np.savez(" + Py(dir / "b.npz") + ", x=a)\n");
  std::string st = testing::Safetensors("{\"t\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}", "z");
  testing::WriteFile(dir / "c.safetensors", st);
  // Misleading names: the content decides.
  std::filesystem::rename(dir / "a.npy", dir / "a.safetensors");
  std::filesystem::rename(dir / "b.npz", dir / "b.npy");
  std::filesystem::rename(dir / "c.safetensors", dir / "c.npz");
  auto a = ReadWeights(dir / "a.safetensors");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->format, "npy");
  EXPECT_EQ(a->tensors[0].name, "a");
  auto b = ReadWeights(dir / "b.npy");
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(b->format, "npz");
  EXPECT_EQ(b->tensors[0].name, "x");
  auto c = ReadWeights(dir / "c.npz");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->format, "safetensors");
  EXPECT_EQ(AsString(c->tensors[0].bytes), "z");
  // Anything else is taken for safetensors and refused as such.
  testing::WriteFile(dir / "junk", "hello, world");
  EXPECT_ERROR(ReadWeights(dir / "junk"), Code::kLimitExceeded, "junk: safetensors@0x0: header length");
  testing::WriteFile(dir / "tiny", "PK");
  EXPECT_ERROR(ReadWeights(dir / "tiny"), Code::kCorruption, "tiny: safetensors@0x0: need 8 bytes");
  EXPECT_ERROR(ReadWeights(dir / "absent"), Code::kIoError, "absent");
}

TEST(ReadWeights, FileSizeLimit) {
  TempDir dir;
  testing::WriteFile(dir / "big", std::string(100, 'x'));
  ImportOptions options;
  options.max_file_size = 99;
  EXPECT_ERROR(ReadWeights(dir / "big", options), Code::kLimitExceeded, "big");
}

TEST(WeightSet, ViewsOutliveMovesOfTheSet) {
  TempDir dir;
  testing::Python("np.save(" + Py(dir / "be.npy") + ", np.arange(4, dtype='>i4'))\n" +
                  "np.save(" + Py(dir / "le.npy") + ", np.arange(4, dtype='<i4'))\n");
  for (std::string name : {"be.npy", "le.npy"}) {  // owned buffer, then mapping
    WeightSet moved;
    {
      auto set = ReadWeights(dir / name);
      ASSERT_TRUE(set.ok()) << set.status().ToString();
      moved = std::move(set).value();
    }
    std::filesystem::remove(dir / name);  // the mapping stays valid
    WeightSet again(std::move(moved));
    ASSERT_EQ(again.tensors.size(), 1u);
    auto values = again.tensors[0].as<int32_t>();
    EXPECT_EQ(std::vector<int32_t>(values.begin(), values.end()), (std::vector<int32_t>{0, 1, 2, 3})) << name;
  }
}

TEST(WeightSet, EmptyNamesAreRefused) {
  EXPECT_ERROR(CheckTensorName("", "here"), Code::kCorruption, "here: empty tensor name");
  EXPECT_TRUE(CheckTensorName(std::string(kMaxTensorNameBytes, 'x'), "here").ok());
  EXPECT_ERROR(CheckTensorName(std::string(kMaxTensorNameBytes + 1, 'x'), "here"), Code::kUnsupported, "here:");
  TempDir dir;
  testing::Python("np.save(" + Py(dir / ".npy") + ", np.ones(1))");
  auto hidden = ReadNpy(dir / ".npy");  // std::filesystem's stem of ".npy" is ".npy"
  ASSERT_TRUE(hidden.ok()) << hidden.status().ToString();
  EXPECT_EQ(hidden->tensors[0].name, ".npy");
}

// The named fuzz seeds (*.npy, *.npz, *.safetensors) are small valid files of
// every format; keep them valid. Inputs libFuzzer adds (hash names) may be
// anything and need only not crash.
TEST(FuzzCorpus, EverySeedLoads) {
  std::string corpus = std::string(SAFEMODEL_SOURCE_DIR) + "/fuzz/corpus/interop";
  int seeds = 0;
  for (const auto& entry : std::filesystem::directory_iterator(corpus)) {
    auto set = ReadWeights(entry.path().string());
    std::string ext = entry.path().extension().string();
    if (ext != ".npy" && ext != ".npz" && ext != ".safetensors") continue;
    EXPECT_TRUE(set.ok()) << entry.path() << ": " << set.status().ToString();
    ++seeds;
  }
  EXPECT_GE(seeds, 7);
}

}  // namespace
}  // namespace safemodel
