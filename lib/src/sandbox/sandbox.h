// Running an untrusted-input parser in a child process.
//
// The parent forks and execs a small helper (`safemodel-child`) with rlimits
// applied in between; the helper reads its whole input from stdin, calls
// EnterSandbox() before touching it, does its one job and writes the result
// to stdout. The parent feeds stdin, collects stdout and stderr with bounds,
// and kills the child at a wall-clock deadline. What comes back is untrusted:
// callers re-read it with the normal reader and validators.
#ifndef SAFEMODEL_SANDBOX_SANDBOX_H_
#define SAFEMODEL_SANDBOX_SANDBOX_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "safemodel/status.h"

namespace safemodel::sandbox {

struct SandboxLimits {
  // RLIMIT_AS: address space of the child (4 GiB). Stops memory exhaustion.
  uint64_t address_space = uint64_t{4} << 30;
  // RLIMIT_CPU in seconds (60). Stops busy loops.
  uint64_t cpu_seconds = 60;
  // Wall-clock deadline in the parent (120 s). Stops a child that blocks.
  uint64_t wall_seconds = 120;
  // Most bytes accepted from the child's stdout (16 GiB) and stderr (64 KiB).
  uint64_t max_output = uint64_t{16} << 30;
  uint64_t max_error_output = uint64_t{64} << 10;
};

struct ChildResult {
  int exit_code = -1;  // -1 if it did not exit normally
  int signal = 0;      // the signal that killed it (SIGSYS: seccomp)
  std::string out;
  std::string err;
};

// Runs `helper` with `args` (argv[1..]) under `limits`, feeding `input` on
// stdin. kIoError if it cannot start; kLimitExceeded on the deadline or an
// output bound (the child is killed). Otherwise returns how it ended.
Result<ChildResult> RunChild(const std::string& helper, const std::vector<std::string>& args,
                             std::span<const std::byte> input, const SandboxLimits& limits);

// The helper's path: `safemodel-child` next to the running executable, else
// the installed one (<libexecdir>/safemodel/safemodel-child).
Result<std::string> FindHelper();

// In the child, first thing: no core dumps, no new privileges, then a
// seccomp filter that allows only read/write on fds 0-2, memory management
// and exit. Any other system call kills the process with SIGSYS.
Status EnterSandbox();

// Reads stdin to EOF (bounded by the address-space limit).
Result<std::string> ReadAllStdin();
// Writes all of `bytes` to fd 1.
Status WriteAllStdout(std::string_view bytes);

}  // namespace safemodel::sandbox

#endif  // SAFEMODEL_SANDBOX_SANDBOX_H_
