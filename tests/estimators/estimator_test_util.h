// Shared by the estimator suites: NaN/inf constants and EXPECT_REFUSED for
// builder refusals (code and the place the message must name).
#ifndef SAFEMODEL_TESTS_ESTIMATORS_ESTIMATOR_TEST_UTIL_H_
#define SAFEMODEL_TESTS_ESTIMATORS_ESTIMATOR_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <limits>
#include <string>

namespace safemodel::estimators {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
inline constexpr double kInf = std::numeric_limits<double>::infinity();

}  // namespace safemodel::estimators

// `expr` (a Result) is refused with `want_code`, and its message contains `substr`.
#define EXPECT_REFUSED(expr, want_code, substr)                                          \
  do {                                                                                   \
    auto _r = (expr);                                                                    \
    ASSERT_FALSE(_r.ok()) << "accepted: " #expr;                                         \
    EXPECT_EQ(_r.status().code(), want_code) << _r.status().ToString();                  \
    EXPECT_NE(_r.status().message().find(substr), std::string::npos)                    \
        << "message: " << _r.status().message() << "\nexpected to contain: " << substr;  \
  } while (0)

#endif  // SAFEMODEL_TESTS_ESTIMATORS_ESTIMATOR_TEST_UTIL_H_
