// MLPClassifier / MLPRegressor <-> schema MlpModel: one coef and one
// intercept tensor per layer; the builder checks that they chain.
#include "format/codec.h"

namespace safemodel::format {

void Encode(Encoder& enc, const est::MlpModel& m, schema::Estimator::Builder out, const std::string& p) {
  auto b = out.initMlp();
  b.setTarget(static_cast<schema::MlpTarget>(m.target));
  b.setActivation(static_cast<schema::MlpActivation>(m.activation));
  b.setOutActivation(static_cast<schema::MlpActivation>(m.out_activation));
  b.setNFeatures(static_cast<uint32_t>(m.n_features));
  auto layers = b.initLayers(static_cast<unsigned>(m.coefs.size()));
  for (unsigned i = 0; i < layers.size(); ++i) {
    const auto n_in = static_cast<uint64_t>(m.widths[i]), n_out = static_cast<uint64_t>(m.widths[i + 1]);
    const std::string lp = p + "layers[" + std::to_string(i) + "].";
    layers[i].setCoef(enc.Add<double>(lp + "coef", DType::kF64, m.coefs[i], {n_in, n_out}));
    layers[i].setIntercept(enc.Add<double>(lp + "intercept", DType::kF64, m.intercepts[i], {n_out}));
  }
  b.setThreshold(m.threshold);
  if (m.target != est::MlpTarget::kRegressor) enc.Labels(m.classes, b.initClasses(), p + "classes");
}

Result<est::Estimator> DecodeMlp(Decoder& d, schema::MlpModel::Reader r, const std::string& p) {
  if (static_cast<unsigned>(r.getTarget()) >= est::kMlpTargetCount ||
      static_cast<unsigned>(r.getActivation()) >= est::kMlpActivationCount ||
      static_cast<unsigned>(r.getOutActivation()) >= est::kMlpActivationCount) {
    return Unsupported(p + ": unknown target or activation kind");
  }
  est::MlpInput in;
  in.target = static_cast<est::MlpTarget>(r.getTarget());
  in.activation = static_cast<est::MlpActivation>(r.getActivation());
  in.out_activation = static_cast<est::MlpActivation>(r.getOutActivation());
  in.n_features_in = r.getNFeatures();
  in.threshold = r.getThreshold();
  auto layers = r.getLayers();
  std::vector<std::vector<double>> coefs, intercepts;
  coefs.reserve(layers.size());
  intercepts.reserve(layers.size());
  for (unsigned i = 0; i < layers.size(); ++i) {
    const std::string lp = p + ".layers[" + std::to_string(i) + "]";
    std::vector<uint64_t> cs, is;
    SAFEMODEL_ASSIGN_OR_RETURN(auto c, d.Copy<double>(layers[i].getCoef(), DType::kF64, 2, lp + ".coef", &cs));
    SAFEMODEL_ASSIGN_OR_RETURN(auto b, d.Copy<double>(layers[i].getIntercept(), DType::kF64, 1, lp + ".intercept", &is));
    coefs.push_back(std::move(c));
    intercepts.push_back(std::move(b));
    in.coef_shapes.push_back(std::move(cs));
    in.intercept_shapes.push_back(std::move(is));
  }
  for (size_t i = 0; i < coefs.size(); ++i) {
    in.coefs.emplace_back(coefs[i]);
    in.intercepts.emplace_back(intercepts[i]);
  }
  if (in.target != est::MlpTarget::kRegressor) {
    SAFEMODEL_ASSIGN_OR_RETURN(in.classes, d.Labels(r.getClasses(), p + ".classes"));
  }
  SAFEMODEL_ASSIGN_OR_RETURN(est::MlpModel m, est::BuildMlp(in, p));
  return est::Estimator{std::move(m)};
}

}  // namespace safemodel::format
