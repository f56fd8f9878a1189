// Helpers shared by the test suites: temporary folders, files, running the
// safemodel tool and other programs.
#ifndef SAFEMODEL_TESTS_TEST_UTIL_H_
#define SAFEMODEL_TESTS_TEST_UTIL_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace safemodel::testing {

// A fresh folder under $TMPDIR, removed (recursively) on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::string ReadFile(const std::string& path);          // aborts the test on failure (ADD_FAILURE + "")
void WriteFile(const std::string& path, const std::string& bytes);
bool FileExists(const std::string& path);
// Names of the entries of a folder (no "." / "..").
std::vector<std::string> ListDir(const std::string& path);

struct RunResult {
  int exit_code = -1;     // -1 if killed by a signal
  int signal = 0;
  std::string out;
  std::string err;
};
// Runs argv[0] with args (no shell), optional stdin text, returns output.
RunResult Run(const std::vector<std::string>& argv, const std::string& stdin_text = "");
// Runs a shell command line via /bin/sh -c.
RunResult Sh(const std::string& command);
// Path of the built safemodel tool.
std::string CliPath();
// Runs the safemodel tool with args.
RunResult Cli(const std::vector<std::string>& args, const std::string& stdin_text = "");
// Deterministic pseudo-random bytes.
std::string RandomBytes(size_t n, uint64_t seed);

}  // namespace safemodel::testing

#endif  // SAFEMODEL_TESTS_TEST_UTIL_H_
