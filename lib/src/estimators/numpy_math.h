// numpy's own ways of reducing a row, where the order of operations decides
// the last bits: pairwise summation (np.sum, np.add.reduce on a contiguous
// axis) and argmax (first maximum, and the first NaN wins). Used by the naive
// Bayes, k-means and decomposition families to stay close to scikit-learn.
#ifndef SAFEMODEL_ESTIMATORS_NUMPY_MATH_H_
#define SAFEMODEL_ESTIMATORS_NUMPY_MATH_H_

#include <cmath>
#include <cstddef>

namespace safemodel::estimators {

// numpy's pairwise_sum for a contiguous float64 run (numpy/core/src/umath/
// loops_utils.h.src): plain loop below 8 values, 8 interleaved accumulators
// up to 128, halves (at a multiple of 8) above. Recursion depth is log2(n).
inline double NumpySum(const double* a, size_t n) {
  if (n < 8) {
    double res = 0.0;
    for (size_t i = 0; i < n; ++i) res += a[i];
    return res;
  }
  if (n <= 128) {
    double r[8];
    for (size_t j = 0; j < 8; ++j) r[j] = a[j];
    size_t i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (size_t j = 0; j < 8; ++j) r[j] += a[i + j];
    }
    double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) res += a[i];
    return res;
  }
  size_t n2 = n / 2;
  n2 -= n2 % 8;
  return NumpySum(a, n2) + NumpySum(a + n2, n - n2);
}

// np.argmax over one row: the first maximum; a NaN is the maximum (the
// first NaN wins). n must be >= 1.
inline size_t NumpyArgMax(const double* row, size_t n) {
  size_t best = 0;
  if (std::isnan(row[0])) return 0;
  for (size_t k = 1; k < n; ++k) {
    if (std::isnan(row[k])) return k;
    if (row[k] > row[best]) best = k;
  }
  return best;
}

}  // namespace safemodel::estimators

#endif  // SAFEMODEL_ESTIMATORS_NUMPY_MATH_H_
