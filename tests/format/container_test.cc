// Round trips and the exact layout of the container.
#include <sys/mman.h>
#include <sys/stat.h>

#include <set>

#include "format/layout.h"
#include "format_fixture.h"
#include "safemodel/io.h"

namespace safemodel::testing {
namespace {

TEST_F(FormatTest, RoundTripsTensorsAndLayout) {
  auto m = Model::Open(path_, Unsigned());
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  ASSERT_EQ(m->tensors().size(), tensors_.size());
  for (size_t i = 0; i < tensors_.size(); ++i) {
    const TensorView& v = m->tensors()[i];
    EXPECT_EQ(v.name, tensors_[i].name);
    EXPECT_EQ(v.dtype, tensors_[i].dtype);
    EXPECT_EQ(v.shape, tensors_[i].shape);
    ASSERT_EQ(v.bytes.size(), tensors_[i].bytes.size());
    EXPECT_EQ(std::memcmp(v.bytes.data(), tensors_[i].bytes.data(), v.bytes.size()), 0);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(v.bytes.data()) % 64, 0u) << v.name;
  }
  EXPECT_EQ(m->data_offset() % 64, 0u);
  EXPECT_EQ(m->file_size(), bytes_.size());
  EXPECT_EQ(m->seal_size(), format::kFooterSize);
  EXPECT_EQ(bytes_.substr(0, 8), std::string(format::kMagic));
  EXPECT_EQ(bytes_.substr(bytes_.size() - 8), "SMDLSEAL");
  ASSERT_NE(m->FindTensor("b"), nullptr);
  EXPECT_EQ(m->FindTensor("b")->dtype, DType::kI64);
  EXPECT_EQ(m->FindTensor("zz"), nullptr);
  EXPECT_EQ(m->weights_framework(), "test");
}

TEST_F(FormatTest, EveryDtypeZeroDAndEmptyTensorsRoundTrip) {
  std::vector<OwnedTensor> ts;
  for (int d = 0; d < kNumDTypes; ++d) {
    auto dt = static_cast<DType>(d);
    ts.push_back(MakeTensor("t_" + std::string(DTypeName(dt)), dt, {3, 1 + static_cast<uint64_t>(d)}, 10 + d));
  }
  ts.push_back(MakeTensor("scalar", DType::kF64, {}, 99));
  ts.push_back(MakeTensor("empty", DType::kF32, {0, 7}, 98));
  std::string p = dir_ / "all.smdl";
  ASSERT_TRUE(WriteOwned(p, ts).ok());
  auto m = Model::Open(p, Unsigned());
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  ASSERT_EQ(m->tensors().size(), ts.size());
  for (size_t i = 0; i < ts.size(); ++i) {
    const auto& v = m->tensors()[i];
    EXPECT_EQ(v.dtype, ts[i].dtype);
    EXPECT_EQ(v.shape, ts[i].shape);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(v.bytes.data()), v.bytes.size()), ts[i].bytes) << v.name;
  }
  EXPECT_EQ(m->FindTensor("scalar")->num_elements(), 1u);
  EXPECT_EQ(m->FindTensor("scalar")->bytes.size(), 8u);
  EXPECT_EQ(m->FindTensor("empty")->bytes.size(), 0u);
}

TEST_F(FormatTest, MetadataRoundTrips) {
  Metadata md;
  md.name = "resnet";
  md.description = "line one\nline two\twith tab";
  md.license = "MIT";
  md.producer = "test";
  md.producer_version = "1.2.3";
  md.library_versions = {{"numpy", "1.24.2"}, {"torch", "2.1"}};
  md.created_unix = 1700000000;
  md.feature_names = {"x0", "x1", "ümlaut"};
  md.extra = {{"a", "1"}, {"b", "two"}};
  std::string p = dir_ / "md.smdl";
  ASSERT_TRUE(WriteOwned(p, tensors_, md).ok());
  auto m = Model::Open(p, Unsigned());
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->metadata(), md);
}

TEST_F(FormatTest, SameModelGivesSameBytes) {
  std::string p = dir_ / "again.smdl";
  ASSERT_TRUE(WriteOwned(p, tensors_).ok());
  EXPECT_EQ(ReadFile(p), bytes_);
}

TEST_F(FormatTest, LargeTensorsAreChunkHashedAndChunkNamedOnDamage) {
  // 20 MiB + 3: three 8 MiB chunks, the last short.
  auto big = MakeTensor("big", DType::kU8, {(20u << 20) + 3}, 7);
  std::string p = dir_ / "big.smdl";
  ASSERT_TRUE(WriteOwned(p, {big}).ok());
  auto m = Model::Open(p, Unsigned());
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->FindTensor("big")->bytes.size(), big.bytes.size());
  std::string bytes = ReadFile(p);
  bytes[m->data_offset() + (17u << 20)] ^= 1;  // inside chunk 2
  EXPECT_REFUSED(bytes, Code::kCorruption, "tensor 'big' chunk 2");
}

TEST_F(FormatTest, CopyTensorsGivesOwnedEqualBytes) {
  LoadOptions o;
  o.copy_tensors = true;
  auto copied = Model::Open(path_, Unsigned(), o);
  auto mapped = Model::Open(path_, Unsigned());
  ASSERT_TRUE(copied.ok() && mapped.ok());
  for (size_t i = 0; i < tensors_.size(); ++i) {
    const auto& a = copied->tensors()[i].bytes;
    const auto& b = mapped->tensors()[i].bytes;
    EXPECT_NE(a.data(), b.data());
    EXPECT_EQ(reinterpret_cast<uintptr_t>(a.data()) % 64, 0u);
    EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size()), 0);
  }
}

TEST_F(FormatTest, InvalidWriterInputLeavesNoFile) {
  std::string p = dir_ / "dup.smdl";
  auto t = tensors_;
  t[1].name = "a";
  Status s = WriteOwned(p, t);
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_NE(s.message().find("duplicate tensor name 'a'"), std::string::npos) << s.message();
  EXPECT_FALSE(FileExists(p));
  // Wrong byte count for the shape.
  t = tensors_;
  t[0].bytes.pop_back();
  s = WriteOwned(p, t);
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_NE(s.message().find("tensor 'a'"), std::string::npos) << s.message();
  // An existing file is left untouched by a failed write.
  s = WriteOwned(path_, t);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(ReadFile(path_), bytes_);
  // Nothing else left in the folder (no temporaries).
  std::set<std::string> names;
  for (auto& n : ListDir(dir_.path())) names.insert(n);
  EXPECT_EQ(names, std::set<std::string>{"m.smdl"});
}

TEST_F(FormatTest, IoErrorForMissingFileAndFolder) {
  auto m = Model::Open(dir_ / "nope.smdl", Unsigned());
  EXPECT_EQ(m.status().code(), Code::kIoError);
  EXPECT_NE(m.status().message().find("nope.smdl"), std::string::npos);
  Status s = WriteOwned(dir_ / "no/such/dir/x.smdl", tensors_);
  EXPECT_EQ(s.code(), Code::kIoError);
}

TEST_F(FormatTest, TensorOver4GiBRoundTripsSparse) {
  // 4 GiB + 64 zero bytes, from untouched anonymous memory (no RAM used);
  // zero runs are written as holes, so the file is sparse on disk.
  const uint64_t n = (uint64_t{4} << 30) + 64;
  void* mem = ::mmap(nullptr, n, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  ASSERT_NE(mem, MAP_FAILED);
  TensorView big{"huge", DType::kU8, {n}, {static_cast<const std::byte*>(mem), n}};
  auto small = MakeTensor("after", DType::kI32, {4}, 5);
  std::vector<TensorView> views{big, small.view()};
  std::string p = dir_ / "huge.smdl";
  ASSERT_TRUE(WriteWeights(p, {}, views).ok());
  ::munmap(mem, n);
  struct stat st;
  ASSERT_EQ(::stat(p.c_str(), &st), 0);
  EXPECT_GT(static_cast<uint64_t>(st.st_size), n);
  EXPECT_LT(static_cast<uint64_t>(st.st_blocks) * 512, uint64_t{64} << 20) << "not sparse";
  auto m = Model::Open(p, Unsigned());
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->FindTensor("huge")->bytes.size(), n);
  EXPECT_EQ(m->FindTensor("huge")->shape, std::vector<uint64_t>{n});
  const auto* after = m->FindTensor("after");
  ASSERT_NE(after, nullptr);
  EXPECT_EQ(std::memcmp(after->bytes.data(), small.bytes.data(), 16), 0);
  EXPECT_GT(m->data_offset() + (after->bytes.data() - m->tensors()[0].bytes.data()), uint64_t{4} << 30);
}

TEST(AtomicWrite, ReplacesWholeFileOrNothing) {
  TempDir dir;
  std::string p = dir / "k.txt";
  ASSERT_TRUE(WriteFileAtomically(p, "first").ok());
  ASSERT_TRUE(WriteFileAtomically(p, "second", true).ok());
  EXPECT_EQ(ReadFile(p), "second");
  struct stat st;
  ASSERT_EQ(::stat(p.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(ListDir(dir.path()).size(), 1u);
}

}  // namespace
}  // namespace safemodel::testing

namespace safemodel::testing {
namespace {

TEST_F(FormatTest, SerializeWeightsEqualsTheWrittenFile) {
  std::vector<TensorView> views;
  for (const auto& t : tensors_) views.push_back(t.view());
  auto bytes = SerializeWeights({}, views, "test");
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  EXPECT_EQ(*bytes, bytes_);
}

}  // namespace
}  // namespace safemodel::testing
