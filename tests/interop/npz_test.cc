// .npz import and export against the real numpy: numpy.savez and
// savez_compressed outputs load, our exports load in numpy with the same
// bytes, and zip bombs are refused before they inflate.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <cstdlib>
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

// Python that saves the arrays in `arrays` ("name=expr, ...") with `saver`
// and writes each array's expected C-order little-endian bytes to <name>.bin.
void SaveNpz(const TempDir& dir, const std::string& saver, const std::string& arrays) {
  testing::Python("arrays = dict(" + arrays + ")\n" + "np." + saver + "(" + Py(dir / "w.npz") + ", **arrays)\n" +
                  "for k, a in arrays.items():\n"
                  "  c = np.ascontiguousarray(a).astype(a.dtype.newbyteorder('<'))\n"
                  "  open(" + Py(dir.path() + "/") + " + k + '.bin', 'wb').write(c.tobytes())\n");
}

const std::string kArrays =
    "w=np.arange(12, dtype=np.float32).reshape(3, 4) / 3, b=np.array([True, False]), "
    "h=np.array([0.5, -1], dtype=np.float16), s=np.array(5, dtype=np.int64), e=np.zeros((0, 2), dtype=np.uint16), "
    "f=np.asfortranarray(np.arange(6, dtype='>i4').reshape(2, 3)), u=np.arange(300, dtype=np.uint8)";

void ExpectNumpyArrays(const TempDir& dir, const WeightSet& set) {
  EXPECT_EQ(set.format, "npz");
  std::vector<std::string> names;
  for (const TensorView& t : set.tensors) {
    names.push_back(t.name);
    EXPECT_EQ(AsString(t.bytes), testing::ReadFile(dir / (t.name + ".bin"))) << t.name;
  }
  // numpy writes members in keyword order.
  EXPECT_EQ(names, (std::vector<std::string>{"w", "b", "h", "s", "e", "f", "u"}));
  EXPECT_EQ(set.tensors[0].shape, (std::vector<uint64_t>{3, 4}));
  EXPECT_EQ(set.tensors[1].dtype, DType::kBool);
  EXPECT_EQ(set.tensors[2].dtype, DType::kF16);
  EXPECT_TRUE(set.tensors[3].shape.empty());
  EXPECT_EQ(set.tensors[4].shape, (std::vector<uint64_t>{0, 2}));
  EXPECT_EQ(set.tensors[5].dtype, DType::kI32);
}

TEST(Npz, ReadsNumpySavez) {
  TempDir dir;
  SaveNpz(dir, "savez", kArrays);
  auto set = ReadNpz(dir / "w.npz");
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  ExpectNumpyArrays(dir, *set);
}

TEST(Npz, ReadsNumpySavezCompressed) {
  TempDir dir;
  SaveNpz(dir, "savez_compressed", kArrays);
  auto set = ReadWeights(dir / "w.npz");
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  ExpectNumpyArrays(dir, *set);
}

TEST(Npz, PositionalArraysAndEmptyArchive) {
  TempDir dir;
  testing::Python("np.savez(" + Py(dir / "p.npz") + ", np.ones(2), np.zeros(3))\n" + "np.savez(" +
                  Py(dir / "e.npz") + ")\n");
  auto set = ReadNpz(dir / "p.npz");
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  ASSERT_EQ(set->tensors.size(), 2u);
  EXPECT_EQ(set->tensors[0].name, "arr_0");
  EXPECT_EQ(set->tensors[1].name, "arr_1");
  auto empty = ReadWeights(dir / "e.npz");
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_EQ(empty->format, "npz");
  EXPECT_TRUE(empty->tensors.empty());
}

// ---- Export -----------------------------------------------------------------------

struct Fixture {
  std::vector<std::string> storage;
  std::vector<TensorView> tensors;
};

Fixture NumpyDTypes() {
  Fixture f;
  const std::vector<std::vector<uint64_t>> shapes = {{3}, {2, 3}, {}, {1, 2, 2}, {0, 4}, {5}};
  f.storage.reserve(kNumDTypes);
  for (int i = 0; i < kNumDTypes; ++i) {
    auto dtype = static_cast<DType>(i);
    if (dtype == DType::kBF16) continue;
    const auto& shape = shapes[i % shapes.size()];
    uint64_t n = 1;
    for (uint64_t d : shape) n *= d;
    std::string bytes = testing::RandomBytes(n * DTypeSize(dtype), 100 + i);
    if (dtype == DType::kBool) {
      for (char& c : bytes) c = static_cast<char>(c & 1);
    }
    f.storage.push_back(bytes);
    f.tensors.push_back(TensorView{"t_" + std::string(DTypeName(dtype)), dtype, shape, AsBytes(f.storage.back())});
  }
  f.tensors.back().name = "dir/with.dots";  // names are free-form
  return f;
}

// What numpy reports as dtype.str, written out independently of the code
// under test.
std::string NumpyDescr(DType dtype) {
  switch (dtype) {
    case DType::kF16: return "<f2";
    case DType::kF32: return "<f4";
    case DType::kF64: return "<f8";
    case DType::kI8: return "|i1";
    case DType::kI16: return "<i2";
    case DType::kI32: return "<i4";
    case DType::kI64: return "<i8";
    case DType::kU8: return "|u1";
    case DType::kU16: return "<u2";
    case DType::kU32: return "<u4";
    case DType::kU64: return "<u8";
    case DType::kBool: return "|b1";
    case DType::kBF16: break;
  }
  return "?";
}

TEST(Npz, ExportLoadsInNumpyByteForByte) {
  TempDir dir;
  Fixture f = NumpyDTypes();
  ASSERT_TRUE(WriteNpz(dir / "out.npz", f.tensors).ok());
  // numpy, without pickles, reports each array; we compare with what we wrote.
  std::string out = testing::PythonOutput(
      "import sys\nz = np.load(" + Py(dir / "out.npz") + ", allow_pickle=False)\n" +
      "for k in z.files:\n"
      "  a = z[k]\n"
      "  assert a.flags.c_contiguous\n"
      "  print(k, a.dtype.str, a.shape, a.tobytes().hex())\n");
  std::string want;
  for (const TensorView& t : f.tensors) {
    std::string shape = "(";
    for (size_t i = 0; i < t.shape.size(); ++i) shape += (i ? ", " : "") + std::to_string(t.shape[i]);
    shape += t.shape.size() == 1 ? ",)" : ")";
    std::string hex;
    for (char c : AsString(t.bytes)) {
      static const char* kDigits = "0123456789abcdef";
      hex += kDigits[(c >> 4) & 0xf];
      hex += kDigits[c & 0xf];
    }
    std::string descr = NumpyDescr(t.dtype);
    want += t.name + " " + descr + " " + shape + " " + hex + "\n";
  }
  EXPECT_EQ(out, want);
}

TEST(Npz, ExportRoundTripsAndIsDeterministic) {
  TempDir dir;
  Fixture f = NumpyDTypes();
  ASSERT_TRUE(WriteNpz(dir / "a.npz", f.tensors).ok());
  auto set = ReadNpz(dir / "a.npz");
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  ASSERT_EQ(set->tensors.size(), f.tensors.size());
  for (size_t i = 0; i < f.tensors.size(); ++i) {
    EXPECT_EQ(set->tensors[i].name, f.tensors[i].name);
    EXPECT_EQ(set->tensors[i].dtype, f.tensors[i].dtype);
    EXPECT_EQ(set->tensors[i].shape, f.tensors[i].shape);
    EXPECT_EQ(AsString(set->tensors[i].bytes), AsString(f.tensors[i].bytes));
  }
  ASSERT_TRUE(WriteNpz(dir / "b.npz", set->tensors).ok());
  EXPECT_EQ(testing::ReadFile(dir / "a.npz"), testing::ReadFile(dir / "b.npz"));
  // Members are stored, not compressed.
  EXPECT_EQ(testing::PythonOutput("import zipfile\nprint({i.compress_type for i in zipfile.ZipFile(" +
                                  Py(dir / "a.npz") + ").infolist()})"),
            "{0}\n");
}

TEST(Npz, ExportWithoutTensorsIsAnEmptyArchive) {
  TempDir dir;
  ASSERT_TRUE(WriteNpz(dir / "e.npz", {}).ok());
  EXPECT_EQ(testing::PythonOutput("print(len(np.load(" + Py(dir / "e.npz") + ").files))"), "0\n");
}

TEST(Npz, ExportRefusesBf16AndLeavesNothing) {
  TempDir dir;
  std::string bytes(4, '\0');
  std::vector<TensorView> tensors = {{"ok", DType::kF32, {1}, AsBytes(bytes)},
                                     {"emb.bf", DType::kBF16, {2}, AsBytes(bytes)}};
  EXPECT_ERROR(WriteNpz(dir / "x.npz", tensors), Code::kUnsupported, "tensor 'emb.bf': dtype bf16 has no NumPy");
  EXPECT_TRUE(testing::ListDir(dir.path()).empty());
  testing::WriteFile(dir / "old.npz", "old");
  EXPECT_FALSE(WriteNpz(dir / "old.npz", tensors).ok());
  EXPECT_EQ(testing::ReadFile(dir / "old.npz"), "old");
  std::vector<TensorView> dup = {tensors[0], tensors[0]};
  EXPECT_ERROR(WriteNpz(dir / "x.npz", dup), Code::kInvalidArgument, "appears twice");
  std::vector<TensorView> nul = {{std::string("a\0b", 3), DType::kF32, {1}, AsBytes(bytes)}};
  EXPECT_ERROR(WriteNpz(dir / "x.npz", nul), Code::kInvalidArgument, "NUL in name");
  EXPECT_ERROR(WriteNpz(dir / "missing/x.npz", {&tensors[0], 1}), Code::kIoError, "missing/x.npz");
  EXPECT_EQ(testing::ListDir(dir.path()).size(), 1u);
}

TEST(Npz, ExportReplacesAnOldFileWholeWithReadableMode) {
  TempDir dir;
  testing::WriteFile(dir / "m.npz", "old");
  ASSERT_EQ(::chmod((dir / "m.npz").c_str(), 0600), 0);
  std::string bytes(4, '\x01');
  std::vector<TensorView> tensors = {{"t", DType::kU8, {4}, AsBytes(bytes)}};
  ASSERT_TRUE(WriteNpz(dir / "m.npz", tensors).ok());
  auto set = ReadNpz(dir / "m.npz");
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(testing::ListDir(dir.path()).size(), 1u);
  auto mode = testing::Sh("stat -c %a " + dir / "m.npz");
  EXPECT_EQ(mode.out, "644\n");  // like every file we write (AtomicFile), whatever was there
}

// ---- Refusals ------------------------------------------------------------------------

TEST(NpzRefuses, ZipBomb) {
  TempDir dir;
  // 16 MiB of zeros deflate about 1020:1, over the default 1000:1.
  testing::Python("np.savez_compressed(" + Py(dir / "bomb.npz") + ", z=np.zeros(16 << 20, dtype=np.uint8))");
  EXPECT_ERROR(ReadNpz(dir / "bomb.npz"), Code::kLimitExceeded, "npz member 'z.npy': ");
  EXPECT_ERROR(ReadNpz(dir / "bomb.npz"), Code::kLimitExceeded, "max_compression_ratio");
  ImportOptions lenient;
  lenient.max_compression_ratio = 2000;
  EXPECT_TRUE(ReadNpz(dir / "bomb.npz", lenient).ok());
  ImportOptions small;
  small.max_decompressed_size = 1 << 20;
  small.max_compression_ratio = 2000;
  EXPECT_ERROR(ReadNpz(dir / "bomb.npz", small), Code::kLimitExceeded, "max_decompressed_size");
}

TEST(NpzRefuses, RatioOnlyCountsForMembersOverOneMiB) {
  TempDir dir;
  testing::Python("np.savez_compressed(" + Py(dir / "small.npz") + ", z=np.zeros(1 << 19, dtype=np.uint8))");
  ImportOptions strict;
  strict.max_compression_ratio = 2;
  EXPECT_TRUE(ReadNpz(dir / "small.npz", strict).ok());
}

// Patches the stated uncompressed size of the one member, in both the local
// and the central header, so the archive stays consistent but lies.
void LieAboutSize(const TempDir& dir, const std::string& path, const std::string& new_size) {
  testing::Python("import zipfile, struct\n"
                  "p = " + Py(path) + "\n"
                  "z = zipfile.ZipFile(p)\ni = z.infolist()[0]\nz.close()\n"
                  "b = bytearray(open(p, 'rb').read())\n"
                  "cd = b.rfind(b'PK\\x01\\x02')\n"
                  "struct.pack_into('<I', b, i.header_offset + 22, " + new_size + ")\n"
                  "struct.pack_into('<I', b, cd + 24, " + new_size + ")\n"
                  "open(p, 'wb').write(b)\n");
  (void)dir;
}

TEST(NpzRefuses, MemberInflatingPastItsStatedSize) {
  TempDir dir;
  testing::Python("np.savez_compressed(" + Py(dir / "lie.npz") + ", a=np.arange(1000, dtype=np.int64))");
  LieAboutSize(dir, dir / "lie.npz", "1000");
  EXPECT_ERROR(ReadNpz(dir / "lie.npz"), Code::kCorruption, "npz member 'a.npy'");
  testing::Python("np.savez_compressed(" + Py(dir / "big.npz") + ", a=np.arange(1000, dtype=np.int64))");
  LieAboutSize(dir, dir / "big.npz", "100000");
  EXPECT_ERROR(ReadNpz(dir / "big.npz"), Code::kCorruption, "npz member 'a.npy'");
}

TEST(NpzRefuses, ObjectArrayMember) {
  TempDir dir;
  testing::Python("np.savez(" + Py(dir / "o.npz") + ", ok=np.ones(2), obj=np.array([None, 1], dtype=object))");
  EXPECT_ERROR(ReadNpz(dir / "o.npz"), Code::kUnsupported, "npz member 'obj.npy'@0xa: dtype '|O'");
  EXPECT_ERROR(ReadNpz(dir / "o.npz"), Code::kUnsupported, "pickles");
}

TEST(NpzRefuses, MemberNames) {
  TempDir dir;
  testing::Python("import zipfile, io, warnings\nwarnings.simplefilter('ignore')\n"
                  "b = io.BytesIO(); np.save(b, np.ones(2)); v = b.getvalue()\n"
                  "for name, members in [('txt', ['a.npy', 'notes.txt']), ('dot', ['.npy']),\n"
                  "                      ('dup', ['a.npy', 'a.npy']), ('dir', ['d/', 'd/a.npy'])]:\n"
                  "  with zipfile.ZipFile(" + Py(dir.path() + "/") + " + name + '.npz', 'w') as z:\n"
                  "    for m in members: z.writestr(m, v if m.endswith('.npy') else b'')\n");
  EXPECT_ERROR(ReadNpz(dir / "txt.npz"), Code::kCorruption, "npz member 'notes.txt': member name is not '<name>.npy'");
  EXPECT_ERROR(ReadNpz(dir / "dot.npz"), Code::kCorruption, "npz member '.npy': member name is not");
  // libzip itself refuses the archive; ReadMember's own check is the belt.
  EXPECT_ERROR(ReadNpz(dir / "dup.npz"), Code::kCorruption, "npz: two members have the same name");
  EXPECT_ERROR(ReadNpz(dir / "dir.npz"), Code::kCorruption, "npz member 'd/'");
}

TEST(NpzRefuses, OtherCompressionAndBadMembers) {
  TempDir dir;
  testing::Python("import zipfile, io\n"
                  "b = io.BytesIO(); np.save(b, np.ones(2)); v = b.getvalue()\n"
                  "with zipfile.ZipFile(" + Py(dir / "bz.npz") + ", 'w', zipfile.ZIP_BZIP2) as z: z.writestr('a.npy', v)\n"
                  "with zipfile.ZipFile(" + Py(dir / "junk.npz") + ", 'w') as z: z.writestr('a.npy', b'junk')\n"
                  "with zipfile.ZipFile(" + Py(dir / "long.npz") + ", 'w') as z: z.writestr('a.npy', v + b'!')\n");
  EXPECT_ERROR(ReadNpz(dir / "bz.npz"), Code::kUnsupported, "npz member 'a.npy': compression method 12");
  EXPECT_ERROR(ReadNpz(dir / "junk.npz"), Code::kCorruption, "npz member 'a.npy'@0x0: need 6 bytes");
  EXPECT_ERROR(ReadNpz(dir / "long.npz"), Code::kCorruption, "npz member 'a.npy'@0x80: dtype f64 shape [2] needs 16");
}

TEST(NpzRefuses, NotAZipAndTooManyMembers) {
  TempDir dir;
  testing::WriteFile(dir / "short.npz", "PK\x03\x04");
  EXPECT_ERROR(ReadNpz(dir / "short.npz"), Code::kCorruption, "npz: 4 bytes is too short");
  testing::WriteFile(dir / "junk.npz", "PK\x03\x04" + std::string(100, 'x'));
  EXPECT_ERROR(ReadNpz(dir / "junk.npz"), Code::kCorruption, "junk.npz: npz: Not a zip archive");
  testing::WriteFile(dir / "empty.npz", "");
  EXPECT_ERROR(ReadNpz(dir / "empty.npz"), Code::kCorruption, "too short");
  SaveNpz(dir, "savez", kArrays);
  ImportOptions options;
  options.max_tensors = 3;
  EXPECT_ERROR(ReadNpz(dir / "w.npz", options), Code::kLimitExceeded, "npz: 7 members");
}

// Truncations and byte flips of a real archive (stored and deflated) are
// either read or refused; nothing crashes.
TEST(NpzRefuses, TruncationAndBitFlipSweep) {
  for (std::string saver : {"savez", "savez_compressed"}) {
    TempDir dir;
    SaveNpz(dir, saver, "a=np.arange(6, dtype='>i2').reshape(2, 3), b=np.ones(3, dtype=np.float32)");
    std::string file = testing::ReadFile(dir / "w.npz");
    ASSERT_TRUE(ParseNpz(AsBytes(file), {}).ok());
    for (size_t n = 0; n < file.size(); n += 3) EXPECT_FALSE(ParseNpz(AsBytes(file.substr(0, n)), {}).ok()) << n;
    for (size_t i = 0; i < file.size(); ++i) {
      std::string bad = file;
      bad[i] = static_cast<char>(bad[i] ^ 0x21);
      auto set = ParseNpz(AsBytes(bad), {});
      if (set.ok()) {
        for (const auto& t : set->tensors) EXPECT_LE(t.bytes.size(), 64u);
      }
    }
  }
}

// Over 4 GiB needs zip64. Slow and large (writes ~4.3 GB twice), so only when
// SAFEMODEL_LARGE_TESTS is set.
TEST(Npz, LargeTensorUsesZip64) {
  if (!std::getenv("SAFEMODEL_LARGE_TESTS")) GTEST_SKIP() << "set SAFEMODEL_LARGE_TESTS=1 to run";
  TempDir dir;
  uint64_t n = (uint64_t{1} << 32) + 24;
  std::vector<std::byte> big(n);
  big[0] = std::byte{1};
  big[n - 1] = std::byte{2};
  std::vector<TensorView> tensors = {{"big", DType::kU8, {n}, big}};
  ASSERT_TRUE(WriteNpz(dir / "big.npz", tensors).ok());
  auto set = ReadNpz(dir / "big.npz");
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  ASSERT_EQ(set->tensors[0].bytes.size(), n);
  EXPECT_EQ(set->tensors[0].bytes[n - 1], std::byte{2});
  EXPECT_EQ(testing::PythonOutput("z = np.load(" + Py(dir / "big.npz") + ", mmap_mode='r')\n"
                                  "import zipfile\nprint(zipfile.ZipFile(" + Py(dir / "big.npz") +
                                  ").infolist()[0].file_size)"),
            std::to_string(n + 128) + "\n");
}

}  // namespace
}  // namespace safemodel
