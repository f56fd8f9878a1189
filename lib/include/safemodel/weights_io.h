// safemodel/weights_io.h — reading and writing other weight formats.
//
// Import reads safetensors, NumPy .npy and .npz files *without* running
// anything: .npy headers are parsed as a restricted literal (never eval'd),
// object arrays ('O' dtype, i.e. pickles) are refused, always. safetensors'
// own strict rules apply: header size cap, JSON header, known dtypes,
// offsets that cover the data exactly, in order, without overlap.
//
// Export writes safetensors (with the model's metadata.extra as
// __metadata__) or .npz (tensor bytes only: .npz has no metadata). Writes are
// atomic (temporary file + rename).
#ifndef SAFEMODEL_WEIGHTS_IO_H_
#define SAFEMODEL_WEIGHTS_IO_H_

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "safemodel/status.h"
#include "safemodel/tensor.h"

namespace safemodel {

struct ImportOptions {
  // Largest input file (1 TiB).
  uint64_t max_file_size = uint64_t{1} << 40;
  // safetensors JSON header cap (100 MB, safetensors' own). Also caps a .npy
  // header (which numpy itself caps at 10 KB by default; we allow up to this).
  uint64_t max_header_size = 100'000'000;
  // Most tensors (1,000,000) and dimensions per tensor (64).
  uint64_t max_tensors = 1000000;
  uint64_t max_dims = 64;
  // For compressed .npz members: most bytes inflated in total (64 GiB) and the
  // largest inflated/compressed ratio accepted for members over 1 MiB (1000:1).
  // Stop: zip bombs.
  uint64_t max_decompressed_size = uint64_t{64} << 30;
  uint64_t max_compression_ratio = 1000;
};

// Tensors read from a foreign file. Owns whatever backs the views (a mapping
// of the input, or buffers for converted/decompressed tensors); views are
// valid while the WeightSet lives. Move-only.
class WeightSet {
 public:
  WeightSet();
  WeightSet(WeightSet&&) noexcept;
  WeightSet& operator=(WeightSet&&) noexcept;
  ~WeightSet();

  std::string format;                          // "safetensors", "npy" or "npz"
  std::vector<TensorView> tensors;             // in file order
  std::map<std::string, std::string> metadata; // safetensors __metadata__; empty otherwise

  // Storage backing the views (implementation detail).
  struct Storage;
  std::unique_ptr<Storage> storage;
};

Result<WeightSet> ReadSafetensors(const std::string& path, const ImportOptions& options = {});
// A single .npy becomes one tensor named after the file's stem.
Result<WeightSet> ReadNpy(const std::string& path, const ImportOptions& options = {});

// A .npy of fixed-width strings ('<U n' UCS-4 or '|S n' bytes): its shape
// and its elements as UTF-8 with numpy's trailing NULs stripped, in C order
// (categorical inputs). kUnsupported for any other dtype (object arrays are
// pickles and are never read).
struct StringArray {
  std::vector<uint64_t> shape;
  std::vector<std::string> values;
};
Result<StringArray> ReadNpyStrings(const std::string& path, const ImportOptions& options = {});
Result<WeightSet> ReadNpz(const std::string& path, const ImportOptions& options = {});
// Chooses by content (zip magic, "\x93NUMPY", else safetensors).
Result<WeightSet> ReadWeights(const std::string& path, const ImportOptions& options = {});

Status WriteSafetensors(const std::string& path, std::span<const TensorView> tensors,
                        const std::map<std::string, std::string>& metadata);
// bf16 has no NumPy dtype: kUnsupported naming the tensor.
Status WriteNpz(const std::string& path, std::span<const TensorView> tensors);

}  // namespace safemodel

#endif  // SAFEMODEL_WEIGHTS_IO_H_
