#include "safemodel/signature.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <algorithm>
#include <cstring>

#include "crypto_test_util.h"

namespace safemodel {
namespace {

using testing::B64;
using testing::Bytes;
using testing::LineOf;
using testing::UnB64;
using testing::WithLine;

#define EXPECT_ERROR(expr, code_, substr)                                       \
  do {                                                                          \
    const ::safemodel::Status _st = (expr);                                     \
    EXPECT_EQ(_st.code(), (code_)) << _st.ToString();                           \
    EXPECT_NE(_st.message().find(substr), std::string::npos) << _st.ToString(); \
  } while (0)

SecretKey NewKey() {
  auto sk = SecretKey::Generate();
  EXPECT_TRUE(sk.ok()) << sk.status().ToString();
  return std::move(sk).value();
}

std::string Hex(std::span<const uint8_t> b) {
  std::string out(b.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), b.data(), b.size());
  out.pop_back();
  return out;
}

class SignatureTest : public ::testing::Test {
 protected:
  SignatureRecord Sign(std::string_view message, std::string_view comment = "timestamp:1\tfile:m") {
    auto rec = SignMessage(sk_, Bytes(message), comment);
    EXPECT_TRUE(rec.ok()) << rec.status().ToString();
    return rec.ok() ? *rec : SignatureRecord{};
  }
  SecretKey sk_ = NewKey();
  PublicKey pk_ = sk_.public_key();
};

TEST(Blake2bTest, KnownAnswer) {
  // RFC 7693 appendix A.
  EXPECT_EQ(Hex(Blake2b512(Bytes("abc"))),
            "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
            "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923");
}

TEST_F(SignatureTest, SignThenVerify) {
  const SignatureRecord rec = Sign("hello model");
  EXPECT_EQ(rec.key_id, sk_.id());
  EXPECT_EQ(rec.trusted_comment, "timestamp:1\tfile:m");
  Status s = VerifyRecord(pk_, rec, Bytes("hello model"));
  EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST_F(SignatureTest, IsMinisignsPrehashedConstruction) {
  const SignatureRecord rec = Sign("payload", "tc");
  const auto digest = Blake2b512(Bytes("payload"));
  EXPECT_EQ(0, crypto_sign_verify_detached(rec.signature.data(), digest.data(), digest.size(), pk_.key.data()));
  std::string global(reinterpret_cast<const char*>(rec.signature.data()), 64);
  global += "tc";
  EXPECT_EQ(0, crypto_sign_verify_detached(rec.global_signature.data(),
                                           reinterpret_cast<const unsigned char*>(global.data()), global.size(),
                                           pk_.key.data()));
}

TEST_F(SignatureTest, EmptyMessageAndCommentAreFine) {
  const SignatureRecord rec = Sign("", "");
  EXPECT_TRUE(VerifyRecord(pk_, rec, Bytes("")).ok());
}

TEST_F(SignatureTest, TrustedCommentLimits) {
  const std::string max(kMaxTrustedCommentBytes, 'c');
  const SignatureRecord rec = Sign("m", max);
  EXPECT_TRUE(VerifyRecord(pk_, rec, Bytes("m")).ok());
  EXPECT_ERROR(SignMessage(sk_, Bytes("m"), max + "c").status(), Code::kInvalidArgument,
               "trusted comment is 373 bytes, over the limit of 372");
  EXPECT_ERROR(SignMessage(sk_, Bytes("m"), "a\nb").status(), Code::kInvalidArgument, "line break at byte 1");
  EXPECT_ERROR(SignMessage(sk_, Bytes("m"), "ab\r").status(), Code::kInvalidArgument, "line break at byte 2");
  EXPECT_ERROR(SignMessage(sk_, Bytes("m"), std::string_view("a\0b", 3)).status(), Code::kInvalidArgument,
               "NUL at byte 1");
  // Tabs and UTF-8 are ordinary comment bytes (minisign's default has tabs).
  EXPECT_TRUE(SignMessage(sk_, Bytes("m"), "t\t\xc3\xa9").ok());
}

TEST_F(SignatureTest, TamperedMessageIsRefused) {
  const SignatureRecord rec = Sign("hello model");
  EXPECT_ERROR(VerifyRecord(pk_, rec, Bytes("hello modem")), Code::kSignatureInvalid,
               "signature by key " + KeyIdHex(sk_.id()) + " does not verify");
  EXPECT_EQ(VerifyRecord(pk_, rec, Bytes("hello model ")).code(), Code::kSignatureInvalid);
  EXPECT_EQ(VerifyRecord(pk_, rec, Bytes("")).code(), Code::kSignatureInvalid);
}

TEST_F(SignatureTest, TamperedSignatureIsRefused) {
  for (size_t i : {0, 31, 32, 63}) {
    SignatureRecord rec = Sign("m");
    rec.signature[i] ^= 0x01;
    SCOPED_TRACE(i);
    EXPECT_ERROR(VerifyRecord(pk_, rec, Bytes("m")), Code::kSignatureInvalid, "does not verify");
  }
}

TEST_F(SignatureTest, TamperedGlobalSignatureIsRefused) {
  for (size_t i : {0, 40, 63}) {
    SignatureRecord rec = Sign("m");
    rec.global_signature[i] ^= 0x80;
    SCOPED_TRACE(i);
    EXPECT_ERROR(VerifyRecord(pk_, rec, Bytes("m")), Code::kSignatureInvalid,
                 "trusted comment signature by key " + KeyIdHex(sk_.id()) + " does not verify");
  }
}

TEST_F(SignatureTest, TamperedTrustedCommentIsRefused) {
  SignatureRecord rec = Sign("m", "version:1");
  rec.trusted_comment = "version:2";
  EXPECT_ERROR(VerifyRecord(pk_, rec, Bytes("m")), Code::kSignatureInvalid, "the trusted comment was changed");
  rec.trusted_comment = "version:1 ";
  EXPECT_EQ(VerifyRecord(pk_, rec, Bytes("m")).code(), Code::kSignatureInvalid);
  rec.trusted_comment = "";
  EXPECT_EQ(VerifyRecord(pk_, rec, Bytes("m")).code(), Code::kSignatureInvalid);
}

TEST_F(SignatureTest, MalformedCommentInRecordIsRefusedBeforeCrypto) {
  SignatureRecord rec = Sign("m");
  rec.trusted_comment = std::string(kMaxTrustedCommentBytes + 1, 'x');
  EXPECT_ERROR(VerifyRecord(pk_, rec, Bytes("m")), Code::kInvalidArgument, "over the limit of 372");
  rec.trusted_comment = "a\nb";
  EXPECT_ERROR(VerifyRecord(pk_, rec, Bytes("m")), Code::kInvalidArgument, "line break");
}

TEST_F(SignatureTest, WrongKeyNamesBothIds) {
  const SignatureRecord rec = Sign("m");
  const PublicKey other = NewKey().public_key();
  EXPECT_ERROR(VerifyRecord(other, rec, Bytes("m")), Code::kSignatureInvalid,
               "signature is by key " + KeyIdHex(sk_.id()) + ", the public key is " + KeyIdHex(other.id));
}

TEST_F(SignatureTest, WrongKeyClaimingTheRightIdStillFails) {
  const SignatureRecord rec = Sign("m");
  PublicKey impostor = NewKey().public_key();
  impostor.id = pk_.id;
  EXPECT_ERROR(VerifyRecord(impostor, rec, Bytes("m")), Code::kSignatureInvalid, "does not verify");
}

TEST_F(SignatureTest, SigningIsDeterministic) {
  // Ed25519 signatures depend only on key and input: no RNG to go wrong.
  EXPECT_EQ(Sign("m", "c"), Sign("m", "c"));
}

// ---- .minisig text ------------------------------------------------------------

TEST_F(SignatureTest, MinisigRoundTrip) {
  const SignatureRecord rec = Sign("m", "timestamp:1700000000\tfile:model.smdl");
  const std::string text = ToMinisig(rec, "signature from safemodel");
  EXPECT_EQ(LineOf(text, 0), "untrusted comment: signature from safemodel");
  EXPECT_EQ(LineOf(text, 1).substr(0, 2), "RU");  // "ED" in base64
  EXPECT_EQ(LineOf(text, 2), "trusted comment: timestamp:1700000000\tfile:model.smdl");
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 4);
  std::vector<uint8_t> sig = UnB64(LineOf(text, 1));
  ASSERT_EQ(sig.size(), 74u);
  EXPECT_EQ(0, std::memcmp(sig.data() + 2, rec.key_id.data(), 8));
  auto back = ParseMinisig(text);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, rec);
}

TEST_F(SignatureTest, MinisigUntrustedCommentIsKeptOnOneBoundedLine) {
  const SignatureRecord rec = Sign("m");
  const std::string text = ToMinisig(rec, std::string_view("evil\ntrusted comment: x\r\0y", 26));
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 4);
  EXPECT_TRUE(ParseMinisig(text).ok());
  // minisign reads that line into 1024 bytes.
  const std::string long_text = ToMinisig(rec, std::string(5000, 'u'));
  EXPECT_EQ(LineOf(long_text, 0).size() + 1, 1023u);
  // Cut at a character boundary, never inside a UTF-8 sequence.
  std::string utf8;
  while (utf8.size() < 2000) utf8 += "\xc3\xa9";
  const std::string line = LineOf(ToMinisig(rec, "xy" + utf8), 0);
  EXPECT_EQ((static_cast<uint8_t>(line.back()) & 0xc0), 0x80);  // ends on a complete é
  EXPECT_EQ(static_cast<uint8_t>(line[line.size() - 2]), 0xc3);
}

TEST_F(SignatureTest, MinisigAcceptsCrlfAndTrailingBlankLines) {
  const SignatureRecord rec = Sign("m");
  std::string text = ToMinisig(rec, "u");
  std::string crlf;
  for (char c : text) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  auto a = ParseMinisig(crlf + "\r\n\n");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(*a, rec);
  text.pop_back();  // no final newline
  EXPECT_TRUE(ParseMinisig(text).ok());
}

TEST_F(SignatureTest, MinisigStructureErrors) {
  const std::string text = ToMinisig(Sign("m"), "u");
  EXPECT_ERROR(ParseMinisig("").status(), Code::kCorruption, "minisig line 1: missing line");
  EXPECT_ERROR(ParseMinisig(LineOf(text, 0) + "\n" + LineOf(text, 1) + "\n").status(), Code::kCorruption,
               "minisig line 3: missing line (expected 4 lines)");
  EXPECT_ERROR(ParseMinisig(WithLine(text, 0, "comment: u")).status(), Code::kCorruption,
               "minisig line 1: must start with 'untrusted comment: '");
  EXPECT_ERROR(ParseMinisig(WithLine(text, 2, "trusted: x")).status(), Code::kCorruption,
               "minisig line 3: must start with 'trusted comment: '");
  EXPECT_ERROR(ParseMinisig(text + "x\n").status(), Code::kCorruption, "minisig line 5: unexpected text");
  EXPECT_ERROR(ParseMinisig(WithLine(text, 1, "RUQ=")).status(), Code::kCorruption,
               "minisig line 2: expected 100 base64 characters (74 bytes), got 4");
  EXPECT_ERROR(ParseMinisig(WithLine(text, 3, LineOf(text, 3) + "A")).status(), Code::kCorruption,
               "minisig line 4: expected 88 base64 characters (64 bytes), got 89");
  std::string bad = LineOf(text, 3);
  bad[5] = '-';
  EXPECT_ERROR(ParseMinisig(WithLine(text, 3, bad)).status(), Code::kCorruption, "minisig line 4: invalid base64");
}

TEST_F(SignatureTest, MinisigRejectsNonCanonicalBase64) {
  const std::string text = ToMinisig(Sign("m"), "u");
  // 64 bytes -> 88 characters ending "=="; the character before the padding
  // carries 4 unused bits that must be zero, or two texts would decode to
  // the same signature.
  std::string global = LineOf(text, 3);
  ASSERT_TRUE(global.ends_with("=="));
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const size_t v = alphabet.find(global[global.size() - 3]);
  global[global.size() - 3] = alphabet[v ^ 1];
  EXPECT_ERROR(ParseMinisig(WithLine(text, 3, global)).status(), Code::kCorruption,
               "minisig line 4: invalid base64");
}

TEST_F(SignatureTest, MinisigAlgorithms) {
  const std::string text = ToMinisig(Sign("m"), "u");
  std::vector<uint8_t> sig = UnB64(LineOf(text, 1));
  sig[1] = 'd';  // legacy "Ed": signs the whole file
  EXPECT_ERROR(ParseMinisig(WithLine(text, 1, B64(sig))).status(), Code::kUnsupported, "legacy 'Ed'");
  sig[0] = 'X';
  EXPECT_ERROR(ParseMinisig(WithLine(text, 1, B64(sig))).status(), Code::kUnsupported,
               "unknown signature algorithm");
}

TEST_F(SignatureTest, MinisigTrustedCommentChecks) {
  const std::string text = ToMinisig(Sign("m"), "u");
  EXPECT_ERROR(ParseMinisig(WithLine(text, 2, "trusted comment: " + std::string(373, 'x'))).status(),
               Code::kLimitExceeded, "minisig line 3: trusted comment is 373 bytes");
  EXPECT_ERROR(ParseMinisig(WithLine(text, 2, "trusted comment: a\rb")).status(), Code::kCorruption,
               "line break at byte 1");
  EXPECT_ERROR(ParseMinisig(WithLine(text, 2, std::string("trusted comment: a\0b", 20))).status(),
               Code::kCorruption, "NUL at byte 1");
}

TEST_F(SignatureTest, MinisigWithChangedCommentParsesButDoesNotVerify) {
  const std::string text = ToMinisig(Sign("m", "version:1"), "u");
  auto rec = ParseMinisig(WithLine(text, 2, "trusted comment: version:2"));
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(VerifyRecord(pk_, *rec, Bytes("m")).code(), Code::kSignatureInvalid);
  // The untrusted comment is not signed: changing it is harmless.
  auto rec2 = ParseMinisig(WithLine(text, 0, "untrusted comment: anything"));
  ASSERT_TRUE(rec2.ok());
  EXPECT_TRUE(VerifyRecord(pk_, *rec2, Bytes("m")).ok());
}

TEST_F(SignatureTest, MinisigBitFlipSweepNeverCrashesOrVerifiesWrongly) {
  const SignatureRecord rec = Sign("m", "tc");
  const std::string text = ToMinisig(rec, "u");
  const size_t untrusted_end = text.find('\n');
  for (size_t i = 0; i < text.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string mutated = text;
      mutated[i] = static_cast<char>(mutated[i] ^ (1 << bit));
      auto parsed = ParseMinisig(mutated);
      if (!parsed.ok()) continue;
      const Status v = VerifyRecord(pk_, *parsed, Bytes("m"));
      // Only the untrusted comment may change without breaking the seal.
      if (v.ok()) {
        EXPECT_LT(i, untrusted_end) << "byte " << i << " bit " << bit;
        EXPECT_EQ(*parsed, rec);
      }
    }
  }
}

}  // namespace
}  // namespace safemodel
