// One NumPy .npy array in memory: decoding (shared by the .npy and .npz
// readers) and the header the .npz writer puts in front of each member.
//
// A .npy is "\x93NUMPY", a version (1.0, 2.0 or 3.0), the header length
// (u16 in 1.0, u32 after), a Python dict literal
//   {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
// padded with spaces and a newline, then the raw array bytes. The dict is
// parsed by a small strict parser for exactly those three keys; nothing is
// ever evaluated.
#ifndef SAFEMODEL_INTEROP_NPY_H_
#define SAFEMODEL_INTEROP_NPY_H_

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "safemodel/status.h"
#include "safemodel/tensor.h"
#include "safemodel/weights_io.h"

namespace safemodel {

// What a .npy header says, before any data is looked at.
struct NpyHeader {
  DType dtype = DType::kU8;
  bool big_endian = false;   // '>' on a multi-byte dtype
  bool fortran_order = false;
  std::vector<uint64_t> shape;
  uint64_t data_offset = 0;  // where the array bytes start
};

// A decoded array: little-endian, C order.
struct NpyArray {
  DType dtype = DType::kU8;
  std::vector<uint64_t> shape;
  // Into the input when no conversion was needed (zero copy), else into `owned`.
  std::span<const std::byte> data;
  std::unique_ptr<std::byte[]> owned;  // set after a byte swap or Fortran -> C reorder
};

// Parses magic, version, length and dict. `region` names the input in errors
// ("npy", "npz member 'a.npy'"), followed by "@<offset>".
// kCorruption: bad magic, lengths, dict syntax, unknown/missing/duplicate
// keys. kUnsupported: other versions, object ('O': a pickle), structured and
// other dtypes. kLimitExceeded: header or dims over `options`.
Result<NpyHeader> ParseNpyHeader(std::span<const std::byte> bytes, std::string_view region,
                                 const ImportOptions& options);

// ParseNpyHeader, then checks that the array bytes fill the rest of `bytes`
// exactly, and converts big-endian or Fortran-order data into owned storage.
Result<NpyArray> DecodeNpy(std::span<const std::byte> bytes, std::string_view region,
                           const ImportOptions& options);

// An array of fixed-width strings ('<U n': UCS-4, '|S n': bytes), each
// element as UTF-8 with numpy's trailing NULs stripped, in C order.
struct NpyText {
  std::vector<uint64_t> shape;
  std::vector<std::string> values;
};
// kUnsupported for any other dtype; kCorruption for sizes that disagree or
// a code point that is not a Unicode scalar value; kLimitExceeded past
// kMaxTextElements strings.
inline constexpr uint64_t kMaxTextElements = uint64_t{1} << 26;
Result<NpyText> DecodeNpyText(std::span<const std::byte> bytes, std::string_view region,
                              const ImportOptions& options);

// numpy's descr for a dtype ("<f4", "|u1", "|b1"); kUnsupported for bf16,
// which NumPy does not have.
Result<std::string> NpyDescr(DType dtype);

// Magic, version, length and space-padded dict for a little-endian, C-order
// array, laid out as numpy does: version 1.0 unless the header needs more
// than 65535 bytes (then 2.0), data starting at a multiple of 64.
Result<std::string> FormatNpyHeader(DType dtype, std::span<const uint64_t> shape);

}  // namespace safemodel

#endif  // SAFEMODEL_INTEROP_NPY_H_
