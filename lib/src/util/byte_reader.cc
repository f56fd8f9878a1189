#include "util/byte_reader.h"

#include <cstdio>

namespace safemodel {

std::string HexOffset(uint64_t offset) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(offset));
  return buf;
}

size_t FirstNonZero(std::span<const std::byte> bytes) {
  // Word at a time where aligned: padding checks run over whole files.
  size_t i = 0;
  const size_t n = bytes.size();
  while (i < n && (reinterpret_cast<uintptr_t>(bytes.data() + i) & 7) != 0) {
    if (bytes[i] != std::byte{0}) return i;
    ++i;
  }
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, bytes.data() + i, 8);
    if (w != 0) break;
  }
  for (; i < n; ++i) {
    if (bytes[i] != std::byte{0}) return i;
  }
  return n;
}

bool AllZero(std::span<const std::byte> bytes) { return FirstNonZero(bytes) == bytes.size(); }

}  // namespace safemodel
