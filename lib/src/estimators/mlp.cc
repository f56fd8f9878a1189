#include "estimators/mlp.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace safemodel::estimators {
namespace {

constexpr std::string_view kActivationNames[kMlpActivationCount] = {"identity", "logistic", "tanh",
                                                                     "relu",     "softmax",  "exp"};

std::string Indexed(std::string_view path, std::string_view field, size_t i) {
  return std::string(path) + "." + std::string(field) + "[" + std::to_string(i) + "]";
}

std::string ShapeText(const std::vector<uint64_t>& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

bool HiddenActivationOk(MlpActivation a) {
  return a == MlpActivation::kIdentity || a == MlpActivation::kLogistic || a == MlpActivation::kTanh ||
         a == MlpActivation::kRelu;
}

bool OutActivationOk(MlpActivation a, MlpTarget t) {
  if (a == MlpActivation::kIdentity || a == MlpActivation::kLogistic || a == MlpActivation::kSoftmax) return true;
  return a == MlpActivation::kExp && t == MlpTarget::kRegressor;
}

// coefs_[i] and intercepts_[i]: shapes chain from n_features to n_outputs.
Status CheckLayer(const MlpInput& in, size_t i, std::string_view path, MlpModel& m) {
  const std::string cp = Indexed(path, "coefs_", i);
  const auto& s = in.coef_shapes[i];
  if (s.size() != 2) return Corruption(cp + ": " + std::to_string(s.size()) + "-d, expected 2-d [n_in, n_out]");
  SAFEMODEL_RETURN_IF_ERROR(CheckCount(cp + ".shape[0]", static_cast<int64_t>(std::min<uint64_t>(s[0], INT64_MAX)), 1));
  SAFEMODEL_RETURN_IF_ERROR(CheckCount(cp + ".shape[1]", static_cast<int64_t>(std::min<uint64_t>(s[1], INT64_MAX)), 1));
  SAFEMODEL_RETURN_IF_ERROR(CheckSize(cp, in.coefs[i].size(), s[0], s[1]));
  const auto rows = static_cast<int32_t>(s[0]), cols = static_cast<int32_t>(s[1]);
  if (i == 0) {
    m.widths.push_back(rows);
  } else if (rows != m.widths.back()) {
    return Corruption(cp + ": shape " + ShapeText(s) + " does not follow coefs_[" + std::to_string(i - 1) + "]'s " +
                      std::to_string(m.widths.back()) + " outputs");
  }
  m.widths.push_back(cols);
  SAFEMODEL_RETURN_IF_ERROR(CheckAllFinite(in.coefs[i], cp));
  const std::string ip = Indexed(path, "intercepts_", i);
  const auto& is = in.intercept_shapes[i];
  if (is.size() != 1 || is[0] != static_cast<uint64_t>(cols) || in.intercepts[i].size() != static_cast<size_t>(cols)) {
    return Corruption(ip + ": shape " + ShapeText(is) + ", expected [" + std::to_string(cols) + "] (coefs_[" +
                      std::to_string(i) + "]'s outputs)");
  }
  SAFEMODEL_RETURN_IF_ERROR(CheckAllFinite(in.intercepts[i], ip));
  m.coefs.emplace_back(in.coefs[i].begin(), in.coefs[i].end());
  m.intercepts.emplace_back(in.intercepts[i].begin(), in.intercepts[i].end());
  return Status::Ok();
}

Status CheckCounts(const MlpInput& in, std::string_view path, const MlpModel& m) {
  const std::string p(path);
  if (in.n_features_in && *in.n_features_in != m.n_features) {
    return Corruption(p + ".n_features_in_: " + std::to_string(*in.n_features_in) + " but coefs_[0] has " +
                      std::to_string(m.n_features) + " rows");
  }
  const auto layers = static_cast<int64_t>(m.coefs.size());
  if (in.n_layers && *in.n_layers != layers + 1) {
    return Corruption(p + ".n_layers_: " + std::to_string(*in.n_layers) + " but coefs_ holds " + std::to_string(layers) +
                      " layers (expected " + std::to_string(layers + 1) + ")");
  }
  if (in.n_outputs && *in.n_outputs != m.n_outputs) {
    return Corruption(p + ".n_outputs_: " + std::to_string(*in.n_outputs) + " but the last layer has " +
                      std::to_string(m.n_outputs) + " outputs");
  }
  return Status::Ok();
}

Status CheckTarget(const MlpInput& in, std::string_view path, const MlpModel& m) {
  const std::string p(path);
  const size_t n = LabelCount(in.classes);
  const auto outs = static_cast<size_t>(m.n_outputs);
  switch (in.target) {
    case MlpTarget::kRegressor:
      if (n != 0) return Corruption(p + ".classes_: a regressor has no classes");
      return Status::Ok();
    case MlpTarget::kBinary:
      if (outs != 1 || n < 1 || n > 2) {
        return Corruption(p + "._label_binarizer.classes_: binary target with " + std::to_string(n) + " classes and " +
                          std::to_string(outs) + " outputs (expected 1 or 2 classes, 1 output)");
      }
      break;
    case MlpTarget::kMulticlass:
    case MlpTarget::kMultilabel:
      if (n != outs || n < (in.target == MlpTarget::kMulticlass ? 2u : 1u)) {
        return Corruption(p + "._label_binarizer.classes_: " + std::to_string(n) + " classes but the network has " +
                          std::to_string(outs) + " outputs");
      }
      break;
  }
  if (!std::isfinite(in.threshold)) {
    return Corruption(p + "._label_binarizer: threshold " + FormatDouble(in.threshold) + " is not finite");
  }
  return Status::Ok();
}

}  // namespace

std::string_view MlpActivationName(MlpActivation a) {
  const auto i = static_cast<uint8_t>(a);
  return i < kMlpActivationCount ? kActivationNames[i] : std::string_view("?");
}

std::optional<MlpActivation> ParseMlpActivation(std::string_view name) {
  for (uint8_t i = 0; i < kMlpActivationCount; ++i) {
    if (kActivationNames[i] == name) return static_cast<MlpActivation>(i);
  }
  return std::nullopt;
}

std::optional<MlpTarget> ParseMlpTarget(std::string_view y_type) {
  if (y_type == "binary") return MlpTarget::kBinary;
  if (y_type == "multiclass") return MlpTarget::kMulticlass;
  if (y_type == "multilabel-indicator") return MlpTarget::kMultilabel;
  return std::nullopt;
}

Result<MlpModel> BuildMlp(const MlpInput& in, std::string_view path) {
  const std::string p(path);
  if (static_cast<uint8_t>(in.target) >= kMlpTargetCount) return Corruption(p + ".target: unknown kind");
  if (static_cast<uint8_t>(in.activation) >= kMlpActivationCount || !HiddenActivationOk(in.activation)) {
    return Corruption(p + ".activation: '" + std::string(MlpActivationName(in.activation)) +
                      "' is not a hidden-layer activation (identity, logistic, tanh, relu)");
  }
  if (static_cast<uint8_t>(in.out_activation) >= kMlpActivationCount ||
      !OutActivationOk(in.out_activation, in.target)) {
    return Corruption(p + ".out_activation_: '" + std::string(MlpActivationName(in.out_activation)) +
                      "' is not an output activation for this model");
  }
  if (in.coefs.empty()) return Corruption(p + ".coefs_: no layers");
  if (in.coefs.size() != in.coef_shapes.size() || in.intercepts.size() != in.intercept_shapes.size()) {
    return Corruption(p + ": shapes missing for some layers");
  }
  if (in.intercepts.size() != in.coefs.size()) {
    return Corruption(p + ".intercepts_: " + std::to_string(in.intercepts.size()) + " arrays for " +
                      std::to_string(in.coefs.size()) + " coefs_ layers");
  }
  MlpModel m;
  m.target = in.target;
  m.activation = in.activation;
  m.out_activation = in.out_activation;
  for (size_t i = 0; i < in.coefs.size(); ++i) SAFEMODEL_RETURN_IF_ERROR(CheckLayer(in, i, path, m));
  m.n_features = m.widths.front();
  m.n_outputs = m.widths.back();
  SAFEMODEL_RETURN_IF_ERROR(CheckCounts(in, path, m));
  SAFEMODEL_RETURN_IF_ERROR(CheckTarget(in, path, m));
  m.threshold = in.threshold;
  m.classes = in.classes;
  return m;
}

namespace {

// numpy's add.reduce over a contiguous row (pairwise_sum in numpy's
// loops_utils): a plain sum below 8 elements, 8 interleaved accumulators up
// to 128, and halves (cut at a multiple of 8) above.
double NumpyRowSum(const double* a, size_t n) {
  if (n < 8) {
    double res = 0.0;
    for (size_t i = 0; i < n; ++i) res += a[i];
    return res;
  }
  if (n <= 128) {
    double r[8];
    for (size_t j = 0; j < 8; ++j) r[j] = a[j];
    size_t i = 8;
    for (; i < n - n % 8; i += 8) {
      for (size_t j = 0; j < 8; ++j) r[j] += a[i + j];
    }
    double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) res += a[i];
    return res;
  }
  size_t n2 = n / 2;
  n2 -= n2 % 8;
  return NumpyRowSum(a, n2) + NumpyRowSum(a + n2, n - n2);
}

// sklearn.neural_network._base.inplace_*: elementwise, or row-wise softmax.
void Activate(MlpActivation a, Matrix& z) {
  switch (a) {
    case MlpActivation::kIdentity: return;
    case MlpActivation::kLogistic:  // scipy.special.expit
      for (double& v : z.data) v = 1.0 / (1.0 + std::exp(-v));
      return;
    case MlpActivation::kTanh:
      for (double& v : z.data) v = std::tanh(v);
      return;
    case MlpActivation::kRelu:  // np.maximum(x, 0): NaN passes through
      for (double& v : z.data) v = (v >= 0.0 || std::isnan(v)) ? v : 0.0;
      return;
    case MlpActivation::kExp:
      for (double& v : z.data) v = std::exp(v);
      return;
    case MlpActivation::kSoftmax:
      for (size_t i = 0; i < z.rows; ++i) {
        double* row = &z.at(i, 0);
        double mx = row[0];
        for (size_t k = 1; k < z.cols; ++k) mx = std::max(mx, row[k]);
        for (size_t k = 0; k < z.cols; ++k) row[k] = std::exp(row[k] - mx);
        const double sum = NumpyRowSum(row, z.cols);
        for (size_t k = 0; k < z.cols; ++k) row[k] /= sum;
      }
      return;
  }
}

// a @ W + b: each output summed over the inputs in order, as the reference
// BLAS dgemm numpy calls, then the bias added. The inner loop runs over
// outputs, so it vectorises without reordering any sum.
Matrix Layer(const Matrix& a, const std::vector<double>& w, const std::vector<double>& b, size_t n_out) {
  Matrix out(a.rows, n_out);
  const size_t n_in = a.cols;
  for (size_t i = 0; i < a.rows; ++i) {
    double* o = &out.at(i, 0);
    for (size_t l = 0; l < n_in; ++l) {
      const double x = a.at(i, l);
      const double* wl = w.data() + l * n_out;
      for (size_t j = 0; j < n_out; ++j) o[j] += x * wl[j];
    }
    for (size_t j = 0; j < n_out; ++j) o[j] += b[j];
  }
  return out;
}

int32_t FirstArgMax(const double* row, size_t n) {
  size_t best = 0;
  for (size_t k = 1; k < n; ++k) {
    if (row[k] > row[best]) best = k;
  }
  return static_cast<int32_t>(best);
}

}  // namespace

std::string ClassNameOf(const MlpModel& m) {
  return m.target == MlpTarget::kRegressor ? "MLPRegressor" : "MLPClassifier";
}

Result<Matrix> MlpForward(const MlpModel& m, MatrixView x) {
  SAFEMODEL_RETURN_IF_ERROR(CheckInput(x, static_cast<size_t>(m.n_features), FiniteRule::kFinite, ClassNameOf(m)));
  Matrix a(x.rows, x.cols);
  a.data.assign(x.data.begin(), x.data.end());
  const size_t layers = m.coefs.size();
  for (size_t i = 0; i < layers; ++i) {
    a = Layer(a, m.coefs[i], m.intercepts[i], static_cast<size_t>(m.widths[i + 1]));
    if (i + 1 < layers) Activate(m.activation, a);
  }
  Activate(m.out_activation, a);
  return a;
}

Result<Prediction> MlpPredict(const MlpModel& m, MatrixView x) {
  SAFEMODEL_ASSIGN_OR_RETURN(Matrix y, MlpForward(m, x));
  switch (m.target) {
    case MlpTarget::kRegressor: return Prediction(std::move(y));
    case MlpTarget::kMultilabel: {
      std::vector<int64_t> bits(y.data.size());
      for (size_t i = 0; i < bits.size(); ++i) bits[i] = y.data[i] > m.threshold ? 1 : 0;
      return Prediction(Labels{y.rows, y.cols, std::move(bits)});
    }
    case MlpTarget::kBinary:
    case MlpTarget::kMulticlass: break;
  }
  std::vector<int32_t> index(y.rows, 0);
  const bool one_class = LabelCount(m.classes) == 1;
  for (size_t i = 0; i < y.rows; ++i) {
    if (m.target == MlpTarget::kMulticlass) index[i] = FirstArgMax(&y.at(i, 0), y.cols);
    else if (!one_class) index[i] = y.at(i, 0) > m.threshold ? 1 : 0;
  }
  return Prediction(Labels{y.rows, 1, TakeLabels(m.classes, index)});
}

Result<Matrix> MlpPredictProba(const MlpModel& m, MatrixView x) {
  if (m.target == MlpTarget::kRegressor) return Unsupported("MLPRegressor has no predict_proba");
  SAFEMODEL_ASSIGN_OR_RETURN(Matrix y, MlpForward(m, x));
  if (y.cols != 1) return y;
  Matrix p(y.rows, 2);  // np.vstack([1 - y, y]).T
  for (size_t i = 0; i < y.rows; ++i) {
    p.at(i, 1) = y.at(i, 0);
    p.at(i, 0) = 1.0 - y.at(i, 0);
  }
  return p;
}

std::string Describe(const MlpModel& m) {
  std::string s = ClassNameOf(m) + ": layers";
  for (size_t i = 0; i < m.widths.size(); ++i) s += (i ? "-" : " ") + std::to_string(m.widths[i]);
  s += ", " + std::string(MlpActivationName(m.activation)) + " -> " + std::string(MlpActivationName(m.out_activation));
  if (m.target != MlpTarget::kRegressor) s += ", " + DescribeClasses(m.classes);
  if (m.target == MlpTarget::kMultilabel) s += " multilabel";
  return s;
}

}  // namespace safemodel::estimators
