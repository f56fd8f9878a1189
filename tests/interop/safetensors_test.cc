// safetensors import/export. Files are built by hand (the safetensors Python
// package is not available): each refusal test starts from a valid file and
// breaks one rule, asserting the code and where the message points.
#include "interop/safetensors.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "interop/interop_test_util.h"
#include "interop/weight_set.h"
#include "safemodel/weights_io.h"

namespace safemodel {
namespace {

using testing::AsBytes;
using testing::AsString;
using testing::Safetensors;
using testing::TempDir;

Result<WeightSet> Parse(const std::string& file, const ImportOptions& options = {}) {
  return ParseSafetensors(AsBytes(file), options);
}

// A header with one entry per (name, dtype, shape, begin, end).
std::string Entry(const std::string& name, const std::string& dtype, const std::string& shape, uint64_t begin,
                  uint64_t end) {
  return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" +
         std::to_string(begin) + "," + std::to_string(end) + "]}";
}

// A valid two-tensor file: 'a' F32 [2, 2] at [0, 16), 'b' I8 [4] at [16, 20).
std::string ValidHeader() { return "{" + Entry("a", "F32", "[2,2]", 0, 16) + "," + Entry("b", "I8", "[4]", 16, 20) + "}"; }
std::string ValidData() { return std::string(20, '\x01'); }

// ---- Reading valid files ------------------------------------------------------

TEST(Safetensors, ReadsHandBuiltFileZeroCopyInOffsetOrder) {
  // 'b' comes first in the data region although it sorts second by name.
  std::string header = "{\"__metadata__\":{\"format\":\"pt\"}," + Entry("a", "F32", "[2]", 4, 12) + "," +
                       Entry("b", "U16", "[2]", 0, 4) + "}";
  std::string data = "bbbbaaaaaaaa";
  std::string file = Safetensors(header, data);
  auto set = Parse(file);
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(set->format, "safetensors");
  ASSERT_EQ(set->tensors.size(), 2u);
  EXPECT_EQ(set->tensors[0].name, "b");
  EXPECT_EQ(set->tensors[0].dtype, DType::kU16);
  EXPECT_EQ(set->tensors[1].name, "a");
  EXPECT_EQ(set->tensors[1].shape, (std::vector<uint64_t>{2}));
  EXPECT_EQ(AsString(set->tensors[1].bytes), "aaaaaaaa");
  // Zero copy: the view points into the input.
  EXPECT_EQ(reinterpret_cast<const char*>(set->tensors[1].bytes.data()), file.data() + 8 + header.size() + 4);
  EXPECT_EQ(set->metadata, (std::map<std::string, std::string>{{"format", "pt"}}));
}

TEST(Safetensors, AcceptsPaddingAndEmptyFile) {
  auto padded = Parse(Safetensors(ValidHeader() + "      ", ValidData()));
  EXPECT_TRUE(padded.ok()) << padded.status().ToString();
  auto empty = Parse(Safetensors("{}"));
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_TRUE(empty->tensors.empty());
}

TEST(Safetensors, ZeroDimAndZeroSizeTensors) {
  // A scalar, and two empty tensors sharing an offset (allowed: they cover nothing).
  std::string header = "{" + Entry("scalar", "F64", "[]", 0, 8) + "," + Entry("z1", "F32", "[0,3]", 8, 8) + "," +
                       Entry("z0", "I64", "[5,0]", 8, 8) + "," + Entry("tail", "U8", "[1]", 8, 9) + "}";
  auto set = Parse(Safetensors(header, std::string(9, '\x07')));
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  ASSERT_EQ(set->tensors.size(), 4u);
  EXPECT_EQ(set->tensors[0].name, "scalar");
  EXPECT_TRUE(set->tensors[0].shape.empty());
  EXPECT_EQ(set->tensors[0].num_elements(), 1u);
  EXPECT_EQ(set->tensors[1].name, "z0");  // ties keep name order: deterministic
  EXPECT_EQ(set->tensors[2].name, "z1");
  EXPECT_EQ(set->tensors[2].bytes.size(), 0u);
  EXPECT_EQ(set->tensors[3].name, "tail");
}

// ---- Round trips --------------------------------------------------------------

// One tensor of every dtype, filled with pseudo-random bytes.
struct Fixture {
  std::vector<std::string> storage;
  std::vector<TensorView> tensors;
};

Fixture EveryDType() {
  Fixture f;
  const std::vector<std::vector<uint64_t>> shapes = {{3}, {2, 3}, {}, {1, 2, 2}, {0}, {5}, {2, 1}};
  f.storage.reserve(kNumDTypes);
  for (int i = 0; i < kNumDTypes; ++i) {
    auto dtype = static_cast<DType>(i);
    const auto& shape = shapes[i % shapes.size()];
    uint64_t n = 1;
    for (uint64_t d : shape) n *= d;
    f.storage.push_back(testing::RandomBytes(n * DTypeSize(dtype), i + 1));
    f.tensors.push_back(TensorView{"layer" + std::to_string(i) + "." + std::string(DTypeName(dtype)), dtype, shape,
                                   AsBytes(f.storage.back())});
  }
  return f;
}

void ExpectSameTensors(const std::vector<TensorView>& got, std::span<const TensorView> want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].name, want[i].name);
    EXPECT_EQ(got[i].dtype, want[i].dtype) << got[i].name;
    EXPECT_EQ(got[i].shape, want[i].shape) << got[i].name;
    EXPECT_EQ(AsString(got[i].bytes), AsString(want[i].bytes)) << got[i].name;
  }
}

TEST(Safetensors, EveryDTypeRoundTrips) {
  TempDir dir;
  Fixture f = EveryDType();
  std::map<std::string, std::string> metadata = {{"framework", "test"}, {"note", "ünïcode \"quoted\"\n"}};
  ASSERT_TRUE(WriteSafetensors(dir / "a.safetensors", f.tensors, metadata).ok());
  auto first = ReadSafetensors(dir / "a.safetensors");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ExpectSameTensors(first->tensors, f.tensors);
  EXPECT_EQ(first->metadata, metadata);
  // Writing what was read gives the very same file.
  ASSERT_TRUE(WriteSafetensors(dir / "b.safetensors", first->tensors, first->metadata).ok());
  EXPECT_EQ(testing::ReadFile(dir / "a.safetensors"), testing::ReadFile(dir / "b.safetensors"));
}

TEST(Safetensors, WrittenHeaderIsPaddedWithSpacesToEightBytes) {
  TempDir dir;
  std::string bytes = "xyz";
  std::vector<TensorView> tensors = {{"t", DType::kU8, {3}, AsBytes(bytes)}};
  ASSERT_TRUE(WriteSafetensors(dir / "t.safetensors", tensors, {}).ok());
  std::string file = testing::ReadFile(dir / "t.safetensors");
  uint64_t n = 0;
  for (int i = 0; i < 8; ++i) n |= uint64_t(uint8_t(file[i])) << (8 * i);
  EXPECT_EQ(n % 8, 0u);
  std::string header = file.substr(8, n);
  EXPECT_EQ(header.substr(0, header.find_last_not_of(' ') + 1),
            "{\"t\":{\"dtype\":\"U8\",\"shape\":[3],\"data_offsets\":[0,3]}}");
  EXPECT_EQ(file.substr(8 + n), "xyz");
  EXPECT_EQ(header.find("__metadata__"), std::string::npos);  // only when non-empty
}

TEST(Safetensors, DTypeSpellingsAreBijective) {
  for (int i = 0; i < kNumDTypes; ++i) {
    auto dtype = static_cast<DType>(i);
    EXPECT_EQ(DTypeFromSafetensorsName(SafetensorsDTypeName(dtype)), dtype);
  }
  EXPECT_EQ(SafetensorsDTypeName(DType::kBF16), "BF16");
  EXPECT_EQ(SafetensorsDTypeName(DType::kBool), "BOOL");
  EXPECT_FALSE(DTypeFromSafetensorsName("f32").has_value());
}

// ---- Refusals: the file as a whole -----------------------------------------------

TEST(SafetensorsRefuses, FileShorterThanLength) {
  EXPECT_ERROR(Parse("\x10\x00\x00"), Code::kCorruption, "safetensors@0x0: need 8 bytes");
}

TEST(SafetensorsRefuses, HeaderOverTheLimit) {
  ImportOptions options;
  options.max_header_size = 16;
  EXPECT_ERROR(Parse(Safetensors(ValidHeader(), ValidData()), options), Code::kLimitExceeded,
               "safetensors@0x0: header length");
  EXPECT_ERROR(Parse(testing::U64LE(100'000'001) + "{}"), Code::kLimitExceeded, "max_header_size");
}

TEST(SafetensorsRefuses, HeaderLengthBeyondFile) {
  std::string file = Safetensors(ValidHeader(), ValidData());
  std::string bad = testing::U64LE(ValidHeader().size() + 21) + file.substr(8);
  EXPECT_ERROR(Parse(bad), Code::kCorruption, "runs past the end");
  // Near UINT64_MAX: N + 8 must not wrap.
  EXPECT_ERROR(Parse(testing::U64LE(~uint64_t{0}) + "{}"), Code::kLimitExceeded, "header length");
  ImportOptions unlimited;
  unlimited.max_header_size = ~uint64_t{0};
  EXPECT_ERROR(Parse(testing::U64LE(~uint64_t{0} - 7) + "{}", unlimited), Code::kCorruption, "runs past the end");
}

TEST(SafetensorsRefuses, FileOverTheLimit) {
  ImportOptions options;
  options.max_file_size = 10;
  EXPECT_ERROR(Parse(Safetensors(ValidHeader(), ValidData()), options), Code::kLimitExceeded, "max_file_size");
}

TEST(SafetensorsRefuses, BadJson) {
  std::string header = ValidHeader();
  header[5] = '!';
  EXPECT_ERROR(Parse(Safetensors(header, ValidData())), Code::kCorruption, "safetensors header@0xd: invalid JSON");
  EXPECT_ERROR(Parse(Safetensors("{\"a\":1} x")), Code::kCorruption, "invalid JSON");
  EXPECT_ERROR(Parse(Safetensors("{\"a\":\"\xff\"}")), Code::kCorruption, "invalid JSON");  // not UTF-8
  EXPECT_ERROR(Parse(Safetensors("")), Code::kCorruption, "header@0x8");
  // nlohmann alone would stop at the NUL and never see the rest.
  EXPECT_ERROR(Parse(Safetensors("{}" + std::string(6, '\0'))), Code::kCorruption,
               "safetensors header@0xa: NUL byte");
  EXPECT_ERROR(Parse(Safetensors("{}" + std::string(1, '\0') + "{\"x\":1}")), Code::kCorruption, "NUL byte");
}

TEST(SafetensorsRefuses, NotAnObject) {
  EXPECT_ERROR(Parse(Safetensors("[1,2]")), Code::kCorruption, "safetensors header@0x8: does not start with '{'");
  EXPECT_ERROR(Parse(Safetensors(" {}")), Code::kCorruption, "does not start with '{'");
  EXPECT_ERROR(Parse(Safetensors("\xef\xbb\xbf{}")), Code::kCorruption, "does not start with '{'");  // BOM
}

TEST(SafetensorsRefuses, NestingDeeperThanThree) {
  EXPECT_ERROR(Parse(Safetensors("{\"a\":{\"shape\":[[1]]}}")), Code::kCorruption, "nests deeper than 3");
  // Deep enough to blow a recursive parser's stack: stopped at level 4.
  EXPECT_ERROR(Parse(Safetensors("{\"a\":" + std::string(1'000'000, '['))), Code::kCorruption, "nests deeper");
}

TEST(SafetensorsRefuses, DuplicateKeys) {
  std::string twice = "{" + Entry("a", "F32", "[2,2]", 0, 16) + "," + Entry("a", "I8", "[4]", 16, 20) + "}";
  EXPECT_ERROR(Parse(Safetensors(twice, ValidData())), Code::kCorruption, "duplicate key 'a'");
  std::string inner = "{\"a\":{\"dtype\":\"F32\",\"dtype\":\"I8\",\"shape\":[1],\"data_offsets\":[0,1]}}";
  EXPECT_ERROR(Parse(Safetensors(inner, "x")), Code::kCorruption, "duplicate key 'dtype'");
}

TEST(SafetensorsRefuses, BadMetadata) {
  EXPECT_ERROR(Parse(Safetensors("{\"__metadata__\":[\"a\"]}")), Code::kCorruption, "__metadata__ is not an object");
  EXPECT_ERROR(Parse(Safetensors("{\"__metadata__\":{\"k\":1}}")), Code::kCorruption,
               "__metadata__ value of 'k' is not a string");
}

TEST(SafetensorsRefuses, TooManyTensors) {
  ImportOptions options;
  options.max_tensors = 1;
  EXPECT_ERROR(Parse(Safetensors(ValidHeader(), ValidData()), options), Code::kLimitExceeded, "2 tensors");
}

// ---- Refusals: one tensor entry -------------------------------------------------

TEST(SafetensorsRefuses, UnknownAndUnsupportedDTypes) {
  EXPECT_ERROR(Parse(Safetensors("{" + Entry("w", "F99", "[1]", 0, 1) + "}", "x")), Code::kCorruption,
               "tensor 'w': unknown dtype 'F99'");
  EXPECT_ERROR(Parse(Safetensors("{" + Entry("w", "F8_E4M3", "[1]", 0, 1) + "}", "x")), Code::kUnsupported,
               "tensor 'w': dtype F8_E4M3 is not supported");
  EXPECT_ERROR(Parse(Safetensors("{" + Entry("c", "C64", "[1]", 0, 8) + "}", "12345678")), Code::kUnsupported,
               "tensor 'c': dtype C64");
  EXPECT_ERROR(Parse(Safetensors("{\"w\":{\"dtype\":4,\"shape\":[1],\"data_offsets\":[0,1]}}", "x")),
               Code::kCorruption, "tensor 'w': dtype is not a string");
}

TEST(SafetensorsRefuses, ExtraOrMissingKey) {
  std::string extra = "{\"w\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1],\"strides\":[1]}}";
  EXPECT_ERROR(Parse(Safetensors(extra, "x")), Code::kCorruption, "tensor 'w': unknown key 'strides'");
  std::string missing = "{\"w\":{\"dtype\":\"U8\",\"data_offsets\":[0,1]}}";
  EXPECT_ERROR(Parse(Safetensors(missing, "x")), Code::kCorruption, "tensor 'w': missing key 'shape'");
  EXPECT_ERROR(Parse(Safetensors("{\"w\":[1]}")), Code::kCorruption, "tensor 'w': entry is not a JSON object");
}

TEST(SafetensorsRefuses, BadShapeValues) {
  EXPECT_ERROR(Parse(Safetensors("{" + Entry("w", "U8", "[-1]", 0, 1) + "}", "x")), Code::kCorruption,
               "tensor 'w': shape holds -1");
  EXPECT_ERROR(Parse(Safetensors("{" + Entry("w", "U8", "[1.0]", 0, 1) + "}", "x")), Code::kCorruption,
               "not a non-negative integer");
  EXPECT_ERROR(Parse(Safetensors("{" + Entry("w", "U8", "[18446744073709551616]", 0, 1) + "}", "x")),
               Code::kCorruption, "tensor 'w': shape holds");
  EXPECT_ERROR(Parse(Safetensors("{" + Entry("w", "U8", "1", 0, 1) + "}", "x")), Code::kCorruption,
               "shape is not an array");
  EXPECT_ERROR(Parse(Safetensors("{" + Entry("w", "U8", "[\"" + std::string(1000, 's') + "\"]", 0, 1) + "}", "x")),
               Code::kCorruption, "tensor 'w': shape holds a string, not a non-negative integer");
  ImportOptions options;
  options.max_dims = 2;
  EXPECT_ERROR(Parse(Safetensors("{" + Entry("w", "U8", "[1,1,1]", 0, 1) + "}", "x"), options),
               Code::kLimitExceeded, "tensor 'w': shape has 3 entries");
}

TEST(SafetensorsRefuses, BadDataOffsets) {
  std::string three = "{\"w\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1,1]}}";
  EXPECT_ERROR(Parse(Safetensors(three, "x")), Code::kCorruption, "tensor 'w': data_offsets must be [begin, end]");
  EXPECT_ERROR(Parse(Safetensors("{" + Entry("w", "U8", "[0]", 1, 0) + "}", "x")), Code::kCorruption,
               "tensor 'w': data_offsets [1, 0) end before they begin");
}

TEST(SafetensorsRefuses, ShapeDoesNotMatchLength) {
  std::string header = "{" + Entry("fc.weight", "F32", "[2,2]", 0, 12) + "}";
  EXPECT_ERROR(Parse(Safetensors(header, std::string(12, '\0'))), Code::kCorruption,
               "tensor 'fc.weight': data_offsets [0, 12) but dtype F32 shape [2, 2] needs 16 bytes");
}

TEST(SafetensorsRefuses, ShapeOverflowNearUint64Max) {
  // 2^32 * 2^32 overflows; so does (2^64 - 1) elements * 4 bytes.
  EXPECT_ERROR(Parse(Safetensors("{" + Entry("w", "U8", "[4294967296,4294967296]", 0, 0) + "}")), Code::kCorruption,
               "tensor 'w': dtype U8 shape [4294967296, 4294967296] needs more than 2^64 bytes");
  EXPECT_ERROR(Parse(Safetensors("{" + Entry("w", "F32", "[18446744073709551615]", 0, 0) + "}")), Code::kCorruption,
               "needs more than 2^64 bytes");
  // Exactly 2^64 - 1 bytes fits the arithmetic but not the file.
  EXPECT_ERROR(Parse(Safetensors("{" + Entry("w", "U8", "[18446744073709551615]", 0, 18446744073709551615u) + "}")),
               Code::kCorruption, "run past the end of the data region");
  // A zero dimension makes the product 0, whatever else.
  auto zero = Parse(Safetensors("{" + Entry("w", "U8", "[0,18446744073709551615]", 0, 0) + "}"));
  EXPECT_TRUE(zero.ok()) << zero.status().ToString();
}

TEST(SafetensorsRefuses, OffsetsOutOfRange) {
  std::string header = "{" + Entry("a", "F32", "[2,2]", 0, 16) + "," + Entry("b", "I8", "[4]", 16, 20) + "}";
  EXPECT_ERROR(Parse(Safetensors(header, std::string(19, '\0'))), Code::kCorruption,
               "tensor 'b': data_offsets [16, 20) run past the end of the data region (19 bytes)");
}

TEST(SafetensorsRefuses, Gap) {
  std::string header = "{" + Entry("a", "F32", "[2,2]", 0, 16) + "," + Entry("b", "I8", "[4]", 17, 21) + "}";
  EXPECT_ERROR(Parse(Safetensors(header, std::string(21, '\0'))), Code::kCorruption,
               "tensor 'b': data_offsets [17, 21) leave data bytes [16, 17) unused");
  std::string first = "{" + Entry("a", "F32", "[1]", 4, 8) + "}";
  EXPECT_ERROR(Parse(Safetensors(first, std::string(8, '\0'))), Code::kCorruption, "leave data bytes [0, 4) unused");
}

TEST(SafetensorsRefuses, Overlap) {
  std::string header = "{" + Entry("a", "F32", "[2,2]", 0, 16) + "," + Entry("b", "I8", "[4]", 12, 16) + "}";
  EXPECT_ERROR(Parse(Safetensors(header, std::string(16, '\0'))), Code::kCorruption,
               "tensor 'b': data_offsets [12, 16) overlap tensor 'a' [0, 16)");
  // The same bytes twice is an overlap too.
  std::string alias = "{" + Entry("a", "F32", "[1]", 0, 4) + "," + Entry("b", "F32", "[1]", 0, 4) + "}";
  EXPECT_ERROR(Parse(Safetensors(alias, std::string(4, '\0'))), Code::kCorruption, "overlap tensor 'a'");
}

TEST(SafetensorsRefuses, TrailingBytes) {
  std::string header = ValidHeader();
  EXPECT_ERROR(Parse(Safetensors(header, ValidData() + "!")), Code::kCorruption,
               "safetensors data@0x" );
  EXPECT_ERROR(Parse(Safetensors(header, ValidData() + "!")), Code::kCorruption,
               "1 trailing bytes not covered by any tensor");
  EXPECT_ERROR(Parse(Safetensors("{}", "x")), Code::kCorruption, "1 trailing bytes");
}

TEST(SafetensorsRefuses, BadNames) {
  EXPECT_ERROR(Parse(Safetensors("{" + Entry("", "U8", "[1]", 0, 1) + "}", "x")), Code::kCorruption,
               "empty tensor name");
  std::string long_name(64 * 1024 + 1, 'n');
  EXPECT_ERROR(Parse(Safetensors("{" + Entry(long_name, "U8", "[1]", 0, 1) + "}", "x")), Code::kUnsupported,
               "longer than 65536");
}

// Every truncation and every single-byte change of a valid file either
// parses or is refused; nothing crashes (run under ASan in CI).
TEST(SafetensorsRefuses, BitFlipAndTruncationSweep) {
  std::string file = Safetensors("{\"__metadata__\":{\"k\":\"v\"}," + Entry("a", "F32", "[2,2]", 0, 16) + "," +
                                     Entry("b", "I8", "[4]", 16, 20) + "}",
                                 ValidData());
  for (size_t n = 0; n < file.size(); ++n) EXPECT_FALSE(Parse(file.substr(0, n)).ok()) << n;
  for (size_t i = 0; i < file.size(); ++i) {
    for (uint8_t bit : {0x01, 0x08, 0x80}) {
      std::string bad = file;
      bad[i] = static_cast<char>(bad[i] ^ bit);
      auto set = Parse(bad);
      if (set.ok()) {
        for (const auto& t : set->tensors) EXPECT_LE(t.bytes.size(), file.size());
      }
    }
  }
}

// ---- Writer refusals -------------------------------------------------------------

TEST(SafetensorsWriter, RefusesBadTensors) {
  TempDir dir;
  std::string bytes(4, '\0');
  std::vector<TensorView> dup = {{"a", DType::kF32, {1}, AsBytes(bytes)}, {"a", DType::kF32, {1}, AsBytes(bytes)}};
  EXPECT_ERROR(WriteSafetensors(dir / "x", dup, {}), Code::kInvalidArgument, "tensor 'a' appears twice");
  std::vector<TensorView> reserved = {{"__metadata__", DType::kF32, {1}, AsBytes(bytes)}};
  EXPECT_ERROR(WriteSafetensors(dir / "x", reserved, {}), Code::kInvalidArgument, "reserved");
  std::vector<TensorView> mismatch = {{"m", DType::kF32, {2}, AsBytes(bytes)}};
  EXPECT_ERROR(WriteSafetensors(dir / "x", mismatch, {}), Code::kInvalidArgument,
               "tensor 'm': 4 bytes do not match f32 [2]");
  std::vector<TensorView> not_utf8 = {{"\xff", DType::kF32, {1}, AsBytes(bytes)}};
  EXPECT_ERROR(WriteSafetensors(dir / "x", not_utf8, {}), Code::kInvalidArgument, "not valid UTF-8");
  EXPECT_ERROR(WriteSafetensors(dir / "x", {}, {{"k", "\xfe"}}), Code::kInvalidArgument, "not valid UTF-8");
  std::vector<TensorView> empty = {{"", DType::kF32, {1}, AsBytes(bytes)}};
  EXPECT_ERROR(WriteSafetensors(dir / "x", empty, {}), Code::kInvalidArgument, "empty tensor name");
  EXPECT_TRUE(testing::ListDir(dir.path()).empty());  // nothing written, no temporary left
}

TEST(SafetensorsWriter, FailureLeavesOldFileAndNoTemporary) {
  TempDir dir;
  testing::WriteFile(dir / "m.safetensors", "old");
  std::string bytes(4, '\0');
  std::vector<TensorView> mismatch = {{"m", DType::kF32, {2}, AsBytes(bytes)}};
  EXPECT_FALSE(WriteSafetensors(dir / "m.safetensors", mismatch, {}).ok());
  EXPECT_EQ(testing::ReadFile(dir / "m.safetensors"), "old");
  EXPECT_EQ(testing::ListDir(dir.path()).size(), 1u);
  EXPECT_ERROR(WriteSafetensors(dir / "missing/m.safetensors", {}, {}), Code::kIoError, "missing/m.safetensors");
}

TEST(SafetensorsFile, ErrorsNameThePath) {
  TempDir dir;
  testing::WriteFile(dir / "bad.safetensors", Safetensors("{}", "x"));
  EXPECT_ERROR(ReadSafetensors(dir / "bad.safetensors"), Code::kCorruption, "bad.safetensors: safetensors data@0xa");
  EXPECT_ERROR(ReadSafetensors(dir / "none.safetensors"), Code::kIoError, "none.safetensors");
}

}  // namespace
}  // namespace safemodel
