#include "estimators/decomposition.h"

#include <cmath>

#include "estimators/dense_shape.h"

namespace safemodel::estimators {
namespace {

std::string Field(std::string_view path, std::string_view field) {
  return std::string(path) + "." + std::string(field);
}

Status CheckPca(const DecompositionInput& in, RowsCols s, std::string_view path) {
  if (in.n_components >= 0 && in.n_components != s.rows) {
    return Corruption(Field(path, "n_components_") + ": " + std::to_string(in.n_components) +
                      " but components_ has " + std::to_string(s.rows) + " rows");
  }
  if (in.has_mean) {
    const std::string where = Field(path, "mean_");
    if (in.mean.size() != static_cast<size_t>(s.cols)) {
      return Corruption(where + ": " + std::to_string(in.mean.size()) + " values, expected one per feature (" +
                        std::to_string(s.cols) + ")");
    }
    SAFEMODEL_RETURN_IF_ERROR(CheckAllFinite(in.mean, where));
  }
  const std::string ev = Field(path, "explained_variance_");
  if (in.explained_variance.size() != static_cast<size_t>(s.rows)) {
    return Corruption(ev + ": " + std::to_string(in.explained_variance.size()) +
                      " values, expected one per component (" + std::to_string(s.rows) + ")");
  }
  for (size_t i = 0; i < in.explained_variance.size(); ++i) {
    const double v = in.explained_variance[i];
    // transform divides by sqrt(explained_variance_) when whitening.
    const bool ok = std::isfinite(v) && (in.whiten ? v > 0.0 : v >= 0.0);
    if (!ok) {
      return Corruption(ev + "[" + std::to_string(i) + "]: " + FormatDouble(v) + " is not a finite variance " +
                        (in.whiten ? "> 0 (whiten divides by its square root)" : ">= 0"));
    }
  }
  return Status::Ok();
}

}  // namespace

Result<Decomposition> BuildDecomposition(const DecompositionInput& in, std::string_view path) {
  if (in.kind != DecompositionKind::kPca && in.kind != DecompositionKind::kTruncatedSvd) {
    return Corruption(Field(path, "kind") + ": " + std::to_string(static_cast<unsigned>(in.kind)) +
                      " is not a decomposition");
  }
  const std::string where = Field(path, "components_");
  SAFEMODEL_ASSIGN_OR_RETURN(RowsCols s, CheckDense2d(where, in.components.size(), in.components_shape, 1));
  SAFEMODEL_RETURN_IF_ERROR(CheckDeclaredFeatures(path, in.n_features_in, s.cols, "components_"));
  SAFEMODEL_RETURN_IF_ERROR(CheckAllFinite(in.components, where));
  if (in.kind == DecompositionKind::kPca) {
    SAFEMODEL_RETURN_IF_ERROR(CheckPca(in, s, path));
    if (!std::isnan(in.noise_variance) && !(std::isfinite(in.noise_variance) && in.noise_variance >= 0)) {
      return Corruption(Field(path, "noise_variance_") + ": " + std::to_string(in.noise_variance) +
                        " is not a variance (finite, >= 0)");
    }
  } else if (in.has_mean || in.whiten || !in.explained_variance.empty() || in.n_components >= 0 ||
             !std::isnan(in.noise_variance)) {
    return Corruption(std::string(path) + ": TruncatedSVD has no mean_, whitening or explained_variance_ to apply");
  }
  Decomposition m;
  m.kind = in.kind;
  m.n_features = s.cols;
  m.n_components = s.rows;
  m.components.assign(in.components.begin(), in.components.end());
  if (in.has_mean) m.mean.assign(in.mean.begin(), in.mean.end());
  m.whiten = in.whiten;
  m.explained_variance.assign(in.explained_variance.begin(), in.explained_variance.end());
  m.noise_variance = in.noise_variance;
  if (m.whiten) {
    for (double v : m.explained_variance) m.scale.push_back(std::sqrt(v));
  }
  return m;
}

Result<Matrix> Transform(const Decomposition& m, MatrixView x) {
  SAFEMODEL_RETURN_IF_ERROR(CheckInput(x, static_cast<size_t>(m.n_features), FiniteRule::kFinite, ClassNameOf(m)));
  const size_t nf = static_cast<size_t>(m.n_features), nc = static_cast<size_t>(m.n_components);
  Matrix out(x.rows, nc);
  std::vector<double> row(nf);
  for (size_t i = 0; i < x.rows; ++i) {
    for (size_t j = 0; j < nf; ++j) row[j] = m.mean.empty() ? x.at(i, j) : x.at(i, j) - m.mean[j];
    for (size_t k = 0; k < nc; ++k) {
      const double* w = m.components.data() + k * nf;
      double dot = 0.0;
      for (size_t j = 0; j < nf; ++j) dot += row[j] * w[j];
      out.at(i, k) = m.whiten ? dot / m.scale[k] : dot;
    }
  }
  return out;
}

std::string ClassNameOf(const Decomposition& m) {
  return m.kind == DecompositionKind::kTruncatedSvd ? "TruncatedSVD" : "PCA";
}

std::string Describe(const Decomposition& m) {
  return ClassNameOf(m) + ": " + std::to_string(m.n_features) + " features -> " + std::to_string(m.n_components) +
         " components" + (m.whiten ? ", whitened" : "");
}

}  // namespace safemodel::estimators
