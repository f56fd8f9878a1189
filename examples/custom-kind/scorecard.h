// scorecard.h — `org.example.scorecard`, a model kind defined outside
// safemodel through safemodel/extension.h (README.md walks through it).
//
// A credit scorecard: feature j is cut into bins by its inner edges, each
// bin carries points, score = base + the points of each feature's bin, and
// p(class 1) = 1 / (1 + exp(-score)). That is scikit-learn's
// Pipeline([KBinsDiscretizer(encode="onehot"), LogisticRegression()]) on
// binary y, and the methods below match it.
//
// Thread-safety: a Scorecard is never modified by its methods; they may run
// concurrently on one object.
#ifndef EXAMPLE_SCORECARD_H_
#define EXAMPLE_SCORECARD_H_

#include <safemodel/extension.h>

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "scorecard.capnp.h"

namespace example {

inline constexpr std::string_view kScorecardKind = "org.example.scorecard";
// Bound on nFeatures: a file cannot make a method loop over more columns
// than this (and the library refuses inputs of another width anyway).
inline constexpr uint32_t kMaxScorecardFeatures = 1'000'000;

// The checked object. Built only by ReadScorecard (from a file) or
// MakeScorecard (in memory); both guarantee the invariants the methods rely
// on: edge_offsets has n_features + 1 non-decreasing entries from 0 to
// edges.size(), and points.size() == edges.size() + n_features. A file's
// scorecard also has finite, strictly increasing edges per feature, finite
// points and base, and two distinct classes.
struct Scorecard {
  uint32_t n_features = 0;
  double base = 0.0;
  std::array<int64_t, 2> classes{0, 1};  // labels of class 0 and class 1
  // Owned: these decide which elements of edges and points are read.
  std::vector<uint32_t> edge_offsets;
  // Borrowed: numbers only compared or added. From a file they are views of
  // the Model's mapping (valid while the Model lives, see CustomObject);
  // from MakeScorecard they point into `storage`.
  std::span<const double> edges;
  std::span<const double> points;
  std::vector<std::string> feature_names;  // empty or n_features (descriptive)
  // Owner of edges/points for an object built in memory (shared by copies).
  std::shared_ptr<const void> storage;

  // Feature j's inner edges, and its bins' points (one more). j < n_features.
  std::span<const double> edges_of(uint32_t j) const {
    return edges.subspan(edge_offsets[j], edge_offsets[j + 1] - edge_offsets[j]);
  }
  std::span<const double> points_of(uint32_t j) const {
    return points.subspan(size_t{edge_offsets[j]} + j, size_t{edge_offsets[j + 1]} - edge_offsets[j] + 1);
  }
};

// A scorecard from per-feature tables (edges[j] has one fewer element than
// points[j]). Checks the shapes only, which the object's spans rely on:
// kInvalidArgument naming the feature. The values (sorted, finite, distinct
// classes) are the validator's to check; WriteCustom runs it before writing.
safemodel::Result<Scorecard> MakeScorecard(double base, std::array<int64_t, 2> classes,
                                           const std::vector<std::vector<double>>& edges,
                                           const std::vector<std::vector<double>>& points,
                                           std::vector<std::string> feature_names = {});

// The same from the JSON that tools/fit_scorecard.py writes:
// {"nFeatures", "base", "classes": [a, b], "edges": [[...], ...],
//  "points": [[...], ...], "featureNames": [...]}. kInvalidArgument naming
// the key that is missing or of the wrong type.
safemodel::Result<Scorecard> ScorecardFromJson(std::string_view text);

// The validator (Kind::read). Proves everything the methods rely on; every
// refusal is kCorruption through tensors.Error(field, ...), so it reads
// "estimator.custom('org.example.scorecard').body.<field>: <what>".
safemodel::Result<Scorecard> ReadScorecard(schema::Scorecard::Reader r, safemodel::TensorSource& tensors);

// The writer (Kind::write): three tensors named edges, edgeOffsets, points.
safemodel::Status WriteScorecard(const Scorecard& s, schema::Scorecard::Builder b, safemodel::TensorSink& tensors);

// The methods, as scikit-learn's for the fitted pipeline. Inputs must be
// finite (KBinsDiscretizer refuses NaN and infinities): otherwise
// kInvalidArgument naming the cell, "X[row, col]".
//   decision_function: rows x 1, the score (1-d in scikit-learn)
//   predict_proba:     rows x 2, [1 - p, p] with p = 1 / (1 + exp(-score))
//   predict:           rows x 1 int labels: classes[score > 0]
safemodel::Result<safemodel::Output> DecisionFunction(const Scorecard& s, const safemodel::Rows& x);
safemodel::Result<safemodel::Output> PredictProba(const Scorecard& s, const safemodel::Rows& x);
safemodel::Result<safemodel::Output> Predict(const Scorecard& s, const safemodel::Rows& x);

// "org.example.scorecard: 6 features, 21 bins, classes -3 / 7".
std::string Describe(const Scorecard& s);

// The kind, ready for KindRegistry::Add and WriteCustom.
safemodel::Kind<schema::Scorecard, Scorecard> ScorecardKind();

// A few small valid scorecards (seeds for the fuzz target, and tests).
std::vector<Scorecard> ExampleScorecards();

}  // namespace example

#endif  // EXAMPLE_SCORECARD_H_
