#include "crypto/base64.h"

#include <sodium.h>

#include "crypto/secure_buffer.h"

namespace safemodel::crypto {

std::string Base64Encode(std::span<const uint8_t> bin) {
  (void)EnsureSodium();  // encoding does not depend on it; keeps the rule simple
  const size_t cap = sodium_base64_ENCODED_LEN(bin.size(), sodium_base64_VARIANT_ORIGINAL);
  std::string out(cap, '\0');
  sodium_bin2base64(out.data(), cap, bin.data(), bin.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(cap - 1);  // drop the NUL terminator
  return out;
}

namespace {

// 1 if `c` is in the base64 alphabet, else 0; no data-dependent branches,
// since for unencrypted keys the text is the secret.
unsigned IsBase64Char(unsigned char c) {
  const unsigned upper = (c >= 'A') & (c <= 'Z');
  const unsigned lower = (c >= 'a') & (c <= 'z');
  const unsigned digit = (c >= '0') & (c <= '9');
  return upper | lower | digit | (c == '+') | (c == '/');
}

// libsodium 1.0.18's decoder accepts bytes >= 0x80 as if they were base64
// characters, so two different texts could decode to the same key or
// signature. Check the alphabet and the padding ourselves first.
bool IsCanonicalAlphabet(std::string_view b64, size_t bin_len) {
  const size_t pad = (3 - bin_len % 3) % 3;
  unsigned ok = 1;
  for (size_t i = 0; i < b64.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(b64[i]);
    ok &= i + pad < b64.size() ? IsBase64Char(c) : static_cast<unsigned>(c == '=');
  }
  return ok == 1;
}

}  // namespace

Status Base64DecodeExact(std::string_view b64, std::span<uint8_t> out, std::string_view where) {
  const size_t want = Base64Length(out.size());
  // Checking the length first makes the message useful and means the decoder
  // below can never be asked to write more than out.size() bytes.
  if (b64.size() != want) {
    return Corruption(std::string(where) + ": expected " + std::to_string(want) +
                      " base64 characters (" + std::to_string(out.size()) + " bytes), got " +
                      std::to_string(b64.size()));
  }
  if (!IsCanonicalAlphabet(b64, out.size())) return Corruption(std::string(where) + ": invalid base64");
  size_t bin_len = 0;
  const char* end = nullptr;
  const int rc = sodium_base642bin(out.data(), out.size(), b64.data(), b64.size(), nullptr, &bin_len,
                                   &end, sodium_base64_VARIANT_ORIGINAL);
  if (rc != 0 || end != b64.data() + b64.size() || bin_len != out.size()) {
    return Corruption(std::string(where) + ": invalid base64");
  }
  return Status::Ok();
}

}  // namespace safemodel::crypto
