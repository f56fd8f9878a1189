#include "estimators/encoders.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "estimators/estimator.h"
#include "util/text.h"

namespace safemodel::estimators {
namespace {

std::string Idx(std::string_view path, std::string_view attr, size_t i) {
  return std::string(path) + "." + std::string(attr) + "[" + std::to_string(i) + "]";
}

constexpr int64_t kMaxCount = std::numeric_limits<int32_t>::max();

Status CheckNumericCategories(std::span<const double> v, const std::string& p) {
  for (size_t j = 0; j < v.size(); ++j) {
    if (std::isinf(v[j])) return Corruption(p + "[" + std::to_string(j) + "]: " + FormatDouble(v[j]) + " is not finite");
    if (std::isnan(v[j]) && j + 1 != v.size()) {
      return Corruption(p + "[" + std::to_string(j) + "]: nan before the end (fit puts it last)");
    }
    if (j > 0 && !std::isnan(v[j]) && !(v[j - 1] < v[j])) {
      return Corruption(p + "[" + std::to_string(j) + "]: " + FormatDouble(v[j]) + " after " + FormatDouble(v[j - 1]) +
                        " (numeric categories are sorted and unique)");
    }
  }
  return Status::Ok();
}

// Fills the derived fields of one feature; `p` names categories_[i].
Status BuildFeature(const EncoderFeatureInput& in, EncoderKind kind, const std::string& path, size_t i,
                    EncoderFeature& f) {
  const bool label = kind == EncoderKind::kLabel || kind == EncoderKind::kLabelBinarizer;
  const std::string p = Idx(path, label ? "classes_" : "categories_", i);
  f.is_string = in.is_string;
  if (in.is_string) {
    f.strings.assign(in.strings.begin(), in.strings.end());
    f.has_none = in.has_none;
    f.has_nan = in.has_nan;
    f.order.resize(f.strings.size());
    for (size_t j = 0; j < f.order.size(); ++j) f.order[j] = static_cast<int32_t>(j);
    std::sort(f.order.begin(), f.order.end(), [&](int32_t a, int32_t b) { return f.strings[a] < f.strings[b]; });
    for (size_t j = 1; j < f.order.size(); ++j) {
      if (f.strings[f.order[j]] == f.strings[f.order[j - 1]]) {
        return Corruption(p + "[" + std::to_string(f.order[j]) + "]: '" + EscapeForTerminal(f.strings[f.order[j]]) +
                          "' appears twice");
      }
    }
  } else {
    if (in.has_none || in.has_nan || !in.strings.empty()) return Corruption(p + ": strings in numeric categories");
    SAFEMODEL_RETURN_IF_ERROR(CheckNumericCategories(in.numbers, p));
    f.numbers.assign(in.numbers.begin(), in.numbers.end());
  }
  const uint64_t n = f.is_string ? f.strings.size() + f.has_none + f.has_nan : f.numbers.size();
  if (n == 0) return Corruption(p + ": no categories");
  if (n > static_cast<uint64_t>(kMaxCount)) return LimitExceeded(p + ": over 2^31 categories");
  f.n_categories = static_cast<int32_t>(n);
  if (kind != EncoderKind::kOneHot && (in.drop != -1 || !in.infrequent.empty())) {
    return Corruption(p + ": drop or infrequent categories on an encoder that has none");
  }
  for (size_t j = 0; j < in.infrequent.size(); ++j) {
    const int64_t v = in.infrequent[j];
    if (v < 0 || v >= f.n_categories || (j > 0 && v <= in.infrequent[j - 1])) {
      return Corruption(Idx(path, "_infrequent_indices", i) + "[" + std::to_string(j) + "]: " + std::to_string(v) +
                        " out of range [0, " + std::to_string(f.n_categories) + ") or not increasing");
    }
    f.infrequent.push_back(static_cast<int32_t>(v));
  }
  f.group.resize(static_cast<size_t>(f.n_categories));
  int32_t grouped = f.n_categories;
  if (!f.infrequent.empty()) {
    // _fit_infrequent_category_mapping: frequent categories in order, the
    // infrequent ones share the last index.
    const int32_t n_frequent = f.n_categories - static_cast<int32_t>(f.infrequent.size());
    int32_t next = 0;
    size_t k = 0;
    for (int32_t j = 0; j < f.n_categories; ++j) {
      if (k < f.infrequent.size() && f.infrequent[k] == j) {
        f.group[j] = n_frequent;
        ++k;
      } else {
        f.group[j] = next++;
      }
    }
    grouped = n_frequent + 1;
  } else {
    for (int32_t j = 0; j < f.n_categories; ++j) f.group[j] = j;
  }
  if (in.drop < -1 || in.drop >= grouped) {
    return Corruption(Idx(path, "drop_idx_", i) + ": " + std::to_string(in.drop) + " out of range [0, " +
                      std::to_string(grouped) + ")");
  }
  f.drop = static_cast<int32_t>(in.drop);
  f.width = grouped - (f.drop >= 0 ? 1 : 0);
  return Status::Ok();
}

bool IsNanCategory(const EncoderFeature& f, int32_t j) {
  if (f.is_string) return f.has_nan && j == f.n_categories - 1;
  return std::isnan(f.numbers[static_cast<size_t>(j)]);
}

// The category index of cell `idx` in feature `f`, or -1 when unknown.
int32_t Lookup(const EncoderFeature& f, const TableView& x, size_t idx) {
  const bool is_str = x.HasStrings() && x.is_string[idx];
  const double num = x.numbers[idx];
  const auto find_text = [&](const std::string& s) -> int32_t {
    auto it = std::lower_bound(f.order.begin(), f.order.end(), s,
                               [&](int32_t a, const std::string& b) { return f.strings[a] < b; });
    return it != f.order.end() && f.strings[*it] == s ? *it : -1;
  };
  if (f.is_string) {
    if (is_str) return find_text(x.strings[idx]);
    if (std::isnan(num)) {
      if (f.has_nan) return f.n_categories - 1;
      if (f.has_none) return f.n_categories - 1 - (f.has_nan ? 1 : 0);
      return -1;
    }
    return x.HasStrings() ? find_text(x.strings[idx]) : -1;
  }
  if (is_str) return -1;
  if (std::isnan(num)) return std::isnan(f.numbers.back()) ? f.n_categories - 1 : -1;
  const size_t finite = f.numbers.size() - (std::isnan(f.numbers.back()) ? 1 : 0);
  auto end = f.numbers.begin() + static_cast<std::ptrdiff_t>(finite);
  auto it = std::lower_bound(f.numbers.begin(), end, num);
  return it != end && *it == num ? static_cast<int32_t>(it - f.numbers.begin()) : -1;
}

Status CheckTable(const TableView& x, int32_t n_features, std::string_view who) {
  if (n_features != kAnyWidth && x.cols != static_cast<size_t>(n_features)) {
    return InvalidArgument(std::string(who) + ": X has " + std::to_string(x.cols) + " columns, expected " +
                           std::to_string(n_features));
  }
  uint64_t n = 0;
  if (__builtin_mul_overflow(uint64_t{x.rows}, uint64_t{x.cols}, &n) || x.numbers.size() != n ||
      (x.HasStrings() && (x.is_string.size() != n || x.strings.size() != n))) {
    return InvalidArgument(std::string(who) + ": input table has inconsistent arrays");
  }
  return Status::Ok();
}

Status UnknownError(const CategoricalEncoder& e, const TableView& x, size_t r, size_t c) {
  const size_t idx = r * x.cols + c;
  const std::string text = x.HasStrings() && x.is_string[idx] ? EscapeForTerminal(x.strings[idx].substr(0, 40))
                                                              : FormatDouble(x.numbers[idx]);
  return InvalidArgument("X[" + std::to_string(r) + ", " + std::to_string(c) + "]: unknown category '" + text +
                         "' in column " + std::to_string(c) + " (" + ClassNameOf(e) + " handle_unknown='error')");
}


constexpr double kMaxExactInt = 9007199254740992.0;  // 2^53

std::string_view TargetName(LabelTarget t) {
  switch (t) {
    case LabelTarget::kBinary: return "binary";
    case LabelTarget::kMulticlass: return "multiclass";
    case LabelTarget::kMultilabel: return "multilabel-indicator";
  }
  return "?";
}

// What LabelBinarizer.fit can leave: classes_ = unique_labels(y) (sorted,
// unique, integral when numeric: fit refuses 'continuous' targets), y_type_
// consistent with their count, and __init__'s neg_label < pos_label.
Status CheckBinarizer(const CategoricalEncoderInput& in, const EncoderFeature& f, const std::string& p) {
  const std::string cp = p + ".classes_";
  if (f.is_string) {
    if (f.has_none || f.has_nan) return Corruption(cp + ": None or nan among the classes");
    for (size_t j = 1; j < f.strings.size(); ++j) {
      if (!(f.strings[j - 1] < f.strings[j])) {
        return Corruption(cp + "[" + std::to_string(j) + "]: '" + EscapeForTerminal(f.strings[j]) + "' after '" +
                          EscapeForTerminal(f.strings[j - 1]) + "' (classes_ are sorted and unique)");
      }
    }
  } else {
    for (size_t j = 0; j < f.numbers.size(); ++j) {
      const double v = f.numbers[j];
      if (!(std::fabs(v) <= kMaxExactInt) || v != std::floor(v)) {
        return Corruption(cp + "[" + std::to_string(j) + "]: " + FormatDouble(v) +
                          " is not an integer (fit refuses continuous targets)");
      }
    }
  }
  const int32_t n = f.n_categories;
  const bool count_ok = (in.y_type == LabelTarget::kBinary && n <= 2) ||
                        (in.y_type == LabelTarget::kMulticlass && n >= 3) ||
                        (in.y_type == LabelTarget::kMultilabel && n >= 2);
  if (!count_ok) {
    return Corruption(p + ".y_type_: '" + std::string(TargetName(in.y_type)) + "' with " + std::to_string(n) +
                      " classes");
  }
  if (in.y_type == LabelTarget::kMultilabel) {
    for (int32_t j = 0; j < n; ++j) {
      if (f.is_string || f.numbers[static_cast<size_t>(j)] != j) {
        return Corruption(cp + "[" + std::to_string(j) + "]: multilabel-indicator classes are 0..n_classes-1");
      }
    }
  }
  const auto exact = [](int64_t v) { return v >= -(int64_t{1} << 53) && v <= (int64_t{1} << 53); };
  if (!exact(in.neg_label) || !exact(in.pos_label)) {
    return Corruption(p + ".neg_label: " + std::to_string(in.neg_label) + " / pos_label " +
                      std::to_string(in.pos_label) + " beyond +-2^53");
  }
  if (in.neg_label >= in.pos_label) {
    return Corruption(p + ".neg_label: " + std::to_string(in.neg_label) + " is not less than pos_label " +
                      std::to_string(in.pos_label));
  }
  return Status::Ok();
}

}  // namespace

Result<CategoricalEncoder> BuildCategoricalEncoder(const CategoricalEncoderInput& in, std::string_view path) {
  const std::string p(path);
  CategoricalEncoder e;
  e.kind = in.kind;
  if (in.features.empty()) return Corruption(p + ".categories_: no features");
  if (in.features.size() > static_cast<size_t>(kMaxCount)) return LimitExceeded(p + ".categories_: too many features");
  const bool binarizer = in.kind == EncoderKind::kLabelBinarizer;
  if (!binarizer && in.n_features_in != -1 && in.n_features_in != static_cast<int64_t>(in.features.size())) {
    return Corruption(p + ".n_features_in_: " + std::to_string(in.n_features_in) + " but categories_ has " +
                      std::to_string(in.features.size()) + " features");
  }
  if ((in.kind == EncoderKind::kLabel || binarizer) && in.features.size() != 1) {
    return Corruption(p + ".classes_: one column only");
  }
  if (!binarizer && (in.y_type != LabelTarget::kBinary || in.neg_label != 0 || in.pos_label != 1)) {
    return Corruption(p + ".y_type_: LabelBinarizer settings on " + ClassNameOf(e));
  }
  const bool rule_ok = in.handle_unknown == UnknownRule::kError ||
                       (in.kind == EncoderKind::kOneHot && (in.handle_unknown == UnknownRule::kIgnore ||
                                                            in.handle_unknown == UnknownRule::kInfrequentIfExist)) ||
                       (in.kind == EncoderKind::kOrdinal && in.handle_unknown == UnknownRule::kUseEncodedValue);
  if (!rule_ok) return Corruption(p + ".handle_unknown: not a rule of " + ClassNameOf(e));
  if (in.handle_unknown == UnknownRule::kUseEncodedValue && !std::isnan(in.unknown_value) &&
      (std::isinf(in.unknown_value) || in.unknown_value != std::floor(in.unknown_value))) {
    return Corruption(p + ".unknown_value: " + FormatDouble(in.unknown_value) + " is neither an integer nor nan");
  }
  if (std::isinf(in.encoded_missing_value)) return Corruption(p + ".encoded_missing_value: not finite");
  e.n_features = static_cast<int32_t>(in.features.size());
  e.handle_unknown = in.handle_unknown;
  e.unknown_value = in.unknown_value;
  e.encoded_missing_value = in.encoded_missing_value;
  int64_t width = 0;
  for (size_t i = 0; i < in.features.size(); ++i) {
    EncoderFeature f;
    SAFEMODEL_RETURN_IF_ERROR(BuildFeature(in.features[i], in.kind, p, i, f));
    f.offset = static_cast<int32_t>(width);
    width += f.width;
    if (width > kMaxCount) return LimitExceeded(p + ".categories_: over 2^31 output columns");
    e.features.push_back(std::move(f));
  }
  e.width = in.kind == EncoderKind::kOneHot ? static_cast<int32_t>(width) : e.n_features;
  if (binarizer) {
    const EncoderFeature& f = e.features[0];
    SAFEMODEL_RETURN_IF_ERROR(CheckBinarizer(in, f, p));
    e.y_type = in.y_type;
    e.neg_label = static_cast<double>(in.neg_label);
    e.pos_label = static_cast<double>(in.pos_label);
    e.n_features = in.y_type == LabelTarget::kMultilabel ? f.n_categories : 1;
    e.width = in.y_type == LabelTarget::kBinary ? 1 : f.n_categories;
    if (in.n_features_in != -1 && in.n_features_in != e.n_features) {
      return Corruption(p + ".n_features_in_: " + std::to_string(in.n_features_in) + " but the binarizer reads " +
                        std::to_string(e.n_features) + " columns");
    }
  }
  return e;
}

std::string ClassNameOf(const CategoricalEncoder& e) {
  switch (e.kind) {
    case EncoderKind::kOneHot: return "OneHotEncoder";
    case EncoderKind::kOrdinal: return "OrdinalEncoder";
    case EncoderKind::kLabel: return "LabelEncoder";
    case EncoderKind::kLabelBinarizer: return "LabelBinarizer";
  }
  return "CategoricalEncoder";
}

std::string Describe(const CategoricalEncoder& e) {
  size_t cats = 0;
  for (const auto& f : e.features) cats += static_cast<size_t>(f.n_categories);
  return ClassNameOf(e) + ": " + std::to_string(e.n_features) + " features, " + std::to_string(cats) +
         " categories, " + std::to_string(e.width) + " output columns";
}

int32_t TransformWidth(const CategoricalEncoder& e) { return e.width; }

namespace {

std::string Cell(size_t r, size_t c) { return "X[" + std::to_string(r) + ", " + std::to_string(c) + "]"; }

bool IsStringCell(const TableView& x, size_t idx) { return x.HasStrings() && x.is_string[idx] != 0; }

// multilabel-indicator: 0/1 cells, n_classes wide (type_of_target would call
// other values multiclass-multioutput or continuous and refuse them, or keep
// them as they are; we refuse them all).
Result<Matrix> BinarizeIndicator(const CategoricalEncoder& e, const TableView& x) {
  Matrix out(x.rows, static_cast<size_t>(e.width));
  for (size_t idx = 0; idx < x.numbers.size(); ++idx) {
    const double v = x.numbers[idx];
    if (IsStringCell(x, idx) || !(v == 0 || v == 1)) {
      const std::string text = IsStringCell(x, idx) ? "'" + EscapeForTerminal(x.strings[idx].substr(0, 40)) + "'"
                                                    : FormatDouble(v);
      return InvalidArgument(Cell(idx / x.cols, idx % x.cols) + ": " + text +
                             " in a multilabel-indicator input (LabelBinarizer takes 0/1 cells)");
    }
    out.data[idx] = v == 1 ? e.pos_label : e.neg_label;
  }
  return out;
}

// Whether the batch holds 3 or more distinct labels (type_of_target says
// multiclass): np.unique over texts when the column has strings, else over
// the numbers.
bool ThreeOrMoreLabels(const TableView& x, bool by_text) {
  std::set<std::string> texts;
  std::set<double> numbers;
  for (size_t r = 0; r < x.rows && texts.size() + numbers.size() < 3; ++r) {
    if (by_text) texts.insert(x.strings[r]);
    else numbers.insert(x.numbers[r]);
  }
  return texts.size() + numbers.size() >= 3;
}

// label_binarize on one column of labels, as LabelBinarizer.transform
// calls it (1.2.1).
Result<Matrix> BinarizeLabels(const CategoricalEncoder& e, const TableView& x) {
  const EncoderFeature& f = e.features[0];
  bool by_text = false;
  for (size_t r = 0; r < x.rows; ++r) by_text = by_text || IsStringCell(x, r);
  for (size_t r = 0; r < x.rows; ++r) {
    if (IsStringCell(x, r)) continue;
    const double v = x.numbers[r];
    if (!std::isfinite(v)) {
      return InvalidArgument(Cell(r, 0) + ": " + FormatDouble(v) + " is not a label (input contains NaN or infinity)");
    }
    if (!by_text && v != std::floor(v)) {
      return InvalidArgument(Cell(r, 0) + ": " + FormatDouble(v) +
                             " is not an integer: LabelBinarizer refuses continuous target data");
    }
  }
  const bool many = ThreeOrMoreLabels(x, by_text);
  const int32_t n = f.n_categories;
  Matrix out(x.rows, static_cast<size_t>(e.width));
  std::fill(out.data.begin(), out.data.end(), e.neg_label);
  for (size_t r = 0; r < x.rows; ++r) {
    const int32_t j = Lookup(f, x, r);
    if (n == 2 && many && j < 0) {
      const std::string text =
          IsStringCell(x, r) || by_text ? "'" + EscapeForTerminal(x.strings[r].substr(0, 40)) + "'" : FormatDouble(x.numbers[r]);
      return InvalidArgument(Cell(r, 0) + ": label " + text +
                             " was not seen in fit; with 3+ distinct labels scikit-learn 1.2.1 returns 2 columns "
                             "instead of 1 for a 2-class LabelBinarizer");
    }
    if (j < 0) continue;  // unseen labels: a row of neg_label
    if (n == 1) {
      if (many) out.at(r, 0) = e.pos_label;  // label_binarize's multiclass path; binary gives neg_label
    } else if (n == 2) {
      if (j == 1) out.at(r, 0) = e.pos_label;
    } else {
      out.at(r, static_cast<size_t>(j)) = e.pos_label;
    }
  }
  return out;
}

}  // namespace

Result<Matrix> Transform(const CategoricalEncoder& e, const TableView& x) {
  SAFEMODEL_RETURN_IF_ERROR(CheckTable(x, e.n_features, ClassNameOf(e)));
  if (e.kind == EncoderKind::kLabelBinarizer) {
    return e.y_type == LabelTarget::kMultilabel ? BinarizeIndicator(e, x) : BinarizeLabels(e, x);
  }
  Matrix out(x.rows, static_cast<size_t>(e.width));
  for (size_t r = 0; r < x.rows; ++r) {
    for (size_t c = 0; c < x.cols; ++c) {
      const size_t idx = r * x.cols + c;
      if (!x.HasStrings() && std::isinf(x.numbers[idx]) && !e.features[c].is_string) {
        return InvalidArgument("X[" + std::to_string(r) + ", " + std::to_string(c) + "]: " +
                               FormatDouble(x.numbers[idx]) + " is not accepted by " + ClassNameOf(e));
      }
      const EncoderFeature& f = e.features[c];
      const int32_t j = Lookup(f, x, idx);
      if (j < 0 && e.handle_unknown == UnknownRule::kError) return UnknownError(e, x, r, c);
      if (e.kind != EncoderKind::kOneHot) {
        out.at(r, c) = j < 0 ? e.unknown_value
                             : (e.kind == EncoderKind::kOrdinal && IsNanCategory(f, j) ? e.encoded_missing_value
                                                                                       : static_cast<double>(j));
        continue;
      }
      // OneHotEncoder.transform: unknowns go to the infrequent group when it
      // exists (counted only with infrequent_if_exist), then the dropped
      // grouped index is removed and later ones shift down.
      bool valid = j >= 0;
      int32_t g = 0;
      if (j >= 0) {
        g = f.group[static_cast<size_t>(j)];
      } else if (!f.infrequent.empty()) {
        g = f.group[static_cast<size_t>(f.infrequent[0])];
        valid = e.handle_unknown == UnknownRule::kInfrequentIfExist;
      }
      if (valid && f.drop >= 0) {
        if (g == f.drop) valid = false;
        else if (g > f.drop) --g;
      }
      if (valid) out.at(r, static_cast<size_t>(f.offset + g)) = 1.0;
    }
  }
  return out;
}

// ---- ColumnTransformer, FeatureUnion ---------------------------------------------

ColumnTransformer::ColumnTransformer() = default;
ColumnTransformer::ColumnTransformer(ColumnTransformer&&) noexcept = default;
ColumnTransformer& ColumnTransformer::operator=(ColumnTransformer&&) noexcept = default;
ColumnTransformer::~ColumnTransformer() = default;

ColumnTransformer ColumnTransformer::Clone() const {
  ColumnTransformer c;
  c.is_union = is_union;
  c.n_features = n_features;
  c.names = names;
  for (const auto& p : parts) c.parts.push_back(p.Clone());
  c.columns = columns;
  c.weights = weights;
  c.remainder = remainder;
  c.part_widths = part_widths;
  c.width = width;
  return c;
}

Result<ColumnTransformer> BuildColumnTransformer(ColumnTransformerInput in, std::string_view path) {
  const std::string p(path);
  const std::string list = p + (in.is_union ? ".transformer_list" : ".transformers_");
  if (in.parts == nullptr) return Corruption(list + ": no parts");
  std::vector<Estimator>& parts = *in.parts;
  const size_t n = parts.size();
  if (in.names.size() != n || in.weights.size() != n || (!in.is_union && in.columns.size() != n)) {
    return Corruption(list + ": names, transformers, columns and weights of different lengths");
  }
  if (n > static_cast<size_t>(kMaxCount)) return LimitExceeded(list + ": too many parts");
  ColumnTransformer c;
  c.is_union = in.is_union;
  int64_t nf = in.n_features_in;
  if (in.is_union) {
    if (nf != -1) return Corruption(p + ": a FeatureUnion takes its width from its parts");
    for (const auto& e : parts) {
      if (e.NumFeatures() == kAnyWidth) continue;
      if (nf != -1 && e.NumFeatures() != nf) {
        return Corruption(list + ": parts expect " + std::to_string(nf) + " and " + std::to_string(e.NumFeatures()) +
                          " features");
      }
      nf = e.NumFeatures();
    }
    if (nf == -1) return Unsupported(p + ": a FeatureUnion whose parts all take any width has no fixed output width");
  } else if (nf < 1 || nf > kMaxCount) {
    return Corruption(p + ".n_features_in_: " + std::to_string(nf) + " out of range [1, 2^31)");
  }
  c.n_features = static_cast<int32_t>(nf);
  if (in.remainder < -1 || in.remainder >= static_cast<int64_t>(n) || (in.is_union && in.remainder != -1)) {
    return Corruption(p + ".remainder: part " + std::to_string(in.remainder) + " out of range");
  }
  std::vector<uint8_t> selected(static_cast<size_t>(nf), 0);
  int64_t width = 0;
  for (size_t i = 0; i < n; ++i) {
    const std::string ip = list + "[" + std::to_string(i) + "]";
    if (!parts[i].IsTransformer()) return Corruption(ip + ": " + parts[i].ClassName() + " is not a transformer");
    if (!std::isfinite(in.weights[i])) return Corruption(p + ".transformer_weights['" + in.names[i] + "']: not finite");
    std::vector<int32_t> cols;
    if (!in.is_union) {
      if (in.columns[i].empty()) return Corruption(ip + ": selects no column");
      std::set<int64_t> seen;
      for (size_t k = 0; k < in.columns[i].size(); ++k) {
        const int64_t v = in.columns[i][k];
        if (v < 0 || v >= nf) {
          return Corruption(ip + ".columns[" + std::to_string(k) + "]: " + std::to_string(v) + " out of range [0, " +
                            std::to_string(nf) + ")");
        }
        if (!seen.insert(v).second) {
          return Corruption(ip + ".columns[" + std::to_string(k) + "]: column " + std::to_string(v) + " twice");
        }
        if (static_cast<int64_t>(i) != in.remainder) selected[static_cast<size_t>(v)] = 1;
        cols.push_back(static_cast<int32_t>(v));
      }
    }
    const int64_t in_width = in.is_union ? nf : static_cast<int64_t>(cols.size());
    if (parts[i].NumFeatures() != kAnyWidth && parts[i].NumFeatures() != in_width) {
      return Corruption(ip + ": " + parts[i].ClassName() + " expects " + std::to_string(parts[i].NumFeatures()) +
                        " features but is given " + std::to_string(in_width) + " columns");
    }
    const int32_t w = parts[i].TransformWidth() == kAnyWidth ? static_cast<int32_t>(in_width)
                                                             : parts[i].TransformWidth();
    c.part_widths.push_back(w);
    width += w;
    if (width > kMaxCount) return LimitExceeded(p + ": over 2^31 output columns");
    c.columns.push_back(std::move(cols));
  }
  if (in.remainder >= 0) {
    // _validate_remainder: the remainder holds unselected columns in increasing
    // order ('drop' parts are gone by now, so their columns cannot be told
    // from unselected ones).
    const auto& rc = c.columns[static_cast<size_t>(in.remainder)];
    for (size_t k = 0; k < rc.size(); ++k) {
      if (selected[static_cast<size_t>(rc[k])] || (k > 0 && rc[k] <= rc[k - 1])) {
        return Corruption(list + "[" + std::to_string(in.remainder) + "].columns[" + std::to_string(k) +
                          "]: the remainder holds column " + std::to_string(rc[k]) +
                          " which another transformer selects (or out of order)");
      }
    }
  }
  c.names = std::move(in.names);
  c.parts = std::move(parts);
  c.weights = std::move(in.weights);
  c.remainder = static_cast<int32_t>(in.remainder);
  c.width = static_cast<int32_t>(width);
  return c;
}

std::string ClassNameOf(const ColumnTransformer& c) { return c.is_union ? "FeatureUnion" : "ColumnTransformer"; }

std::string Describe(const ColumnTransformer& c) {
  std::string s = ClassNameOf(c) + ": " + std::to_string(c.n_features) + " features -> " + std::to_string(c.width) + ";";
  for (size_t i = 0; i < c.parts.size(); ++i) {
    s += (i ? ", " : " ") + c.names[i] + " [" + c.parts[i].Describe() + "]";
  }
  return s;
}

int32_t TransformWidth(const ColumnTransformer& c) { return c.width; }

Result<Matrix> Transform(const ColumnTransformer& c, const TableView& x) {
  SAFEMODEL_RETURN_IF_ERROR(CheckTable(x, c.n_features, ClassNameOf(c)));
  Matrix out(x.rows, static_cast<size_t>(c.width));
  size_t at = 0;
  for (size_t i = 0; i < c.parts.size(); ++i) {
    Result<Matrix> y = Status::Ok();
    if (c.is_union) {
      y = Transform(c.parts[i], x);
    } else {
      // _safe_indexing of the part's columns.
      const auto& cols = c.columns[i];
      std::vector<double> numbers(x.rows * cols.size());
      std::vector<std::string> strings(x.HasStrings() ? numbers.size() : 0);
      std::vector<uint8_t> is_string(strings.size());
      for (size_t r = 0; r < x.rows; ++r) {
        for (size_t k = 0; k < cols.size(); ++k) {
          const size_t src = r * x.cols + static_cast<size_t>(cols[k]), dst = r * cols.size() + k;
          numbers[dst] = x.numbers[src];
          if (x.HasStrings()) {
            strings[dst] = x.strings[src];
            is_string[dst] = x.is_string[src];
          }
        }
      }
      // The part sees its columns' names too, as a DataFrame slice would.
      std::vector<std::string> names;
      if (x.column_names.size() == x.cols) {
        for (int64_t col : cols) names.push_back(x.column_names[static_cast<size_t>(col)]);
      }
      TableView sub{x.rows, cols.size(), numbers, strings, is_string, names};
      y = Transform(c.parts[i], sub);
    }
    if (!y.ok()) return y.status().Wrap(ClassNameOf(c) + " part '" + EscapeForTerminal(c.names[i]) + "'");
    const size_t w = static_cast<size_t>(c.part_widths[i]);
    if (y->rows != x.rows || y->cols != w) {
      return InvalidArgument(ClassNameOf(c) + " part '" + EscapeForTerminal(c.names[i]) + "' returned " +
                             std::to_string(y->cols) + " columns, expected " + std::to_string(w));
    }
    for (size_t r = 0; r < x.rows; ++r) {
      for (size_t k = 0; k < w; ++k) out.at(r, at + k) = y->at(r, k) * c.weights[i];
    }
    at += w;
  }
  return out;
}

}  // namespace safemodel::estimators
