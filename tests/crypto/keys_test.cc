#include "safemodel/keys.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <cstring>

#include "crypto_test_util.h"
#include "test_util.h"

namespace safemodel {
namespace {

using testing::B64;
using testing::FastKdf;
using testing::LineOf;
using testing::TempDir;
using testing::UnB64;
using testing::WithLine;

// Offsets in the decoded secret key record (keys.h).
constexpr size_t kKdfAlg = 2;
constexpr size_t kChkAlg = 4;
constexpr size_t kSalt = 6;
constexpr size_t kOps = 38;
constexpr size_t kMem = 46;
constexpr size_t kKeyId = 54;
constexpr size_t kSecret = 62;
constexpr size_t kChecksum = 126;

SecretKey NewKey() {
  auto sk = SecretKey::Generate();
  EXPECT_TRUE(sk.ok()) << sk.status().ToString();
  return std::move(sk).value();
}

std::vector<uint8_t> SecretRecord(const std::string& file) { return UnB64(LineOf(file, 1)); }

std::string WithSecretRecord(const std::string& file, const std::vector<uint8_t>& rec) {
  return WithLine(file, 1, B64(rec));
}

void PutU64(std::vector<uint8_t>& rec, size_t off, uint64_t v) {
  for (int i = 0; i < 8; ++i) rec[off + i] = static_cast<uint8_t>(v >> (8 * i));
}

std::string PlainKeyFile(const SecretKey& sk) {
  auto f = FormatSecretKeyFile(sk, std::nullopt);
  EXPECT_TRUE(f.ok()) << f.status().ToString();
  return f.ok() ? *f : "";
}

#define EXPECT_ERROR(expr, code_, substr)                                   \
  do {                                                                      \
    const ::safemodel::Status _st = (expr);                                 \
    EXPECT_EQ(_st.code(), (code_)) << _st.ToString();                       \
    EXPECT_NE(_st.message().find(substr), std::string::npos) << _st.ToString(); \
  } while (0)

// ---- Key ids -----------------------------------------------------------------

TEST(KeyIdTest, RendersAsLittleEndianU64LikeMinisign) {
  // Bytes and rendering taken from a `minisign -G` public key.
  const KeyId id = {0x64, 0x9e, 0x2e, 0xea, 0x5d, 0xa1, 0x99, 0xb3};
  EXPECT_EQ(KeyIdHex(id), "B399A15DEA2E9E64");
  EXPECT_EQ(KeyIdHex(KeyId{1, 0, 0, 0, 0, 0, 0, 0}), "1");  // as minisign prints it
}

TEST(KeyIdTest, ParseIsTheInverseAndCaseInsensitive) {
  const KeyId id = {0x64, 0x9e, 0x2e, 0xea, 0x5d, 0xa1, 0x99, 0xb3};
  auto upper = ParseKeyIdHex("B399A15DEA2E9E64");
  ASSERT_TRUE(upper.ok());
  EXPECT_EQ(*upper, id);
  auto lower = ParseKeyIdHex("b399a15dea2e9e64");
  ASSERT_TRUE(lower.ok());
  EXPECT_EQ(*lower, id);
}

TEST(KeyIdTest, ParseRejectsWrongLengthAndNonHex) {
  // minisign drops leading zeros: 15 digits are the id with a leading 0.
  ASSERT_TRUE(ParseKeyIdHex("B399A15DEA2E9E6").ok());
  EXPECT_EQ(KeyIdHex(*ParseKeyIdHex("B399A15DEA2E9E6")), "B399A15DEA2E9E6");
  EXPECT_EQ(*ParseKeyIdHex("0B399A15DEA2E9E6"), *ParseKeyIdHex("B399A15DEA2E9E6"));
  EXPECT_ERROR(ParseKeyIdHex("B399A15DEA2E9E645").status(), Code::kInvalidArgument, "16 hex digits");
  EXPECT_ERROR(ParseKeyIdHex("B399A15DEA2E9E6G").status(), Code::kInvalidArgument, "B399A15DEA2E9E6G");
  EXPECT_ERROR(ParseKeyIdHex("").status(), Code::kInvalidArgument, "16 hex digits");
  // Control characters are escaped in the message.
  EXPECT_ERROR(ParseKeyIdHex(std::string("\x1b[31mAAAAAAAAAAA", 16)).status(), Code::kInvalidArgument, "\\x1b");
}

// ---- Generation and public keys ----------------------------------------------

TEST(SecretKeyTest, GenerateMakesDistinctConsistentKeys) {
  SecretKey a = NewKey();
  SecretKey b = NewKey();
  EXPECT_NE(a.id(), b.id());
  EXPECT_NE(a.public_key().key, b.public_key().key);
  // The libsodium secret is seed | public key.
  EXPECT_EQ(0, std::memcmp(a.secret_bytes() + 32, a.public_key().key.data(), 32));
  EXPECT_EQ(a.public_key().id, a.id());
}

TEST(SecretKeyTest, MoveKeepsTheKey) {
  SecretKey a = NewKey();
  const PublicKey pk = a.public_key();
  SecretKey b = std::move(a);
  EXPECT_EQ(b.public_key(), pk);
  SecretKey c = NewKey();
  c = std::move(b);
  EXPECT_EQ(c.public_key(), pk);
}

TEST(PublicKeyTest, FileRoundTripsInMinisignLayout) {
  const PublicKey pk = NewKey().public_key();
  const std::string file = FormatPublicKeyFile(pk);
  EXPECT_EQ(LineOf(file, 0), "untrusted comment: minisign public key " + KeyIdHex(pk.id));
  EXPECT_EQ(LineOf(file, 1), PublicKeyBase64(pk));
  EXPECT_EQ(file.back(), '\n');
  EXPECT_EQ(PublicKeyBase64(pk).substr(0, 2), "RW");  // "Ed" in base64
  auto parsed = ParsePublicKey(file);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, pk);
}

TEST(PublicKeyTest, AcceptsBareBase64LineCrlfAndTrailingBlankLines) {
  const PublicKey pk = NewKey().public_key();
  for (const std::string& text :
       {PublicKeyBase64(pk), PublicKeyBase64(pk) + "\n", PublicKeyBase64(pk) + "\r\n",
        "untrusted comment: hi\r\n" + PublicKeyBase64(pk) + "\r\n", FormatPublicKeyFile(pk) + "\n  \n"}) {
    auto parsed = ParsePublicKey(text);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    EXPECT_EQ(*parsed, pk);
  }
}

TEST(PublicKeyTest, RejectsMalformedText) {
  const PublicKey pk = NewKey().public_key();
  const std::string file = FormatPublicKeyFile(pk);
  EXPECT_ERROR(ParsePublicKey("").status(), Code::kCorruption, "empty");
  EXPECT_ERROR(ParsePublicKey("untrusted comment: x\n").status(), Code::kCorruption, "line 2: missing line");
  EXPECT_ERROR(ParsePublicKey(file + "junk\n").status(), Code::kCorruption, "line 3: unexpected text");
  EXPECT_ERROR(ParsePublicKey(PublicKeyBase64(pk) + "\nRWQ\n").status(), Code::kCorruption, "line 2");
  // Wrong length, bad characters, non-canonical padding bits.
  EXPECT_ERROR(ParsePublicKey(WithLine(file, 1, "RWQAAA==")).status(), Code::kCorruption,
               "expected 56 base64 characters (42 bytes), got 8");
  std::string bad = PublicKeyBase64(pk);
  bad[10] = '*';
  EXPECT_ERROR(ParsePublicKey(WithLine(file, 1, bad)).status(), Code::kCorruption, "line 2: invalid base64");
  std::string spaced = " " + PublicKeyBase64(pk).substr(1);
  EXPECT_ERROR(ParsePublicKey(WithLine(file, 1, spaced)).status(), Code::kCorruption, "invalid base64");
}

TEST(PublicKeyTest, RejectsOtherAlgorithmsAndInvalidPoints) {
  const PublicKey pk = NewKey().public_key();
  std::vector<uint8_t> rec = UnB64(PublicKeyBase64(pk));
  rec[1] = 'D';  // "ED" is a signature algorithm, never a key's
  EXPECT_ERROR(ParsePublicKey(B64(rec)).status(), Code::kUnsupported, "'ED' is not supported");
  rec = UnB64(PublicKeyBase64(pk));
  std::fill(rec.begin() + 10, rec.end(), 0);  // the identity: small order
  EXPECT_ERROR(ParsePublicKey(B64(rec)).status(), Code::kCorruption, "not a valid Ed25519 public key");
}

TEST(PublicKeyTest, CommentNamingAnotherKeyIdIsCorruption) {
  const PublicKey pk = NewKey().public_key();
  const std::string file =
      WithLine(FormatPublicKeyFile(pk), 0, "untrusted comment: minisign public key 0123456789ABCDEF");
  EXPECT_ERROR(ParsePublicKey(file).status(), Code::kCorruption,
               "line 1: comment names key 123456789ABCDEF but the key on the next line is " + KeyIdHex(pk.id));
}

TEST(PublicKeyTest, ReadFileNamesPathAndLine) {
  TempDir dir;
  const PublicKey pk = NewKey().public_key();
  testing::WriteFile(dir / "k.pub", FormatPublicKeyFile(pk));
  auto ok = ReadPublicKeyFile(dir / "k.pub");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(*ok, pk);

  testing::WriteFile(dir / "bad.pub", "untrusted comment: x\nnope\n");
  EXPECT_ERROR(ReadPublicKeyFile(dir / "bad.pub").status(), Code::kCorruption, dir / "bad.pub:2:");
  EXPECT_EQ(ReadPublicKeyFile(dir / "missing.pub").status().code(), Code::kIoError);
  testing::WriteFile(dir / "huge.pub", std::string(65 * 1024, 'A'));
  EXPECT_EQ(ReadPublicKeyFile(dir / "huge.pub").status().code(), Code::kLimitExceeded);
}

// ---- Secret key files ---------------------------------------------------------

TEST(SecretKeyFileTest, UnencryptedRoundTripUsesMinisignNoKdfLayout) {
  SecretKey sk = NewKey();
  const std::string file = PlainKeyFile(sk);
  EXPECT_TRUE(file.starts_with("untrusted comment: "));
  const std::vector<uint8_t> rec = SecretRecord(file);
  ASSERT_EQ(rec.size(), 158u);
  EXPECT_EQ(0, std::memcmp(rec.data(), "Ed\0\0B2", 6));
  // As `minisign -G -W`: no salt, no costs.
  EXPECT_TRUE(std::all_of(rec.begin() + kSalt, rec.begin() + kKeyId, [](uint8_t b) { return b == 0; }));
  EXPECT_EQ(0, std::memcmp(rec.data() + kKeyId, sk.id().data(), 8));
  EXPECT_EQ(0, std::memcmp(rec.data() + kSecret, sk.secret_bytes(), 64));

  auto enc = SecretKeyFileIsEncrypted(file);
  ASSERT_TRUE(enc.ok());
  EXPECT_FALSE(*enc);
  auto back = ParseSecretKeyFile(file, std::nullopt);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->id(), sk.id());
  EXPECT_EQ(0, std::memcmp(back->secret_bytes(), sk.secret_bytes(), 64));
}

TEST(SecretKeyFileTest, EncryptedRoundTrip) {
  SecretKey sk = NewKey();
  auto file = FormatSecretKeyFile(sk, "correct horse", FastKdf());
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  const std::vector<uint8_t> rec = SecretRecord(*file);
  EXPECT_EQ(0, std::memcmp(rec.data(), "EdScB2", 6));
  // The key id is encrypted too (it is part of keynum_sk).
  EXPECT_NE(0, std::memcmp(rec.data() + kSecret, sk.secret_bytes(), 64));

  auto enc = SecretKeyFileIsEncrypted(*file);
  ASSERT_TRUE(enc.ok());
  EXPECT_TRUE(*enc);
  auto back = ParseSecretKeyFile(*file, "correct horse");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->public_key(), sk.public_key());
  EXPECT_EQ(0, std::memcmp(back->secret_bytes(), sk.secret_bytes(), 64));
}

TEST(SecretKeyFileTest, EmptyPasswordWorks) {
  SecretKey sk = NewKey();
  auto file = FormatSecretKeyFile(sk, "", FastKdf());
  ASSERT_TRUE(file.ok());
  auto back = ParseSecretKeyFile(*file, "");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->public_key(), sk.public_key());
}

TEST(SecretKeyFileTest, EachEncryptionUsesAFreshSalt) {
  SecretKey sk = NewKey();
  auto a = FormatSecretKeyFile(sk, "pw", FastKdf());
  auto b = FormatSecretKeyFile(sk, "pw", FastKdf());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
  const std::vector<uint8_t> ra = SecretRecord(*a);
  const std::vector<uint8_t> rb = SecretRecord(*b);
  EXPECT_NE(std::vector<uint8_t>(ra.begin() + kSalt, ra.begin() + kOps),
            std::vector<uint8_t>(rb.begin() + kSalt, rb.begin() + kOps));
}

TEST(SecretKeyFileTest, WrongPasswordIsSignatureInvalid) {
  auto file = FormatSecretKeyFile(NewKey(), "right", FastKdf());
  ASSERT_TRUE(file.ok());
  EXPECT_ERROR(ParseSecretKeyFile(*file, "wrong").status(), Code::kSignatureInvalid,
               "wrong password or corrupted key: checksum mismatch");
}

TEST(SecretKeyFileTest, PasswordRequiredIffEncrypted) {
  SecretKey sk = NewKey();
  auto enc = FormatSecretKeyFile(sk, "pw", FastKdf());
  ASSERT_TRUE(enc.ok());
  EXPECT_ERROR(ParseSecretKeyFile(*enc, std::nullopt).status(), Code::kInvalidArgument, "password is needed");
  EXPECT_ERROR(ParseSecretKeyFile(PlainKeyFile(sk), "pw").status(), Code::kInvalidArgument, "not encrypted");
}

TEST(SecretKeyFileTest, FlippedCiphertextIsRefused) {
  auto file = FormatSecretKeyFile(NewKey(), "pw", FastKdf());
  ASSERT_TRUE(file.ok());
  for (size_t off : {kKeyId, kSecret, kSecret + 40, kChecksum + 31}) {
    std::vector<uint8_t> rec = SecretRecord(*file);
    rec[off] ^= 0x01;
    EXPECT_EQ(ParseSecretKeyFile(WithSecretRecord(*file, rec), "pw").status().code(), Code::kSignatureInvalid)
        << "offset " << off;
  }
  // A different salt derives a different stream: same as a wrong password.
  std::vector<uint8_t> rec = SecretRecord(*file);
  rec[kSalt] ^= 0x80;
  EXPECT_EQ(ParseSecretKeyFile(WithSecretRecord(*file, rec), "pw").status().code(), Code::kSignatureInvalid);
}

TEST(SecretKeyFileTest, UnencryptedZeroChecksumIsAcceptedAsMinisignWritesIt) {
  SecretKey sk = NewKey();
  std::vector<uint8_t> rec = SecretRecord(PlainKeyFile(sk));
  std::fill(rec.begin() + kChecksum, rec.end(), 0);
  auto back = ParseSecretKeyFile(WithSecretRecord(PlainKeyFile(sk), rec), std::nullopt);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->public_key(), sk.public_key());
}

TEST(SecretKeyFileTest, UnencryptedWrongChecksumIsCorruption) {
  SecretKey sk = NewKey();
  std::vector<uint8_t> rec = SecretRecord(PlainKeyFile(sk));
  rec[kChecksum + 5] ^= 0x10;
  EXPECT_ERROR(ParseSecretKeyFile(WithSecretRecord(PlainKeyFile(sk), rec), std::nullopt).status(),
               Code::kCorruption, "secret key@0x7e: checksum mismatch");
}

TEST(SecretKeyFileTest, PublicHalfNotMatchingSeedIsCorruption) {
  SecretKey sk = NewKey();
  std::vector<uint8_t> rec = SecretRecord(PlainKeyFile(sk));
  rec[kSecret + 40] ^= 0x01;                                // in the public half
  std::fill(rec.begin() + kChecksum, rec.end(), 0);         // minisign -W: no checksum to catch it
  EXPECT_ERROR(ParseSecretKeyFile(WithSecretRecord(PlainKeyFile(sk), rec), std::nullopt).status(),
               Code::kCorruption, "secret key@0x5e: public half does not match the secret seed");
}

TEST(SecretKeyFileTest, UnknownAlgorithmsAreUnsupported) {
  const std::string file = PlainKeyFile(NewKey());
  struct Case {
    size_t off;
    const char* tag;
    const char* want;
  };
  for (const Case& c : {Case{0, "ED", "secret key@0x0: signature algorithm 'ED' is not supported"},
                        Case{kKdfAlg, "Ar", "secret key@0x2: key derivation 'Ar' is not supported"},
                        Case{kKdfAlg, "\x01\x02", "key derivation 0x0102 is not supported"},
                        Case{kChkAlg, "B3", "secret key@0x4: checksum algorithm 'B3' is not supported"}}) {
    std::vector<uint8_t> rec = SecretRecord(file);
    rec[c.off] = static_cast<uint8_t>(c.tag[0]);
    rec[c.off + 1] = static_cast<uint8_t>(c.tag[1]);
    const std::string bad = WithSecretRecord(file, rec);
    EXPECT_ERROR(ParseSecretKeyFile(bad, std::nullopt).status(), Code::kUnsupported, c.want);
    EXPECT_ERROR(SecretKeyFileIsEncrypted(bad).status(), Code::kUnsupported, c.want);
  }
}

TEST(SecretKeyFileTest, HostileScryptCostsAreRefusedBeforeDerivation) {
  auto file = FormatSecretKeyFile(NewKey(), "pw", FastKdf());
  ASSERT_TRUE(file.ok());
  std::vector<uint8_t> rec = SecretRecord(*file);
  PutU64(rec, kMem, uint64_t{1} << 40);  // 1 TiB
  EXPECT_ERROR(ParseSecretKeyFile(WithSecretRecord(*file, rec), "pw").status(), Code::kLimitExceeded,
               "secret key@0x2e: scrypt memlimit 1099511627776 is over the limit of 2147483648");
  rec = SecretRecord(*file);
  PutU64(rec, kOps, (uint64_t{1} << 32) + 1);
  EXPECT_ERROR(ParseSecretKeyFile(WithSecretRecord(*file, rec), "pw").status(), Code::kLimitExceeded,
               "secret key@0x26: scrypt opslimit 4294967297 is over the limit of 4294967296");
}

TEST(SecretKeyFileTest, UnencryptedKeysIgnoreLeftoverCosts) {
  // `minisign -C -W` (remove the password) keeps the old salt and costs.
  SecretKey sk = NewKey();
  std::vector<uint8_t> rec = SecretRecord(PlainKeyFile(sk));
  PutU64(rec, kOps, UINT64_MAX);
  PutU64(rec, kMem, UINT64_MAX);
  rec[kSalt] = 0x55;
  auto back = ParseSecretKeyFile(WithSecretRecord(PlainKeyFile(sk), rec), std::nullopt);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
}

TEST(SecretKeyFileTest, MalformedTextIsCorruption) {
  const std::string file = PlainKeyFile(NewKey());
  EXPECT_ERROR(ParseSecretKeyFile("", std::nullopt).status(), Code::kCorruption,
               "secret key line 1: missing line");
  EXPECT_ERROR(ParseSecretKeyFile(LineOf(file, 0) + "\n", std::nullopt).status(), Code::kCorruption,
               "secret key line 2: missing line");
  EXPECT_ERROR(ParseSecretKeyFile(WithLine(file, 0, "comment: x"), std::nullopt).status(), Code::kCorruption,
               "secret key line 1: must start with 'untrusted comment: '");
  EXPECT_ERROR(ParseSecretKeyFile(WithLine(file, 1, LineOf(file, 1).substr(4)), std::nullopt).status(),
               Code::kCorruption, "secret key line 2: expected 212 base64 characters (158 bytes), got 208");
  EXPECT_ERROR(ParseSecretKeyFile(file + "more\n", std::nullopt).status(), Code::kCorruption,
               "secret key line 3: unexpected text");
  // A public key file is not a secret key.
  EXPECT_EQ(ParseSecretKeyFile(FormatPublicKeyFile(NewKey().public_key()), std::nullopt).status().code(),
            Code::kCorruption);
}

TEST(SecretKeyFileTest, FormatRefusesCostsItWouldNotRead) {
  SecretKey sk = NewKey();
  EXPECT_ERROR(FormatSecretKeyFile(sk, "pw", KdfParams{0, 16777216}).status(), Code::kInvalidArgument,
               "opslimit 0 is outside");
  EXPECT_ERROR(FormatSecretKeyFile(sk, "pw", KdfParams{32768, uint64_t{4} << 30}).status(),
               Code::kInvalidArgument, "memlimit 4294967296 is outside");
  EXPECT_ERROR(FormatSecretKeyFile(sk, "pw", KdfParams{uint64_t{1} << 33, 16777216}).status(),
               Code::kInvalidArgument, "opslimit");
  // Without a password the costs are not used, so not checked.
  EXPECT_TRUE(FormatSecretKeyFile(sk, std::nullopt, KdfParams{0, 0}).ok());
}

// Every single-bit change of a secret key file either fails cleanly or (for
// bits the format ignores: comment, salt and costs of a plain key) loads the
// same key. Public key files have no checksum, so a flip may yield another
// valid key; they must only never crash. The text is the secret for a plain
// key, so a byte >= 0x80 must never decode (libsodium 1.0.18 would).
TEST(SecretKeyFileTest, BitFlipSweepNeverCrashes) {
  SecretKey sk = NewKey();
  const std::string secret = PlainKeyFile(sk);
  const std::string pub = FormatPublicKeyFile(sk.public_key());
  for (size_t i = 0; i < secret.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string mutated = secret;
      mutated[i] = static_cast<char>(mutated[i] ^ (1 << bit));
      auto s = ParseSecretKeyFile(mutated, std::nullopt);
      if (s.ok()) {
        EXPECT_EQ(s->public_key(), sk.public_key()) << "byte " << i << " bit " << bit;
        EXPECT_TRUE(i < secret.find('\n') || bit != 7) << "byte " << i << " bit " << bit;
      }
      (void)SecretKeyFileIsEncrypted(mutated);
    }
  }
  for (size_t i = 0; i < pub.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string mutated = pub;
      mutated[i] = static_cast<char>(mutated[i] ^ (1 << bit));
      auto p = ParsePublicKey(mutated);
      if (p.ok() && i > pub.find('\n')) {
        EXPECT_NE(bit, 7) << "byte " << i;
      }
    }
  }
}

TEST(PublicKeyTest, NonAsciiBytesInBase64AreRefused) {
  // libsodium 1.0.18 decodes 'B' ^ 0x80 as some base64 digit; we must not.
  const PublicKey pk = NewKey().public_key();
  for (size_t i : {size_t{0}, size_t{10}, size_t{55}}) {
    std::string b64 = PublicKeyBase64(pk);
    b64[i] = static_cast<char>(b64[i] ^ 0x80);
    EXPECT_ERROR(ParsePublicKey(b64).status(), Code::kCorruption, "invalid base64");
  }
}

TEST(SecretKeyFileTest, TruncationsAreRefused) {
  SecretKey sk = NewKey();
  const std::string secret = PlainKeyFile(sk);
  const std::string pub = FormatPublicKeyFile(sk.public_key());
  // Dropping only the final newline is fine; any shorter prefix is not.
  for (size_t n = 0; n + 1 < secret.size(); ++n) {
    EXPECT_FALSE(ParseSecretKeyFile(secret.substr(0, n), std::nullopt).ok()) << n;
  }
  for (size_t n = 0; n + 1 < pub.size(); ++n) EXPECT_FALSE(ParsePublicKey(pub.substr(0, n)).ok()) << n;
}

TEST(SecretKeyFileTest, DefaultKdfParamsAreMinisigns) {
  // The encryption with these costs is exercised once, against minisign
  // itself, in MinisignInteropTest.EncryptedKeysWithDefaultCostsBothWays.
  EXPECT_EQ(KdfParams{}.opslimit, crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_SENSITIVE);
  EXPECT_EQ(KdfParams{}.memlimit, crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_SENSITIVE);
}

}  // namespace
}  // namespace safemodel
