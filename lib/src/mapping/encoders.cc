// Adapters of the encoders and column transformers: OneHotEncoder (0.20+
// categories_ layout), OrdinalEncoder, LabelEncoder, LabelBinarizer, ColumnTransformer,
// FeatureUnion. Column selectors of ColumnTransformer are resolved to
// indices here (names through feature_names_in_), the builder checks them.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "mapping/sklearn.h"
#include "util/text.h"

namespace safemodel::mapping {

using pickle::Kind;
using pickle::Value;

namespace {

struct Categories {
  bool is_string = false;
  std::vector<double> numbers;
  std::vector<std::string> strings;
  bool has_none = false, has_nan = false;
};

bool IsNanObject(const Value* v) {
  if (v == nullptr) return false;
  if (v->kind == Kind::kFloat) return std::isnan(v->f);
  if (v->kind == Kind::kScalar) {
    auto d = ScalarToDouble(v, "");
    return d.ok() && std::isnan(*d);
  }
  return false;
}

// An object array of categories: str... then None, then nan (string
// features), or numbers only.
Result<Categories> FromObjects(const Value* v, const std::vector<const Value*>& items, const std::string& what) {
  Categories c;
  for (const Value* it : items) {
    if (it != nullptr && it->kind == Kind::kStr) c.is_string = true;
  }
  for (size_t j = 0; j < items.size(); ++j) {
    const Value* it = items[j];
    const std::string wj = what + "[" + std::to_string(j) + "]";
    if (!c.is_string) {
      SAFEMODEL_ASSIGN_OR_RETURN(double d, ReadNumber(it, wj));
      c.numbers.push_back(d);
      continue;
    }
    if (it != nullptr && it->kind == Kind::kStr) {
      if (c.has_none || c.has_nan) return Corruption(Where(it, wj) + ": a string after None/nan (fit puts them last)");
      c.strings.emplace_back(it->text());
    } else if (it != nullptr && it->kind == Kind::kNone) {
      if (c.has_none || c.has_nan) return Corruption(Where(it, wj) + ": None after None/nan");
      c.has_none = true;
    } else if (IsNanObject(it)) {
      if (c.has_nan) return Corruption(Where(it, wj) + ": nan twice");
      c.has_nan = true;
    } else {
      return Corruption(Where(it, wj) + ": expected str, None or nan among string categories, got " +
                        pickle::Describe(it));
    }
  }
  (void)v;
  return c;
}

Result<Categories> ReadCategories(const Value* v, const std::string& what) {
  if (v != nullptr && v->kind == Kind::kNdArray && v->array && v->array->dtype && v->array->dtype->kind == 'O') {
    if (v->array->shape.size() != 1) return Corruption(Where(v, what) + ": expected a 1-d array");
    return FromObjects(v, v->array->objects, what);
  }
  if (v != nullptr && v->kind == Kind::kList) return FromObjects(v, v->items, what);
  SAFEMODEL_ASSIGN_OR_RETURN(auto labels, ReadLabels(v, what));
  Categories c;
  if (auto* s = std::get_if<std::vector<std::string>>(&labels)) {
    c.is_string = true;
    c.strings = std::move(*s);
  } else if (auto* i = std::get_if<std::vector<int64_t>>(&labels)) {
    for (int64_t x : *i) c.numbers.push_back(static_cast<double>(x));
  } else {
    c.numbers = std::move(std::get<std::vector<double>>(labels));
  }
  return c;
}

Result<std::vector<const Value*>> Items(const Value* v, const std::string& what) {
  if (v != nullptr && (v->kind == Kind::kList || v->kind == Kind::kTuple)) return v->items;
  if (v != nullptr && v->kind == Kind::kNdArray && v->array && !v->array->objects.empty()) return v->array->objects;
  return Corruption(Where(v, what) + ": expected a list, got " + pickle::Describe(v));
}

// drop_idx_ (or 1.3+'s _drop_idx_after_grouping): None, or one entry per
// feature, None for a feature without a drop.
Result<std::vector<int64_t>> ReadDrop(const Attrs& a, size_t n) {
  const char* attr = a.Get("_drop_idx_after_grouping") != nullptr ? "_drop_idx_after_grouping" : "drop_idx_";
  const Value* v = a.Get(attr);
  std::vector<int64_t> out(n, -1);
  if (v == nullptr || v->kind == Kind::kNone) return out;
  std::vector<int64_t> vals;
  if (v->kind == Kind::kNdArray && v->array && v->array->dtype && v->array->dtype->kind != 'O') {
    SAFEMODEL_ASSIGN_OR_RETURN(vals, ReadInt64s(v, a.Field(attr), nullptr));
  } else {
    SAFEMODEL_ASSIGN_OR_RETURN(auto items, Items(v, a.Field(attr)));
    for (size_t i = 0; i < items.size(); ++i) {
      if (items[i] != nullptr && items[i]->kind == Kind::kNone) {
        vals.push_back(-1);
      } else {
        SAFEMODEL_ASSIGN_OR_RETURN(int64_t x, ReadInt(items[i], a.Field(attr) + "[" + std::to_string(i) + "]"));
        if (x < 0) return Corruption(Where(items[i], a.Field(attr) + "[" + std::to_string(i) + "]") + ": negative");
        vals.push_back(x);
      }
    }
  }
  if (vals.size() != n) {
    return Corruption(Where(v, a.Field(attr)) + ": " + std::to_string(vals.size()) + " entries for " +
                      std::to_string(n) + " features");
  }
  for (size_t i = 0; i < n; ++i) {
    if (vals[i] < -1) return Corruption(Where(v, a.Field(attr)) + "[" + std::to_string(i) + "]: negative");
  }
  return vals;
}

Result<estimators::UnknownRule> ReadRule(const Attrs& a, bool one_hot) {
  if (a.Get("handle_unknown") == nullptr) return estimators::UnknownRule::kError;
  SAFEMODEL_ASSIGN_OR_RETURN(std::string h, a.Str("handle_unknown"));
  if (h == "error") return estimators::UnknownRule::kError;
  if (one_hot && h == "ignore") return estimators::UnknownRule::kIgnore;
  if (one_hot && h == "infrequent_if_exist") return estimators::UnknownRule::kInfrequentIfExist;
  if (!one_hot && h == "use_encoded_value") return estimators::UnknownRule::kUseEncodedValue;
  return a.Refuse(a.Get("handle_unknown"), "handle_unknown='" + EscapeForTerminal(h) + "' is not supported");
}

// unknown_value / encoded_missing_value: None (default), an int or nan.
Result<double> ReadOptionalNumber(const Attrs& a, std::string_view attr, double fallback) {
  const Value* v = a.Get(attr);
  if (v == nullptr || v->kind == Kind::kNone) return fallback;
  return ReadNumber(v, a.Field(attr));
}

Result<estimators::Estimator> MapCategorical(const Attrs& a, Family family) {
  estimators::CategoricalEncoderInput in;
  std::vector<Categories> cats;
  std::vector<std::vector<int64_t>> infrequent;
  if (family == Family::kLabelEncoder) {
    in.kind = estimators::EncoderKind::kLabel;
    SAFEMODEL_ASSIGN_OR_RETURN(const Value* v, a.Need("classes_"));
    SAFEMODEL_ASSIGN_OR_RETURN(auto c, ReadCategories(v, a.Field("classes_")));
    cats.push_back(std::move(c));
  } else {
    in.kind = family == Family::kOneHotEncoder ? estimators::EncoderKind::kOneHot : estimators::EncoderKind::kOrdinal;
    if (a.Get("_legacy_mode") != nullptr) {
      SAFEMODEL_ASSIGN_OR_RETURN(bool legacy, a.Bool("_legacy_mode"));
      if (legacy) return a.Refuse(a.Get("_legacy_mode"), "OneHotEncoder in legacy (pre-0.20 n_values_) mode");
    }
    SAFEMODEL_ASSIGN_OR_RETURN(const Value* v, a.Need("categories_"));
    SAFEMODEL_ASSIGN_OR_RETURN(auto items, Items(v, a.Field("categories_")));
    for (size_t i = 0; i < items.size(); ++i) {
      SAFEMODEL_ASSIGN_OR_RETURN(auto c, ReadCategories(items[i], a.Field("categories_[" + std::to_string(i) + "]")));
      cats.push_back(std::move(c));
    }
    SAFEMODEL_ASSIGN_OR_RETURN(in.n_features_in, DeclaredNumFeatures(a));
    SAFEMODEL_ASSIGN_OR_RETURN(in.handle_unknown, ReadRule(a, family == Family::kOneHotEncoder));
  }
  infrequent.resize(cats.size());
  std::vector<int64_t> drop(cats.size(), -1);
  bool infrequent_on = false;
  if (a.Get("_infrequent_enabled") != nullptr) {
    SAFEMODEL_ASSIGN_OR_RETURN(infrequent_on, a.Bool("_infrequent_enabled"));
  }
  if (family == Family::kOneHotEncoder) {
    SAFEMODEL_ASSIGN_OR_RETURN(drop, ReadDrop(a, cats.size()));
    if (infrequent_on) {
      SAFEMODEL_ASSIGN_OR_RETURN(const Value* iv, a.Need("_infrequent_indices"));
      SAFEMODEL_ASSIGN_OR_RETURN(auto items, Items(iv, a.Field("_infrequent_indices")));
      if (items.size() != cats.size()) return Corruption(Where(iv, a.Field("_infrequent_indices")) + ": wrong length");
      for (size_t i = 0; i < items.size(); ++i) {
        if (items[i] == nullptr || items[i]->kind == Kind::kNone) continue;
        SAFEMODEL_ASSIGN_OR_RETURN(infrequent[i], ReadInt64s(items[i], a.Field("_infrequent_indices[" +
                                                                                  std::to_string(i) + "]"), nullptr));
      }
    }
  } else if (infrequent_on) {
    return a.Refuse(a.Get("_infrequent_enabled"), "OrdinalEncoder with infrequent categories (1.3+)");
  }
  if (family == Family::kOrdinalEncoder) {
    SAFEMODEL_ASSIGN_OR_RETURN(in.unknown_value, ReadOptionalNumber(a, "unknown_value", NAN));
    SAFEMODEL_ASSIGN_OR_RETURN(in.encoded_missing_value, ReadOptionalNumber(a, "encoded_missing_value", NAN));
  }
  for (size_t i = 0; i < cats.size(); ++i) {
    estimators::EncoderFeatureInput f;
    f.is_string = cats[i].is_string;
    f.numbers = cats[i].numbers;
    f.strings = cats[i].strings;
    f.has_none = cats[i].has_none;
    f.has_nan = cats[i].has_nan;
    f.drop = drop[i];
    f.infrequent = infrequent[i];
    in.features.push_back(f);
  }
  SAFEMODEL_ASSIGN_OR_RETURN(auto built, estimators::BuildCategoricalEncoder(in, a.path()));
  return estimators::Estimator{std::move(built)};
}

// ---- LabelBinarizer ----------------------------------------------------------

// neg_label / pos_label: ints (floats holding integers in pickles older than
// 1.2's parameter validation).
Result<int64_t> ReadLabelSetting(const Attrs& a, std::string_view attr) {
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* v, a.Need(attr));
  SAFEMODEL_ASSIGN_OR_RETURN(double d, ReadNumber(v, a.Field(attr)));
  if (!(std::fabs(d) <= 9007199254740992.0) || d != std::floor(d)) {
    return Corruption(Where(v, a.Field(attr)) + ": " + estimators::FormatDouble(d) + " is not an integer within +-2^53");
  }
  return static_cast<int64_t>(d);
}

// The same state in every version 0.18-1.9: classes_, y_type_, neg_label,
// pos_label, sparse_output (sparse_input_ only matters to inverse_transform).
Result<estimators::Estimator> MapLabelBinarizer(const Attrs& a) {
  estimators::CategoricalEncoderInput in;
  in.kind = estimators::EncoderKind::kLabelBinarizer;
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* v, a.Need("classes_"));
  SAFEMODEL_ASSIGN_OR_RETURN(auto c, ReadCategories(v, a.Field("classes_")));
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* tv, a.Need("y_type_"));
  SAFEMODEL_ASSIGN_OR_RETURN(std::string y_type, ReadStr(tv, a.Field("y_type_")));
  if (y_type == "binary") {
    in.y_type = estimators::LabelTarget::kBinary;
  } else if (y_type == "multiclass") {
    in.y_type = estimators::LabelTarget::kMulticlass;
  } else if (y_type == "multilabel-indicator") {
    in.y_type = estimators::LabelTarget::kMultilabel;
  } else {
    return Corruption(Where(tv, a.Field("y_type_")) + ": '" + EscapeForTerminal(y_type) +
                      "' is not a target LabelBinarizer.fit accepts (binary, multiclass, multilabel-indicator)");
  }
  SAFEMODEL_ASSIGN_OR_RETURN(in.neg_label, ReadLabelSetting(a, "neg_label"));
  SAFEMODEL_ASSIGN_OR_RETURN(in.pos_label, ReadLabelSetting(a, "pos_label"));
  if (const Value* sv = a.Get("sparse_output"); sv != nullptr) {
    SAFEMODEL_ASSIGN_OR_RETURN(bool sparse, ReadBool(sv, a.Field("sparse_output")));
    // fit refuses this pair; our output is dense either way.
    if (sparse && (in.pos_label == 0 || in.neg_label != 0)) {
      return Corruption(Where(sv, a.Field("sparse_output")) + ": sparse output with neg_label " +
                        std::to_string(in.neg_label) + ", pos_label " + std::to_string(in.pos_label) +
                        " (fit needs neg_label 0 and a non-zero pos_label)");
    }
  }
  estimators::EncoderFeatureInput f;
  f.is_string = c.is_string;
  f.numbers = c.numbers;
  f.strings = c.strings;
  f.has_none = c.has_none;
  f.has_nan = c.has_nan;
  in.features.push_back(f);
  SAFEMODEL_ASSIGN_OR_RETURN(auto built, estimators::BuildCategoricalEncoder(in, a.path()));
  return estimators::Estimator{std::move(built)};
}

// ---- ColumnTransformer, FeatureUnion -----------------------------------------

Result<int64_t> NameIndex(const Value* v, std::string_view name, const std::vector<std::string>& names,
                          const std::string& what) {
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return static_cast<int64_t>(i);
  }
  if (names.empty()) {
    return Corruption(Where(v, what) + ": column '" + EscapeForTerminal(name) +
                      "' selected by name but the transformer has no feature_names_in_");
  }
  return Corruption(Where(v, what) + ": no input column named '" + EscapeForTerminal(name) + "'");
}

Result<int64_t> IntIndex(const Value* v, int64_t i, int64_t n, const std::string& what) {
  const int64_t k = i < 0 ? i + n : i;
  if (k < 0 || k >= n) {
    return Corruption(Where(v, what) + ": column " + std::to_string(i) + " out of range [0, " + std::to_string(n) + ")");
  }
  return k;
}

bool IsIntLike(const Value* v) {
  return v != nullptr && (v->kind == Kind::kInt || (v->kind == Kind::kScalar && v->dtype &&
                                                    (v->dtype->kind == 'i' || v->dtype->kind == 'u')));
}

// A selector of transformers_ as indices into the n input columns.
Result<std::vector<int64_t>> Resolve(const Value* sel, int64_t n, const std::vector<std::string>& names,
                                     const std::string& what) {
  std::vector<int64_t> out;
  if (sel == nullptr || sel->kind == Kind::kNone) return out;
  if (IsIntLike(sel)) {
    SAFEMODEL_ASSIGN_OR_RETURN(int64_t i, ReadInt(sel, what));
    SAFEMODEL_ASSIGN_OR_RETURN(int64_t k, IntIndex(sel, i, n, what));
    return std::vector<int64_t>{k};
  }
  if (sel->kind == Kind::kStr) {
    SAFEMODEL_ASSIGN_OR_RETURN(int64_t k, NameIndex(sel, sel->text(), names, what));
    return std::vector<int64_t>{k};
  }
  if (sel->IsClass("builtins", "slice") || sel->IsClass("__builtin__", "slice")) {
    if (sel->args == nullptr || sel->args->items.size() != 3) return Corruption(Where(sel, what) + ": malformed slice");
    const Value* start = sel->args->items[0];
    const Value* stop = sel->args->items[1];
    const Value* step = sel->args->items[2];
    const bool by_name = (start && start->kind == Kind::kStr) || (stop && stop->kind == Kind::kStr);
    int64_t st = 1;
    if (step != nullptr && step->kind != Kind::kNone) {
      SAFEMODEL_ASSIGN_OR_RETURN(st, ReadInt(step, what + ".step"));
    }
    if (st != 1 && (by_name || st <= 0)) return Unsupported(Where(sel, what) + ": slice with a step other than 1 is not supported");
    if (by_name) {
      // pandas .loc: both ends included.
      int64_t lo = 0, hi = static_cast<int64_t>(names.size()) - 1;
      if (start && start->kind != Kind::kNone) {
        SAFEMODEL_ASSIGN_OR_RETURN(lo, NameIndex(start, start->text(), names, what));
      }
      if (stop && stop->kind != Kind::kNone) {
        SAFEMODEL_ASSIGN_OR_RETURN(hi, NameIndex(stop, stop->text(), names, what));
      }
      for (int64_t k = lo; k <= hi; ++k) out.push_back(k);
      return out;
    }
    // Python slice semantics, clamped to [0, n].
    auto bound = [&](const Value* b, int64_t dflt) -> Result<int64_t> {
      if (b == nullptr || b->kind == Kind::kNone) return dflt;
      SAFEMODEL_ASSIGN_OR_RETURN(int64_t x, ReadInt(b, what));
      if (x < 0) x += n;
      return std::min(std::max<int64_t>(x, 0), n);
    };
    SAFEMODEL_ASSIGN_OR_RETURN(int64_t lo, bound(start, 0));
    SAFEMODEL_ASSIGN_OR_RETURN(int64_t hi, bound(stop, n));
    for (int64_t k = lo; k < hi; k += st) out.push_back(k);
    return out;
  }
  if (sel->kind == Kind::kNdArray && sel->array && sel->array->dtype && sel->array->dtype->kind == 'b') {
    SAFEMODEL_ASSIGN_OR_RETURN(auto mask, ReadInt64s(sel, what, nullptr));
    if (static_cast<int64_t>(mask.size()) != n) {
      return Corruption(Where(sel, what) + ": boolean mask of " + std::to_string(mask.size()) + " for " +
                        std::to_string(n) + " columns");
    }
    for (int64_t k = 0; k < n; ++k) {
      if (mask[static_cast<size_t>(k)]) out.push_back(k);
    }
    return out;
  }
  if (sel->kind == Kind::kNdArray && sel->array && sel->array->dtype &&
      (sel->array->dtype->kind == 'i' || sel->array->dtype->kind == 'u')) {
    SAFEMODEL_ASSIGN_OR_RETURN(auto idx, ReadInt64s(sel, what, nullptr));
    for (size_t j = 0; j < idx.size(); ++j) {
      SAFEMODEL_ASSIGN_OR_RETURN(int64_t k, IntIndex(sel, idx[j], n, what + "[" + std::to_string(j) + "]"));
      out.push_back(k);
    }
    return out;
  }
  if (sel->kind == Kind::kNdArray && sel->array && sel->array->dtype &&
      (sel->array->dtype->kind == 'U' || sel->array->dtype->kind == 'O')) {
    SAFEMODEL_ASSIGN_OR_RETURN(auto labels, ReadLabels(sel, what));
    auto* s = std::get_if<std::vector<std::string>>(&labels);
    if (s == nullptr) return Corruption(Where(sel, what) + ": expected column names");
    for (const auto& name : *s) {
      SAFEMODEL_ASSIGN_OR_RETURN(int64_t k, NameIndex(sel, name, names, what));
      out.push_back(k);
    }
    return out;
  }
  if (sel->kind == Kind::kList || sel->kind == Kind::kTuple) {
    const bool all_bool = !sel->items.empty() && std::all_of(sel->items.begin(), sel->items.end(), [](const Value* x) {
      return x != nullptr && x->kind == Kind::kBool;
    });
    if (all_bool) {
      if (static_cast<int64_t>(sel->items.size()) != n) return Corruption(Where(sel, what) + ": mask of wrong length");
      for (int64_t k = 0; k < n; ++k) {
        if (sel->items[static_cast<size_t>(k)]->b) out.push_back(k);
      }
      return out;
    }
    for (size_t j = 0; j < sel->items.size(); ++j) {
      const Value* x = sel->items[j];
      const std::string wj = what + "[" + std::to_string(j) + "]";
      if (x != nullptr && x->kind == Kind::kStr) {
        SAFEMODEL_ASSIGN_OR_RETURN(int64_t k, NameIndex(x, x->text(), names, wj));
        out.push_back(k);
      } else if (IsIntLike(x)) {
        SAFEMODEL_ASSIGN_OR_RETURN(int64_t i, ReadInt(x, wj));
        SAFEMODEL_ASSIGN_OR_RETURN(int64_t k, IntIndex(x, i, n, wj));
        out.push_back(k);
      } else {
        return Corruption(Where(x, wj) + ": expected a column index or name, got " + pickle::Describe(x));
      }
    }
    return out;
  }
  return Unsupported(Where(sel, what) + ": column selector " + pickle::Describe(sel) + " is not supported");
}

Result<std::vector<std::string>> FeatureNames(const Attrs& a) {
  const char* attr = a.Get("feature_names_in_") != nullptr ? "feature_names_in_" : "_feature_names_in";
  const Value* v = a.Get(attr);
  if (v == nullptr || v->kind == Kind::kNone) return std::vector<std::string>{};
  SAFEMODEL_ASSIGN_OR_RETURN(auto labels, ReadLabels(v, a.Field(attr)));
  auto* names = std::get_if<std::vector<std::string>>(&labels);
  if (names == nullptr) return std::vector<std::string>{};  // non-string column labels: no names
  return std::move(*names);
}

Result<double> Weight(const Attrs& a, const std::string& name) {
  const Value* w = a.Get("transformer_weights");
  if (w == nullptr || w->kind == Kind::kNone) return 1.0;
  if (w->kind != Kind::kDict) return Corruption(Where(w, a.Field("transformer_weights")) + ": expected a dict");
  const Value* v = w->Get(name);
  if (v == nullptr || v->kind == Kind::kNone) return 1.0;
  return ReadNumber(v, a.Field("transformer_weights['" + EscapeForTerminal(name) + "']"));
}

Result<estimators::Estimator> MapPart(const Value* t, const std::string& where, MapContext& ctx, bool* skip) {
  *skip = t == nullptr || t->kind == Kind::kNone || t->IsStr("drop");
  if (*skip) return estimators::Estimator{estimators::Pipeline{}};
  if (t->IsStr("passthrough")) return estimators::BuildPipeline({}, {}, where);
  // 1.2+ stores a passthrough part as FunctionTransformer(func=None): the identity.
  if (t->kind == Kind::kObject && t->name == "FunctionTransformer" &&
      (t->module == "sklearn.preprocessing._function_transformer" ||
       t->module == "sklearn.preprocessing.function_transformer")) {
    SAFEMODEL_ASSIGN_OR_RETURN(Attrs f, Attrs::Open(t, where));
    const Value* func = f.Get("func");
    if (func != nullptr && func->kind != Kind::kNone) {
      return f.Refuse(func, "FunctionTransformer with a function (only the identity, func=None, is mapped)");
    }
    return estimators::BuildPipeline({}, {}, where);
  }
  return MapEstimator(t, where, ctx);
}

Result<estimators::Estimator> MapColumns(const Attrs& a, Family family, MapContext& ctx) {
  const bool is_union = family == Family::kFeatureUnion;
  const char* list_attr = is_union ? "transformer_list" : "transformers_";
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* list, a.Need(list_attr));
  SAFEMODEL_ASSIGN_OR_RETURN(auto items, Items(list, a.Field(list_attr)));
  estimators::ColumnTransformerInput in;
  in.is_union = is_union;
  std::vector<std::string> names;
  if (!is_union) {
    SAFEMODEL_ASSIGN_OR_RETURN(in.n_features_in, DeclaredNumFeatures(a));
    if (in.n_features_in < 0 && a.Get("_n_features") != nullptr) {
      SAFEMODEL_ASSIGN_OR_RETURN(in.n_features_in, a.Int("_n_features"));
    }
    if (in.n_features_in < 0) return a.Refuse(nullptr, "no n_features_in_ or _n_features");
    SAFEMODEL_ASSIGN_OR_RETURN(names, FeatureNames(a));
  }
  std::vector<estimators::Estimator> parts;
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string where = a.Field(std::string(list_attr) + "[" + std::to_string(i) + "]");
    const Value* t = items[i];
    const size_t want = is_union ? 2 : 3;
    if (t == nullptr || (t->kind != Kind::kTuple && t->kind != Kind::kList) || t->items.size() != want) {
      return Corruption(Where(t, where) + ": expected a (name, transformer" + (is_union ? ")" : ", columns)") +
                        " tuple, got " + pickle::Describe(t));
    }
    SAFEMODEL_ASSIGN_OR_RETURN(std::string name, ReadStr(t->items[0], where + "[0]"));
    std::vector<int64_t> cols;
    if (!is_union) {
      SAFEMODEL_ASSIGN_OR_RETURN(cols, Resolve(t->items[2], in.n_features_in, names, where + "[2]"));
    }
    bool skip = false;
    ++ctx.depth;
    auto e = MapPart(t->items[1], where + "[1]", ctx, &skip);
    --ctx.depth;
    if (!e.ok()) return e.status();
    // _iter(replace_strings=True) skips 'drop' and empty selections.
    if (skip || (!is_union && cols.empty())) continue;
    SAFEMODEL_ASSIGN_OR_RETURN(double w, Weight(a, name));
    if (!is_union && name == "remainder" && i + 1 == items.size()) in.remainder = static_cast<int64_t>(parts.size());
    parts.push_back(std::move(e).value());
    in.names.push_back(name);
    in.weights.push_back(w);
    in.columns.push_back(std::move(cols));
  }
  if (is_union) in.columns.clear();
  in.parts = &parts;
  SAFEMODEL_ASSIGN_OR_RETURN(auto built, estimators::BuildColumnTransformer(std::move(in), a.path()));
  return estimators::Estimator{std::move(built)};
}

}  // namespace

Result<estimators::Estimator> MapEncoders(const Attrs& a, Family family, MapContext& ctx) {
  if (family == Family::kColumnTransformer || family == Family::kFeatureUnion) return MapColumns(a, family, ctx);
  if (family == Family::kLabelBinarizer) return MapLabelBinarizer(a);
  return MapCategorical(a, family);
}

}  // namespace safemodel::mapping
