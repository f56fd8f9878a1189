// KMeans and MiniBatchKMeans: predict (nearest center) and transform
// (Euclidean distance to each center), as scikit-learn 1.2.1.
//
// predict follows sklearn's Lloyd kernel (_k_means_lloyd.pyx): per center
// ||c||^2 - 2 x.c (the ||x||^2 term is left out, it does not change the
// argmin), and the first center with the strictly smallest value wins, so a
// tie goes to the lowest index. transform is sklearn's euclidean_distances:
// sqrt(max(-2 x.c + ||x||^2 + ||c||^2, 0)).
#ifndef SAFEMODEL_ESTIMATORS_KMEANS_H_
#define SAFEMODEL_ESTIMATORS_KMEANS_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "estimators/types.h"
#include "safemodel/status.h"

namespace safemodel::estimators {

enum class KMeansVariant : uint8_t { kKMeans, kMiniBatch };

struct KMeans {
  KMeansVariant variant = KMeansVariant::kKMeans;
  int32_t n_features = 0;
  int32_t n_clusters = 0;
  std::vector<double> centers;       // cluster_centers_: n_clusters x n_features
  std::vector<double> center_norms;  // derived: ||c||^2 per center (sklearn's row_norms)

  KMeans() = default;
  KMeans(KMeans&&) = default;
  KMeans& operator=(KMeans&&) = default;
  KMeans Clone() const { return KMeans(*this); }

 private:
  KMeans(const KMeans&) = default;
};

struct KMeansInput {
  KMeansVariant variant = KMeansVariant::kKMeans;
  std::span<const double> centers;     // borrowed for the call
  std::vector<uint64_t> centers_shape;
  int64_t n_features_in = -1;          // n_features_in_ if present (>= 0.24)
};

// kCorruption naming `path`: cluster_centers_ 2-d [n_clusters >= 1,
// n_features >= 1] and finite; n_features_in_ (if given) agrees with its
// shape; kLimitExceeded for counts past int32.
Result<KMeans> BuildKMeans(const KMeansInput& in, std::string_view path);

// The family protocol (estimator.h). predict returns int64 labels (cluster
// indices); transform has n_clusters columns.
std::string ClassNameOf(const KMeans& m);
std::string Describe(const KMeans& m);
Result<Prediction> Predict(const KMeans& m, MatrixView x);
Result<Matrix> Transform(const KMeans& m, MatrixView x);
inline int32_t TransformWidth(const KMeans& m) { return m.n_clusters; }

}  // namespace safemodel::estimators

#endif  // SAFEMODEL_ESTIMATORS_KMEANS_H_
