// KMeans and MiniBatchKMeans in the schema's KMeans member.
#include "format/codec.h"

namespace safemodel::format {

void Encode(Encoder& enc, const est::KMeans& m, schema::Estimator::Builder out, const std::string& p) {
  auto b = out.initKMeans();
  b.setVariant(static_cast<schema::KMeansVariant>(m.variant));
  b.setNFeatures(static_cast<uint32_t>(m.n_features));
  b.setClusterCenters(enc.Add<double>(p + "cluster_centers", DType::kF64, m.centers,
                                      {static_cast<uint64_t>(m.n_clusters), static_cast<uint64_t>(m.n_features)}));
}

Result<est::Estimator> DecodeKMeans(Decoder& d, schema::KMeans::Reader r, const std::string& p) {
  const auto variant = static_cast<unsigned>(r.getVariant());
  if (variant > static_cast<unsigned>(est::KMeansVariant::kMiniBatch)) {
    return Unsupported(p + ".variant: unknown k-means class " + std::to_string(variant));
  }
  est::KMeansInput in;
  in.variant = static_cast<est::KMeansVariant>(variant);
  SAFEMODEL_ASSIGN_OR_RETURN(auto centers, d.Copy<double>(r.getClusterCenters(), DType::kF64, 2,
                                                          p + ".cluster_centers", &in.centers_shape));
  in.centers = centers;
  in.n_features_in = r.getNFeatures();
  SAFEMODEL_ASSIGN_OR_RETURN(est::KMeans m, est::BuildKMeans(in, p));
  return est::Estimator{std::move(m)};
}

}  // namespace safemodel::format
