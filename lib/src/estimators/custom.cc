#include "estimators/custom.h"

#include <cmath>
#include <limits>

#include "safemodel/extension.h"
#include "util/checked.h"
#include "util/text.h"

namespace safemodel::estimators {
namespace {

std::string Who(const CustomEstimator& c) { return "kind '" + EscapeForTerminal(c.object->kind().name()) + "'"; }

// The output's arrays agree with its kind and shape, and it has a row per
// input row: what every caller downstream relies on.
Status CheckOutput(const CustomEstimator& c, Method method, const Output& out, size_t rows) {
  const std::string who = Who(c) + " " + std::string(MethodName(method));
  if (out.rows != rows) {
    return Corruption(who + " returned " + std::to_string(out.rows) + " rows for " + std::to_string(rows) +
                      " input rows");
  }
  auto cells = CheckedMul(out.rows, out.cols);
  if (!cells) return Corruption(who + " returned an output whose size overflows");
  if (out.cols == 0 && out.rows != 0) return Corruption(who + " returned rows of no columns");
  size_t numbers = 0, ints = 0, strings = 0;
  switch (out.kind) {
    case Output::Kind::kNumbers:
    case Output::Kind::kFloatLabels: numbers = *cells; break;
    case Output::Kind::kIntLabels: ints = *cells; break;
    case Output::Kind::kStringLabels: strings = *cells; break;
  }
  if (out.numbers.size() != numbers || out.ints.size() != ints || out.strings.size() != strings) {
    return Corruption(who + " returned arrays that do not make " + std::to_string(out.rows) + " x " +
                      std::to_string(out.cols) + " values of its kind");
  }
  if (method != Method::kPredict && out.kind != Output::Kind::kNumbers) {
    return Corruption(who + " returned labels; only predict may");
  }
  if (method == Method::kTransform) {
    const int64_t width = c.object->transform_width();
    if (width >= 0 && out.cols != static_cast<size_t>(width)) {
      return Corruption(who + " returned " + std::to_string(out.cols) + " columns; the kind declares " +
                        std::to_string(width));
    }
  }
  return Status::Ok();
}

Result<Output> RunChecked(const CustomEstimator& c, Method method, MatrixView x) {
  auto cells = CheckedMul(x.rows, x.cols);
  if (!cells || *cells != x.data.size()) {
    return InvalidArgument("X: " + std::to_string(x.data.size()) + " values do not make " + std::to_string(x.rows) +
                           " rows x " + std::to_string(x.cols) + " columns");
  }
  if (c.n_features != kAnyWidth && x.cols != static_cast<size_t>(c.n_features)) {
    return InvalidArgument("X has " + std::to_string(x.cols) + " features, but " + Who(c) + " is expecting " +
                           std::to_string(c.n_features) + " features as input");
  }
  if (!c.object->kind().has(method)) return Unsupported(Who(c) + " has no " + std::string(MethodName(method)));
  SAFEMODEL_ASSIGN_OR_RETURN(Output out, c.object->Run(method, Rows{x.data, x.rows, x.cols}));
  SAFEMODEL_RETURN_IF_ERROR(CheckOutput(c, method, out, x.rows));
  return out;
}

Result<Matrix> RunMatrix(const CustomEstimator& c, Method method, MatrixView x) {
  SAFEMODEL_ASSIGN_OR_RETURN(Output out, RunChecked(c, method, x));
  Matrix m;
  m.rows = out.rows;
  m.cols = out.cols;
  m.data = std::move(out.numbers);
  return m;
}

}  // namespace

Result<CustomEstimator> BuildCustom(std::shared_ptr<const internal::ErasedObject> object, std::string_view path) {
  const int64_t nf = object->num_features(), tw = object->transform_width();
  constexpr int64_t kMax = std::numeric_limits<int32_t>::max();
  if (nf < kAnyColumns || nf > kMax || tw < kAnyColumns || tw > kMax) {
    return Corruption(std::string(path) + ": num_features " + std::to_string(nf) + " / transform width " +
                      std::to_string(tw) + " out of range [-1, 2^31) (-2: the kind's callback threw)");
  }
  CustomEstimator c;
  c.object = std::move(object);
  c.n_features = static_cast<int32_t>(nf);
  return c;
}

std::string ClassNameOf(const CustomEstimator& c) { return std::string(c.object->kind().name()); }
std::string Describe(const CustomEstimator& c) { return c.object->describe(); }
int32_t TransformWidth(const CustomEstimator& c) {
  const int64_t w = c.object->transform_width();
  return w < 0 ? kAnyWidth : static_cast<int32_t>(w);  // undeclared: whatever it returns
}
bool CustomHasTransform(const CustomEstimator& c) { return c.object->kind().has(Method::kTransform); }
bool CustomRowIndependent(const CustomEstimator& c) { return c.object->kind().row_independent(); }

Result<Prediction> Predict(const CustomEstimator& c, MatrixView x) {
  SAFEMODEL_ASSIGN_OR_RETURN(Output out, RunChecked(c, Method::kPredict, x));
  switch (out.kind) {
    case Output::Kind::kNumbers: {
      Matrix m;
      m.rows = out.rows;
      m.cols = out.cols;
      m.data = std::move(out.numbers);
      return Prediction(std::move(m));
    }
    case Output::Kind::kIntLabels: return Prediction(Labels{out.rows, out.cols, LabelValues(std::move(out.ints))});
    case Output::Kind::kFloatLabels:
      return Prediction(Labels{out.rows, out.cols, LabelValues(std::move(out.numbers))});
    case Output::Kind::kStringLabels:
      return Prediction(Labels{out.rows, out.cols, LabelValues(std::move(out.strings))});
  }
  return Corruption(Who(c) + " predict returned an unknown output kind");
}

Result<Matrix> PredictProba(const CustomEstimator& c, MatrixView x) { return RunMatrix(c, Method::kPredictProba, x); }
Result<Matrix> PredictLogProba(const CustomEstimator& c, MatrixView x) {
  if (c.object->kind().has(Method::kPredictLogProba) || !c.object->kind().has(Method::kPredictProba)) {
    return RunMatrix(c, Method::kPredictLogProba, x);
  }
  // As scikit-learn's classifiers do: log(predict_proba).
  SAFEMODEL_ASSIGN_OR_RETURN(Matrix p, RunMatrix(c, Method::kPredictProba, x));
  for (double& v : p.data) v = std::log(v);
  return p;
}
Result<Matrix> DecisionFunction(const CustomEstimator& c, MatrixView x) {
  return RunMatrix(c, Method::kDecisionFunction, x);
}
Result<Matrix> Transform(const CustomEstimator& c, MatrixView x) { return RunMatrix(c, Method::kTransform, x); }
Result<Matrix> ScoreSamples(const CustomEstimator& c, MatrixView x) { return RunMatrix(c, Method::kScoreSamples, x); }

}  // namespace safemodel::estimators
