// The test kind "org.safemodel.test.affine" (affine.capnp), written the way
// docs/EXTENDING.md tells users to write one: a checked object, a validator
// that proves every index and size, a symmetric writer, the methods.
#ifndef SAFEMODEL_TESTS_EXTENSION_AFFINE_KIND_H_
#define SAFEMODEL_TESTS_EXTENSION_AFFINE_KIND_H_

#include <cmath>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "affine.capnp.h"
#include "safemodel/extension.h"

namespace safemodel::testkind {

struct AffineModel {
  uint32_t n_inputs = 0;
  uint32_t n_outputs = 0;
  std::vector<double> weights;  // n_outputs x n_inputs
  std::vector<double> bias;     // n_outputs
  std::vector<int32_t> columns; // empty or n_inputs, each in [0, n_inputs)
  std::vector<std::string> labels;
  bool logistic = false;
};

inline constexpr uint32_t kMaxInputs = 1 << 20;
inline constexpr uint32_t kMaxOutputs = 1 << 12;

inline Result<AffineModel> ReadAffine(Affine::Reader r, TensorSource& t) {
  AffineModel m;
  m.n_inputs = r.getNInputs();
  m.n_outputs = r.getNOutputs();
  if (m.n_inputs == 0 || m.n_inputs > kMaxInputs) return t.Error("nInputs", std::to_string(m.n_inputs) + " out of [1, 2^20]");
  if (m.n_outputs == 0 || m.n_outputs > kMaxOutputs) {
    return t.Error("nOutputs", std::to_string(m.n_outputs) + " out of [1, 4096]");
  }
  std::vector<uint64_t> shape;
  SAFEMODEL_ASSIGN_OR_RETURN(m.weights, t.Copy<double>(r.getWeights(), 2, "weights", &shape));
  if (shape != std::vector<uint64_t>{m.n_outputs, m.n_inputs}) return t.Error("weights", "shape is not [nOutputs, nInputs]");
  SAFEMODEL_ASSIGN_OR_RETURN(m.bias, t.Copy<double>(r.getBias(), 1, "bias"));
  if (m.bias.size() != m.n_outputs) return t.Error("bias", "length is not nOutputs");
  for (size_t i = 0; i < m.weights.size(); ++i) {
    if (!std::isfinite(m.weights[i])) return t.Error("weights", "element " + std::to_string(i) + " is not finite");
  }
  for (size_t i = 0; i < m.bias.size(); ++i) {
    if (!std::isfinite(m.bias[i])) return t.Error("bias", "element " + std::to_string(i) + " is not finite");
  }
  if (r.getColumns() != 0xffffffffu) {
    SAFEMODEL_ASSIGN_OR_RETURN(m.columns, t.Copy<int32_t>(r.getColumns(), 1, "columns"));
    if (m.columns.size() != m.n_inputs) return t.Error("columns", "length is not nInputs");
    for (size_t i = 0; i < m.columns.size(); ++i) {
      if (m.columns[i] < 0 || static_cast<uint32_t>(m.columns[i]) >= m.n_inputs) {
        return t.Error("columns", "element " + std::to_string(i) + " = " + std::to_string(m.columns[i]) +
                                      " is not a column in [0, nInputs)");
      }
    }
  }
  auto labels = r.getLabels();
  if (labels.size() != 0 && labels.size() != m.n_outputs) return t.Error("labels", "neither empty nor nOutputs long");
  for (unsigned i = 0; i < labels.size(); ++i) {
    SAFEMODEL_ASSIGN_OR_RETURN(auto s, t.Text(labels[i], "labels[" + std::to_string(i) + "]"));
    m.labels.push_back(std::move(s));
  }
  switch (r.getActivation()) {
    case Activation::IDENTITY: break;
    case Activation::LOGISTIC: m.logistic = true; break;
    default: return t.Error("activation", "unknown value " + std::to_string(static_cast<unsigned>(r.getActivation())));
  }
  return m;
}

inline Status WriteAffine(const AffineModel& m, Affine::Builder b, TensorSink& t) {
  b.setNInputs(m.n_inputs);
  b.setNOutputs(m.n_outputs);
  SAFEMODEL_ASSIGN_OR_RETURN(uint32_t w, t.Add<double>("weights", m.weights, {m.n_outputs, m.n_inputs}));
  b.setWeights(w);
  SAFEMODEL_ASSIGN_OR_RETURN(uint32_t bias, t.Add<double>("bias", m.bias, {m.bias.size()}));
  b.setBias(bias);
  if (!m.columns.empty()) {
    SAFEMODEL_ASSIGN_OR_RETURN(uint32_t c, t.Add<int32_t>("columns", m.columns, {m.columns.size()}));
    b.setColumns(c);
  }
  auto labels = b.initLabels(static_cast<unsigned>(m.labels.size()));
  for (unsigned i = 0; i < labels.size(); ++i) labels.set(i, m.labels[i]);
  b.setActivation(m.logistic ? Activation::LOGISTIC : Activation::IDENTITY);
  return Status::Ok();
}

inline std::vector<double> AffineOutputs(const AffineModel& m, const Rows& x) {
  std::vector<double> out(x.rows * m.n_outputs);
  for (size_t r = 0; r < x.rows; ++r) {
    for (uint32_t o = 0; o < m.n_outputs; ++o) {
      double s = m.bias[o];
      for (uint32_t i = 0; i < m.n_inputs; ++i) {
        const size_t col = m.columns.empty() ? i : static_cast<size_t>(m.columns[i]);
        s += m.weights[size_t{o} * m.n_inputs + i] * x.at(r, col);
      }
      out[r * m.n_outputs + o] = m.logistic ? 1.0 / (1.0 + std::exp(-s)) : s;
    }
  }
  return out;
}

inline Kind<Affine, AffineModel> AffineKind() {
  Kind<Affine, AffineModel> k;
  k.name = "org.safemodel.test.affine";
  k.version = 1;
  k.read = ReadAffine;
  k.write = WriteAffine;
  k.num_features = [](const AffineModel& m) { return static_cast<int64_t>(m.n_inputs); };
  k.transform_width = [](const AffineModel& m) { return static_cast<int64_t>(m.n_outputs); };
  k.describe = [](const AffineModel& m) {
    return "affine: " + std::to_string(m.n_inputs) + " inputs, " + std::to_string(m.n_outputs) + " outputs";
  };
  k.methods[Method::kTransform] = [](const AffineModel& m, const Rows& x) -> Result<Output> {
    Output o;
    o.rows = x.rows;
    o.cols = m.n_outputs;
    o.numbers = AffineOutputs(m, x);
    return o;
  };
  k.methods[Method::kPredict] = [](const AffineModel& m, const Rows& x) -> Result<Output> {
    Output o;
    o.rows = x.rows;
    std::vector<double> v = AffineOutputs(m, x);
    if (m.labels.empty()) {
      o.cols = m.n_outputs;
      o.numbers = std::move(v);
      return o;
    }
    o.kind = Output::Kind::kStringLabels;
    o.cols = 1;
    for (size_t r = 0; r < x.rows; ++r) {
      size_t best = 0;
      for (size_t j = 1; j < m.n_outputs; ++j) {
        if (v[r * m.n_outputs + j] > v[r * m.n_outputs + best]) best = j;
      }
      o.strings.push_back(m.labels[best]);
    }
    return o;
  };
  k.methods[Method::kPredictProba] = [](const AffineModel& m, const Rows& x) -> Result<Output> {
    if (!m.logistic) return Unsupported("an identity affine model has no predict_proba");
    Output o;
    o.rows = x.rows;
    o.cols = m.n_outputs;
    o.numbers = AffineOutputs(m, x);
    return o;
  };
  return k;
}

inline std::vector<AffineModel> AffineExamples() {
  AffineModel a;
  a.n_inputs = 3;
  a.n_outputs = 2;
  a.weights = {1, 2, 3, -1, 0.5, 0};
  a.bias = {0.25, -4};
  a.labels = {"no", "yes"};
  a.logistic = true;
  AffineModel b;
  b.n_inputs = 2;
  b.n_outputs = 1;
  b.weights = {3, -2};
  b.bias = {1};
  b.columns = {1, 0};
  return {a, b};
}

}  // namespace safemodel::testkind

#endif  // SAFEMODEL_TESTS_EXTENSION_AFFINE_KIND_H_
