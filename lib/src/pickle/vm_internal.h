// Pieces of the VM shared between vm.cc, numpy.cc and joblib.cc. Not API.
#ifndef SAFEMODEL_PICKLE_VM_INTERNAL_H_
#define SAFEMODEL_PICKLE_VM_INTERNAL_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "pickle/value.h"
#include "safemodel/status.h"

namespace safemodel::pickle::internal {

// Parses a numpy.dtype() type string: "f8", "<i4", "V56", "O8", "U3", "b1"...
Result<std::shared_ptr<DTypeDesc>> ParseDTypeSpec(std::string_view spec);

// Text helpers for protocol 0.
std::string Latin1ToUtf8(std::span<const std::byte> raw);
// UTF-8 text to latin-1 bytes; nullopt if a code point is above U+00FF or the text is not UTF-8.
std::optional<std::string> Utf8ToLatin1(std::string_view text);
// Python's codecs.escape_decode of a STRING opcode body (quotes removed).
Result<std::string> EscapeDecode(std::string_view body);
// Python's raw-unicode-escape decoding of a UNICODE opcode line, as UTF-8.
Result<std::string> RawUnicodeEscapeDecode(std::string_view line);

// Decimal text ("-123", "123L") to an int: small or little-endian two's
// complement bytes (`big` set). nullopt if not a decimal integer.
struct ParsedInt {
  bool big = false;
  int64_t small = 0;
  std::string bytes;
};
std::optional<ParsedInt> ParseDecimalInt(std::string_view text, size_t max_bytes);

}  // namespace safemodel::pickle::internal

#endif  // SAFEMODEL_PICKLE_VM_INTERNAL_H_
