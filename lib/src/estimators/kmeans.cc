#include "estimators/kmeans.h"

#include <algorithm>
#include <cmath>

#include "estimators/dense_shape.h"

namespace safemodel::estimators {
namespace {

// sklearn's row_norms(X, squared=True): np.einsum("ij,ij->i", X, X), a
// running sum of squares.
double SquaredNorm(const double* v, size_t n) {
  double s = 0.0;
  for (size_t j = 0; j < n; ++j) s += v[j] * v[j];
  return s;
}

double Dot(const double* a, const double* b, size_t n) {
  double s = 0.0;
  for (size_t j = 0; j < n; ++j) s += a[j] * b[j];
  return s;
}

}  // namespace

Result<KMeans> BuildKMeans(const KMeansInput& in, std::string_view path) {
  if (in.variant != KMeansVariant::kKMeans && in.variant != KMeansVariant::kMiniBatch) {
    return Corruption(std::string(path) + ".variant: " + std::to_string(static_cast<unsigned>(in.variant)) +
                      " is not a k-means class");
  }
  const std::string where = std::string(path) + ".cluster_centers_";
  SAFEMODEL_ASSIGN_OR_RETURN(RowsCols s, CheckDense2d(where, in.centers.size(), in.centers_shape, 1));
  SAFEMODEL_RETURN_IF_ERROR(CheckDeclaredFeatures(path, in.n_features_in, s.cols, "cluster_centers_"));
  SAFEMODEL_RETURN_IF_ERROR(CheckAllFinite(in.centers, where));
  KMeans m;
  m.variant = in.variant;
  m.n_features = s.cols;
  m.n_clusters = s.rows;
  m.centers.assign(in.centers.begin(), in.centers.end());
  const size_t nf = static_cast<size_t>(s.cols);
  m.center_norms.resize(static_cast<size_t>(s.rows));
  for (size_t c = 0; c < m.center_norms.size(); ++c) m.center_norms[c] = SquaredNorm(m.centers.data() + c * nf, nf);
  return m;
}

Result<Prediction> Predict(const KMeans& m, MatrixView x) {
  SAFEMODEL_RETURN_IF_ERROR(CheckInput(x, static_cast<size_t>(m.n_features), FiniteRule::kFinite, ClassNameOf(m)));
  const size_t nf = static_cast<size_t>(m.n_features), nc = static_cast<size_t>(m.n_clusters);
  std::vector<int64_t> labels(x.rows);
  for (size_t i = 0; i < x.rows; ++i) {
    const double* row = x.data.data() + i * nf;
    // _update_chunk_dense: pairwise = ||C||^2, then gemm(-2.0, X, C.T, beta=1.0).
    double best = m.center_norms[0] + -2.0 * Dot(row, m.centers.data(), nf);
    int64_t label = 0;
    for (size_t c = 1; c < nc; ++c) {
      const double d = m.center_norms[c] + -2.0 * Dot(row, m.centers.data() + c * nf, nf);
      if (d < best) {
        best = d;
        label = static_cast<int64_t>(c);
      }
    }
    labels[i] = label;
  }
  return Prediction(Labels{x.rows, 1, LabelValues(std::move(labels))});
}

Result<Matrix> Transform(const KMeans& m, MatrixView x) {
  SAFEMODEL_RETURN_IF_ERROR(CheckInput(x, static_cast<size_t>(m.n_features), FiniteRule::kFinite, ClassNameOf(m)));
  const size_t nf = static_cast<size_t>(m.n_features), nc = static_cast<size_t>(m.n_clusters);
  Matrix out(x.rows, nc);
  for (size_t i = 0; i < x.rows; ++i) {
    const double* row = x.data.data() + i * nf;
    const double xx = SquaredNorm(row, nf);
    for (size_t c = 0; c < nc; ++c) {
      // distances = -2 * X @ C.T; += XX; += YY; maximum(., 0); sqrt.
      double d = -2.0 * Dot(row, m.centers.data() + c * nf, nf);
      d += xx;
      d += m.center_norms[c];
      out.at(i, c) = std::sqrt(std::max(d, 0.0));
    }
  }
  return out;
}

std::string ClassNameOf(const KMeans& m) {
  return m.variant == KMeansVariant::kMiniBatch ? "MiniBatchKMeans" : "KMeans";
}

std::string Describe(const KMeans& m) {
  return ClassNameOf(m) + ": " + std::to_string(m.n_features) + " features, " + std::to_string(m.n_clusters) +
         " clusters";
}

}  // namespace safemodel::estimators
