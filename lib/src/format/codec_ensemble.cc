// Codec of the isolation forest and AdaBoost group: IsolationForestModel and
// AdaBoostModel, each with its trees as a nested `trees` Estimator coded by
// the tree family's own codec.
#include <string>
#include <vector>

#include "format/codec.h"

namespace safemodel::format {

namespace {

// The nested tree model: must be the `trees` member.
Result<est::TreeModel> DecodeForest(Decoder& d, schema::Estimator::Reader forest, const std::string& p) {
  if (forest.which() != schema::Estimator::TREES) return Corruption(p + ".forest: must hold a tree model");
  SAFEMODEL_ASSIGN_OR_RETURN(est::Estimator trees, DecodeTrees(d, forest.getTrees(), p + ".forest"));
  return std::move(std::get<est::TreeModel>(trees.model));
}

}  // namespace

void Encode(Encoder& enc, const est::IsolationForestModel& m, schema::Estimator::Builder out, const std::string& p) {
  auto b = out.initIsolationForest();
  b.setClassName(m.class_name);
  b.setNFeatures(static_cast<uint32_t>(m.n_features));
  b.setMaxFeatures(static_cast<uint32_t>(m.max_features));
  b.setMaxSamples(m.max_samples);
  b.setOffset(m.offset);
  const uint64_t nt = m.n_node_samples.size();
  b.setFeatures(enc.Add<int32_t>(p + "features", DType::kI32, m.features, {nt, static_cast<uint64_t>(m.max_features)}));
  auto ns = b.initNodeSamples(static_cast<unsigned>(nt));
  for (unsigned t = 0; t < ns.size(); ++t) {
    const auto& n = m.n_node_samples[t];
    ns.set(t, enc.Add<int64_t>(p + "n_node_samples[" + std::to_string(t) + "]", DType::kI64, n, {n.size()}));
  }
  Encode(enc, m.trees, b.initForest(), p + "forest.");
}

Result<est::Estimator> DecodeIsolationForest(Decoder& d, schema::IsolationForestModel::Reader r, const std::string& p) {
  est::IsolationForestInput in;
  const std::string class_name(r.getClassName().cStr());
  in.class_name = class_name;
  in.n_features = r.getNFeatures();
  in.max_features = r.getMaxFeatures();
  in.max_samples = r.getMaxSamples();
  in.offset = r.getOffset();
  std::vector<uint64_t> fshape;
  SAFEMODEL_ASSIGN_OR_RETURN(auto features32, d.Copy<int32_t>(r.getFeatures(), DType::kI32, 2, p + ".features", &fshape));
  const std::vector<int64_t> features(features32.begin(), features32.end());
  auto ns = r.getNodeSamples();
  std::vector<std::vector<int64_t>> samples;
  samples.reserve(ns.size());
  for (unsigned t = 0; t < ns.size(); ++t) {
    SAFEMODEL_ASSIGN_OR_RETURN(auto v, d.Copy<int64_t>(ns[t], DType::kI64, 1, p + ".nodeSamples[" + std::to_string(t) + "]"));
    samples.push_back(std::move(v));
  }
  if (fshape[0] != ns.size() || fshape[1] != static_cast<uint64_t>(in.max_features)) {
    return Corruption(p + ".features: shape " + ShapeString(fshape) + ", expected [" + std::to_string(ns.size()) + ", " +
                      std::to_string(in.max_features) + "]");
  }
  for (uint64_t t = 0; t < fshape[0]; ++t) {
    in.features.push_back(std::span<const int64_t>(features).subspan(t * fshape[1], fshape[1]));
  }
  for (const auto& s : samples) in.n_node_samples.push_back(s);
  SAFEMODEL_ASSIGN_OR_RETURN(in.trees, DecodeForest(d, r.getForest(), p));
  SAFEMODEL_ASSIGN_OR_RETURN(est::IsolationForestModel m, est::BuildIsolationForest(std::move(in), p));
  return est::Estimator{std::move(m)};
}

void Encode(Encoder& enc, const est::AdaBoostModel& m, schema::Estimator::Builder out, const std::string& p) {
  auto b = out.initAdaBoost();
  b.setClassName(m.class_name);
  b.setAlgorithm(static_cast<schema::AdaAlgorithm>(m.algorithm));
  b.setNFeatures(static_cast<uint32_t>(m.n_features));
  if (m.algorithm != est::AdaAlgorithm::kRegressor) enc.Labels(m.classes, b.initClasses(), p + "classes");
  b.setEstimatorWeights(enc.Add<double>(p + "estimator_weights", DType::kF64, m.estimator_weights,
                                        {m.estimator_weights.size()}));
  Encode(enc, m.trees, b.initForest(), p + "forest.");
}

Result<est::Estimator> DecodeAdaBoost(Decoder& d, schema::AdaBoostModel::Reader r, const std::string& p) {
  if (static_cast<int>(r.getAlgorithm()) >= est::kAdaAlgorithmCount) return Unsupported(p + ": unknown algorithm");
  est::AdaBoostInput in;
  const std::string class_name(r.getClassName().cStr());
  in.class_name = class_name;
  in.algorithm = static_cast<est::AdaAlgorithm>(r.getAlgorithm());
  in.n_features = r.getNFeatures();
  SAFEMODEL_ASSIGN_OR_RETURN(in.classes, d.Labels(r.getClasses(), p + ".classes"));
  SAFEMODEL_ASSIGN_OR_RETURN(auto weights, d.Copy<double>(r.getEstimatorWeights(), DType::kF64, 1, p + ".estimator_weights"));
  in.estimator_weights = weights;
  SAFEMODEL_ASSIGN_OR_RETURN(in.trees, DecodeForest(d, r.getForest(), p));
  SAFEMODEL_ASSIGN_OR_RETURN(est::AdaBoostModel m, est::BuildAdaBoost(std::move(in), p));
  return est::Estimator{std::move(m)};
}

}  // namespace safemodel::format
