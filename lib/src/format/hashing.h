// Hashing tensor bytes on every core.
//
// A tensor of at most kChunkSize bytes hashes to BLAKE2b-256 of its bytes.
// A larger one is cut into kChunkSize chunks (the last may be shorter); each
// chunk hashes to BLAKE2b-256, and the tensor's hash is BLAKE2b-256 of the
// concatenated chunk digests. Chunks of all tensors form one work list that
// the threads share, so one huge tensor and many small ones both use every
// core.
#ifndef SAFEMODEL_FORMAT_HASHING_H_
#define SAFEMODEL_FORMAT_HASHING_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace safemodel::format {

using Digest = std::array<uint8_t, 32>;

struct TensorDigest {
  Digest hash{};
  std::string chunk_hashes;  // empty, or 32 bytes per chunk
};

// Number of chunk digests a tensor of `length` bytes carries (0 if it is
// hashed whole).
uint64_t ChunkCount(uint64_t length);

// Hashes every span. `threads` 0 = one per core. `progress` (may be empty) is
// called from the calling thread with (bytes done, total).
std::vector<TensorDigest> HashTensors(std::span<const std::span<const std::byte>> tensors,
                                      unsigned threads,
                                      const std::function<void(uint64_t, uint64_t)>& progress);

Digest Blake2b256(std::span<const std::byte> bytes);

}  // namespace safemodel::format

#endif  // SAFEMODEL_FORMAT_HASHING_H_
