#include "estimators/estimator.h"

namespace safemodel::estimators {

Pipeline::Pipeline() = default;
Pipeline::Pipeline(Pipeline&&) noexcept = default;
Pipeline& Pipeline::operator=(Pipeline&&) noexcept = default;
Pipeline::~Pipeline() = default;

Pipeline Pipeline::Clone() const {
  Pipeline p;
  p.names = names;
  for (const auto& s : steps) p.steps.push_back(s.Clone());
  return p;
}

Estimator Estimator::Clone() const {
  return std::visit([](const auto& m) { return Estimator{m.Clone()}; }, model);
}

namespace {

template <class... F>
struct Overload : F... {
  using F::operator()...;
};
template <class... F>
Overload(F...) -> Overload<F...>;

int PipelineDepth(const Estimator& e) {
  const auto* p = std::get_if<Pipeline>(&e.model);
  if (p == nullptr) return 0;
  int deepest = 0;
  for (const auto& s : p->steps) deepest = std::max(deepest, PipelineDepth(s));
  return deepest + 1;
}

}  // namespace

std::string Estimator::ClassName() const {
  return std::visit(Overload{[](const LinearModel& m) { return m.class_name; },
                             [](const TreeModel& m) { return m.class_name; },
                             [](const StandardScaler&) { return std::string("StandardScaler"); },
                             [](const MinMaxScaler&) { return std::string("MinMaxScaler"); },
                             [](const Pipeline&) { return std::string("Pipeline"); }},
                    model);
}

int32_t Estimator::NumFeatures() const {
  return std::visit(Overload{[](const Pipeline& p) { return p.steps.empty() ? 0 : p.steps[0].NumFeatures(); },
                             [](const auto& m) { return m.n_features; }},
                    model);
}

bool Estimator::IsTransformer() const {
  return std::visit(Overload{[](const Pipeline& p) { return p.steps.empty() || p.steps.back().IsTransformer(); },
                             [](const StandardScaler&) { return true; }, [](const MinMaxScaler&) { return true; },
                             [](const auto&) { return false; }},
                    model);
}

Result<Estimator> BuildPipeline(std::vector<std::string> names, std::vector<Estimator> steps, std::string_view path) {
  std::string p(path);
  if (names.size() != steps.size()) {
    return Corruption(p + ".steps: " + std::to_string(names.size()) + " names for " + std::to_string(steps.size()) +
                      " steps");
  }
  for (size_t i = 0; i < steps.size(); ++i) {
    std::string sp = p + ".steps[" + std::to_string(i) + "]";
    if (i + 1 < steps.size() && !steps[i].IsTransformer()) {
      return Corruption(sp + ": " + steps[i].ClassName() + " is not a transformer but is not the last step");
    }
    if (i > 0 && steps[i].NumFeatures() != steps[i - 1].NumFeatures()) {
      return Corruption(sp + ": expects " + std::to_string(steps[i].NumFeatures()) + " features but the step before " +
                        "produces " + std::to_string(steps[i - 1].NumFeatures()));
    }
  }
  Estimator e{Pipeline{}};
  auto& pipe = std::get<Pipeline>(e.model);
  pipe.names = std::move(names);
  pipe.steps = std::move(steps);
  if (PipelineDepth(e) > kMaxPipelineDepth) {
    return LimitExceeded(p + ": pipelines nested deeper than " + std::to_string(kMaxPipelineDepth));
  }
  return e;
}

namespace {

// Runs every step but the last through transform (sklearn's Pipeline._iter
// with_final=False).
Result<Matrix> TransformHead(const Pipeline& p, MatrixView x) {
  Matrix cur(x.rows, x.cols);
  cur.data.assign(x.data.begin(), x.data.end());
  for (size_t i = 0; i + 1 < p.steps.size(); ++i) {  // no steps: a copy of X
    SAFEMODEL_ASSIGN_OR_RETURN(cur, Transform(p.steps[i], cur.view()));
  }
  return cur;
}

// Applies `method` to the last step after transforming through the others.
template <class R, class Method>
Result<R> Delegate(const Pipeline& p, MatrixView x, Method method, std::string_view name) {
  if (p.steps.empty()) return Unsupported(std::string("Pipeline of passthrough steps has no ") + std::string(name));
  SAFEMODEL_ASSIGN_OR_RETURN(Matrix head, TransformHead(p, x));
  return method(p.steps.back(), head.view());
}

Status NoMethod(const Estimator& e, std::string_view name) {
  return Unsupported(e.ClassName() + " has no " + std::string(name));
}

}  // namespace

Result<Prediction> Predict(const Estimator& e, MatrixView x) {
  return std::visit(
      Overload{[&](const LinearModel& m) { return LinearPredict(m, x); },
               [&](const TreeModel& m) { return TreePredict(m, x); },
               [&](const Pipeline& p) { return Delegate<Prediction>(p, x, Predict, "predict"); },
               [&](const auto&) -> Result<Prediction> { return NoMethod(e, "predict"); }},
      e.model);
}

Result<Matrix> PredictProba(const Estimator& e, MatrixView x) {
  return std::visit(
      Overload{[&](const LinearModel& m) { return LinearPredictProba(m, x); },
               [&](const TreeModel& m) { return TreePredictProba(m, x); },
               [&](const Pipeline& p) { return Delegate<Matrix>(p, x, PredictProba, "predict_proba"); },
               [&](const auto&) -> Result<Matrix> { return NoMethod(e, "predict_proba"); }},
      e.model);
}

Result<Matrix> DecisionFunction(const Estimator& e, MatrixView x) {
  return std::visit(
      Overload{[&](const LinearModel& m) { return LinearDecisionFunction(m, x); },
               [&](const Pipeline& p) { return Delegate<Matrix>(p, x, DecisionFunction, "decision_function"); },
               [&](const auto&) -> Result<Matrix> { return NoMethod(e, "decision_function"); }},
      e.model);
}

Result<Matrix> Transform(const Estimator& e, MatrixView x) {
  return std::visit(
      Overload{[&](const StandardScaler& s) { return StandardScalerTransform(s, x); },
               [&](const MinMaxScaler& s) { return MinMaxScalerTransform(s, x); },
               [&](const Pipeline& p) -> Result<Matrix> {
                 if (p.steps.empty()) return TransformHead(p, x);  // identity copy
                 return Delegate<Matrix>(p, x, Transform, "transform");
               },
               [&](const auto&) -> Result<Matrix> { return NoMethod(e, "transform"); }},
      e.model);
}

}  // namespace safemodel::estimators
