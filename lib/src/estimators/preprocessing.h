// Numeric preprocessing transformers, transform only, as scikit-learn 1.2.1
// computes it: MaxAbsScaler and RobustScaler (one struct, ColumnScaler),
// Normalizer, Binarizer, SimpleImputer on numeric data (with its
// MissingIndicator), PolynomialFeatures and KBinsDiscretizer.
//
// Each struct is built only through its checked builder; whatever a builder
// accepted, Transform reads in bounds and terminates. Errors from builders
// are kCorruption naming "<path>.<attribute>" (kLimitExceeded for sizes that
// overflow or pass a documented limit); errors from Transform are
// kInvalidArgument naming the X cell, as CheckInput (types.h).
//
// Width: a transformer's output may be wider or narrower than its input
// (TransformWidth below); Normalizer and Binarizer pickled before 0.24 have no
// n_features_in_ and accept any width, as scikit-learn does for them
// (n_features == kAnyWidth).
#ifndef SAFEMODEL_ESTIMATORS_PREPROCESSING_H_
#define SAFEMODEL_ESTIMATORS_PREPROCESSING_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "estimators/types.h"
#include "safemodel/status.h"

namespace safemodel::estimators {

// n_features of a stateless transformer fitted before n_features_in_ existed
// (scikit-learn < 0.24): any column count >= 1 is accepted and kept.
inline constexpr int32_t kAnyWidth = -1;

// ---- MaxAbsScaler, RobustScaler ----------------------------------------------

enum class ColumnScalerKind : uint8_t { kMaxAbs, kRobust };

// (x - center) / scale per column, each step only when its array is present.
// MaxAbsScaler has scale only; RobustScaler has center_ unless
// with_centering=False and scale_ unless with_scaling=False (with neither and
// no n_features_in_, a pre-0.24 file, it is the identity on any width).
struct ColumnScaler {
  ColumnScalerKind kind = ColumnScalerKind::kMaxAbs;
  int32_t n_features = 0;
  std::vector<double> center;  // n_features, or empty
  std::vector<double> scale;   // n_features, or empty

  ColumnScaler() = default;
  ColumnScaler(ColumnScaler&&) = default;
  ColumnScaler& operator=(ColumnScaler&&) = default;
  ColumnScaler Clone() const { return ColumnScaler(*this); }

 private:
  ColumnScaler(const ColumnScaler&) = default;
};

struct ColumnScalerInput {
  ColumnScalerKind kind = ColumnScalerKind::kMaxAbs;
  int64_t n_features_in = -1;  // n_features_in_, or -1 (then from the arrays)
  bool with_centering = false;  // RobustScaler's flags; MaxAbsScaler: false, true
  bool with_scaling = true;
  std::span<const double> center;
  std::span<const double> scale;
};

// kCorruption: arrays of the wrong length, a used array missing (or an unused
// one present), non-finite values, a zero scale_ (fit replaces zeros by 1).
// A column that was all NaN at fit gives a NaN center_/scale_ in scikit-learn;
// such a file is refused here (NaN is not a finite divisor).
Result<ColumnScaler> BuildColumnScaler(const ColumnScalerInput& in, std::string_view path);
std::string ClassNameOf(const ColumnScaler& s);
std::string Describe(const ColumnScaler& s);
// X may hold NaN (it propagates), not +-inf.
Result<Matrix> Transform(const ColumnScaler& s, MatrixView x);

// ---- Normalizer ----------------------------------------------------------------

enum class NormKind : uint8_t { kL1, kL2, kMax };
// "l1", "l2", "max"; kUnsupported otherwise.
Result<NormKind> ParseNorm(std::string_view norm);

// Each row divided by its norm; norms below 10 * DBL_EPSILON count as 1
// (sklearn's _handle_zeros_in_scale).
struct Normalizer {
  int32_t n_features = kAnyWidth;
  NormKind norm = NormKind::kL2;

  Normalizer() = default;
  Normalizer(Normalizer&&) = default;
  Normalizer& operator=(Normalizer&&) = default;
  Normalizer Clone() const { return Normalizer(*this); }

 private:
  Normalizer(const Normalizer&) = default;
};

// n_features_in: -1 (absent) gives kAnyWidth. kCorruption for an unknown norm
// value or a count below 1.
Result<Normalizer> BuildNormalizer(int64_t n_features_in, NormKind norm, std::string_view path);
inline std::string ClassNameOf(const Normalizer&) { return "Normalizer"; }
std::string Describe(const Normalizer& n);
// l1: numpy's pairwise sum of |x| (bit for bit); l2: sqrt of the sum of
// squares left to right (numpy's einsum sums in SIMD lanes, so the last bits
// may differ); max: max |x|. X must be finite.
Result<Matrix> Transform(const Normalizer& n, MatrixView x);

// ---- Binarizer ---------------------------------------------------------------

// x > threshold -> 1, else 0.
struct Binarizer {
  int32_t n_features = kAnyWidth;
  double threshold = 0.0;

  Binarizer() = default;
  Binarizer(Binarizer&&) = default;
  Binarizer& operator=(Binarizer&&) = default;
  Binarizer Clone() const { return Binarizer(*this); }

 private:
  Binarizer(const Binarizer&) = default;
};

// kCorruption for a NaN threshold (+-inf are legal: all ones or all zeros).
Result<Binarizer> BuildBinarizer(int64_t n_features_in, double threshold, std::string_view path);
inline std::string ClassNameOf(const Binarizer&) { return "Binarizer"; }
std::string Describe(const Binarizer& b);
Result<Matrix> Transform(const Binarizer& b, MatrixView x);

// ---- SimpleImputer -----------------------------------------------------------

enum class ImputeStrategy : uint8_t { kMean, kMedian, kMostFrequent, kConstant };
// "mean", "median", "most_frequent", "constant"; kUnsupported otherwise.
Result<ImputeStrategy> ParseImputeStrategy(std::string_view s);

// Missing cells (NaN, or == missing_value) of each kept column replaced by
// statistics_[column]; columns whose statistic is NaN (no value seen at fit)
// are dropped unless strategy is constant or keep_empty_features; then the
// MissingIndicator columns (1 where X[:, f] was missing, for each f of
// indicator) are appended.
struct SimpleImputer {
  int32_t n_features = 0;
  ImputeStrategy strategy = ImputeStrategy::kMean;
  bool keep_empty_features = false;
  bool missing_is_nan = true;
  double missing_value = 0.0;        // when !missing_is_nan
  std::vector<double> statistics;    // n_features
  bool add_indicator = false;
  std::vector<int32_t> indicator;    // MissingIndicator.features_: increasing, in [0, n_features)
  std::vector<int32_t> kept;         // derived: the columns of X that reach the output

  SimpleImputer() = default;
  SimpleImputer(SimpleImputer&&) = default;
  SimpleImputer& operator=(SimpleImputer&&) = default;
  SimpleImputer Clone() const { return SimpleImputer(*this); }

 private:
  SimpleImputer(const SimpleImputer&) = default;
};

struct SimpleImputerInput {
  int64_t n_features_in = -1;           // -1: statistics_.size()
  ImputeStrategy strategy = ImputeStrategy::kMean;
  bool keep_empty_features = false;
  bool missing_is_nan = true;
  double missing_value = 0.0;
  std::span<const double> statistics;
  bool add_indicator = false;
  std::span<const int64_t> indicator;   // features_ (only with add_indicator)
};

// kCorruption: statistics_ of the wrong length or holding +-inf (NaN is the
// "no observed value" marker), a NaN missing_value, indicator features out of
// range or not strictly increasing, indicator features without add_indicator.
Result<SimpleImputer> BuildSimpleImputer(const SimpleImputerInput& in, std::string_view path);
inline std::string ClassNameOf(const SimpleImputer&) { return "SimpleImputer"; }
std::string Describe(const SimpleImputer& s);
inline int32_t TransformWidth(const SimpleImputer& s) {
  return static_cast<int32_t>(s.kept.size() + s.indicator.size());
}
// X may hold NaN only when missing_values is NaN (sklearn's force_all_finite).
Result<Matrix> Transform(const SimpleImputer& s, MatrixView x);

// ---- PolynomialFeatures --------------------------------------------------------

// Most entries (rows x max_degree) a term table may have: 2^24 (64 MiB of
// int32; 1000 features at degree 2 need 10^6). scikit-learn's dense output
// would have as many columns as the table has rows.
inline constexpr uint64_t kMaxPolynomialTermEntries = uint64_t{1} << 24;

// Output column r is the product of X[:, terms[r][k]] for the first deg(r)
// entries of row r (ascending feature indices, the rest -1); the bias column
// has none and is 1. Rows are in scikit-learn's order: the bias (if
// include_bias), then degrees max(1, min_degree)..max_degree, each in
// itertools.combinations(_with_replacement) order. Products are formed from
// the highest index down, as 1.2.1's dense transform does.
struct PolynomialFeatures {
  int32_t n_features = 0;
  int32_t min_degree = 0;
  int32_t max_degree = 2;
  bool interaction_only = false;
  bool include_bias = true;
  int32_t n_output = 0;
  std::vector<int32_t> terms;  // n_output x max_degree, row-major

  PolynomialFeatures() = default;
  PolynomialFeatures(PolynomialFeatures&&) = default;
  PolynomialFeatures& operator=(PolynomialFeatures&&) = default;
  PolynomialFeatures Clone() const { return PolynomialFeatures(*this); }

 private:
  PolynomialFeatures(const PolynomialFeatures&) = default;
};

struct PolynomialFeaturesInput {
  int64_t n_features_in = 0;
  int64_t min_degree = 0;
  int64_t max_degree = 2;
  bool interaction_only = false;
  bool include_bias = true;
  int64_t n_output_features = -1;      // n_output_features_ if known, else -1
  std::span<const int32_t> terms;
  std::vector<uint64_t> terms_shape;   // [n_output, max_degree]
};

// The term table scikit-learn's parameters imply (the mapper stores it).
// kCorruption for degrees out of order or an empty output (max_degree 0
// without bias), kLimitExceeded past kMaxPolynomialTermEntries.
Result<std::vector<int32_t>> PolynomialTerms(int64_t n_features, int64_t min_degree, int64_t max_degree,
                                             bool interaction_only, bool include_bias, std::string_view path);
// kCorruption unless `terms` is exactly the table of PolynomialTerms for the
// parameters (checked row by row, so a short table never makes the check
// enumerate more than one row past it), with the shape [n_output, max_degree]
// and n_output_features_ (if given) equal to its row count.
Result<PolynomialFeatures> BuildPolynomialFeatures(const PolynomialFeaturesInput& in, std::string_view path);
inline std::string ClassNameOf(const PolynomialFeatures&) { return "PolynomialFeatures"; }
std::string Describe(const PolynomialFeatures& p);
inline int32_t TransformWidth(const PolynomialFeatures& p) { return p.n_output; }
Result<Matrix> Transform(const PolynomialFeatures& p, MatrixView x);

// ---- KBinsDiscretizer --------------------------------------------------------

// ordinal: the bin index; one-hot ('onehot' and 'onehot-dense', both dense
// here): n_bins[j] columns per feature with a 1 at the bin.
enum class KBinsEncode : uint8_t { kOrdinal, kOneHot };

// Bin of x in feature j = np.searchsorted(bin_edges_[j][1:-1], x,
// side="right"): the number of interior edges <= x (scikit-learn >= 1.1; 0.20
// to 1.0 added a tolerance first, see docs/ESTIMATORS.md).
struct KBinsDiscretizer {
  int32_t n_features = 0;
  KBinsEncode encode = KBinsEncode::kOrdinal;
  bool float32_input = false;     // dtype=np.float32: X rounded to float32 first
  std::vector<int32_t> n_bins;    // n_features, each >= 1
  std::vector<double> edges;      // bin_edges_ concatenated: n_bins[j] + 1 per feature
  std::vector<uint64_t> offsets;  // derived: feature j's edges start at edges[offsets[j]]
  int32_t n_output = 0;           // derived: n_features, or sum(n_bins) for one-hot

  KBinsDiscretizer() = default;
  KBinsDiscretizer(KBinsDiscretizer&&) = default;
  KBinsDiscretizer& operator=(KBinsDiscretizer&&) = default;
  KBinsDiscretizer Clone() const { return KBinsDiscretizer(*this); }

 private:
  KBinsDiscretizer(const KBinsDiscretizer&) = default;
};

struct KBinsDiscretizerInput {
  int64_t n_features_in = -1;          // -1: n_bins.size()
  KBinsEncode encode = KBinsEncode::kOrdinal;
  bool float32_input = false;
  std::span<const int64_t> n_bins;
  std::span<const double> edges;       // concatenated
};

// kCorruption: n_bins_ below 1 or of the wrong length, an edge count other
// than sum(n_bins_ + 1), NaN edges, edges that decrease, interior edges that
// are not finite (the outer ones may be +-inf: a constant feature's
// [-inf, inf]). kLimitExceeded when the one-hot width passes INT32_MAX.
Result<KBinsDiscretizer> BuildKBinsDiscretizer(const KBinsDiscretizerInput& in, std::string_view path);
inline std::string ClassNameOf(const KBinsDiscretizer&) { return "KBinsDiscretizer"; }
std::string Describe(const KBinsDiscretizer& k);
inline int32_t TransformWidth(const KBinsDiscretizer& k) { return k.n_output; }
Result<Matrix> Transform(const KBinsDiscretizer& k, MatrixView x);

}  // namespace safemodel::estimators

#endif  // SAFEMODEL_ESTIMATORS_PREPROCESSING_H_
