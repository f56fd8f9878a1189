#include "format/layout.h"

#include <cstring>

#include "util/byte_reader.h"
#include "util/checked.h"
#include "util/text.h"

namespace safemodel::format {
namespace {

std::string At(uint64_t offset) { return HexOffset(offset); }

Result<SignatureRecord> DecodeRecord(std::span<const std::byte> rec, uint64_t base, size_t index) {
  const std::string where = "seal record " + std::to_string(index) + "@" + At(base);
  if (std::memcmp(rec.data() + kRecAlg, "ED", 2) != 0) {
    return Corruption(where + ": algorithm is not \"ED\" (Ed25519 over BLAKE2b-512)");
  }
  SignatureRecord r;
  std::memcpy(r.key_id.data(), rec.data() + kRecKeyId, r.key_id.size());
  std::memcpy(r.signature.data(), rec.data() + kRecSig, r.signature.size());
  std::memcpy(r.global_signature.data(), rec.data() + kRecGlobal, r.global_signature.size());
  size_t len = static_cast<uint8_t>(rec[kRecCommentLen]) |
               (static_cast<size_t>(static_cast<uint8_t>(rec[kRecCommentLen + 1])) << 8);
  if (len > kMaxTrustedCommentBytes) {
    return Corruption(where + ": trusted comment length " + std::to_string(len) + " over " +
                      std::to_string(kMaxTrustedCommentBytes));
  }
  auto comment = rec.subspan(kRecComment, len);
  auto pad = rec.subspan(kRecComment + len);
  if (size_t nz = FirstNonZero(pad); nz != pad.size()) {
    return Corruption(where + ": nonzero padding byte at " + At(base + kRecComment + len + nz));
  }
  r.trusted_comment.assign(reinterpret_cast<const char*>(comment.data()), comment.size());
  if (r.trusted_comment.find_first_of(std::string_view("\0\r\n", 3)) != std::string::npos) {
    return Corruption(where + ": trusted comment holds NUL, CR or LF");
  }
  return r;
}

}  // namespace

Result<Frame> ReadFrame(std::span<const std::byte> file, const LoadOptions& options) {
  Frame f;
  f.file_size = file.size();
  if (f.file_size < kPreambleSize + kFooterSize) {
    return Corruption("file is " + std::to_string(f.file_size) + " bytes, shorter than the " +
                      std::to_string(kPreambleSize + kFooterSize) +
                      " of an empty container (truncated, or not a .smdl file)");
  }
  if (std::memcmp(file.data(), kMagic.data(), kMagic.size()) != 0) {
    return Corruption("preamble@0x0: bad magic (not a .smdl file)");
  }
  // Footer: count, seal size, magic — read from the end.
  const uint64_t footer = f.file_size - kFooterSize;
  if (std::memcmp(file.data() + footer + 16, kSealMagic.data(), kSealMagic.size()) != 0) {
    return Corruption("footer@" + At(footer + 16) +
                      ": bad seal magic (file truncated, or bytes appended after the seal)");
  }
  const uint64_t count = GetU64LE(file.data() + footer);
  const uint64_t seal_size = GetU64LE(file.data() + footer + 8);
  if (count > options.max_signatures) {
    return LimitExceeded("footer@" + At(footer) + ": " + std::to_string(count) +
                         " signature records, over LoadOptions::max_signatures (" +
                         std::to_string(options.max_signatures) + ")");
  }
  // count <= max_signatures keeps this product small, but check anyway.
  auto expect = CheckedAdd(kFooterSize, CheckedMul(count, kRecordSize).value_or(UINT64_MAX));
  if (!expect || seal_size != *expect) {
    return Corruption("footer@" + At(footer + 8) + ": seal size " + std::to_string(seal_size) +
                      " does not match " + std::to_string(count) + " records");
  }
  if (seal_size > f.file_size - kPreambleSize) {
    return Corruption("footer@" + At(footer) + ": seal of " + std::to_string(seal_size) +
                      " bytes does not fit in a file of " + std::to_string(f.file_size));
  }
  f.seal_size = seal_size;
  f.seal_offset = f.file_size - seal_size;
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t at = f.seal_offset + i * kRecordSize;
    SAFEMODEL_ASSIGN_OR_RETURN(auto rec, DecodeRecord(file.subspan(at, kRecordSize), at, i));
    f.records.push_back(std::move(rec));
  }
  // Preamble.
  f.header_size = GetU64LE(file.data() + 8);
  if (f.header_size == 0 || f.header_size % 8 != 0) {
    return Corruption("preamble@0x8: header size " + std::to_string(f.header_size) +
                      " is not a positive multiple of 8");
  }
  if (f.header_size > options.max_header_size) {
    return LimitExceeded("preamble@0x8: header size " + std::to_string(f.header_size) +
                         " over LoadOptions::max_header_size (" +
                         std::to_string(options.max_header_size) + ")");
  }
  auto header_end = CheckedAdd(kPreambleSize, f.header_size);
  auto data_offset = header_end ? CheckedAlignUp(*header_end, kAlignment) : std::nullopt;
  if (!data_offset || *data_offset > f.seal_offset) {
    return Corruption("preamble@0x8: header size " + std::to_string(f.header_size) +
                      " runs past the seal at " + At(f.seal_offset));
  }
  f.data_offset = *data_offset;
  return f;
}

Result<std::string> EncodeSeal(std::span<const SignatureRecord> records) {
  for (const auto& r : records) {
    if (r.trusted_comment.size() > kMaxTrustedCommentBytes) {
      return InvalidArgument("trusted comment of " + std::to_string(r.trusted_comment.size()) +
                             " bytes does not fit in a seal record (at most " +
                             std::to_string(kMaxTrustedCommentBytes) + ")");
    }
  }
  std::string out(records.size() * kRecordSize + kFooterSize, '\0');
  auto* p = reinterpret_cast<std::byte*>(out.data());
  for (const auto& r : records) {
    std::memcpy(p + kRecAlg, "ED", 2);
    std::memcpy(p + kRecKeyId, r.key_id.data(), r.key_id.size());
    std::memcpy(p + kRecSig, r.signature.data(), r.signature.size());
    std::memcpy(p + kRecGlobal, r.global_signature.data(), r.global_signature.size());
    PutU16LE(p + kRecCommentLen, static_cast<uint16_t>(r.trusted_comment.size()));
    std::memcpy(p + kRecComment, r.trusted_comment.data(), r.trusted_comment.size());
    p += kRecordSize;
  }
  PutU64LE(p, records.size());
  PutU64LE(p + 8, out.size());
  std::memcpy(p + 16, kSealMagic.data(), kSealMagic.size());
  return out;
}

std::string EncodePreamble(uint64_t header_size) {
  std::string out(kMagic);
  out.resize(kPreambleSize);
  PutU64LE(reinterpret_cast<std::byte*>(out.data()) + 8, header_size);
  return out;
}

}  // namespace safemodel::format
