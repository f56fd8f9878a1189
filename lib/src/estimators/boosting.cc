// DummyClassifier/DummyRegressor, GradientBoostingClassifier/Regressor, and
// the raw-score -> label/probability rules both boosting families share.
#include "estimators/boosting.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "util/checked.h"

namespace safemodel::estimators {

std::string_view BoostLossName(BoostLoss loss) {
  static constexpr std::string_view kNames[] = {
      "identity", "log", "binomial (argmax proba)", "binomial (raw >= 0)", "exponential",
      "multinomial (logsumexp)", "softmax (argmax proba)", "softmax (argmax raw)"};
  return kNames[static_cast<size_t>(loss)];
}

namespace {

std::string Field(std::string_view path, std::string_view field) {
  return std::string(path) + "." + std::string(field);
}

bool IsBinary(BoostLoss l) {
  return l == BoostLoss::kBinomialProbaArgmax || l == BoostLoss::kBinomialRawSign || l == BoostLoss::kExponential;
}
bool IsMulticlass(BoostLoss l) {
  return l == BoostLoss::kMultinomialLse || l == BoostLoss::kSoftmaxProbaArgmax || l == BoostLoss::kSoftmaxRawArgmax;
}

// First index of the maximum, as numpy.argmax.
int32_t ArgMax(const double* v, size_t n) {
  size_t best = 0;
  for (size_t k = 1; k < n; ++k) {
    if (v[k] > v[best]) best = k;
  }
  return static_cast<int32_t>(best);
}

// scipy.special.expit for float64.
double Expit(double v) { return 1.0 / (1.0 + std::exp(-v)); }

// numpy.nan_to_num: NaN -> 0, +-inf -> the largest finite double.
double NanToNum(double v) {
  if (std::isnan(v)) return 0.0;
  if (std::isinf(v)) return v > 0 ? std::numeric_limits<double>::max() : std::numeric_limits<double>::lowest();
  return v;
}

// scipy.special.logsumexp of one row.
double LogSumExp(const double* r, size_t n) {
  double mx = r[ArgMax(r, n)];
  if (!std::isfinite(mx)) mx = 0.0;
  double s = 0.0;
  for (size_t k = 0; k < n; ++k) s += std::exp(r[k] - mx);
  return std::log(s) + mx;
}

}  // namespace

Status CheckBoostLoss(BoostLoss loss, BoostTask task, size_t n_classes, int64_t k, bool hist, std::string_view path) {
  const std::string p(path);
  if (static_cast<int>(loss) >= kBoostLossCount) return Corruption(p + ".loss: unknown kind");
  if (task == BoostTask::kRegressor) {
    const bool ok = loss == BoostLoss::kIdentity || (hist && loss == BoostLoss::kLog);
    if (!ok) return Corruption(p + ".loss: " + std::string(BoostLossName(loss)) + " is not a regression loss here");
    if (n_classes != 0) return Corruption(p + ".classes_: a regressor has classes");
    if (k != 1) return Corruption(p + ".n_trees_per_iteration: " + std::to_string(k) + " for a regressor, expected 1");
    return Status::Ok();
  }
  const bool gb_only = loss == BoostLoss::kBinomialRawSign || loss == BoostLoss::kExponential ||
                       loss == BoostLoss::kSoftmaxRawArgmax;
  const bool hist_only = loss == BoostLoss::kSoftmaxProbaArgmax;
  if ((!IsBinary(loss) && !IsMulticlass(loss)) || (hist && gb_only) || (!hist && hist_only)) {
    return Corruption(p + ".loss: " + std::string(BoostLossName(loss)) + " is not a classification loss of this estimator");
  }
  if (IsBinary(loss) && n_classes != 2) {
    return Corruption(p + ".classes_: " + std::to_string(n_classes) + " classes for a binary loss, expected 2");
  }
  if (IsMulticlass(loss) && n_classes < 3) {
    return Corruption(p + ".classes_: " + std::to_string(n_classes) + " classes for a multiclass loss, expected >= 3");
  }
  const int64_t want_k = IsBinary(loss) ? 1 : static_cast<int64_t>(n_classes);
  if (k != want_k) {
    return Corruption(p + ".n_trees_per_iteration: " + std::to_string(k) + " trees per iteration for " +
                      std::to_string(n_classes) + " classes, expected " + std::to_string(want_k));
  }
  return Status::Ok();
}

Matrix BoostProba(BoostLoss loss, const Matrix& raw) {
  if (IsBinary(loss)) {
    Matrix p(raw.rows, 2);
    for (size_t i = 0; i < raw.rows; ++i) {
      const double r = raw.at(i, 0);
      p.at(i, 1) = Expit(loss == BoostLoss::kExponential ? 2.0 * r : r);
      p.at(i, 0) = 1.0 - p.at(i, 1);
    }
    return p;
  }
  Matrix p(raw.rows, raw.cols);
  for (size_t i = 0; i < raw.rows; ++i) {
    const double* r = raw.data.data() + i * raw.cols;
    double* out = &p.at(i, 0);
    if (loss == BoostLoss::kMultinomialLse) {
      // _gb_losses.MultinomialDeviance: nan_to_num(exp(raw - logsumexp(raw))).
      const double lse = LogSumExp(r, raw.cols);
      for (size_t k = 0; k < raw.cols; ++k) out[k] = NanToNum(std::exp(r[k] - lse));
      continue;
    }
    // sklearn.utils.extmath.softmax: subtract the row max, exp, divide by the sum.
    const double mx = r[ArgMax(r, raw.cols)];
    double sum = 0.0;
    for (size_t k = 0; k < raw.cols; ++k) sum += (out[k] = std::exp(r[k] - mx));
    for (size_t k = 0; k < raw.cols; ++k) out[k] /= sum;
  }
  return p;
}

std::vector<int32_t> BoostClassIndex(BoostLoss loss, const Matrix& raw) {
  std::vector<int32_t> index(raw.rows);
  if (loss == BoostLoss::kBinomialRawSign || loss == BoostLoss::kExponential) {
    for (size_t i = 0; i < raw.rows; ++i) index[i] = raw.at(i, 0) >= 0.0 ? 1 : 0;
    return index;
  }
  if (loss == BoostLoss::kSoftmaxRawArgmax) {
    for (size_t i = 0; i < raw.rows; ++i) index[i] = ArgMax(raw.data.data() + i * raw.cols, raw.cols);
    return index;
  }
  const Matrix p = BoostProba(loss, raw);
  for (size_t i = 0; i < p.rows; ++i) index[i] = ArgMax(p.data.data() + i * p.cols, p.cols);
  return index;
}

// ---- Dummy -------------------------------------------------------------------

namespace {

Status CheckDummyClassifier(const DummyInput& in, std::string_view path) {
  const size_t n = LabelCount(in.classes);
  if (n < 1) return Corruption(Field(path, "classes_") + ": no classes");
  if (in.strategy == DummyStrategy::kRegressorConstant) {
    return Corruption(Field(path, "strategy") + ": a regressor strategy for a classifier");
  }
  if (in.class_prior.size() != n) {
    return Corruption(Field(path, "class_prior_") + ": " + std::to_string(in.class_prior.size()) + " values for " +
                      std::to_string(n) + " classes");
  }
  double sum = 0.0;
  for (size_t k = 0; k < n; ++k) {
    const double v = in.class_prior[k];
    // 0 happens (a class seen only with sample_weight 0); above 1 or NaN never.
    if (!(v >= 0.0 && v <= 1.0)) {
      return Corruption(Field(path, "class_prior_") + "[" + std::to_string(k) + "]: " + FormatDouble(v) +
                        " is not a probability in [0, 1]");
    }
    sum += v;
  }
  if (std::fabs(sum - 1.0) > 1e-6) {
    return Corruption(Field(path, "class_prior_") + ": sums to " + FormatDouble(sum) + ", not 1");
  }
  const bool want_index = in.strategy == DummyStrategy::kConstant;
  if (want_index && (in.constant_index < 0 || static_cast<size_t>(in.constant_index) >= n)) {
    return Corruption(Field(path, "constant") + ": class index " + std::to_string(in.constant_index) +
                      " out of range [0, " + std::to_string(n) + ")");
  }
  if (!want_index && in.constant_index != -1) return Corruption(Field(path, "constant") + ": set but strategy is not constant");
  if (!in.constant.empty()) return Corruption(Field(path, "constant_") + ": a classifier has no constant_");
  return Status::Ok();
}

Status CheckDummyRegressor(const DummyInput& in, std::string_view path) {
  if (in.strategy != DummyStrategy::kRegressorConstant) {
    return Corruption(Field(path, "strategy") + ": a classifier strategy for a regressor");
  }
  if (LabelCount(in.classes) != 0 || !in.class_prior.empty() || in.constant_index != -1) {
    return Corruption(Field(path, "classes_") + ": a regressor has classes");
  }
  SAFEMODEL_RETURN_IF_ERROR(CheckCount(Field(path, "n_outputs_"), static_cast<int64_t>(in.constant.size()), 1));
  return CheckAllFinite(in.constant, Field(path, "constant_"));
}

// Only n_samples is read from X (sklearn's _num_samples): no width or value check.
Status CheckRows(MatrixView x) {
  auto cells = CheckedMul(x.rows, x.cols);
  if (!cells || *cells != x.data.size()) {
    return InvalidArgument("X: " + std::to_string(x.data.size()) + " values do not make " + std::to_string(x.rows) +
                           " rows x " + std::to_string(x.cols) + " columns");
  }
  return Status::Ok();
}

}  // namespace

Result<DummyModel> BuildDummy(const DummyInput& in, std::string_view path) {
  if (static_cast<int>(in.strategy) >= kDummyStrategyCount) return Corruption(Field(path, "strategy") + ": unknown");
  if (in.task == BoostTask::kClassifier) {
    SAFEMODEL_RETURN_IF_ERROR(CheckDummyClassifier(in, path));
  } else {
    SAFEMODEL_RETURN_IF_ERROR(CheckDummyRegressor(in, path));
  }
  DummyModel m;
  m.class_name = std::string(in.class_name);
  m.task = in.task;
  m.strategy = in.strategy;
  m.classes = in.classes;
  m.class_prior.assign(in.class_prior.begin(), in.class_prior.end());
  m.constant_index = static_cast<int32_t>(in.constant_index);
  m.constant.assign(in.constant.begin(), in.constant.end());
  return m;
}

std::vector<double> DummyRowProba(const DummyModel& m) {
  const size_t n = m.class_prior.size();
  std::vector<double> p(n, 0.0);
  switch (m.strategy) {
    case DummyStrategy::kMostFrequent: p[ArgMax(m.class_prior.data(), n)] = 1.0; break;
    case DummyStrategy::kPrior: p = m.class_prior; break;
    case DummyStrategy::kUniform:
      for (double& v : p) v = 1.0 / static_cast<double>(n);  // ones / n_classes
      break;
    case DummyStrategy::kConstant: p[static_cast<size_t>(m.constant_index)] = 1.0; break;
    case DummyStrategy::kRegressorConstant: break;
  }
  return p;
}

Result<Prediction> DummyPredict(const DummyModel& m, MatrixView x) {
  SAFEMODEL_RETURN_IF_ERROR(CheckRows(x));
  if (m.task == BoostTask::kRegressor) {
    Matrix y(x.rows, m.constant.size());
    for (size_t i = 0; i < x.rows; ++i) std::copy(m.constant.begin(), m.constant.end(), &y.at(i, 0));
    return Prediction(std::move(y));
  }
  int32_t index = 0;
  switch (m.strategy) {
    case DummyStrategy::kUniform:
      return Unsupported(m.class_name + "(strategy='uniform').predict draws random labels");
    case DummyStrategy::kConstant: index = m.constant_index; break;
    default: index = ArgMax(m.class_prior.data(), m.class_prior.size()); break;
  }
  std::vector<int32_t> idx(x.rows, index);
  return Prediction(Labels{x.rows, 1, TakeLabels(m.classes, idx)});
}

Result<Matrix> DummyPredictProba(const DummyModel& m, MatrixView x) {
  if (m.task != BoostTask::kClassifier) return Unsupported(m.class_name + " has no predict_proba");
  SAFEMODEL_RETURN_IF_ERROR(CheckRows(x));
  const std::vector<double> row = DummyRowProba(m);
  Matrix p(x.rows, row.size());
  for (size_t i = 0; i < x.rows; ++i) std::copy(row.begin(), row.end(), &p.at(i, 0));
  return p;
}

std::string Describe(const DummyModel& m) {
  static constexpr std::string_view kNames[] = {"most_frequent", "prior", "uniform", "constant", "constant_"};
  std::string s = m.class_name + ": strategy " + std::string(kNames[static_cast<size_t>(m.strategy)]);
  if (m.task == BoostTask::kClassifier) return s + ", " + DescribeClasses(m.classes);
  return s + ", " + std::to_string(m.constant.size()) + " output(s)";
}

// ---- GradientBoosting ----------------------------------------------------------

GradientBoostingModel GradientBoostingModel::Clone() const {
  GradientBoostingModel m;
  m.class_name = class_name;
  m.task = task;
  m.loss = loss;
  m.n_features = n_features;
  m.trees_per_stage = trees_per_stage;
  m.n_stages = n_stages;
  m.learning_rate = learning_rate;
  m.init = init;
  if (init_dummy) m.init_dummy = init_dummy->Clone();
  m.init_raw = init_raw;
  m.classes = classes;
  m.trees = trees.Clone();
  return m;
}

namespace {

Status CheckInit(const GradientBoostingInput& in, std::string_view path) {
  const std::string p = Field(path, "init_");
  if (static_cast<int>(in.init) >= kBoostInitCount) return Corruption(p + ": unknown init kind");
  if (in.init != BoostInit::kDummy && in.init_dummy) return Corruption(p + ": a Dummy estimator but init is not one");
  if (in.init != BoostInit::kRaw && !in.init_raw.empty()) return Corruption(p + ": raw values but init is not raw");
  switch (in.init) {
    case BoostInit::kZero: return Status::Ok();
    case BoostInit::kRaw:
      if (in.init_raw.size() != static_cast<size_t>(in.trees_per_stage)) {
        return Corruption(p + ": " + std::to_string(in.init_raw.size()) + " raw values, expected " +
                          std::to_string(in.trees_per_stage));
      }
      return CheckAllFinite(in.init_raw, p);
    case BoostInit::kDummy: break;
  }
  if (!in.init_dummy) return Corruption(p + ": missing the Dummy estimator");
  const DummyModel& d = *in.init_dummy;
  if (d.task != in.task) return Corruption(p + ": " + d.class_name + " does not fit " + std::string(in.class_name));
  if (in.task == BoostTask::kRegressor) {
    if (d.constant.size() != 1) {
      return Corruption(p + ".constant_: " + std::to_string(d.constant.size()) + " outputs, expected 1");
    }
    return Status::Ok();
  }
  // init_ is fit on the encoded labels 0..n_classes-1: only the count must agree.
  if (LabelCount(d.classes) != LabelCount(in.classes)) {
    return Corruption(p + ".classes_: " + std::to_string(LabelCount(d.classes)) + " classes, the estimator has " +
                      std::to_string(LabelCount(in.classes)));
  }
  return Status::Ok();
}

Status CheckForest(const GradientBoostingInput& in, std::string_view path, int64_t* n_stages) {
  const std::string p = Field(path, "estimators_");
  const TreeModel& t = in.trees;
  if (t.task != TreeTask::kRegressor || t.n_outputs != 1) {
    return Corruption(p + ": the trees must be one-output regression trees");
  }
  if (t.n_features != in.n_features) {
    return Corruption(p + ": trees over " + std::to_string(t.n_features) + " features, the estimator has " +
                      std::to_string(in.n_features));
  }
  const size_t n = t.trees.size();
  const size_t k = static_cast<size_t>(in.trees_per_stage);
  if (n == 0 || n % k != 0) {
    return Corruption(p + ": " + std::to_string(n) + " trees is not a positive multiple of " + std::to_string(k) +
                      " trees per stage");
  }
  for (size_t i = 0; i < n; ++i) {
    if (t.trees[i].max_classes != 1 || t.trees[i].n_outputs != 1) {
      return Corruption(p + "[" + std::to_string(i / k) + ", " + std::to_string(i % k) + "]: not a one-value regression tree");
    }
  }
  *n_stages = static_cast<int64_t>(n / k);
  return Status::Ok();
}

}  // namespace

Result<GradientBoostingModel> BuildGradientBoosting(GradientBoostingInput in, std::string_view path) {
  SAFEMODEL_RETURN_IF_ERROR(CheckCount(Field(path, "n_features_in_"), in.n_features, 1));
  SAFEMODEL_RETURN_IF_ERROR(CheckCount(Field(path, "estimators_.shape[1]"), in.trees_per_stage, 1));
  SAFEMODEL_RETURN_IF_ERROR(
      CheckBoostLoss(in.loss, in.task, LabelCount(in.classes), in.trees_per_stage, /*hist=*/false, path));
  if (!std::isfinite(in.learning_rate) || in.learning_rate < 0.0) {
    return Corruption(Field(path, "learning_rate") + ": " + FormatDouble(in.learning_rate) +
                      " is not a finite value >= 0");
  }
  int64_t n_stages = 0;
  SAFEMODEL_RETURN_IF_ERROR(CheckForest(in, path, &n_stages));
  SAFEMODEL_RETURN_IF_ERROR(CheckInit(in, path));
  GradientBoostingModel m;
  m.class_name = std::string(in.class_name);
  m.task = in.task;
  m.loss = in.loss;
  m.n_features = static_cast<int32_t>(in.n_features);
  m.trees_per_stage = static_cast<int32_t>(in.trees_per_stage);
  m.n_stages = static_cast<int32_t>(n_stages);
  m.learning_rate = in.learning_rate;
  m.init = in.init;
  m.init_dummy = std::move(in.init_dummy);
  m.init_raw = std::move(in.init_raw);
  m.classes = std::move(in.classes);
  m.trees = std::move(in.trees);
  return m;
}

namespace {

// float32's epsilon, the clip bound of every GradientBoosting init link.
constexpr double kF32Eps = 0x1p-23;

// The init estimator's raw prediction (one K-vector; scikit-learn computes
// it for every row, the value is the same for all).
std::vector<double> InitRaw(const GradientBoostingModel& m) {
  const size_t k = static_cast<size_t>(m.trees_per_stage);
  if (m.init == BoostInit::kZero) return std::vector<double>(k, 0.0);
  if (m.init == BoostInit::kRaw) return m.init_raw;
  const DummyModel& d = *m.init_dummy;
  if (m.task == BoostTask::kRegressor) return {d.constant[0]};  // predict(X).astype(float64), identity link
  std::vector<double> p = DummyRowProba(d);
  for (double& v : p) v = std::clamp(v, kF32Eps, 1.0 - kF32Eps);
  switch (m.loss) {
    case BoostLoss::kBinomialProbaArgmax:
    case BoostLoss::kBinomialRawSign: return {std::log(p[1] / (1.0 - p[1]))};
    case BoostLoss::kExponential: return {0.5 * std::log(p[1] / (1.0 - p[1]))};
    case BoostLoss::kMultinomialLse: {
      for (double& v : p) v = std::log(v);
      return p;
    }
    case BoostLoss::kSoftmaxRawArgmax: {
      // MultinomialLogit.link: log(p / gmean(p)), gmean = exp(mean(log(p))).
      double sum = 0.0;
      for (double v : p) sum += std::log(v);
      const double gm = std::exp(sum / static_cast<double>(p.size()));
      for (double& v : p) v = std::log(v / gm);
      return p;
    }
    default: break;
  }
  return std::vector<double>(k, 0.0);  // unreachable: CheckBoostLoss limits the losses
}

}  // namespace

Result<Matrix> GradientBoostingRaw(const GradientBoostingModel& m, MatrixView x) {
  const size_t k = static_cast<size_t>(m.trees_per_stage);
  const std::vector<double> init = InitRaw(m);
  Matrix raw(x.rows, k);
  for (size_t i = 0; i < x.rows; ++i) {
    for (size_t c = 0; c < k; ++c) raw.at(i, c) = init[c];
  }
  // predict_stages: out[i, k] += learning_rate * value[leaf], stage by stage
  // (the visitor gives each row its trees in order). TreeVisitLeaves checks X
  // as decision_function does (float32, finite, width).
  SAFEMODEL_RETURN_IF_ERROR(TreeVisitLeaves(m.trees, x, [&](size_t t, size_t first, size_t n, const int32_t* leaf) {
    const DecisionTree& tree = m.trees.trees[t];
    const size_t c = t % k;
    for (size_t i = 0; i < n; ++i) {
      raw.at(first + i, c) += m.learning_rate * tree.value[static_cast<size_t>(leaf[i])];
    }
  }));
  return raw;
}

Result<Prediction> GradientBoostingPredict(const GradientBoostingModel& m, MatrixView x) {
  SAFEMODEL_ASSIGN_OR_RETURN(Matrix raw, GradientBoostingRaw(m, x));
  if (m.task == BoostTask::kRegressor) return Prediction(std::move(raw));
  return Prediction(Labels{raw.rows, 1, TakeLabels(m.classes, BoostClassIndex(m.loss, raw))});
}

Result<Matrix> GradientBoostingPredictProba(const GradientBoostingModel& m, MatrixView x) {
  if (m.task != BoostTask::kClassifier) return Unsupported(m.class_name + " has no predict_proba");
  SAFEMODEL_ASSIGN_OR_RETURN(Matrix raw, GradientBoostingRaw(m, x));
  return BoostProba(m.loss, raw);
}

Result<Matrix> GradientBoostingDecisionFunction(const GradientBoostingModel& m, MatrixView x) {
  if (m.task != BoostTask::kClassifier) return Unsupported(m.class_name + " has no decision_function");
  return GradientBoostingRaw(m, x);
}

std::string Describe(const GradientBoostingModel& m) {
  std::string s = m.class_name + ": " + std::to_string(m.n_stages) + " stage(s) x " +
                  std::to_string(m.trees_per_stage) + " tree(s), learning_rate " + FormatDouble(m.learning_rate) +
                  ", loss " + std::string(BoostLossName(m.loss)) + ", " + std::to_string(m.n_features) + " features";
  if (m.task == BoostTask::kClassifier) s += ", " + DescribeClasses(m.classes);
  return s;
}

}  // namespace safemodel::estimators
