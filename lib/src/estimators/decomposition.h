// PCA and TruncatedSVD: transform, as scikit-learn 1.2.1
// (sklearn/decomposition/_base.py, _truncated_svd.py).
//
//   PCA:          Y = (X - mean_) @ components_.T, then divided column-wise
//                 by sqrt(explained_variance_) when whiten
//   TruncatedSVD: Y = X @ components_.T
//
// Both change the width: transform has n_components columns.
// PCA.score_samples (a Gaussian log-likelihood through the model's precision
// matrix) is not implemented: kUnsupported.
#ifndef SAFEMODEL_ESTIMATORS_DECOMPOSITION_H_
#define SAFEMODEL_ESTIMATORS_DECOMPOSITION_H_

#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "estimators/types.h"
#include "safemodel/status.h"

namespace safemodel::estimators {

enum class DecompositionKind : uint8_t { kPca, kTruncatedSvd };

struct Decomposition {
  DecompositionKind kind = DecompositionKind::kPca;
  int32_t n_features = 0;
  int32_t n_components = 0;
  std::vector<double> components;          // components_: n_components x n_features
  std::vector<double> mean;                // PCA mean_: n_features, or empty (mean_ is None)
  bool whiten = false;                     // PCA only
  std::vector<double> explained_variance;  // PCA: n_components; TruncatedSVD: empty
  double noise_variance = std::numeric_limits<double>::quiet_NaN();  // PCA noise_variance_, NaN if unknown
  std::vector<double> scale;               // derived: sqrt(explained_variance_) when whiten

  Decomposition() = default;
  Decomposition(Decomposition&&) = default;
  Decomposition& operator=(Decomposition&&) = default;
  Decomposition Clone() const { return Decomposition(*this); }

 private:
  Decomposition(const Decomposition&) = default;
};

struct DecompositionInput {
  DecompositionKind kind = DecompositionKind::kPca;
  std::span<const double> components;      // borrowed for the call
  std::vector<uint64_t> components_shape;
  std::span<const double> mean;            // PCA; empty when mean_ is None
  bool has_mean = false;
  bool whiten = false;
  std::span<const double> explained_variance;  // PCA
  double noise_variance = std::numeric_limits<double>::quiet_NaN();  // PCA, NaN if absent
  int64_t n_features_in = -1;              // n_features_in_ if present
  int64_t n_components = -1;               // PCA n_components_ if present
};

// kCorruption naming `path`: components_ 2-d [n_components >= 1,
// n_features >= 1] and finite; n_features_in_ and PCA's n_components_ (if
// given) agree with it; PCA mean_ (unless None) has n_features finite values;
// PCA explained_variance_ has n_components finite values >= 0, all > 0 when
// whiten (the divisor); noise_variance_ NaN (unknown) or finite >= 0;
// TruncatedSVD has no mean, whitening or variances.
Result<Decomposition> BuildDecomposition(const DecompositionInput& in, std::string_view path);

// The family protocol (estimator.h).
std::string ClassNameOf(const Decomposition& m);
std::string Describe(const Decomposition& m);
Result<Matrix> Transform(const Decomposition& m, MatrixView x);
inline int32_t TransformWidth(const Decomposition& m) { return m.n_components; }

}  // namespace safemodel::estimators

#endif  // SAFEMODEL_ESTIMATORS_DECOMPOSITION_H_
