#include "estimators/linear.h"

#include <algorithm>
#include <cmath>

namespace safemodel::estimators {
namespace {

std::string Field(std::string_view path, std::string_view field) {
  return std::string(path) + "." + std::string(field);
}

// coef_ is 1-d (one target) or 2-d; returns rows and fills n_features.
Status CheckCoefShape(const LinearInput& in, std::string_view path, LinearModel& m) {
  const auto& s = in.coef_shape;
  std::string where = Field(path, "coef_");
  if (s.size() != 1 && s.size() != 2) {
    return Corruption(where + ": " + std::to_string(s.size()) + "-d, expected 1-d or 2-d");
  }
  uint64_t rows = s.size() == 1 ? 1 : s[0];
  uint64_t cols = s.back();
  SAFEMODEL_RETURN_IF_ERROR(CheckSize(where, in.coef.size(), rows, cols));
  SAFEMODEL_RETURN_IF_ERROR(CheckCount(where + ".shape[0]", static_cast<int64_t>(rows), 1));
  SAFEMODEL_RETURN_IF_ERROR(CheckCount(where + ".shape[-1]", static_cast<int64_t>(cols), 1));
  if (in.n_features_in >= 0 && static_cast<uint64_t>(in.n_features_in) != cols) {
    return Corruption(Field(path, "n_features_in_") + ": " + std::to_string(in.n_features_in) +
                      " but coef_ has " + std::to_string(cols) + " columns");
  }
  m.n_rows = static_cast<int32_t>(rows);
  m.n_features = static_cast<int32_t>(cols);
  m.ravel = s.size() == 1 || (in.task == LinearTask::kClassifier && rows == 1);
  return CheckAllFinite(in.coef, where);
}

Status CheckClasses(const LinearInput& in, std::string_view path, const LinearModel& m) {
  size_t n = LabelCount(in.classes);
  if (in.task == LinearTask::kRegressor) {
    if (in.proba != LinearProba::kNone) return Corruption(Field(path, "proba") + ": a regressor has no predict_proba");
    return Status::Ok();
  }
  if (n < 2) return Corruption(Field(path, "classes_") + ": " + std::to_string(n) + " classes, need at least 2");
  size_t want_rows = n == 2 ? 1 : n;
  if (static_cast<size_t>(m.n_rows) != want_rows) {
    return Corruption(Field(path, "classes_") + ": " + std::to_string(n) + " classes but coef_ has " +
                      std::to_string(m.n_rows) + " rows (expected " + std::to_string(want_rows) + ")");
  }
  return Status::Ok();
}

}  // namespace

Result<LinearModel> BuildLinear(const LinearInput& in, std::string_view path) {
  LinearModel m;
  m.class_name = std::string(in.class_name);
  m.task = in.task;
  m.proba = in.proba;
  SAFEMODEL_RETURN_IF_ERROR(CheckCoefShape(in, path, m));
  SAFEMODEL_RETURN_IF_ERROR(CheckClasses(in, path, m));
  // A scalar intercept_ (fit_intercept=False stores 0.0) broadcasts like numpy.
  size_t ni = in.intercept.size();
  if (ni != 1 && ni != static_cast<size_t>(m.n_rows)) {
    return Corruption(Field(path, "intercept_") + ": " + std::to_string(ni) + " values, expected 1 or " +
                      std::to_string(m.n_rows));
  }
  SAFEMODEL_RETURN_IF_ERROR(CheckAllFinite(in.intercept, Field(path, "intercept_")));
  m.coef.assign(in.coef.begin(), in.coef.end());
  m.intercept.assign(static_cast<size_t>(m.n_rows), in.intercept[0]);
  if (ni > 1) m.intercept.assign(in.intercept.begin(), in.intercept.end());
  m.classes = in.classes;
  return m;
}

Result<LinearProba> LogisticRegressionProba(std::string_view multi_class, std::string_view solver, size_t n_classes) {
  if (multi_class == "ovr" || multi_class == "warn") return LinearProba::kOvrSigmoid;
  if (multi_class == "multinomial") return LinearProba::kSoftmax;
  if (multi_class != "auto") return Unsupported("LogisticRegression.multi_class: '" + std::string(multi_class) + "'");
  bool ovr = n_classes <= 2 || solver == "liblinear" || solver == "newton-cholesky";
  return ovr ? LinearProba::kOvrSigmoid : LinearProba::kSoftmax;
}

LinearProba SgdClassifierProba(std::string_view loss) {
  if (loss == "log_loss" || loss == "log") return LinearProba::kOvrSigmoid;
  if (loss == "modified_huber") return LinearProba::kModifiedHuber;
  return LinearProba::kNone;
}

namespace {

// X @ coef.T + intercept, each dot product summed left to right in f64.
Result<Matrix> Scores(const LinearModel& m, MatrixView x) {
  SAFEMODEL_RETURN_IF_ERROR(CheckInput(x, static_cast<size_t>(m.n_features), FiniteRule::kFinite, m.class_name));
  const size_t nf = static_cast<size_t>(m.n_features);
  const size_t nr = static_cast<size_t>(m.n_rows);
  Matrix out(x.rows, nr);
  for (size_t i = 0; i < x.rows; ++i) {
    const double* row = x.data.data() + i * nf;
    for (size_t k = 0; k < nr; ++k) {
      const double* w = m.coef.data() + k * nf;
      double dot = 0.0;
      for (size_t j = 0; j < nf; ++j) dot += row[j] * w[j];
      out.at(i, k) = dot + m.intercept[k];
    }
  }
  return out;
}

// First index of the row maximum, as numpy.argmax.
int32_t ArgMax(const double* row, size_t n) {
  size_t best = 0;
  for (size_t k = 1; k < n; ++k) {
    if (row[k] > row[best]) best = k;
  }
  return static_cast<int32_t>(best);
}

double Expit(double v) { return 1.0 / (1.0 + std::exp(-v)); }

// Binary scores d -> columns [lo(d), hi(d)].
Matrix TwoColumns(const Matrix& d, double (*hi)(double)) {
  Matrix p(d.rows, 2);
  for (size_t i = 0; i < d.rows; ++i) {
    p.at(i, 1) = hi(d.at(i, 0));
    p.at(i, 0) = 1.0 - p.at(i, 1);
  }
  return p;
}

void NormalizeRows(Matrix& p) {
  for (size_t i = 0; i < p.rows; ++i) {
    double sum = 0.0;
    for (size_t k = 0; k < p.cols; ++k) sum += p.at(i, k);
    for (size_t k = 0; k < p.cols; ++k) p.at(i, k) /= sum;
  }
}

// sklearn.utils.extmath.softmax: subtract the row max, exp, divide by the sum.
void SoftmaxRows(Matrix& p) {
  for (size_t i = 0; i < p.rows; ++i) {
    double* row = &p.at(i, 0);
    double mx = row[ArgMax(row, p.cols)];
    double sum = 0.0;
    for (size_t k = 0; k < p.cols; ++k) sum += (row[k] = std::exp(row[k] - mx));
    for (size_t k = 0; k < p.cols; ++k) row[k] /= sum;
  }
}

double HuberHalf(double v) { return (std::clamp(v, -1.0, 1.0) + 1.0) / 2.0; }

// Multiclass modified_huber: rows that clip to all zeros become uniform.
void ModifiedHuberRows(Matrix& p) {
  for (size_t i = 0; i < p.rows; ++i) {
    double sum = 0.0;
    for (size_t k = 0; k < p.cols; ++k) sum += (p.at(i, k) = HuberHalf(p.at(i, k)));
    if (sum == 0.0) {
      for (size_t k = 0; k < p.cols; ++k) p.at(i, k) = 1.0;
      sum = static_cast<double>(p.cols);
    }
    for (size_t k = 0; k < p.cols; ++k) p.at(i, k) /= sum;
  }
}

}  // namespace

Result<Matrix> LinearDecisionFunction(const LinearModel& m, MatrixView x) {
  if (m.task != LinearTask::kClassifier) return Unsupported(m.class_name + " has no decision_function");
  return Scores(m, x);
}

Result<Prediction> LinearPredict(const LinearModel& m, MatrixView x) {
  SAFEMODEL_ASSIGN_OR_RETURN(Matrix s, Scores(m, x));
  if (m.task == LinearTask::kRegressor) return Prediction(std::move(s));
  std::vector<int32_t> index(s.rows);
  for (size_t i = 0; i < s.rows; ++i) {
    index[i] = s.cols == 1 ? (s.at(i, 0) > 0.0 ? 1 : 0) : ArgMax(&s.at(i, 0), s.cols);
  }
  return Prediction(Labels{s.rows, 1, TakeLabels(m.classes, index)});
}

Result<Matrix> LinearPredictProba(const LinearModel& m, MatrixView x) {
  if (m.proba == LinearProba::kNone) return Unsupported(m.class_name + " has no predict_proba for this model");
  SAFEMODEL_ASSIGN_OR_RETURN(Matrix s, Scores(m, x));
  bool binary = s.cols == 1;
  switch (m.proba) {
    case LinearProba::kOvrSigmoid:
      if (binary) return TwoColumns(s, Expit);
      for (double& v : s.data) v = Expit(v);
      NormalizeRows(s);
      return s;
    case LinearProba::kSoftmax: {
      if (!binary) return (SoftmaxRows(s), std::move(s));
      Matrix two(s.rows, 2);  // the 1-d binary decision becomes [-d, d]
      for (size_t i = 0; i < s.rows; ++i) two.at(i, 0) = -(two.at(i, 1) = s.at(i, 0));
      SoftmaxRows(two);
      return two;
    }
    case LinearProba::kModifiedHuber:
      if (binary) return TwoColumns(s, HuberHalf);
      ModifiedHuberRows(s);
      return s;
    case LinearProba::kNone: break;
  }
  return Unsupported(m.class_name + ": unknown predict_proba mode");
}

std::string Describe(const LinearModel& m) {
  std::string s = m.class_name + ": " + std::to_string(m.n_features) + " features";
  if (m.task == LinearTask::kClassifier) s += ", " + DescribeClasses(m.classes);
  else s += ", " + std::to_string(m.n_rows) + " target(s)";
  return s;
}

}  // namespace safemodel::estimators
