// Hand-written hostile and malformed streams: each refusal class asserts the
// code and the pickle@0x.. place.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "util/byte_reader.h"

#include "pickle_test_util.h"

namespace safemodel::pickle::testing {
namespace {

using std::string;

Result<Graph> P(const string& s, const Limits& l = {}) { return ParsePickle(AsBytes(s), l); }
string U(const string& s) { return string("\x8c") + char(s.size()) + s; }  // SHORT_BINUNICODE
string Proto4() { return string("\x80\x04", 2); }
string Glob(const string& m, const string& n) { return "c" + m + "\n" + n + "\n"; }
// A literal that may hold NUL bytes.
template <size_t N>
string L(const char (&s)[N]) {
  return string(s, N - 1);
}

TEST(Hostile, PayloadGlobalsAreRefusedByName) {
  const char* names[][2] = {{"os", "system"}, {"posix", "system"}, {"nt", "system"}, {"subprocess", "Popen"},
                            {"builtins", "eval"}, {"builtins", "exec"}, {"builtins", "getattr"},
                            {"builtins", "__import__"}, {"__builtin__", "eval"}, {"importlib", "import_module"},
                            {"runpy", "run_path"}, {"numpy.testing._private.utils", "runstring"},
                            {"pydoc", "locate"}, {"operator", "attrgetter"}, {"operator", "methodcaller"},
                            {"numpy", "poly1d"}, {"types", "CodeType"}, {"pkgutil", "resolve_name"}};
  for (auto& n : names) {
    string s = Glob(n[0], n[1]) + "(S'id'\ntR.";
    auto g = P(s);
    EXPECT_REFUSED(g, Code::kUnsupported, string("pickle@0x0: GLOBAL '") + n[0] + "." + n[1] + "' is not allowed");
    auto st = Proto4() + U(n[0]) + U(n[1]) + "\x93" + U("id") + "\x85R.";
    size_t at = 2 + 4 + strlen(n[0]) + strlen(n[1]);
    EXPECT_REFUSED(P(st), Code::kUnsupported, "pickle@" + HexOffset(at) + ": STACK_GLOBAL '" + n[0] + "." + n[1] + "'");
  }
}

TEST(Hostile, AllUntrustedNamesAreListed) {
  string s = Glob("os", "system") + "0" + Glob("builtins", "eval") + "0" + Glob("numpy", "dtype") + ".";
  auto g = P(s);
  EXPECT_REFUSED(g, Code::kUnsupported, "os.system@0x0");
  EXPECT_NE(g.status().message().find("builtins.eval@0x"), string::npos) << g.status().message();
  ScanReport r = ScanModelBytes(AsBytes(s), {});
  ASSERT_EQ(r.globals.size(), 3u);
  EXPECT_FALSE(r.globals[0].allowed);
  EXPECT_FALSE(r.globals[1].allowed);
  EXPECT_TRUE(r.globals[2].allowed);
  EXPECT_EQ(r.globals[2].module, "numpy");
  EXPECT_EQ(r.disallowed_total, 2u);
}

TEST(Hostile, PayloadHiddenInsideEstimatorState) {
  // LogisticRegression whose state dict holds posix.system('id').
  string s = Proto4() + U("sklearn.linear_model._logistic") + U("LogisticRegression") + "\x93)\x81}" + U("C") +
             U("posix") + U("system") + "\x93" + U("id") + "\x85R" + "sb.";
  EXPECT_REFUSED(P(s), Code::kUnsupported, "STACK_GLOBAL 'posix.system' is not allowed");
}

TEST(Hostile, StackGlobalWithNonStringOperands) {
  string s = Proto4() + "K\x01K\x02\x93.";
  EXPECT_REFUSED(P(s), Code::kUnsupported, "pickle@0x6: STACK_GLOBAL '<int>.<int>'");
}

TEST(Hostile, BuildOnAGlobalIsRefused) {
  // numpy.poly1d is not allowlisted; numpy.dtype is, but BUILD on the global itself is not.
  string s = Proto4() + U("numpy") + U("dtype") + "\x93}" + U("x") + "K\x01sb.";
  EXPECT_REFUSED(P(s), Code::kUnsupported, "pickle@0x18: BUILD on global numpy.dtype@0x10 is not allowed");
}

TEST(Hostile, CallingAnAllowedNonCallable) {
  string s = Proto4() + U("numpy") + U("ndarray") + "\x93)R.";
  EXPECT_REFUSED(P(s), Code::kUnsupported, "may be named but not called");
  string t = Proto4() + U("_codecs") + U("encode") + "\x93" + U("x") + U("utf-8") + "\x86R.";
  EXPECT_REFUSED(P(t), Code::kUnsupported, "_codecs.encode expects (str, 'latin1')");
}

TEST(Hostile, OutOfBandPersistentAndExtensionRefused) {
  EXPECT_REFUSED(P(string("\x80\x05\x97.", 4)), Code::kUnsupported, "pickle@0x2: NEXT_BUFFER");
  EXPECT_REFUSED(P(string("\x80\x05\x98.", 4)), Code::kUnsupported, "pickle@0x2: READONLY_BUFFER");
  EXPECT_REFUSED(P("Pabc\n."), Code::kUnsupported, "pickle@0x0: PERSID");
  EXPECT_REFUSED(P(string("\x80\x02\x82\x01.", 5)), Code::kUnsupported, "pickle@0x2: EXT1");
}

TEST(Hostile, BadOpcodeAndProtocol) {
  EXPECT_REFUSED(P(string("\x80\x04\xff.", 4)), Code::kCorruption, "pickle@0x2: unknown opcode 0xff");
  EXPECT_REFUSED(P(string("\x80\x06N.", 4)), Code::kUnsupported, "pickle@0x0: pickle protocol 6");
}

TEST(Hostile, TrailingBytesAfterStop) {
  EXPECT_REFUSED(P("N.N."), Code::kCorruption, "pickle@0x2: 2 trailing bytes after STOP");
  // A payload after the first STOP is listed too.
  auto g = P("N." + Glob("os", "system") + ".");
  EXPECT_REFUSED(g, Code::kUnsupported, "os.system@0x2");
  ScanReport r = ScanModelBytes(AsBytes("N." + Glob("os", "system") + "."), {});
  EXPECT_EQ(r.streams, 2);
  EXPECT_FALSE(r.AllAllowed());
}

TEST(Hostile, TruncationAtEveryByte) {
  string full = safemodel::testing::ReadFile(Generated() + "/arrays_p4.pkl");
  ASSERT_GT(full.size(), 100u);
  for (size_t n = 0; n < full.size(); ++n) {
    auto g = P(full.substr(0, n));
    ASSERT_FALSE(g.ok()) << n;
    EXPECT_NE(g.status().message().find("pickle@0x"), string::npos) << g.status().message();
  }
  EXPECT_TRUE(P(full).ok());
}

TEST(Hostile, BitFlipsNeverCrash) {
  string full = safemodel::testing::ReadFile(Generated() + "/rfc_p2.pkl");
  for (size_t k = 0; k < full.size(); k += 3) {
    string m = full;
    m[k] = char(m[k] ^ (1 << (k % 8)));
    auto g = P(m);
    if (!g.ok()) {
      EXPECT_NE(g.status().message().find("pickle@0x"), string::npos) << g.status().message();
    }
  }
}

TEST(Hostile, MemoIndexOutOfRange) {
  EXPECT_REFUSED(P(string("\x80\x02h\x05.", 5)), Code::kCorruption, "pickle@0x2: BINGET of memo index 5");
  EXPECT_REFUSED(P(string("\x80\x02j\xff\xff\xff\xff.", 8)), Code::kCorruption, "memo index 4294967295");
  EXPECT_REFUSED(P("g12\n."), Code::kCorruption, "pickle@0x0: GET of memo index 12");
}

TEST(Hostile, HugeDeclaredLengths) {
  string s = Proto4() + "\x8d" + string("\x00\x00\x00\x00\x00\x00\x00\x80", 8) + ".";
  EXPECT_REFUSED(P(s), Code::kLimitExceeded, "pickle@0x2: BINUNICODE8 length 9223372036854775808 exceeds");
  string b = Proto4() + "B" + string("\xff\xff\xff\x7f", 4) + "abc.";
  EXPECT_REFUSED(P(b), Code::kCorruption, "pickle@0x2: truncated: BINBYTES needs 2147483647 bytes");
  string l4 = Proto4() + "\x8b" + string("\xff\xff\xff\x0f", 4) + ".";
  EXPECT_REFUSED(P(l4), Code::kLimitExceeded, "pickle@0x2: LONG4 of 268435455 bytes");
  string neg = Proto4() + "T" + string("\xff\xff\xff\xff", 4) + ".";
  EXPECT_REFUSED(P(neg), Code::kCorruption, "negative length");
  string frame = Proto4() + "\x95" + string("\xff\xff\xff\xff\xff\xff\xff\xff", 8) + "N.";
  EXPECT_REFUSED(P(frame), Code::kCorruption, "pickle@0x2: truncated: FRAME");
}

TEST(Hostile, DeepNesting) {
  EXPECT_REFUSED(P(string(1000000, '(')), Code::kLimitExceeded, "MARKs nested deeper than 512");
  string lists;  // ] ] a ] a ... : a tower of lists, each in the previous one
  lists += "]";
  for (int k = 0; k < 100000; ++k) lists += "]";
  for (int k = 0; k < 100000; ++k) lists += "a";
  lists += ".";
  EXPECT_REFUSED(P(lists), Code::kLimitExceeded, "nested deeper than 256");
}

TEST(Hostile, CyclesAreRefused) {
  string s = Proto4() + L("]\x94h") + string(1, '\0') + "a.";  // l = []; l.append(l)
  EXPECT_REFUSED(P(s), Code::kUnsupported, "pickle@0x2: list@0x2 contains itself (cycles are refused)");
}

TEST(Hostile, BillionLaughs) {
  string s = Proto4() + "K\x01\x94";  // memo[0] = 1; then memo[k+1] = [memo[k], memo[k]]
  for (int k = 0; k < 40; ++k) s += "0(h" + string(1, char(k)) + "h" + string(1, char(k)) + "l\x94";
  s += ".";
  Limits l;
  EXPECT_REFUSED(P(s, l), Code::kLimitExceeded, "through shared references");
}

TEST(Hostile, StackUnderflow) {
  EXPECT_REFUSED(P("a."), Code::kCorruption, "pickle@0x0: APPEND: stack underflow");
  EXPECT_REFUSED(P("(R."), Code::kCorruption, "pickle@0x1: REDUCE: stack underflow (at a MARK)");
  EXPECT_REFUSED(P("."), Code::kCorruption, "pickle@0x0: STOP: stack underflow");
  EXPECT_REFUSED(P("t."), Code::kCorruption, "pickle@0x0: TUPLE without a MARK");
  EXPECT_REFUSED(P("NN."), Code::kCorruption, "STOP leaves 1 values");
}

TEST(Hostile, NodeAndStackLimits) {
  Limits l;
  l.max_nodes = 100;
  EXPECT_REFUSED(P(string(200, 'N') + ".", l), Code::kLimitExceeded, "more than 100 values");
  l = Limits();
  l.max_stack = 10;
  EXPECT_REFUSED(P(string("\x80\x04", 2) + string(20, '\x88') + ".", l), Code::kLimitExceeded, "pickle@0xc: stack deeper");
}

// Builds `_reconstruct(ndarray,(0,),b'b')` + BUILD((1, shape, dtype('f8'), False, data)).
string Array(const string& shape_ops, const string& data) {
  return Proto4() + U("numpy.core.multiarray") + U("_reconstruct") + "\x93" + U("numpy") + U("ndarray") + "\x93" +
         L("K\x00\x85") + L("C\x01") + "b" + "\x87R" + "(K\x01" + shape_ops + U("numpy") + U("dtype") + "\x93" + U("f8") +
         "\x89\x88\x87R" + "\x89" + "C" + char(data.size()) + data + "tb.";
}

TEST(Hostile, ArrayShapeDataMismatch) {
  auto ok = P(Array("K\x02\x85", string(16, '\0')));
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->root()->array->shape, std::vector<uint64_t>{2});
  EXPECT_REFUSED(P(Array("K\x03\x85", string(16, '\0'))), Code::kCorruption,
                 "array data is 16 bytes; shape [3] of <f8 needs 24");
  string huge = "\x8a\x08" + string("\xff\xff\xff\xff\xff\xff\xff\x0f", 8);
  EXPECT_REFUSED(P(Array(huge + huge + "\x86", string(16, '\0'))), Code::kCorruption, "overflows");
  EXPECT_REFUSED(P(Array("J\xff\xff\xff\xff\x85", string(8, '\0'))), Code::kCorruption, "not a size");
}

TEST(Hostile, DTypeStateChecks) {
  // V16 with two 8-byte fields at the same offset.
  string f8 = U("numpy") + U("dtype") + "\x93" + U("f8") + "\x89\x88\x87R";
  string s = Proto4() + U("numpy") + U("dtype") + "\x93" + U("V16") + "\x89\x88\x87R" + "(K\x03" + U("|") + "N" +
             U("a") + U("b") + "\x86" + "}(" + U("a") + f8 + L("K\x00\x86") + U("b") + f8 + "K\x04\x86" + "u" +
             "K\x10K\x01K\x10tb.";
  EXPECT_REFUSED(P(s), Code::kCorruption, "fields overlap");
  string t = Proto4() + U("numpy") + U("dtype") + "\x93" + U("M8") + "\x89\x88\x87R.";
  EXPECT_REFUSED(P(t), Code::kUnsupported, "datetime");
}

TEST(Hostile, OldJoblibCompanionFilesRefused) {
  string s = Glob("joblib.numpy_pickle", "NDArrayWrapper") + ")\x81.";
  EXPECT_REFUSED(P(s), Code::kUnsupported, "companion file");
}

TEST(Python2, Protocol0HandWritten) {
  // copy_reg._reconstructor(StandardScaler, object, None) + BUILD({'with_mean': True, 'name': 'caf\xe9'})
  string s = Glob("copy_reg", "_reconstructor") + "p0\n(" + Glob("sklearn.preprocessing.data", "StandardScaler") +
             Glob("__builtin__", "object") + "NtRp1\n(dp2\nS'with_mean'\nI01\nsS'name'\nS'caf\\xe9'\n" +
             "sS'n'\nL123456789012345678901234567890L\nsS'f'\nF0.25\nsVuni\\u20ac\np3\nI-7\nsb.";
  auto g = P(s);
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  const Value* r = g->root();
  EXPECT_EQ(r->module, "sklearn.preprocessing.data");
  EXPECT_TRUE(r->state->Get("with_mean")->b);
  const Value* name = r->state->Get("name");
  EXPECT_TRUE(name->py2_str);
  EXPECT_EQ(name->text(), "caf\u00e9");  // latin-1 reading
  EXPECT_EQ(name->raw().size(), 4u);
  EXPECT_TRUE(r->state->Get("n")->big);
  EXPECT_EQ(r->state->Get("f")->f, 0.25);
  EXPECT_EQ(r->state->Get("uni\u20ac")->i, -7);
}

TEST(Joblib, CompressionBombIsStopped) {
  // bz2 squeezes zeros far beyond any real model's ratio.
  auto run = safemodel::testing::Run(
      {"/usr/bin/python3", "-c",
       "import bz2,zlib,sys; d=b'\\x80\\x04' + b'\\x00'*(64<<20); "
       "sys.stdout.buffer.write(bz2.compress(d, 9) if sys.argv[1]=='bz2' else zlib.compress(d, 9))", "bz2"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_REFUSED(ParseModelBytes(AsBytes(run.out), {}), Code::kLimitExceeded, "joblib-bz2@0x");
  EXPECT_REFUSED(ParseModelBytes(AsBytes(run.out), {}), Code::kLimitExceeded, "compression ratio above 2000:1");
  // zlib tops out near 1030:1: the size limit and a lower ratio limit catch it.
  auto z = safemodel::testing::Run({run.exit_code == 0 ? "/usr/bin/python3" : "", "-c",
       "import zlib,sys; sys.stdout.buffer.write(zlib.compress(b'\\x80\\x04' + b'\\x00'*(64<<20), 9))"});
  Limits l;
  l.max_compression_ratio = 100;
  EXPECT_REFUSED(ParseModelBytes(AsBytes(z.out), l), Code::kLimitExceeded, "compression ratio above 100:1");
  l.max_compression_ratio = 1u << 30;
  l.max_decompressed_bytes = 8u << 20;
  EXPECT_REFUSED(ParseModelBytes(AsBytes(z.out), l), Code::kLimitExceeded, "decompresses to more than 8388608");
}

TEST(Joblib, Lz4AndZipRefusedWithReason) {
  EXPECT_REFUSED(ParseModelBytes(AsBytes(string("\x04\x22\x4d\x18rest", 8)), {}), Code::kUnsupported, "lz4");
  EXPECT_REFUSED(ParseModelBytes(AsBytes(string("\x1f\x8bjunk", 6)), {}), Code::kCorruption, "joblib-gzip@0x");
}

TEST(Joblib, ObjectArrayNestedPickle) {
  auto run = safemodel::testing::Run(
      {"/usr/bin/python3", "-c",
       "import joblib,numpy as np,io,sys; b=io.BytesIO(); joblib.dump({'o': np.array(['a', 2], dtype=object), "
       "'f': np.ones(3)}, b); sys.stdout.buffer.write(b.getvalue())"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto g = ParseModelBytes(AsBytes(run.out), {});
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  const Value* o = g->root()->Get("o");
  ASSERT_EQ(o->kind, Kind::kNdArray);
  ASSERT_EQ(o->array->objects.size(), 2u);
  EXPECT_EQ(o->array->objects[1]->i, 2);
  EXPECT_EQ(g->root()->Get("f")->array->data.size(), 24u);
}

}  // namespace
}  // namespace safemodel::pickle::testing
