// libFuzzer target for the weights importers (safetensors, .npy, .npz).
//
// Every input goes through all readers over memory (no files). A result that
// parses is used whole: every byte of every tensor is read (so ASan sees any
// view past live memory), and whatever came in is written out as safetensors
// in memory and parsed again, which must succeed and give the same tensors.
// A refusal is a pass; only crashes, sanitizer reports, leaks, timeouts and
// the round-trip aborts fail.
//
// Build (the CMake wiring lives elsewhere):
//   clang++-14 -std=c++20 -fsanitize=fuzzer,address,undefined -I lib/include -I lib/src \
//     fuzz/interop_fuzz.cc lib/src/interop/*.cc lib/src/util/{byte_reader,file,status,tensor}.cc \
//     $(pkg-config --cflags --libs libzip) -o interop_fuzz
//   ./interop_fuzz fuzz/corpus/interop
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <span>
#include <string>

#include "interop/safetensors.h"
#include "interop/weight_set.h"
#include "util/byte_reader.h"

namespace {

using safemodel::ImportOptions;
using safemodel::Result;
using safemodel::TensorView;
using safemodel::WeightSet;

// Small enough that an inflating member or a long header cannot exhaust the
// fuzzer's memory, large enough for every path.
ImportOptions FuzzOptions() {
  ImportOptions options;
  options.max_header_size = 1 << 20;
  options.max_decompressed_size = 64 << 20;
  return options;
}

uint8_t Touch(const WeightSet& set) {
  uint8_t sum = 0;
  for (const TensorView& t : set.tensors) {
    if (t.bytes.size() != DTypeSize(t.dtype) * t.num_elements()) std::abort();
    for (std::byte b : t.bytes) sum ^= static_cast<uint8_t>(b);
    for (char c : t.name) sum ^= static_cast<uint8_t>(c);
  }
  for (const auto& [k, v] : set.metadata) sum ^= static_cast<uint8_t>(k.size() + v.size());
  return sum;
}

// Writes `set` as safetensors into memory and parses that again.
void RoundTrip(const WeightSet& set) {
  auto header = safemodel::FormatSafetensorsHeader(set.tensors, set.metadata);
  if (!header.ok()) {
    // Anything a safetensors file held is writable; an .npz member name may
    // not be (e.g. "__metadata__"), which the writer rightly refuses.
    if (set.format == "safetensors") std::abort();
    return;
  }
  std::string file(8, '\0');
  safemodel::PutU64LE(reinterpret_cast<std::byte*>(file.data()), header->size());
  file += *header;
  for (const TensorView& t : set.tensors) file.append(reinterpret_cast<const char*>(t.bytes.data()), t.bytes.size());
  auto again = safemodel::ParseSafetensors(
      {reinterpret_cast<const std::byte*>(file.data()), file.size()}, ImportOptions{});
  if (!again.ok() || again->tensors.size() != set.tensors.size() || again->metadata != set.metadata) std::abort();
  std::map<std::string, const TensorView*> by_name;
  for (const TensorView& t : again->tensors) by_name[t.name] = &t;
  for (const TensorView& t : set.tensors) {
    auto it = by_name.find(t.name);
    if (it == by_name.end() || it->second->dtype != t.dtype || it->second->shape != t.shape ||
        it->second->bytes.size() != t.bytes.size() ||
        (!t.bytes.empty() && std::memcmp(it->second->bytes.data(), t.bytes.data(), t.bytes.size()) != 0)) {
      std::abort();
    }
  }
}

void Use(Result<WeightSet> set) {
  if (!set.ok()) return;
  volatile uint8_t sink = Touch(*set);
  (void)sink;
  RoundTrip(*set);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  const ImportOptions options = FuzzOptions();
  Use(safemodel::ParseSafetensors(bytes, options));
  Use(safemodel::ParseNpy(bytes, "fuzz", options));
  Use(safemodel::ParseNpz(bytes, options));
  Use(safemodel::ParseWeights(bytes, "fuzz", options));
  return 0;
}
