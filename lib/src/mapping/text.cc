// Adapters of the text feature extractors: CountVectorizer, TfidfVectorizer
// (word analyzer, default token_pattern), TfidfTransformer, DictVectorizer.
//
// What predict needs, across 0.18-1.9: vocabulary_ (dict term -> column),
// the analyzer settings, and TfidfTransformer's idf, stored as `idf_` by
// newer releases or as the diagonal CSR matrix `_idf_diag` (1.2.1 and
// before). stop_words_ (terms cut by max_df/min_df/max_features),
// fixed_vocabulary_, max_df, min_df, max_features, encoding and decode_error
// only matter at fit, or for bytes input, and are dropped.
#include <algorithm>
#include <string>
#include <vector>

#include "estimators/text.h"
#include "mapping/sklearn.h"
#include "util/text.h"

namespace safemodel::mapping {

using pickle::Kind;
using pickle::Value;
namespace est = estimators;

namespace {

constexpr std::string_view kDefaultTokenPattern = R"((?u)\b\w\w+\b)";

bool IsNone(const Value* v) { return v == nullptr || v->kind == Kind::kNone; }

// A parameter that must be None (a callable there runs code at predict).
Status NeedNone(const Attrs& a, std::string_view attr) {
  const Value* v = a.Get(attr);
  if (IsNone(v)) return Status::Ok();
  return a.Refuse(v, std::string(attr) + "=" + pickle::Describe(v) + " is not supported (only None)");
}

// Reads an optional string parameter; nullopt for None, absent, False or ''
// (scikit-learn tests these parameters for truth).
Result<std::optional<std::string>> OptStr(const Attrs& a, std::string_view attr) {
  const Value* v = a.Get(attr);
  if (IsNone(v) || (v->kind == Kind::kBool && !v->b) || v->IsStr("")) return std::optional<std::string>{};
  if (v->kind != Kind::kStr) {
    return a.Refuse(v, std::string(attr) + "=" + pickle::Describe(v) + " is not supported (a callable or object)");
  }
  return std::optional<std::string>(std::string(v->text()));
}

Result<est::TfidfNorm> ReadNorm(const Attrs& a) {
  SAFEMODEL_ASSIGN_OR_RETURN(auto norm, OptStr(a, "norm"));
  if (!norm) return est::TfidfNorm::kNone;
  if (*norm == "l1") return est::TfidfNorm::kL1;
  if (*norm == "l2") return est::TfidfNorm::kL2;
  return Corruption(a.Field("norm") + ": '" + EscapeForTerminal(*norm) + "' is not l1, l2 or None");
}

// _idf_diag: sp.diags(idf, format="csr"), n x n with exactly the diagonal.
Result<std::vector<double>> ReadIdfDiag(const Attrs& a, const Value* m) {
  const std::string p = a.Field("_idf_diag");
  if (m->kind != Kind::kObject || m->name != "csr_matrix" || m->state == nullptr ||
      m->state->kind != Kind::kDict) {
    return a.Refuse(m, "_idf_diag is " + pickle::Describe(m) + ", expected a scipy csr_matrix");
  }
  const Value* st = m->state;
  const Value* shape = st->Get("_shape");
  if (shape == nullptr) return a.Refuse(m, "_idf_diag has no _shape");
  if (shape->kind != Kind::kTuple || shape->items.size() != 2) {
    return Corruption(Where(shape, p + "._shape") + ": expected a pair");
  }
  SAFEMODEL_ASSIGN_OR_RETURN(int64_t rows, ReadInt(shape->items[0], p + "._shape[0]"));
  SAFEMODEL_ASSIGN_OR_RETURN(int64_t cols, ReadInt(shape->items[1], p + "._shape[1]"));
  for (const char* k : {"data", "indices", "indptr"}) {
    if (st->Get(k) == nullptr) return a.Refuse(m, std::string("_idf_diag has no ") + k);
  }
  SAFEMODEL_ASSIGN_OR_RETURN(auto data, ReadDoubles(st->Get("data"), p + ".data", nullptr));
  SAFEMODEL_ASSIGN_OR_RETURN(auto indices, ReadInt64s(st->Get("indices"), p + ".indices", nullptr));
  SAFEMODEL_ASSIGN_OR_RETURN(auto indptr, ReadInt64s(st->Get("indptr"), p + ".indptr", nullptr));
  if (rows != cols || rows < 0 || data.size() != static_cast<uint64_t>(rows) || indices.size() != data.size() ||
      indptr.size() != data.size() + 1) {
    return Corruption(p + ": a " + std::to_string(rows) + "x" + std::to_string(cols) + " matrix with " +
                      std::to_string(data.size()) + " values, " + std::to_string(indices.size()) + " indices, " +
                      std::to_string(indptr.size()) + " indptr is not a full diagonal");
  }
  for (size_t i = 0; i < indices.size(); ++i) {
    if (indptr[i] != static_cast<int64_t>(i) || indices[i] != static_cast<int64_t>(i)) {
      return Corruption(p + ": row " + std::to_string(i) + " is not the diagonal entry alone");
    }
  }
  if (indptr.back() != static_cast<int64_t>(data.size())) return Corruption(p + ".indptr: does not end at nnz");
  return data;
}

// TfidfTransformer's weighting (also TfidfVectorizer._tfidf); `idf` keeps the
// array the input borrows.
Result<est::TfidfWeightsInput> ReadWeights(const Attrs& a, std::vector<double>& idf) {
  est::TfidfWeightsInput w;
  SAFEMODEL_ASSIGN_OR_RETURN(w.norm, ReadNorm(a));
  SAFEMODEL_ASSIGN_OR_RETURN(w.use_idf, a.Bool("use_idf"));
  SAFEMODEL_ASSIGN_OR_RETURN(w.smooth_idf, a.Bool("smooth_idf"));
  SAFEMODEL_ASSIGN_OR_RETURN(w.sublinear_tf, a.Bool("sublinear_tf"));
  if (w.use_idf) {
    if (const Value* v = a.Get("idf_"); !IsNone(v)) {
      SAFEMODEL_ASSIGN_OR_RETURN(idf, ReadDoubles(v, a.Field("idf_"), nullptr));
    } else if (const Value* m = a.Get("_idf_diag"); !IsNone(m)) {
      SAFEMODEL_ASSIGN_OR_RETURN(idf, ReadIdfDiag(a, m));
    } else {
      return a.Refuse(nullptr, "use_idf is set but neither idf_ nor _idf_diag is present (not fitted)");
    }
    w.idf = idf;
  }
  return w;
}

Result<est::Estimator> MapTfidfTransformer(const Attrs& a) {
  est::TfidfTransformerInput in;
  SAFEMODEL_ASSIGN_OR_RETURN(in.n_features_in, DeclaredNumFeatures(a));
  std::vector<double> idf;
  SAFEMODEL_ASSIGN_OR_RETURN(in.weights, ReadWeights(a, idf));
  SAFEMODEL_ASSIGN_OR_RETURN(auto t, est::BuildTfidfTransformer(in, a.path()));
  return est::Estimator{std::move(t)};
}

// vocabulary_ inverted: terms[j] for column j; refuses anything that is not a
// bijection onto [0, n).
Result<std::vector<std::string>> ReadVocabulary(const Attrs& a, std::string_view attr) {
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* v, a.Need(attr));
  const std::string p = a.Field(attr);
  if (v->kind != Kind::kDict) return Corruption(Where(v, p) + ": expected a dict, got " + pickle::Describe(v));
  const size_t n = v->entries.size();
  std::vector<std::string> terms(n);
  std::vector<bool> seen(n, false);
  for (const auto& [key, val] : v->entries) {
    SAFEMODEL_ASSIGN_OR_RETURN(std::string term, ReadStr(key, p + " key"));
    const std::string where = p + "['" + EscapeForTerminal(term) + "']";
    SAFEMODEL_ASSIGN_OR_RETURN(int64_t j, ReadInt(val, where));
    if (j < 0 || static_cast<uint64_t>(j) >= n) {
      return Corruption(where + ": " + std::to_string(j) + " out of range [0, " + std::to_string(n) + ")");
    }
    if (seen[static_cast<size_t>(j)]) {
      return Corruption(where + ": column " + std::to_string(j) + " already belongs to '" +
                        EscapeForTerminal(terms[static_cast<size_t>(j)]) + "'");
    }
    seen[static_cast<size_t>(j)] = true;
    terms[static_cast<size_t>(j)] = std::move(term);
  }
  return terms;
}

Result<std::vector<std::string>> ReadStopWords(const Attrs& a) {
  const Value* v = a.Get("stop_words");
  std::vector<std::string> out;
  if (IsNone(v)) return out;
  if (v->kind == Kind::kStr) {
    if (v->text() != "english") {
      return Corruption(a.Field("stop_words") + ": '" + EscapeForTerminal(v->text()) + "' is not a stop list");
    }
    for (std::string_view w : est::EnglishStopWords()) out.emplace_back(w);
    return out;
  }
  if (v->kind != Kind::kList && v->kind != Kind::kTuple && v->kind != Kind::kSet && v->kind != Kind::kFrozenSet) {
    return a.Refuse(v, "stop_words=" + pickle::Describe(v) + " is not supported");
  }
  for (size_t i = 0; i < v->items.size(); ++i) {
    SAFEMODEL_ASSIGN_OR_RETURN(std::string w, ReadStr(v->items[i], a.Field("stop_words[" + std::to_string(i) + "]")));
    out.push_back(std::move(w));
  }
  return out;
}

// numpy type the output is cast to: counts are exact in any of these; the
// tf-idf arithmetic is replicated in float64 only.
Status CheckDtype(const Attrs& a, bool tfidf) {
  const Value* v = a.Get("dtype");
  if (v == nullptr) return Status::Ok();
  std::string name;
  if (v->kind == Kind::kGlobal && v->module == "numpy") name = v->name;
  else if (v->kind == Kind::kDType && v->dtype) name = v->dtype->Str();
  const bool f64 = name == "float64" || name == "<f8";
  const bool ok = tfidf ? f64 : (f64 || name == "float32" || name == "<f4" || name == "int64" || name == "<i8" ||
                                 name == "int32" || name == "<i4");
  if (!ok) return a.Refuse(v, "dtype=" + pickle::Describe(v) + " is not supported");
  return Status::Ok();
}

Result<est::Estimator> MapTextVectorizer(const Attrs& a) {
  est::TextVectorizerInput in;
  in.tfidf = a.cls() == "TfidfVectorizer";
  SAFEMODEL_ASSIGN_OR_RETURN(auto analyzer, OptStr(a, "analyzer"));
  if (analyzer != "word") {
    return a.Refuse(a.Get("analyzer"), "analyzer='" + EscapeForTerminal(analyzer.value_or("None")) +
                                           "' is not supported (only 'word')");
  }
  SAFEMODEL_RETURN_IF_ERROR(NeedNone(a, "tokenizer"));
  SAFEMODEL_RETURN_IF_ERROR(NeedNone(a, "preprocessor"));
  SAFEMODEL_ASSIGN_OR_RETURN(auto pattern, OptStr(a, "token_pattern"));
  if (pattern != kDefaultTokenPattern) {
    return a.Refuse(a.Get("token_pattern"), "token_pattern '" + EscapeForTerminal(pattern.value_or("None")) +
                                                "' is not supported (only the default " +
                                                std::string(kDefaultTokenPattern) + ")");
  }
  if (const Value* v = a.Get("input"); v != nullptr && !v->IsStr("content")) {
    return a.Refuse(v, "input=" + pickle::Describe(v) + " is not supported (only 'content')");
  }
  SAFEMODEL_RETURN_IF_ERROR(CheckDtype(a, in.tfidf));
  SAFEMODEL_ASSIGN_OR_RETURN(in.lowercase, a.Bool("lowercase"));
  SAFEMODEL_ASSIGN_OR_RETURN(auto strip, OptStr(a, "strip_accents"));
  if (!strip) in.strip_accents = est::StripAccents::kNone;
  else if (*strip == "ascii") in.strip_accents = est::StripAccents::kAscii;
  else if (*strip == "unicode") in.strip_accents = est::StripAccents::kUnicode;
  else return Corruption(a.Field("strip_accents") + ": '" + EscapeForTerminal(*strip) + "' is not ascii or unicode");
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* ng, a.Need("ngram_range"));
  if ((ng->kind != Kind::kTuple && ng->kind != Kind::kList) || ng->items.size() != 2) {
    return Corruption(Where(ng, a.Field("ngram_range")) + ": expected a pair, got " + pickle::Describe(ng));
  }
  SAFEMODEL_ASSIGN_OR_RETURN(in.ngram_min, ReadInt(ng->items[0], a.Field("ngram_range[0]")));
  SAFEMODEL_ASSIGN_OR_RETURN(in.ngram_max, ReadInt(ng->items[1], a.Field("ngram_range[1]")));
  SAFEMODEL_ASSIGN_OR_RETURN(in.binary, a.Bool("binary"));
  SAFEMODEL_ASSIGN_OR_RETURN(auto terms, ReadVocabulary(a, "vocabulary_"));
  SAFEMODEL_ASSIGN_OR_RETURN(auto stop, ReadStopWords(a));
  in.terms = terms;
  in.stop_words = stop;
  std::vector<double> idf;
  if (in.tfidf) {
    SAFEMODEL_ASSIGN_OR_RETURN(const Value* t, a.Need("_tfidf"));
    SAFEMODEL_ASSIGN_OR_RETURN(Attrs ta, Attrs::Open(t, a.Field("_tfidf")));
    if (ta.cls() != "TfidfTransformer") return ta.Refuse(t, "_tfidf is not a TfidfTransformer");
    SAFEMODEL_ASSIGN_OR_RETURN(in.weights, ReadWeights(ta, idf));
  }
  SAFEMODEL_ASSIGN_OR_RETURN(auto v, est::BuildTextVectorizer(in, a.path()));
  return est::Estimator{std::move(v)};
}

Result<est::Estimator> MapDictVectorizer(const Attrs& a) {
  SAFEMODEL_RETURN_IF_ERROR(CheckDtype(a, true));
  SAFEMODEL_ASSIGN_OR_RETURN(std::string sep, a.Str("separator"));
  SAFEMODEL_ASSIGN_OR_RETURN(auto names, ReadVocabulary(a, "vocabulary_"));
  // feature_names_ must list the same columns in the same order.
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* fn, a.Need("feature_names_"));
  if (fn->kind != Kind::kList || fn->items.size() != names.size()) {
    return Corruption(Where(fn, a.Field("feature_names_")) + ": expected a list of " + std::to_string(names.size()) +
                      " names, got " + pickle::Describe(fn));
  }
  for (size_t j = 0; j < names.size(); ++j) {
    const std::string where = a.Field("feature_names_[" + std::to_string(j) + "]");
    SAFEMODEL_ASSIGN_OR_RETURN(std::string f, ReadStr(fn->items[j], where));
    if (f != names[j]) {
      return Corruption(where + ": '" + EscapeForTerminal(f) + "' but vocabulary_ maps '" +
                        EscapeForTerminal(names[j]) + "' to column " + std::to_string(j));
    }
  }
  est::DictVectorizerInput in;
  in.separator = sep;
  in.feature_names = names;
  SAFEMODEL_ASSIGN_OR_RETURN(auto d, est::BuildDictVectorizer(in, a.path()));
  return est::Estimator{std::move(d)};
}

}  // namespace

Result<est::Estimator> MapText(const Attrs& a, Family family) {
  switch (family) {
    case Family::kTextVectorizer: return MapTextVectorizer(a);
    case Family::kTfidfTransformer: return MapTfidfTransformer(a);
    case Family::kDictVectorizer: return MapDictVectorizer(a);
    default: break;
  }
  return a.Refuse(nullptr, "not a text feature extractor");
}

}  // namespace safemodel::mapping
