// safemodel/keys.h — Ed25519 key pairs in minisign's file formats.
//
// Public key file (two lines, as `minisign -G` writes it):
//   untrusted comment: minisign public key <KEYID>
//   base64( "Ed" | key_id[8] | public_key[32] )
// Secret key file:
//   untrusted comment: <anything>
//   base64( "Ed" | kdf "Sc" or "\0\0" | "B2" | salt[32] | opslimit u64le |
//           memlimit u64le | keynum_sk[104] )
// where keynum_sk = key_id[8] | secret_key[64] | checksum[32], XORed with
// scrypt(password, salt, opslimit, memlimit) when kdf is "Sc", and checksum =
// BLAKE2b-256("Ed" | key_id | secret_key). Keys made by `minisign -G` load
// here and keys written here load in minisign.
//
// Key ids print as minisign prints them: uppercase hex of the id read as a
// little-endian u64, without leading zeros (so 15 digits one time in 16).
//
// Secret key bytes live in sodium_malloc'd memory (guard pages, mlock) and are
// wiped on destruction. SecretKey is move-only.
#ifndef SAFEMODEL_KEYS_H_
#define SAFEMODEL_KEYS_H_

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "safemodel/status.h"

namespace safemodel {

using KeyId = std::array<uint8_t, 8>;

// "3F2A1B0C9D8E7F60" — minisign's rendering (little-endian u64, %llX).
std::string KeyIdHex(const KeyId& id);
// Inverse of KeyIdHex (case-insensitive, 1 to 16 hex digits).
Result<KeyId> ParseKeyIdHex(std::string_view hex);

struct PublicKey {
  KeyId id{};
  std::array<uint8_t, 32> key{};
  bool operator==(const PublicKey&) const = default;
};

// Parses a public key file's contents, or just its base64 line
// ("RWQ..."), as `minisign -P` accepts. kCorruption names what is wrong.
Result<PublicKey> ParsePublicKey(std::string_view text);
// Base64 of "Ed" | id | key (the second line of the file).
std::string PublicKeyBase64(const PublicKey& pk);
// The two-line file as minisign writes it.
std::string FormatPublicKeyFile(const PublicKey& pk);
Result<PublicKey> ReadPublicKeyFile(const std::string& path);

// scrypt cost for encrypted secret keys. Defaults are minisign's
// (crypto_pwhash_scryptsalsa208sha256 *_SENSITIVE: ~1 GiB, ~1-3 s).
struct KdfParams {
  uint64_t opslimit = 33554432;
  uint64_t memlimit = 1073741824;
};

class SecretKey {
 public:
  // A fresh random key pair (crypto_sign_keypair) with a random key id.
  static Result<SecretKey> Generate();

  SecretKey(SecretKey&&) noexcept;
  SecretKey& operator=(SecretKey&&) noexcept;
  SecretKey(const SecretKey&) = delete;
  SecretKey& operator=(const SecretKey&) = delete;
  ~SecretKey();  // sodium_memzero + sodium_free

  const KeyId& id() const;
  PublicKey public_key() const;
  // The 64-byte libsodium secret key (seed | public key). Borrowed; valid
  // while *this lives.
  const uint8_t* secret_bytes() const;

 private:
  struct Impl;
  explicit SecretKey(std::unique_ptr<Impl> impl);
  // Builds a SecretKey from a decoded file without a public constructor.
  friend Result<SecretKey> ParseSecretKeyFile(std::string_view text,
                                              std::optional<std::string_view> password);
  std::unique_ptr<Impl> impl_;
};

// True when the file's kdf is "Sc" (a password is needed).
Result<bool> SecretKeyFileIsEncrypted(std::string_view text);

// Parses a secret key file. `password` is required iff encrypted; a wrong
// password is reported as kSignatureInvalid ("wrong password or corrupted
// key: checksum mismatch"). Limits opslimit/memlimit to sane maxima so a
// hostile key file cannot make us allocate 1 TiB (kLimitExceeded).
Result<SecretKey> ParseSecretKeyFile(std::string_view text,
                                     std::optional<std::string_view> password);
// Formats a secret key file; encrypted with scrypt when `password` is set.
Result<std::string> FormatSecretKeyFile(const SecretKey& sk,
                                        std::optional<std::string_view> password,
                                        const KdfParams& kdf = {});

}  // namespace safemodel

#endif  // SAFEMODEL_KEYS_H_
