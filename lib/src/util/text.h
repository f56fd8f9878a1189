// Text checks for strings that come from files.
#ifndef SAFEMODEL_UTIL_TEXT_H_
#define SAFEMODEL_UTIL_TEXT_H_

#include <string>
#include <string_view>

namespace safemodel {

// Strict UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool IsValidUtf8(std::string_view s);

// True if `s` has a C0 control character or DEL (tab and newline included
// unless `allow_whitespace`).
bool HasControlChars(std::string_view s, bool allow_whitespace = false);

// Makes file-provided text safe to print on a terminal: control characters
// (and invalid UTF-8 bytes) become \xNN, backslash becomes \\.
std::string EscapeForTerminal(std::string_view s);

// Hex of bytes, lowercase.
std::string ToHex(std::string_view bytes);

}  // namespace safemodel

#endif  // SAFEMODEL_UTIL_TEXT_H_
