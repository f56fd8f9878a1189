// KMeans and MiniBatchKMeans (sklearn.cluster._kmeans, before 0.22
// sklearn.cluster.k_means_): predict and transform need cluster_centers_
// only. Training state (labels_, inertia_, random_state, MiniBatchKMeans'
// _counts...) is left unread.
#include <vector>

#include "mapping/sklearn.h"

namespace safemodel::mapping {

Result<estimators::Estimator> MapKMeans(const Attrs& a) {
  estimators::KMeansInput in;
  in.variant = a.cls() == "MiniBatchKMeans" ? estimators::KMeansVariant::kMiniBatch : estimators::KMeansVariant::kKMeans;
  SAFEMODEL_ASSIGN_OR_RETURN(auto centers, a.Doubles("cluster_centers_", &in.centers_shape));
  SAFEMODEL_ASSIGN_OR_RETURN(in.n_features_in, DeclaredNumFeatures(a));
  in.centers = centers;
  SAFEMODEL_ASSIGN_OR_RETURN(auto built, estimators::BuildKMeans(in, a.path()));
  return estimators::Estimator{std::move(built)};
}

}  // namespace safemodel::mapping
