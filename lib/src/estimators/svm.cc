#include "estimators/svm.h"

#include <algorithm>
#include <cmath>

#include "util/checked.h"

namespace safemodel::estimators {
namespace {

constexpr std::string_view kKernelNames[kSvmKernelCount] = {"linear", "poly", "rbf", "sigmoid"};
constexpr std::string_view kClassNames[kSvmKindCount] = {"SVC", "NuSVC", "SVR", "NuSVR", "OneClassSVM"};

bool IsClassifier(SvmKind k) { return k == SvmKind::kSvc || k == SvmKind::kNuSvc; }

std::string ShapeText(const std::vector<uint64_t>& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

int64_t Clamp64(uint64_t v) { return static_cast<int64_t>(std::min<uint64_t>(v, INT64_MAX)); }

// support_vectors_ [n_sv, n_features] and _dual_coef_ [rows, n_sv].
Status CheckArrays(const SvmInput& in, std::string_view path, SvmModel& m) {
  const std::string p(path);
  const auto& s = in.support_vectors_shape;
  if (s.size() != 2) return Corruption(p + ".support_vectors_: shape " + ShapeText(s) + ", expected 2-d");
  SAFEMODEL_RETURN_IF_ERROR(CheckCount(p + ".support_vectors_.shape[0]", Clamp64(s[0]), 0));
  SAFEMODEL_RETURN_IF_ERROR(CheckCount(p + ".support_vectors_.shape[1]", Clamp64(s[1]), 1));
  SAFEMODEL_RETURN_IF_ERROR(CheckSize(p + ".support_vectors_", in.support_vectors.size(), s[0], s[1]));
  m.n_sv = static_cast<int32_t>(s[0]);
  m.n_features = static_cast<int32_t>(s[1]);
  if (in.n_features_in && *in.n_features_in != m.n_features) {
    return Corruption(p + ".n_features_in_: " + std::to_string(*in.n_features_in) + " but support_vectors_ has " +
                      std::to_string(m.n_features) + " columns");
  }
  SAFEMODEL_RETURN_IF_ERROR(CheckAllFinite(in.support_vectors, p + ".support_vectors_"));
  const uint64_t rows = IsClassifier(in.kind) ? static_cast<uint64_t>(m.n_classes - 1) : 1;
  const auto& d = in.dual_coef_shape;
  if (d.size() != 2 || d[0] != rows || d[1] != static_cast<uint64_t>(m.n_sv)) {
    return Corruption(p + "._dual_coef_: shape " + ShapeText(d) + ", expected [" + std::to_string(rows) + ", " +
                      std::to_string(m.n_sv) + "]");
  }
  SAFEMODEL_RETURN_IF_ERROR(CheckSize(p + "._dual_coef_", in.dual_coef.size(), d[0], d[1]));
  SAFEMODEL_RETURN_IF_ERROR(CheckAllFinite(in.dual_coef, p + "._dual_coef_"));
  m.support_vectors.assign(in.support_vectors.begin(), in.support_vectors.end());
  m.dual_coef.assign(in.dual_coef.begin(), in.dual_coef.end());
  return Status::Ok();
}

// _n_support: one count per class, summing to the support vector count.
Status CheckSupportCounts(const SvmInput& in, std::string_view path, SvmModel& m) {
  const std::string p = std::string(path) + "._n_support";
  if (in.n_support.size() != static_cast<size_t>(m.n_classes)) {
    return Corruption(p + ": " + std::to_string(in.n_support.size()) + " counts for " + std::to_string(m.n_classes) +
                      " classes");
  }
  int64_t total = 0;
  for (size_t i = 0; i < in.n_support.size(); ++i) {
    const int64_t c = in.n_support[i];
    if (c < 0 || c > m.n_sv) {
      return Corruption(p + "[" + std::to_string(i) + "]: " + std::to_string(c) + " out of range [0, " +
                        std::to_string(m.n_sv) + "]");
    }
    m.sv_start.push_back(static_cast<int32_t>(total));
    m.n_support.push_back(static_cast<int32_t>(c));
    total += c;  // each <= n_sv <= INT32_MAX and at most INT32_MAX counts: no overflow
  }
  if (total != m.n_sv) {
    return Corruption(p + ": counts sum to " + std::to_string(total) + " but support_vectors_ has " +
                      std::to_string(m.n_sv) + " rows");
  }
  return Status::Ok();
}

Status CheckPerPair(std::span<const double> v, size_t want, const std::string& where) {
  if (v.size() != want) {
    return Corruption(where + ": " + std::to_string(v.size()) + " values, expected " + std::to_string(want));
  }
  return CheckAllFinite(v, where);
}

Status CheckClassifier(const SvmInput& in, std::string_view path, SvmModel& m) {
  const std::string p(path);
  const size_t n = LabelCount(in.classes);
  SAFEMODEL_RETURN_IF_ERROR(CheckCount(p + ".classes_.size", static_cast<int64_t>(n), 2));
  m.n_classes = static_cast<int32_t>(n);
  SAFEMODEL_RETURN_IF_ERROR(CheckArrays(in, path, m));
  SAFEMODEL_RETURN_IF_ERROR(CheckSupportCounts(in, path, m));
  const auto pairs = CheckedMul(n, n - 1);
  if (!pairs) return LimitExceeded(p + ".classes_: class pair count overflows");
  SAFEMODEL_RETURN_IF_ERROR(CheckPerPair(in.intercept, *pairs / 2, p + "._intercept_"));
  if (in.probability) {
    SAFEMODEL_RETURN_IF_ERROR(CheckPerPair(in.prob_a, *pairs / 2, p + "._probA"));
    SAFEMODEL_RETURN_IF_ERROR(CheckPerPair(in.prob_b, *pairs / 2, p + "._probB"));
    m.prob_a.assign(in.prob_a.begin(), in.prob_a.end());
    m.prob_b.assign(in.prob_b.begin(), in.prob_b.end());
  }
  if (in.break_ties && !in.ovr) {
    return Corruption(p + ".break_ties: true with decision_function_shape 'ovo' (scikit-learn refuses to predict)");
  }
  m.probability = in.probability;
  m.ovr = in.ovr;
  m.break_ties = in.break_ties;
  m.classes = in.classes;
  return Status::Ok();
}

Status CheckOneTarget(const SvmInput& in, std::string_view path, SvmModel& m) {
  const std::string p(path);
  if (LabelCount(in.classes) != 0) return Corruption(p + ".classes_: " + ClassNameOf(m) + " has no classes");
  if (in.probability) return Corruption(p + ".probability: " + ClassNameOf(m) + " has no predict_proba");
  SAFEMODEL_RETURN_IF_ERROR(CheckArrays(in, path, m));
  SAFEMODEL_RETURN_IF_ERROR(CheckPerPair(in.intercept, 1, p + "._intercept_"));
  if (!std::isfinite(in.offset)) return Corruption(p + ".offset_: " + FormatDouble(in.offset) + " is not finite");
  m.offset = in.offset;
  return Status::Ok();
}

Status CheckKernel(const SvmInput& in, std::string_view path, SvmModel& m) {
  const std::string p(path);
  if (static_cast<uint8_t>(in.kernel) >= kSvmKernelCount) return Corruption(p + ".kernel: unknown kernel");
  m.kernel = in.kernel;
  if (in.kernel == SvmKernel::kLinear) return Status::Ok();
  if (!std::isfinite(in.gamma) || in.gamma < 0) {
    return Corruption(p + "._gamma: " + FormatDouble(in.gamma) + " must be finite and >= 0");
  }
  m.gamma = in.gamma;
  if (in.kernel == SvmKernel::kRbf) return Status::Ok();
  if (!std::isfinite(in.coef0)) return Corruption(p + ".coef0: " + FormatDouble(in.coef0) + " is not finite");
  m.coef0 = in.coef0;
  if (in.kernel == SvmKernel::kPoly) {
    if (in.degree < 0 || in.degree > kMaxSvmDegree) {
      return Corruption(p + ".degree: " + std::to_string(in.degree) + " out of range [0, " +
                        std::to_string(kMaxSvmDegree) + "]");
    }
    m.degree = static_cast<int32_t>(in.degree);
  }
  return Status::Ok();
}

}  // namespace

std::optional<SvmKernel> ParseSvmKernel(std::string_view name) {
  for (uint8_t i = 0; i < kSvmKernelCount; ++i) {
    if (kKernelNames[i] == name) return static_cast<SvmKernel>(i);
  }
  return std::nullopt;
}

std::string_view SvmKernelName(SvmKernel k) {
  const auto i = static_cast<uint8_t>(k);
  return i < kSvmKernelCount ? kKernelNames[i] : std::string_view("?");
}

std::string_view SvmClassName(SvmKind k) {
  const auto i = static_cast<uint8_t>(k);
  return i < kSvmKindCount ? kClassNames[i] : std::string_view("?");
}

Result<SvmModel> BuildSvm(const SvmInput& in, std::string_view path) {
  if (static_cast<uint8_t>(in.kind) >= kSvmKindCount) return Corruption(std::string(path) + ".kind: unknown kind");
  SvmModel m;
  m.kind = in.kind;
  SAFEMODEL_RETURN_IF_ERROR(CheckKernel(in, path, m));
  if (IsClassifier(in.kind)) {
    SAFEMODEL_RETURN_IF_ERROR(CheckClassifier(in, path, m));
  } else {
    SAFEMODEL_RETURN_IF_ERROR(CheckOneTarget(in, path, m));
  }
  m.intercept.assign(in.intercept.begin(), in.intercept.end());
  return m;
}

namespace {

// libsvm's powi: square-and-multiply over the bits of `times`.
double Powi(double base, int times) {
  double tmp = base, ret = 1.0;
  for (int t = times; t > 0; t /= 2) {
    if (t % 2 == 1) ret *= tmp;
    tmp = tmp * tmp;
  }
  return ret;
}

// Kernel::dot through the reference BLAS ddot: a left-to-right sum.
double Dot(const double* a, const double* b, size_t n) {
  double sum = 0;
  for (size_t i = 0; i < n; ++i) sum += a[i] * b[i];
  return sum;
}

// Kernel::k_function (dense) for one input row and one support vector.
double KernelValue(const SvmModel& m, const double* x, const double* sv) {
  const auto n = static_cast<size_t>(m.n_features);
  switch (m.kernel) {
    case SvmKernel::kLinear: return Dot(x, sv, n);
    case SvmKernel::kPoly: return Powi(m.gamma * Dot(x, sv, n) + m.coef0, m.degree);
    case SvmKernel::kRbf: {
      double sum = 0;  // ddot of the difference with itself
      for (size_t i = 0; i < n; ++i) {
        const double d = x[i] - sv[i];
        sum += d * d;
      }
      return std::exp(-m.gamma * sum);
    }
    case SvmKernel::kSigmoid: return std::tanh(m.gamma * Dot(x, sv, n) + m.coef0);
  }
  return 0;
}

// svm_predict_values for one row: dec (pairs or 1 values); returns the
// voted class index for classifiers.
int32_t PredictValues(const SvmModel& m, const double* x, std::vector<double>& kvalue, double* dec) {
  const auto nf = static_cast<size_t>(m.n_features);
  for (int32_t i = 0; i < m.n_sv; ++i) kvalue[i] = KernelValue(m, x, m.support_vectors.data() + i * nf);
  const auto nsv = static_cast<size_t>(m.n_sv);
  if (!IsClassifier(m.kind)) {
    double sum = 0;
    for (size_t i = 0; i < nsv; ++i) sum += m.dual_coef[i] * kvalue[i];
    sum -= -m.intercept[0];  // rho = -intercept
    dec[0] = sum;
    return 0;
  }
  std::vector<int32_t> vote(static_cast<size_t>(m.n_classes), 0);
  size_t p = 0;
  for (int32_t i = 0; i < m.n_classes; ++i) {
    for (int32_t j = i + 1; j < m.n_classes; ++j) {
      const double* coef1 = m.dual_coef.data() + static_cast<size_t>(j - 1) * nsv;
      const double* coef2 = m.dual_coef.data() + static_cast<size_t>(i) * nsv;
      double sum = 0;
      const int32_t si = m.sv_start[i], sj = m.sv_start[j];
      for (int32_t k = 0; k < m.n_support[i]; ++k) sum += coef1[si + k] * kvalue[si + k];
      for (int32_t k = 0; k < m.n_support[j]; ++k) sum += coef2[sj + k] * kvalue[sj + k];
      sum -= -m.intercept[p];
      dec[p] = sum;
      ++vote[dec[p] > 0 ? i : j];
      ++p;
    }
  }
  int32_t best = 0;
  for (int32_t i = 1; i < m.n_classes; ++i) {
    if (vote[i] > vote[best]) best = i;
  }
  return best;
}

size_t PairCount(const SvmModel& m) {
  return IsClassifier(m.kind) ? static_cast<size_t>(m.n_classes) * (m.n_classes - 1) / 2 : 1;
}

// Decision values for every row, and the voted class index per row.
Result<Matrix> DecisionValues(const SvmModel& m, MatrixView x, std::vector<int32_t>* votes) {
  SAFEMODEL_RETURN_IF_ERROR(CheckInput(x, static_cast<size_t>(m.n_features), FiniteRule::kFinite, ClassNameOf(m)));
  Matrix dec(x.rows, PairCount(m));
  std::vector<double> kvalue(static_cast<size_t>(m.n_sv));
  if (votes) votes->resize(x.rows);
  for (size_t r = 0; r < x.rows; ++r) {
    const int32_t v = PredictValues(m, x.data.data() + r * x.cols, kvalue, &dec.at(r, 0));
    if (votes) (*votes)[r] = v;
  }
  return dec;
}

// sklearn.utils.multiclass._ovr_decision_function(dec < 0, -dec, n_classes).
Matrix OvrDecision(const Matrix& dec, int32_t n_classes) {
  const auto nc = static_cast<size_t>(n_classes);
  Matrix votes(dec.rows, nc), conf(dec.rows, nc), out(dec.rows, nc);
  for (size_t r = 0; r < dec.rows; ++r) {
    size_t k = 0;
    for (size_t i = 0; i < nc; ++i) {
      for (size_t j = i + 1; j < nc; ++j, ++k) {
        const double d = dec.at(r, k);
        conf.at(r, i) -= -d;
        conf.at(r, j) += -d;
        votes.at(r, d < 0 ? j : i) += 1;
      }
    }
    for (size_t i = 0; i < nc; ++i) {
      const double s = conf.at(r, i);
      out.at(r, i) = votes.at(r, i) + s / (3 * (std::fabs(s) + 1));
    }
  }
  return out;
}

double SigmoidPredict(double decision_value, double a, double b) {
  const double fApB = decision_value * a + b;
  // 1-p used later; avoid catastrophic cancellation
  if (fApB >= 0) return std::exp(-fApB) / (1.0 + std::exp(-fApB));
  return 1.0 / (1 + std::exp(fApB));
}

// libsvm's multiclass_probability (method 2 of Wu, Lin and Weng), step for
// step: `r` is k x k pairwise probabilities, `p` receives k values.
void MulticlassProbability(size_t k, const std::vector<double>& r, double* p) {
  const size_t max_iter = std::max<size_t>(100, k);
  std::vector<double> q(k * k), qp(k);
  const double eps = 0.005 / static_cast<double>(k);
  auto R = [&](size_t a, size_t b) { return r[a * k + b]; };
  for (size_t t = 0; t < k; ++t) {
    p[t] = 1.0 / static_cast<double>(k);
    q[t * k + t] = 0;
    for (size_t j = 0; j < t; ++j) {
      q[t * k + t] += R(j, t) * R(j, t);
      q[t * k + j] = q[j * k + t];
    }
    for (size_t j = t + 1; j < k; ++j) {
      q[t * k + t] += R(j, t) * R(j, t);
      q[t * k + j] = -R(j, t) * R(t, j);
    }
  }
  for (size_t iter = 0; iter < max_iter; ++iter) {
    double pqp = 0;
    for (size_t t = 0; t < k; ++t) {
      qp[t] = 0;
      for (size_t j = 0; j < k; ++j) qp[t] += q[t * k + j] * p[j];
      pqp += p[t] * qp[t];
    }
    double max_error = 0;
    for (size_t t = 0; t < k; ++t) {
      const double error = std::fabs(qp[t] - pqp);
      if (error > max_error) max_error = error;
    }
    if (max_error < eps) break;
    for (size_t t = 0; t < k; ++t) {
      const double diff = (-qp[t] + pqp) / q[t * k + t];
      p[t] += diff;
      pqp = (pqp + diff * (diff * q[t * k + t] + 2 * qp[t])) / (1 + diff) / (1 + diff);
      for (size_t j = 0; j < k; ++j) {
        qp[j] = (qp[j] + diff * q[t * k + j]) / (1 + diff);
        p[j] /= (1 + diff);
      }
    }
  }
}

}  // namespace

Result<Matrix> SvmDecisionValues(const SvmModel& m, MatrixView x) { return DecisionValues(m, x, nullptr); }

Result<Prediction> SvmPredict(const SvmModel& m, MatrixView x) {
  std::vector<int32_t> votes;
  SAFEMODEL_ASSIGN_OR_RETURN(Matrix dec, DecisionValues(m, x, &votes));
  if (m.kind == SvmKind::kSvr || m.kind == SvmKind::kNuSvr) return Prediction(std::move(dec));
  if (m.kind == SvmKind::kOneClass) {
    for (double& v : dec.data) v = v > 0 ? 1.0 : -1.0;
    return Prediction(std::move(dec));
  }
  if (m.break_ties && m.ovr && m.n_classes > 2) {
    const Matrix ovr = OvrDecision(dec, m.n_classes);
    for (size_t r = 0; r < ovr.rows; ++r) {
      int32_t best = 0;
      for (int32_t c = 1; c < m.n_classes; ++c) {
        if (ovr.at(r, c) > ovr.at(r, best)) best = c;
      }
      votes[r] = best;
    }
  }
  return Prediction(Labels{dec.rows, 1, TakeLabels(m.classes, votes)});
}

Result<Matrix> SvmDecisionFunction(const SvmModel& m, MatrixView x) {
  if (m.kind == SvmKind::kSvr || m.kind == SvmKind::kNuSvr) {
    return Unsupported(ClassNameOf(m) + " has no decision_function");
  }
  SAFEMODEL_ASSIGN_OR_RETURN(Matrix dec, DecisionValues(m, x, nullptr));
  if (m.kind == SvmKind::kOneClass) return dec;
  if (m.n_classes == 2) {
    for (double& v : dec.data) v = -v;
    return dec;
  }
  return m.ovr ? OvrDecision(dec, m.n_classes) : dec;
}

Result<Matrix> SvmPredictProba(const SvmModel& m, MatrixView x) {
  if (!IsClassifier(m.kind)) return Unsupported(ClassNameOf(m) + " has no predict_proba");
  if (!m.probability) return Unsupported(ClassNameOf(m) + ": predict_proba is not available when probability=False");
  SAFEMODEL_ASSIGN_OR_RETURN(Matrix dec, DecisionValues(m, x, nullptr));
  const auto k = static_cast<size_t>(m.n_classes);
  constexpr double kMinProb = 1e-7;
  Matrix out(dec.rows, k);
  std::vector<double> pairwise(k * k, 0.0);
  for (size_t r = 0; r < dec.rows; ++r) {
    size_t p = 0;
    for (size_t i = 0; i < k; ++i) {
      for (size_t j = i + 1; j < k; ++j, ++p) {
        const double s = SigmoidPredict(dec.at(r, p), m.prob_a[p], m.prob_b[p]);
        const double lo = s > kMinProb ? s : kMinProb;  // libsvm's max(), then min()
        pairwise[i * k + j] = lo < 1 - kMinProb ? lo : 1 - kMinProb;
        pairwise[j * k + i] = 1 - pairwise[i * k + j];
      }
    }
    MulticlassProbability(k, pairwise, &out.at(r, 0));
  }
  return out;
}

Result<Matrix> SvmScoreSamples(const SvmModel& m, MatrixView x) {
  if (m.kind != SvmKind::kOneClass) return Unsupported(ClassNameOf(m) + " has no score_samples");
  SAFEMODEL_ASSIGN_OR_RETURN(Matrix dec, DecisionValues(m, x, nullptr));
  for (double& v : dec.data) v = v + m.offset;
  return dec;
}

std::string Describe(const SvmModel& m) {
  std::string s = ClassNameOf(m) + ": " + std::string(SvmKernelName(m.kernel)) + " kernel, " +
                  std::to_string(m.n_sv) + " support vectors, " + std::to_string(m.n_features) + " features";
  if (IsClassifier(m.kind)) s += ", " + DescribeClasses(m.classes) + (m.probability ? ", probability" : "");
  return s;
}

}  // namespace safemodel::estimators
