// Shared helpers for the pickle tests: real pickles made by Debian's python3
// (numpy, scikit-learn 1.2.1, joblib) once per test binary.
#ifndef SAFEMODEL_TESTS_PICKLE_PICKLE_TEST_UTIL_H_
#define SAFEMODEL_TESTS_PICKLE_PICKLE_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <cstddef>
#include <span>
#include <string>

#include "pickle/value.h"
#include "pickle/vm.h"
#include "test_util.h"

namespace safemodel::pickle::testing {

inline std::span<const std::byte> AsBytes(const std::string& s) {
  return std::as_bytes(std::span(s.data(), s.size()));
}

// Folder of files written by tests/pickle/make_pickles.py (generated once).
const std::string& Generated();
inline std::string Gen(const std::string& name) { return safemodel::testing::ReadFile(Generated() + "/" + name); }

// Asserts a parse failed with `code` and a message containing `where` and `what`.
#define EXPECT_REFUSED(result, code_, substr)                                  \
  do {                                                                        \
    const auto& _r = (result);                                                \
    ASSERT_FALSE(_r.ok()) << "expected a refusal";                            \
    EXPECT_EQ(_r.status().code(), (code_)) << _r.status().ToString();         \
    EXPECT_NE(_r.status().message().find(substr), std::string::npos)          \
        << _r.status().message();                                             \
  } while (0)

}  // namespace safemodel::pickle::testing

#endif  // SAFEMODEL_TESTS_PICKLE_PICKLE_TEST_UTIL_H_
