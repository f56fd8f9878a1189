#include "estimators/naive_bayes.h"

#include <cmath>
#include <numbers>

#include "estimators/dense_shape.h"
#include "estimators/numpy_math.h"

namespace safemodel::estimators {
namespace {

std::string Field(std::string_view path, std::string_view field) {
  return std::string(path) + "." + std::string(field);
}

std::string At(std::string_view where, size_t i) { return std::string(where) + "[" + std::to_string(i) + "]"; }

// classes_ agrees with the rows of the per-class arrays.
Status CheckClasses(const LabelValues& classes, int32_t rows, std::string_view path, std::string_view array) {
  const size_t n = LabelCount(classes);
  if (n != static_cast<size_t>(rows)) {
    return Corruption(Field(path, "classes_") + ": " + std::to_string(n) + " classes but " + std::string(array) +
                      " has " + std::to_string(rows) + " rows");
  }
  return Status::Ok();
}

Status CheckLength(std::span<const double> v, int32_t n, std::string_view where) {
  if (v.size() != static_cast<size_t>(n)) {
    return Corruption(std::string(where) + ": " + std::to_string(v.size()) + " values, expected one per class (" +
                      std::to_string(n) + ")");
  }
  return Status::Ok();
}

// class_count_ is not needed to predict; when the mapper has it, it must
// still describe the same classes.
Status CheckClassCount(std::span<const double> count, int32_t n, std::string_view path) {
  if (count.empty()) return Status::Ok();
  const std::string where = Field(path, "class_count_");
  SAFEMODEL_RETURN_IF_ERROR(CheckLength(count, n, where));
  for (size_t i = 0; i < count.size(); ++i) {
    if (!std::isfinite(count[i]) || count[i] < 0.0) {
      return Corruption(At(where, i) + ": " + FormatDouble(count[i]) + " is not a finite count >= 0");
    }
  }
  return Status::Ok();
}

// Each value passes `ok`; otherwise "<where>[i]: <v> <what>".
template <class Pred>
Status CheckEach(std::span<const double> v, std::string_view where, Pred ok, std::string_view what) {
  for (size_t i = 0; i < v.size(); ++i) {
    if (!ok(v[i])) return Corruption(At(where, i) + ": " + FormatDouble(v[i]) + " " + std::string(what));
  }
  return Status::Ok();
}

}  // namespace

Result<GaussianNB> BuildGaussianNB(const GaussianNBInput& in, std::string_view path) {
  SAFEMODEL_ASSIGN_OR_RETURN(RowsCols s, CheckDense2d(Field(path, "theta_"), in.theta.size(), in.theta_shape, 1));
  const std::string var_where = Field(path, in.var_name);
  if (in.var_shape != in.theta_shape) {
    return Corruption(var_where + ": shape differs from theta_'s " + std::to_string(s.rows) + " x " +
                      std::to_string(s.cols));
  }
  SAFEMODEL_RETURN_IF_ERROR(CheckSize(var_where, in.var.size(), static_cast<uint64_t>(s.rows),
                                      static_cast<uint64_t>(s.cols)));
  SAFEMODEL_RETURN_IF_ERROR(CheckDeclaredFeatures(path, in.n_features_in, s.cols, "theta_"));
  SAFEMODEL_RETURN_IF_ERROR(CheckClasses(in.classes, s.rows, path, "theta_"));
  SAFEMODEL_RETURN_IF_ERROR(CheckAllFinite(in.theta, Field(path, "theta_")));
  // fit adds epsilon_ = var_smoothing * max variance (> 0) to every variance.
  SAFEMODEL_RETURN_IF_ERROR(
      CheckEach(in.var, var_where, [](double v) { return std::isfinite(v) && v > 0.0; }, "is not a finite variance > 0"));
  const std::string prior = Field(path, "class_prior_");
  SAFEMODEL_RETURN_IF_ERROR(CheckLength(in.class_prior, s.rows, prior));
  SAFEMODEL_RETURN_IF_ERROR(CheckEach(in.class_prior, prior, [](double v) { return v >= 0.0 && v <= 1.0; },
                                      "is not a probability in [0, 1]"));
  SAFEMODEL_RETURN_IF_ERROR(CheckClassCount(in.class_count, s.rows, path));
  GaussianNB m;
  m.n_features = s.cols;
  m.n_classes = s.rows;
  m.classes = in.classes;
  m.theta.assign(in.theta.begin(), in.theta.end());
  m.var.assign(in.var.begin(), in.var.end());
  m.class_prior.assign(in.class_prior.begin(), in.class_prior.end());
  return m;
}

namespace {

// Derives jll = X @ weight.T + offset (see DiscreteNB).
void DeriveLinearForm(DiscreteNB& m) {
  const size_t nc = static_cast<size_t>(m.n_classes), nf = static_cast<size_t>(m.n_features);
  if (m.kind != DiscreteNBKind::kBernoulli) {
    m.weight = m.feature_log_prob;
    if (m.kind == DiscreteNBKind::kMultinomial || nc == 1) m.offset = m.class_log_prior;
    return;
  }
  // neg_prob = log(1 - exp(flp)); weight = flp - neg_prob;
  // offset = class_log_prior_ + neg_prob.sum(axis=1).
  m.weight.resize(nc * nf);
  m.offset.resize(nc);
  std::vector<double> neg(nf);
  for (size_t c = 0; c < nc; ++c) {
    for (size_t j = 0; j < nf; ++j) {
      const double flp = m.feature_log_prob[c * nf + j];
      neg[j] = std::log(1.0 - std::exp(flp));
      m.weight[c * nf + j] = flp - neg[j];
    }
    m.offset[c] = m.class_log_prior[c] + NumpySum(neg.data(), nf);
  }
}

}  // namespace

Result<DiscreteNB> BuildDiscreteNB(const DiscreteNBInput& in, std::string_view path) {
  if (in.kind != DiscreteNBKind::kMultinomial && in.kind != DiscreteNBKind::kBernoulli &&
      in.kind != DiscreteNBKind::kComplement) {
    return Corruption(Field(path, "kind") + ": " + std::to_string(static_cast<unsigned>(in.kind)) + " is not a kind");
  }
  const std::string flp = Field(path, "feature_log_prob_");
  SAFEMODEL_ASSIGN_OR_RETURN(RowsCols s, CheckDense2d(flp, in.feature_log_prob.size(), in.feature_log_prob_shape, 1));
  SAFEMODEL_RETURN_IF_ERROR(CheckDeclaredFeatures(path, in.n_features_in, s.cols, "feature_log_prob_"));
  SAFEMODEL_RETURN_IF_ERROR(CheckClasses(in.classes, s.rows, path, "feature_log_prob_"));
  if (in.kind == DiscreteNBKind::kComplement) {
    // -log(p) or log(p) / sum(log(p)): never negative; +inf when alpha = 0.
    SAFEMODEL_RETURN_IF_ERROR(CheckEach(in.feature_log_prob, flp, [](double v) { return v >= 0.0; },
                                        "is not a ComplementNB weight >= 0"));
  } else {
    // log(smoothed count / smoothed total): a log probability; -inf when alpha = 0.
    SAFEMODEL_RETURN_IF_ERROR(CheckEach(in.feature_log_prob, flp, [](double v) { return v <= 0.0; },
                                        "is not a log probability <= 0"));
  }
  const std::string prior = Field(path, "class_log_prior_");
  SAFEMODEL_RETURN_IF_ERROR(CheckLength(in.class_log_prior, s.rows, prior));
  // log(class_prior) may be -inf (a zero prior, or a class partial_fit never saw) or
  // positive (class_prior is not normalized by scikit-learn); never NaN or +inf.
  SAFEMODEL_RETURN_IF_ERROR(CheckEach(in.class_log_prior, prior, [](double v) { return v < HUGE_VAL; },
                                      "is not a log prior (NaN or +inf)"));
  SAFEMODEL_RETURN_IF_ERROR(CheckClassCount(in.class_count, s.rows, path));
  if (in.binarize && in.kind != DiscreteNBKind::kBernoulli) {
    return Corruption(Field(path, "binarize") + ": only BernoulliNB binarizes its input");
  }
  if (in.binarize && !std::isfinite(in.threshold)) {
    return Corruption(Field(path, "binarize") + ": threshold " + FormatDouble(in.threshold) + " is not finite");
  }
  DiscreteNB m;
  m.kind = in.kind;
  m.n_features = s.cols;
  m.n_classes = s.rows;
  m.classes = in.classes;
  m.feature_log_prob.assign(in.feature_log_prob.begin(), in.feature_log_prob.end());
  m.class_log_prior.assign(in.class_log_prior.begin(), in.class_log_prior.end());
  m.binarize = in.binarize;
  m.threshold = in.binarize ? in.threshold : 0.0;
  DeriveLinearForm(m);
  return m;
}

Result<Matrix> NaiveBayesJointLogLikelihood(const GaussianNB& m, MatrixView x) {
  SAFEMODEL_RETURN_IF_ERROR(CheckInput(x, static_cast<size_t>(m.n_features), FiniteRule::kFinite, "GaussianNB"));
  const size_t nc = static_cast<size_t>(m.n_classes), nf = static_cast<size_t>(m.n_features);
  Matrix out(x.rows, nc);
  std::vector<double> terms(nf);
  for (size_t c = 0; c < nc; ++c) {
    const double* theta = m.theta.data() + c * nf;
    const double* var = m.var.data() + c * nf;
    // jointi = log(class_prior_[i]); n_ij = -0.5 * sum(log(2.0 * pi * var_[i, :]))
    const double jointi = std::log(m.class_prior[c]);
    for (size_t j = 0; j < nf; ++j) terms[j] = std::log(2.0 * std::numbers::pi * var[j]);
    const double log_det = -0.5 * NumpySum(terms.data(), nf);
    for (size_t i = 0; i < x.rows; ++i) {
      const double* row = x.data.data() + i * nf;
      for (size_t j = 0; j < nf; ++j) {
        const double d = row[j] - theta[j];
        terms[j] = (d * d) / var[j];
      }
      // n_ij -= 0.5 * np.sum(((X - theta_[i, :]) ** 2) / var_[i, :], 1)
      const double n_ij = log_det - 0.5 * NumpySum(terms.data(), nf);
      out.at(i, c) = jointi + n_ij;
    }
  }
  return out;
}

Result<Matrix> NaiveBayesJointLogLikelihood(const DiscreteNB& m, MatrixView x) {
  SAFEMODEL_RETURN_IF_ERROR(CheckInput(x, static_cast<size_t>(m.n_features), FiniteRule::kFinite, ClassNameOf(m)));
  const size_t nc = static_cast<size_t>(m.n_classes), nf = static_cast<size_t>(m.n_features);
  Matrix out(x.rows, nc);
  std::vector<double> row(nf);
  for (size_t i = 0; i < x.rows; ++i) {
    for (size_t j = 0; j < nf; ++j) {
      const double v = x.at(i, j);
      // sklearn.preprocessing.binarize: 1 where x > threshold, else 0.
      row[j] = m.binarize ? (v > m.threshold ? 1.0 : 0.0) : v;
    }
    for (size_t c = 0; c < nc; ++c) {
      const double* w = m.weight.data() + c * nf;
      double dot = 0.0;
      for (size_t j = 0; j < nf; ++j) dot += row[j] * w[j];
      out.at(i, c) = m.offset.empty() ? dot : dot + m.offset[c];
    }
  }
  return out;
}

namespace {

// jll - logsumexp(jll) per row, as scipy.special.logsumexp: the row maximum
// (0 if it is not finite) is subtracted before exp and added after log.
Matrix LogNormalize(Matrix jll) {
  for (size_t i = 0; i < jll.rows; ++i) {
    double* row = &jll.at(i, 0);
    const size_t n = jll.cols;
    double a_max = row[NumpyArgMax(row, n)];  // np.amax: NaN if any is NaN
    if (!std::isfinite(a_max)) a_max = 0.0;
    std::vector<double> tmp(n);
    for (size_t k = 0; k < n; ++k) tmp[k] = std::exp(row[k] - a_max);
    const double log_prob_x = std::log(NumpySum(tmp.data(), n)) + a_max;
    for (size_t k = 0; k < n; ++k) row[k] -= log_prob_x;
  }
  return jll;
}

template <class M>
Result<Prediction> PredictNB(const M& m, MatrixView x) {
  SAFEMODEL_ASSIGN_OR_RETURN(Matrix jll, NaiveBayesJointLogLikelihood(m, x));
  std::vector<int32_t> index(jll.rows);
  for (size_t i = 0; i < jll.rows; ++i) index[i] = static_cast<int32_t>(NumpyArgMax(&jll.at(i, 0), jll.cols));
  return Prediction(Labels{jll.rows, 1, TakeLabels(m.classes, index)});
}

template <class M>
Result<Matrix> PredictLogProbaNB(const M& m, MatrixView x) {
  SAFEMODEL_ASSIGN_OR_RETURN(Matrix jll, NaiveBayesJointLogLikelihood(m, x));
  return LogNormalize(std::move(jll));
}

template <class M>
Result<Matrix> PredictProbaNB(const M& m, MatrixView x) {
  SAFEMODEL_ASSIGN_OR_RETURN(Matrix p, PredictLogProbaNB(m, x));
  for (double& v : p.data) v = std::exp(v);
  return p;
}

}  // namespace

Result<Prediction> Predict(const GaussianNB& m, MatrixView x) { return PredictNB(m, x); }
Result<Prediction> Predict(const DiscreteNB& m, MatrixView x) { return PredictNB(m, x); }
Result<Matrix> PredictProba(const GaussianNB& m, MatrixView x) { return PredictProbaNB(m, x); }
Result<Matrix> PredictProba(const DiscreteNB& m, MatrixView x) { return PredictProbaNB(m, x); }
Result<Matrix> PredictLogProba(const GaussianNB& m, MatrixView x) { return PredictLogProbaNB(m, x); }
Result<Matrix> PredictLogProba(const DiscreteNB& m, MatrixView x) { return PredictLogProbaNB(m, x); }

std::string ClassNameOf(const DiscreteNB& m) {
  switch (m.kind) {
    case DiscreteNBKind::kMultinomial: return "MultinomialNB";
    case DiscreteNBKind::kBernoulli: return "BernoulliNB";
    case DiscreteNBKind::kComplement: return "ComplementNB";
  }
  return "DiscreteNB";
}

std::string Describe(const GaussianNB& m) {
  return "GaussianNB: " + std::to_string(m.n_features) + " features, " + DescribeClasses(m.classes);
}

std::string Describe(const DiscreteNB& m) {
  std::string s = ClassNameOf(m) + ": " + std::to_string(m.n_features) + " features, " + DescribeClasses(m.classes);
  if (m.binarize) s += ", binarize > " + FormatDouble(m.threshold);
  return s;
}

}  // namespace safemodel::estimators
