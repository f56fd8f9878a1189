#include "safemodel/signature.h"

#include <sodium.h>

#include <algorithm>
#include <cstring>

#include "crypto/base64.h"
#include "crypto/lines.h"
#include "crypto/secure_buffer.h"

namespace safemodel {
namespace {

constexpr std::string_view kUntrustedPrefix = "untrusted comment: ";
constexpr std::string_view kTrustedPrefix = "trusted comment: ";
constexpr std::array<uint8_t, 2> kAlgPrehashed = {'E', 'D'};
constexpr std::array<uint8_t, 2> kAlgLegacy = {'E', 'd'};

constexpr size_t kSigBytes = crypto_sign_BYTES;
constexpr size_t kSigRecordBytes = 2 + 8 + kSigBytes;  // "ED" | key_id | signature

// minisign reads the untrusted comment line with fgets into 1024 bytes; a
// longer line would spill into the signature line and break the file.
constexpr size_t kMaxUntrustedCommentBytes = 1024 - kUntrustedPrefix.size() - 2;

using Digest = std::array<uint8_t, crypto_generichash_BYTES_MAX>;
static_assert(sizeof(Digest) == 64);

// The trusted comment is signed as raw bytes and stored on one line, so it
// must not contain a line break (it would change what minisign reads) or NUL
// (minisign would stop at it). Bounded so the global signature input has a
// fixed maximum size. From a caller both faults are kInvalidArgument; from a
// file they are kLimitExceeded and kCorruption.
enum class Source { kCaller, kFile };

Status CheckTrustedComment(std::string_view c, Source source, std::string_view where) {
  const bool file = source == Source::kFile;
  if (c.size() > kMaxTrustedCommentBytes) {
    return Status(file ? Code::kLimitExceeded : Code::kInvalidArgument,
                  std::string(where) + ": trusted comment is " + std::to_string(c.size()) +
                      " bytes, over the limit of " + std::to_string(kMaxTrustedCommentBytes));
  }
  const size_t bad = c.find_first_of(std::string_view("\n\r\0", 3));
  if (bad != std::string_view::npos) {
    return Status(file ? Code::kCorruption : Code::kInvalidArgument,
                  std::string(where) + ": trusted comment has a " + (c[bad] == '\0' ? "NUL" : "line break") +
                      " at byte " + std::to_string(bad));
  }
  return Status::Ok();
}

// signature | trusted_comment, the input of the global signature. Fixed
// size: no allocation whose size an attacker picks.
struct GlobalInput {
  std::array<uint8_t, kSigBytes + kMaxTrustedCommentBytes> bytes{};
  size_t size = 0;
};

// Callers refuse a longer comment first (CheckTrustedComment); the clamp
// only keeps this copy in bounds should a future caller forget.
GlobalInput MakeGlobalInput(const SignatureRecord& rec) {
  GlobalInput in;
  const size_t n = std::min(rec.trusted_comment.size(), kMaxTrustedCommentBytes);
  std::memcpy(in.bytes.data(), rec.signature.data(), kSigBytes);
  std::memcpy(in.bytes.data() + kSigBytes, rec.trusted_comment.data(), n);
  in.size = kSigBytes + n;
  return in;
}

// VerifyRecord after the message is hashed; the comment is already checked.
Status VerifyDigest(const PublicKey& pk, const SignatureRecord& rec, const Digest& digest) {
  if (crypto_sign_verify_detached(rec.signature.data(), digest.data(), digest.size(), pk.key.data()) != 0) {
    return SignatureInvalid("signature by key " + KeyIdHex(rec.key_id) +
                            " does not verify: the signed bytes were changed or the signature is corrupt");
  }
  const GlobalInput in = MakeGlobalInput(rec);
  if (crypto_sign_verify_detached(rec.global_signature.data(), in.bytes.data(), in.size, pk.key.data()) != 0) {
    return SignatureInvalid("trusted comment signature by key " + KeyIdHex(rec.key_id) +
                            " does not verify: the trusted comment was changed or the signature is corrupt");
  }
  return Status::Ok();
}

Status CheckKeyId(const PublicKey& pk, const SignatureRecord& rec) {
  if (rec.key_id == pk.id) return Status::Ok();
  return SignatureInvalid("signature is by key " + KeyIdHex(rec.key_id) + ", the public key is " +
                          KeyIdHex(pk.id));
}

// One line of free text for a .minisig: line breaks and NUL become spaces,
// and the text is cut (at a UTF-8 character boundary) to `max` bytes.
std::string OneLine(std::string_view s, size_t max) {
  if (s.size() > max) {
    size_t cut = max;
    while (cut > 0 && (static_cast<uint8_t>(s[cut]) & 0xc0) == 0x80) --cut;
    s = s.substr(0, cut);
  }
  std::string out(s);
  for (char& c : out) {
    if (c == '\n' || c == '\r' || c == '\0') c = ' ';
  }
  return out;
}

Result<std::string_view> StripPrefix(std::string_view line, std::string_view prefix, const std::string& where) {
  if (!line.starts_with(prefix)) {
    return Corruption(where + ": must start with '" + std::string(prefix) + "'");
  }
  return line.substr(prefix.size());
}

Status ReadSignatureLine(std::string_view b64, SignatureRecord* rec, const std::string& where) {
  std::array<uint8_t, kSigRecordBytes> bin{};
  SAFEMODEL_RETURN_IF_ERROR(crypto::Base64DecodeExact(b64, bin, where));
  const std::array<uint8_t, 2> alg = {bin[0], bin[1]};
  if (alg == kAlgLegacy) {
    return Unsupported(where + ": legacy 'Ed' signature (signs the whole file, not its BLAKE2b-512 hash); "
                               "re-sign with minisign 0.8 or later, which uses 'ED'");
  }
  if (alg != kAlgPrehashed) return Unsupported(where + ": unknown signature algorithm (expected 'ED')");
  std::memcpy(rec->key_id.data(), bin.data() + 2, rec->key_id.size());
  std::memcpy(rec->signature.data(), bin.data() + 2 + rec->key_id.size(), kSigBytes);
  return Status::Ok();
}

}  // namespace

std::array<uint8_t, 64> Blake2b512(std::span<const std::byte> message) {
  (void)crypto::EnsureSodium();  // only picks the fastest implementation
  Digest d;
  crypto_generichash(d.data(), d.size(), reinterpret_cast<const unsigned char*>(message.data()),
                     message.size(), nullptr, 0);
  return d;
}

Result<SignatureRecord> SignMessage(const SecretKey& sk, std::span<const std::byte> message,
                                    std::string_view trusted_comment) {
  SAFEMODEL_RETURN_IF_ERROR(crypto::EnsureSodium());
  SAFEMODEL_RETURN_IF_ERROR(CheckTrustedComment(trusted_comment, Source::kCaller, "SignMessage"));
  SignatureRecord rec;
  rec.key_id = sk.id();
  rec.trusted_comment = std::string(trusted_comment);
  const Digest digest = Blake2b512(message);
  crypto_sign_detached(rec.signature.data(), nullptr, digest.data(), digest.size(), sk.secret_bytes());
  const GlobalInput in = MakeGlobalInput(rec);
  crypto_sign_detached(rec.global_signature.data(), nullptr, in.bytes.data(), in.size, sk.secret_bytes());
  // A fault (bad RAM, a corrupted key) must not leave here as a signature
  // nobody can verify; check it as a verifier would.
  Status check = VerifyDigest(sk.public_key(), rec, digest);
  if (!check.ok()) return check.Wrap("the signature just made does not verify; refusing to return it");
  return rec;
}

Status VerifyRecord(const PublicKey& pk, const SignatureRecord& rec, std::span<const std::byte> message) {
  SAFEMODEL_RETURN_IF_ERROR(crypto::EnsureSodium());
  SAFEMODEL_RETURN_IF_ERROR(CheckKeyId(pk, rec));
  SAFEMODEL_RETURN_IF_ERROR(
      CheckTrustedComment(rec.trusted_comment, Source::kCaller, "signature by key " + KeyIdHex(rec.key_id)));
  return VerifyDigest(pk, rec, Blake2b512(message));
}

std::string ToMinisig(const SignatureRecord& rec, std::string_view untrusted_comment) {
  std::array<uint8_t, kSigRecordBytes> bin{};
  std::memcpy(bin.data(), kAlgPrehashed.data(), 2);
  std::memcpy(bin.data() + 2, rec.key_id.data(), rec.key_id.size());
  std::memcpy(bin.data() + 2 + rec.key_id.size(), rec.signature.data(), kSigBytes);
  std::string out;
  out += kUntrustedPrefix;
  out += OneLine(untrusted_comment, kMaxUntrustedCommentBytes);
  out += "\n" + crypto::Base64Encode(bin) + "\n";
  out += kTrustedPrefix;
  // A valid record's comment passes through unchanged. An invalid one (which
  // VerifyRecord refuses anyway) must still not add lines to the file.
  out += OneLine(rec.trusted_comment, rec.trusted_comment.size());
  out += "\n" + crypto::Base64Encode(rec.global_signature) + "\n";
  return out;
}

Result<SignatureRecord> ParseMinisig(std::string_view text) {
  auto where = [](size_t n) { return crypto::LineWhere({}, "minisig", n); };
  std::array<std::string_view, 4> lines;
  SAFEMODEL_RETURN_IF_ERROR(crypto::ReadExactLines(text, lines, where));
  SAFEMODEL_RETURN_IF_ERROR(StripPrefix(lines[0], kUntrustedPrefix, where(1)).status());
  SignatureRecord rec;
  SAFEMODEL_RETURN_IF_ERROR(ReadSignatureLine(lines[1], &rec, where(2)));
  SAFEMODEL_ASSIGN_OR_RETURN(std::string_view comment, StripPrefix(lines[2], kTrustedPrefix, where(3)));
  SAFEMODEL_RETURN_IF_ERROR(CheckTrustedComment(comment, Source::kFile, where(3)));
  rec.trusted_comment = std::string(comment);
  SAFEMODEL_RETURN_IF_ERROR(crypto::Base64DecodeExact(lines[3], rec.global_signature, where(4)));
  return rec;
}

}  // namespace safemodel
