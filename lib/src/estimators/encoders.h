// Categorical encoders and column transformers, transform only, as
// scikit-learn 1.2.1 computes them: OneHotEncoder, OrdinalEncoder and
// LabelEncoder and LabelBinarizer (one struct, CategoricalEncoder),
// ColumnTransformer and
// FeatureUnion (one struct, ColumnTransformer).
//
// These read string cells: their Transform takes a TableView (types.h). A
// cell matches a string category by its text, a numeric category by its
// value; a NaN cell (an empty CSV cell) is the missing value and matches a
// NaN category, or else a None category. A number on a string feature is
// matched by its text when the table has texts, else it is unknown; a string
// on a numeric feature is unknown. Output is always dense (scikit-learn's
// sparse outputs hold the same numbers).
//
// Every struct is built only through its checked builder: kCorruption naming
// "<path>.<attribute>" (kLimitExceeded for sizes over int32). Transform
// errors are kInvalidArgument naming the X cell.
#ifndef SAFEMODEL_ESTIMATORS_ENCODERS_H_
#define SAFEMODEL_ESTIMATORS_ENCODERS_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "estimators/types.h"
#include "safemodel/status.h"

namespace safemodel::estimators {

struct Estimator;

// ---- OneHotEncoder, OrdinalEncoder, LabelEncoder --------------------------------

enum class EncoderKind : uint8_t { kOneHot, kOrdinal, kLabel, kLabelBinarizer };
// LabelBinarizer.y_type_ (what fit saw): binary and multiclass read one
// column of labels, multilabel-indicator an n_classes-wide 0/1 matrix.
enum class LabelTarget : uint8_t { kBinary, kMulticlass, kMultilabel };
// handle_unknown: kError everywhere; kIgnore and kInfrequentIfExist for
// one-hot; kUseEncodedValue for ordinal (unknown_value).
enum class UnknownRule : uint8_t { kError, kIgnore, kInfrequentIfExist, kUseEncodedValue };

// One input column's categories_ entry: numbers (sorted ascending, unique,
// at most one NaN, last) or strings (any order, unique) optionally followed
// by None and then NaN, as scikit-learn's _unique_python orders them.
struct EncoderFeatureInput {
  bool is_string = false;
  std::span<const double> numbers;
  std::span<const std::string> strings;
  bool has_none = false;  // string features only
  bool has_nan = false;   // string features only (numeric: a trailing NaN in numbers)
  int64_t drop = -1;      // drop_idx_ after infrequent grouping, or -1
  std::span<const int64_t> infrequent;  // _infrequent_indices[i] (sorted), or empty
};

struct EncoderFeature {
  bool is_string = false;
  std::vector<double> numbers;
  std::vector<std::string> strings;
  bool has_none = false, has_nan = false;
  int32_t drop = -1;
  std::vector<int32_t> infrequent;
  // Derived by the builder:
  int32_t n_categories = 0;
  std::vector<int32_t> order;   // strings sorted by text: indices into strings
  std::vector<int32_t> group;   // category -> grouped index (infrequent ones share the last)
  int32_t width = 0;            // one-hot columns of this feature
  int32_t offset = 0;           // first one-hot column of this feature
};

struct CategoricalEncoder {
  EncoderKind kind = EncoderKind::kOneHot;
  int32_t n_features = 0;
  UnknownRule handle_unknown = UnknownRule::kError;
  double unknown_value = 0;           // kUseEncodedValue
  double encoded_missing_value = 0;   // ordinal: output for a NaN category (NaN by default)
  std::vector<EncoderFeature> features;
  int32_t width = 0;
  // LabelBinarizer only (classes_ is features[0]; n_features is 1, or
  // n_classes for multilabel-indicator): integers, neg_label < pos_label.
  LabelTarget y_type = LabelTarget::kBinary;
  double neg_label = 0, pos_label = 1;

  CategoricalEncoder() = default;
  CategoricalEncoder(CategoricalEncoder&&) = default;
  CategoricalEncoder& operator=(CategoricalEncoder&&) = default;
  CategoricalEncoder Clone() const { return CategoricalEncoder(*this); }

 private:
  CategoricalEncoder(const CategoricalEncoder&) = default;
};

struct CategoricalEncoderInput {
  EncoderKind kind = EncoderKind::kOneHot;
  int64_t n_features_in = -1;  // n_features_in_, or -1 (then len(categories_))
  UnknownRule handle_unknown = UnknownRule::kError;
  double unknown_value = 0;
  double encoded_missing_value = 0;
  std::vector<EncoderFeatureInput> features;
  // LabelBinarizer only; the defaults for the other kinds.
  LabelTarget y_type = LabelTarget::kBinary;
  int64_t neg_label = 0, pos_label = 1;
};

// kCorruption: no features, a count mismatch, numeric categories unsorted or
// repeated or with NaN before the end, repeated strings, drop or infrequent
// indices out of range / unsorted / repeated, a drop or infrequent setting on
// an encoder kind that has none, a handle_unknown rule the kind does not have,
// a non-integral unknown_value other than NaN; more than 2^31 columns is
// kLimitExceeded. LabelBinarizer: classes_ not sorted and unique (strings by
// byte order, which is numpy's code point order for UTF-8), a non-integral,
// infinite or NaN class, None/nan among string classes, a y_type_ its class
// count cannot have (binary 1-2, multiclass 3+, multilabel-indicator 2+
// classes 0..k-1), neg_label >= pos_label or either beyond +-2^53, label
// settings on another kind.
Result<CategoricalEncoder> BuildCategoricalEncoder(const CategoricalEncoderInput& in, std::string_view path);
std::string ClassNameOf(const CategoricalEncoder& e);
std::string Describe(const CategoricalEncoder& e);
int32_t TransformWidth(const CategoricalEncoder& e);
// An unknown category with handle_unknown='error' is kInvalidArgument naming
// the row, column and value; +-inf on a numeric feature too (allow-nan).
// LabelBinarizer follows label_binarize, which looks at the whole batch:
// a label not seen in fit gives a row of neg_label; a single-class fit gives
// neg_label everywhere unless the batch holds 3+ distinct labels (then
// pos_label where it is the class). kInvalidArgument naming the cell: NaN or
// inf, a non-integral number in an all-numeric column ('continuous'), a
// multilabel cell other than 0/1, and a batch of 3+ distinct labels for a
// 2-class fit (scikit-learn would return 2 columns instead of 1).
Result<Matrix> Transform(const CategoricalEncoder& e, const TableView& x);

// ---- ColumnTransformer, FeatureUnion ---------------------------------------------

// The fitted transformers_ (or transformer_list) without 'drop' parts and
// parts that select no column. A 'passthrough' part is an empty Pipeline.
// Output: each part's transform of its columns, times its weight, side by
// side in part order (1.2.1's _hstack).
struct ColumnTransformer {
  bool is_union = false;         // FeatureUnion: every part reads all columns
  int32_t n_features = 0;
  std::vector<std::string> names;
  std::vector<Estimator> parts;
  std::vector<std::vector<int32_t>> columns;  // ColumnTransformer: input columns of each part
  std::vector<double> weights;                // 1.0 when none was given
  int32_t remainder = -1;                     // index of the remainder part, or -1
  std::vector<int32_t> part_widths;           // derived: columns each part returns
  int32_t width = 0;

  ColumnTransformer();
  ColumnTransformer(ColumnTransformer&&) noexcept;
  ColumnTransformer& operator=(ColumnTransformer&&) noexcept;
  ~ColumnTransformer();
  ColumnTransformer Clone() const;
};

struct ColumnTransformerInput {
  bool is_union = false;
  int64_t n_features_in = -1;  // ColumnTransformer: required; FeatureUnion: -1 (from its parts)
  std::vector<std::string> names;
  std::vector<Estimator>* parts = nullptr;  // moved from
  std::vector<std::vector<int64_t>> columns;
  std::vector<double> weights;
  int64_t remainder = -1;
};

// kCorruption: a part that is not a transformer, a column index out of
// range or repeated within a part, a part whose n_features differs from its
// column count, a remainder holding a column another part selects (or out of
// order), a non-finite weight, parallel arrays of different lengths; a
// union whose parts disagree on the width.
Result<ColumnTransformer> BuildColumnTransformer(ColumnTransformerInput in, std::string_view path);
std::string ClassNameOf(const ColumnTransformer& c);
std::string Describe(const ColumnTransformer& c);
int32_t TransformWidth(const ColumnTransformer& c);
Result<Matrix> Transform(const ColumnTransformer& c, const TableView& x);

}  // namespace safemodel::estimators

#endif  // SAFEMODEL_ESTIMATORS_ENCODERS_H_
