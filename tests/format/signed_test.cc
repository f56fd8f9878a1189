// Signatures and trust applied to whole files.
#include "format/layout.h"
#include "format_fixture.h"
#include "safemodel/keys.h"
#include "safemodel/trust.h"

namespace safemodel::testing {
namespace {

class SignedTest : public FormatTest {
 protected:
  void SetUp() override {
    FormatTest::SetUp();
    alice_ = std::make_unique<SecretKey>(SecretKey::Generate().value());
    bob_ = std::make_unique<SecretKey>(SecretKey::Generate().value());
    mallory_ = std::make_unique<SecretKey>(SecretKey::Generate().value());
  }

  TrustPolicy Trusting(std::initializer_list<const SecretKey*> keys, uint32_t require = 1) {
    TrustPolicy p;
    p.require = require;
    int i = 0;
    const char* names[] = {"alice", "bob", "mallory"};
    for (const SecretKey* k : keys) EXPECT_TRUE(p.store.Add(names[i++], k->public_key()).ok());
    return p;
  }

  void ExpectOpenRefused(const std::string& path, const TrustPolicy& trust, Code code,
                         const std::vector<std::string>& wheres) {
    auto m = Model::Open(path, trust);
    ASSERT_FALSE(m.ok());
    EXPECT_EQ(m.status().code(), code) << m.status().ToString();
    for (const auto& w : wheres) {
      EXPECT_NE(m.status().message().find(w), std::string::npos)
          << "'" << m.status().message() << "' lacks '" << w << "'";
    }
  }

  std::unique_ptr<SecretKey> alice_, bob_, mallory_;
};

// Model::Open(path, trust) must fail with `code` and mention every string.
#define EXPECT_OPEN_REFUSED(...) ExpectOpenRefused(__VA_ARGS__)

TEST_F(SignedTest, SignedByTrustedKeyOpens) {
  ASSERT_TRUE(SignFile(path_, *alice_, "release 1").ok());
  auto m = Model::Open(path_, Trusting({alice_.get()}));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  ASSERT_EQ(m->signatures().size(), 1u);
  EXPECT_EQ(m->signatures()[0].state, SignatureInfo::State::kTrusted);
  EXPECT_EQ(m->signatures()[0].signer, "alice");
  EXPECT_EQ(m->signatures()[0].trusted_comment, "release 1");
  EXPECT_EQ(m->trusted_signers(), 1u);
}

TEST_F(SignedTest, DefaultCommentIsMinisignStyle) {
  ASSERT_TRUE(SignFile(path_, *alice_, "").ok());
  auto m = Model::Open(path_, Trusting({alice_.get()}));
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->signatures()[0].trusted_comment.rfind("timestamp:", 0), 0u);
  EXPECT_NE(m->signatures()[0].trusted_comment.find("\tfile:m.smdl"), std::string::npos);
}

TEST_F(SignedTest, UnsignedFileIsRefusedByDefault) {
  EXPECT_OPEN_REFUSED(path_, Trusting({alice_.get()}), Code::kUntrusted,
                    {"the file is unsigned", KeyIdHex(alice_->id())});
}

TEST_F(SignedTest, WrongKeyIsRefusedNamingBothKeyIds) {
  ASSERT_TRUE(SignFile(path_, *mallory_, "x").ok());
  EXPECT_OPEN_REFUSED(path_, Trusting({alice_.get()}), Code::kUntrusted,
                    {KeyIdHex(mallory_->id()), KeyIdHex(alice_->id()), "not in the trust store"});
}

TEST_F(SignedTest, ChangedHeaderFailsTheSignature) {
  ASSERT_TRUE(SignFile(path_, *alice_, "x").ok());
  std::string b = ReadFile(path_);
  b[format::kPreambleSize + header_size_ - 9] ^= 1;
  WriteFile(path_, b);
  EXPECT_OPEN_REFUSED(path_, Trusting({alice_.get()}), Code::kSignatureInvalid,
                    {"signature[0] by key " + KeyIdHex(alice_->id()), "'alice'", "seal@"});
}

TEST_F(SignedTest, UnverifiedHeaderIsNeverParsed) {
  // Garbage where the header should be: with trust enforced the refusal is
  // about trust, which proves the header was not parsed first.
  std::string b = bytes_;
  for (uint64_t i = 0; i < header_size_; ++i) b[format::kPreambleSize + i] = '\xff';
  WriteFile(path_, b);
  EXPECT_OPEN_REFUSED(path_, Trusting({alice_.get()}), Code::kUntrusted, {"unsigned"});
}

TEST_F(SignedTest, RequireCountsDistinctTrustedSigners) {
  ASSERT_TRUE(SignFile(path_, *alice_, "author").ok());
  EXPECT_OPEN_REFUSED(path_, Trusting({alice_.get(), bob_.get()}, 2), Code::kUntrusted,
                    {"need 2 trusted signer(s), found 1"});
  // Signing again with the same key replaces, it does not add a second signer.
  ASSERT_TRUE(SignFile(path_, *alice_, "author again").ok());
  auto again = Model::Inspect(path_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->signatures().size(), 1u);
  EXPECT_OPEN_REFUSED(path_, Trusting({alice_.get(), bob_.get()}, 2), Code::kUntrusted, {"found 1"});
  ASSERT_TRUE(SignFile(path_, *bob_, "reviewer").ok());
  auto m = Model::Open(path_, Trusting({alice_.get(), bob_.get()}, 2));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->trusted_signers(), 2u);
}

TEST_F(SignedTest, RevokedKeyDoesNotCount) {
  ASSERT_TRUE(SignFile(path_, *alice_, "x").ok());
  TrustPolicy p = Trusting({alice_.get()});
  p.store.Revoke(alice_->id());
  EXPECT_OPEN_REFUSED(path_, p, Code::kUntrusted, {"is revoked"});
}

TEST_F(SignedTest, AllowUnsignedStillChecksTrustedSignaturesAndHashes) {
  ASSERT_TRUE(SignFile(path_, *alice_, "x").ok());
  std::string good = ReadFile(path_);
  TrustPolicy p = Trusting({alice_.get()});
  p.allow_unsigned = true;
  std::string b = good;
  b[format::kPreambleSize + 20] ^= 4;
  WriteFile(path_, b);
  EXPECT_OPEN_REFUSED(path_, p, Code::kSignatureInvalid, {"does not verify"});
  b = good;
  b[data_offset_] ^= 4;
  WriteFile(path_, b);
  EXPECT_OPEN_REFUSED(path_, p, Code::kCorruption, {"tensor 'a'"});
}

TEST_F(SignedTest, AddingASignatureRewritesOnlyTheSeal) {
  ASSERT_TRUE(SignFile(path_, *alice_, "one").ok());
  std::string one = ReadFile(path_);
  ASSERT_TRUE(SignFile(path_, *bob_, "two").ok());
  std::string two = ReadFile(path_);
  EXPECT_EQ(one.substr(0, seal_offset_), bytes_.substr(0, seal_offset_));
  EXPECT_EQ(two.substr(0, seal_offset_ + format::kRecordSize), one.substr(0, seal_offset_ + format::kRecordSize));
  EXPECT_EQ(two.size(), bytes_.size() + 2 * format::kRecordSize);
  // Both still verify.
  EXPECT_TRUE(Model::Open(path_, Trusting({alice_.get(), bob_.get()}, 2)).ok());
}

TEST_F(SignedTest, SigningADamagedFileIsRefused) {
  std::string b = bytes_;
  b[data_offset_ + 1] ^= 1;
  WriteFile(path_, b);
  Status s = SignFile(path_, *alice_, "x");
  EXPECT_EQ(s.code(), Code::kCorruption) << s.ToString();
  EXPECT_EQ(ReadFile(path_), b) << "a refused sign must not change the file";
}

TEST_F(SignedTest, CommentTooLongIsRefused) {
  Status s = SignFile(path_, *alice_, std::string(400, 'c'));
  EXPECT_EQ(s.code(), Code::kInvalidArgument) << s.ToString();
  EXPECT_EQ(ReadFile(path_), bytes_);
}

TEST_F(SignedTest, EveryBitFlipAnywhereIsRefused) {
  // Small file: one 4-byte tensor, one signature. Every single-bit change,
  // in every region, must be refused; none may crash.
  std::string p = dir_ / "tiny.smdl";
  auto t = MakeTensor("w", DType::kF32, {1}, 42);
  ASSERT_TRUE(WriteOwned(p, {t}).ok());
  ASSERT_TRUE(SignFile(p, *alice_, "tiny").ok());
  const std::string good = ReadFile(p);
  TrustPolicy trust = Trusting({alice_.get()});
  ASSERT_TRUE(Model::Open(p, trust).ok());
  std::string flipped = dir_ / "flip.smdl";
  size_t accepted = 0;
  for (size_t i = 0; i < good.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string b = good;
      b[i] ^= static_cast<char>(1 << bit);
      WriteFile(flipped, b);
      auto m = Model::Open(flipped, trust);
      if (m.ok()) {
        ++accepted;
        ADD_FAILURE() << "flip of bit " << bit << " at byte " << i << " was accepted";
      } else {
        EXPECT_NE(m.status().code(), Code::kOk);
        EXPECT_FALSE(m.status().message().empty());
      }
    }
  }
  EXPECT_EQ(accepted, 0u) << "of " << good.size() * 8 << " flips";
}

}  // namespace
}  // namespace safemodel::testing
