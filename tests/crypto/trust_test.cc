#include "safemodel/trust.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>

#include "crypto_test_util.h"
#include "test_util.h"

namespace safemodel {
namespace {

using testing::TempDir;
using testing::WriteFile;

#define EXPECT_ERROR(expr, code_, substr)                                       \
  do {                                                                          \
    const ::safemodel::Status _st = (expr);                                     \
    EXPECT_EQ(_st.code(), (code_)) << _st.ToString();                           \
    EXPECT_NE(_st.message().find(substr), std::string::npos) << _st.ToString(); \
  } while (0)

PublicKey NewPublicKey() {
  auto sk = SecretKey::Generate();
  EXPECT_TRUE(sk.ok());
  return sk->public_key();
}

std::string TrustLine(const std::string& name, const PublicKey& pk) {
  return "trust " + name + " " + PublicKeyBase64(pk) + "\n";
}

// ---- In memory -------------------------------------------------------------

TEST(TrustStoreTest, AddFindRevoke) {
  TrustStore store;
  EXPECT_TRUE(store.empty());
  const PublicKey alice = NewPublicKey();
  const PublicKey bob = NewPublicKey();
  ASSERT_TRUE(store.Add("alice", alice).ok());
  ASSERT_TRUE(store.Add("bob", bob).ok());
  EXPECT_FALSE(store.empty());
  ASSERT_NE(store.Find(alice.id), nullptr);
  EXPECT_EQ(store.Find(alice.id)->name, "alice");
  EXPECT_EQ(store.Find(bob.id)->key, bob);
  EXPECT_EQ(store.Find(NewPublicKey().id), nullptr);

  store.Revoke(alice.id);
  EXPECT_TRUE(store.IsRevoked(alice.id));
  EXPECT_EQ(store.Find(alice.id), nullptr);  // revocation wins
  EXPECT_NE(store.Find(bob.id), nullptr);
  EXPECT_EQ(store.keys().size(), 2u);  // still listed, so tools can show it as revoked
  EXPECT_EQ(store.revoked().size(), 1u);
}

TEST(TrustStoreTest, RevokedBeforeAddedStaysUntrusted) {
  TrustStore store;
  const PublicKey k = NewPublicKey();
  store.Revoke(k.id);
  ASSERT_TRUE(store.Add("k", k).ok());  // listed, but never trusted
  EXPECT_EQ(store.Find(k.id), nullptr);
  EXPECT_EQ(store.keys().size(), 1u);
}

TEST(TrustStoreTest, AddRefusesAmbiguity) {
  TrustStore store;
  const PublicKey alice = NewPublicKey();
  ASSERT_TRUE(store.Add("alice", alice).ok());
  EXPECT_TRUE(store.Add("alice", alice).ok());  // the same entry twice is harmless
  EXPECT_EQ(store.keys().size(), 1u);

  const PublicKey other = NewPublicKey();
  EXPECT_ERROR(store.Add("alice", other), Code::kInvalidArgument,
               "two keys named 'alice': " + KeyIdHex(alice.id) + " and " + KeyIdHex(other.id));
  PublicKey same_id = NewPublicKey();
  same_id.id = alice.id;
  EXPECT_ERROR(store.Add("carol", same_id), Code::kInvalidArgument,
               "two different keys with id " + KeyIdHex(alice.id) + ": 'alice' and 'carol'");
  EXPECT_ERROR(store.Add("alice2", alice), Code::kInvalidArgument, "listed twice, as 'alice' and 'alice2'");
  PublicKey new_id = alice;
  new_id.id[0] ^= 1;
  EXPECT_ERROR(store.Add("mallory", new_id), Code::kInvalidArgument, "same Ed25519 key as 'alice'");
  EXPECT_EQ(store.keys().size(), 1u);
}

TEST(TrustStoreTest, RevokedKeyCannotComeBackUnderAnotherId) {
  TrustStore store;
  const PublicKey k = NewPublicKey();
  ASSERT_TRUE(store.Add("k", k).ok());
  store.Revoke(k.id);
  PublicKey renamed = k;
  renamed.id[7] ^= 0x40;
  EXPECT_ERROR(store.Add("k2", renamed), Code::kInvalidArgument, "same Ed25519 key as 'k'");
  // A new key may take the revoked key's name (rotation).
  const PublicKey fresh = NewPublicKey();
  ASSERT_TRUE(store.Add("k", fresh).ok());
  EXPECT_EQ(store.Find(fresh.id)->name, "k");
  EXPECT_EQ(store.Find(k.id), nullptr);
}

TEST(TrustStoreTest, AddRefusesBadNames) {
  TrustStore store;
  const PublicKey k = NewPublicKey();
  for (const std::string& name : {std::string(""), std::string("a b"), std::string("a/b"),
                                  std::string("\x1b[2J"), std::string(129, 'n')}) {
    EXPECT_EQ(store.Add(name, k).code(), Code::kInvalidArgument) << name;
  }
  EXPECT_TRUE(store.Add(std::string(128, 'n'), k).ok());
  EXPECT_TRUE(store.Add("ops-team_2.release@corp+ci", NewPublicKey()).ok());
}

// ---- Store file --------------------------------------------------------------

TEST(TrustStoreFileTest, LoadsTrustAndRevokeLines) {
  TempDir dir;
  const PublicKey alice = NewPublicKey();
  const PublicKey bob = NewPublicKey();
  const PublicKey eve = NewPublicKey();
  WriteFile(dir / "store.txt", "# release signers\n\n" + TrustLine("alice", alice) + "  \t\n" +
                                   "   # indented comment\r\n" + "trust\tbob   " + PublicKeyBase64(bob) +
                                   "\r\n" + TrustLine("eve", eve) + "revoke " + KeyIdHex(eve.id) + "\n" +
                                   "revoke 0123456789abcdef");
  auto store = TrustStore::Load(dir / "store.txt");
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ(store->keys().size(), 3u);  // eve is listed, but revoked
  EXPECT_EQ(store->Find(alice.id)->name, "alice");
  EXPECT_EQ(store->Find(bob.id)->name, "bob");
  EXPECT_EQ(store->Find(eve.id), nullptr);
  EXPECT_TRUE(store->IsRevoked(eve.id));
  EXPECT_TRUE(store->IsRevoked(*ParseKeyIdHex("0123456789ABCDEF")));
}

TEST(TrustStoreFileTest, RevocationWinsWhereverItStands) {
  // Rotating a key: the old one is revoked below the line that replaces it.
  TempDir dir;
  const PublicKey old_key = NewPublicKey();
  const PublicKey new_key = NewPublicKey();
  WriteFile(dir / "store.txt",
            TrustLine("alice", old_key) + TrustLine("alice", new_key) + "revoke " + KeyIdHex(old_key.id) + "\n");
  auto store = TrustStore::Load(dir / "store.txt");
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ(store->keys().size(), 2u);
  ASSERT_NE(store->Find(new_key.id), nullptr);
  EXPECT_EQ(store->Find(new_key.id)->key, new_key);
  EXPECT_EQ(store->Find(old_key.id), nullptr);
}

TEST(TrustStoreFileTest, EmptyFileIsAnEmptyStore) {
  TempDir dir;
  WriteFile(dir / "store.txt", "# nobody yet\n");
  auto store = TrustStore::Load(dir / "store.txt");
  ASSERT_TRUE(store.ok());
  EXPECT_TRUE(store->empty());
}

TEST(TrustStoreFileTest, MalformedLinesNameFileAndLine) {
  TempDir dir;
  const std::string path = dir / "store.txt";
  const PublicKey k = NewPublicKey();
  const std::string good = "# header\n" + TrustLine("k", k);
  struct Case {
    std::string line;
    Code code;
    std::string want;
  };
  const std::vector<Case> cases = {
      {"trusted k " + PublicKeyBase64(k), Code::kCorruption, ":3: unknown entry 'trusted'"},
      {"trust k", Code::kCorruption, ":3: expected 'trust <name> <base64 public key>'"},
      {"trust k " + PublicKeyBase64(k) + " extra", Code::kCorruption, ":3: expected 'trust"},
      {"trust k RWQ=", Code::kCorruption, ":3: expected 56 base64 characters"},
      {"trust b@d/name " + PublicKeyBase64(NewPublicKey()), Code::kCorruption, ":3: key name 'b@d/name' is not"},
      {"revoke", Code::kCorruption, ":3: expected 'revoke <KEYID>'"},
      {"revoke 0123 4567", Code::kCorruption, ":3: expected 'revoke <KEYID>'"},
      {"revoke 0123456789ABCDEZ", Code::kCorruption, ":3: key id '0123456789ABCDEZ' is not 1 to 16 hex digits"},
      {"trust k2 " + PublicKeyBase64(k), Code::kInvalidArgument, ":3: key " + KeyIdHex(k.id) + " is listed twice"},
      {"trust k " + PublicKeyBase64(NewPublicKey()), Code::kInvalidArgument, ":3: two keys named 'k'"},
  };
  for (const Case& c : cases) {
    WriteFile(path, good + c.line + "\n" + TrustLine("z", NewPublicKey()));
    SCOPED_TRACE(c.line);
    EXPECT_ERROR(TrustStore::Load(path).status(), c.code, path + c.want);
  }
}

TEST(TrustStoreFileTest, Limits) {
  TempDir dir;
  std::string text;
  for (int i = 0; i <= 10000; ++i) {
    char id[17];
    std::snprintf(id, sizeof id, "%016X", static_cast<unsigned>(i));
    text += "revoke " + std::string(id) + "\n";
  }
  WriteFile(dir / "store.txt", text);
  EXPECT_ERROR(TrustStore::Load(dir / "store.txt").status(), Code::kLimitExceeded,
               dir / "store.txt:10001: more than 10000 revoked key ids");
  WriteFile(dir / "big.txt", std::string(5 << 20, '#'));
  EXPECT_EQ(TrustStore::Load(dir / "big.txt").status().code(), Code::kLimitExceeded);

  std::string keys;
  for (int i = 0; i <= 10000; ++i) keys += TrustLine("k" + std::to_string(i), NewPublicKey());
  WriteFile(dir / "keys.txt", keys);
  EXPECT_ERROR(TrustStore::Load(dir / "keys.txt").status(), Code::kLimitExceeded,
               dir / "keys.txt:10001: more than 10000 trusted keys");
}

TEST(TrustStoreFileTest, MissingOrSpecialPathsAreIoErrors) {
  TempDir dir;
  EXPECT_EQ(TrustStore::Load(dir / "nope").status().code(), Code::kIoError);
  ASSERT_EQ(0, ::mkfifo((dir / "fifo").c_str(), 0600));
  EXPECT_ERROR(TrustStore::Load(dir / "fifo").status(), Code::kIoError, "neither a folder nor a regular file");
}

// ---- Store folder ------------------------------------------------------------

TEST(TrustStoreFolderTest, LoadsPubFilesAndRevokedList) {
  TempDir dir;
  const PublicKey alice = NewPublicKey();
  const PublicKey bob = NewPublicKey();
  const PublicKey carol = NewPublicKey();
  WriteFile(dir / "alice.pub", FormatPublicKeyFile(alice));
  WriteFile(dir / "bob.pub", PublicKeyBase64(bob) + "\n");  // bare line form
  WriteFile(dir / "carol.pub", FormatPublicKeyFile(carol));
  WriteFile(dir / "revoked", "# compromised 2024-05\n" + KeyIdHex(carol.id) + "\n\n  fedcba9876543210  \n");
  WriteFile(dir / "README.md", "not a key");
  WriteFile(dir / ".alice.pub.swp", "junk");
  WriteFile(dir / ".hidden.pub", "junk");
  WriteFile(dir / "notes.pub.txt", "junk");
  std::filesystem::create_directory(dir / "sub.pub");
  auto store = TrustStore::Load(dir.path());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ASSERT_EQ(store->keys().size(), 3u);  // carol is listed, but revoked
  // Sorted by file name, so the order does not depend on the file system.
  EXPECT_EQ(store->keys()[0].name, "alice");
  EXPECT_EQ(store->keys()[1].name, "bob");
  EXPECT_EQ(store->keys()[2].name, "carol");
  EXPECT_EQ(store->Find(alice.id)->key, alice);
  EXPECT_EQ(store->Find(bob.id)->key, bob);
  EXPECT_EQ(store->Find(carol.id), nullptr);
  EXPECT_EQ(store->revoked().size(), 2u);
}

TEST(TrustStoreFolderTest, SymlinkedKeysCount) {
  TempDir dir;
  TempDir elsewhere;
  const PublicKey k = NewPublicKey();
  WriteFile(elsewhere / "k.pub", FormatPublicKeyFile(k));
  std::filesystem::create_symlink(elsewhere / "k.pub", dir / "k.pub");
  std::filesystem::create_symlink(elsewhere / "missing.pub", dir / "dangling.pub");
  auto store = TrustStore::Load(dir.path());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ(store->keys().size(), 1u);
}

TEST(TrustStoreFolderTest, EmptyFolderIsAnEmptyStore) {
  TempDir dir;
  auto store = TrustStore::Load(dir.path());
  ASSERT_TRUE(store.ok());
  EXPECT_TRUE(store->empty());
}

TEST(TrustStoreFolderTest, BadPubFileNamesFileAndLine) {
  TempDir dir;
  WriteFile(dir / "good.pub", FormatPublicKeyFile(NewPublicKey()));
  WriteFile(dir / "bad.pub", "untrusted comment: x\nRWQnotbase64\n");
  EXPECT_ERROR(TrustStore::Load(dir.path()).status(), Code::kCorruption,
               dir / "bad.pub:2: expected 56 base64 characters");
}

TEST(TrustStoreFolderTest, BadFileNameIsCorruption) {
  TempDir dir;
  WriteFile(dir / "my key.pub", FormatPublicKeyFile(NewPublicKey()));
  EXPECT_ERROR(TrustStore::Load(dir.path()).status(), Code::kCorruption, "key name 'my key' (the file name");
  TempDir dir2;
  WriteFile(dir2 / ".pub", FormatPublicKeyFile(NewPublicKey()));  // a dot file: skipped
  EXPECT_TRUE(TrustStore::Load(dir2.path()).ok());
}

TEST(TrustStoreFolderTest, DuplicateKeyAcrossFilesIsInvalidArgument) {
  TempDir dir;
  const PublicKey k = NewPublicKey();
  WriteFile(dir / "a.pub", FormatPublicKeyFile(k));
  WriteFile(dir / "b.pub", FormatPublicKeyFile(k));
  EXPECT_ERROR(TrustStore::Load(dir.path()).status(), Code::kInvalidArgument,
               dir / "b.pub: key " + KeyIdHex(k.id) + " is listed twice, as 'a' and 'b'");
}

TEST(TrustStoreFolderTest, MalformedRevokedNamesLine) {
  TempDir dir;
  WriteFile(dir / "revoked", "# ok\n0123456789ABCDEF\nrevoke 0123456789ABCDEF\n");
  EXPECT_ERROR(TrustStore::Load(dir.path()).status(), Code::kCorruption,
               dir / "revoked:3: expected one key id (up to 16 hex digits)");
  WriteFile(dir / "revoked", "0123456789ABCDEF0\n");  // 17 digits
  EXPECT_ERROR(TrustStore::Load(dir.path()).status(), Code::kCorruption, dir / "revoked:1: key id");
}

TEST(TrustStoreFolderTest, RevokedMustBeARegularFile) {
  TempDir dir;
  std::filesystem::create_directory(dir / "revoked");
  EXPECT_ERROR(TrustStore::Load(dir.path()).status(), Code::kIoError, "'revoked' is not a regular file");
}

TEST(TrustStoreFolderTest, Limits) {
  TempDir dir;
  WriteFile(dir / "big.pub", std::string(64 * 1024 + 1, 'A'));
  EXPECT_EQ(TrustStore::Load(dir.path()).status().code(), Code::kLimitExceeded);

  TempDir many;
  for (int i = 0; i <= 10000; ++i) WriteFile(many / ("k" + std::to_string(i) + ".pub"), "");
  EXPECT_ERROR(TrustStore::Load(many.path()).status(), Code::kLimitExceeded, "more than 10000 .pub files");
}

TEST(TrustPolicyTest, DefaultsAreStrict) {
  TrustPolicy p;
  EXPECT_EQ(p.require, 1u);
  EXPECT_FALSE(p.allow_unsigned);
  EXPECT_TRUE(p.store.empty());
}

}  // namespace
}  // namespace safemodel
