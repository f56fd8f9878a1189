#include "terminal.h"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

namespace safemodel::cli {
namespace {

std::optional<std::string> ReadLineNoEcho(const std::string& prompt) {
  std::fprintf(stderr, "%s", prompt.c_str());
  std::fflush(stderr);
  termios old{};
  bool tty = ::isatty(STDIN_FILENO) && ::tcgetattr(STDIN_FILENO, &old) == 0;
  if (tty) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  std::string line;
  bool ok = static_cast<bool>(std::getline(std::cin, line));
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
    std::fprintf(stderr, "\n");
  }
  if (!ok) return std::nullopt;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::string Human(uint64_t n) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(n);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u ? "%.1f %s" : "%.0f %s", v, units[u]);
  return buf;
}

}  // namespace

std::optional<std::string> ReadPassword(const std::string& prompt, bool confirm) {
  auto first = ReadLineNoEcho(prompt + ": ");
  if (!first) return std::nullopt;
  if (confirm && ::isatty(STDIN_FILENO)) {
    auto second = ReadLineNoEcho(prompt + " (again): ");
    if (!second || *second != *first) return std::nullopt;
  }
  return first;
}

Progress::Progress(std::string what)
    : what_(std::move(what)), tty_(::isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()), last_(start_) {}

Progress::~Progress() {
  if (shown_) std::fprintf(stderr, "\r\033[K");
}

void Progress::Update(uint64_t done, uint64_t total) {
  if (!tty_ || total == 0) return;
  auto now = std::chrono::steady_clock::now();
  if (now - start_ < std::chrono::seconds(1)) return;
  if (shown_ && now - last_ < std::chrono::milliseconds(100) && done < total) return;
  last_ = now;
  shown_ = true;
  std::fprintf(stderr, "\r\033[K%s %3d%% (%s / %s)", what_.c_str(), static_cast<int>(done * 100 / total),
               Human(done).c_str(), Human(total).c_str());
  std::fflush(stderr);
}

}  // namespace safemodel::cli
