// org.example.scorecard: validator, writer, methods and the kind.
#include "scorecard.h"

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <utility>

namespace example {

using safemodel::Method;
using safemodel::Output;
using safemodel::Result;
using safemodel::Rows;
using safemodel::Status;

namespace {

// Shortest round-trip text of a double ("0.1", "nan", "-inf").
std::string Num(double v) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, r.ptr);
}

std::string At(std::string_view what, size_t i) { return std::string(what) + "[" + std::to_string(i) + "]"; }

// scikit-learn's np.searchsorted(edges, x, side="right"): the number of
// edges <= x, for sorted edges. The loop runs ceil(log2(n + 1)) times and
// returns a value in [0, n] whatever the edges hold: the bound the points
// lookup needs does not depend on the (viewed, not copied) edge values.
size_t BinOf(std::span<const double> edges, double x) {
  size_t lo = 0, hi = edges.size();
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (x < edges[mid]) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo;
}

// The methods' own check of what the library already promises (width), and
// of what it does not (finite cells).
Status CheckRows(const Scorecard& s, const Rows& x) {
  if (s.n_features == 0 || x.cols != s.n_features || x.data.size() / x.cols != x.rows ||
      x.data.size() % x.cols != 0) {
    return safemodel::InvalidArgument("X: " + std::to_string(x.rows) + " x " + std::to_string(x.cols) + ", but " +
                                      std::string(kScorecardKind) + " takes " + std::to_string(s.n_features) +
                                      " features");
  }
  for (size_t r = 0; r < x.rows; ++r) {
    for (size_t c = 0; c < x.cols; ++c) {
      const double v = x.at(r, c);
      if (!std::isfinite(v)) {
        return safemodel::InvalidArgument("X[" + std::to_string(r) + ", " + std::to_string(c) + "]: " + Num(v) +
                                          " is not finite (" + std::string(kScorecardKind) +
                                          " takes finite numbers, as KBinsDiscretizer does)");
      }
    }
  }
  return Status::Ok();
}

// In scikit-learn's order: X_onehot @ coef.T is a sparse row times a vector,
// summing the hot columns' coefficients (times 1.0) from 0.0 in column
// order, i.e. feature order; then the intercept is added.
double Score(const Scorecard& s, std::span<const double> row) {
  double sum = 0.0;
  for (uint32_t j = 0; j < s.n_features; ++j) {
    const size_t first = s.edge_offsets[j], count = s.edge_offsets[j + 1] - first;
    sum += s.points[first + j + BinOf(s.edges.subspan(first, count), row[j])];
  }
  return sum + s.base;
}

// scipy.special.expit, as scipy computes it for doubles.
double Expit(double z) { return 1.0 / (1.0 + std::exp(-z)); }

Result<std::vector<double>> Scores(const Scorecard& s, const Rows& x) {
  SAFEMODEL_RETURN_IF_ERROR(CheckRows(s, x));
  std::vector<double> out(x.rows);
  for (size_t r = 0; r < x.rows; ++r) out[r] = Score(s, x.row(r));
  return out;
}

Status CheckFinite(const safemodel::TensorSource& t, std::string_view field, std::span<const double> v) {
  for (size_t i = 0; i < v.size(); ++i) {
    if (!std::isfinite(v[i])) return t.Error(At(field, i), Num(v[i]) + " is not finite");
  }
  return Status::Ok();
}

}  // namespace

// ---- The validator -------------------------------------------------------------

Result<Scorecard> ReadScorecard(schema::Scorecard::Reader r, safemodel::TensorSource& t) {
  Scorecard s;
  s.n_features = r.getNFeatures();
  if (s.n_features == 0 || s.n_features > kMaxScorecardFeatures) {
    return t.Error("nFeatures", std::to_string(s.n_features) + " out of range [1, " +
                                    std::to_string(kMaxScorecardFeatures) + "]");
  }
  s.base = r.getBase();
  if (!std::isfinite(s.base)) return t.Error("base", Num(s.base) + " is not finite");
  auto classes = r.getClasses();
  if (classes.size() != 2) return t.Error("classes", std::to_string(classes.size()) + " labels, not 2");
  s.classes = {classes[0], classes[1]};
  if (s.classes[0] == s.classes[1]) return t.Error("classes", "both labels are " + std::to_string(s.classes[0]));

  // Offsets decide every index: copied, then checked on the copy.
  SAFEMODEL_ASSIGN_OR_RETURN(s.edge_offsets, t.Copy<uint32_t>(r.getEdgeOffsets(), 1, "edgeOffsets"));
  const auto& off = s.edge_offsets;
  if (off.size() != uint64_t{s.n_features} + 1) {
    return t.Error("edgeOffsets", std::to_string(off.size()) + " entries for " + std::to_string(s.n_features) +
                                      " features (needs nFeatures + 1)");
  }
  if (off[0] != 0) return t.Error("edgeOffsets", "starts at " + std::to_string(off[0]) + ", not 0");
  for (size_t j = 1; j < off.size(); ++j) {
    if (off[j] < off[j - 1]) {
      return t.Error(At("edgeOffsets", j), std::to_string(off[j]) + " is below edgeOffsets[" + std::to_string(j - 1) +
                                               "] = " + std::to_string(off[j - 1]));
    }
  }

  // Edges and points are only compared and added: views, no copy.
  SAFEMODEL_ASSIGN_OR_RETURN(s.edges, t.View<double>(r.getEdges(), 1, "edges"));
  if (s.edges.size() != off.back()) {
    return t.Error("edges", std::to_string(s.edges.size()) + " edges, but edgeOffsets ends at " +
                                std::to_string(off.back()));
  }
  SAFEMODEL_RETURN_IF_ERROR(CheckFinite(t, "edges", s.edges));
  for (uint32_t j = 0; j < s.n_features; ++j) {
    for (size_t i = size_t{off[j]} + 1; i < off[j + 1]; ++i) {
      if (!(s.edges[i - 1] < s.edges[i])) {
        return t.Error(At("edges", i), Num(s.edges[i]) + " is not above edges[" + std::to_string(i - 1) + "] = " +
                                           Num(s.edges[i - 1]) + " (feature " + std::to_string(j) +
                                           "'s edges must increase strictly)");
      }
    }
  }
  SAFEMODEL_ASSIGN_OR_RETURN(s.points, t.View<double>(r.getPoints(), 1, "points"));
  const uint64_t bins = uint64_t{off.back()} + s.n_features;
  if (s.points.size() != bins) {
    return t.Error("points", std::to_string(s.points.size()) + " points for " + std::to_string(bins) +
                                 " bins (edges + nFeatures)");
  }
  SAFEMODEL_RETURN_IF_ERROR(CheckFinite(t, "points", s.points));

  auto names = r.getFeatureNames();
  if (names.size() != 0 && names.size() != s.n_features) {
    return t.Error("featureNames", std::to_string(names.size()) + " names for " + std::to_string(s.n_features) +
                                       " features");
  }
  for (uint32_t i = 0; i < names.size(); ++i) {
    SAFEMODEL_ASSIGN_OR_RETURN(auto name, t.Text(names[i], At("featureNames", i)));
    s.feature_names.push_back(std::move(name));
  }
  return s;
}

// ---- The writer ----------------------------------------------------------------

Status WriteScorecard(const Scorecard& s, schema::Scorecard::Builder b, safemodel::TensorSink& t) {
  b.setNFeatures(s.n_features);
  b.setBase(s.base);
  auto classes = b.initClasses(2);
  classes.set(0, s.classes[0]);
  classes.set(1, s.classes[1]);
  SAFEMODEL_ASSIGN_OR_RETURN(uint32_t edges, t.Add<double>("edges", s.edges, {s.edges.size()}));
  SAFEMODEL_ASSIGN_OR_RETURN(uint32_t offsets,
                             t.Add<uint32_t>("edgeOffsets", s.edge_offsets, {s.edge_offsets.size()}));
  SAFEMODEL_ASSIGN_OR_RETURN(uint32_t points, t.Add<double>("points", s.points, {s.points.size()}));
  b.setEdges(edges);
  b.setEdgeOffsets(offsets);
  b.setPoints(points);
  if (!s.feature_names.empty()) {
    auto names = b.initFeatureNames(static_cast<unsigned>(s.feature_names.size()));
    for (size_t i = 0; i < s.feature_names.size(); ++i) names.set(i, s.feature_names[i]);
  }
  return Status::Ok();
}

// ---- The methods ---------------------------------------------------------------

Result<Output> DecisionFunction(const Scorecard& s, const Rows& x) {
  SAFEMODEL_ASSIGN_OR_RETURN(auto scores, Scores(s, x));
  Output out;
  out.rows = x.rows;
  out.cols = 1;
  out.numbers = std::move(scores);
  return out;
}

Result<Output> PredictProba(const Scorecard& s, const Rows& x) {
  SAFEMODEL_ASSIGN_OR_RETURN(auto scores, Scores(s, x));
  Output out;
  out.rows = x.rows;
  out.cols = 2;
  out.numbers.resize(2 * x.rows);
  for (size_t r = 0; r < x.rows; ++r) {
    const double p = Expit(scores[r]);
    out.numbers[2 * r] = 1.0 - p;  // LogisticRegression's binary predict_proba: [1 - p, p]
    out.numbers[2 * r + 1] = p;
  }
  return out;
}

Result<Output> Predict(const Scorecard& s, const Rows& x) {
  SAFEMODEL_ASSIGN_OR_RETURN(auto scores, Scores(s, x));
  Output out;
  out.kind = Output::Kind::kIntLabels;
  out.rows = x.rows;
  out.cols = 1;
  out.ints.resize(x.rows);
  // scikit-learn: classes_[(decision_function(X) > 0).astype(int)]
  for (size_t r = 0; r < x.rows; ++r) out.ints[r] = s.classes[scores[r] > 0 ? 1 : 0];
  return out;
}

std::string Describe(const Scorecard& s) {
  return std::string(kScorecardKind) + ": " + std::to_string(s.n_features) + " features, " +
         std::to_string(s.points.size()) + " bins, classes " + std::to_string(s.classes[0]) + " / " +
         std::to_string(s.classes[1]);
}

safemodel::Kind<schema::Scorecard, Scorecard> ScorecardKind() {
  safemodel::Kind<schema::Scorecard, Scorecard> kind;
  kind.name = std::string(kScorecardKind);
  kind.version = 1;
  kind.read = ReadScorecard;
  kind.write = WriteScorecard;
  kind.num_features = [](const Scorecard& s) { return int64_t{s.n_features}; };
  kind.describe = Describe;
  kind.methods[Method::kPredict] = Predict;
  kind.methods[Method::kPredictProba] = PredictProba;
  kind.methods[Method::kDecisionFunction] = DecisionFunction;
  return kind;
}

// ---- Building one in memory ----------------------------------------------------

Result<Scorecard> MakeScorecard(double base, std::array<int64_t, 2> classes,
                                const std::vector<std::vector<double>>& edges,
                                const std::vector<std::vector<double>>& points,
                                std::vector<std::string> feature_names) {
  if (edges.empty() || edges.size() > kMaxScorecardFeatures || points.size() != edges.size()) {
    return safemodel::InvalidArgument("scorecard: " + std::to_string(edges.size()) + " features of edges and " +
                                      std::to_string(points.size()) + " of points (1 to " +
                                      std::to_string(kMaxScorecardFeatures) + ", equal)");
  }
  struct Tables {
    std::vector<double> edges, points;
  };
  auto tables = std::make_shared<Tables>();
  Scorecard s;
  s.n_features = static_cast<uint32_t>(edges.size());
  s.base = base;
  s.classes = classes;
  s.edge_offsets.push_back(0);
  for (size_t j = 0; j < edges.size(); ++j) {
    if (points[j].size() != edges[j].size() + 1) {
      return safemodel::InvalidArgument("scorecard: feature " + std::to_string(j) + " has " +
                                        std::to_string(edges[j].size()) + " edges and " +
                                        std::to_string(points[j].size()) + " points (needs edges + 1)");
    }
    tables->edges.insert(tables->edges.end(), edges[j].begin(), edges[j].end());
    tables->points.insert(tables->points.end(), points[j].begin(), points[j].end());
    if (tables->edges.size() > UINT32_MAX) return safemodel::InvalidArgument("scorecard: over 2^32 edges");
    s.edge_offsets.push_back(static_cast<uint32_t>(tables->edges.size()));
  }
  s.edges = tables->edges;
  s.points = tables->points;
  s.feature_names = std::move(feature_names);
  s.storage = std::move(tables);
  return s;
}

Result<Scorecard> ScorecardFromJson(std::string_view text) {
  using nlohmann::json;
  const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return safemodel::InvalidArgument("scorecard JSON: not a JSON object");
  auto bad = [](const std::string& key, const char* want) {
    return safemodel::InvalidArgument("scorecard JSON: '" + key + "' is missing or not " + want);
  };
  auto tables = [&](const char* key) -> Result<std::vector<std::vector<double>>> {
    if (!j.contains(key) || !j[key].is_array()) return bad(key, "a list of lists of numbers");
    std::vector<std::vector<double>> out;
    for (const auto& feature : j[key]) {
      if (!feature.is_array()) return bad(key, "a list of lists of numbers");
      out.emplace_back();
      for (const auto& v : feature) {
        if (!v.is_number()) return bad(key, "a list of lists of numbers");
        out.back().push_back(v.get<double>());
      }
    }
    return out;
  };
  if (!j.contains("base") || !j["base"].is_number()) return bad("base", "a number");
  if (!j.contains("classes") || !j["classes"].is_array() || j["classes"].size() != 2 ||
      !j["classes"][0].is_number_integer() || !j["classes"][1].is_number_integer()) {
    return bad("classes", "two integers");
  }
  SAFEMODEL_ASSIGN_OR_RETURN(auto edges, tables("edges"));
  SAFEMODEL_ASSIGN_OR_RETURN(auto points, tables("points"));
  std::vector<std::string> names;
  if (j.contains("featureNames")) {
    if (!j["featureNames"].is_array()) return bad("featureNames", "a list of strings");
    for (const auto& n : j["featureNames"]) {
      if (!n.is_string()) return bad("featureNames", "a list of strings");
      names.push_back(n.get<std::string>());
    }
  }
  if (j.contains("nFeatures") && (!j["nFeatures"].is_number_unsigned() || j["nFeatures"].get<uint64_t>() != edges.size())) {
    return bad("nFeatures", "the number of features in 'edges'");
  }
  return MakeScorecard(j["base"].get<double>(), {j["classes"][0].get<int64_t>(), j["classes"][1].get<int64_t>()},
                       edges, points, std::move(names));
}

std::vector<Scorecard> ExampleScorecards() {
  std::vector<Scorecard> out;
  // One feature, one edge: the smallest scorecard with a choice to make.
  auto a = MakeScorecard(0.25, {0, 1}, {{0.0}}, {{-1.5, 2.0}});
  // A feature without edges (constant in training: one bin), labels that
  // are not 0/1, and names.
  auto b = MakeScorecard(-0.5, {-3, 7}, {{-1.0, 0.5, 2.0}, {}, {10.0}}, {{0.1, -0.2, 0.3, 1.25}, {0.75}, {-2.0, 2.0}},
                         {"income", "constant", "age"});
  // Many bins on one feature, few on the others.
  auto c = MakeScorecard(1.0, {1, 2}, {{-3, -2, -1, 0, 1, 2, 3}, {0.5}, {-0.25, 0.25}, {}},
                         {{-3, -2, -1, 0, 1, 2, 3, 4}, {0.5, -0.5}, {1e-3, -1e-3, 0}, {0.0}});
  for (auto* s : {&a, &b, &c}) {
    if (s->ok()) out.push_back(std::move(**s));  // always: the tables above are well-formed
  }
  return out;
}

}  // namespace example
