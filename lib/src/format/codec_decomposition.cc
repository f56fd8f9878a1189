// PCA and TruncatedSVD in the schema's Decomposition member.
#include "format/codec.h"

namespace safemodel::format {

void Encode(Encoder& enc, const est::Decomposition& m, schema::Estimator::Builder out, const std::string& p) {
  auto b = out.initDecomposition();
  const auto rows = static_cast<uint64_t>(m.n_components), cols = static_cast<uint64_t>(m.n_features);
  b.setKind(static_cast<schema::DecompositionKind>(m.kind));
  b.setNFeatures(static_cast<uint32_t>(m.n_features));
  b.setComponents(enc.Add<double>(p + "components", DType::kF64, m.components, {rows, cols}));
  b.setMean(m.mean.empty() ? kNoTensor : enc.Add<double>(p + "mean", DType::kF64, m.mean, {cols}));
  b.setWhiten(m.whiten);
  b.setExplainedVariance(m.kind == est::DecompositionKind::kPca
                             ? enc.Add<double>(p + "explained_variance", DType::kF64, m.explained_variance, {rows})
                             : kNoTensor);
  b.setNoiseVariance(m.noise_variance);
}

Result<est::Estimator> DecodeDecomposition(Decoder& d, schema::Decomposition::Reader r, const std::string& p) {
  const auto kind = static_cast<unsigned>(r.getKind());
  if (kind > static_cast<unsigned>(est::DecompositionKind::kTruncatedSvd)) {
    return Unsupported(p + ".kind: unknown decomposition " + std::to_string(kind));
  }
  est::DecompositionInput in;
  in.kind = static_cast<est::DecompositionKind>(kind);
  SAFEMODEL_ASSIGN_OR_RETURN(auto components, d.Copy<double>(r.getComponents(), DType::kF64, 2, p + ".components",
                                                             &in.components_shape));
  std::vector<double> mean, variance;
  if (r.getMean() != kNoTensor) {
    SAFEMODEL_ASSIGN_OR_RETURN(mean, d.Copy<double>(r.getMean(), DType::kF64, 1, p + ".mean"));
    in.has_mean = true;
  }
  if (r.getExplainedVariance() != kNoTensor) {
    SAFEMODEL_ASSIGN_OR_RETURN(variance,
                               d.Copy<double>(r.getExplainedVariance(), DType::kF64, 1, p + ".explained_variance"));
  } else if (in.kind == est::DecompositionKind::kPca) {
    return Corruption(p + ".explainedVariance: a PCA needs it");
  }
  in.components = components;
  in.mean = mean;
  in.whiten = r.getWhiten();
  in.explained_variance = variance;
  in.noise_variance = r.getNoiseVariance();
  in.n_features_in = r.getNFeatures();
  SAFEMODEL_ASSIGN_OR_RETURN(est::Decomposition m, est::BuildDecomposition(in, p));
  return est::Estimator{std::move(m)};
}

}  // namespace safemodel::format
