// safemodel-child: the sandboxed side of lib/src/sandbox. It enters the
// seccomp sandbox before reading a single byte of input, does one job, and
// writes the result to stdout. Exit 0 with the result, 1 with a message on
// stderr if the input was refused, 2 on misuse.
//
// Jobs:
//   echo                 copy stdin to stdout (tests the plumbing)
//   selftest SYSCALL     try a forbidden call (open, execve, socket, fork)
//                        after entering the sandbox: the filter must kill us
//   control SYSCALL      the same without the sandbox (the tests' control)
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "sandbox/sandbox.h"

namespace {

int Refuse(const safemodel::Status& s) {
  std::string msg = s.ToString() + "\n";
  (void)::write(2, msg.data(), msg.size());
  return s.code() == safemodel::Code::kIoError ? 2 : 1;
}

// Each of these must never return: the filter kills the process first.
int TryForbidden(const std::string& what) {
  long rc = -1;
  if (what == "open") rc = ::syscall(SYS_openat, AT_FDCWD, "/etc/passwd", O_RDONLY);
  else if (what == "execve") {
    char* argv[] = {const_cast<char*>("/bin/true"), nullptr};
    rc = ::syscall(SYS_execve, "/bin/true", argv, nullptr);
  } else if (what == "socket") rc = ::syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
  else if (what == "fork") rc = ::syscall(SYS_clone, 0x11 /* SIGCHLD */, 0, 0, 0, 0);
  else return 2;
  std::string msg = "survived " + what + " (rc " + std::to_string(rc) + ")\n";
  (void)::write(1, msg.data(), msg.size());
  return 0;
}

}  // namespace

int Run(int argc, char** argv) {
  if (argc < 2) return 2;
  const std::string job = argv[1];
  // Control for the tests: the same calls, without the filter, succeed.
  if (job == "control" && argc == 3) return TryForbidden(argv[2]);
  if (auto s = safemodel::sandbox::EnterSandbox(); !s.ok()) return Refuse(s);
  if (job == "selftest" && argc == 3) return TryForbidden(argv[2]);
  auto input = safemodel::sandbox::ReadAllStdin();
  if (!input.ok()) return Refuse(input.status());
  if (job == "echo") {
    auto s = safemodel::sandbox::WriteAllStdout(*input);
    return s.ok() ? 0 : Refuse(s);
  }
  return 2;
}

// _exit, not return: exit handlers (and sanitizer runtimes' leak checks)
// would make system calls the filter forbids.
int main(int argc, char** argv) { ::_exit(Run(argc, argv)); }
