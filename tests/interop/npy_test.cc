// .npy import. Valid files come from the real numpy; numpy also writes the
// expected little-endian C-order bytes next to each, so every conversion
// (Fortran order, big-endian) is checked against numpy's own answer.
#include "interop/npy.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "interop/interop_test_util.h"
#include "interop/weight_set.h"
#include "safemodel/weights_io.h"

namespace safemodel {
namespace {

using testing::AsBytes;
using testing::AsString;
using testing::Py;
using testing::TempDir;

// Saves `expr` with np.save as <name>.npy, plus <name>.bin holding the bytes
// we must produce (C order, little-endian) and <name>.shape.
void SaveWithNumpy(const TempDir& dir, const std::string& name, const std::string& expr) {
  testing::Python("a = " + expr + "\n" + "np.save(" + Py(dir / (name + ".npy")) + ", a)\n" +
                  "c = np.ascontiguousarray(a).astype(a.dtype.newbyteorder('<'))\n" + "open(" +
                  Py(dir / (name + ".bin")) + ", 'wb').write(c.tobytes())\n" + "open(" +
                  Py(dir / (name + ".shape")) + ", 'w').write(' '.join(str(d) for d in a.shape))\n");
}

std::string ShapeText(const std::vector<uint64_t>& shape) {
  std::string out;
  for (size_t i = 0; i < shape.size(); ++i) out += (i ? " " : "") + std::to_string(shape[i]);
  return out;
}

void ExpectLoadsLikeNumpy(const std::string& expr, DType dtype) {
  TempDir dir;
  SaveWithNumpy(dir, "t", expr);
  auto set = ReadNpy(dir / "t.npy");
  ASSERT_TRUE(set.ok()) << expr << ": " << set.status().ToString();
  EXPECT_EQ(set->format, "npy");
  ASSERT_EQ(set->tensors.size(), 1u);
  const TensorView& t = set->tensors[0];
  EXPECT_EQ(t.name, "t");
  EXPECT_EQ(t.dtype, dtype) << expr;
  EXPECT_EQ(ShapeText(t.shape), testing::ReadFile(dir / "t.shape")) << expr;
  EXPECT_EQ(AsString(t.bytes), testing::ReadFile(dir / "t.bin")) << expr;
}

// A version 1.0 file with `dict` as its header and `data` after it.
std::string Npy1(const std::string& dict, const std::string& data = "") {
  std::string out = "\x93NUMPY\x01";
  out += '\0';
  out += static_cast<char>(dict.size() & 0xff);
  out += static_cast<char>(dict.size() >> 8);
  return out + dict + data;
}

// Runs the numpy expression, saves it with np.save, and expects our reader
// to return the same bytes, shape and dtype.
#define EXPECT_LOADS_LIKE_NUMPY(...) ExpectLoadsLikeNumpy(__VA_ARGS__)

// ---- numpy's own files ------------------------------------------------------------

TEST(Npy, EveryDTypeFromNumpy) {
  EXPECT_LOADS_LIKE_NUMPY("np.arange(6, dtype='<f4').reshape(2, 3) / 7", DType::kF32);
  EXPECT_LOADS_LIKE_NUMPY("np.arange(5, dtype='<f8') / 3", DType::kF64);
  EXPECT_LOADS_LIKE_NUMPY("np.array([1.5, -2, 65504], dtype=np.float16)", DType::kF16);
  EXPECT_LOADS_LIKE_NUMPY("np.array([-128, 0, 127], dtype=np.int8)", DType::kI8);
  EXPECT_LOADS_LIKE_NUMPY("np.array([-32768, 1, 32767], dtype=np.int16)", DType::kI16);
  EXPECT_LOADS_LIKE_NUMPY("np.array([-2**31, 1, 2**31 - 1], dtype=np.int32)", DType::kI32);
  EXPECT_LOADS_LIKE_NUMPY("np.array([-2**63, 1, 2**63 - 1], dtype=np.int64)", DType::kI64);
  EXPECT_LOADS_LIKE_NUMPY("np.array([0, 255], dtype=np.uint8)", DType::kU8);
  EXPECT_LOADS_LIKE_NUMPY("np.array([0, 65535], dtype=np.uint16)", DType::kU16);
  EXPECT_LOADS_LIKE_NUMPY("np.array([0, 2**32 - 1], dtype=np.uint32)", DType::kU32);
  EXPECT_LOADS_LIKE_NUMPY("np.array([0, 2**64 - 1], dtype=np.uint64)", DType::kU64);
  EXPECT_LOADS_LIKE_NUMPY("np.array([[True, False], [False, True]])", DType::kBool);
}

TEST(Npy, ScalarsAndEmptyArrays) {
  EXPECT_LOADS_LIKE_NUMPY("np.float64(3.25).reshape(())", DType::kF64);
  EXPECT_LOADS_LIKE_NUMPY("np.array(7, dtype=np.int32)", DType::kI32);
  EXPECT_LOADS_LIKE_NUMPY("np.zeros((0, 3), dtype=np.float32)", DType::kF32);
  EXPECT_LOADS_LIKE_NUMPY("np.zeros((4, 0, 2), dtype=np.int16, order='F')", DType::kI16);
}

TEST(Npy, FortranOrderBecomesCOrder) {
  EXPECT_LOADS_LIKE_NUMPY("np.asfortranarray(np.arange(6, dtype=np.int32).reshape(2, 3))", DType::kI32);
  EXPECT_LOADS_LIKE_NUMPY("np.asfortranarray(np.arange(120, dtype=np.float64).reshape(2, 3, 4, 5))", DType::kF64);
  EXPECT_LOADS_LIKE_NUMPY("np.asfortranarray(np.arange(24, dtype=np.uint8).reshape(4, 1, 6))", DType::kU8);
  EXPECT_LOADS_LIKE_NUMPY("np.asfortranarray(np.arange(6, dtype=np.float16).reshape(3, 2))", DType::kF16);
}

TEST(Npy, BigEndianIsSwapped) {
  EXPECT_LOADS_LIKE_NUMPY("np.arange(5, dtype='>i4') * 1000003", DType::kI32);
  EXPECT_LOADS_LIKE_NUMPY("np.arange(4, dtype='>f8') / 3", DType::kF64);
  EXPECT_LOADS_LIKE_NUMPY("np.arange(4, dtype='>u2') * 300", DType::kU16);
  EXPECT_LOADS_LIKE_NUMPY("np.array([1.5, 2], dtype='>f2')", DType::kF16);
  EXPECT_LOADS_LIKE_NUMPY("np.array([1, 2], dtype='>i1')", DType::kI8);
  // Both at once.
  EXPECT_LOADS_LIKE_NUMPY("np.asfortranarray((np.arange(24, dtype='>i8') * 77777).reshape(2, 3, 4))", DType::kI64);
}

TEST(Npy, Versions2And3) {
  TempDir dir;
  for (std::string version : {"(2, 0)", "(3, 0)"}) {
    testing::Python("a = np.arange(6, dtype='<i2').reshape(3, 2)\n"
                    "with open(" + Py(dir / "v.npy") + ", 'wb') as f:\n"
                    "  np.lib.format.write_array(f, a, version=" + version + ")\n");
    auto set = ReadNpy(dir / "v.npy");
    ASSERT_TRUE(set.ok()) << version << ": " << set.status().ToString();
    EXPECT_EQ(set->tensors[0].shape, (std::vector<uint64_t>{3, 2}));
    EXPECT_EQ(set->tensors[0].as<int16_t>()[5], 5);
  }
}

TEST(Npy, ViewIsZeroCopyWhenNoConversion) {
  std::string file = Npy1("{'descr': '<u2', 'fortran_order': False, 'shape': (2,), }", "abcd");
  auto set = ParseNpy(AsBytes(file), "x", {});
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(reinterpret_cast<const char*>(set->tensors[0].bytes.data()), file.data() + file.size() - 4);
  EXPECT_TRUE(set->storage->buffers.empty());
}

// ---- Refusals from numpy files ----------------------------------------------------

TEST(NpyRefuses, ObjectArraysArePickles) {
  TempDir dir;
  testing::Python("np.save(" + Py(dir / "o.npy") + ", np.array([{'a': 1}, None], dtype=object), allow_pickle=True)");
  EXPECT_ERROR(ReadNpy(dir / "o.npy"), Code::kUnsupported, "object arrays are pickles and are never loaded");
  EXPECT_ERROR(ReadNpy(dir / "o.npy"), Code::kUnsupported, "npy@0xa: dtype '|O'");
}

TEST(NpyRefuses, OtherDTypes) {
  TempDir dir;
  testing::Python("np.save(" + Py(dir / "c.npy") + ", np.zeros(2, dtype=np.complex64))\n"
                  "np.save(" + Py(dir / "s.npy") + ", np.zeros(2, dtype=[('x', '<f4'), ('y', '<i4')]))\n"
                  "np.save(" + Py(dir / "u.npy") + ", np.array(['ab', 'c']))\n"
                  "np.save(" + Py(dir / "d.npy") + ", np.array(['2020-01-01'], dtype='datetime64[D]'))\n");
  EXPECT_ERROR(ReadNpy(dir / "c.npy"), Code::kUnsupported, "dtype '<c8' is not supported");
  EXPECT_ERROR(ReadNpy(dir / "s.npy"), Code::kUnsupported, "structured dtypes are not supported");
  EXPECT_ERROR(ReadNpy(dir / "u.npy"), Code::kUnsupported, "dtype '<U2' is not supported");
  EXPECT_ERROR(ReadNpy(dir / "d.npy"), Code::kUnsupported, "dtype '<M8[D]' is not supported");
}

TEST(NpyRefuses, TrailingAndMissingBytes) {
  TempDir dir;
  SaveWithNumpy(dir, "t", "np.arange(4, dtype=np.int32)");
  std::string file = testing::ReadFile(dir / "t.npy");
  EXPECT_ERROR(ParseNpy(AsBytes(file + "!"), "t", {}), Code::kCorruption, "needs 16 data bytes, 17 present");
  EXPECT_ERROR(ParseNpy(AsBytes(file.substr(0, file.size() - 1)), "t", {}), Code::kCorruption,
               "needs 16 data bytes, 15 present");
}

// ---- Refusals of hand-made headers -------------------------------------------------

Result<WeightSet> ParseDict(const std::string& dict, const std::string& data = "", const ImportOptions& options = {}) {
  return ParseNpy(AsBytes(Npy1(dict, data)), "t", options);
}

TEST(NpyHeader, AcceptsSpellingVariants) {
  // Key order, double quotes, no trailing comma, newlines, Python 2 longs.
  auto a = ParseDict("{\"shape\": (2,),\n 'fortran_order':False,'descr':'<u2'}   \n", "abcd");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->tensors[0].dtype, DType::kU16);
  auto b = ParseDict("{'descr': '|u1', 'fortran_order': False, 'shape': (2L, 1L), }", "ab");
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(b->tensors[0].shape, (std::vector<uint64_t>{2, 1}));
  auto c = ParseDict("{'descr': 'u1', 'fortran_order': True, 'shape': (), }", "a");
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  auto d = ParseDict("{'descr': '=i4', 'fortran_order': False, 'shape': (1,), }", "abcd");
  EXPECT_TRUE(d.ok()) << d.status().ToString();
}

TEST(NpyHeader, RefusesBadMagicAndVersion) {
  std::string good = Npy1("{'descr': '|u1', 'fortran_order': False, 'shape': (1,), }", "a");
  std::string magic = good;
  magic[1] = 'X';
  EXPECT_ERROR(ParseNpy(AsBytes(magic), "t", {}), Code::kCorruption, "npy@0x0: not a .npy file");
  std::string version = good;
  version[6] = 4;
  EXPECT_ERROR(ParseNpy(AsBytes(version), "t", {}), Code::kUnsupported, "npy@0x6: version 4.0");
  EXPECT_ERROR(ParseNpy(AsBytes(good.substr(0, 9)), "t", {}), Code::kCorruption, "npy@0x8: need 2 bytes");
}

TEST(NpyHeader, RefusesLengthsBeyondFileOrLimit) {
  std::string file = Npy1("{'descr': '|u1', 'fortran_order': False, 'shape': (1,), }", "a");
  EXPECT_ERROR(ParseNpy(AsBytes(file.substr(0, 30)), "t", {}), Code::kCorruption, "npy@0xa: need");
  ImportOptions options;
  options.max_header_size = 16;
  EXPECT_ERROR(ParseNpy(AsBytes(file), "t", options), Code::kLimitExceeded, "npy@0x8: header length");
  // Version 2.0 with a 4 GiB header length in a tiny file.
  std::string v2 = std::string("\x93NUMPY\x02\x00", 8) + "\xff\xff\xff\xff" + "{}";
  EXPECT_ERROR(ParseNpy(AsBytes(v2), "t", {}), Code::kLimitExceeded, "max_header_size");
}

TEST(NpyHeader, RefusesKeys) {
  EXPECT_ERROR(ParseDict("{'descr': '|u1', 'shape': (1,)}", "a"), Code::kCorruption,
               "needs exactly 'descr', 'fortran_order' and 'shape'");
  EXPECT_ERROR(ParseDict("{'descr': '|u1', 'fortran_order': False, 'shape': (1,), 'x': 1}", "a"), Code::kCorruption,
               "npy@0x42: unknown key 'x'");
  EXPECT_ERROR(ParseDict("{'descr': '|u1', 'descr': '|u1', 'fortran_order': False, 'shape': (1,)}", "a"),
               Code::kCorruption, "duplicate key 'descr'");
}

TEST(NpyHeader, NeverEvaluates) {
  EXPECT_ERROR(ParseDict("{'descr': __import__('os').system('false'), 'fortran_order': False, 'shape': (1,)}", "a"),
               Code::kCorruption, "expected a string");
  EXPECT_ERROR(ParseDict("{'descr': '|u1', 'fortran_order': bool(1), 'shape': (1,)}", "a"), Code::kCorruption,
               "expected True or False");
  EXPECT_ERROR(ParseDict("{'descr': '|u1', 'fortran_order': False, 'shape': (1+1,)}", "a"), Code::kCorruption,
               "expected ')'");
  EXPECT_ERROR(ParseDict("{'descr': '<\\x66\\x34', 'fortran_order': False, 'shape': (1,)}", "a"), Code::kCorruption,
               "unexpected character in string");
  EXPECT_ERROR(ParseDict("{'descr': '|u1', 'fortran_order': False, 'shape': (1,)} + {}", "a"), Code::kCorruption,
               "unexpected text after the header dict");
}

TEST(NpyHeader, RefusesBadShapes) {
  const std::string head = "{'descr': '|u1', 'fortran_order': False, 'shape': ";
  EXPECT_ERROR(ParseDict(head + "(3)}", "abc"), Code::kCorruption, "shape is not a tuple");
  EXPECT_ERROR(ParseDict(head + "[3]}", "abc"), Code::kCorruption, "expected '('");
  EXPECT_ERROR(ParseDict(head + "(-3,)}", "abc"), Code::kCorruption, "expected a non-negative integer");
  EXPECT_ERROR(ParseDict(head + "(03,)}", "abc"), Code::kCorruption, "leading zero");
  EXPECT_ERROR(ParseDict(head + "(18446744073709551616,)}"), Code::kCorruption, "does not fit in 64 bits");
  EXPECT_ERROR(ParseDict(head + "(4294967296, 4294967296)}"), Code::kCorruption, "needs more than 2^64 bytes");
  EXPECT_ERROR(ParseDict(head + "(3,,)}", "abc"), Code::kCorruption, "expected a non-negative integer");
  ImportOptions options;
  options.max_dims = 2;
  EXPECT_ERROR(ParseDict(head + "(1, 1, 1)}", "a", options), Code::kLimitExceeded, "more than 2 dimensions");
  // Python 2 longs only in versions 1.0 and 2.0.
  std::string v3 = Npy1(head + "(3L,)}", "abc");
  v3[6] = 3;
  v3.insert(10, 2, '\0');
  EXPECT_ERROR(ParseNpy(AsBytes(v3), "t", {}), Code::kCorruption, "expected ')'");
}

TEST(NpyHeader, RefusesBadDescr) {
  const std::string tail = "', 'fortran_order': False, 'shape': (1,)}";
  EXPECT_ERROR(ParseDict("{'descr': '|f4" + tail, "abcd"), Code::kCorruption, "dtype '|f4' has no byte order");
  EXPECT_ERROR(ParseDict("{'descr': '<f16" + tail, "abcd"), Code::kUnsupported, "dtype '<f16' is not supported");
  EXPECT_ERROR(ParseDict("{'descr': 'O" + tail, "abcdefgh"), Code::kUnsupported, "pickles");
  EXPECT_ERROR(ParseDict("{'descr': '" + std::string(100, 'x') + tail), Code::kCorruption, "string too long");
  EXPECT_ERROR(ParseDict("{'descr': '" + tail), Code::kUnsupported, "dtype '' is not supported");
}

TEST(NpyHeader, FormatsWhatNumpyReads) {
  TempDir dir;
  std::string data(24, '\0');
  for (size_t i = 0; i < 6; ++i) data[4 * i] = static_cast<char>(i);
  auto header = FormatNpyHeader(DType::kI32, std::vector<uint64_t>{2, 3});
  ASSERT_TRUE(header.ok());
  EXPECT_EQ(header->size() % 64, 0u);
  testing::WriteFile(dir / "h.npy", *header + data);
  EXPECT_EQ(testing::PythonOutput("a = np.load(" + Py(dir / "h.npy") + ")\nprint(a.dtype.str, a.shape, a.sum())"),
            "<i4 (2, 3) 15\n");
  EXPECT_ERROR(FormatNpyHeader(DType::kBF16, std::vector<uint64_t>{1}), Code::kUnsupported, "bf16");
  // A header longer than 65535 bytes needs version 2.0.
  auto big = FormatNpyHeader(DType::kU8, std::vector<uint64_t>(30000, 1));
  ASSERT_TRUE(big.ok());
  EXPECT_EQ((*big)[6], '\x02');
  EXPECT_EQ(big->size() % 64, 0u);
  ImportOptions options;
  options.max_dims = 30000;
  auto parsed = ParseNpy(AsBytes(*big + "x"), "t", options);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->tensors[0].shape.size(), 30000u);
}

TEST(NpyHeader, TruncationAndBitFlipSweep) {
  std::string file = Npy1("{'descr': '>i2', 'fortran_order': True, 'shape': (2, 3), }      \n", "abcdefghijkl");
  ASSERT_TRUE(ParseNpy(AsBytes(file), "t", {}).ok());
  for (size_t n = 0; n < file.size(); ++n) EXPECT_FALSE(ParseNpy(AsBytes(file.substr(0, n)), "t", {}).ok()) << n;
  for (size_t i = 0; i < file.size(); ++i) {
    for (uint8_t bit : {0x01, 0x10, 0x80}) {
      std::string bad = file;
      bad[i] = static_cast<char>(bad[i] ^ bit);
      auto set = ParseNpy(AsBytes(bad), "t", {});
      if (set.ok()) {
        EXPECT_LE(set->tensors[0].bytes.size(), file.size());
      }
    }
  }
}

TEST(NpyFile, TensorIsNamedAfterTheStem) {
  TempDir dir;
  testing::Python("np.save(" + Py(dir / "fc1.weight.npy") + ", np.ones(3, dtype=np.float32))");
  auto set = ReadNpy(dir / "fc1.weight.npy");
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(set->tensors[0].name, "fc1.weight");
  testing::WriteFile(dir / "bad.npy", Npy1("{'descr': '<u2'}"));
  EXPECT_ERROR(ReadNpy(dir / "bad.npy"), Code::kCorruption, "bad.npy: npy@0x");
}

}  // namespace
}  // namespace safemodel
