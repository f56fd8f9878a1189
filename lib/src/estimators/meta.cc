#include "estimators/meta.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "estimators/estimator.h"
#include "estimators/numpy_math.h"

namespace safemodel::estimators {

#define SAFEMODEL_META_SPECIAL_MEMBERS(T)      \
  T::T() = default;                            \
  T::T(T&&) noexcept = default;                \
  T& T::operator=(T&&) noexcept = default;     \
  T::~T() = default;
SAFEMODEL_META_SPECIAL_MEMBERS(VotingModel)
SAFEMODEL_META_SPECIAL_MEMBERS(StackingModel)
SAFEMODEL_META_SPECIAL_MEMBERS(OneVsRestModel)
SAFEMODEL_META_SPECIAL_MEMBERS(CalibratedModel)
#undef SAFEMODEL_META_SPECIAL_MEMBERS

namespace {

std::vector<Estimator> CloneAll(const std::vector<Estimator>& v) {
  std::vector<Estimator> out;
  out.reserve(v.size());
  for (const auto& e : v) out.push_back(e.Clone());
  return out;
}

std::string Idx(std::string_view path, std::string_view field, size_t i) {
  return std::string(path) + "." + std::string(field) + "[" + std::to_string(i) + "]";
}

// The classes_ of a classifier member (the last step of a pipeline, one
// output of a tree), or null for a regressor / transformer.
template <class T>
concept HasClasses = requires(const T& m) {
  { m.classes } -> std::convertible_to<const LabelValues&>;
};
// Multi-output families (trees, neighbours): classes_ per output.
template <class T>
concept HasOutputClasses = requires(const T& m) {
  { m.classes } -> std::convertible_to<const std::vector<LabelValues>&>;
};

const LabelValues* ClassesOf(const Estimator& e) {
  return std::visit(
      [](const auto& m) -> const LabelValues* {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, Pipeline>) {
          return m.steps.empty() ? nullptr : ClassesOf(m.steps.back());
        } else if constexpr (HasOutputClasses<T>) {
          return m.classes.size() == 1 ? &m.classes[0] : nullptr;
        } else if constexpr (std::is_same_v<T, VotingModel> || std::is_same_v<T, StackingModel>) {
          return m.classifier ? &m.classes : nullptr;
        } else if constexpr (HasClasses<T>) {
          return LabelCount(m.classes) > 0 ? &m.classes : nullptr;
        } else {
          return nullptr;
        }
      },
      e.model);
}

// classes 0..k-1 as LabelEncoder / LabelBinarizer give them (ints, or the
// same values as floats).
bool IsEncoded(const LabelValues& labels, size_t k) {
  if (LabelCount(labels) != k) return false;
  if (const auto* v = std::get_if<std::vector<int64_t>>(&labels)) {
    for (size_t i = 0; i < k; ++i) {
      if ((*v)[i] != static_cast<int64_t>(i)) return false;
    }
    return true;
  }
  if (const auto* d = std::get_if<std::vector<double>>(&labels)) {
    for (size_t i = 0; i < k; ++i) {
      if ((*d)[i] != static_cast<double>(i)) return false;
    }
    return true;
  }
  return false;
}

Status NeedEncodedClasses(const Estimator& e, size_t k, const std::string& p) {
  const LabelValues* c = ClassesOf(e);
  if (c == nullptr) return Corruption(p + ": " + e.ClassName() + " is not a classifier");
  if (!IsEncoded(*c, k)) {
    return Corruption(p + ": " + e.ClassName() + " has " + DescribeClasses(*c) + ", expected the encoded classes 0.." +
                      std::to_string(k - 1));
  }
  return Status::Ok();
}

// A member's output as numbers: regressor values, or encoded labels.
Result<Matrix> AsNumbers(Prediction p, std::string_view who) {
  if (auto* m = std::get_if<Matrix>(&p)) return std::move(*m);
  const Labels& l = std::get<Labels>(p);
  Matrix out(l.rows, l.cols);
  if (const auto* v = std::get_if<std::vector<int64_t>>(&l.values)) {
    for (size_t i = 0; i < out.data.size(); ++i) out.data[i] = static_cast<double>((*v)[i]);
  } else if (const auto* d = std::get_if<std::vector<double>>(&l.values)) {
    out.data = *d;
  } else {
    return InvalidArgument(std::string(who) + ": member predicts strings, not encoded labels");
  }
  return out;
}

Result<Matrix> RunMember(const Estimator& e, MemberMethod method, const TableView& x) {
  switch (method) {
    case MemberMethod::kPredict: {
      SAFEMODEL_ASSIGN_OR_RETURN(Prediction p, Predict(e, x));
      return AsNumbers(std::move(p), e.ClassName());
    }
    case MemberMethod::kPredictProba: return PredictProba(e, x);
    case MemberMethod::kDecisionFunction: return DecisionFunction(e, x);
  }
  return Unsupported("unknown member method");
}

// Runs `method` on one row of zeros: whether the member has it (kUnsupported
// means it does not, like scikit-learn's hasattr) and how many columns it
// returns.
Result<int32_t> ProbeWidth(const Estimator& e, MemberMethod method, int32_t n_features) {
  const size_t cols = n_features == kAnyWidth ? 1 : static_cast<size_t>(n_features);
  std::vector<double> zeros(cols, 0.0);
  auto r = RunMember(e, method, TableView::Of(MatrixView{zeros, 1, cols}));
  if (r.ok()) return static_cast<int32_t>(r->cols);
  if (r.status().code() == Code::kUnsupported) return r.status();
  // A member that reads categories or documents refuses a row of zeros:
  // its width then follows from its classes (predict_proba: one column per
  // class; decision_function: one, or one per class beyond two). Predict
  // checks every member's output width against it.
  if (method == MemberMethod::kPredict) return 1;
  if (const LabelValues* c = ClassesOf(e); c != nullptr && LabelCount(*c) >= 2) {
    const auto k = static_cast<int32_t>(LabelCount(*c));
    return method == MemberMethod::kPredictProba ? k : (k == 2 ? 1 : k);
  }
  return r.status();
}

bool HasMethod(const Estimator& e, MemberMethod method, int32_t n_features) {
  auto r = ProbeWidth(e, method, n_features);
  return r.ok() || r.status().code() != Code::kUnsupported;
}

// Every member reads one width; returns it (kAnyWidth only if none fixes it).
Result<int32_t> CommonWidth(const std::vector<Estimator>& members, int64_t declared, const std::string& path,
                            std::string_view field) {
  int32_t width = declared >= 0 ? static_cast<int32_t>(declared) : kAnyWidth;
  if (declared > std::numeric_limits<int32_t>::max()) return LimitExceeded(path + ".n_features_in_: too large");
  for (size_t i = 0; i < members.size(); ++i) {
    const int32_t w = members[i].NumFeatures();
    if (w == kAnyWidth) continue;
    if (width != kAnyWidth && w != width) {
      return Corruption(Idx(path, field, i) + ": " + members[i].ClassName() + " reads " + std::to_string(w) +
                        " features, expected " + std::to_string(width));
    }
    width = w;
  }
  if (width == kAnyWidth) return Corruption(path + ": no member fixes the input width");
  return width;
}

// The members check the values (string cells go to those that read them);
// here only the shape, and numbers when there are no strings.
Status CheckX(const TableView& x, int32_t n_features, std::string_view who) {
  if (!x.HasStrings()) return CheckInput(x.numeric(), static_cast<size_t>(n_features), FiniteRule::kAllowNaN, who);
  return CheckInput(MatrixView{{}, 0, x.cols}, static_cast<size_t>(n_features), FiniteRule::kAllowNaN, who);
}

// Sequential sum over members (numpy reduces the stacked axis 0 one member
// after another) then one division, as np.average.
Result<Matrix> Average(const std::vector<Matrix>& parts, std::span<const double> weights) {
  Matrix out = parts[0];
  if (weights.empty()) {
    for (size_t e = 1; e < parts.size(); ++e) {
      for (size_t i = 0; i < out.data.size(); ++i) out.data[i] += parts[e].data[i];
    }
    const double n = static_cast<double>(parts.size());
    for (double& v : out.data) v /= n;
    return out;
  }
  const double scale = NumpySum(weights.data(), weights.size());
  for (double& v : out.data) v *= weights[0];
  for (size_t e = 1; e < parts.size(); ++e) {
    for (size_t i = 0; i < out.data.size(); ++i) out.data[i] += parts[e].data[i] * weights[e];
  }
  for (double& v : out.data) v /= scale;
  return out;
}

Result<std::vector<Matrix>> RunAll(const std::vector<Estimator>& members, MemberMethod method, const TableView& x) {
  std::vector<Matrix> out;
  out.reserve(members.size());
  for (const auto& e : members) {
    SAFEMODEL_ASSIGN_OR_RETURN(Matrix m, RunMember(e, method, x));
    if (m.rows != x.rows || (!out.empty() && m.cols != out[0].cols)) {
      return Corruption(e.ClassName() + ": member output of " + std::to_string(m.cols) + " columns does not line up");
    }
    out.push_back(std::move(m));
  }
  return out;
}

Matrix HStack(const std::vector<Matrix>& parts, size_t rows) {
  size_t cols = 0;
  for (const auto& p : parts) cols += p.cols;
  Matrix out(rows, cols);
  size_t c0 = 0;
  for (const auto& p : parts) {
    for (size_t r = 0; r < rows; ++r) {
      for (size_t c = 0; c < p.cols; ++c) out.at(r, c0 + c) = p.at(r, c);
    }
    c0 += p.cols;
  }
  return out;
}

Labels LabelsAt(const LabelValues& classes, const std::vector<int32_t>& idx) {
  return Labels{idx.size(), 1, TakeLabels(classes, idx)};
}

}  // namespace

std::string_view MemberMethodName(MemberMethod m) {
  switch (m) {
    case MemberMethod::kPredict: return "predict";
    case MemberMethod::kPredictProba: return "predict_proba";
    case MemberMethod::kDecisionFunction: return "decision_function";
  }
  return "?";
}

// ---- Voting -------------------------------------------------------------------

VotingModel VotingModel::Clone() const {
  VotingModel m;
  m.classifier = classifier;
  m.soft = soft;
  m.flatten_transform = flatten_transform;
  m.n_features = n_features;
  m.estimators = CloneAll(estimators);
  m.weights = weights;
  m.classes = classes;
  return m;
}

Result<VotingModel> BuildVoting(VotingInput in, std::string_view path) {
  const std::string p(path);
  if (in.estimators == nullptr || in.estimators->empty()) return Corruption(p + ".estimators_: no fitted member");
  auto& members = *in.estimators;
  SAFEMODEL_ASSIGN_OR_RETURN(int32_t width, CommonWidth(members, -1, p, "estimators_"));
  if (!in.weights.empty()) {
    if (in.weights.size() != members.size()) {
      return Corruption(p + ".weights: " + std::to_string(in.weights.size()) + " weights for " +
                        std::to_string(members.size()) + " estimators");
    }
    SAFEMODEL_RETURN_IF_ERROR(CheckAllFinite(in.weights, p + ".weights"));
    if ((!in.classifier || in.soft) && NumpySum(in.weights.data(), in.weights.size()) == 0.0) {
      return Corruption(p + ".weights: sum to zero (np.average divides by it)");
    }
  }
  if (in.classifier) {
    const size_t k = LabelCount(in.classes);
    if (k < 2) return Corruption(p + ".classes_: " + std::to_string(k) + " classes, expected >= 2");
    for (size_t i = 0; i < members.size(); ++i) {
      SAFEMODEL_RETURN_IF_ERROR(NeedEncodedClasses(members[i], k, Idx(p, "estimators_", i)));
      if (in.soft && !HasMethod(members[i], MemberMethod::kPredictProba, width)) {
        return Corruption(Idx(p, "estimators_", i) + ": " + members[i].ClassName() +
                          " has no predict_proba for soft voting");
      }
    }
  }
  VotingModel m;
  m.classifier = in.classifier;
  m.soft = in.classifier && in.soft;
  m.flatten_transform = in.flatten_transform;
  m.n_features = width;
  m.estimators = std::move(members);
  m.weights.assign(in.weights.begin(), in.weights.end());
  m.classes = std::move(in.classes);
  return m;
}

std::string ClassNameOf(const VotingModel& m) { return m.classifier ? "VotingClassifier" : "VotingRegressor"; }

std::string Describe(const VotingModel& m) {
  std::string s = ClassNameOf(m) + ": " + std::to_string(m.estimators.size()) + " members";
  if (m.classifier) s += std::string(m.soft ? ", soft" : ", hard") + ", " + DescribeClasses(m.classes);
  if (!m.weights.empty()) s += ", weighted";
  return s;
}

int32_t TransformWidth(const VotingModel& m) {
  const auto n = static_cast<int32_t>(m.estimators.size());
  return m.soft ? n * static_cast<int32_t>(LabelCount(m.classes)) : n;
}

Result<Matrix> PredictProba(const VotingModel& m, const TableView& x) {
  if (!m.soft) return Unsupported(ClassNameOf(m) + " with voting='hard' has no predict_proba");
  SAFEMODEL_RETURN_IF_ERROR(CheckX(x, m.n_features, ClassNameOf(m)));
  SAFEMODEL_ASSIGN_OR_RETURN(auto probas, RunAll(m.estimators, MemberMethod::kPredictProba, x));
  if (probas[0].cols != LabelCount(m.classes)) return Corruption("VotingClassifier: member probabilities misaligned");
  return Average(probas, m.weights);
}

Result<Prediction> Predict(const VotingModel& m, const TableView& x) {
  SAFEMODEL_RETURN_IF_ERROR(CheckX(x, m.n_features, ClassNameOf(m)));
  if (!m.classifier) {
    SAFEMODEL_ASSIGN_OR_RETURN(auto preds, RunAll(m.estimators, MemberMethod::kPredict, x));
    if (preds[0].cols != 1) return Corruption("VotingRegressor: members predict more than one target");
    SAFEMODEL_ASSIGN_OR_RETURN(Matrix avg, Average(preds, m.weights));
    return Prediction(std::move(avg));
  }
  const size_t k = LabelCount(m.classes);
  std::vector<int32_t> idx(x.rows, 0);
  if (m.soft) {
    SAFEMODEL_ASSIGN_OR_RETURN(Matrix p, PredictProba(m, x));
    for (size_t r = 0; r < x.rows; ++r) idx[r] = static_cast<int32_t>(NumpyArgMax(&p.data[r * k], k));
    return Prediction(LabelsAt(m.classes, idx));
  }
  SAFEMODEL_ASSIGN_OR_RETURN(auto preds, RunAll(m.estimators, MemberMethod::kPredict, x));
  // np.argmax(np.bincount(row, weights)): bins up to the largest vote, summed
  // in member order, first maximum.
  std::vector<double> bins(k);
  for (size_t r = 0; r < x.rows; ++r) {
    std::fill(bins.begin(), bins.end(), 0.0);
    size_t top = 0;
    for (size_t e = 0; e < preds.size(); ++e) {
      const double v = preds[e].at(r, 0);
      if (!(v >= 0.0 && v < static_cast<double>(k))) return Corruption("VotingClassifier: member vote out of range");
      const auto c = static_cast<size_t>(v);
      bins[c] += m.weights.empty() ? 1.0 : m.weights[e];
      top = std::max(top, c);
    }
    idx[r] = static_cast<int32_t>(NumpyArgMax(bins.data(), top + 1));
  }
  return Prediction(LabelsAt(m.classes, idx));
}

Result<Matrix> Transform(const VotingModel& m, const TableView& x) {
  SAFEMODEL_RETURN_IF_ERROR(CheckX(x, m.n_features, ClassNameOf(m)));
  if (m.soft && !m.flatten_transform) {
    return Unsupported("VotingClassifier with flatten_transform=False transforms to a 3-d array");
  }
  SAFEMODEL_ASSIGN_OR_RETURN(auto parts,
                             RunAll(m.estimators, m.soft ? MemberMethod::kPredictProba : MemberMethod::kPredict, x));
  return HStack(parts, x.rows);
}

// ---- Stacking -----------------------------------------------------------------

StackingModel StackingModel::Clone() const {
  StackingModel m;
  m.classifier = classifier;
  m.passthrough = passthrough;
  m.n_features = n_features;
  m.estimators = CloneAll(estimators);
  m.methods = methods;
  m.final_estimator = CloneAll(final_estimator);
  m.classes = classes;
  m.widths = widths;
  return m;
}

Result<StackingModel> BuildStacking(StackingInput in, std::string_view path) {
  const std::string p(path);
  if (in.estimators == nullptr || in.estimators->empty()) return Corruption(p + ".estimators_: no fitted member");
  if (in.final_estimator == nullptr) return Corruption(p + ".final_estimator_: missing");
  auto& members = *in.estimators;
  if (in.methods.size() != members.size()) {
    return Corruption(p + ".stack_method_: " + std::to_string(in.methods.size()) + " methods for " +
                      std::to_string(members.size()) + " estimators");
  }
  SAFEMODEL_ASSIGN_OR_RETURN(int32_t width, CommonWidth(members, -1, p, "estimators_"));
  const size_t k = LabelCount(in.classes);
  if (in.classifier && k < 2) return Corruption(p + ".classes_: " + std::to_string(k) + " classes, expected >= 2");
  std::vector<int32_t> widths;
  int64_t total = in.passthrough ? width : 0;
  for (size_t i = 0; i < members.size(); ++i) {
    const std::string ip = Idx(p, "estimators_", i);
    if (in.classifier && ClassesOf(members[i]) != nullptr) {
      SAFEMODEL_RETURN_IF_ERROR(NeedEncodedClasses(members[i], k, ip));
    }
    if (static_cast<unsigned>(in.methods[i]) >= kMemberMethodCount) {
      return Corruption(Idx(p, "stack_method_", i) + ": unknown method");
    }
    auto w = ProbeWidth(members[i], in.methods[i], width);
    if (!w.ok()) {
      return Corruption(Idx(p, "stack_method_", i) + ": " + members[i].ClassName() + "." +
                        std::string(MemberMethodName(in.methods[i])) + " fails: " + w.status().message());
    }
    int32_t cols = *w;
    if (in.classifier && in.methods[i] == MemberMethod::kPredictProba && k == 2) cols -= 1;
    widths.push_back(cols);
    total += cols;
  }
  Estimator& fin = *in.final_estimator;
  const int32_t fw = fin.NumFeatures();
  if (fw != kAnyWidth && fw != total) {
    return Corruption(p + ".final_estimator_: " + fin.ClassName() + " reads " + std::to_string(fw) +
                      " features but the stacked members produce " + std::to_string(total));
  }
  if (in.classifier) SAFEMODEL_RETURN_IF_ERROR(NeedEncodedClasses(fin, k, p + ".final_estimator_"));
  StackingModel m;
  m.classifier = in.classifier;
  m.passthrough = in.passthrough;
  m.n_features = width;
  m.estimators = std::move(members);
  m.methods = std::move(in.methods);
  m.final_estimator.push_back(std::move(fin));
  m.classes = std::move(in.classes);
  m.widths = std::move(widths);
  return m;
}

std::string ClassNameOf(const StackingModel& m) { return m.classifier ? "StackingClassifier" : "StackingRegressor"; }

std::string Describe(const StackingModel& m) {
  std::string s = ClassNameOf(m) + ": " + std::to_string(m.estimators.size()) + " members -> " +
                  m.final_estimator[0].ClassName();
  if (m.passthrough) s += ", passthrough";
  if (m.classifier) s += ", " + DescribeClasses(m.classes);
  return s;
}

int32_t TransformWidth(const StackingModel& m) {
  int32_t w = m.passthrough ? m.n_features : 0;
  for (int32_t c : m.widths) w += c;
  return w;
}

Result<Matrix> Transform(const StackingModel& m, const TableView& x) {
  SAFEMODEL_RETURN_IF_ERROR(CheckX(x, m.n_features, ClassNameOf(m)));
  std::vector<Matrix> parts;
  for (size_t i = 0; i < m.estimators.size(); ++i) {
    SAFEMODEL_ASSIGN_OR_RETURN(Matrix out, RunMember(m.estimators[i], m.methods[i], x));
    const size_t drop = out.cols - static_cast<size_t>(m.widths[i]);
    if (out.rows != x.rows || (drop != 0 && drop != 1)) {
      return Corruption(Idx(ClassNameOf(m), "estimators_", i) + ": output width changed");
    }
    if (drop == 1) {  // binary predict_proba: the first column goes
      Matrix kept(out.rows, out.cols - 1);
      for (size_t r = 0; r < out.rows; ++r) {
        for (size_t c = 1; c < out.cols; ++c) kept.at(r, c - 1) = out.at(r, c);
      }
      out = std::move(kept);
    }
    parts.push_back(std::move(out));
  }
  if (m.passthrough) {
    SAFEMODEL_ASSIGN_OR_RETURN(MatrixView numbers, NumericView(x, ClassNameOf(m) + " (passthrough)"));
    Matrix xs(x.rows, x.cols);
    xs.data.assign(numbers.data.begin(), numbers.data.end());
    parts.push_back(std::move(xs));
  }
  return HStack(parts, x.rows);
}

Result<Prediction> Predict(const StackingModel& m, const TableView& x) {
  SAFEMODEL_ASSIGN_OR_RETURN(Matrix meta, Transform(m, x));
  SAFEMODEL_ASSIGN_OR_RETURN(Prediction p, Predict(m.final_estimator[0], meta.view()));
  if (!m.classifier) return p;
  // The final estimator predicts encoded classes: inverse_transform.
  SAFEMODEL_ASSIGN_OR_RETURN(Matrix enc, AsNumbers(std::move(p), "StackingClassifier.final_estimator_"));
  const size_t k = LabelCount(m.classes);
  std::vector<int32_t> idx(enc.data.size());
  for (size_t i = 0; i < idx.size(); ++i) {
    const double v = enc.data[i];
    if (!(v >= 0.0 && v < static_cast<double>(k))) return Corruption("StackingClassifier: final label out of range");
    idx[i] = static_cast<int32_t>(v);
  }
  return Prediction(Labels{enc.rows, enc.cols, TakeLabels(m.classes, idx)});
}

Result<Matrix> PredictProba(const StackingModel& m, const TableView& x) {
  if (!m.classifier) return Unsupported("StackingRegressor has no predict_proba");
  SAFEMODEL_ASSIGN_OR_RETURN(Matrix meta, Transform(m, x));
  return PredictProba(m.final_estimator[0], meta.view());
}

Result<Matrix> DecisionFunction(const StackingModel& m, const TableView& x) {
  if (!m.classifier) return Unsupported("StackingRegressor has no decision_function");
  SAFEMODEL_ASSIGN_OR_RETURN(Matrix meta, Transform(m, x));
  return DecisionFunction(m.final_estimator[0], meta.view());
}

// ---- One-vs-rest --------------------------------------------------------------

OneVsRestModel OneVsRestModel::Clone() const {
  OneVsRestModel m;
  m.n_features = n_features;
  m.multilabel = multilabel;
  m.estimators = CloneAll(estimators);
  m.classes = classes;
  m.score = score;
  m.threshold = threshold;
  return m;
}

Result<OneVsRestModel> BuildOneVsRest(OneVsRestInput in, std::string_view path) {
  const std::string p(path);
  if (in.estimators == nullptr || in.estimators->empty()) return Corruption(p + ".estimators_: no fitted member");
  auto& members = *in.estimators;
  const size_t k = LabelCount(in.classes);
  if (k < (in.multilabel ? 1u : 2u)) return Corruption(p + ".classes_: " + std::to_string(k) + " classes");
  const size_t want = (!in.multilabel && k == 2) ? 1 : k;
  if (members.size() != want) {
    return Corruption(p + ".estimators_: " + std::to_string(members.size()) + " estimators for " + std::to_string(k) +
                      " classes, expected " + std::to_string(want));
  }
  SAFEMODEL_ASSIGN_OR_RETURN(int32_t width, CommonWidth(members, in.n_features_in, p, "estimators_"));
  // _predict_binary uses decision_function where the member has it; the
  // threshold follows the first member (_threshold_for_binary_predict).
  const bool df = HasMethod(members[0], MemberMethod::kDecisionFunction, width);
  for (size_t i = 0; i < members.size(); ++i) {
    const std::string ip = Idx(p, "estimators_", i);
    SAFEMODEL_RETURN_IF_ERROR(NeedEncodedClasses(members[i], 2, ip));
    const MemberMethod mm = df ? MemberMethod::kDecisionFunction : MemberMethod::kPredictProba;
    if (!HasMethod(members[i], mm, width) || (df && *ProbeWidth(members[i], mm, width) != 1)) {
      return Corruption(ip + ": " + members[i].ClassName() + " has no binary " + std::string(MemberMethodName(mm)) +
                        " like the first member");
    }
  }
  OneVsRestModel m;
  m.n_features = width;
  m.multilabel = in.multilabel;
  m.estimators = std::move(members);
  m.classes = std::move(in.classes);
  m.score = df ? MemberMethod::kDecisionFunction : MemberMethod::kPredictProba;
  m.threshold = df ? 0.0 : 0.5;
  return m;
}

std::string ClassNameOf(const OneVsRestModel&) { return "OneVsRestClassifier"; }

std::string Describe(const OneVsRestModel& m) {
  return "OneVsRestClassifier: " + std::to_string(m.estimators.size()) + " x " + m.estimators[0].ClassName() + ", " +
         (m.multilabel ? "multilabel, " : "") + DescribeClasses(m.classes);
}

namespace {

// _predict_binary: the decision function, or the positive class' probability.
Result<std::vector<double>> BinaryScore(const OneVsRestModel& m, size_t i, const TableView& x) {
  SAFEMODEL_ASSIGN_OR_RETURN(Matrix s, RunMember(m.estimators[i], m.score, x));
  const size_t col = m.score == MemberMethod::kDecisionFunction ? 0 : 1;
  if (s.rows != x.rows || s.cols != col + 1) return Corruption(Idx("OneVsRestClassifier", "estimators_", i) + ": not binary");
  std::vector<double> out(x.rows);
  for (size_t r = 0; r < x.rows; ++r) out[r] = s.at(r, col);
  return out;
}

}  // namespace

Result<Prediction> Predict(const OneVsRestModel& m, const TableView& x) {
  SAFEMODEL_RETURN_IF_ERROR(CheckX(x, m.n_features, "OneVsRestClassifier"));
  const size_t n = x.rows;
  if (!m.multilabel && m.estimators.size() > 1) {
    // np.maximum then argmaxima[maxima == pred] = i: the last member equal to
    // the running maximum wins.
    std::vector<double> maxima(n, -std::numeric_limits<double>::infinity());
    std::vector<int32_t> arg(n, 0);
    for (size_t i = 0; i < m.estimators.size(); ++i) {
      SAFEMODEL_ASSIGN_OR_RETURN(auto pred, BinaryScore(m, i, x));
      for (size_t r = 0; r < n; ++r) {
        maxima[r] = (std::isnan(maxima[r]) || std::isnan(pred[r])) ? std::numeric_limits<double>::quiet_NaN()
                                                                   : std::max(maxima[r], pred[r]);
        if (maxima[r] == pred[r]) arg[r] = static_cast<int32_t>(i);
      }
    }
    return Prediction(LabelsAt(m.classes, arg));
  }
  if (!m.multilabel) {
    SAFEMODEL_ASSIGN_OR_RETURN(auto pred, BinaryScore(m, 0, x));
    std::vector<int32_t> idx(n);
    for (size_t r = 0; r < n; ++r) idx[r] = pred[r] > m.threshold ? 1 : 0;
    return Prediction(LabelsAt(m.classes, idx));
  }
  const size_t k = m.estimators.size();
  std::vector<int64_t> ind(n * k, 0);
  for (size_t i = 0; i < k; ++i) {
    SAFEMODEL_ASSIGN_OR_RETURN(auto pred, BinaryScore(m, i, x));
    for (size_t r = 0; r < n; ++r) ind[r * k + i] = pred[r] > m.threshold ? 1 : 0;
  }
  return Prediction(Labels{n, k, LabelValues(std::move(ind))});
}

Result<Matrix> PredictProba(const OneVsRestModel& m, const TableView& x) {
  SAFEMODEL_RETURN_IF_ERROR(CheckX(x, m.n_features, "OneVsRestClassifier"));
  const size_t n = x.rows, k = m.estimators.size();
  Matrix y(n, k == 1 ? 2 : k);
  for (size_t i = 0; i < k; ++i) {
    SAFEMODEL_ASSIGN_OR_RETURN(Matrix p, PredictProba(m.estimators[i], x));
    if (p.rows != n || p.cols != 2) return Corruption(Idx("OneVsRestClassifier", "estimators_", i) + ": not binary");
    for (size_t r = 0; r < n; ++r) {
      if (k == 1) {
        y.at(r, 0) = 1.0 - p.at(r, 1);
        y.at(r, 1) = p.at(r, 1);
      } else {
        y.at(r, i) = p.at(r, 1);
      }
    }
  }
  if (!m.multilabel) {
    for (size_t r = 0; r < n; ++r) {
      double s = 0.0;  // the transposed stack sums member after member
      for (size_t c = 0; c < y.cols; ++c) s += y.at(r, c);
      for (size_t c = 0; c < y.cols; ++c) y.at(r, c) /= s;
    }
  }
  return y;
}

Result<Matrix> DecisionFunction(const OneVsRestModel& m, const TableView& x) {
  SAFEMODEL_RETURN_IF_ERROR(CheckX(x, m.n_features, "OneVsRestClassifier"));
  if (m.score != MemberMethod::kDecisionFunction) return Unsupported("OneVsRestClassifier has no decision_function");
  std::vector<Matrix> parts;
  for (size_t i = 0; i < m.estimators.size(); ++i) {
    SAFEMODEL_ASSIGN_OR_RETURN(auto s, BinaryScore(m, i, x));
    Matrix col(x.rows, 1);
    col.data = std::move(s);
    parts.push_back(std::move(col));
  }
  return HStack(parts, x.rows);
}

// ---- Calibration --------------------------------------------------------------

CalibratedModel CalibratedModel::Clone() const {
  CalibratedModel m;
  m.n_features = n_features;
  m.isotonic = isotonic;
  m.estimators = CloneAll(estimators);
  m.calibrators = calibrators;
  m.classes = classes;
  m.methods = methods;
  m.positions = positions;
  return m;
}

namespace {

Status CheckFinite(double v, const std::string& path) {
  if (std::isfinite(v)) return Status::Ok();
  return Corruption(path + ": " + FormatDouble(v) + " is not finite");
}

}  // namespace

Status CheckCalibrator(const Calibrator& c, std::string_view path) {
  const std::string p(path);
  if (!c.isotonic) {
    SAFEMODEL_RETURN_IF_ERROR(CheckFinite(c.a, p + ".a_"));
    return CheckFinite(c.b, p + ".b_");
  }
  if (c.x.empty()) return Corruption(p + ".X_thresholds_: empty");
  if (c.y.size() != c.x.size()) {
    return Corruption(p + ".y_thresholds_: " + std::to_string(c.y.size()) + " values for " +
                      std::to_string(c.x.size()) + " thresholds");
  }
  SAFEMODEL_RETURN_IF_ERROR(CheckAllFinite(c.x, p + ".X_thresholds_"));
  SAFEMODEL_RETURN_IF_ERROR(CheckAllFinite(c.y, p + ".y_thresholds_"));
  for (size_t i = 1; i < c.x.size(); ++i) {
    if (!(c.x[i] > c.x[i - 1])) {
      return Corruption(p + ".X_thresholds_[" + std::to_string(i) + "]: " + FormatDouble(c.x[i]) +
                        " does not increase on " + FormatDouble(c.x[i - 1]));
    }
  }
  SAFEMODEL_RETURN_IF_ERROR(CheckFinite(c.x_min, p + ".X_min_"));
  SAFEMODEL_RETURN_IF_ERROR(CheckFinite(c.x_max, p + ".X_max_"));
  if (c.x_min > c.x_max) return Corruption(p + ".X_min_: " + FormatDouble(c.x_min) + " > X_max_");
  return Status::Ok();
}

namespace {

// Where each of `sub` sits in `all` (LabelEncoder.transform), or -1.
std::vector<int32_t> Positions(const LabelValues& sub, const LabelValues& all) {
  std::vector<int32_t> out;
  std::visit(
      [&](const auto& s) {
        using V = std::decay_t<decltype(s)>;
        const auto* a = std::get_if<V>(&all);
        for (const auto& v : s) {
          int32_t at = -1;
          if (a != nullptr) {
            auto it = std::find(a->begin(), a->end(), v);
            if (it != a->end()) at = static_cast<int32_t>(it - a->begin());
          }
          out.push_back(at);
        }
      },
      sub);
  return out;
}

bool SameLabels(const LabelValues& a, const LabelValues& b) { return a == b; }

// IsotonicRegression.predict with out_of_bounds clip/nan: np.clip, then
// interp1d -> np.interp (values outside the thresholds NaN), or the single
// y_thresholds_ value.
double Isotonic(const Calibrator& c, double t) {
  if (std::isnan(t)) return t;
  if (c.clip) t = std::min(std::max(t, c.x_min), c.x_max);
  const size_t n = c.x.size();
  if (n == 1) return c.y[0];
  if (t < c.x[0] || t > c.x[n - 1]) return std::numeric_limits<double>::quiet_NaN();
  // binary_search_with_guess: the last j with x[j] <= t.
  const size_t j = static_cast<size_t>(std::upper_bound(c.x.begin(), c.x.end(), t) - c.x.begin()) - 1;
  if (j == n - 1 || c.x[j] == t) return c.y[j];
  const double slope = (c.y[j + 1] - c.y[j]) / (c.x[j + 1] - c.x[j]);
  double r = slope * (t - c.x[j]) + c.y[j];
  if (std::isnan(r)) {
    r = slope * (t - c.x[j + 1]) + c.y[j + 1];
    if (std::isnan(r) && c.y[j] == c.y[j + 1]) r = c.y[j];
  }
  return r;
}

double Calibrate(const Calibrator& c, double t) {
  if (c.isotonic) return Isotonic(c, t);
  const double z = -(c.a * t + c.b);  // scipy's expit(z) = 1 / (1 + exp(-z))
  return 1.0 / (1.0 + std::exp(-z));
}

}  // namespace

Result<CalibratedModel> BuildCalibrated(CalibratedInput in, std::string_view path) {
  const std::string p(path);
  if (in.estimators == nullptr || in.estimators->empty()) {
    return Corruption(p + ".calibrated_classifiers_: no calibrated classifier");
  }
  auto& members = *in.estimators;
  const size_t k = LabelCount(in.classes);
  if (k < 2) return Corruption(p + ".classes_: " + std::to_string(k) + " classes, expected >= 2");
  if (in.calibrators.size() != members.size() || in.member_classes.size() != members.size()) {
    return Corruption(p + ".calibrated_classifiers_: members and calibrators do not pair up");
  }
  SAFEMODEL_ASSIGN_OR_RETURN(int32_t width, CommonWidth(members, in.n_features_in, p, "calibrated_classifiers_"));
  CalibratedModel m;
  for (size_t i = 0; i < members.size(); ++i) {
    const std::string ip = Idx(p, "calibrated_classifiers_", i);
    if (!SameLabels(in.member_classes[i], in.classes)) {
      return Corruption(ip + ".classes: " + DescribeClasses(in.member_classes[i]) + " differ from classes_");
    }
    const LabelValues* mc = ClassesOf(members[i]);
    if (mc == nullptr) return Corruption(ip + ".estimator: " + members[i].ClassName() + " is not a classifier");
    std::vector<int32_t> pos = Positions(*mc, in.classes);
    for (size_t j = 0; j < pos.size(); ++j) {
      if (pos[j] < 0 || (j > 0 && pos[j] <= pos[j - 1])) {
        return Corruption(ip + ".estimator.classes_[" + std::to_string(j) + "]: not one of classes_ in order");
      }
    }
    if (k == 2 && pos.size() != 2) return Corruption(ip + ".estimator: binary calibration needs both classes");
    const size_t want = k == 2 ? 1 : pos.size();
    if (in.calibrators[i].size() != want) {
      return Corruption(ip + ".calibrators: " + std::to_string(in.calibrators[i].size()) + " calibrators, expected " +
                        std::to_string(want));
    }
    for (size_t j = 0; j < want; ++j) {
      const std::string cp = ip + ".calibrators[" + std::to_string(j) + "]";
      if (in.calibrators[i][j].isotonic != in.isotonic) {
        return Corruption(cp + ": not of the calibration method's kind");
      }
      SAFEMODEL_RETURN_IF_ERROR(CheckCalibrator(in.calibrators[i][j], cp));
    }
    const bool df = HasMethod(members[i], MemberMethod::kDecisionFunction, width);
    const MemberMethod mm = df ? MemberMethod::kDecisionFunction : MemberMethod::kPredictProba;
    auto cols = ProbeWidth(members[i], mm, width);
    if (!cols.ok()) return Corruption(ip + ".estimator: " + cols.status().message());
    const size_t expect = (k == 2 && mm == MemberMethod::kPredictProba) ? 2 : want;
    if (static_cast<size_t>(*cols) != expect) {
      return Corruption(ip + ".estimator: " + std::string(MemberMethodName(mm)) + " gives " + std::to_string(*cols) +
                        " columns, expected " + std::to_string(expect));
    }
    m.methods.push_back(mm);
    m.positions.push_back(std::move(pos));
  }
  m.n_features = width;
  m.isotonic = in.isotonic;
  m.estimators = std::move(members);
  m.calibrators = std::move(in.calibrators);
  m.classes = std::move(in.classes);
  return m;
}

std::string ClassNameOf(const CalibratedModel&) { return "CalibratedClassifierCV"; }

std::string Describe(const CalibratedModel& m) {
  return "CalibratedClassifierCV: " + std::to_string(m.estimators.size()) + " x " + m.estimators[0].ClassName() +
         ", " + (m.isotonic ? "isotonic" : "sigmoid") + ", " + DescribeClasses(m.classes);
}

Result<Matrix> PredictProba(const CalibratedModel& m, const TableView& x) {
  SAFEMODEL_RETURN_IF_ERROR(CheckX(x, m.n_features, "CalibratedClassifierCV"));
  const size_t n = x.rows, k = LabelCount(m.classes);
  Matrix mean(n, k);
  for (size_t i = 0; i < m.estimators.size(); ++i) {
    SAFEMODEL_ASSIGN_OR_RETURN(Matrix pred, RunMember(m.estimators[i], m.methods[i], x));
    // _compute_predictions: binary predict_proba keeps the positive column.
    const size_t first = (k == 2 && m.methods[i] == MemberMethod::kPredictProba) ? 1 : 0;
    const auto& cal = m.calibrators[i];
    if (pred.rows != n || pred.cols != first + cal.size()) {
      return Corruption(Idx("CalibratedClassifierCV", "calibrated_classifiers_", i) + ": output width changed");
    }
    Matrix proba(n, k);
    for (size_t j = 0; j < cal.size(); ++j) {
      const size_t col = k == 2 ? 1 : static_cast<size_t>(m.positions[i][j]);
      for (size_t r = 0; r < n; ++r) proba.at(r, col) = Calibrate(cal[j], pred.at(r, first + j));
    }
    for (size_t r = 0; r < n; ++r) {
      double* row = &proba.data[r * k];
      if (k == 2) {
        row[0] = 1.0 - row[1];
      } else {
        const double den = NumpySum(row, k);
        for (size_t c = 0; c < k; ++c) row[c] = den != 0.0 ? row[c] / den : 1.0 / static_cast<double>(k);
      }
      for (size_t c = 0; c < k; ++c) {
        if (1.0 < row[c] && row[c] <= 1.0 + 1e-5) row[c] = 1.0;
      }
    }
    for (size_t t = 0; t < mean.data.size(); ++t) mean.data[t] += proba.data[t];
  }
  const double count = static_cast<double>(m.estimators.size());
  for (double& v : mean.data) v /= count;
  return mean;
}

Result<Prediction> Predict(const CalibratedModel& m, const TableView& x) {
  SAFEMODEL_ASSIGN_OR_RETURN(Matrix p, PredictProba(m, x));
  const size_t k = LabelCount(m.classes);
  std::vector<int32_t> idx(x.rows);
  for (size_t r = 0; r < x.rows; ++r) idx[r] = static_cast<int32_t>(NumpyArgMax(&p.data[r * k], k));
  return Prediction(LabelsAt(m.classes, idx));
}

}  // namespace safemodel::estimators
