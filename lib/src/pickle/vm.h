// The pickle VM: runs protocol 0-5 opcodes (and joblib's inline arrays) over
// untrusted bytes and builds an inert Graph. It never imports, calls or
// evaluates anything: names resolve only against the allowlist
// (allowlist.h), and the few functions real files call are emulated for
// their exact argument shapes (docs/PICKLE.md).
//
// Errors name the opcode's offset in the (decompressed) stream:
//   "pickle@0x1a2f: GLOBAL 'posix.system' is not allowed"
// Codes: kCorruption (broken stream: bad opcode, truncation, memo miss, stack
// underflow, trailing bytes), kUnsupported (a name that is not allowed, a
// refused operation such as BUILD on a global, out-of-band buffers),
// kLimitExceeded (a field of Limits).
//
// Thread-safety: the functions are reentrant; a Graph is immutable once
// returned and may be read from several threads.
#ifndef SAFEMODEL_PICKLE_VM_H_
#define SAFEMODEL_PICKLE_VM_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "pickle/value.h"
#include "safemodel/status.h"

namespace safemodel::pickle {

// Every bound the VM enforces. Defaults suit scikit-learn models of a few GiB.
struct Limits {
  // Values on the stack (all mark levels together). Stops memory blow-up via
  // millions of pushed values that are never consumed.
  uint64_t max_stack = 1u << 20;
  // MARK nesting. Stops "1e6 MARKs" and, with max_depth, deep recursion in consumers.
  uint64_t max_marks = 512;
  // Memo entries. Stops a huge sparse memo (LONG_BINPUT 0xffffffff, 2^32 PUTs).
  uint64_t max_memo = 1u << 22;
  // Depth of the finished graph (container in container ...). Consumers may
  // recurse this deep. Stops nested EMPTY_LIST/APPEND towers.
  uint64_t max_depth = 256;
  // Nodes created. Stops node floods (each costs ~300 bytes of memory).
  uint64_t max_nodes = 1u << 23;
  // Nodes of the graph expanded as a tree (shared nodes counted once per
  // reference). Stops "billion laughs" memo sharing that explodes a walk.
  uint64_t max_expanded_nodes = 1u << 25;
  // Length of one str/bytes/bytearray/array payload. Stops BINUNICODE8 2^63.
  uint64_t max_string_bytes = uint64_t{4} << 30;
  // Length of one protocol-0 text line (GLOBAL names, INT/FLOAT/STRING text).
  uint64_t max_line_bytes = 1u << 20;
  // Bytes of one arbitrary-size integer (LONG1/LONG4/LONG). Python ints in
  // models are small; stops quadratic decimal conversion.
  uint64_t max_bigint_bytes = 1024;
  // Memory the VM allocates for the graph (nodes, copied strings, decoded
  // bytes). Input bytes borrowed in place are not counted.
  uint64_t max_total_bytes = uint64_t{8} << 30;
  // Decompressed size of a compressed joblib file, and the largest
  // decompressed/compressed ratio (checked while inflating, after the first
  // MiB). Stop compression bombs.
  uint64_t max_decompressed_bytes = uint64_t{8} << 30;
  uint64_t max_compression_ratio = 2000;
  // Concatenated pickle streams `scan` will follow past the first STOP.
  uint64_t max_streams = 64;
};

// One global the file names (GLOBAL, STACK_GLOBAL, INST).
struct GlobalRef {
  uint64_t offset = 0;     // of the opcode, in the (decompressed) stream
  std::string opcode;      // "GLOBAL", "STACK_GLOBAL", "INST"
  std::string module;      // raw names from the file: escape before printing
  std::string name;
  bool allowed = false;
  std::string reason;      // allowlist's "why", or why it is refused
};

// What `safemodel scan` prints. Always filled as far as the stream could be
// read; `status` is the first error (or OK).
struct ScanReport {
  std::string container;           // "pickle", "joblib", "joblib-gzip", ...
  // In stream order: each allowed name once (first place), each refused
  // occurrence (up to 4096 entries in all).
  std::vector<GlobalRef> globals;
  int streams = 0;                 // pickle streams read (concatenated files have > 1)
  uint64_t disallowed_total = 0;   // every refused occurrence (globals keeps the first 4096)
  Status status;

  bool AllAllowed() const;
  std::vector<GlobalRef> Disallowed() const;
};

// Runs one pickle stream (no container detection). The graph borrows from
// `bytes`, which must outlive it. Refuses trailing bytes after STOP.
Result<Graph> ParsePickle(std::span<const std::byte> bytes, const Limits& limits = {});

// Detects compression by magic bytes (joblib: zlib, ZF, gzip, bz2, xz, lzma;
// lz4 refused), decompresses within the limits, then ParsePickle. The graph
// owns decompressed bytes but may borrow `bytes` (uncompressed input).
Result<Graph> ParseModelBytes(std::span<const std::byte> bytes, const Limits& limits = {});

// The same reading without building anything usable: lists every global,
// follows concatenated streams, and keeps going past refused operations.
ScanReport ScanModelBytes(std::span<const std::byte> bytes, const Limits& limits = {});

// Reads a file (kIoError naming the path), then ParseModelBytes /
// ScanModelBytes. The graph owns the file's bytes.
Result<Graph> ParseModelFile(const std::string& path, const Limits& limits = {});
Result<ScanReport> ScanModelFile(const std::string& path, const Limits& limits = {});

// Decompression used by ParseModelBytes (exposed for tests). Returns the
// decompressed stream and sets `*container` ("pickle" when not compressed:
// then the result is empty and the caller uses the input as is).
Result<std::vector<std::byte>> Decompress(std::span<const std::byte> bytes, const Limits& limits,
                                          std::string* container, bool* compressed);

}  // namespace safemodel::pickle

#endif  // SAFEMODEL_PICKLE_VM_H_
