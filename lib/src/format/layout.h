// The byte layout of a .smdl file (docs/FORMAT.md): preamble, header,
// padding, data, seal. This module frames a file — finds the regions and
// decodes the fixed-size seal — without interpreting the header.
#ifndef SAFEMODEL_FORMAT_LAYOUT_H_
#define SAFEMODEL_FORMAT_LAYOUT_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "safemodel/options.h"
#include "safemodel/signature.h"
#include "safemodel/status.h"

namespace safemodel::format {

// "\x89SMDL\r\n\x1a": a high-bit byte (7-bit transfers), CR LF (newline
// conversion) and ^Z (DOS type) all break it, as PNG's magic does.
inline constexpr std::string_view kMagic{"\x89SMDL\r\n\x1a", 8};
inline constexpr std::string_view kSealMagic{"SMDLSEAL", 8};
inline constexpr uint64_t kPreambleSize = 16;   // magic + u64 header size
inline constexpr uint64_t kAlignment = 64;      // data region and every tensor
inline constexpr uint64_t kRecordSize = 512;    // one signature record
inline constexpr uint64_t kFooterSize = 24;     // count, seal size, magic
inline constexpr uint64_t kChunkSize = uint64_t{8} << 20;  // tensor hash chunks
inline constexpr uint64_t kHashSize = 32;       // BLAKE2b-256
inline constexpr uint32_t kFormatVersion = 1;

// Record layout offsets.
inline constexpr size_t kRecAlg = 0;        // "ED"
inline constexpr size_t kRecKeyId = 2;      // 8
inline constexpr size_t kRecSig = 10;       // 64
inline constexpr size_t kRecGlobal = 74;    // 64
inline constexpr size_t kRecCommentLen = 138;  // u16 LE
inline constexpr size_t kRecComment = 140;  // 372, zero padded
static_assert(kRecComment + kMaxTrustedCommentBytes == kRecordSize);

// Where the regions of a file are. Offsets are absolute.
struct Frame {
  uint64_t file_size = 0;
  uint64_t header_size = 0;   // bytes of the Cap'n Proto message
  uint64_t data_offset = 0;   // AlignUp(16 + header_size, 64)
  uint64_t seal_offset = 0;   // file_size - seal_size
  uint64_t seal_size = 0;
  std::vector<SignatureRecord> records;
};

// Reads the footer, every seal record and the preamble, checking each
// against the file size and `options`. Does not look at the header bytes.
Result<Frame> ReadFrame(std::span<const std::byte> file, const LoadOptions& options);

// The seal for `records`: records followed by the footer. kInvalidArgument if
// a trusted comment is too long for a record.
Result<std::string> EncodeSeal(std::span<const SignatureRecord> records);

// The 16-byte preamble for a header of `header_size` bytes.
std::string EncodePreamble(uint64_t header_size);

}  // namespace safemodel::format

#endif  // SAFEMODEL_FORMAT_LAYOUT_H_
