#include "estimators/preprocessing.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>
#include <string>

#include "util/checked.h"

namespace safemodel::estimators {
namespace {

std::string Field(std::string_view path, std::string_view field) {
  return std::string(path) + "." + std::string(field);
}

std::string Item(std::string_view path, size_t i) { return std::string(path) + "[" + std::to_string(i) + "]"; }

// n_features_in_ if present, else the length of the array that defines it.
Result<int32_t> SettleCount(int64_t declared, size_t from_array, std::string_view path) {
  const int64_t n = declared >= 0 ? declared : static_cast<int64_t>(from_array);
  SAFEMODEL_RETURN_IF_ERROR(CheckCount(Field(path, "n_features_in_"), n, 1));
  return static_cast<int32_t>(n);
}

// n_features_in_ of a stateless transformer: absent -> any width.
Result<int32_t> FreeCount(int64_t declared, std::string_view path) {
  if (declared < 0) return kAnyWidth;
  SAFEMODEL_RETURN_IF_ERROR(CheckCount(Field(path, "n_features_in_"), declared, 1));
  return static_cast<int32_t>(declared);
}

Status CheckLength(size_t got, int32_t n, std::string_view path) {
  if (got == static_cast<size_t>(n)) return Status::Ok();
  return Corruption(std::string(path) + ": " + std::to_string(got) + " values but n_features_in_ is " +
                    std::to_string(n));
}

// CheckInput for a transformer that may accept any width (kAnyWidth):
// scikit-learn's check_array still wants at least one column.
Status CheckWidth(MatrixView x, int32_t n_features, FiniteRule rule, std::string_view who) {
  if (n_features != kAnyWidth) return CheckInput(x, static_cast<size_t>(n_features), rule, who);
  if (x.cols == 0) {
    return InvalidArgument("X has 0 features, but " + std::string(who) + " requires at least 1");
  }
  return CheckInput(x, x.cols, rule, who);
}

std::string WidthText(int32_t n) { return n == kAnyWidth ? "any number of" : std::to_string(n); }

// A copy of X to transform in place.
Matrix CopyOf(MatrixView x) {
  Matrix out(x.rows, x.cols);
  out.data.assign(x.data.begin(), x.data.end());
  return out;
}

}  // namespace

// ---- MaxAbsScaler, RobustScaler ----------------------------------------------

namespace {

// A used per-feature array is n long and finite (and nonzero as a divisor);
// an unused one is absent.
Status CheckScalerArray(std::span<const double> v, bool used, int32_t n, std::string_view path, bool divisor) {
  if (!used) {
    if (v.empty()) return Status::Ok();
    return Corruption(std::string(path) + ": present although the step that uses it is off");
  }
  SAFEMODEL_RETURN_IF_ERROR(CheckLength(v.size(), n, path));
  SAFEMODEL_RETURN_IF_ERROR(CheckAllFinite(v, path));
  for (size_t i = 0; divisor && i < v.size(); ++i) {
    if (v[i] == 0.0) return Corruption(Item(path, i) + ": 0 is not a valid scale");
  }
  return Status::Ok();
}

}  // namespace

Result<ColumnScaler> BuildColumnScaler(const ColumnScalerInput& in, std::string_view path) {
  if (in.kind != ColumnScalerKind::kMaxAbs && in.kind != ColumnScalerKind::kRobust) {
    return Corruption(Field(path, "kind") + ": " + std::to_string(static_cast<unsigned>(in.kind)) + " is not known");
  }
  if (in.kind == ColumnScalerKind::kMaxAbs && (in.with_centering || !in.with_scaling)) {
    return Corruption(Field(path, "scale_") + ": a MaxAbsScaler scales and does not center");
  }
  int32_t n = kAnyWidth;
  // A RobustScaler that neither centers nor scales, from before
  // n_features_in_, is the identity for any width (as in scikit-learn).
  if (in.with_centering || in.with_scaling || in.n_features_in >= 0) {
    const size_t guess = in.with_scaling ? in.scale.size() : in.center.size();
    SAFEMODEL_ASSIGN_OR_RETURN(n, SettleCount(in.n_features_in, guess, path));
  }
  SAFEMODEL_RETURN_IF_ERROR(CheckScalerArray(in.center, in.with_centering, n, Field(path, "center_"), false));
  SAFEMODEL_RETURN_IF_ERROR(CheckScalerArray(in.scale, in.with_scaling, n, Field(path, "scale_"), true));
  ColumnScaler s;
  s.kind = in.kind;
  s.n_features = n;
  s.center.assign(in.center.begin(), in.center.end());
  s.scale.assign(in.scale.begin(), in.scale.end());
  return s;
}

std::string ClassNameOf(const ColumnScaler& s) {
  return s.kind == ColumnScalerKind::kMaxAbs ? "MaxAbsScaler" : "RobustScaler";
}

std::string Describe(const ColumnScaler& s) {
  std::string d = ClassNameOf(s) + ": " + WidthText(s.n_features) + " features";
  if (s.kind == ColumnScalerKind::kRobust) {
    d += std::string(s.center.empty() ? ", no centering" : "") + (s.scale.empty() ? ", no scaling" : "");
  }
  return d;
}

Result<Matrix> Transform(const ColumnScaler& s, MatrixView x) {
  SAFEMODEL_RETURN_IF_ERROR(CheckWidth(x, s.n_features, FiniteRule::kAllowNaN, ClassNameOf(s)));
  Matrix out = CopyOf(x);
  const bool center = !s.center.empty(), scale = !s.scale.empty();
  for (size_t i = 0; i < out.rows; ++i) {
    for (size_t j = 0; j < out.cols; ++j) {
      double& v = out.at(i, j);
      if (center) v -= s.center[j];
      if (scale) v /= s.scale[j];
    }
  }
  return out;
}

// ---- Normalizer ----------------------------------------------------------------

Result<NormKind> ParseNorm(std::string_view norm) {
  if (norm == "l1") return NormKind::kL1;
  if (norm == "l2") return NormKind::kL2;
  if (norm == "max") return NormKind::kMax;
  return Unsupported("norm '" + std::string(norm) + "' is not l1, l2 or max");
}

Result<Normalizer> BuildNormalizer(int64_t n_features_in, NormKind norm, std::string_view path) {
  if (norm != NormKind::kL1 && norm != NormKind::kL2 && norm != NormKind::kMax) {
    return Corruption(Field(path, "norm") + ": " + std::to_string(static_cast<unsigned>(norm)) + " is not known");
  }
  Normalizer n;
  SAFEMODEL_ASSIGN_OR_RETURN(n.n_features, FreeCount(n_features_in, path));
  n.norm = norm;
  return n;
}

std::string Describe(const Normalizer& n) {
  static constexpr const char* kNames[] = {"l1", "l2", "max"};
  return "Normalizer: " + WidthText(n.n_features) + " features, norm " + kNames[static_cast<int>(n.norm)];
}

namespace {

// numpy's pairwise summation (umath loops_utils.h, PW_BLOCKSIZE 128) of
// |a[i]|: what np.abs(X).sum(axis=1) computes for each C-contiguous row.
double PairwiseAbsSum(const double* a, size_t n) {
  if (n < 8) {
    double res = 0.0;
    for (size_t i = 0; i < n; ++i) res += std::fabs(a[i]);
    return res;
  }
  if (n <= 128) {
    double r[8];
    for (size_t j = 0; j < 8; ++j) r[j] = std::fabs(a[j]);
    size_t i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (size_t j = 0; j < 8; ++j) r[j] += std::fabs(a[i + j]);
    }
    double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) res += std::fabs(a[i]);
    return res;
  }
  size_t n2 = n / 2;
  n2 -= n2 % 8;
  return PairwiseAbsSum(a, n2) + PairwiseAbsSum(a + n2, n - n2);
}

double RowNorm(NormKind kind, const double* row, size_t n) {
  switch (kind) {
    case NormKind::kL1: return PairwiseAbsSum(row, n);
    case NormKind::kL2: {
      double sum = 0.0;
      for (size_t j = 0; j < n; ++j) sum += row[j] * row[j];
      return std::sqrt(sum);
    }
    case NormKind::kMax: break;
  }
  double m = 0.0;
  for (size_t j = 0; j < n; ++j) m = std::max(m, std::fabs(row[j]));
  return m;
}

}  // namespace

Result<Matrix> Transform(const Normalizer& n, MatrixView x) {
  SAFEMODEL_RETURN_IF_ERROR(CheckWidth(x, n.n_features, FiniteRule::kFinite, "Normalizer"));
  Matrix out = CopyOf(x);
  for (size_t i = 0; i < out.rows; ++i) {
    double* row = out.data.data() + i * out.cols;
    double norm = RowNorm(n.norm, row, out.cols);
    // _handle_zeros_in_scale: near-zero norms leave the row as it is.
    if (norm < 10 * DBL_EPSILON) norm = 1.0;
    for (size_t j = 0; j < out.cols; ++j) row[j] /= norm;
  }
  return out;
}

// ---- Binarizer ---------------------------------------------------------------

Result<Binarizer> BuildBinarizer(int64_t n_features_in, double threshold, std::string_view path) {
  if (std::isnan(threshold)) return Corruption(Field(path, "threshold") + ": nan is not a threshold");
  Binarizer b;
  SAFEMODEL_ASSIGN_OR_RETURN(b.n_features, FreeCount(n_features_in, path));
  b.threshold = threshold;
  return b;
}

std::string Describe(const Binarizer& b) {
  return "Binarizer: " + WidthText(b.n_features) + " features, threshold " + FormatDouble(b.threshold);
}

Result<Matrix> Transform(const Binarizer& b, MatrixView x) {
  SAFEMODEL_RETURN_IF_ERROR(CheckWidth(x, b.n_features, FiniteRule::kFinite, "Binarizer"));
  Matrix out(x.rows, x.cols);
  for (size_t i = 0; i < x.data.size(); ++i) out.data[i] = x.data[i] > b.threshold ? 1.0 : 0.0;
  return out;
}

// ---- SimpleImputer -----------------------------------------------------------

Result<ImputeStrategy> ParseImputeStrategy(std::string_view s) {
  if (s == "mean") return ImputeStrategy::kMean;
  if (s == "median") return ImputeStrategy::kMedian;
  if (s == "most_frequent") return ImputeStrategy::kMostFrequent;
  if (s == "constant") return ImputeStrategy::kConstant;
  return Unsupported("strategy '" + std::string(s) + "' is not mean, median, most_frequent or constant");
}

namespace {

Status CheckIndicator(const SimpleImputerInput& in, int32_t n, std::string_view path) {
  const std::string where = Field(path, "indicator_.features_");
  if (!in.add_indicator) {
    if (in.indicator.empty()) return Status::Ok();
    return Corruption(where + ": present although add_indicator is False");
  }
  for (size_t i = 0; i < in.indicator.size(); ++i) {
    const int64_t f = in.indicator[i];
    if (f < 0 || f >= n) {
      return Corruption(Item(where, i) + ": " + std::to_string(f) + " out of range [0, " + std::to_string(n) + ")");
    }
    if (i > 0 && f <= in.indicator[i - 1]) {
      return Corruption(Item(where, i) + ": " + std::to_string(f) + " does not follow " +
                        std::to_string(in.indicator[i - 1]) + " (features_ must increase)");
    }
  }
  return Status::Ok();
}

bool IsMissing(const SimpleImputer& s, double v) { return s.missing_is_nan ? std::isnan(v) : v == s.missing_value; }

}  // namespace

Result<SimpleImputer> BuildSimpleImputer(const SimpleImputerInput& in, std::string_view path) {
  if (static_cast<unsigned>(in.strategy) > static_cast<unsigned>(ImputeStrategy::kConstant)) {
    return Corruption(Field(path, "strategy") + ": " + std::to_string(static_cast<unsigned>(in.strategy)) +
                      " is not known");
  }
  SAFEMODEL_ASSIGN_OR_RETURN(int32_t n, SettleCount(in.n_features_in, in.statistics.size(), path));
  SAFEMODEL_RETURN_IF_ERROR(CheckLength(in.statistics.size(), n, Field(path, "statistics_")));
  for (size_t i = 0; i < in.statistics.size(); ++i) {
    if (std::isinf(in.statistics[i])) {
      return Corruption(Item(Field(path, "statistics_"), i) + ": " + FormatDouble(in.statistics[i]) +
                        " is not a value to impute");
    }
  }
  if (!in.missing_is_nan && std::isnan(in.missing_value)) {
    return Corruption(Field(path, "missing_values") + ": nan given as a number");
  }
  SAFEMODEL_RETURN_IF_ERROR(CheckIndicator(in, n, path));
  SimpleImputer s;
  s.n_features = n;
  s.strategy = in.strategy;
  s.keep_empty_features = in.keep_empty_features;
  s.missing_is_nan = in.missing_is_nan;
  s.missing_value = in.missing_is_nan ? 0.0 : in.missing_value;
  s.statistics.assign(in.statistics.begin(), in.statistics.end());
  s.add_indicator = in.add_indicator;
  s.indicator.assign(in.indicator.begin(), in.indicator.end());  // in [0, n): fits int32
  // transform drops the columns without a statistic, except for these two.
  const bool keep_all = in.strategy == ImputeStrategy::kConstant || in.keep_empty_features;
  for (int32_t j = 0; j < n; ++j) {
    if (keep_all || !std::isnan(s.statistics[static_cast<size_t>(j)])) s.kept.push_back(j);
  }
  return s;
}

std::string Describe(const SimpleImputer& s) {
  static constexpr const char* kNames[] = {"mean", "median", "most_frequent", "constant"};
  std::string d = "SimpleImputer: " + std::to_string(s.n_features) + " features, strategy " +
                  kNames[static_cast<int>(s.strategy)] + ", missing " +
                  (s.missing_is_nan ? std::string("nan") : FormatDouble(s.missing_value));
  if (s.kept.size() != s.statistics.size()) d += ", " + std::to_string(s.statistics.size() - s.kept.size()) + " dropped";
  if (s.add_indicator) d += ", indicator on " + std::to_string(s.indicator.size()) + " features";
  return d;
}

Result<Matrix> Transform(const SimpleImputer& s, MatrixView x) {
  const FiniteRule rule = s.missing_is_nan ? FiniteRule::kAllowNaN : FiniteRule::kFinite;
  SAFEMODEL_RETURN_IF_ERROR(CheckInput(x, static_cast<size_t>(s.n_features), rule, "SimpleImputer"));
  Matrix out(x.rows, s.kept.size() + s.indicator.size());
  for (size_t i = 0; i < x.rows; ++i) {
    const double* row = x.data.data() + i * x.cols;
    size_t c = 0;
    for (int32_t j : s.kept) {
      const double v = row[j];
      out.at(i, c++) = IsMissing(s, v) ? s.statistics[static_cast<size_t>(j)] : v;
    }
    for (int32_t f : s.indicator) out.at(i, c++) = IsMissing(s, row[f]) ? 1.0 : 0.0;
  }
  return out;
}

// ---- PolynomialFeatures --------------------------------------------------------

namespace {

// Walks scikit-learn's _combinations(...) in order: the empty combination if
// include_bias, then for each degree the combinations of feature indices in
// lexicographic order (with replacement unless interaction_only).
class TermWalker {
 public:
  TermWalker(int32_t n, int32_t min_degree, int32_t max_degree, bool interaction_only, bool include_bias)
      : n_(n), max_degree_(max_degree), interaction_only_(interaction_only),
        degree_(std::max(1, min_degree)), bias_pending_(include_bias) {}

  // The next combination into `c` (its size is the degree); false at the end.
  bool Next(std::vector<int32_t>& c) {
    if (bias_pending_) {
      bias_pending_ = false;
      c.clear();
      return true;
    }
    if (started_ && Advance()) {
      c = cur_;
      return true;
    }
    // The first combination of the next degree, if there is one.
    if (degree_ > max_degree_ || (interaction_only_ && degree_ > n_)) return false;
    cur_.assign(static_cast<size_t>(degree_), 0);
    if (interaction_only_) {
      for (int32_t k = 0; k < degree_; ++k) cur_[static_cast<size_t>(k)] = k;
    }
    started_ = true;
    ++degree_;
    c = cur_;
    return true;
  }

 private:
  // Next combination of the current size, or false when it was the last.
  bool Advance() {
    const int32_t d = static_cast<int32_t>(cur_.size());
    for (int32_t i = d - 1; i >= 0; --i) {
      const int32_t limit = interaction_only_ ? n_ - d + i : n_ - 1;
      int32_t& ci = cur_[static_cast<size_t>(i)];
      if (ci < limit) {
        ++ci;
        for (int32_t k = i + 1; k < d; ++k) {
          cur_[static_cast<size_t>(k)] = interaction_only_ ? cur_[static_cast<size_t>(k - 1)] + 1 : ci;
        }
        return true;
      }
    }
    return false;
  }

  int32_t n_, max_degree_;
  bool interaction_only_;
  int32_t degree_;   // the next degree to start
  bool bias_pending_;
  bool started_ = false;
  std::vector<int32_t> cur_;
};

// Degrees and counts a term table can be built for.
Status CheckPolynomialParams(int64_t n_features, int64_t min_degree, int64_t max_degree, bool include_bias,
                             std::string_view path) {
  SAFEMODEL_RETURN_IF_ERROR(CheckCount(Field(path, "n_features_in_"), n_features, 1));
  if (min_degree < 0 || min_degree > max_degree) {
    return Corruption(Field(path, "degree") + ": (" + std::to_string(min_degree) + ", " + std::to_string(max_degree) +
                      ") is not 0 <= min_degree <= max_degree");
  }
  if (static_cast<uint64_t>(max_degree) > kMaxPolynomialTermEntries) {
    return LimitExceeded(Field(path, "degree") + ": " + std::to_string(max_degree) + " is above the limit of " +
                         std::to_string(kMaxPolynomialTermEntries) + " term entries");
  }
  if (max_degree == 0 && !include_bias) {
    return Corruption(Field(path, "degree") + ": max_degree 0 without include_bias gives no output");
  }
  return Status::Ok();
}

// The term's product, from the highest index down: 1.2.1's dense transform
// multiplies the (d-1)-term of the later indices by X[:, first index].
double TermProduct(const int32_t* term, int32_t width, const double* row) {
  int32_t d = width;
  while (d > 0 && term[d - 1] < 0) --d;
  double p = 1.0;
  for (int32_t k = d - 1; k >= 0; --k) p *= row[term[k]];
  return p;
}

}  // namespace

Result<std::vector<int32_t>> PolynomialTerms(int64_t n_features, int64_t min_degree, int64_t max_degree,
                                             bool interaction_only, bool include_bias, std::string_view path) {
  SAFEMODEL_RETURN_IF_ERROR(CheckPolynomialParams(n_features, min_degree, max_degree, include_bias, path));
  const auto width = static_cast<size_t>(max_degree);
  TermWalker walk(static_cast<int32_t>(n_features), static_cast<int32_t>(min_degree),
                  static_cast<int32_t>(max_degree), interaction_only, include_bias);
  std::vector<int32_t> terms, c;
  uint64_t rows = 0;
  while (walk.Next(c)) {
    ++rows;
    if (rows > static_cast<uint64_t>(std::numeric_limits<int32_t>::max()) ||
        rows * std::max<uint64_t>(width, 1) > kMaxPolynomialTermEntries) {
      return LimitExceeded(Field(path, "n_output_features_") + ": more than " +
                           std::to_string(kMaxPolynomialTermEntries) + " term entries");
    }
    terms.insert(terms.end(), c.begin(), c.end());
    terms.resize(terms.size() + (width - c.size()), -1);
  }
  if (rows == 0) return Corruption(Field(path, "n_output_features_") + ": the parameters give no output column");
  return terms;
}

Result<PolynomialFeatures> BuildPolynomialFeatures(const PolynomialFeaturesInput& in, std::string_view path) {
  SAFEMODEL_RETURN_IF_ERROR(
      CheckPolynomialParams(in.n_features_in, in.min_degree, in.max_degree, in.include_bias, path));
  const std::string where = Field(path, "powers_");
  if (in.terms_shape.size() != 2 || in.terms_shape[1] != static_cast<uint64_t>(in.max_degree)) {
    return Corruption(where + ": the term table must be [n_output_features, " + std::to_string(in.max_degree) + "]");
  }
  const uint64_t rows = in.terms_shape[0];
  SAFEMODEL_RETURN_IF_ERROR(CheckSize(where, in.terms.size(), rows, in.terms_shape[1]));
  SAFEMODEL_RETURN_IF_ERROR(CheckCount(where + ".shape[0]", static_cast<int64_t>(std::min<uint64_t>(rows, INT64_MAX)), 1));
  if (in.n_output_features >= 0 && static_cast<uint64_t>(in.n_output_features) != rows) {
    return Corruption(Field(path, "n_output_features_") + ": " + std::to_string(in.n_output_features) + " but " +
                      std::to_string(rows) + " terms are stored");
  }
  // Compare with the walk row by row: never enumerates past the table's end.
  const auto width = static_cast<size_t>(in.max_degree);
  TermWalker walk(static_cast<int32_t>(in.n_features_in), static_cast<int32_t>(in.min_degree),
                  static_cast<int32_t>(in.max_degree), in.interaction_only, in.include_bias);
  std::vector<int32_t> c;
  for (uint64_t r = 0; r < rows; ++r) {
    if (!walk.Next(c)) {
      return Corruption(where + ": " + std::to_string(rows) + " terms stored but the parameters give " +
                        std::to_string(r));
    }
    const int32_t* row = in.terms.data() + r * width;
    for (size_t k = 0; k < width; ++k) {
      const int32_t want = k < c.size() ? c[k] : -1;
      if (row[k] != want) {
        return Corruption(where + "[" + std::to_string(r) + "][" + std::to_string(k) + "]: " + std::to_string(row[k]) +
                          ", expected " + std::to_string(want) + " (scikit-learn's term order)");
      }
    }
  }
  if (walk.Next(c)) {
    return Corruption(where + ": " + std::to_string(rows) + " terms stored but the parameters give more");
  }
  PolynomialFeatures p;
  p.n_features = static_cast<int32_t>(in.n_features_in);
  p.min_degree = static_cast<int32_t>(in.min_degree);
  p.max_degree = static_cast<int32_t>(in.max_degree);
  p.interaction_only = in.interaction_only;
  p.include_bias = in.include_bias;
  p.n_output = static_cast<int32_t>(rows);
  p.terms.assign(in.terms.begin(), in.terms.end());
  return p;
}

std::string Describe(const PolynomialFeatures& p) {
  std::string d = "PolynomialFeatures: " + std::to_string(p.n_features) + " features -> " +
                  std::to_string(p.n_output) + ", degree ";
  d += p.min_degree > 0 ? "(" + std::to_string(p.min_degree) + ", " + std::to_string(p.max_degree) + ")"
                        : std::to_string(p.max_degree);
  return d + (p.interaction_only ? ", interaction only" : "") + (p.include_bias ? ", bias" : "");
}

Result<Matrix> Transform(const PolynomialFeatures& p, MatrixView x) {
  SAFEMODEL_RETURN_IF_ERROR(CheckInput(x, static_cast<size_t>(p.n_features), FiniteRule::kFinite, "PolynomialFeatures"));
  const auto cols = static_cast<size_t>(p.n_output);
  auto cells = CheckedMul(x.rows, cols);
  if (!cells || *cells > std::vector<double>().max_size()) {
    return InvalidArgument("X: " + std::to_string(x.rows) + " rows x " + std::to_string(cols) +
                           " output columns do not fit in memory");
  }
  Matrix out(x.rows, cols);
  for (size_t i = 0; i < x.rows; ++i) {
    const double* row = x.data.data() + i * x.cols;
    for (size_t r = 0; r < cols; ++r) {
      out.at(i, r) = TermProduct(p.terms.data() + r * static_cast<size_t>(p.max_degree), p.max_degree, row);
    }
  }
  return out;
}

// ---- KBinsDiscretizer --------------------------------------------------------

namespace {

// Edges of one feature: no NaN, never decreasing (np.searchsorted needs them
// sorted), interior edges finite.
Status CheckEdges(std::span<const double> e, std::string_view path) {
  for (size_t k = 0; k < e.size(); ++k) {
    if (std::isnan(e[k])) return Corruption(Item(path, k) + ": nan is not a bin edge");
    if (k > 0 && e[k] < e[k - 1]) {
      return Corruption(Item(path, k) + ": " + FormatDouble(e[k]) + " is below the edge before it (" +
                        FormatDouble(e[k - 1]) + ")");
    }
    if (k > 0 && k + 1 < e.size() && !std::isfinite(e[k])) {
      return Corruption(Item(path, k) + ": " + FormatDouble(e[k]) + " is not a finite interior edge");
    }
  }
  return Status::Ok();
}

// numpy casts a float64 beyond this to float32 infinity (round to nearest),
// and check_array then refuses it.
constexpr double kF32Overflow = 0x1.ffffffp127;

}  // namespace

Result<KBinsDiscretizer> BuildKBinsDiscretizer(const KBinsDiscretizerInput& in, std::string_view path) {
  if (in.encode != KBinsEncode::kOrdinal && in.encode != KBinsEncode::kOneHot) {
    return Corruption(Field(path, "encode") + ": " + std::to_string(static_cast<unsigned>(in.encode)) + " is not known");
  }
  SAFEMODEL_ASSIGN_OR_RETURN(int32_t n, SettleCount(in.n_features_in, in.n_bins.size(), path));
  SAFEMODEL_RETURN_IF_ERROR(CheckLength(in.n_bins.size(), n, Field(path, "n_bins_")));
  KBinsDiscretizer k;
  uint64_t total = 0, onehot = 0;
  for (size_t j = 0; j < in.n_bins.size(); ++j) {
    SAFEMODEL_RETURN_IF_ERROR(CheckCount(Item(Field(path, "n_bins_"), j), in.n_bins[j], 1));
    k.offsets.push_back(total);
    total += static_cast<uint64_t>(in.n_bins[j]) + 1;  // <= 2^31 each, 2^31 of them: no overflow
    onehot += static_cast<uint64_t>(in.n_bins[j]);
    k.n_bins.push_back(static_cast<int32_t>(in.n_bins[j]));
  }
  if (in.edges.size() != total) {
    return Corruption(Field(path, "bin_edges_") + ": " + std::to_string(in.edges.size()) +
                      " edges, n_bins_ needs " + std::to_string(total));
  }
  for (size_t j = 0; j < k.n_bins.size(); ++j) {
    const auto count = static_cast<size_t>(k.n_bins[j]) + 1;
    SAFEMODEL_RETURN_IF_ERROR(
        CheckEdges(in.edges.subspan(k.offsets[j], count), Item(Field(path, "bin_edges_"), j)));
  }
  if (in.encode == KBinsEncode::kOneHot) {
    SAFEMODEL_RETURN_IF_ERROR(CheckCount(Field(path, "n_bins_") + " (one-hot width)", static_cast<int64_t>(onehot), 1));
  }
  k.n_features = n;
  k.encode = in.encode;
  k.float32_input = in.float32_input;
  k.edges.assign(in.edges.begin(), in.edges.end());
  k.n_output = in.encode == KBinsEncode::kOneHot ? static_cast<int32_t>(onehot) : n;
  return k;
}

std::string Describe(const KBinsDiscretizer& k) {
  std::string d = "KBinsDiscretizer: " + std::to_string(k.n_features) + " features, " +
                  std::to_string(k.edges.size() - k.n_bins.size()) + " bins, " +
                  (k.encode == KBinsEncode::kOrdinal ? "ordinal" : "one-hot -> " + std::to_string(k.n_output));
  return d + (k.float32_input ? ", float32" : "");
}

Result<Matrix> Transform(const KBinsDiscretizer& k, MatrixView x) {
  SAFEMODEL_RETURN_IF_ERROR(CheckInput(x, static_cast<size_t>(k.n_features), FiniteRule::kFinite, "KBinsDiscretizer"));
  Matrix out(x.rows, static_cast<size_t>(k.n_output));
  for (size_t i = 0; i < x.rows; ++i) {
    size_t onehot_col = 0;
    for (size_t j = 0; j < x.cols; ++j) {
      double v = x.at(i, j);
      if (k.float32_input) {
        if (std::fabs(v) >= kF32Overflow) {
          return InvalidArgument("X[" + std::to_string(i) + ", " + std::to_string(j) + "]: " + FormatDouble(v) +
                                 " is too large for float32 (KBinsDiscretizer with dtype=float32 refuses it)");
        }
        v = static_cast<double>(static_cast<float>(v));
      }
      // searchsorted(bin_edges[j][1:-1], v, side="right").
      const auto nb = static_cast<size_t>(k.n_bins[j]);
      const double* first = k.edges.data() + k.offsets[j] + 1;
      const double* last = first + (nb - 1);
      const auto bin = static_cast<size_t>(std::upper_bound(first, last, v) - first);
      if (k.encode == KBinsEncode::kOrdinal) {
        out.at(i, j) = static_cast<double>(bin);
      } else {
        out.at(i, onehot_col + bin) = 1.0;
        onehot_col += nb;
      }
    }
  }
  return out;
}

}  // namespace safemodel::estimators
