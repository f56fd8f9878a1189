// Private to the crypto module: public key parsing with a caller-chosen
// source name, so the trust store can report "keys/alice.pub:2: ...".
#ifndef SAFEMODEL_CRYPTO_KEY_TEXT_H_
#define SAFEMODEL_CRYPTO_KEY_TEXT_H_

#include <string_view>

#include "safemodel/keys.h"
#include "safemodel/status.h"

namespace safemodel::crypto {

// As ParsePublicKey; messages start "<source>:<line>: " when `source` is
// non-empty, else "public key line <n>: ".
Result<PublicKey> ParsePublicKeyText(std::string_view text, std::string_view source);

// Decodes base64("Ed" | key_id | key). kCorruption/kUnsupported prefixed
// with `where`.
Result<PublicKey> DecodePublicKeyBase64(std::string_view b64, std::string_view where);

}  // namespace safemodel::crypto

#endif  // SAFEMODEL_CRYPTO_KEY_TEXT_H_
