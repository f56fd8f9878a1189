#include "estimators/estimator.h"

#include <algorithm>
#include <cmath>
#include <concepts>
#include <optional>
#include <set>

#include "util/text.h"

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
  Estimator e = std::visit([](const auto& m) { return Estimator{m.Clone()}; }, model);
  e.feature_names = feature_names;
  return e;
}

Status SetFeatureNames(Estimator& e, std::vector<std::string> names, std::string_view path) {
  const std::string p(path);
  if (static_cast<int64_t>(names.size()) != e.NumFeatures()) {
    return Corruption(p + ": " + std::to_string(names.size()) + " names for " + std::to_string(e.NumFeatures()) +
                      " input features");
  }
  std::set<std::string_view> seen;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i].empty()) return Corruption(p + "[" + std::to_string(i) + "]: empty name");
    if (!seen.insert(names[i]).second) {
      return Corruption(p + "[" + std::to_string(i) + "]: '" + EscapeForTerminal(names[i]) + "' appears twice");
    }
  }
  e.feature_names = std::move(names);
  return Status::Ok();
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

std::string ClassNameOf(const Pipeline&) { return "Pipeline"; }

namespace {

template <class T>
concept HasPredict = requires(const T& m, MatrixView x) {
  { Predict(m, x) } -> std::same_as<Result<Prediction>>;
};
#define SAFEMODEL_MATRIX_METHOD_CONCEPT(Concept, Fn)   \
  template <class T>                                   \
  concept Concept = requires(const T& m, MatrixView x) { \
    { Fn(m, x) } -> std::same_as<Result<Matrix>>;      \
  };
SAFEMODEL_MATRIX_METHOD_CONCEPT(HasPredictProba, PredictProba)
SAFEMODEL_MATRIX_METHOD_CONCEPT(HasPredictLogProba, PredictLogProba)
SAFEMODEL_MATRIX_METHOD_CONCEPT(HasDecisionFunction, DecisionFunction)
SAFEMODEL_MATRIX_METHOD_CONCEPT(HasTransform, Transform)
SAFEMODEL_MATRIX_METHOD_CONCEPT(HasScoreSamples, ScoreSamples)
#undef SAFEMODEL_MATRIX_METHOD_CONCEPT
template <class T>
concept HasTransformWidth = requires(const T& m) {
  { TransformWidth(m) } -> std::same_as<int32_t>;
};

template <class T>
concept HasTableTransform = requires(const T& m, const TableView& x) {
  { Transform(m, x) } -> std::same_as<Result<Matrix>>;
};

// Families whose members read tables (meta-estimators) declare their other
// methods on a TableView too.
template <class T>
concept HasTablePredict = requires(const T& m, const TableView& x) {
  { Predict(m, x) } -> std::same_as<Result<Prediction>>;
};
#define SAFEMODEL_TABLE_METHOD_CONCEPT(Concept, Fn)             \
  template <class T>                                            \
  concept Concept = requires(const T& m, const TableView& x) {  \
    { Fn(m, x) } -> std::same_as<Result<Matrix>>;               \
  };
SAFEMODEL_TABLE_METHOD_CONCEPT(HasTablePredictProba, PredictProba)
SAFEMODEL_TABLE_METHOD_CONCEPT(HasTableDecisionFunction, DecisionFunction)
SAFEMODEL_TABLE_METHOD_CONCEPT(HasTableScoreSamples, ScoreSamples)
#undef SAFEMODEL_TABLE_METHOD_CONCEPT

}  // namespace

std::string Estimator::ClassName() const {
  return std::visit([](const auto& m) { return ClassNameOf(m); }, model);
}

int32_t Estimator::NumFeatures() const {
  return std::visit(Overload{[](const Pipeline& p) {
                               // Steps of any width pass their input on: the first fixed one
                               // decides (none: all passthrough, the identity).
                               for (const auto& s : p.steps) {
                                 if (s.NumFeatures() != kAnyWidth) return s.NumFeatures();
                               }
                               return kAnyWidth;
                             },
                             [](const auto& m) { return m.n_features; }},
                    model);
}

int32_t Estimator::TransformWidth() const {
  return std::visit(Overload{[](const Pipeline& p) {
                               int32_t w = kAnyWidth;
                               for (const auto& s : p.steps) {
                                 if (s.TransformWidth() != kAnyWidth) w = s.TransformWidth();
                               }
                               return w;
                             },
                             []<class T>(const T& m) {
                               if constexpr (HasTransformWidth<T>) return estimators::TransformWidth(m);
                               else return m.n_features;
                             }},
                    model);
}

bool Estimator::IsTransformer() const {
  return std::visit(Overload{[](const Pipeline& p) { return p.steps.empty() || p.steps.back().IsTransformer(); },
                             [](const CustomEstimator& c) { return CustomHasTransform(c); },
                             []<class T>(const T&) { return HasTransform<T> || HasTableTransform<T>; }},
                    model);
}

std::string Estimator::Describe() const {
  return std::visit(Overload{[](const Pipeline& p) {
                               std::string s = "Pipeline:";
                               for (size_t i = 0; i < p.steps.size(); ++i) {
                                 s += (i ? " -> " : " ") + p.names[i] + " [" + p.steps[i].Describe() + "]";
                               }
                               return s;
                             },
                             [](const auto& m) { return estimators::Describe(m); }},
                    model);
}

bool TakesDocuments(const Estimator& e) {
  return std::visit(Overload{[](const Pipeline& p) { return !p.steps.empty() && TakesDocuments(p.steps.front()); },
                             []<class T>(const T&) { return std::same_as<T, TextVectorizer>; }},
                    e.model);
}

namespace {

bool AllRowIndependent(const std::vector<Estimator>& v) {
  return std::all_of(v.begin(), v.end(), [](const Estimator& e) { return RowIndependent(e); });
}

}  // namespace

bool RowIndependent(const Estimator& e) {
  return std::visit(
      Overload{[](const Pipeline& p) { return AllRowIndependent(p.steps); },
               [](const VotingModel& m) { return AllRowIndependent(m.estimators); },
               [](const StackingModel& m) { return AllRowIndependent(m.estimators) && AllRowIndependent(m.final_estimator); },
               [](const OneVsRestModel& m) { return AllRowIndependent(m.estimators); },
               [](const CalibratedModel& m) { return AllRowIndependent(m.estimators); },
               [](const ColumnTransformer& m) { return AllRowIndependent(m.parts); },
               // scikit-learn's brute-force search orders tied neighbours by a
               // strategy chosen from the batch size.
               [](const KnnModel&) { return false; },
               [](const CustomEstimator& c) { return CustomRowIndependent(c); },
               []<class T>(const T&) { return true; }},
      e.model);
}

Result<Estimator> BuildPipeline(std::vector<std::string> names, std::vector<Estimator> steps, std::string_view path) {
  std::string p(path);
  if (names.size() != steps.size()) {
    return Corruption(p + ".steps: " + std::to_string(names.size()) + " names for " + std::to_string(steps.size()) +
                      " steps");
  }
  int32_t width = kAnyWidth;  // what reaches step i; kAnyWidth until a step fixes it
  for (size_t i = 0; i < steps.size(); ++i) {
    std::string sp = p + ".steps[" + std::to_string(i) + "]";
    if (i + 1 < steps.size() && !steps[i].IsTransformer()) {
      return Corruption(sp + ": " + steps[i].ClassName() + " is not a transformer but is not the last step");
    }
    const int32_t in = steps[i].NumFeatures();
    if (in != kAnyWidth && width != kAnyWidth && in != width) {
      return Corruption(sp + ": expects " + std::to_string(in) + " features but the step before " + "produces " +
                        std::to_string(width));
    }
    if (steps[i].IsTransformer() && steps[i].TransformWidth() != kAnyWidth) width = steps[i].TransformWidth();
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
template <class R>
Result<R> Delegate(const Pipeline& p, MatrixView x, Result<R> (*method)(const Estimator&, MatrixView),
                   std::string_view name) {
  if (p.steps.empty()) return Unsupported(std::string("Pipeline of passthrough steps has no ") + std::string(name));
  SAFEMODEL_ASSIGN_OR_RETURN(Matrix head, TransformHead(p, x));
  return method(p.steps.back(), head.view());
}

Status NoMethod(const Estimator& e, std::string_view name) {
  return Unsupported(e.ClassName() + " has no " + std::string(name));
}

}  // namespace

// One entry point per method: a Pipeline delegates to its last step; a
// family runs its own function if it declares one (estimator.h).
Result<Prediction> Predict(const Estimator& e, MatrixView x) {
  return std::visit(Overload{[&](const Pipeline& p) { return Delegate<Prediction>(p, x, Predict, "predict"); },
                             [&]<class T>(const T& m) -> Result<Prediction> {
                               if constexpr (HasPredict<T>) return Predict(m, x);
                               else if constexpr (HasTablePredict<T>) return Predict(m, TableView::Of(x));
                               else return NoMethod(e, "predict");
                             }},
                    e.model);
}

#define SAFEMODEL_MATRIX_METHOD(Fn, Concept, TableConcept, name)                              \
  Result<Matrix> Fn(const Estimator& e, MatrixView x) {                                      \
    return std::visit(Overload{[&](const Pipeline& p) { return Delegate<Matrix>(p, x, Fn, name); }, \
                               [&]<class T>(const T& m) -> Result<Matrix> {                  \
                                 if constexpr (Concept<T>) return Fn(m, x);                   \
                                 else if constexpr (TableConcept<T>) return Fn(m, TableView::Of(x)); \
                                 else return NoMethod(e, name);                               \
                               }},                                                           \
                      e.model);                                                              \
  }
SAFEMODEL_MATRIX_METHOD(PredictProba, HasPredictProba, HasTablePredictProba, "predict_proba")
SAFEMODEL_MATRIX_METHOD(DecisionFunction, HasDecisionFunction, HasTableDecisionFunction, "decision_function")
SAFEMODEL_MATRIX_METHOD(ScoreSamples, HasScoreSamples, HasTableScoreSamples, "score_samples")
#undef SAFEMODEL_MATRIX_METHOD

// scikit-learn's classifiers mostly define predict_log_proba as
// np.log(predict_proba(X)); the families that compute it otherwise (naive
// Bayes: log-likelihoods minus their logsumexp) declare their own.
Result<Matrix> PredictLogProba(const Estimator& e, MatrixView x) {
  return std::visit(Overload{[&](const Pipeline& p) {
                               return Delegate<Matrix>(p, x, PredictLogProba, "predict_log_proba");
                             },
                             [&]<class T>(const T& m) -> Result<Matrix> {
                               if constexpr (HasPredictLogProba<T>) {
                                 return PredictLogProba(m, x);
                               } else if constexpr (HasPredictProba<T> || HasTablePredictProba<T>) {
                                 SAFEMODEL_ASSIGN_OR_RETURN(Matrix p, PredictProba(e, x));
                                 for (double& v : p.data) v = std::log(v);
                                 return p;
                               } else {
                                 return NoMethod(e, "predict_log_proba");
                               }
                             }},
                    e.model);
}

Result<Matrix> Transform(const Estimator& e, MatrixView x) {
  return std::visit(Overload{[&](const Pipeline& p) -> Result<Matrix> {
                               if (p.steps.empty()) return TransformHead(p, x);  // identity copy
                               return Delegate<Matrix>(p, x, Transform, "transform");
                             },
                             [&]<class T>(const T& m) -> Result<Matrix> {
                               if constexpr (HasTransform<T>) return Transform(m, x);
                               else if constexpr (HasTableTransform<T>) return Transform(m, TableView::Of(x));
                               else return NoMethod(e, "transform");
                             }},
                    e.model);
}

// ---- Table input ----------------------------------------------------------------

Result<Matrix> Transform(const Estimator& e, const TableView& t) {
  if (!t.HasStrings() && t.column_names.empty()) return Transform(e, t.numeric());
  return std::visit(Overload{[&](const Pipeline& p) -> Result<Matrix> {
                               if (p.steps.empty()) {
                                 SAFEMODEL_ASSIGN_OR_RETURN(MatrixView x, NumericView(t, "Pipeline"));
                                 return Transform(e, x);
                               }
                               SAFEMODEL_ASSIGN_OR_RETURN(Matrix cur, Transform(p.steps[0], t));
                               for (size_t i = 1; i < p.steps.size(); ++i) {
                                 SAFEMODEL_ASSIGN_OR_RETURN(cur, Transform(p.steps[i], cur.view()));
                               }
                               return cur;
                             },
                             [&]<class T>(const T& m) -> Result<Matrix> {
                               if constexpr (HasTableTransform<T>) {
                                 return Transform(m, t);
                               } else {
                                 SAFEMODEL_ASSIGN_OR_RETURN(MatrixView x, NumericView(t, ClassNameOf(m)));
                                 return Transform(e, x);
                               }
                             }},
                    e.model);
}

namespace {

// `fn` on a table: a pipeline's first step reads the table, the last gets
// numbers; any other estimator takes numbers only.
// `on_table(m, t)` runs a family's own table method when it declares one
// (meta-estimators hand the table to their members), else gives nullopt.
template <class R, class OnTable>
Result<R> RunTable(const Estimator& e, const TableView& t, Result<R> (*fn)(const Estimator&, MatrixView),
                   OnTable on_table) {
  if (!t.HasStrings() && t.column_names.empty()) return fn(e, t.numeric());
  if (const auto* p = std::get_if<Pipeline>(&e.model); p != nullptr && !p->steps.empty()) {
    if (p->steps.size() == 1) return RunTable(p->steps[0], t, fn, on_table);
    SAFEMODEL_ASSIGN_OR_RETURN(Matrix cur, Transform(p->steps[0], t));
    for (size_t i = 1; i + 1 < p->steps.size(); ++i) {
      SAFEMODEL_ASSIGN_OR_RETURN(cur, Transform(p->steps[i], cur.view()));
    }
    return fn(p->steps.back(), cur.view());
  }
  std::optional<Result<R>> own = std::visit([&](const auto& m) { return on_table(m, t); }, e.model);
  if (own.has_value()) return std::move(*own);
  // A family that reads tables has only transform (routed elsewhere): let
  // the method refuse itself by name instead of blaming the string cells.
  const bool reads_tables = std::visit([]<class T>(const T&) { return HasTableTransform<T>; }, e.model);
  if (reads_tables) return fn(e, t.numeric());
  SAFEMODEL_ASSIGN_OR_RETURN(MatrixView x, NumericView(t, e.ClassName()));
  return fn(e, x);
}

}  // namespace

#define SAFEMODEL_ON_TABLE(R, Fn, TableConcept)                                      \
  []<class T>(const T& m, const TableView& t) -> std::optional<Result<R>> {          \
    if constexpr (TableConcept<T>) return Fn(m, t);                                  \
    else return std::nullopt;                                                        \
  }

Result<Prediction> Predict(const Estimator& e, const TableView& x) {
  return RunTable<Prediction>(e, x, Predict, SAFEMODEL_ON_TABLE(Prediction, Predict, HasTablePredict));
}
Result<Matrix> PredictProba(const Estimator& e, const TableView& x) {
  return RunTable<Matrix>(e, x, PredictProba, SAFEMODEL_ON_TABLE(Matrix, PredictProba, HasTablePredictProba));
}
Result<Matrix> PredictLogProba(const Estimator& e, const TableView& x) {
  const auto on_table = []<class T>(const T& m, const TableView& t) -> std::optional<Result<Matrix>> {
    if constexpr (HasTablePredictProba<T>) {
      Result<Matrix> p = PredictProba(m, t);
      if (p.ok()) {
        for (double& v : p->data) v = std::log(v);
      }
      return p;
    } else {
      return std::nullopt;
    }
  };
  return RunTable<Matrix>(e, x, PredictLogProba, on_table);
}
Result<Matrix> DecisionFunction(const Estimator& e, const TableView& x) {
  return RunTable<Matrix>(e, x, DecisionFunction,
                          SAFEMODEL_ON_TABLE(Matrix, DecisionFunction, HasTableDecisionFunction));
}
Result<Matrix> ScoreSamples(const Estimator& e, const TableView& x) {
  return RunTable<Matrix>(e, x, ScoreSamples, SAFEMODEL_ON_TABLE(Matrix, ScoreSamples, HasTableScoreSamples));
}
#undef SAFEMODEL_ON_TABLE

}  // namespace safemodel::estimators
