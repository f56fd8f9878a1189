// Interoperability with the real `minisign` tool, both ways. minisign is a
// hard requirement: these tests fail (never skip) when it is missing, since
// CI installs it and a silent skip would hide a broken compatibility claim.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>

#include "crypto_test_util.h"
#include "safemodel/keys.h"
#include "safemodel/signature.h"
#include "test_util.h"

namespace safemodel {
namespace {

using testing::Bytes;
using testing::FastKdf;
using testing::LineOf;
using testing::ReadFile;
using testing::RunResult;
using testing::TempDir;
using testing::UnB64;
using testing::WriteFile;

SecretKey NewKey() {
  auto sk = SecretKey::Generate();
  EXPECT_TRUE(sk.ok()) << sk.status().ToString();
  return std::move(sk).value();
}

std::string Describe(const RunResult& r) {
  return "exit " + std::to_string(r.exit_code) + " signal " + std::to_string(r.signal) + "\nstdout: " + r.out +
         "\nstderr: " + r.err;
}

class MinisignInteropTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const RunResult v = testing::Run({"minisign", "-v"});
    ASSERT_EQ(v.exit_code, 0) << "the minisign tool is required for these tests (apt-get install minisign)\n"
                              << Describe(v);
  }

  // Runs minisign; `stdin_text` answers its password prompts (minisign
  // reads one line per prompt from stdin when stdin is not a terminal).
  RunResult Minisign(const std::vector<std::string>& args, const std::string& stdin_text = "") {
    std::vector<std::string> argv;
    argv.reserve(args.size() + 1);
    argv.emplace_back("minisign");
    for (const std::string& a : args) argv.push_back(a);
    return testing::Run(argv, stdin_text);
  }

  // A message with every byte value, so no text-mode handling can hide.
  std::string WriteMessage(const std::string& name) {
    std::string m = testing::RandomBytes(100000, 7);
    m += std::string("\0\r\n\x1a", 4);
    WriteFile(dir_ / name, m);
    return m;
  }

  void WriteOurKeys(const SecretKey& sk, std::optional<std::string_view> password, const KdfParams& kdf) {
    auto file = FormatSecretKeyFile(sk, password, kdf);
    ASSERT_TRUE(file.ok()) << file.status().ToString();
    WriteFile(dir_ / "our.key", *file);
    WriteFile(dir_ / "our.pub", FormatPublicKeyFile(sk.public_key()));
  }

  void ExpectMinisignVerifies(const std::string& msg, const std::string& sig, const std::string& comment) {
    const RunResult v = Minisign({"-V", "-m", dir_ / msg, "-x", dir_ / sig, "-p", dir_ / "our.pub"});
    EXPECT_EQ(v.exit_code, 0) << Describe(v);
    EXPECT_NE(v.out.find("Signature and comment signature verified"), std::string::npos) << v.out;
    EXPECT_NE(v.out.find("Trusted comment: " + comment + "\n"), std::string::npos) << v.out;
  }

  TempDir dir_;
};

// ---- (a) minisign's keys and signatures, read here ----------------------------

TEST_F(MinisignInteropTest, UnencryptedMinisignKeyLoadsAndSigns) {
  const RunResult g = Minisign({"-G", "-W", "-p", dir_ / "m.pub", "-s", dir_ / "m.key"});
  ASSERT_EQ(g.exit_code, 0) << Describe(g);
  const std::string pub_text = ReadFile(dir_ / "m.pub");
  const std::string key_text = ReadFile(dir_ / "m.key");

  auto pub = ReadPublicKeyFile(dir_ / "m.pub");
  ASSERT_TRUE(pub.ok()) << pub.status().ToString();
  // Same id rendering and same file, byte for byte.
  EXPECT_EQ(LineOf(pub_text, 0), "untrusted comment: minisign public key " + KeyIdHex(pub->id));
  EXPECT_EQ(FormatPublicKeyFile(*pub), pub_text);
  EXPECT_NE(g.out.find(PublicKeyBase64(*pub)), std::string::npos) << g.out;

  // `-W` writes kdf 0x0000 with an all-zero salt and zero costs.
  const std::vector<uint8_t> rec = UnB64(LineOf(key_text, 1));
  ASSERT_EQ(rec.size(), 158u);
  EXPECT_EQ(0, std::memcmp(rec.data(), "Ed\0\0B2", 6));
  EXPECT_TRUE(std::all_of(rec.begin() + 6, rec.begin() + 54, [](uint8_t b) { return b == 0; }));

  auto enc = SecretKeyFileIsEncrypted(key_text);
  ASSERT_TRUE(enc.ok()) << enc.status().ToString();
  EXPECT_FALSE(*enc);
  auto sk = ParseSecretKeyFile(key_text, std::nullopt);
  ASSERT_TRUE(sk.ok()) << sk.status().ToString();
  EXPECT_EQ(sk->public_key(), *pub);

  auto sig = SignMessage(*sk, Bytes("model bytes"), "signed with a minisign key");
  ASSERT_TRUE(sig.ok()) << sig.status().ToString();
  EXPECT_TRUE(VerifyRecord(*pub, *sig, Bytes("model bytes")).ok());
}

TEST_F(MinisignInteropTest, MinisignSignatureVerifiesHere) {
  ASSERT_EQ(Minisign({"-G", "-W", "-p", dir_ / "m.pub", "-s", dir_ / "m.key"}).exit_code, 0);
  const std::string message = WriteMessage("msg.bin");
  const std::string comment = "timestamp:1700000000\tfile:msg.bin\tmodel v1.2";
  const RunResult s = Minisign({"-S", "-s", dir_ / "m.key", "-m", dir_ / "msg.bin", "-x", dir_ / "msg.minisig",
                                "-t", comment, "-c", "made by minisign"});
  ASSERT_EQ(s.exit_code, 0) << Describe(s);

  auto pub = ReadPublicKeyFile(dir_ / "m.pub");
  ASSERT_TRUE(pub.ok());
  auto rec = ParseMinisig(ReadFile(dir_ / "msg.minisig"));
  ASSERT_TRUE(rec.ok()) << rec.status().ToString();
  EXPECT_EQ(rec->key_id, pub->id);
  EXPECT_EQ(rec->trusted_comment, comment);
  Status v = VerifyRecord(*pub, *rec, Bytes(message));
  EXPECT_TRUE(v.ok()) << v.ToString();

  std::string changed = message;
  changed[5000] ^= 1;
  EXPECT_EQ(VerifyRecord(*pub, *rec, Bytes(changed)).code(), Code::kSignatureInvalid);
}

TEST_F(MinisignInteropTest, MinisignDefaultTrustedCommentVerifiesHere) {
  ASSERT_EQ(Minisign({"-G", "-W", "-p", dir_ / "m.pub", "-s", dir_ / "m.key"}).exit_code, 0);
  const std::string message = WriteMessage("msg.bin");
  ASSERT_EQ(Minisign({"-S", "-s", dir_ / "m.key", "-m", dir_ / "msg.bin"}).exit_code, 0);
  auto pub = ReadPublicKeyFile(dir_ / "m.pub");
  auto rec = ParseMinisig(ReadFile(dir_ / "msg.bin.minisig"));
  ASSERT_TRUE(pub.ok() && rec.ok()) << rec.status().ToString();
  EXPECT_TRUE(rec->trusted_comment.starts_with("timestamp:")) << rec->trusted_comment;
  EXPECT_TRUE(VerifyRecord(*pub, *rec, Bytes(message)).ok());
}

TEST_F(MinisignInteropTest, MinisignLegacySignatureIsUnsupported) {
  ASSERT_EQ(Minisign({"-G", "-W", "-p", dir_ / "m.pub", "-s", dir_ / "m.key"}).exit_code, 0);
  WriteMessage("msg.bin");
  ASSERT_EQ(Minisign({"-S", "-l", "-s", dir_ / "m.key", "-m", dir_ / "msg.bin"}).exit_code, 0);
  const Status s = ParseMinisig(ReadFile(dir_ / "msg.bin.minisig")).status();
  EXPECT_EQ(s.code(), Code::kUnsupported) << s.ToString();
  EXPECT_NE(s.message().find("legacy 'Ed'"), std::string::npos) << s.ToString();
}

TEST_F(MinisignInteropTest, KeyWithPasswordRemovedByMinisignLoads) {
  // `minisign -C -W` drops the encryption but keeps salt, costs and the
  // (now plaintext) checksum.
  SecretKey sk = NewKey();
  WriteOurKeys(sk, "pw", FastKdf());
  const RunResult c = Minisign({"-C", "-W", "-s", dir_ / "our.key"}, "pw\n");
  ASSERT_EQ(c.exit_code, 0) << Describe(c);
  const std::string text = ReadFile(dir_ / "our.key");
  const std::vector<uint8_t> rec = UnB64(LineOf(text, 1));
  ASSERT_EQ(rec.size(), 158u);
  EXPECT_EQ(0, std::memcmp(rec.data(), "Ed\0\0B2", 6));
  const auto nonzero = [&](size_t from, size_t to) {
    return std::any_of(rec.begin() + from, rec.begin() + to, [](uint8_t b) { return b != 0; });
  };
  EXPECT_TRUE(nonzero(6, 38));     // salt kept
  EXPECT_TRUE(nonzero(38, 54));    // costs kept
  EXPECT_TRUE(nonzero(126, 158));  // checksum kept (and, as it parses, valid)
  auto back = ParseSecretKeyFile(text, std::nullopt);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->public_key(), sk.public_key());
}

// ---- (b) our keys and signatures, used by minisign --------------------------

TEST_F(MinisignInteropTest, OurUnencryptedKeySignsInMinisignWithoutAPassword) {
  SecretKey sk = NewKey();
  WriteOurKeys(sk, std::nullopt, {});
  const std::string message = WriteMessage("msg.bin");
  // Empty stdin: had minisign asked for a password it would fail.
  const RunResult s =
      Minisign({"-S", "-s", dir_ / "our.key", "-m", dir_ / "msg.bin", "-x", dir_ / "msg.sig", "-t", "by us"});
  ASSERT_EQ(s.exit_code, 0) << Describe(s);
  EXPECT_EQ(s.err.find("Password"), std::string::npos) << s.err;
  ExpectMinisignVerifies("msg.bin", "msg.sig", "by us");

  // Inline key, as `minisign -P` takes it.
  const RunResult p = Minisign({"-V", "-m", dir_ / "msg.bin", "-x", dir_ / "msg.sig", "-P",
                                PublicKeyBase64(sk.public_key())});
  EXPECT_EQ(p.exit_code, 0) << Describe(p);

  auto rec = ParseMinisig(ReadFile(dir_ / "msg.sig"));
  ASSERT_TRUE(rec.ok()) << rec.status().ToString();
  EXPECT_TRUE(VerifyRecord(sk.public_key(), *rec, Bytes(message)).ok());
}

TEST_F(MinisignInteropTest, MinisignRecreatesOurPublicKeyFile) {
  SecretKey sk = NewKey();
  WriteOurKeys(sk, std::nullopt, {});
  const RunResult r = Minisign({"-R", "-s", dir_ / "our.key", "-p", dir_ / "re.pub"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_EQ(ReadFile(dir_ / "re.pub"), FormatPublicKeyFile(sk.public_key()));
}

TEST_F(MinisignInteropTest, OurEncryptedKeySignsInMinisignWithPasswordOnStdin) {
  SecretKey sk = NewKey();
  WriteOurKeys(sk, "two words", FastKdf());
  WriteMessage("msg.bin");
  const RunResult s = Minisign(
      {"-S", "-s", dir_ / "our.key", "-m", dir_ / "msg.bin", "-x", dir_ / "msg.sig", "-t", "encrypted key"},
      "two words\n");
  ASSERT_EQ(s.exit_code, 0) << Describe(s);
  ExpectMinisignVerifies("msg.bin", "msg.sig", "encrypted key");

  const RunResult wrong = Minisign(
      {"-S", "-s", dir_ / "our.key", "-m", dir_ / "msg.bin", "-x", dir_ / "wrong.sig"}, "two word\n");
  EXPECT_NE(wrong.exit_code, 0) << Describe(wrong);
  EXPECT_NE(wrong.err.find("Wrong password"), std::string::npos) << wrong.err;
}

TEST_F(MinisignInteropTest, OurSignatureVerifiesInMinisign) {
  SecretKey sk = NewKey();
  WriteOurKeys(sk, std::nullopt, {});
  const std::string message = WriteMessage("msg.bin");
  std::string comment = "release:2.0\tsha:abc \xc3\xa9";
  comment += std::string(kMaxTrustedCommentBytes - comment.size(), 'x');  // the longest we allow
  auto rec = SignMessage(sk, Bytes(message), comment);
  ASSERT_TRUE(rec.ok()) << rec.status().ToString();
  WriteFile(dir_ / "msg.sig", ToMinisig(*rec, "signature from safemodel"));
  ExpectMinisignVerifies("msg.bin", "msg.sig", comment);

  // The longest untrusted comment line still fits minisign's line buffer.
  WriteFile(dir_ / "long.sig", ToMinisig(*rec, std::string(5000, 'u')));
  ExpectMinisignVerifies("msg.bin", "long.sig", comment);
}

TEST_F(MinisignInteropTest, MinisignRefusesWhatWeWouldRefuse) {
  SecretKey sk = NewKey();
  WriteOurKeys(sk, std::nullopt, {});
  const std::string message = WriteMessage("msg.bin");
  auto rec = SignMessage(sk, Bytes(message), "c");
  ASSERT_TRUE(rec.ok());

  std::string changed = message;
  changed[0] ^= 1;
  WriteFile(dir_ / "changed.bin", changed);
  WriteFile(dir_ / "msg.sig", ToMinisig(*rec, "u"));
  EXPECT_EQ(Minisign({"-V", "-m", dir_ / "changed.bin", "-x", dir_ / "msg.sig", "-p", dir_ / "our.pub"}).exit_code,
            1);

  SignatureRecord bad_comment = *rec;
  bad_comment.trusted_comment = "d";
  WriteFile(dir_ / "comment.sig", ToMinisig(bad_comment, "u"));
  const RunResult c = Minisign({"-V", "-m", dir_ / "msg.bin", "-x", dir_ / "comment.sig", "-p", dir_ / "our.pub"});
  EXPECT_EQ(c.exit_code, 1) << Describe(c);
  EXPECT_NE(c.err.find("Comment signature verification failed"), std::string::npos) << c.err;

  // Wrong key: minisign names both ids exactly as KeyIdHex renders them.
  const PublicKey other = NewKey().public_key();
  WriteFile(dir_ / "other.pub", FormatPublicKeyFile(other));
  const RunResult w = Minisign({"-V", "-m", dir_ / "msg.bin", "-x", dir_ / "msg.sig", "-p", dir_ / "other.pub"});
  EXPECT_EQ(w.exit_code, 1) << Describe(w);
  EXPECT_NE(w.err.find(KeyIdHex(sk.id())), std::string::npos) << w.err;
  EXPECT_NE(w.err.find(KeyIdHex(other.id)), std::string::npos) << w.err;
}

// The one interop test with minisign's default scrypt costs (~1 GiB each
// way): minisign's encryption read here, ours read by minisign.
TEST_F(MinisignInteropTest, EncryptedKeysWithDefaultCostsBothWays) {
  const RunResult g = Minisign({"-G", "-p", dir_ / "m.pub", "-s", dir_ / "m.key"}, "their pw\ntheir pw\n");
  ASSERT_EQ(g.exit_code, 0) << Describe(g);
  const std::string key_text = ReadFile(dir_ / "m.key");
  auto enc = SecretKeyFileIsEncrypted(key_text);
  ASSERT_TRUE(enc.ok());
  EXPECT_TRUE(*enc);
  auto theirs = ParseSecretKeyFile(key_text, "their pw");
  ASSERT_TRUE(theirs.ok()) << theirs.status().ToString();
  auto pub = ReadPublicKeyFile(dir_ / "m.pub");
  ASSERT_TRUE(pub.ok());
  EXPECT_EQ(theirs->public_key(), *pub);

  SecretKey sk = NewKey();
  WriteOurKeys(sk, "our pw", KdfParams{});
  // Same costs as minisign wrote for its own key.
  const std::vector<uint8_t> ours = UnB64(LineOf(ReadFile(dir_ / "our.key"), 1));
  const std::vector<uint8_t> mine = UnB64(LineOf(key_text, 1));
  ASSERT_EQ(ours.size(), 158u);
  ASSERT_EQ(mine.size(), 158u);
  EXPECT_EQ(0, std::memcmp(ours.data(), "EdScB2", 6));
  EXPECT_TRUE(std::equal(ours.begin() + 38, ours.begin() + 54, mine.begin() + 38));
  WriteMessage("msg.bin");
  const RunResult s =
      Minisign({"-S", "-s", dir_ / "our.key", "-m", dir_ / "msg.bin", "-x", dir_ / "msg.sig", "-t", "defaults"},
               "our pw\n");
  ASSERT_EQ(s.exit_code, 0) << Describe(s);
  ExpectMinisignVerifies("msg.bin", "msg.sig", "defaults");
}

}  // namespace
}  // namespace safemodel
