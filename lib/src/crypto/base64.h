// Private to the crypto module: standard base64 (RFC 4648 alphabet, with
// '=' padding), the encoding minisign uses for keys and signatures.
#ifndef SAFEMODEL_CRYPTO_BASE64_H_
#define SAFEMODEL_CRYPTO_BASE64_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "safemodel/status.h"

namespace safemodel::crypto {

// Length of the padded base64 text for `bin_len` bytes (no terminator).
constexpr size_t Base64Length(size_t bin_len) { return (bin_len + 2) / 3 * 4; }

std::string Base64Encode(std::span<const uint8_t> bin);

// Decodes `b64` into exactly out.size() bytes. The text must be exactly
// Base64Length(out.size()) characters of canonical padded base64 (no
// whitespace, unused bits zero). Decoding never writes past `out`.
// kCorruption "<where>: ..." otherwise; `out` may then hold garbage.
Status Base64DecodeExact(std::string_view b64, std::span<uint8_t> out, std::string_view where);

}  // namespace safemodel::crypto

#endif  // SAFEMODEL_CRYPTO_BASE64_H_
