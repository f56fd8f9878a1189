#include "format/hashing.h"

#include <sodium.h>

#include <atomic>
#include <thread>

#include "format/layout.h"

namespace safemodel::format {
namespace {

struct WorkItem {
  size_t tensor;
  uint64_t chunk;   // index within the tensor
  uint64_t offset;  // within the tensor
  uint64_t length;
};

}  // namespace

Digest Blake2b256(std::span<const std::byte> bytes) {
  Digest d;
  crypto_generichash(d.data(), d.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                     bytes.size(), nullptr, 0);
  return d;
}

uint64_t ChunkCount(uint64_t length) {
  if (length <= kChunkSize) return 0;
  return length / kChunkSize + (length % kChunkSize != 0);
}

std::vector<TensorDigest> HashTensors(std::span<const std::span<const std::byte>> tensors,
                                      unsigned threads,
                                      const std::function<void(uint64_t, uint64_t)>& progress) {
  std::vector<WorkItem> items;
  std::vector<TensorDigest> out(tensors.size());
  uint64_t total = 0;
  for (size_t t = 0; t < tensors.size(); ++t) {
    const uint64_t len = tensors[t].size();
    total += len;
    const uint64_t n = ChunkCount(len);
    if (n == 0) {
      items.push_back({t, 0, 0, len});
      continue;
    }
    out[t].chunk_hashes.resize(n * kHashSize);
    for (uint64_t c = 0; c < n; ++c) {
      uint64_t off = c * kChunkSize;
      items.push_back({t, c, off, std::min(kChunkSize, len - off)});
    }
  }
  std::atomic<size_t> next{0};
  std::atomic<uint64_t> done{0};
  // Hashes one claimed item; false when the list is exhausted.
  auto step = [&]() -> bool {
    const size_t i = next.fetch_add(1, std::memory_order_relaxed);
    if (i >= items.size()) return false;
    const WorkItem& w = items[i];
    Digest d = Blake2b256(tensors[w.tensor].subspan(w.offset, w.length));
    TensorDigest& td = out[w.tensor];
    if (td.chunk_hashes.empty()) {
      td.hash = d;
    } else {
      std::copy(d.begin(), d.end(), td.chunk_hashes.begin() + static_cast<ptrdiff_t>(w.chunk * kHashSize));
    }
    done.fetch_add(w.length, std::memory_order_relaxed);
    return true;
  };
  unsigned n = threads ? threads : std::max(1u, std::thread::hardware_concurrency());
  if (n > items.size()) n = static_cast<unsigned>(std::max<size_t>(items.size(), 1));
  std::vector<std::jthread> pool;
  for (unsigned i = 1; i < n; ++i) pool.emplace_back([&] { while (step()) {} });
  // The calling thread hashes too, reporting progress between its items.
  while (step()) {
    if (progress) progress(done.load(std::memory_order_relaxed), total);
  }
  pool.clear();  // joins
  if (progress) progress(total, total);
  for (auto& td : out) {
    if (!td.chunk_hashes.empty()) {
      td.hash = Blake2b256(std::as_bytes(std::span(td.chunk_hashes)));
    }
  }
  return out;
}

}  // namespace safemodel::format
