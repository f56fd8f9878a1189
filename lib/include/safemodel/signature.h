// safemodel/signature.h — minisign's "ED" signature construction.
//
//   signature        = Ed25519_sign(secret, BLAKE2b-512(message))
//   global_signature = Ed25519_sign(secret, signature | trusted_comment)
//
// exactly as minisign's prehashed mode. In a .smdl file the message is the
// preamble followed by the raw header bytes (docs/FORMAT.md); records live in
// the file's seal. ToMinisig/ParseMinisig convert a record to and from the
// four-line `.minisig` text so the `minisign` tool can check our signatures
// and we can take one it made.
#ifndef SAFEMODEL_SIGNATURE_H_
#define SAFEMODEL_SIGNATURE_H_

#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "safemodel/keys.h"
#include "safemodel/status.h"

namespace safemodel {

// Longest trusted comment a seal record can hold (bytes of UTF-8, no NUL,
// no newline).
inline constexpr size_t kMaxTrustedCommentBytes = 372;

struct SignatureRecord {
  KeyId key_id{};
  std::array<uint8_t, 64> signature{};
  std::array<uint8_t, 64> global_signature{};
  std::string trusted_comment;
  bool operator==(const SignatureRecord&) const = default;
};

// Signs `message` with minisign's prehashed construction. The trusted comment
// must be at most kMaxTrustedCommentBytes, without '\n', '\r' or NUL
// (kInvalidArgument). The new signature is verified before it is returned.
Result<SignatureRecord> SignMessage(const SecretKey& sk, std::span<const std::byte> message,
                                    std::string_view trusted_comment);

// Checks, in this order: key id matches `pk` (kSignatureInvalid naming both
// ids), the signature over BLAKE2b-512(message), the global signature over
// signature | trusted comment. Constant work per call; no allocation of
// attacker-chosen size.
Status VerifyRecord(const PublicKey& pk, const SignatureRecord& rec,
                    std::span<const std::byte> message);

// The `.minisig` text: "untrusted comment: ...\n<b64 ED|id|sig>\n"
// "trusted comment: ...\n<b64 global>\n".
std::string ToMinisig(const SignatureRecord& rec, std::string_view untrusted_comment);
// Parses `.minisig` text. Only the prehashed "ED" algorithm is accepted
// (legacy "Ed" is kUnsupported: it signs the whole message, not a digest).
Result<SignatureRecord> ParseMinisig(std::string_view text);

// BLAKE2b-512 of `message` (the minisign prehash).
std::array<uint8_t, 64> Blake2b512(std::span<const std::byte> message);

}  // namespace safemodel

#endif  // SAFEMODEL_SIGNATURE_H_
