// The safemodel tool end to end: exit codes, messages, interop with minisign.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <map>

#include <nlohmann/json.hpp>

#include "safemodel/weights_io.h"
#include "test_util.h"

namespace safemodel::testing {
namespace {

struct StTensor {
  std::string dtype;  // safetensors name
  std::vector<uint64_t> shape;
  std::string bytes;
};

// A safetensors file, built by hand from the format's definition.
std::string MakeSafetensors(const std::map<std::string, StTensor>& tensors,
                            const std::map<std::string, std::string>& metadata) {
  nlohmann::json h = nlohmann::json::object();
  if (!metadata.empty()) h["__metadata__"] = metadata;
  std::string data;
  for (const auto& [name, t] : tensors) {
    h[name] = {{"dtype", t.dtype}, {"shape", t.shape}, {"data_offsets", {data.size(), data.size() + t.bytes.size()}}};
    data += t.bytes;
  }
  std::string header = h.dump();
  while (header.size() % 8) header += ' ';
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>(static_cast<uint64_t>(header.size()) >> (8 * i));
  return out + header + data;
}

std::map<std::string, StTensor> AllDtypes() {
  return {{"f32", {"F32", {2, 3}, RandomBytes(24, 1)}},
          {"f64", {"F64", {4}, RandomBytes(32, 2)}},
          {"i64", {"I64", {2, 2}, RandomBytes(32, 3)}},
          {"f16", {"F16", {5}, RandomBytes(10, 4)}},
          {"bf16", {"BF16", {3, 1}, RandomBytes(6, 5)}},
          {"bool", {"BOOL", {4}, std::string("\x01\x00\x01\x01", 4)}},
          {"u8", {"U8", {7}, RandomBytes(7, 6)}},
          {"i8", {"I8", {2, 2, 2}, RandomBytes(8, 7)}},
          {"scalar", {"F32", {}, RandomBytes(4, 8)}}};
}

void ExpectSameTensors(const std::string& path, const std::map<std::string, StTensor>& want) {
  auto set = ReadSafetensors(path);
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  ASSERT_EQ(set->tensors.size(), want.size());
  for (const auto& t : set->tensors) {
    auto it = want.find(t.name);
    ASSERT_NE(it, want.end()) << t.name;
    EXPECT_EQ(t.shape, it->second.shape) << t.name;
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(t.bytes.data()), t.bytes.size()), it->second.bytes)
        << t.name;
  }
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = Cli({"keygen", "-p", dir_ / "a.pub", "-s", dir_ / "a.key", "--no-password"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = Cli({"keygen", "-p", dir_ / "b.pub", "-s", dir_ / "b.key", "--no-password"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    WriteFile(dir_ / "in.safetensors", MakeSafetensors(AllDtypes(), {{"origin", "test"}}));
    r = Cli({"import-weights", dir_ / "in.safetensors", "-o", model_});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  std::string KeyId(const std::string& pub) {
    std::string text = ReadFile(pub);
    auto pos = text.find("public key ");
    return text.substr(pos + 11, text.find('\n', pos) - pos - 11);
  }

  TempDir dir_;
  std::string model_ = dir_ / "m.smdl";
};

TEST_F(CliTest, ImportSignVerifyExportRoundTripsEveryDtype) {
  auto r = Cli({"sign", model_, "-s", dir_ / "a.key", "-c", "release"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Cli({"verify", model_, "-p", dir_ / "a.pub"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("1 trusted signer"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("release"), std::string::npos) << r.out;
  r = Cli({"export-weights", model_, "-o", dir_ / "out.safetensors", "-p", dir_ / "a.pub"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ExpectSameTensors(dir_ / "out.safetensors", AllDtypes());
  auto set = ReadSafetensors(dir_ / "out.safetensors");
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(set->metadata, (std::map<std::string, std::string>{{"origin", "test"}}));
}

TEST_F(CliTest, InspectShowsTablesAndJson) {
  ASSERT_EQ(Cli({"sign", model_, "-s", dir_ / "a.key"}).exit_code, 0);
  auto r = Cli({"inspect", model_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("bf16"), std::string::npos);
  EXPECT_NE(r.out.find(KeyId(dir_ / "a.pub")), std::string::npos) << r.out;
  r = Cli({"inspect", model_, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["estimator"]["kind"], "weights");
  EXPECT_EQ(j["tensors"].size(), 9u);
  EXPECT_EQ(j["signatures"][0]["key_id"], KeyId(dir_ / "a.pub"));
  EXPECT_EQ(j["metadata"]["extra"]["origin"], "test");
  EXPECT_EQ(j["tensors"][0]["offset"].get<uint64_t>() % 64, 0u);
}

TEST_F(CliTest, TamperedCopiesAreRefusedWithExit1AndAPlace) {
  ASSERT_EQ(Cli({"sign", model_, "-s", dir_ / "a.key"}).exit_code, 0);
  const std::string good = ReadFile(model_);
  auto j = nlohmann::json::parse(Cli({"inspect", model_, "--json"}).out);
  const uint64_t data = j["data_offset"], header_end = 16 + j["header_size"].get<uint64_t>();
  struct Case {
    std::string what;
    std::string bytes;
    std::string where;
  };
  std::vector<Case> cases;
  auto flip = [&](uint64_t at) { std::string b = good; b[at] ^= 0x10; return b; };
  cases.push_back({"preamble", flip(3), "preamble@0x0"});
  cases.push_back({"header", flip(40), "does not verify"});
  cases.push_back({"padding", flip(header_end), "padding@"});
  cases.push_back({"tensor", flip(j["tensors"][2]["offset"].get<uint64_t>() + 1), "BLAKE2b mismatch"});
  cases.push_back({"seal signature", flip(good.size() - 24 - 512 + 20), "signature[0]"});
  cases.push_back({"seal padding", flip(good.size() - 30), "nonzero padding byte"});
  cases.push_back({"footer", flip(good.size() - 3), "footer@"});
  cases.push_back({"truncated", good.substr(0, good.size() - 1), "footer@"});
  cases.push_back({"appended", good + "\n", "footer@"});
  std::string inserted = good;
  inserted.insert(data, 64, '\0');
  cases.push_back({"inserted", inserted, "bytes inserted or removed"});
  for (const auto& c : cases) {
    WriteFile(dir_ / "t.smdl", c.bytes);
    auto r = Cli({"verify", dir_ / "t.smdl", "-p", dir_ / "a.pub"});
    EXPECT_EQ(r.exit_code, 1) << c.what << ": " << r.err;
    EXPECT_EQ(r.signal, 0) << c.what;
    EXPECT_NE(r.err.find(c.where), std::string::npos) << c.what << ": " << r.err;
  }
}

TEST_F(CliTest, WrongKeyIsRefusedNamingBothKeyIds) {
  ASSERT_EQ(Cli({"sign", model_, "-s", dir_ / "a.key"}).exit_code, 0);
  auto r = Cli({"verify", model_, "-p", dir_ / "b.pub"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(KeyId(dir_ / "a.pub")), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(KeyId(dir_ / "b.pub")), std::string::npos) << r.err;
}

TEST_F(CliTest, UnsignedIsRefusedUnlessExplicitlyAllowedWithAWarning) {
  auto r = Cli({"verify", model_, "-p", dir_ / "a.pub"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("unsigned"), std::string::npos) << r.err;
  r = Cli({"export-weights", model_, "-o", dir_ / "x.safetensors", "-p", dir_ / "a.pub"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_FALSE(FileExists(dir_ / "x.safetensors"));
  r = Cli({"export-weights", model_, "-o", dir_ / "x.safetensors", "--allow-unsigned"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("WARNING"), std::string::npos) << r.err;
}

TEST_F(CliTest, TrustStoreFolderFileAndEnvironment) {
  ASSERT_EQ(Cli({"sign", model_, "-s", dir_ / "a.key"}).exit_code, 0);
  Sh("mkdir " + (dir_ / "store") + " && cp " + (dir_ / "a.pub") + " " + (dir_ / "store/alice.pub"));
  auto r = Cli({"verify", model_, "--trust-store", dir_ / "store"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("alice"), std::string::npos) << r.out;
  // Environment variable when no option is given.
  r = Sh("SAFEMODEL_TRUST_STORE=" + (dir_ / "store") + " " + CliPath() + " verify " + model_);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // Revocation.
  WriteFile(dir_ / "store/revoked", KeyId(dir_ / "a.pub") + "\n");
  r = Cli({"verify", model_, "--trust-store", dir_ / "store"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("revoked"), std::string::npos) << r.err;
}

TEST_F(CliTest, RequireNDistinctSigners) {
  ASSERT_EQ(Cli({"sign", model_, "-s", dir_ / "a.key"}).exit_code, 0);
  auto r = Cli({"verify", model_, "-p", dir_ / "a.pub", "-p", dir_ / "b.pub", "--require", "2"});
  EXPECT_EQ(r.exit_code, 1);
  ASSERT_EQ(Cli({"sign", model_, "-s", dir_ / "b.key"}).exit_code, 0);
  r = Cli({"verify", model_, "-p", dir_ / "a.pub", "-p", dir_ / "b.pub", "--require", "2"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(CliTest, UsageErrorsExit2AndHelpExits0) {
  EXPECT_EQ(Cli({}).exit_code, 2);
  EXPECT_EQ(Cli({"frobnicate"}).exit_code, 2);
  EXPECT_EQ(Cli({"verify", model_}).exit_code, 2) << "no trust given";
  EXPECT_EQ(Cli({"verify", dir_ / "missing.smdl", "-p", dir_ / "a.pub"}).exit_code, 2);
  for (std::string sub : {"keygen", "sign", "verify", "inspect", "import-weights", "export-weights"}) {
    auto r = Cli({sub, "--help"});
    EXPECT_EQ(r.exit_code, 0) << sub;
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << sub;
  }
  // keygen refuses to overwrite keys.
  auto r = Cli({"keygen", "-p", dir_ / "a.pub", "-s", dir_ / "a.key", "--no-password"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--force"), std::string::npos);
}

TEST_F(CliTest, ImportRefusesBadSafetensorsAndWritesNothing) {
  std::string bad = MakeSafetensors(AllDtypes(), {});
  bad.resize(bad.size() - 1);
  WriteFile(dir_ / "bad.safetensors", bad);
  auto r = Cli({"import-weights", dir_ / "bad.safetensors", "-o", dir_ / "bad.smdl"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_FALSE(FileExists(dir_ / "bad.smdl"));
}

TEST_F(CliTest, NpzRoundTripThroughNumpy) {
  auto r = Sh("cd " + dir_.path() + " && /usr/bin/python3 -c \"import numpy as np; "
              "np.savez('w.npz', a=np.arange(12, dtype=np.float64).reshape(3,4), b=np.array(True), "
              "c=np.arange(5, dtype=np.int8))\"");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(Cli({"import-weights", dir_ / "w.npz", "-o", dir_ / "w.smdl"}).exit_code, 0);
  ASSERT_EQ(Cli({"sign", dir_ / "w.smdl", "-s", dir_ / "a.key"}).exit_code, 0);
  r = Cli({"export-weights", dir_ / "w.smdl", "-o", dir_ / "back.npz", "-p", dir_ / "a.pub"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Sh("cd " + dir_.path() + " && /usr/bin/python3 -c \"import numpy as np; x=np.load('w.npz'); "
         "y=np.load('back.npz'); assert sorted(x.files)==sorted(y.files); "
         "[np.testing.assert_array_equal(x[k], y[k]) or None for k in x.files]; "
         "assert all(x[k].dtype==y[k].dtype and x[k].shape==y[k].shape for k in x.files); print('same')\"");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "same\n");
}

// ---- minisign interop ---------------------------------------------------------

TEST_F(CliTest, MinisignKeysSignAndVerifyWithSafemodel) {
  auto r = Sh("cd " + dir_.path() + " && minisign -G -W -p mini.pub -s mini.key");
  ASSERT_EQ(r.exit_code, 0) << "minisign must be installed: " << r.err;
  r = Cli({"sign", model_, "-s", dir_ / "mini.key"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Cli({"verify", model_, "-p", dir_ / "mini.pub"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(CliTest, SafemodelKeysWorkInMinisign) {
  WriteFile(dir_ / "msg.txt", "hello minisign\n");
  auto r = Sh("cd " + dir_.path() + " && minisign -S -s a.key -m msg.txt -t 'from safemodel key' && "
              "minisign -V -p a.pub -m msg.txt");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Signature and comment signature verified"), std::string::npos) << r.out;
}

TEST_F(CliTest, EncryptedKeyFromPasswordOnStdin) {
  auto r = Cli({"keygen", "-p", dir_ / "e.pub", "-s", dir_ / "e.key"}, "correct horse\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(ReadFile(dir_ / "e.key").find("encrypted"), std::string::npos);
  r = Cli({"sign", model_, "-s", dir_ / "e.key"}, "wrong horse\n");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  r = Cli({"sign", model_, "-s", dir_ / "e.key"}, "correct horse\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Cli({"verify", model_, "-p", dir_ / "e.pub"}).exit_code, 0);
  // minisign reads the same key with the same password.
  WriteFile(dir_ / "msg.txt", "x");
  r = testing::Run({"minisign", "-S", "-s", dir_ / "e.key", "-m", dir_ / "msg.txt"}, "correct horse\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = testing::Run({"minisign", "-V", "-p", dir_ / "e.pub", "-m", dir_ / "msg.txt"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(CliTest, OneGiBTensorRoundTrips) {
  // A 1 GiB tensor through import, sign, verify and export.
  const uint64_t n = uint64_t{1} << 30;
  std::string data(n, '\0');
  uint64_t x = 88172645463325252ull;
  for (uint64_t i = 0; i + 8 <= n; i += 8) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    std::memcpy(&data[i], &x, 8);
  }
  std::map<std::string, StTensor> big{{"big", {"F32", {n / 4}, std::move(data)}}};
  WriteFile(dir_ / "big.safetensors", MakeSafetensors(big, {}));
  ASSERT_EQ(Cli({"import-weights", dir_ / "big.safetensors", "-o", dir_ / "big.smdl"}).exit_code, 0);
  Sh("rm " + (dir_ / "big.safetensors"));
  ASSERT_EQ(Cli({"sign", dir_ / "big.smdl", "-s", dir_ / "a.key"}).exit_code, 0);
  auto r = Cli({"export-weights", dir_ / "big.smdl", "-o", dir_ / "back.safetensors", "-p", dir_ / "a.pub"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ExpectSameTensors(dir_ / "back.safetensors", big);
}

}  // namespace
}  // namespace safemodel::testing
