// Internal side of safemodel/weights_io.h: what backs a WeightSet, and
// in-memory readers that the file readers, the tests and the fuzzer share.
//
// The in-memory readers take the whole input as a span. Views in the result
// point either into that span (zero copy: the caller keeps it alive at least
// as long as the WeightSet, e.g. by moving the mapping into
// `storage->mapping`) or into buffers owned by the WeightSet.
#ifndef SAFEMODEL_INTEROP_WEIGHT_SET_H_
#define SAFEMODEL_INTEROP_WEIGHT_SET_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "safemodel/weights_io.h"
#include "util/file.h"

namespace safemodel {

// A .safemodel stores names of at most this many bytes; imports refuse longer
// ones up front so that an import can always be saved.
inline constexpr uint64_t kMaxTensorNameBytes = 64 * 1024;

// A new uninitialised buffer of `n` bytes (every byte is about to be
// written, and zeroing gigabytes first would double the cost). Sizes are
// bounded before this is called, but the machine may still say no:
// kLimitExceeded naming `where` then.
Result<std::unique_ptr<std::byte[]>> AllocateBytes(uint64_t n, std::string_view where);

struct WeightSet::Storage {
  MappedFile mapping;                                  // the input file, when views borrow it
  std::vector<std::unique_ptr<std::byte[]>> buffers;   // converted or inflated bytes

  // AllocateBytes, kept by this storage.
  Result<std::byte*> Allocate(uint64_t n, std::string_view where);
};

// kUnsupported/kCorruption (prefixed by `where`) unless `name` is a
// non-empty name of at most kMaxTensorNameBytes.
Status CheckTensorName(std::string_view name, std::string_view where);

// Checks a caller's tensors before a writer uses them: valid, unique names;
// a known dtype; bytes.size() == itemsize x product(shape) (checked).
// kInvalidArgument naming the tensor otherwise.
Status CheckTensorsForWrite(std::span<const TensorView> tensors);

// The readers behind ReadSafetensors/ReadNpy/ReadNpz, over bytes in memory.
// `npy_name` names the single tensor of a lone .npy.
Result<WeightSet> ParseSafetensors(std::span<const std::byte> bytes, const ImportOptions& options);
Result<WeightSet> ParseNpy(std::span<const std::byte> bytes, std::string npy_name,
                           const ImportOptions& options);
Result<WeightSet> ParseNpz(std::span<const std::byte> bytes, const ImportOptions& options);
// Chooses by the first bytes, like ReadWeights.
Result<WeightSet> ParseWeights(std::span<const std::byte> bytes, std::string npy_name,
                               const ImportOptions& options);

}  // namespace safemodel

#endif  // SAFEMODEL_INTEROP_WEIGHT_SET_H_
