#include "test_util.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <gtest/gtest.h>

extern char** environ;

namespace safemodel::testing {

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/safemodel-test-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (!::mkdtemp(buf.data())) std::abort();
  path_ = buf.data();
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "cannot read " << path;
    return "";
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) ADD_FAILURE() << "cannot write " << path;
}

bool FileExists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

std::vector<std::string> ListDir(const std::string& path) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(path)) out.push_back(e.path().filename());
  return out;
}

RunResult Run(const std::vector<std::string>& argv, const std::string& stdin_text) {
  ::signal(SIGPIPE, SIG_IGN);  // a child may exit before reading its stdin
  RunResult r;
  int in[2], out[2], err[2];
  if (::pipe2(in, O_CLOEXEC) || ::pipe2(out, O_CLOEXEC) || ::pipe2(err, O_CLOEXEC)) std::abort();
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err[1], 2);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid;
  int rc = ::posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  if (rc != 0) {
    ::close(in[1]);
    ::close(out[0]);
    ::close(err[0]);
    r.err = std::string("spawn failed: ") + std::strerror(rc);
    return r;
  }
  // Feed stdin and drain both outputs without deadlocking.
  size_t fed = 0;
  if (stdin_text.empty()) {
    ::close(in[1]);
    in[1] = -1;
  }
  bool out_open = true, err_open = true;
  while (out_open || err_open || in[1] >= 0) {
    struct pollfd fds[3];
    int n = 0;
    int io = -1, ie = -1, ii = -1;
    if (out_open) { fds[n] = {out[0], POLLIN, 0}; io = n++; }
    if (err_open) { fds[n] = {err[0], POLLIN, 0}; ie = n++; }
    if (in[1] >= 0) { fds[n] = {in[1], POLLOUT, 0}; ii = n++; }
    if (::poll(fds, static_cast<nfds_t>(n), -1) < 0) continue;
    char buf[65536];
    if (io >= 0 && fds[io].revents) {
      ssize_t k = ::read(out[0], buf, sizeof buf);
      if (k <= 0) out_open = false; else r.out.append(buf, static_cast<size_t>(k));
    }
    if (ie >= 0 && fds[ie].revents) {
      ssize_t k = ::read(err[0], buf, sizeof buf);
      if (k <= 0) err_open = false; else r.err.append(buf, static_cast<size_t>(k));
    }
    if (ii >= 0 && fds[ii].revents) {
      ssize_t k = ::write(in[1], stdin_text.data() + fed, stdin_text.size() - fed);
      if (k > 0) fed += static_cast<size_t>(k);
      if (k <= 0 || fed == stdin_text.size()) { ::close(in[1]); in[1] = -1; }
    }
  }
  ::close(out[0]);
  ::close(err[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  return r;
}

RunResult Sh(const std::string& command) { return Run({"/bin/sh", "-c", command}); }

std::string CliPath() { return SAFEMODEL_CLI_PATH; }

RunResult Cli(const std::vector<std::string>& args, const std::string& stdin_text) {
  std::vector<std::string> argv{CliPath()};
  argv.insert(argv.end(), args.begin(), args.end());
  return Run(argv, stdin_text);
}

std::string RandomBytes(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

}  // namespace safemodel::testing
