// GaussianNB and the discrete naive Bayes models in the schema's GaussianNb
// and DiscreteNb members.
#include "format/codec.h"

namespace safemodel::format {

void Encode(Encoder& enc, const est::GaussianNB& m, schema::Estimator::Builder out, const std::string& p) {
  auto b = out.initGaussianNb();
  const auto rows = static_cast<uint64_t>(m.n_classes), cols = static_cast<uint64_t>(m.n_features);
  b.setNFeatures(static_cast<uint32_t>(m.n_features));
  enc.Labels(m.classes, b.initClasses(), p + "classes");
  b.setTheta(enc.Add<double>(p + "theta", DType::kF64, m.theta, {rows, cols}));
  b.setVar(enc.Add<double>(p + "var", DType::kF64, m.var, {rows, cols}));
  b.setClassPrior(enc.Add<double>(p + "class_prior", DType::kF64, m.class_prior, {rows}));
}

void Encode(Encoder& enc, const est::DiscreteNB& m, schema::Estimator::Builder out, const std::string& p) {
  auto b = out.initDiscreteNb();
  const auto rows = static_cast<uint64_t>(m.n_classes), cols = static_cast<uint64_t>(m.n_features);
  b.setKind(static_cast<schema::DiscreteNbKind>(m.kind));
  b.setNFeatures(static_cast<uint32_t>(m.n_features));
  enc.Labels(m.classes, b.initClasses(), p + "classes");
  b.setFeatureLogProb(enc.Add<double>(p + "feature_log_prob", DType::kF64, m.feature_log_prob, {rows, cols}));
  b.setClassLogPrior(enc.Add<double>(p + "class_log_prior", DType::kF64, m.class_log_prior, {rows}));
  b.setBinarize(m.binarize);
  b.setBinarizeThreshold(m.threshold);
}

Result<est::Estimator> DecodeGaussianNB(Decoder& d, schema::GaussianNb::Reader r, const std::string& p) {
  est::GaussianNBInput in;
  SAFEMODEL_ASSIGN_OR_RETURN(in.classes, d.Labels(r.getClasses(), p + ".classes"));
  SAFEMODEL_ASSIGN_OR_RETURN(auto theta, d.Copy<double>(r.getTheta(), DType::kF64, 2, p + ".theta", &in.theta_shape));
  SAFEMODEL_ASSIGN_OR_RETURN(auto var, d.Copy<double>(r.getVar(), DType::kF64, 2, p + ".var", &in.var_shape));
  SAFEMODEL_ASSIGN_OR_RETURN(auto prior, d.Copy<double>(r.getClassPrior(), DType::kF64, 1, p + ".class_prior"));
  in.theta = theta;
  in.var = var;
  in.class_prior = prior;
  in.n_features_in = r.getNFeatures();
  SAFEMODEL_ASSIGN_OR_RETURN(est::GaussianNB m, est::BuildGaussianNB(in, p));
  return est::Estimator{std::move(m)};
}

Result<est::Estimator> DecodeDiscreteNB(Decoder& d, schema::DiscreteNb::Reader r, const std::string& p) {
  const auto kind = static_cast<unsigned>(r.getKind());
  if (kind > static_cast<unsigned>(est::DiscreteNBKind::kComplement)) {
    return Unsupported(p + ".kind: unknown naive Bayes kind " + std::to_string(kind));
  }
  est::DiscreteNBInput in;
  in.kind = static_cast<est::DiscreteNBKind>(kind);
  SAFEMODEL_ASSIGN_OR_RETURN(in.classes, d.Labels(r.getClasses(), p + ".classes"));
  SAFEMODEL_ASSIGN_OR_RETURN(auto flp, d.Copy<double>(r.getFeatureLogProb(), DType::kF64, 2, p + ".feature_log_prob",
                                                      &in.feature_log_prob_shape));
  SAFEMODEL_ASSIGN_OR_RETURN(auto prior, d.Copy<double>(r.getClassLogPrior(), DType::kF64, 1, p + ".class_log_prior"));
  in.feature_log_prob = flp;
  in.class_log_prior = prior;
  in.binarize = r.getBinarize();
  in.threshold = r.getBinarizeThreshold();
  // One encoding per model: the threshold of a model that does not binarize is 0.
  if (!in.binarize && in.threshold != 0.0) {
    return Corruption(p + ".binarizeThreshold: set but binarize is false");
  }
  in.n_features_in = r.getNFeatures();
  SAFEMODEL_ASSIGN_OR_RETURN(est::DiscreteNB m, est::BuildDiscreteNB(in, p));
  return est::Estimator{std::move(m)};
}

}  // namespace safemodel::format
