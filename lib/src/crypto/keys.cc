#include "safemodel/keys.h"

#include <sodium.h>

#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <utility>

#include "crypto/base64.h"
#include "crypto/key_text.h"
#include "crypto/lines.h"
#include "crypto/secure_buffer.h"
#include "util/byte_reader.h"
#include "util/file.h"

namespace safemodel {
namespace {

using crypto::SecureBuffer;
using Tag = std::array<uint8_t, 2>;

constexpr std::string_view kCommentPrefix = "untrusted comment: ";
constexpr std::string_view kPublicKeyComment = "minisign public key ";

constexpr Tag kSigAlgEd = {'E', 'd'};
constexpr Tag kKdfScrypt = {'S', 'c'};
constexpr Tag kKdfNone = {0, 0};
constexpr Tag kChkBlake2b = {'B', '2'};

constexpr size_t kSecretBytes = crypto_sign_SECRETKEYBYTES;
constexpr size_t kPublicBytes = crypto_sign_PUBLICKEYBYTES;
constexpr size_t kChecksumBytes = crypto_generichash_BYTES;
constexpr size_t kPublicRecordBytes = 2 + 8 + kPublicBytes;

// Offsets in the secret key record (layout in keys.h).
constexpr size_t kSaltOffset = 6;
constexpr size_t kSaltBytes = crypto_pwhash_scryptsalsa208sha256_SALTBYTES;
constexpr size_t kOpsOffset = kSaltOffset + kSaltBytes;
constexpr size_t kMemOffset = kOpsOffset + 8;
constexpr size_t kKeynumOffset = kMemOffset + 8;     // key_id | sk | checksum
constexpr size_t kSecretOffset = kKeynumOffset + 8;  // sk = seed | public key
constexpr size_t kChecksumOffset = kSecretOffset + kSecretBytes;
constexpr size_t kKeynumBytes = 8 + kSecretBytes + kChecksumBytes;
constexpr size_t kSecretRecordBytes = kKeynumOffset + kKeynumBytes;
static_assert(kSaltBytes == 32 && kChecksumBytes == 32 && kSecretRecordBytes == 158);

// Bounds on scrypt costs read from a key file. minisign writes at most the
// *_SENSITIVE values (2^25 ops, 1 GiB); these leave room for stronger keys
// but stop a hostile file from making us allocate 1 TiB or spin for hours.
constexpr uint64_t kMaxOpslimit = uint64_t{1} << 32;
constexpr uint64_t kMaxMemlimit = uint64_t{2} << 30;

// Key files are a few hundred bytes; this only bounds hostile input.
constexpr uint64_t kMaxKeyFileBytes = 64 * 1024;

std::string TagName(const Tag& t) {
  const bool printable = t[0] >= 0x20 && t[0] < 0x7f && t[1] >= 0x20 && t[1] < 0x7f;
  char buf[16];
  if (printable) {
    std::snprintf(buf, sizeof buf, "'%c%c'", t[0], t[1]);
  } else {
    std::snprintf(buf, sizeof buf, "0x%02x%02x", t[0], t[1]);
  }
  return buf;
}

// Reads a two-byte algorithm tag that must be one of `allowed`.
Result<Tag> ReadTag(ByteReader& r, std::string_view field, std::initializer_list<Tag> allowed,
                    std::string_view expected) {
  const std::string where = r.Where();
  SAFEMODEL_ASSIGN_OR_RETURN(auto b, r.Bytes(2));
  const Tag tag = {static_cast<uint8_t>(b[0]), static_cast<uint8_t>(b[1])};
  for (const Tag& a : allowed) {
    if (tag == a) return tag;
  }
  return Unsupported(where + ": " + std::string(field) + " " + TagName(tag) + " is not supported (expected " +
                     std::string(expected) + ")");
}

Result<uint64_t> ReadLimit(ByteReader& r, std::string_view field, uint64_t max) {
  const std::string where = r.Where();
  SAFEMODEL_ASSIGN_OR_RETURN(uint64_t v, r.U64LE());
  if (v > max) {
    return LimitExceeded(where + ": scrypt " + std::string(field) + " " + std::to_string(v) +
                         " is over the limit of " + std::to_string(max));
  }
  return v;
}

struct SecretHeader {
  bool encrypted = false;
  uint64_t opslimit = 0;
  uint64_t memlimit = 0;
};

// Checks the algorithm tags and, for encrypted keys, the scrypt costs.
// Unencrypted keys may carry any costs: `minisign -C -W` keeps the old ones.
Result<SecretHeader> ReadSecretHeader(std::span<const uint8_t> rec) {
  ByteReader r(std::as_bytes(rec), "secret key");
  SecretHeader h;
  SAFEMODEL_RETURN_IF_ERROR(ReadTag(r, "signature algorithm", {kSigAlgEd}, "'Ed'").status());
  SAFEMODEL_ASSIGN_OR_RETURN(Tag kdf, ReadTag(r, "key derivation", {kKdfScrypt, kKdfNone}, "'Sc' or 0x0000"));
  SAFEMODEL_RETURN_IF_ERROR(ReadTag(r, "checksum algorithm", {kChkBlake2b}, "'B2'").status());
  SAFEMODEL_RETURN_IF_ERROR(r.Bytes(kSaltBytes).status());
  h.encrypted = kdf == kKdfScrypt;
  const uint64_t ops_max = h.encrypted ? kMaxOpslimit : UINT64_MAX;
  const uint64_t mem_max = h.encrypted ? kMaxMemlimit : UINT64_MAX;
  SAFEMODEL_ASSIGN_OR_RETURN(h.opslimit, ReadLimit(r, "opslimit", ops_max));
  SAFEMODEL_ASSIGN_OR_RETURN(h.memlimit, ReadLimit(r, "memlimit", mem_max));
  return h;
}

Status CheckCommentLine(std::string_view line, std::string_view where) {
  if (line.starts_with(kCommentPrefix)) return Status::Ok();
  return Corruption(std::string(where) + ": must start with '" + std::string(kCommentPrefix) + "'");
}

struct DecodedSecret {
  SecureBuffer rec;  // kSecretRecordBytes, still encrypted if header.encrypted
  SecretHeader header;
};

Result<DecodedSecret> DecodeSecretKeyText(std::string_view text) {
  auto where = [](size_t n) { return crypto::LineWhere({}, "secret key", n); };
  std::array<std::string_view, 2> lines;
  SAFEMODEL_RETURN_IF_ERROR(crypto::ReadExactLines(text, lines, where));
  SAFEMODEL_RETURN_IF_ERROR(CheckCommentLine(lines[0], where(1)));
  SAFEMODEL_ASSIGN_OR_RETURN(SecureBuffer rec, SecureBuffer::Allocate(kSecretRecordBytes));
  SAFEMODEL_RETURN_IF_ERROR(crypto::Base64DecodeExact(lines[1], rec.span(), where(2)));
  SAFEMODEL_ASSIGN_OR_RETURN(SecretHeader header, ReadSecretHeader(rec.span()));
  return DecodedSecret{std::move(rec), header};
}

// BLAKE2b-256("Ed" | key_id | sk): minisign's check that a key decrypted
// with the right password.
void ComputeChecksum(const uint8_t* rec, uint8_t out[kChecksumBytes]) {
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, kChecksumBytes);
  crypto_generichash_update(&st, kSigAlgEd.data(), kSigAlgEd.size());
  crypto_generichash_update(&st, rec + kKeynumOffset, 8 + kSecretBytes);
  crypto_generichash_final(&st, out, kChecksumBytes);
  sodium_memzero(&st, sizeof st);  // the state has absorbed the secret key
}

// XORs key_id | sk | checksum with scrypt(password, salt). The operation is
// its own inverse, so it both encrypts and decrypts.
Status ApplyScrypt(std::span<uint8_t> rec, std::string_view password, uint64_t opslimit,
                   uint64_t memlimit) {
  SAFEMODEL_ASSIGN_OR_RETURN(SecureBuffer stream, SecureBuffer::Allocate(kKeynumBytes));
  const char* pw = password.empty() ? "" : password.data();  // never hand libsodium a null pointer
  if (crypto_pwhash_scryptsalsa208sha256(stream.data(), stream.size(), pw, password.size(),
                                         rec.data() + kSaltOffset, opslimit,
                                         static_cast<size_t>(memlimit)) != 0) {
    return IoError("scrypt key derivation failed (opslimit " + std::to_string(opslimit) + ", memlimit " +
                   std::to_string(memlimit) + "): out of memory?");
  }
  for (size_t i = 0; i < kKeynumBytes; ++i) rec[kKeynumOffset + i] ^= stream.data()[i];
  return Status::Ok();
}

Status CheckChecksum(std::span<const uint8_t> rec, bool encrypted) {
  uint8_t want[kChecksumBytes];
  ComputeChecksum(rec.data(), want);
  const uint8_t* have = rec.data() + kChecksumOffset;
  const bool match = sodium_memcmp(want, have, kChecksumBytes) == 0;
  sodium_memzero(want, sizeof want);
  if (match) return Status::Ok();
  if (encrypted) return SignatureInvalid("wrong password or corrupted key: checksum mismatch");
  // `minisign -G -W` leaves the checksum of unencrypted keys all zero.
  if (sodium_is_zero(have, kChecksumBytes)) return Status::Ok();
  return Corruption("secret key@" + HexOffset(kChecksumOffset) + ": checksum mismatch (the key is corrupted)");
}

// The 64-byte secret is seed | public key. Rederiving the public half
// catches corruption that the checksum cannot: unencrypted minisign keys have
// none, and a mismatched half would make every signature fail to verify.
Status CheckKeyPair(const uint8_t* sk) {
  SAFEMODEL_ASSIGN_OR_RETURN(SecureBuffer derived, SecureBuffer::Allocate(kSecretBytes));
  uint8_t pk[kPublicBytes];
  crypto_sign_seed_keypair(pk, derived.data(), sk);
  if (sodium_memcmp(pk, sk + kSecretBytes - kPublicBytes, kPublicBytes) == 0) return Status::Ok();
  return Corruption("secret key@" + HexOffset(kSecretOffset + kSecretBytes - kPublicBytes) +
                    ": public half does not match the secret seed (the key is corrupted)");
}

Status CheckPasswordGiven(bool encrypted, bool have_password) {
  if (encrypted && !have_password) return InvalidArgument("the secret key is encrypted: a password is needed");
  if (!encrypted && have_password) {
    return InvalidArgument("the secret key is not encrypted, but a password was given");
  }
  return Status::Ok();
}

Status CheckKdfParams(const KdfParams& kdf) {
  constexpr uint64_t kMinOps = crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_MIN;
  constexpr uint64_t kMinMem = crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_MIN;
  // Refuse to write what we would refuse to read, or what libsodium would
  // silently raise to its minimum.
  if (kdf.opslimit < kMinOps || kdf.opslimit > kMaxOpslimit) {
    return InvalidArgument("scrypt opslimit " + std::to_string(kdf.opslimit) + " is outside [" +
                           std::to_string(kMinOps) + ", " + std::to_string(kMaxOpslimit) + "]");
  }
  if (kdf.memlimit < kMinMem || kdf.memlimit > kMaxMemlimit) {
    return InvalidArgument("scrypt memlimit " + std::to_string(kdf.memlimit) + " is outside [" +
                           std::to_string(kMinMem) + ", " + std::to_string(kMaxMemlimit) + "]");
  }
  return Status::Ok();
}

void PutTag(uint8_t* p, const Tag& t) { std::memcpy(p, t.data(), t.size()); }

// Fills an unencrypted record: tags, salt and costs (zero when there is no
// password, as `minisign -G -W` writes), key_id | sk and the checksum.
// Unlike minisign we always write the checksum so corruption is caught.
void FillSecretRecord(std::span<uint8_t> rec, const SecretKey& sk, const KdfParams* kdf) {
  PutTag(rec.data(), kSigAlgEd);
  PutTag(rec.data() + 2, kdf != nullptr ? kKdfScrypt : kKdfNone);
  PutTag(rec.data() + 4, kChkBlake2b);
  if (kdf != nullptr) {
    randombytes_buf(rec.data() + kSaltOffset, kSaltBytes);
    PutU64LE(reinterpret_cast<std::byte*>(rec.data() + kOpsOffset), kdf->opslimit);
    PutU64LE(reinterpret_cast<std::byte*>(rec.data() + kMemOffset), kdf->memlimit);
  }
  std::memcpy(rec.data() + kKeynumOffset, sk.id().data(), 8);
  std::memcpy(rec.data() + kSecretOffset, sk.secret_bytes(), kSecretBytes);
  ComputeChecksum(rec.data(), rec.data() + kChecksumOffset);
}

Status CheckCommentKeyId(std::string_view comment_line, const PublicKey& pk, const std::string& where) {
  std::string_view c = comment_line.substr(kCommentPrefix.size());
  if (!c.starts_with(kPublicKeyComment)) return Status::Ok();  // free-form comment
  auto named = ParseKeyIdHex(c.substr(kPublicKeyComment.size()));
  if (!named.ok() || *named == pk.id) return Status::Ok();
  return Corruption(where + ": comment names key " + KeyIdHex(*named) + " but the key on the next line is " +
                    KeyIdHex(pk.id));
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

// ---- Key ids ----------------------------------------------------------------

std::string KeyIdHex(const KeyId& id) {
  uint64_t v = 0;
  for (size_t i = 0; i < id.size(); ++i) v |= uint64_t{id[i]} << (8 * i);
  char buf[17];
  // minisign prints "%" PRIX64: no leading zeros. Match it exactly, so ids
  // read the same in its output, its .pub comments and our messages.
  std::snprintf(buf, sizeof buf, "%llX", static_cast<unsigned long long>(v));
  return buf;
}

Result<KeyId> ParseKeyIdHex(std::string_view hex) {
  if (hex.empty() || hex.size() > 16) {
    return InvalidArgument("key id " + crypto::Quote(hex) + " is not 1 to 16 hex digits");
  }
  uint64_t v = 0;
  for (char c : hex) {
    const int d = HexDigit(c);
    if (d < 0) return InvalidArgument("key id " + crypto::Quote(hex) + " is not 1 to 16 hex digits");
    v = (v << 4) | static_cast<uint64_t>(d);
  }
  KeyId id;
  for (size_t i = 0; i < id.size(); ++i) id[i] = static_cast<uint8_t>(v >> (8 * i));
  return id;
}

// ---- Public keys ------------------------------------------------------------

namespace crypto {

Result<PublicKey> DecodePublicKeyBase64(std::string_view b64, std::string_view where) {
  SAFEMODEL_RETURN_IF_ERROR(EnsureSodium());
  std::array<uint8_t, kPublicRecordBytes> rec{};
  SAFEMODEL_RETURN_IF_ERROR(Base64DecodeExact(b64, rec, where));
  const Tag alg = {rec[0], rec[1]};
  if (alg != kSigAlgEd) {
    return Unsupported(std::string(where) + ": signature algorithm " + TagName(alg) +
                       " is not supported (expected 'Ed')");
  }
  PublicKey pk;
  std::memcpy(pk.id.data(), rec.data() + 2, pk.id.size());
  std::memcpy(pk.key.data(), rec.data() + 2 + pk.id.size(), pk.key.size());
  // A flipped bit in a pasted key usually leaves the curve; say so now
  // rather than as an unexplained verification failure later.
  if (crypto_core_ed25519_is_valid_point(pk.key.data()) != 1) {
    return Corruption(std::string(where) + ": key " + KeyIdHex(pk.id) + " is not a valid Ed25519 public key");
  }
  return pk;
}

Result<PublicKey> ParsePublicKeyText(std::string_view text, std::string_view source) {
  auto where = [source](size_t n) { return LineWhere(source, "public key", n); };
  LineReader lines(text);
  std::string_view first;
  if (!lines.Next(&first)) return Corruption(where(1) + ": empty public key");
  if (!first.starts_with(kCommentPrefix)) {  // just the base64 line, as `minisign -P` takes
    std::array<std::string_view, 1> one;
    SAFEMODEL_RETURN_IF_ERROR(ReadExactLines(text, one, where));
    return DecodePublicKeyBase64(one[0], where(1));
  }
  std::array<std::string_view, 2> two;
  SAFEMODEL_RETURN_IF_ERROR(ReadExactLines(text, two, where));
  SAFEMODEL_ASSIGN_OR_RETURN(PublicKey pk, DecodePublicKeyBase64(two[1], where(2)));
  SAFEMODEL_RETURN_IF_ERROR(CheckCommentKeyId(two[0], pk, where(1)));
  return pk;
}

}  // namespace crypto

Result<PublicKey> ParsePublicKey(std::string_view text) { return crypto::ParsePublicKeyText(text, {}); }

std::string PublicKeyBase64(const PublicKey& pk) {
  std::array<uint8_t, kPublicRecordBytes> rec{};
  PutTag(rec.data(), kSigAlgEd);
  std::memcpy(rec.data() + 2, pk.id.data(), pk.id.size());
  std::memcpy(rec.data() + 2 + pk.id.size(), pk.key.data(), pk.key.size());
  return crypto::Base64Encode(rec);
}

std::string FormatPublicKeyFile(const PublicKey& pk) {
  return std::string(kCommentPrefix) + std::string(kPublicKeyComment) + KeyIdHex(pk.id) + "\n" +
         PublicKeyBase64(pk) + "\n";
}

Result<PublicKey> ReadPublicKeyFile(const std::string& path) {
  SAFEMODEL_ASSIGN_OR_RETURN(std::string text, ReadSmallFile(path, kMaxKeyFileBytes));
  return crypto::ParsePublicKeyText(text, path);
}

// ---- Secret keys ------------------------------------------------------------

// Only the secret half needs locked memory; the id is public.
struct SecretKey::Impl {
  Impl(const KeyId& key_id, SecureBuffer secret) : id(key_id), sk(std::move(secret)) {}
  KeyId id;
  SecureBuffer sk;  // kSecretBytes: seed | public key
};

SecretKey::SecretKey(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SecretKey::SecretKey(SecretKey&&) noexcept = default;
SecretKey& SecretKey::operator=(SecretKey&&) noexcept = default;
SecretKey::~SecretKey() = default;  // SecureBuffer wipes and frees

Result<SecretKey> SecretKey::Generate() {
  SAFEMODEL_ASSIGN_OR_RETURN(SecureBuffer sk, SecureBuffer::Allocate(kSecretBytes));
  uint8_t pk[kPublicBytes];
  crypto_sign_keypair(pk, sk.data());
  KeyId id;
  randombytes_buf(id.data(), id.size());
  return SecretKey(std::make_unique<Impl>(id, std::move(sk)));
}

// Using a moved-from SecretKey is a programming error, as with unique_ptr.
const KeyId& SecretKey::id() const { return impl_->id; }
const uint8_t* SecretKey::secret_bytes() const { return impl_->sk.data(); }

PublicKey SecretKey::public_key() const {
  PublicKey pk;
  pk.id = impl_->id;
  std::memcpy(pk.key.data(), impl_->sk.data() + kSecretBytes - kPublicBytes, kPublicBytes);
  return pk;
}

Result<bool> SecretKeyFileIsEncrypted(std::string_view text) {
  SAFEMODEL_ASSIGN_OR_RETURN(DecodedSecret d, DecodeSecretKeyText(text));
  return d.header.encrypted;
}

Result<SecretKey> ParseSecretKeyFile(std::string_view text, std::optional<std::string_view> password) {
  SAFEMODEL_ASSIGN_OR_RETURN(DecodedSecret d, DecodeSecretKeyText(text));
  const SecretHeader& h = d.header;
  SAFEMODEL_RETURN_IF_ERROR(CheckPasswordGiven(h.encrypted, password.has_value()));
  if (h.encrypted) SAFEMODEL_RETURN_IF_ERROR(ApplyScrypt(d.rec.span(), *password, h.opslimit, h.memlimit));
  SAFEMODEL_RETURN_IF_ERROR(CheckChecksum(d.rec.span(), h.encrypted));
  SAFEMODEL_RETURN_IF_ERROR(CheckKeyPair(d.rec.data() + kSecretOffset));
  SAFEMODEL_ASSIGN_OR_RETURN(SecureBuffer sk, SecureBuffer::Allocate(kSecretBytes));
  std::memcpy(sk.data(), d.rec.data() + kSecretOffset, kSecretBytes);
  KeyId id;
  std::memcpy(id.data(), d.rec.data() + kKeynumOffset, id.size());
  return SecretKey(std::make_unique<SecretKey::Impl>(id, std::move(sk)));
}

Result<std::string> FormatSecretKeyFile(const SecretKey& sk, std::optional<std::string_view> password,
                                        const KdfParams& kdf) {
  if (password) SAFEMODEL_RETURN_IF_ERROR(CheckKdfParams(kdf));
  SAFEMODEL_ASSIGN_OR_RETURN(SecureBuffer rec, SecureBuffer::Allocate(kSecretRecordBytes));
  FillSecretRecord(rec.span(), sk, password ? &kdf : nullptr);
  if (password) SAFEMODEL_RETURN_IF_ERROR(ApplyScrypt(rec.span(), *password, kdf.opslimit, kdf.memlimit));
  const std::string comment = std::string(kCommentPrefix) +
                              (password ? "minisign encrypted secret key" : "minisign unencrypted secret key") +
                              "\n";
  // Encode straight into the result: for an unencrypted key every copy of
  // the base64 is a copy of the secret, and a temporary would be freed
  // without being wiped.
  const size_t cap = sodium_base64_ENCODED_LEN(kSecretRecordBytes, sodium_base64_VARIANT_ORIGINAL);
  std::string out;
  out.reserve(comment.size() + cap + 1);
  out = comment;
  out.resize(comment.size() + cap);
  sodium_bin2base64(out.data() + comment.size(), cap, rec.data(), rec.size(), sodium_base64_VARIANT_ORIGINAL);
  out.back() = '\n';  // replaces the NUL terminator
  return out;
}

}  // namespace safemodel
