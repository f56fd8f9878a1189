// Terminal interaction for the safemodel tool: passwords and progress.
#ifndef SAFEMODEL_TOOLS_TERMINAL_H_
#define SAFEMODEL_TOOLS_TERMINAL_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace safemodel::cli {

// Reads a password: from the terminal without echo when stdin is a TTY
// (asking twice if `confirm`), else one line from stdin (for scripts).
// nullopt if the two entries differ or input ended.
std::optional<std::string> ReadPassword(const std::string& prompt, bool confirm);

// Progress on stderr, only when stderr is a terminal and the work has taken
// over a second; Finish() clears the line.
class Progress {
 public:
  explicit Progress(std::string what);
  ~Progress();
  void Update(uint64_t done, uint64_t total);

 private:
  std::string what_;
  bool tty_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace safemodel::cli

#endif  // SAFEMODEL_TOOLS_TERMINAL_H_
