// Protocol-0 text decoding and numpy dtype strings (see vm_internal.h).
#include "pickle/vm_internal.h"

#include <charconv>

#include "util/text.h"

namespace safemodel::pickle::internal {
namespace {

void AppendUtf8(std::string* out, uint32_t cp) {
  if (cp < 0x80) {
    out->push_back(char(cp));
  } else if (cp < 0x800) {
    out->push_back(char(0xC0 | (cp >> 6)));
    out->push_back(char(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(char(0xE0 | (cp >> 12)));
    out->push_back(char(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(char(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(char(0xF0 | (cp >> 18)));
    out->push_back(char(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(char(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(char(0x80 | (cp & 0x3F)));
  }
}

std::optional<uint32_t> Hex(std::string_view s) {
  uint32_t v = 0;
  for (char c : s) {
    int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10
          : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
    if (d < 0) return std::nullopt;
    v = v * 16 + uint32_t(d);
  }
  return v;
}

}  // namespace

std::string Latin1ToUtf8(std::span<const std::byte> raw) {
  std::string out;
  out.reserve(raw.size());
  for (std::byte b : raw) AppendUtf8(&out, uint8_t(b));
  return out;
}

std::optional<std::string> Utf8ToLatin1(std::string_view text) {
  if (!IsValidUtf8(text)) return std::nullopt;
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    uint8_t c = uint8_t(text[i]);
    if (c < 0x80) {
      out.push_back(char(c));
    } else if ((c == 0xC2 || c == 0xC3) && i + 1 < text.size()) {
      out.push_back(char(((c & 0x1F) << 6) | (uint8_t(text[i + 1]) & 0x3F)));
      ++i;
    } else {
      return std::nullopt;  // code point above U+00FF
    }
  }
  return out;
}

Result<std::string> EscapeDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\') {
      out.push_back(s[i]);
      continue;
    }
    if (++i == s.size()) return Corruption("trailing backslash in STRING");
    char c = s[i];
    switch (c) {
      case '\n': break;
      case '\\': case '\'': case '"': out.push_back(c); break;
      case 'a': out.push_back('\a'); break;
      case 'b': out.push_back('\b'); break;
      case 'f': out.push_back('\f'); break;
      case 'n': out.push_back('\n'); break;
      case 'r': out.push_back('\r'); break;
      case 't': out.push_back('\t'); break;
      case 'v': out.push_back('\v'); break;
      case 'x': {
        auto h = i + 2 < s.size() ? Hex(s.substr(i + 1, 2)) : std::nullopt;
        if (!h) return Corruption("invalid \\x escape in STRING");
        out.push_back(char(*h));
        i += 2;
        break;
      }
      default:
        if (c >= '0' && c <= '7') {
          unsigned v = unsigned(c - '0');
          for (int k = 0; k < 2 && i + 1 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '7'; ++k) {
            v = v * 8 + unsigned(s[++i] - '0');
          }
          out.push_back(char(v & 0xFF));
        } else {  // unknown escapes keep their backslash, as Python does
          out.push_back('\\');
          out.push_back(c);
        }
    }
  }
  return out;
}

Result<std::string> RawUnicodeEscapeDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t run = 0;  // consecutive backslashes just before i
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\\' && run % 2 == 0 && i + 1 < s.size() && (s[i + 1] == 'u' || s[i + 1] == 'U')) {
      size_t n = s[i + 1] == 'u' ? 4 : 8;
      auto cp = i + 2 + n <= s.size() ? Hex(s.substr(i + 2, n)) : std::nullopt;
      if (!cp) return Corruption("truncated \\u escape in UNICODE");
      if (*cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF)) {
        return Unsupported("UNICODE holds a surrogate or out-of-range code point");
      }
      AppendUtf8(&out, *cp);
      i += 1 + n;
      run = 0;
      continue;
    }
    run = c == '\\' ? run + 1 : 0;
    AppendUtf8(&out, uint8_t(c));
  }
  return out;
}

std::optional<ParsedInt> ParseDecimalInt(std::string_view t, size_t max_bytes) {
  bool neg = false;
  if (!t.empty() && (t[0] == '-' || t[0] == '+')) {
    neg = t[0] == '-';
    t.remove_prefix(1);
  }
  if (t.empty() || t.size() > max_bytes * 3) return std::nullopt;
  for (char c : t) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  ParsedInt r;
  int64_t v = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec == std::errc() && p == t.data() + t.size()) {
    r.small = neg ? -v : v;
    return r;
  }
  // Magnitude as little-endian bytes: multiply-add per digit (bounded by max_bytes).
  std::string mag;
  for (char c : t) {
    unsigned carry = unsigned(c - '0');
    for (auto& b : mag) {
      unsigned x = unsigned(uint8_t(b)) * 10 + carry;
      b = char(x & 0xFF);
      carry = x >> 8;
    }
    if (carry) mag.push_back(char(carry));
  }
  mag.push_back('\0');  // room for the sign bit
  if (neg) {            // two's complement
    unsigned carry = 1;
    for (auto& b : mag) {
      unsigned x = unsigned(uint8_t(~uint8_t(b))) + carry;
      b = char(x & 0xFF);
      carry = x >> 8;
    }
  }
  // Minimal two's complement, as pickle's LONG1 writes it.
  while (mag.size() > 1) {
    uint8_t last = uint8_t(mag.back()), prev = uint8_t(mag[mag.size() - 2]);
    if ((last == 0x00 && prev < 0x80) || (last == 0xFF && prev >= 0x80)) {
      mag.pop_back();
    } else {
      break;
    }
  }
  if (mag.size() > max_bytes) return std::nullopt;
  r.big = true;
  r.bytes = std::move(mag);
  return r;
}

Result<std::shared_ptr<DTypeDesc>> ParseDTypeSpec(std::string_view spec) {
  auto d = std::make_shared<DTypeDesc>();
  std::string_view s = spec;
  char order = 0;
  if (!s.empty() && (s[0] == '<' || s[0] == '>' || s[0] == '|' || s[0] == '=')) {
    order = s[0] == '=' ? '<' : s[0];
    s.remove_prefix(1);
  }
  if (s.empty()) return Unsupported("empty dtype string");
  char kind = s[0] == '?' ? 'b' : s[0];
  s.remove_prefix(1);
  uint64_t n = 0;
  if (!s.empty()) {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec != std::errc() || p != s.data() + s.size() || n > (uint64_t{1} << 32)) {
      return Unsupported("dtype string is not understood");
    }
  }
  auto fixed = [&](std::initializer_list<uint64_t> ok) {
    for (uint64_t k : ok) {
      if (n == k) return true;
    }
    return false;
  };
  switch (kind) {
    case 'b': if (n == 0) n = 1; if (n != 1) return Unsupported("bool dtype of size != 1"); break;
    case 'i': case 'u': if (!fixed({1, 2, 4, 8})) return Unsupported("integer dtype size"); break;
    case 'f': if (!fixed({2, 4, 8, 16})) return Unsupported("float dtype size"); break;
    case 'c': if (!fixed({8, 16, 32})) return Unsupported("complex dtype size"); break;
    case 'O': n = 8; break;
    case 'V': case 'S': break;
    case 'U': n *= 4; break;
    case 'M': case 'm': return Unsupported("datetime dtypes are not supported");
    default: return Unsupported("dtype kind is not understood");
  }
  d->kind = kind;
  d->itemsize = n;
  d->byteorder = order ? order : (n <= 1 || kind == 'V' || kind == 'S' || kind == 'O' ? '|' : '<');
  return d;
}

}  // namespace safemodel::pickle::internal
