// PCA (sklearn.decomposition._pca, before 0.22 .pca) and TruncatedSVD
// (._truncated_svd, before 0.22 .truncated_svd). The attributes transform
// reads have kept their names since 0.18: components_, and for PCA mean_,
// whiten, explained_variance_ (n_components_ is cross-checked when present).
#include <vector>

#include "mapping/sklearn.h"

namespace safemodel::mapping {

using pickle::Kind;
using pickle::Value;

Result<estimators::Estimator> MapDecomposition(const Attrs& a) {
  estimators::DecompositionInput in;
  in.kind = a.cls() == "PCA" ? estimators::DecompositionKind::kPca : estimators::DecompositionKind::kTruncatedSvd;
  SAFEMODEL_ASSIGN_OR_RETURN(auto components, a.Doubles("components_", &in.components_shape));
  SAFEMODEL_ASSIGN_OR_RETURN(in.n_features_in, DeclaredNumFeatures(a));
  in.components = components;
  std::vector<double> mean, variance;
  if (in.kind == estimators::DecompositionKind::kPca) {
    // transform skips the centering when mean_ is None.
    SAFEMODEL_ASSIGN_OR_RETURN(const Value* m, a.Need("mean_"));
    if (m->kind != Kind::kNone) {
      SAFEMODEL_ASSIGN_OR_RETURN(mean, ReadDoubles(m, a.Field("mean_"), nullptr));
      in.has_mean = true;
    }
    SAFEMODEL_ASSIGN_OR_RETURN(in.whiten, a.Bool("whiten"));
    SAFEMODEL_ASSIGN_OR_RETURN(variance, a.Doubles("explained_variance_"));
    SAFEMODEL_ASSIGN_OR_RETURN(auto n, a.OptInt("n_components_"));
    if (n && *n < 0) {
      return Corruption(Where(a.Get("n_components_"), a.Field("n_components_")) + ": " + std::to_string(*n) +
                        " is negative");
    }
    in.n_components = n.value_or(-1);
    // noise_variance_ (0.18 on): kept for score_samples in other readers.
    if (const Value* nv = a.Get("noise_variance_"); nv != nullptr && nv->kind != Kind::kNone) {
      SAFEMODEL_ASSIGN_OR_RETURN(in.noise_variance, ReadNumber(nv, a.Field("noise_variance_")));
    }
  }
  in.mean = mean;
  in.explained_variance = variance;
  SAFEMODEL_ASSIGN_OR_RETURN(auto built, estimators::BuildDecomposition(in, a.path()));
  return estimators::Estimator{std::move(built)};
}

}  // namespace safemodel::mapping
