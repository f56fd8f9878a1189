// A bounded cursor over untrusted bytes. Every read checks the remaining
// length and returns a Result; checks stay in release builds. Errors name the
// region and absolute byte offset ("safetensors@0x8: ...").
#ifndef SAFEMODEL_UTIL_BYTE_READER_H_
#define SAFEMODEL_UTIL_BYTE_READER_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

#include "safemodel/status.h"

namespace safemodel {

// "0x1a2f"
std::string HexOffset(uint64_t offset);

class ByteReader {
 public:
  // `base` is the absolute offset of bytes[0] in the file, for messages.
  ByteReader(std::span<const std::byte> bytes, std::string region, uint64_t base = 0)
      : bytes_(bytes), region_(std::move(region)), base_(base) {}

  uint64_t offset() const { return base_ + pos_; }  // absolute
  size_t remaining() const { return bytes_.size() - pos_; }
  bool empty() const { return pos_ == bytes_.size(); }

  // "region@0x..: what"
  std::string Where() const { return region_ + "@" + HexOffset(offset()); }
  Status Error(Code code, std::string_view what) const {
    return Status(code, Where() + ": " + std::string(what));
  }

  Result<std::span<const std::byte>> Bytes(size_t n) {
    if (n > remaining()) {
      return Error(Code::kCorruption, "need " + std::to_string(n) + " bytes, " +
                                          std::to_string(remaining()) + " left");
    }
    auto out = bytes_.subspan(pos_, n);
    pos_ += n;
    return out;
  }
  Result<uint8_t> U8() {
    SAFEMODEL_ASSIGN_OR_RETURN(auto b, Bytes(1));
    return static_cast<uint8_t>(b[0]);
  }
  Result<uint16_t> U16LE() { return Little<uint16_t>(); }
  Result<uint32_t> U32LE() { return Little<uint32_t>(); }
  Result<uint64_t> U64LE() { return Little<uint64_t>(); }

 private:
  template <typename T>
  Result<T> Little() {
    SAFEMODEL_ASSIGN_OR_RETURN(auto b, Bytes(sizeof(T)));
    T v = 0;
    for (size_t i = 0; i < sizeof(T); ++i) v |= static_cast<T>(static_cast<uint8_t>(b[i])) << (8 * i);
    return v;
  }

  std::span<const std::byte> bytes_;
  std::string region_;
  uint64_t base_;
  size_t pos_ = 0;
};

inline void PutU16LE(std::byte* p, uint16_t v) {
  for (int i = 0; i < 2; ++i) p[i] = std::byte(v >> (8 * i));
}
inline void PutU64LE(std::byte* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = std::byte(v >> (8 * i));
}
inline uint64_t GetU64LE(const std::byte* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= uint64_t(uint8_t(p[i])) << (8 * i);
  return v;
}

// True when every byte is zero.
bool AllZero(std::span<const std::byte> bytes);

// Index of the first nonzero byte, or bytes.size().
size_t FirstNonZero(std::span<const std::byte> bytes);

}  // namespace safemodel

#endif  // SAFEMODEL_UTIL_BYTE_READER_H_
