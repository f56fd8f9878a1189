#include "crypto/lines.h"

#include <cstdio>

namespace safemodel::crypto {

bool LineReader::Next(std::string_view* line) {
  if (done_ || rest_.empty()) {
    done_ = true;
    return false;
  }
  const size_t nl = rest_.find('\n');
  std::string_view l = rest_.substr(0, nl);
  if (nl == std::string_view::npos) {
    rest_ = {};
  } else {
    rest_.remove_prefix(nl + 1);
  }
  if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
  *line = l;
  ++number_;
  return true;
}

bool IsBlank(std::string_view line) {
  return line.find_first_not_of(" \t") == std::string_view::npos;
}

std::string LineWhere(std::string_view source, std::string_view what, size_t line) {
  if (!source.empty()) return std::string(source) + ":" + std::to_string(line);
  return std::string(what) + " line " + std::to_string(line);
}

std::string Quote(std::string_view s, size_t max) {
  std::string out = "'";
  for (size_t i = 0; i < s.size() && i < max; ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c >= 0x7f || c == '\'' || c == '\\') {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  out += s.size() > max ? "'..." : "'";
  return out;
}

}  // namespace safemodel::crypto
