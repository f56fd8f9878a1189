#include "interop/npy.h"

#include <array>
#include <cstring>
#include <optional>
#include <utility>

#include "interop/weight_set.h"
#include "util/byte_reader.h"
#include "util/checked.h"

namespace safemodel {
namespace {

constexpr std::string_view kMagic = "\x93NUMPY";
// No legal dict string (key or descr) is longer; bounding them keeps error
// messages short and refuses junk early.
constexpr size_t kMaxLiteralString = 64;

// The three keys of a .npy header dict, each seen at most once.
struct Seen {
  bool descr = false;
  bool fortran_order = false;
  bool shape = false;
};

// A strict parser for the one Python literal a .npy header may hold. It walks
// a bounded cursor over the header text and never evaluates anything.
class DictParser {
 public:
  DictParser(std::string_view text, std::string_view region, uint64_t base, bool python2_longs,
             const ImportOptions& options)
      : text_(text), region_(region), base_(base), python2_longs_(python2_longs), options_(options) {}

  Result<std::pair<std::string, NpyHeader>> Parse();

 private:
  Status Error(Code code, std::string_view what) const {
    return Status(code, std::string(region_) + "@" + HexOffset(base_ + pos_) + ": " + std::string(what));
  }
  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return AtEnd() ? '\0' : text_[pos_]; }
  void SkipSpace();
  bool Consume(char c);
  Status Expect(char c);
  Status Entries(std::string& descr, NpyHeader& header);
  Status Entry(Seen& seen, std::string& descr, NpyHeader& header);
  Result<std::string> String();
  Result<bool> Bool();
  Result<uint64_t> Int();
  Result<std::vector<uint64_t>> Shape();

  std::string_view text_;
  std::string_view region_;
  uint64_t base_;
  bool python2_longs_;
  const ImportOptions& options_;
  size_t pos_ = 0;
};

void DictParser::SkipSpace() {
  while (!AtEnd() && (Peek() == ' ' || Peek() == '\n' || Peek() == '\t' || Peek() == '\r')) ++pos_;
}

bool DictParser::Consume(char c) {
  SkipSpace();
  if (AtEnd() || Peek() != c) return false;
  ++pos_;
  return true;
}

Status DictParser::Expect(char c) {
  if (Consume(c)) return Status::Ok();
  return Error(Code::kCorruption, std::string("expected '") + c + "' in the header dict");
}

Result<std::string> DictParser::String() {
  SkipSpace();
  char quote = Peek();
  if (quote != '\'' && quote != '"') return Error(Code::kCorruption, "expected a string");
  ++pos_;
  std::string out;
  for (;;) {
    if (AtEnd()) return Error(Code::kCorruption, "unterminated string");
    char c = text_[pos_];
    if (c == quote) break;
    // Escapes and non-printable bytes never occur in keys or dtype strings.
    if (c == '\\' || c < 0x20 || c > 0x7e) return Error(Code::kCorruption, "unexpected character in string");
    if (out.size() == kMaxLiteralString) return Error(Code::kCorruption, "string too long");
    out += c;
    ++pos_;
  }
  ++pos_;
  return out;
}

Result<bool> DictParser::Bool() {
  SkipSpace();
  for (auto [word, value] : {std::pair{std::string_view("True"), true}, std::pair{std::string_view("False"), false}}) {
    if (text_.substr(pos_, word.size()) == word) {
      pos_ += word.size();
      return value;
    }
  }
  return Error(Code::kCorruption, "expected True or False");
}

Result<uint64_t> DictParser::Int() {
  SkipSpace();
  if (Peek() < '0' || Peek() > '9' || AtEnd()) return Error(Code::kCorruption, "expected a non-negative integer");
  // Python 3 forbids leading zeros ("03" is a syntax error), so do we.
  if (Peek() == '0' && pos_ + 1 < text_.size() && text_[pos_ + 1] >= '0' && text_[pos_ + 1] <= '9') {
    return Error(Code::kCorruption, "integer with a leading zero");
  }
  uint64_t value = 0;
  while (!AtEnd() && Peek() >= '0' && Peek() <= '9') {
    auto next = CheckedMul(value, 10);
    next = next ? CheckedAdd(*next, static_cast<uint64_t>(Peek() - '0')) : std::nullopt;
    if (!next) return Error(Code::kCorruption, "dimension does not fit in 64 bits");
    value = *next;
    ++pos_;
  }
  // Python 2 numpy wrote long dimensions as "3L"; numpy itself still accepts
  // them in version 1.0/2.0 headers.
  if (python2_longs_ && Peek() == 'L' && !AtEnd()) ++pos_;
  return value;
}

Result<std::vector<uint64_t>> DictParser::Shape() {
  SAFEMODEL_RETURN_IF_ERROR(Expect('('));
  std::vector<uint64_t> dims;
  bool trailing_comma = false;
  while (!Consume(')')) {
    if (dims.size() == options_.max_dims) {
      return Error(Code::kLimitExceeded, "more than " + std::to_string(options_.max_dims) +
                                             " dimensions (ImportOptions::max_dims)");
    }
    SAFEMODEL_ASSIGN_OR_RETURN(uint64_t d, Int());
    dims.push_back(d);
    trailing_comma = Consume(',');
    if (!trailing_comma) {
      SAFEMODEL_RETURN_IF_ERROR(Expect(')'));
      break;
    }
  }
  // "(3)" is the number 3 in Python, not a tuple; numpy refuses it too.
  if (dims.size() == 1 && !trailing_comma) return Error(Code::kCorruption, "shape is not a tuple");
  return dims;
}

Status DictParser::Entry(Seen& seen, std::string& descr, NpyHeader& header) {
  SkipSpace();
  size_t key_pos = pos_;
  SAFEMODEL_ASSIGN_OR_RETURN(std::string key, String());
  SAFEMODEL_RETURN_IF_ERROR(Expect(':'));
  bool* flag = key == "descr" ? &seen.descr
               : key == "fortran_order" ? &seen.fortran_order
               : key == "shape" ? &seen.shape : nullptr;
  if (!flag || *flag) {
    pos_ = key_pos;
    return Error(Code::kCorruption, (flag ? "duplicate key '" : "unknown key '") + key + "'");
  }
  *flag = true;
  if (key == "shape") {
    SAFEMODEL_ASSIGN_OR_RETURN(header.shape, Shape());
  } else if (key == "fortran_order") {
    SAFEMODEL_ASSIGN_OR_RETURN(header.fortran_order, Bool());
  } else {
    SkipSpace();
    if (Peek() == '[') return Error(Code::kUnsupported, "structured dtypes are not supported");
    SAFEMODEL_ASSIGN_OR_RETURN(descr, String());
  }
  return Status::Ok();
}

Status DictParser::Entries(std::string& descr, NpyHeader& header) {
  Seen seen;
  SAFEMODEL_RETURN_IF_ERROR(Expect('{'));
  while (!Consume('}')) {
    SAFEMODEL_RETURN_IF_ERROR(Entry(seen, descr, header));
    if (!Consume(',')) {
      SAFEMODEL_RETURN_IF_ERROR(Expect('}'));
      break;
    }
  }
  if (!seen.descr || !seen.fortran_order || !seen.shape) {
    return Error(Code::kCorruption, "the header dict needs exactly 'descr', 'fortran_order' and 'shape'");
  }
  return Status::Ok();
}

Result<std::pair<std::string, NpyHeader>> DictParser::Parse() {
  std::string descr;
  NpyHeader header;
  SAFEMODEL_RETURN_IF_ERROR(Entries(descr, header));
  SkipSpace();
  if (!AtEnd()) return Error(Code::kCorruption, "unexpected text after the header dict");
  return std::pair{std::move(descr), std::move(header)};
}

// ---- descr ------------------------------------------------------------------

struct DescrSpelling {
  std::string_view code;  // kind + itemsize, without the byte-order character
  DType dtype;
};
constexpr std::array<DescrSpelling, 12> kDescrs = {{
    {"f2", DType::kF16}, {"f4", DType::kF32}, {"f8", DType::kF64}, {"i1", DType::kI8},
    {"i2", DType::kI16}, {"i4", DType::kI32}, {"i8", DType::kI64}, {"u1", DType::kU8},
    {"u2", DType::kU16}, {"u4", DType::kU32}, {"u8", DType::kU64}, {"b1", DType::kBool},
}};

std::optional<DType> DTypeFromCode(std::string_view code) {
  for (const auto& d : kDescrs) {
    if (d.code == code) return d.dtype;
  }
  return std::nullopt;
}

// Sets header.dtype / big_endian from a descr such as "<f4", "|u1", ">i8".
Status ParseDescr(std::string_view descr, NpyHeader& header, const std::string& where) {
  char order = descr.empty() ? '\0' : descr[0];
  bool has_order = order == '<' || order == '>' || order == '|' || order == '=';
  std::string_view code = has_order ? descr.substr(1) : descr;
  if (!code.empty() && code[0] == 'O') {
    return Unsupported(where + ": dtype '" + std::string(descr) +
                       "': object arrays are pickles and are never loaded");
  }
  auto dtype = DTypeFromCode(code);
  if (!dtype) return Unsupported(where + ": dtype '" + std::string(descr) + "' is not supported");
  bool multi_byte = DTypeSize(*dtype) > 1;
  // '|' means "byte order does not apply": numpy only writes it for 1-byte types.
  if (order == '|' && multi_byte) {
    return Corruption(where + ": dtype '" + std::string(descr) + "' has no byte order");
  }
  header.dtype = *dtype;
  // '=' (native) is read as little-endian: this library only runs there and
  // numpy itself never writes '=' into a file.
  header.big_endian = order == '>' && multi_byte;
  return Status::Ok();
}

// ---- Preamble -----------------------------------------------------------------

struct Preamble {
  uint8_t major = 0;
  std::span<const std::byte> dict;  // the header text
  uint64_t dict_offset = 0;
};

Result<uint64_t> ReadHeaderLength(ByteReader& r, uint8_t major) {
  if (major == 1) {
    SAFEMODEL_ASSIGN_OR_RETURN(uint16_t n, r.U16LE());
    return n;
  }
  SAFEMODEL_ASSIGN_OR_RETURN(uint32_t n, r.U32LE());
  return n;
}

Status ErrorAt(std::string_view region, uint64_t offset, Code code, const std::string& what) {
  return Status(code, std::string(region) + "@" + HexOffset(offset) + ": " + what);
}

Result<Preamble> ReadPreamble(ByteReader& r, std::string_view region, const ImportOptions& options) {
  SAFEMODEL_ASSIGN_OR_RETURN(auto magic, r.Bytes(kMagic.size()));
  if (std::memcmp(magic.data(), kMagic.data(), kMagic.size()) != 0) {
    return ErrorAt(region, 0, Code::kCorruption, "not a .npy file (bad magic)");
  }
  uint64_t version_at = r.offset();
  SAFEMODEL_ASSIGN_OR_RETURN(uint8_t major, r.U8());
  SAFEMODEL_ASSIGN_OR_RETURN(uint8_t minor, r.U8());
  if (major < 1 || major > 3 || minor != 0) {
    return ErrorAt(region, version_at, Code::kUnsupported,
                   "version " + std::to_string(major) + "." + std::to_string(minor) + " (only 1.0, 2.0 and 3.0)");
  }
  uint64_t length_at = r.offset();
  SAFEMODEL_ASSIGN_OR_RETURN(uint64_t n, ReadHeaderLength(r, major));
  if (n > options.max_header_size) {
    return ErrorAt(region, length_at, Code::kLimitExceeded,
                   "header length " + std::to_string(n) + " is over the limit of " +
                       std::to_string(options.max_header_size) + " (ImportOptions::max_header_size)");
  }
  Preamble p{major, {}, r.offset()};
  SAFEMODEL_ASSIGN_OR_RETURN(p.dict, r.Bytes(static_cast<size_t>(n)));
  return p;
}

// ---- Conversions ----------------------------------------------------------------

template <size_t kSize>
void SwapAll(std::byte* data, uint64_t count) {
  for (uint64_t i = 0; i < count; ++i, data += kSize) {
    std::array<std::byte, kSize> tmp;
    std::memcpy(tmp.data(), data, kSize);
    for (size_t b = 0; b < kSize; ++b) data[b] = tmp[kSize - 1 - b];
  }
}

void SwapBytes(std::byte* data, uint64_t count, size_t itemsize) {
  switch (itemsize) {
    case 2: SwapAll<2>(data, count); break;
    case 4: SwapAll<4>(data, count); break;
    case 8: SwapAll<8>(data, count); break;
    default: break;  // 1-byte elements have no byte order
  }
}

// Copies a Fortran-order (first index fastest) array into C order (last index
// fastest) by walking the C indices as an odometer and keeping the matching
// Fortran offset. `count` * itemsize was checked by the caller, so no stride
// overflows.
template <size_t kSize>
void FortranToCTyped(const std::byte* src, std::byte* dst, std::span<const uint64_t> shape, uint64_t count) {
  size_t ndim = shape.size();
  std::vector<uint64_t> index(ndim, 0), stride(ndim);
  for (size_t k = 0; k < ndim; ++k) stride[k] = k == 0 ? kSize : stride[k - 1] * shape[k - 1];
  uint64_t from = 0;
  for (uint64_t i = 0; i < count; ++i, dst += kSize) {
    std::memcpy(dst, src + from, kSize);
    for (size_t k = ndim; k-- > 0;) {
      if (++index[k] < shape[k]) {
        from += stride[k];
        break;
      }
      from -= stride[k] * (shape[k] - 1);
      index[k] = 0;
    }
  }
}

void FortranToC(const std::byte* src, std::byte* dst, std::span<const uint64_t> shape, uint64_t count,
                size_t itemsize) {
  switch (itemsize) {
    case 1: FortranToCTyped<1>(src, dst, shape, count); break;
    case 2: FortranToCTyped<2>(src, dst, shape, count); break;
    case 4: FortranToCTyped<4>(src, dst, shape, count); break;
    default: FortranToCTyped<8>(src, dst, shape, count); break;
  }
}

// Brings `array.data` to little-endian C order in owned memory.
Status Convert(NpyArray& array, const NpyHeader& header, uint64_t count, std::string_view where) {
  size_t itemsize = DTypeSize(header.dtype);
  SAFEMODEL_ASSIGN_OR_RETURN(array.owned, AllocateBytes(array.data.size(), where));
  bool reorder = header.fortran_order && header.shape.size() > 1;
  if (reorder) {
    FortranToC(array.data.data(), array.owned.get(), header.shape, count, itemsize);
  } else if (!array.data.empty()) {
    std::memcpy(array.owned.get(), array.data.data(), array.data.size());
  }
  if (header.big_endian) SwapBytes(array.owned.get(), count, itemsize);
  array.data = {array.owned.get(), array.data.size()};
  return Status::Ok();
}

}  // namespace

namespace {

// The dict's descr (uninterpreted) and the rest of the header.
struct RawHeader {
  std::string descr;
  uint64_t descr_at = 0;  // offset of the dict, for messages
  NpyHeader header;
};

Result<RawHeader> ParseRawHeader(std::span<const std::byte> bytes, std::string_view region,
                                 const ImportOptions& options) {
  ByteReader r(bytes, std::string(region));
  SAFEMODEL_ASSIGN_OR_RETURN(Preamble p, ReadPreamble(r, region, options));
  std::string_view text(reinterpret_cast<const char*>(p.dict.data()), p.dict.size());
  DictParser parser(text, region, p.dict_offset, /*python2_longs=*/p.major < 3, options);
  SAFEMODEL_ASSIGN_OR_RETURN(auto parsed, parser.Parse());
  RawHeader raw{std::move(parsed.first), p.dict_offset, std::move(parsed.second)};
  raw.header.data_offset = r.offset();
  return raw;
}

// Appends code point `c` as UTF-8; false for surrogates and values past U+10FFFF.
bool AppendUtf8(std::string& out, uint32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xc0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3f));
  } else if (c < 0x10000) {
    if (c >= 0xd800 && c < 0xe000) return false;
    out += static_cast<char>(0xe0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (c & 0x3f));
  } else if (c <= 0x10ffff) {
    out += static_cast<char>(0xf0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (c & 0x3f));
  } else {
    return false;
  }
  return true;
}

}  // namespace

Result<NpyHeader> ParseNpyHeader(std::span<const std::byte> bytes, std::string_view region,
                                 const ImportOptions& options) {
  SAFEMODEL_ASSIGN_OR_RETURN(RawHeader raw, ParseRawHeader(bytes, region, options));
  SAFEMODEL_RETURN_IF_ERROR(ParseDescr(raw.descr, raw.header, std::string(region) + "@" + HexOffset(raw.descr_at)));
  return raw.header;
}

Result<NpyText> DecodeNpyText(std::span<const std::byte> bytes, std::string_view region,
                              const ImportOptions& options) {
  SAFEMODEL_ASSIGN_OR_RETURN(RawHeader raw, ParseRawHeader(bytes, region, options));
  const std::string where = std::string(region) + "@" + HexOffset(raw.descr_at);
  std::string_view d = raw.descr;
  const char order = d.empty() ? '\0' : d[0];
  if (order == '<' || order == '>' || order == '|' || order == '=') d.remove_prefix(1);
  const char kind = d.empty() ? '\0' : d[0];
  uint64_t chars = 0;
  if (kind == 'U' || kind == 'S') {
    d.remove_prefix(1);
    if (d.empty() || d.size() > 9 || d.find_first_not_of("0123456789") != std::string_view::npos) {
      return Unsupported(where + ": dtype '" + raw.descr + "' is not a string dtype");
    }
    for (char c : d) chars = chars * 10 + static_cast<uint64_t>(c - '0');
  } else {
    return Unsupported(where + ": dtype '" + raw.descr + "' is not a string dtype ('<U n' or '|S n')");
  }
  const uint64_t unit = kind == 'U' ? 4 : 1;
  const bool big = kind == 'U' && order == '>';
  const NpyHeader& h = raw.header;
  auto count = CheckedProduct(h.shape);
  auto need = count ? CheckedMul(*count, chars * unit) : std::nullopt;
  const uint64_t have = bytes.size() - h.data_offset;
  if (!need || have != *need) {
    return Corruption(where + ": dtype '" + raw.descr + "' shape " + ShapeString(h.shape) + " does not match the " +
                      std::to_string(have) + " data bytes");
  }
  if (*count > kMaxTextElements) {  // also bounds '<U0' arrays, which have no bytes at all
    return LimitExceeded(where + ": " + std::to_string(*count) + " strings, over the limit of " +
                         std::to_string(kMaxTextElements));
  }
  NpyText out;
  out.shape = h.shape;
  out.values.resize(*count);
  const std::byte* data = bytes.data() + h.data_offset;
  // Element k of the file is element `dst` in C order.
  std::vector<uint64_t> index(h.shape.size(), 0);
  for (uint64_t k = 0; k < *count; ++k) {
    uint64_t dst = k;
    if (h.fortran_order && h.shape.size() > 1) {
      dst = 0;
      for (size_t a = 0; a < h.shape.size(); ++a) dst = dst * h.shape[a] + index[a];
      for (size_t a = 0; a < h.shape.size(); ++a) {  // Fortran odometer: first index fastest
        if (++index[a] < h.shape[a]) break;
        index[a] = 0;
      }
    }
    std::string& s = out.values[dst];
    const std::byte* e = data + k * chars * unit;
    uint64_t len = chars;  // numpy strips trailing NULs
    while (len > 0) {
      uint32_t c = 0;
      for (uint64_t b = 0; b < unit; ++b) {
        const auto byte = static_cast<uint32_t>(e[(len - 1) * unit + b]);
        c |= big ? byte << (8 * (unit - 1 - b)) : byte << (8 * b);
      }
      if (c != 0) break;
      --len;
    }
    for (uint64_t i = 0; i < len; ++i) {
      uint32_t c = 0;
      for (uint64_t b = 0; b < unit; ++b) {
        const auto byte = static_cast<uint32_t>(e[i * unit + b]);
        c |= big ? byte << (8 * (unit - 1 - b)) : byte << (8 * b);
      }
      if (kind == 'S') {
        s += static_cast<char>(c);
      } else if (!AppendUtf8(s, c)) {
        return Corruption(where + ": element " + std::to_string(dst) + " holds U+" + std::to_string(c) +
                          ", not a Unicode scalar value");
      }
    }
  }
  return out;
}

Result<NpyArray> DecodeNpy(std::span<const std::byte> bytes, std::string_view region,
                           const ImportOptions& options) {
  SAFEMODEL_ASSIGN_OR_RETURN(NpyHeader header, ParseNpyHeader(bytes, region, options));
  std::string where = std::string(region) + "@" + HexOffset(header.data_offset);
  auto count = CheckedProduct(header.shape);
  auto need = count ? CheckedMul(*count, DTypeSize(header.dtype)) : std::nullopt;
  if (!need) return Corruption(where + ": shape " + ShapeString(header.shape) + " needs more than 2^64 bytes");
  uint64_t have = bytes.size() - header.data_offset;
  if (have != *need) {
    return Corruption(where + ": dtype " + std::string(DTypeName(header.dtype)) + " shape " +
                      ShapeString(header.shape) + " needs " + std::to_string(*need) + " data bytes, " +
                      std::to_string(have) + " present");
  }
  NpyArray array{header.dtype, header.shape, bytes.subspan(static_cast<size_t>(header.data_offset)), nullptr};
  if (header.big_endian || (header.fortran_order && header.shape.size() > 1)) {
    SAFEMODEL_RETURN_IF_ERROR(Convert(array, header, *count, where));
  }
  return array;
}

Result<std::string> NpyDescr(DType dtype) {
  for (const auto& d : kDescrs) {
    if (d.dtype == dtype) return std::string(DTypeSize(dtype) == 1 ? "|" : "<") + std::string(d.code);
  }
  return Unsupported("dtype " + std::string(DTypeName(dtype)) + " has no NumPy equivalent");
}

Result<std::string> FormatNpyHeader(DType dtype, std::span<const uint64_t> shape) {
  SAFEMODEL_ASSIGN_OR_RETURN(std::string descr, NpyDescr(dtype));
  std::string tuple = "(";
  for (size_t i = 0; i < shape.size(); ++i) tuple += (i ? ", " : "") + std::to_string(shape[i]);
  tuple += shape.size() == 1 ? ",)" : ")";
  std::string dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + tuple + ", }";
  // numpy pads with spaces plus a final newline so the data starts at a
  // multiple of 64 (and always pads by at least one byte).
  for (uint8_t major : {1, 2}) {
    size_t prefix = kMagic.size() + 2 + (major == 1 ? 2 : 4);
    size_t pad = 64 - (prefix + dict.size() + 1) % 64;
    size_t length = dict.size() + pad + 1;
    if (major == 1 && length > 0xffff) continue;
    std::string out(kMagic);
    out += static_cast<char>(major);
    out += '\0';
    for (size_t b = 0; b < prefix - kMagic.size() - 2; ++b) out += static_cast<char>((length >> (8 * b)) & 0xff);
    return out + dict + std::string(pad, ' ') + "\n";
  }
  return InvalidArgument("shape " + ShapeString(shape) + " makes a .npy header over 4 GiB");
}

}  // namespace safemodel

// ---- A lone .npy ----------------------------------------------------------------

namespace safemodel {

Result<WeightSet> ParseNpy(std::span<const std::byte> bytes, std::string npy_name, const ImportOptions& options) {
  if (bytes.size() > options.max_file_size) {
    return LimitExceeded("npy: " + std::to_string(bytes.size()) + " bytes, over the limit of " +
                         std::to_string(options.max_file_size) + " (ImportOptions::max_file_size)");
  }
  SAFEMODEL_RETURN_IF_ERROR(CheckTensorName(npy_name, "npy"));
  SAFEMODEL_ASSIGN_OR_RETURN(NpyArray array, DecodeNpy(bytes, "npy", options));
  WeightSet set;
  set.format = "npy";
  if (array.owned) set.storage->buffers.push_back(std::move(array.owned));
  set.tensors.push_back(TensorView{std::move(npy_name), array.dtype, std::move(array.shape), array.data});
  return set;
}

}  // namespace safemodel
