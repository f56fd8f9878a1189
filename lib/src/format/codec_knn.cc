// KNeighborsClassifier / KNeighborsRegressor <-> schema KNeighborsModel. The
// tree fields are all present (kd_tree, ball_tree) or all noTensor (brute);
// the builder checks everything else.
#include "format/codec.h"

namespace safemodel::format {

void Encode(Encoder& enc, const est::KnnModel& m, schema::Estimator::Builder out, const std::string& p) {
  auto b = out.initKNeighbors();
  b.setKind(static_cast<schema::KnnKind>(m.kind));
  b.setWeights(static_cast<schema::KnnWeights>(m.weights));
  b.setMetric(static_cast<schema::KnnMetric>(m.metric));
  b.setP(m.p);
  b.setAlgorithm(static_cast<schema::KnnAlgorithm>(m.algorithm));
  b.setNNeighbors(static_cast<uint32_t>(m.n_neighbors));
  b.setNFeatures(static_cast<uint32_t>(m.n_features));
  const auto n = static_cast<uint64_t>(m.n_samples), nf = static_cast<uint64_t>(m.n_features);
  const auto no = static_cast<uint64_t>(m.n_outputs);
  b.setFitX(enc.Add<double>(p + "fit_x", DType::kF64, m.fit_x, {n, nf}));
  if (m.kind == est::KnnKind::kClassifier) {
    b.setY(enc.Add<int32_t>(p + "y", DType::kI32, m.y_index, {n, no}));
    auto classes = b.initClasses(static_cast<unsigned>(m.classes.size()));
    for (unsigned o = 0; o < classes.size(); ++o) enc.Labels(m.classes[o], classes[o], p + "classes" + std::to_string(o));
  } else {
    b.setY(enc.Add<double>(p + "y", DType::kF64, m.y_value, {n, no}));
    b.setYColumn(m.y_column);
  }
  if (m.algorithm == est::KnnAlgorithm::kBrute) {
    b.setIdxArray(kNoTensor);
    b.setNodeIndex(kNoTensor);
    b.setNodeRadius(kNoTensor);
    b.setNodeBounds(kNoTensor);
    return;
  }
  const auto nn = static_cast<uint64_t>(m.n_nodes);
  std::vector<int32_t> index(static_cast<size_t>(nn) * 3);
  for (size_t i = 0; i < static_cast<size_t>(nn); ++i) {
    index[3 * i] = m.node_start[i];
    index[3 * i + 1] = m.node_end[i];
    index[3 * i + 2] = m.node_is_leaf[i];
  }
  b.setLeafSize(static_cast<uint32_t>(m.leaf_size));
  b.setIdxArray(enc.Add<int32_t>(p + "idx_array", DType::kI32, m.idx_array, {n}));
  b.setNodeIndex(enc.Add<int32_t>(p + "node_index", DType::kI32, std::span<const int32_t>(index), {nn, 3}));
  b.setNodeRadius(enc.Add<double>(p + "node_radius", DType::kF64, m.node_radius, {nn}));
  const uint64_t planes = m.algorithm == est::KnnAlgorithm::kKdTree ? 2 : 1;
  b.setNodeBounds(enc.Add<double>(p + "node_bounds", DType::kF64, m.node_bounds, {planes, nn, nf}));
}

Result<est::Estimator> DecodeKNeighbors(Decoder& d, schema::KNeighborsModel::Reader r, const std::string& p) {
  if (static_cast<unsigned>(r.getKind()) >= est::kKnnKindCount ||
      static_cast<unsigned>(r.getWeights()) >= est::kKnnWeightsCount ||
      static_cast<unsigned>(r.getMetric()) >= est::kKnnMetricCount ||
      static_cast<unsigned>(r.getAlgorithm()) >= est::kKnnAlgorithmCount) {
    return Unsupported(p + ": unknown neighbours kind, weighting, metric or algorithm");
  }
  est::KnnInput in;
  in.kind = static_cast<est::KnnKind>(r.getKind());
  in.weights = static_cast<est::KnnWeights>(r.getWeights());
  in.metric = static_cast<est::KnnMetric>(r.getMetric());
  in.p = r.getP();
  in.algorithm = static_cast<est::KnnAlgorithm>(r.getAlgorithm());
  in.n_neighbors = r.getNNeighbors();
  in.n_features_in = r.getNFeatures();
  SAFEMODEL_ASSIGN_OR_RETURN(auto fit_x, d.Copy<double>(r.getFitX(), DType::kF64, 2, p + ".fit_x", &in.fit_x_shape));
  in.fit_x = fit_x;
  std::vector<uint64_t> y_shape;
  std::vector<int64_t> y_index;
  std::vector<double> y_value;
  std::vector<est::LabelValues> classes;
  if (in.kind == est::KnnKind::kClassifier) {
    SAFEMODEL_ASSIGN_OR_RETURN(auto y, d.Copy<int32_t>(r.getY(), DType::kI32, 2, p + ".y", &y_shape));
    y_index.assign(y.begin(), y.end());
    in.y_index = y_index;
    unsigned o = 0;
    for (auto l : r.getClasses()) {
      SAFEMODEL_ASSIGN_OR_RETURN(auto c, d.Labels(l, p + ".classes[" + std::to_string(o++) + "]"));
      classes.push_back(std::move(c));
    }
    in.classes = classes;
    if (r.getYColumn()) return Corruption(p + ".yColumn: only a regressor's _y can be a column");
  } else {
    if (r.getClasses().size() != 0) return Corruption(p + ".classes: a regressor has no classes");
    SAFEMODEL_ASSIGN_OR_RETURN(y_value, d.Copy<double>(r.getY(), DType::kF64, 2, p + ".y", &y_shape));
    in.y_value = y_value;
    in.y_column = r.getYColumn();
  }
  in.n_outputs = static_cast<int64_t>(y_shape[1]);
  if (!in.fit_x_shape.empty() && y_shape[0] != in.fit_x_shape[0]) {
    return Corruption(p + ".y: " + std::to_string(y_shape[0]) + " rows, fit_x has " + std::to_string(in.fit_x_shape[0]));
  }
  std::vector<int64_t> idx, start, end, leaf;
  std::vector<double> radius, bounds;
  const bool tree = in.algorithm != est::KnnAlgorithm::kBrute;
  const bool any_tree = r.getIdxArray() != kNoTensor || r.getNodeIndex() != kNoTensor ||
                        r.getNodeRadius() != kNoTensor || r.getNodeBounds() != kNoTensor;
  if (!tree && any_tree) return Corruption(p + ".idx_array: brute force has no tree");
  if (tree) {
    in.leaf_size = r.getLeafSize();
    SAFEMODEL_ASSIGN_OR_RETURN(auto ia, d.Copy<int32_t>(r.getIdxArray(), DType::kI32, 1, p + ".idx_array"));
    idx.assign(ia.begin(), ia.end());
    std::vector<uint64_t> index_shape;
    SAFEMODEL_ASSIGN_OR_RETURN(auto ni, d.Copy<int32_t>(r.getNodeIndex(), DType::kI32, 2, p + ".node_index",
                                                        &index_shape));
    if (index_shape[1] != 3) return Corruption(p + ".node_index: " + std::to_string(index_shape[1]) + " columns, expected 3");
    for (size_t i = 0; i + 2 < ni.size(); i += 3) {
      start.push_back(ni[i]);
      end.push_back(ni[i + 1]);
      leaf.push_back(ni[i + 2]);
    }
    SAFEMODEL_ASSIGN_OR_RETURN(radius, d.Copy<double>(r.getNodeRadius(), DType::kF64, 1, p + ".node_radius"));
    SAFEMODEL_ASSIGN_OR_RETURN(bounds, d.Copy<double>(r.getNodeBounds(), DType::kF64, 3, p + ".node_bounds",
                                                      &in.node_bounds_shape));
    in.idx_array = idx;
    in.node_start = start;
    in.node_end = end;
    in.node_is_leaf = leaf;
    in.node_radius = radius;
    in.node_bounds = bounds;
  }
  SAFEMODEL_ASSIGN_OR_RETURN(est::KnnModel m, est::BuildKnn(in, p));
  return est::Estimator{std::move(m)};
}

}  // namespace safemodel::format
