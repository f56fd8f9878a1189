// safemodel/writer.h — writing and signing .smdl files.
//
// Every write is atomic: bytes go to a temporary file next to the target,
// which is fsynced and renamed over it only when complete. A failure never
// leaves a half-written file behind, and never damages an existing one.
#ifndef SAFEMODEL_WRITER_H_
#define SAFEMODEL_WRITER_H_

#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "safemodel/keys.h"
#include "safemodel/metadata.h"
#include "safemodel/options.h"
#include "safemodel/status.h"
#include "safemodel/tensor.h"

namespace safemodel {

struct WriteOptions {
  // Threads for hashing tensors; 0 = one per core.
  unsigned hash_threads = 0;
  // (bytes done, total) while hashing and writing; may be empty.
  std::function<void(uint64_t, uint64_t)> progress;
};

// Writes an unsigned `weights` model: every tensor, in the given order.
// Tensor views borrow their bytes; they must stay valid during the call.
// Names must be unique, non-empty, valid UTF-8 without control characters
// (kInvalidArgument); bytes.size() must match dtype and shape.
Status WriteWeights(const std::string& path, const Metadata& metadata,
                    std::span<const TensorView> tensors, std::string_view framework = "",
                    const WriteOptions& options = {});

// The same file as WriteWeights, in memory (for processes that may not open
// files, such as the sandboxed converter).
Result<std::string> SerializeWeights(const Metadata& metadata, std::span<const TensorView> tensors,
                                     std::string_view framework = "", const WriteOptions& options = {});

// Adds a signature to a file in place, atomically. Only the seal is
// rewritten; the signed bytes are unchanged, so earlier signatures stay
// valid. The file's structure and tensor hashes are checked first (nobody
// should sign a damaged file), and the new signature is verified after it
// is made. A second signature by the same key replaces the first.
// An empty `trusted_comment` gets minisign's default
// "timestamp:<unix time>\tfile:<file name>".
Status SignFile(const std::string& path, const SecretKey& key, std::string_view trusted_comment,
                const LoadOptions& options = {});

// The bytes every signature covers: the preamble and the raw header, copied.
// (For exporting a signature to the minisign tool.)
Result<std::string> SignedBytes(const std::string& path, const LoadOptions& options = {});

}  // namespace safemodel

#endif  // SAFEMODEL_WRITER_H_
