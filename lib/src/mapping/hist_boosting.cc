// HistGradientBoostingClassifier/Regressor: _baseline_prediction, the loss
// object's class, _predictors (lists of TreePredictor, whose `nodes` are a
// structured array read by field name at the offsets its dtype gives) and,
// when a split is categorical, the known categories of _bin_mapper.
//
// Node record fields by version: `threshold` before 0.24, `num_threshold`
// after; `missing_go_to_left` from 0.22 (without it X may not hold NaN);
// `is_categorical` and `bitset_idx` (and the predictor's
// raw_left_cat_bitsets) from 0.24.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "mapping/sklearn.h"
#include "util/checked.h"
#include "util/text.h"

namespace safemodel::mapping {

using pickle::Kind;
using pickle::Value;
namespace est = estimators;

Result<est::BoostLoss> ReadHistLoss(const Attrs& a);

namespace {


// One TreePredictor's columns, owned until the builder has copied them.
struct OwnedHistTree {
  std::vector<double> value, threshold;
  std::vector<int64_t> feature, left, right, bitset_idx;
  std::vector<uint8_t> missing, is_leaf, is_categorical;
  std::vector<uint32_t> bitsets;
  std::vector<uint64_t> bitsets_shape{0, est::kBitsetWords};
  bool has_missing = false;

  est::HistTreeArrays Arrays() const {
    return {value, feature, threshold, missing, left, right, is_leaf, is_categorical, bitset_idx, bitsets, bitsets_shape};
  }
};

Status ReadNodes(const Value* nodes, const std::string& nw, OwnedHistTree& out) {
  if (nodes == nullptr || nodes->kind != Kind::kNdArray || nodes->array == nullptr || nodes->array->dtype == nullptr ||
      !nodes->array->dtype->structured()) {
    return Corruption(Where(nodes, nw) + ": expected a structured array of node records, got " + pickle::Describe(nodes));
  }
  const pickle::NdArray& na = *nodes->array;
  const pickle::DTypeDesc& dt = *na.dtype;
  if (na.shape.size() != 1) return Corruption(Where(nodes, nw) + ": node records must be 1-d");
  const uint64_t n = na.shape[0];
  auto bytes = CheckedMul(n, dt.itemsize);
  if (!bytes || *bytes != na.data.size() || dt.itemsize == 0) {
    return Corruption(Where(nodes, nw) + ": " + std::to_string(na.data.size()) + " bytes do not hold " +
                      std::to_string(n) + " records of " + std::to_string(dt.itemsize) + " bytes");
  }
  SAFEMODEL_ASSIGN_OR_RETURN(RecordField value, FindRecordField(nodes, dt, "value", "f", nw, true));
  SAFEMODEL_ASSIGN_OR_RETURN(RecordField feature, FindRecordField(nodes, dt, "feature_idx", "iu", nw, true));
  SAFEMODEL_ASSIGN_OR_RETURN(RecordField threshold, FindRecordField(nodes, dt, "num_threshold", "f", nw, false));
  if (!threshold.present) {
    SAFEMODEL_ASSIGN_OR_RETURN(threshold, FindRecordField(nodes, dt, "threshold", "f", nw, true));  // < 0.24
  }
  SAFEMODEL_ASSIGN_OR_RETURN(RecordField left, FindRecordField(nodes, dt, "left", "iu", nw, true));
  SAFEMODEL_ASSIGN_OR_RETURN(RecordField right, FindRecordField(nodes, dt, "right", "iu", nw, true));
  SAFEMODEL_ASSIGN_OR_RETURN(RecordField is_leaf, FindRecordField(nodes, dt, "is_leaf", "iub", nw, true));
  SAFEMODEL_ASSIGN_OR_RETURN(RecordField missing, FindRecordField(nodes, dt, "missing_go_to_left", "iub", nw, false));
  SAFEMODEL_ASSIGN_OR_RETURN(RecordField is_cat, FindRecordField(nodes, dt, "is_categorical", "iub", nw, false));
  SAFEMODEL_ASSIGN_OR_RETURN(RecordField bitset_idx, FindRecordField(nodes, dt, "bitset_idx", "iu", nw, is_cat.present));
  for (const RecordField* f : {&is_leaf, &missing, &is_cat}) {
    if (f->present && f->size != 1) return Unsupported(Where(nodes, nw) + ": node flag fields must be one byte");
  }
  out.has_missing = missing.present;
  out.value.resize(n);
  out.threshold.resize(n);
  out.feature.resize(n);
  out.left.resize(n);
  out.right.resize(n);
  out.is_leaf.resize(n);
  if (missing.present) out.missing.resize(n);
  if (is_cat.present) {
    out.is_categorical.resize(n);
    out.bitset_idx.resize(n);
  }
  for (uint64_t i = 0; i < n; ++i) {
    const std::byte* rec = na.data.data() + i * dt.itemsize;
    out.value[i] = value.Float(rec);
    out.threshold[i] = threshold.Float(rec);
    out.feature[i] = feature.Int(rec);
    out.left[i] = left.Int(rec);
    out.right[i] = right.Int(rec);
    out.is_leaf[i] = static_cast<uint8_t>(is_leaf.Bits(rec));
    if (missing.present) out.missing[i] = static_cast<uint8_t>(missing.Bits(rec));
    if (is_cat.present) {
      out.is_categorical[i] = static_cast<uint8_t>(is_cat.Bits(rec));
      out.bitset_idx[i] = bitset_idx.Int(rec);
    }
  }
  return Status::Ok();
}

// raw_left_cat_bitsets (0.24+): u32 (n, 8); older predictors have none.
Status ReadBitsets(const Value* st, const std::string& where, OwnedHistTree& out) {
  const Value* b = st->Get("raw_left_cat_bitsets");
  if (b == nullptr) return Status::Ok();
  SAFEMODEL_ASSIGN_OR_RETURN(PlainArray arr, ReadPlainArray(b, where + ".raw_left_cat_bitsets"));
  if (arr.kind != 'u' || arr.itemsize != 4) {
    return Corruption(Where(b, where + ".raw_left_cat_bitsets") + ": expected uint32 bitsets");
  }
  out.bitsets_shape = arr.shape;
  out.bitsets.resize(arr.bytes.size() / 4);
  if (!out.bitsets.empty()) std::memcpy(out.bitsets.data(), arr.bytes.data(), out.bitsets.size() * 4);
  return Status::Ok();
}

Result<OwnedHistTree> ReadPredictor(const Value* p, const std::string& where) {
  if (p == nullptr || p->kind != Kind::kObject ||
      !p->IsClass("sklearn.ensemble._hist_gradient_boosting.predictor", "TreePredictor")) {
    return Corruption(Where(p, where) + ": expected a TreePredictor, got " + pickle::Describe(p));
  }
  const Value* st = p->state;
  if (st == nullptr || st->kind != Kind::kDict) {
    return Corruption(Where(p, where) + ": TreePredictor state must be a dict, got " + pickle::Describe(st));
  }
  OwnedHistTree out;
  SAFEMODEL_RETURN_IF_ERROR(ReadNodes(st->Get("nodes"), where + ".nodes", out));
  SAFEMODEL_RETURN_IF_ERROR(ReadBitsets(st, where, out));
  return out;
}

// _baseline_prediction: an array of K values ((1, K) from 1.1, (K, 1)
// before), or a numpy/Python scalar for K = 1 in old files.
Result<std::vector<double>> ReadBaseline(const Attrs& a) {
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* v, a.Need("_baseline_prediction"));
  if (v->kind == Kind::kNdArray) return ReadDoubles(v, a.Field("_baseline_prediction"), nullptr);
  SAFEMODEL_ASSIGN_OR_RETURN(double d, ReadNumber(v, a.Field("_baseline_prediction")));
  return std::vector<double>{d};
}

// make_known_categories_bitsets: for each categorical feature, the bits of
// its known categories (bin_thresholds_[f], integral values in [0, 255]).
Status ReadKnownCategories(const Attrs& a, std::vector<uint8_t>& is_cat, std::vector<uint32_t>& bitsets,
                           std::vector<uint64_t>& shape) {
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* bm, a.Need("_bin_mapper"));
  const std::string where = a.Field("_bin_mapper");
  if (!bm->IsClass("sklearn.ensemble._hist_gradient_boosting.binning", "_BinMapper") || bm->kind != Kind::kObject ||
      bm->state == nullptr || bm->state->kind != Kind::kDict) {
    return Corruption(Where(bm, where) + ": expected a _BinMapper, got " + pickle::Describe(bm));
  }
  const Value* ic = bm->state->Get("is_categorical_");
  const Value* th = bm->state->Get("bin_thresholds_");
  if (ic == nullptr || th == nullptr) {
    return a.Refuse(bm, "_bin_mapper lacks '" + std::string(ic == nullptr ? "is_categorical_" : "bin_thresholds_") + "'");
  }
  SAFEMODEL_ASSIGN_OR_RETURN(auto flags, ReadInt64s(ic, where + ".is_categorical_", nullptr));
  if (th->kind != Kind::kList || th->items.size() != flags.size()) {
    return Corruption(Where(th, where + ".bin_thresholds_") + ": expected a list of " + std::to_string(flags.size()) +
                      " arrays, got " + pickle::Describe(th));
  }
  for (size_t f = 0; f < flags.size(); ++f) {
    if (flags[f] != 0 && flags[f] != 1) {
      return Corruption(Where(ic, where + ".is_categorical_[" + std::to_string(f) + "]") + ": not 0 or 1");
    }
    is_cat.push_back(static_cast<uint8_t>(flags[f]));
    if (flags[f] == 0) continue;
    const std::string tw = where + ".bin_thresholds_[" + std::to_string(f) + "]";
    SAFEMODEL_ASSIGN_OR_RETURN(auto cats, ReadDoubles(th->items[f], tw, nullptr));
    std::vector<uint32_t> row(est::kBitsetWords, 0);
    for (size_t j = 0; j < cats.size(); ++j) {
      const double c = cats[j];
      if (!(c >= 0.0 && c <= 255.0) || c != std::floor(c)) {
        return Corruption(Where(th->items[f], tw + "[" + std::to_string(j) + "]") + ": category " + est::FormatDouble(c) +
                          " is not an integer in [0, 255]");
      }
      const auto cat = static_cast<uint32_t>(c);
      row[cat / 32] |= 1u << (cat % 32);
    }
    bitsets.insert(bitsets.end(), row.begin(), row.end());
  }
  shape = {bitsets.size() / est::kBitsetWords, est::kBitsetWords};
  return Status::Ok();
}

}  // namespace

Result<est::Estimator> MapHistGradientBoosting(const Attrs& a, MapContext& ctx) {
  (void)ctx;
  est::HistGradientBoostingInput in;
  in.class_name = a.cls();
  const bool classifier = a.cls() == "HistGradientBoostingClassifier";
  in.task = classifier ? est::BoostTask::kClassifier : est::BoostTask::kRegressor;
  // From 1.4, X may first go through an OrdinalEncoder built from pandas dtypes.
  if (const Value* pre = a.Get("_preprocessor"); pre != nullptr && pre->kind != Kind::kNone) {
    return a.Refuse(pre, "_preprocessor " + pickle::Describe(pre) + " (categorical_features='from_dtype') is not supported");
  }
  SAFEMODEL_ASSIGN_OR_RETURN(in.n_features, a.NumFeatures(false));
  if (in.n_features < 0) {
    SAFEMODEL_ASSIGN_OR_RETURN(in.n_features, a.Int("_n_features"));
  }
  SAFEMODEL_ASSIGN_OR_RETURN(in.loss, ReadHistLoss(a));
  SAFEMODEL_ASSIGN_OR_RETURN(in.trees_per_iteration, a.Int("n_trees_per_iteration_"));
  SAFEMODEL_ASSIGN_OR_RETURN(auto baseline, ReadBaseline(a));
  in.baseline = baseline;
  if (classifier) {
    SAFEMODEL_ASSIGN_OR_RETURN(in.classes, a.Labels("classes_"));
  }
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* preds, a.Need("_predictors"));
  const std::string pw = a.Field("_predictors");
  if (preds->kind != Kind::kList) return Corruption(Where(preds, pw) + ": expected a list, got " + pickle::Describe(preds));
  std::vector<OwnedHistTree> owned;
  for (size_t i = 0; i < preds->items.size(); ++i) {
    const Value* it = preds->items[i];
    const std::string iw = pw + "[" + std::to_string(i) + "]";
    if (it == nullptr || it->kind != Kind::kList || static_cast<int64_t>(it->items.size()) != in.trees_per_iteration) {
      return Corruption(Where(it, iw) + ": expected a list of n_trees_per_iteration_ (" +
                        std::to_string(in.trees_per_iteration) + ") predictors, got " + pickle::Describe(it));
    }
    for (size_t k = 0; k < it->items.size(); ++k) {
      SAFEMODEL_ASSIGN_OR_RETURN(auto t, ReadPredictor(it->items[k], iw + "[" + std::to_string(k) + "]"));
      owned.push_back(std::move(t));
    }
  }
  // NaN support came with missing_go_to_left (0.22); a file mixing record
  // layouts is refused by the builder (every tree then needs the field).
  in.accept_nan = owned.empty() || owned[0].has_missing;
  bool any_categorical = false;
  for (const auto& t : owned) {
    any_categorical = any_categorical || std::find(t.is_categorical.begin(), t.is_categorical.end(), 1) != t.is_categorical.end();
  }
  std::vector<uint8_t> is_cat;
  std::vector<uint32_t> known;
  if (any_categorical) {
    SAFEMODEL_RETURN_IF_ERROR(ReadKnownCategories(a, is_cat, known, in.known_shape));
    in.is_categorical = is_cat;
    in.known_cat_bitsets = known;
  }
  for (const auto& t : owned) in.trees.push_back(t.Arrays());
  SAFEMODEL_ASSIGN_OR_RETURN(auto built, est::BuildHistGradientBoosting(in, a.path()));
  return est::Estimator{std::move(built)};
}

}  // namespace safemodel::mapping
