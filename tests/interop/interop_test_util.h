// Helpers shared by the interop tests: building files by hand, running the
// real numpy, and checking errors by code and message.
#ifndef SAFEMODEL_TESTS_INTEROP_INTEROP_TEST_UTIL_H_
#define SAFEMODEL_TESTS_INTEROP_INTEROP_TEST_UTIL_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "safemodel/status.h"
#include "safemodel/tensor.h"
#include "test_util.h"

namespace safemodel::testing {

inline std::span<const std::byte> AsBytes(std::string_view s) {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

inline std::string AsString(std::span<const std::byte> b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

inline std::string U64LE(uint64_t v) {
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>(v >> (8 * i));
  return out;
}

// An 8-byte length, `header` verbatim, then `data`.
inline std::string Safetensors(std::string_view header, std::string_view data = "") {
  return U64LE(header.size()) + std::string(header) + std::string(data);
}

// Runs a Python program with the system interpreter (which has numpy).
inline void Python(const std::string& program) {
  RunResult r = Run({"/usr/bin/python3", "-c", "import numpy as np\n" + program});
  ASSERT_EQ(r.exit_code, 0) << "python failed:\n" << program << "\nstderr:\n" << r.err;
}

// Python output lines, for programs that print results.
inline std::string PythonOutput(const std::string& program) {
  RunResult r = Run({"/usr/bin/python3", "-c", "import numpy as np\n" + program});
  EXPECT_EQ(r.exit_code, 0) << "python failed:\n" << program << "\nstderr:\n" << r.err;
  return r.out;
}

// Python string literal for a path (test folders hold no quotes).
inline std::string Py(const std::string& s) { return "'" + s + "'"; }

}  // namespace safemodel::testing

// Asserts that `expr` (a Status or Result) failed with `code` and a message
// containing `substring`.
#define EXPECT_ERROR(expr, expected_code, substring)                                    \
  do {                                                                                  \
    const auto& _r = (expr);                                                            \
    ::safemodel::Status _s = ::safemodel::testing::StatusOf(_r);                        \
    EXPECT_EQ(_s.code(), expected_code) << _s.ToString();                               \
    EXPECT_NE(_s.message().find(substring), std::string::npos)                          \
        << "message: " << _s.message() << "\nwanted: " << (substring);                  \
  } while (0)

namespace safemodel::testing {
inline Status StatusOf(const Status& s) { return s; }
template <typename T>
Status StatusOf(const Result<T>& r) {
  return r.status();
}
}  // namespace safemodel::testing

#endif  // SAFEMODEL_TESTS_INTEROP_INTEROP_TEST_UTIL_H_
