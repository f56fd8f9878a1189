// Helpers for the crypto tests: raw base64 through libsodium (independent of
// the code under test) and small scrypt costs so encrypted keys are fast.
#ifndef SAFEMODEL_TESTS_CRYPTO_CRYPTO_TEST_UTIL_H_
#define SAFEMODEL_TESTS_CRYPTO_CRYPTO_TEST_UTIL_H_

#include <sodium.h>

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "safemodel/keys.h"

namespace safemodel::testing {

// libsodium's minimum scrypt costs: ~1 MiB and a few milliseconds.
inline KdfParams FastKdf() { return KdfParams{32768, 16777216}; }

inline std::string B64(const std::vector<uint8_t>& bin) {
  std::string out(sodium_base64_ENCODED_LEN(bin.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), bin.data(), bin.size(), sodium_base64_VARIANT_ORIGINAL);
  out.pop_back();
  return out;
}

inline std::vector<uint8_t> UnB64(std::string_view b64) {
  std::vector<uint8_t> out(b64.size());
  size_t len = 0;
  if (sodium_base642bin(out.data(), out.size(), b64.data(), b64.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0) {
    return {};
  }
  out.resize(len);
  return out;
}

// Line `n` (0-based) of a text, without its '\n'.
inline std::string LineOf(const std::string& text, size_t n) {
  size_t start = 0;
  for (size_t i = 0; i < n; ++i) start = text.find('\n', start) + 1;
  return text.substr(start, text.find('\n', start) - start);
}

// Replaces line `n` (0-based) of a text.
inline std::string WithLine(const std::string& text, size_t n, const std::string& line) {
  size_t start = 0;
  for (size_t i = 0; i < n; ++i) start = text.find('\n', start) + 1;
  size_t end = text.find('\n', start);
  return text.substr(0, start) + line + (end == std::string::npos ? "" : text.substr(end));
}

inline std::span<const std::byte> Bytes(std::string_view s) {
  return std::as_bytes(std::span(s.data(), s.size()));
}

}  // namespace safemodel::testing

#endif  // SAFEMODEL_TESTS_CRYPTO_CRYPTO_TEST_UTIL_H_
