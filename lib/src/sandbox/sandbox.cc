#include "sandbox/sandbox.h"

#include <fcntl.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <dlfcn.h>

#include <cerrno>
#include <chrono>
#include <climits>
#include <cstring>

#if defined(__SANITIZE_ADDRESS__)
#define SAFEMODEL_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SAFEMODEL_ASAN 1
#endif
#endif

namespace safemodel::sandbox {
namespace {

Status Errno(std::string_view what) { return IoError(std::string(what) + ": " + std::strerror(errno)); }

void SetLimit(int resource, uint64_t value) {
  struct rlimit r;
  r.rlim_cur = r.rlim_max = static_cast<rlim_t>(value);
  ::setrlimit(resource, &r);  // in the child; a failure leaves the stricter seccomp layer
}

// Child side of fork(): only async-signal-safe calls until exec.
[[noreturn]] void ExecChild(const char* path, char* const* argv, int in, int out, int err,
                            const SandboxLimits& limits) {
  ::dup2(in, 0);
  ::dup2(out, 1);
  ::dup2(err, 2);
  // Close everything else the parent had open.
  for (int fd = 3; fd < 1024; ++fd) ::close(fd);
#ifndef SAFEMODEL_ASAN
  SetLimit(RLIMIT_AS, limits.address_space);  // (ASan's shadow memory cannot live under RLIMIT_AS)
#endif
  SetLimit(RLIMIT_CPU, limits.cpu_seconds);
  SetLimit(RLIMIT_FSIZE, 0);    // no file may grow (pipes are not files)
  SetLimit(RLIMIT_CORE, 0);     // no core dumps of untrusted data
  SetLimit(RLIMIT_NOFILE, 16);  // enough for the loader; the filter forbids open anyway
  ::execv(path, argv);
  ::_exit(127);
}

struct Pipes {
  int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1};
  ~Pipes() {
    for (int* p : {in, out, err}) {
      for (int i = 0; i < 2; ++i) {
        if (p[i] >= 0) ::close(p[i]);
      }
    }
  }
};

void CloseFd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// Feeds stdin and drains stdout/stderr until both close or a bound is hit.
Status Pump(Pipes& p, std::span<const std::byte> input, ChildResult& r, const SandboxLimits& limits,
            std::chrono::steady_clock::time_point deadline) {
  size_t fed = 0;
  if (input.empty()) CloseFd(p.in[1]);
  char buf[1 << 16];
  while (p.out[0] >= 0 || p.err[0] >= 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return LimitExceeded("sandbox: the child ran past the wall-clock limit of " +
                                                std::to_string(limits.wall_seconds) + " s (wall_seconds)");
    struct pollfd fds[3];
    int n = 0, io = -1, ie = -1, ii = -1;
    if (p.out[0] >= 0) { fds[n] = {p.out[0], POLLIN, 0}; io = n++; }
    if (p.err[0] >= 0) { fds[n] = {p.err[0], POLLIN, 0}; ie = n++; }
    if (p.in[1] >= 0) { fds[n] = {p.in[1], POLLOUT, 0}; ii = n++; }
    int rc = ::poll(fds, static_cast<nfds_t>(n), static_cast<int>(std::min<int64_t>(left.count(), INT_MAX)));
    if (rc < 0 && errno != EINTR) return Errno("sandbox: poll");
    if (rc <= 0) continue;
    if (io >= 0 && fds[io].revents) {
      ssize_t k = ::read(p.out[0], buf, sizeof buf);
      if (k <= 0) CloseFd(p.out[0]);
      else if (r.out.size() + static_cast<size_t>(k) > limits.max_output) {
        return LimitExceeded("sandbox: the child wrote more than " + std::to_string(limits.max_output) +
                             " bytes (max_output)");
      } else r.out.append(buf, static_cast<size_t>(k));
    }
    if (ie >= 0 && fds[ie].revents) {
      ssize_t k = ::read(p.err[0], buf, sizeof buf);
      if (k <= 0) CloseFd(p.err[0]);
      else if (r.err.size() < limits.max_error_output) {
        r.err.append(buf, std::min<size_t>(static_cast<size_t>(k), limits.max_error_output - r.err.size()));
      }
    }
    if (ii >= 0 && fds[ii].revents) {
      ssize_t k = ::write(p.in[1], input.data() + fed, std::min<size_t>(input.size() - fed, 1 << 20));
      if (k > 0) fed += static_cast<size_t>(k);
      if (k <= 0 || fed == input.size()) CloseFd(p.in[1]);  // EPIPE: the child stopped reading
    }
  }
  return Status::Ok();
}

}  // namespace

Result<ChildResult> RunChild(const std::string& helper, const std::vector<std::string>& args,
                             std::span<const std::byte> input, const SandboxLimits& limits) {
  ::signal(SIGPIPE, SIG_IGN);  // a child that exits early must not kill us
  Pipes p;
  if (::pipe2(p.in, O_CLOEXEC) || ::pipe2(p.out, O_CLOEXEC) || ::pipe2(p.err, O_CLOEXEC)) {
    return Errno("sandbox: pipe");
  }
  std::vector<std::string> argv_s{helper};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(limits.wall_seconds);
  pid_t pid = ::fork();
  if (pid < 0) return Errno("sandbox: fork");
  if (pid == 0) ExecChild(helper.c_str(), argv.data(), p.in[0], p.out[1], p.err[1], limits);
  CloseFd(p.in[0]);
  CloseFd(p.out[1]);
  CloseFd(p.err[1]);
  ChildResult r;
  Status pumped = Pump(p, input, r, limits, deadline);
  if (!pumped.ok()) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!pumped.ok()) return pumped;
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  if (r.exit_code == 127 && r.out.empty() && r.err.empty()) {
    return IoError("sandbox: cannot run the helper '" + helper + "'");
  }
  return r;
}

Result<std::string> FindHelper() {
  char self[4096];
  ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (n > 0) {
    std::string dir(self, static_cast<size_t>(n));
    dir = dir.substr(0, dir.rfind('/'));
    for (const std::string& cand : {dir + "/safemodel-child", dir + "/../tools/child/safemodel-child"}) {
      if (::access(cand.c_str(), X_OK) == 0) return cand;
    }
  }
  // Next to this library: a build tree (build/libsafemodel.so and
  // build/safemodel-child) or an install prefix (lib/ and libexec/safemodel/).
  // Programs that are not ours (python3 with the safemodel module) land here.
  Dl_info info{};
  if (::dladdr(reinterpret_cast<void*>(&FindHelper), &info) != 0 && info.dli_fname != nullptr) {
    std::string dir(info.dli_fname);
    dir = dir.substr(0, dir.rfind('/'));
    for (const std::string& cand : {dir + "/safemodel-child",
                                    dir + "/../libexec/safemodel/safemodel-child",
                                    dir + "/../../libexec/safemodel/safemodel-child"}) {
      if (::access(cand.c_str(), X_OK) == 0) return cand;
    }
  }
  const std::string installed = SAFEMODEL_LIBEXECDIR "/safemodel/safemodel-child";
  if (::access(installed.c_str(), X_OK) == 0) return installed;
  return IoError("cannot find the sandbox helper 'safemodel-child' next to this program or in " +
                 std::string(SAFEMODEL_LIBEXECDIR) + "/safemodel");
}

namespace {

// One argument comparison (libseccomp's SCMP_A* macros are C compound
// literals, which clang rejects in C++ under -Werror).
scmp_arg_cmp Arg(unsigned index, scmp_compare op, scmp_datum_t a, scmp_datum_t b = 0) {
  scmp_arg_cmp c{};
  c.arg = index;
  c.op = op;
  c.datum_a = a;
  c.datum_b = b;
  return c;
}

}  // namespace

Status EnterSandbox() {
  ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return Errno("sandbox: PR_SET_NO_NEW_PRIVS");
  scmp_filter_ctx ctx = ::seccomp_init(SCMP_ACT_KILL_PROCESS);
  if (!ctx) return IoError("sandbox: seccomp_init failed");
  int rc = 0;
  // I/O only on the three standard descriptors.
  rc |= ::seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(read), 1, Arg(0, SCMP_CMP_LE, 2));
  rc |= ::seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(write), 1, Arg(0, SCMP_CMP_LE, 2));
  // Memory management for malloc/new, and leaving.
  for (int sys : {SCMP_SYS(brk), SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(madvise),
                  SCMP_SYS(exit), SCMP_SYS(exit_group), SCMP_SYS(rt_sigreturn), SCMP_SYS(futex),
                  // Harmless bookkeeping the sanitizer runtimes do on exit.
                  SCMP_SYS(sigaltstack)}) {
    rc |= ::seccomp_rule_add(ctx, SCMP_ACT_ALLOW, sys, 0);
  }
  // mmap/mprotect without PROT_EXEC: allocators need them, nothing may become code.
  for (int sys : {SCMP_SYS(mmap), SCMP_SYS(mprotect)}) {
    rc |= ::seccomp_rule_add(ctx, SCMP_ACT_ALLOW, sys, 1, Arg(2, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
  }
#ifdef SAFEMODEL_ASAN
  // AddressSanitizer probes memory by writing it into a pipe of its own
  // (pipe2/write/close). Only in sanitizer builds; open, exec and sockets
  // stay forbidden there too (the tests check it under ASan as well).
  rc |= ::seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(pipe2), 0);
  rc |= ::seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(close), 0);
  rc |= ::seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(write), 1, Arg(0, SCMP_CMP_GT, 2));
#endif
  if (rc == 0) rc = ::seccomp_load(ctx);
  ::seccomp_release(ctx);
  if (rc != 0) return IoError("sandbox: cannot install the seccomp filter (" + std::to_string(rc) + ")");
  return Status::Ok();
}

Result<std::string> ReadAllStdin() {
  std::string out;
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(0, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("sandbox: read stdin");
    if (n == 0) return out;
    out.append(buf, static_cast<size_t>(n));
  }
}

Status WriteAllStdout(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(1, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Errno("sandbox: write stdout");
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

}  // namespace safemodel::sandbox
