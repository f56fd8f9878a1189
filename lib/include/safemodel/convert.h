// safemodel/convert.h — legacy pickle/joblib files, read without running them.
//
// Both calls parse the untrusted file in a sandboxed child process
// (safemodel-child: rlimits + a seccomp filter that allows only reading its
// input, writing its output and managing memory). The pickle opcodes are
// interpreted by our own VM into an inert object graph; nothing is imported,
// called or evaluated, and only (module, name) pairs on an explicit allowlist
// are accepted (docs/PICKLE.md). What the child returns is untrusted too: a
// converted model is re-read with the normal reader and validators before it
// is written.
#ifndef SAFEMODEL_CONVERT_H_
#define SAFEMODEL_CONVERT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "safemodel/metadata.h"
#include "safemodel/status.h"

namespace safemodel {

struct ConvertOptions {
  // Largest input file read (16 GiB). Stops reading absurd files into memory.
  uint64_t max_input_size = uint64_t{16} << 30;
  // The child's address space (8 GiB), CPU seconds (300) and wall-clock
  // seconds (600). Stop memory exhaustion, busy loops and hangs.
  uint64_t child_address_space = uint64_t{8} << 30;
  uint64_t child_cpu_seconds = 300;
  uint64_t child_wall_seconds = 600;
  // Descriptive fields for the output's metadata. Non-empty name,
  // description, license and producer replace the converter's; entries of
  // library_versions and extra are added. The rest is ignored (the converter
  // sets the creation time and the feature names).
  Metadata metadata;
};

// One global a pickle names, and whether it is allowed (and why).
struct ScanEntry {
  uint64_t offset = 0;   // in the (decompressed) pickle stream
  std::string opcode;    // GLOBAL, STACK_GLOBAL, INST
  std::string module;    // as in the file: escape before printing
  std::string name;
  bool allowed = false;
  std::string reason;
};

struct ScanResult {
  std::string container;          // "pickle", "joblib", "joblib-gzip", ...
  std::vector<ScanEntry> globals;
  uint64_t disallowed_total = 0;
  std::string error;              // the first problem reading the stream, if any
  bool all_allowed() const { return disallowed_total == 0 && error.empty(); }
};

// Lists every global the file names. kIoError if unreadable; otherwise a
// result (a broken stream is reported in `error`, not as a failure).
Result<ScanResult> ScanFile(const std::string& path, const ConvertOptions& options = {});

// Converts `in` (pickle or joblib, detected from the bytes) to an unsigned
// .smdl at `out`, atomically: on any refusal nothing is written. Errors carry
// the place (`pickle@0x1a2f: GLOBAL 'posix.system' is not allowed`).
Status ConvertFile(const std::string& in, const std::string& out, const ConvertOptions& options = {});

}  // namespace safemodel

#endif  // SAFEMODEL_CONVERT_H_
