// safemodel/options.h — every limit applied while loading a .smdl file.
//
// Each default is chosen to accept any reasonable model and each field names
// the attack it stops. Exceeding a limit is a kLimitExceeded error naming the
// field, never a crash or an allocation of attacker-chosen size.
#ifndef SAFEMODEL_OPTIONS_H_
#define SAFEMODEL_OPTIONS_H_

#include <cstdint>
#include <functional>
#include <memory>

namespace safemodel {

class KindRegistry;

struct LoadOptions {
  // Largest file accepted (1 TiB). Stops: mapping absurd files, size maths
  // near UINT64_MAX.
  uint64_t max_file_size = uint64_t{1} << 40;

  // Largest header (64 MiB). The header is copied into owned memory before it
  // is verified and parsed, so this bounds that allocation.
  uint64_t max_header_size = uint64_t{64} << 20;

  // Cap'n Proto traversal limit, in 8-byte words. Stops amplification by
  // pointers that alias the same data. Effective limit is
  // min(this, 2 * header words + 1024).
  uint64_t max_traversal_words = uint64_t{64} << 20;

  // Cap'n Proto nesting limit. Stops stack exhaustion by deep structures.
  int max_nesting_depth = 64;

  // Most tensors in one file (1,000,000). Stops tables that cost more to
  // check than to read.
  uint64_t max_tensors = 1000000;

  // Most dimensions of one tensor (64).
  uint64_t max_dims = 64;

  // Longest tensor name, metadata string or map entry (64 KiB).
  uint64_t max_string_bytes = uint64_t{64} << 10;

  // Most seal records (64). Each is 512 bytes and costs two Ed25519 checks.
  uint64_t max_signatures = 64;

  // Copy tensor bytes into memory the process owns before hashing them,
  // instead of using the read-only mapping. Use it when someone else may
  // rewrite the file while it is in use: a mapping would then change after
  // it was checked. Costs one copy of the data.
  bool copy_tensors = false;

  // Threads for hashing tensor bytes and building large tree ensembles;
  // 0 = one per core.
  unsigned hash_threads = 0;

  // Called now and then while tensor bytes are hashed: (bytes done, total).
  // May be empty. Called from the loading thread only.
  std::function<void(uint64_t, uint64_t)> progress;

  // The user-defined model kinds this program reads (safemodel/extension.h).
  // Empty: none; a file of any custom kind is refused, naming the kind.
  std::shared_ptr<const KindRegistry> kinds;
};

}  // namespace safemodel

#endif  // SAFEMODEL_OPTIONS_H_
