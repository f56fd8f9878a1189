// joblib containers: compressed streams recognised by their magic bytes, as
// joblib's own reader does (joblib/compressor.py prefixes), never by the
// file name. Decompression is bounded in size and in ratio while it runs:
// the declared size of a stream is never trusted for an allocation.
#include <bzlib.h>
#include <lzma.h>
#include <zlib.h>

#include <cstring>

#include "pickle/vm.h"
#include "util/byte_reader.h"
#include "util/checked.h"

namespace safemodel::pickle {
namespace {

constexpr size_t kChunk = 256 * 1024;

bool StartsWith(std::span<const std::byte> b, std::string_view magic) {
  return b.size() >= magic.size() && std::memcmp(b.data(), magic.data(), magic.size()) == 0;
}

// Output buffer with the size and ratio checks of Limits.
class Sink {
 public:
  Sink(const Limits& l, std::string region) : l_(l), region_(std::move(region)) {}
  // Room for the next chunk of output.
  std::byte* Grow() {
    out_.resize(used_ + kChunk);
    return out_.data() + used_;
  }
  size_t room() const { return out_.size() - used_; }
  // `produced` bytes were written at Grow(); `consumed` is the compressed input read so far.
  Status Commit(size_t produced, uint64_t consumed) {
    used_ += produced;
    if (used_ > l_.max_decompressed_bytes) {
      return LimitExceeded(region_ + "@" + HexOffset(consumed) + ": decompresses to more than " +
                           std::to_string(l_.max_decompressed_bytes) + " bytes (limit)");
    }
    auto allowed = CheckedMul(std::max<uint64_t>(consumed, 1), l_.max_compression_ratio);
    if (used_ > (uint64_t{1} << 20) && allowed && used_ > *allowed) {
      return LimitExceeded(region_ + "@" + HexOffset(consumed) + ": compression ratio above " +
                           std::to_string(l_.max_compression_ratio) + ":1 (limit; a compression bomb?)");
    }
    return Status::Ok();
  }
  std::vector<std::byte> Take() {
    out_.resize(used_);
    return std::move(out_);
  }
  Status Error(uint64_t at, std::string_view what) const {
    return Corruption(region_ + "@" + HexOffset(at) + ": " + std::string(what));
  }
  uint64_t size() const { return used_; }

 private:
  const Limits& l_;
  std::string region_;
  std::vector<std::byte> out_;
  size_t used_ = 0;
};

// zlib (wbits 15) or gzip (wbits 31); concatenated members are followed.
Result<std::vector<std::byte>> Inflate(std::span<const std::byte> in, int wbits, const Limits& l, std::string region,
                                       uint64_t base) {
  Sink sink(l, region);
  z_stream z{};
  if (inflateInit2(&z, wbits) != Z_OK) return Corruption(region + ": inflateInit failed");
  struct Closer {
    z_stream* z;
    ~Closer() { inflateEnd(z); }
  } closer{&z};
  z.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(in.data()));
  size_t left = in.size();
  for (;;) {
    uInt feed = uInt(std::min<size_t>(left, 1u << 30));
    z.avail_in = feed;
    z.next_out = reinterpret_cast<Bytef*>(sink.Grow());
    z.avail_out = uInt(sink.room());
    int rc = inflate(&z, Z_NO_FLUSH);
    left -= feed - z.avail_in;
    uint64_t consumed = in.size() - left;
    SAFEMODEL_RETURN_IF_ERROR(sink.Commit(kChunk - z.avail_out, base + consumed));
    if (rc == Z_STREAM_END) {
      if (left == 0) break;
      if (inflateReset(&z) != Z_OK) return sink.Error(base + consumed, "inflateReset failed");
      continue;
    }
    if (rc == Z_BUF_ERROR && left == 0) return sink.Error(base + consumed, "truncated compressed stream");
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      return sink.Error(base + consumed, std::string("corrupt compressed data (") + (z.msg ? z.msg : "zlib") + ")");
    }
  }
  return sink.Take();
}

Result<std::vector<std::byte>> Bunzip(std::span<const std::byte> in, const Limits& l) {
  Sink sink(l, "joblib-bz2");
  size_t pos = 0;
  while (pos < in.size()) {  // one iteration per concatenated stream
    bz_stream b{};
    if (BZ2_bzDecompressInit(&b, 0, 0) != BZ_OK) return Corruption("joblib-bz2: init failed");
    struct Closer {
      bz_stream* b;
      ~Closer() { BZ2_bzDecompressEnd(b); }
    } closer{&b};
    b.next_in = reinterpret_cast<char*>(const_cast<std::byte*>(in.data() + pos));
    size_t left = in.size() - pos;
    for (;;) {
      unsigned feed = unsigned(std::min<size_t>(left, 1u << 30));
      b.avail_in = feed;
      b.next_out = reinterpret_cast<char*>(sink.Grow());
      b.avail_out = unsigned(sink.room());
      int rc = BZ2_bzDecompress(&b);
      left -= feed - b.avail_in;
      uint64_t consumed = in.size() - left;
      SAFEMODEL_RETURN_IF_ERROR(sink.Commit(kChunk - b.avail_out, consumed));
      if (rc == BZ_STREAM_END) {
        pos = consumed;
        break;
      }
      if (rc != BZ_OK) return sink.Error(consumed, "corrupt bz2 data");
      if (left == 0 && b.avail_out != 0) return sink.Error(consumed, "truncated bz2 stream");
    }
  }
  return sink.Take();
}

Result<std::vector<std::byte>> Unxz(std::span<const std::byte> in, bool alone, const Limits& l) {
  std::string region = alone ? "joblib-lzma" : "joblib-xz";
  Sink sink(l, region);
  lzma_stream s = LZMA_STREAM_INIT;
  constexpr uint64_t kMemLimit = uint64_t{256} << 20;  // decoder dictionary: stops huge-dictionary headers
  lzma_ret init = alone ? lzma_alone_decoder(&s, kMemLimit) : lzma_stream_decoder(&s, kMemLimit, LZMA_CONCATENATED);
  if (init != LZMA_OK) return Corruption(region + ": decoder init failed");
  struct Closer {
    lzma_stream* s;
    ~Closer() { lzma_end(s); }
  } closer{&s};
  s.next_in = reinterpret_cast<const uint8_t*>(in.data());
  s.avail_in = in.size();
  for (;;) {
    s.next_out = reinterpret_cast<uint8_t*>(sink.Grow());
    s.avail_out = sink.room();
    lzma_ret rc = lzma_code(&s, s.avail_in == 0 ? LZMA_FINISH : LZMA_RUN);
    uint64_t consumed = in.size() - s.avail_in;
    SAFEMODEL_RETURN_IF_ERROR(sink.Commit(kChunk - s.avail_out, consumed));
    if (rc == LZMA_STREAM_END) {
      if (s.avail_in != 0) return sink.Error(consumed, std::to_string(s.avail_in) + " trailing bytes after the stream");
      break;
    }
    if (rc == LZMA_MEMLIMIT_ERROR) return LimitExceeded(region + ": decoder needs more than 256 MiB of memory");
    if (rc != LZMA_OK) return sink.Error(consumed, "corrupt or truncated " + region.substr(7) + " data");
  }
  return sink.Take();
}

// joblib < 0.9.3: "ZF" + hex length padded to 19 characters (+ optional space) + zlib.
Result<std::vector<std::byte>> ZFile(std::span<const std::byte> in, const Limits& l) {
  constexpr size_t kHeader = 2 + 19;
  if (in.size() < kHeader) return Corruption("joblib-zf@0x0: header truncated");
  std::string_view hex(reinterpret_cast<const char*>(in.data()) + 2, 19);
  while (!hex.empty() && (hex.back() == ' ' || hex.back() == 'L')) hex.remove_suffix(1);
  if (hex.substr(0, 2) == "0x") hex.remove_prefix(2);
  uint64_t declared = 0;
  if (hex.empty() || hex.size() > 16) return Corruption("joblib-zf@0x2: length is not hex");
  for (char c : hex) {
    int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
    if (d < 0) return Corruption("joblib-zf@0x2: length is not hex");
    declared = declared * 16 + uint64_t(d);
  }
  size_t start = kHeader + (in.size() > kHeader && uint8_t(in[kHeader]) == ' ' ? 1 : 0);
  SAFEMODEL_ASSIGN_OR_RETURN(auto out, Inflate(in.subspan(start), 15, l, "joblib-zf", start));
  if (out.size() != declared) {
    return Corruption("joblib-zf@0x2: header says " + std::to_string(declared) + " bytes, stream holds " +
                      std::to_string(out.size()));
  }
  return out;
}

}  // namespace

Result<std::vector<std::byte>> Decompress(std::span<const std::byte> in, const Limits& l, std::string* container,
                                          bool* compressed) {
  *compressed = true;
  if (StartsWith(in, "ZF")) {
    *container = "joblib-zf";
    return ZFile(in, l);
  }
  if (StartsWith(in, "\x78")) {
    *container = "joblib-zlib";
    return Inflate(in, 15, l, *container, 0);
  }
  if (StartsWith(in, "\x1f\x8b")) {
    *container = "joblib-gzip";
    return Inflate(in, 31, l, *container, 0);
  }
  if (StartsWith(in, "BZ")) {
    *container = "joblib-bz2";
    return Bunzip(in, l);
  }
  if (StartsWith(in, "\xfd\x37\x7a\x58\x5a")) {
    *container = "joblib-xz";
    return Unxz(in, false, l);
  }
  if (StartsWith(in, std::string_view("\x5d\x00", 2))) {
    *container = "joblib-lzma";
    return Unxz(in, true, l);
  }
  if (StartsWith(in, "\x04\x22\x4d\x18")) {
    *container = "joblib-lz4";
    return Unsupported("joblib-lz4@0x0: lz4-compressed joblib files are not supported (no lz4 library); "
                       "re-save with compress=('zlib', 3) or another supported method");
  }
  if (StartsWith(in, "PK\x03\x04")) {
    *container = "zip";
    return Unsupported("zip@0x0: a zip archive (torch/npz?) is not a pickle or joblib file");
  }
  *container = "pickle";
  *compressed = false;
  return std::vector<std::byte>();
}

}  // namespace safemodel::pickle
