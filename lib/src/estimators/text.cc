#include "estimators/text.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "util/text.h"

namespace safemodel::estimators {
namespace {

struct CodeRange {
  char32_t lo, hi;
};
struct MappedCodePoint {
  char32_t cp;
  uint32_t offset, length;  // into kMapPool
};
#include "estimators/text_unicode.inc"

bool InRanges(std::span<const CodeRange> r, char32_t c) {
  auto it = std::upper_bound(r.begin(), r.end(), c, [](char32_t v, const CodeRange& x) { return v < x.lo; });
  return it != r.begin() && c <= std::prev(it)->hi;
}

std::span<const char32_t> Mapped(std::span<const MappedCodePoint> m, char32_t c) {
  auto it = std::lower_bound(m.begin(), m.end(), c, [](const MappedCodePoint& x, char32_t v) { return x.cp < v; });
  if (it == m.end() || it->cp != c) return {};
  return std::span<const char32_t>(kMapPool).subspan(it->offset, it->length);
}

bool IsWord(char32_t c) { return InRanges(kWordRanges, c); }

// Strict UTF-8 (what Python's str holds): no overlong forms, surrogates or
// code points past U+10FFFF.
std::optional<std::u32string> DecodeUtf8(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    size_t n = b0 < 0x80 ? 1 : (b0 >> 5) == 6 ? 2 : (b0 >> 4) == 14 ? 3 : (b0 >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return std::nullopt;
    char32_t c = n == 1 ? b0 : n == 2 ? (b0 & 0x1F) : n == 3 ? (b0 & 0x0F) : (b0 & 0x07);
    for (size_t k = 1; k < n; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if ((b >> 6) != 2) return std::nullopt;
      c = (c << 6) | (b & 0x3F);
    }
    static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (c < kMin[n] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return std::nullopt;
    out.push_back(c);
    i += n;
  }
  return out;
}

void AppendUtf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

// CPython's handle_capital_sigma: final form when a cased letter precedes
// (case-ignorables skipped) and none follows.
char32_t LowerSigma(const std::u32string& s, size_t i) {
  size_t j = i;
  while (j > 0 && InRanges(kCaseIgnorableRanges, s[j - 1])) --j;
  bool final_sigma = j > 0 && InRanges(kCasedRanges, s[j - 1]);
  if (final_sigma) {
    size_t k = i + 1;
    while (k < s.size() && InRanges(kCaseIgnorableRanges, s[k])) ++k;
    final_sigma = k == s.size() || !InRanges(kCasedRanges, s[k]);
  }
  return final_sigma ? 0x3C2 : 0x3C3;
}

std::u32string Lower(const std::u32string& s) {
  std::u32string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == 0x3A3) {
      out.push_back(LowerSigma(s, i));
      continue;
    }
    auto m = Mapped(kLowerMap, s[i]);
    if (m.empty()) out.push_back(s[i]);
    else out.append(m.begin(), m.end());
  }
  return out;
}

// NFKD without the canonical reordering: both accent strippers keep only
// code points of combining class 0 (or ASCII), which reordering never moves.
void Decompose(char32_t c, std::u32string& out) {
  if (c >= 0xAC00 && c <= 0xD7A3) {  // Hangul syllables (Unicode ch. 3.12)
    const char32_t s = c - 0xAC00;
    out.push_back(0x1100 + s / 588);
    out.push_back(0x1161 + (s % 588) / 28);
    if (s % 28 != 0) out.push_back(0x11A7 + s % 28);
    return;
  }
  auto m = Mapped(kNfkdMap, c);
  if (m.empty()) out.push_back(c);
  else out.append(m.begin(), m.end());
}

std::u32string StripAccentsOf(const std::u32string& s, StripAccents mode) {
  std::u32string d, out;
  for (char32_t c : s) Decompose(c, d);
  for (char32_t c : d) {
    if (mode == StripAccents::kAscii ? c < 0x80 : !InRanges(kCombiningRanges, c)) out.push_back(c);
  }
  return out;
}

// Maximal runs of \w of at least two code points: the matches of
// \b\w\w+\b (a \b sits only at the ends of a run).
std::vector<std::string> Tokens(const std::u32string& s) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.size();) {
    if (!IsWord(s[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < s.size() && IsWord(s[j])) ++j;
    if (j - i >= 2) {
      std::string t;
      for (size_t k = i; k < j; ++k) AppendUtf8(t, s[k]);
      out.push_back(std::move(t));
    }
    i = j;
  }
  return out;
}

std::string RowWhere(size_t r) { return "X[" + std::to_string(r) + ", 0]"; }

// ---- tf-idf ----------------------------------------------------------------------

Result<TfidfWeights> BuildWeights(const TfidfWeightsInput& in, size_t n_terms, std::string_view path) {
  const std::string p(path);
  if (in.norm != TfidfNorm::kNone && in.norm != TfidfNorm::kL1 && in.norm != TfidfNorm::kL2) {
    return Corruption(p + ".norm: unknown norm " + std::to_string(static_cast<int>(in.norm)));
  }
  TfidfWeights w{in.norm, in.use_idf, in.smooth_idf, in.sublinear_tf, {}};
  if (!in.use_idf) {
    if (!in.idf.empty()) return Corruption(p + ".idf_: present but use_idf is False");
    return w;
  }
  if (in.idf.size() != n_terms) {
    return Corruption(p + ".idf_: " + std::to_string(in.idf.size()) + " values for " + std::to_string(n_terms) +
                      " features");
  }
  for (size_t j = 0; j < in.idf.size(); ++j) {
    const double v = in.idf[j];
    const bool ok = std::isfinite(v) && (in.smooth_idf ? v >= 1.0 : v > 0.0);
    if (!ok) {
      return Corruption(p + ".idf_[" + std::to_string(j) + "]: " + FormatDouble(v) + " is not " +
                        (in.smooth_idf ? "finite and >= 1 (smooth_idf)" : "finite and > 0"));
    }
  }
  w.idf.assign(in.idf.begin(), in.idf.end());
  return w;
}

// TfidfTransformer.transform of scikit-learn 1.2.1 on one CSR row (nonzero
// entries, columns ascending): log(tf) + 1, times idf_ through the sparse
// product X * _idf_diag (whose rows come out in descending column order from
// scipy's csr_matmat, the order the norm then sums in), then the row norm.
void WeighRow(const TfidfWeights& w, std::span<double> row) {
  std::vector<size_t> nz;
  for (size_t j = 0; j < row.size(); ++j) {
    if (row[j] != 0.0) nz.push_back(j);
  }
  for (size_t j : nz) {
    if (w.sublinear_tf) row[j] = std::log(row[j]) + 1.0;
    if (w.use_idf) row[j] = row[j] * w.idf[j];
  }
  if (w.use_idf) {
    std::reverse(nz.begin(), nz.end());
    std::erase_if(nz, [&](size_t j) { return row[j] == 0.0; });  // csr_matmat drops zeros
  }
  if (w.norm == TfidfNorm::kNone) return;
  double sum = 0.0;
  for (size_t j : nz) sum += w.norm == TfidfNorm::kL1 ? std::fabs(row[j]) : row[j] * row[j];
  if (sum == 0.0) return;
  if (w.norm == TfidfNorm::kL2) sum = std::sqrt(sum);
  for (size_t j : nz) row[j] /= sum;
}

std::string_view NormName(TfidfNorm n) { return n == TfidfNorm::kL1 ? "l1" : n == TfidfNorm::kL2 ? "l2" : "None"; }

std::string DescribeWeights(const TfidfWeights& w) {
  std::string s = ", norm " + std::string(NormName(w.norm));
  if (w.use_idf) s += ", idf";
  if (w.sublinear_tf) s += ", sublinear tf";
  return s;
}

Status CheckNames(std::span<const std::string> names, std::string_view path,
                  std::unordered_map<std::string, int32_t>& index) {
  if (names.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    return LimitExceeded(std::string(path) + ": " + std::to_string(names.size()) + " entries, over INT32_MAX");
  }
  index.reserve(names.size());
  for (size_t j = 0; j < names.size(); ++j) {
    const std::string where = std::string(path) + "[" + std::to_string(j) + "]";
    if (names[j].empty()) return Corruption(where + ": empty");
    if (!index.emplace(names[j], static_cast<int32_t>(j)).second) {
      return Corruption(where + ": '" + EscapeForTerminal(names[j]) + "' appears twice");
    }
  }
  return Status::Ok();
}

}  // namespace

std::span<const std::string_view> EnglishStopWords() { return kEnglishStopWords; }

// ---- TextVectorizer ------------------------------------------------------------------

Result<TextVectorizer> BuildTextVectorizer(const TextVectorizerInput& in, std::string_view path) {
  const std::string p(path);
  if (in.ngram_min < 1 || in.ngram_min > in.ngram_max || in.ngram_max > std::numeric_limits<int32_t>::max()) {
    return Corruption(p + ".ngram_range: (" + std::to_string(in.ngram_min) + ", " + std::to_string(in.ngram_max) +
                      ") is not 1 <= min <= max <= INT32_MAX");
  }
  if (in.strip_accents != StripAccents::kNone && in.strip_accents != StripAccents::kAscii &&
      in.strip_accents != StripAccents::kUnicode) {
    return Corruption(p + ".strip_accents: unknown mode");
  }
  TextVectorizer v;
  v.tfidf = in.tfidf;
  v.lowercase = in.lowercase;
  v.strip_accents = in.strip_accents;
  v.ngram_min = static_cast<int32_t>(in.ngram_min);
  v.ngram_max = static_cast<int32_t>(in.ngram_max);
  v.binary = in.binary;
  SAFEMODEL_RETURN_IF_ERROR(CheckNames(in.terms, p + ".vocabulary_", v.index));
  for (size_t j = 0; j < in.terms.size(); ++j) {
    if (!DecodeUtf8(in.terms[j])) return Corruption(p + ".vocabulary_[" + std::to_string(j) + "]: not valid UTF-8");
    const auto words = 1 + std::count(in.terms[j].begin(), in.terms[j].end(), ' ');
    v.longest_term_words = std::max<int32_t>(v.longest_term_words, static_cast<int32_t>(std::min<int64_t>(words, 1 << 30)));
  }
  v.terms.assign(in.terms.begin(), in.terms.end());
  v.stop_words.assign(in.stop_words.begin(), in.stop_words.end());
  std::sort(v.stop_words.begin(), v.stop_words.end());
  v.stop_words.erase(std::unique(v.stop_words.begin(), v.stop_words.end()), v.stop_words.end());
  if (in.tfidf) {
    SAFEMODEL_ASSIGN_OR_RETURN(v.weights, BuildWeights(in.weights, v.terms.size(), p + "._tfidf"));
  } else if (!in.weights.idf.empty()) {
    return Corruption(p + ": CountVectorizer with idf weights");
  }
  return v;
}

std::string ClassNameOf(const TextVectorizer& v) { return v.tfidf ? "TfidfVectorizer" : "CountVectorizer"; }

std::string Describe(const TextVectorizer& v) {
  std::string s = ClassNameOf(v) + ": " + std::to_string(v.terms.size()) + " terms, word " +
                  std::to_string(v.ngram_min) + "-" + std::to_string(v.ngram_max) + "-grams";
  if (!v.stop_words.empty()) s += ", " + std::to_string(v.stop_words.size()) + " stop words";
  if (v.binary) s += ", binary";
  if (v.tfidf) s += DescribeWeights(v.weights);
  return s;
}

Result<std::vector<std::string>> AnalyzeDocument(const TextVectorizer& v, std::string_view doc) {
  auto decoded = DecodeUtf8(doc);
  if (!decoded) return InvalidArgument("document is not valid UTF-8");
  std::u32string text = std::move(*decoded);
  if (v.lowercase) text = Lower(text);
  if (v.strip_accents != StripAccents::kNone) text = StripAccentsOf(text, v.strip_accents);
  std::vector<std::string> tokens = Tokens(text);
  if (!v.stop_words.empty()) {
    std::erase_if(tokens, [&](const std::string& t) {
      return std::binary_search(v.stop_words.begin(), v.stop_words.end(), t);
    });
  }
  if (v.ngram_max == 1) return tokens;
  // _word_ngrams; n-grams longer than every vocabulary term cannot count, so
  // they are not formed (the result for the vocabulary is the same).
  std::vector<std::string> out;
  int64_t min_n = v.ngram_min;
  if (min_n == 1) {
    out = tokens;
    min_n = 2;
  }
  const int64_t n_tokens = static_cast<int64_t>(tokens.size());
  const int64_t max_n = std::min<int64_t>({v.ngram_max, n_tokens, v.longest_term_words});
  for (int64_t n = min_n; n <= max_n; ++n) {
    for (int64_t i = 0; i + n <= n_tokens; ++i) {
      std::string g = tokens[i];
      for (int64_t k = 1; k < n; ++k) g += ' ' + tokens[i + k];
      out.push_back(std::move(g));
    }
  }
  return out;
}

Result<Matrix> Transform(const TextVectorizer& v, const TableView& x) {
  const std::string who = ClassNameOf(v);
  if (x.cols != 1) {
    return InvalidArgument("X has " + std::to_string(x.cols) + " columns, but " + who +
                           " takes one document per row (1 column)");
  }
  if (x.strings.size() != x.rows) {
    return InvalidArgument(who + " takes documents (text), not numbers");
  }
  Matrix out(x.rows, v.terms.size());
  for (size_t r = 0; r < x.rows; ++r) {
    auto features = AnalyzeDocument(v, x.strings[r]);
    if (!features.ok()) return InvalidArgument(RowWhere(r) + ": " + features.status().message());
    std::span<double> row(out.data.data() + r * out.cols, out.cols);
    for (const auto& f : *features) {
      if (auto it = v.index.find(f); it != v.index.end()) row[static_cast<size_t>(it->second)] += 1.0;
    }
    if (v.binary) {
      for (double& c : row) c = c != 0.0 ? 1.0 : 0.0;
    }
    if (v.tfidf) WeighRow(v.weights, row);
  }
  return out;
}

// ---- TfidfTransformer ----------------------------------------------------------------

Result<TfidfTransformer> BuildTfidfTransformer(const TfidfTransformerInput& in, std::string_view path) {
  const std::string p(path);
  TfidfTransformer t;
  int64_t n = in.n_features_in;
  if (n < 0 && in.weights.use_idf) n = static_cast<int64_t>(in.weights.idf.size());
  if (n >= 0) {
    SAFEMODEL_RETURN_IF_ERROR(CheckCount(p + ".n_features_in_", n, 1));
    t.n_features = static_cast<int32_t>(n);
  }
  SAFEMODEL_ASSIGN_OR_RETURN(t.weights, BuildWeights(in.weights, in.weights.use_idf ? static_cast<size_t>(n) : 0, p));
  return t;
}

std::string ClassNameOf(const TfidfTransformer&) { return "TfidfTransformer"; }

std::string Describe(const TfidfTransformer& t) {
  return "TfidfTransformer: " + (t.n_features == kAnyWidth ? std::string("any") : std::to_string(t.n_features)) +
         " features" + DescribeWeights(t.weights);
}

Result<Matrix> Transform(const TfidfTransformer& t, MatrixView x) {
  const size_t width = t.n_features == kAnyWidth ? x.cols : static_cast<size_t>(t.n_features);
  if (x.cols == 0) return InvalidArgument("X has 0 features; TfidfTransformer needs at least 1");
  SAFEMODEL_RETURN_IF_ERROR(CheckInput(x, width, FiniteRule::kFinite, "TfidfTransformer"));
  Matrix out(x.rows, x.cols);
  out.data.assign(x.data.begin(), x.data.end());
  for (size_t r = 0; r < x.rows; ++r) WeighRow(t.weights, std::span<double>(out.data.data() + r * x.cols, x.cols));
  return out;
}

// ---- DictVectorizer --------------------------------------------------------------------

Result<DictVectorizer> BuildDictVectorizer(const DictVectorizerInput& in, std::string_view path) {
  DictVectorizer d;
  SAFEMODEL_RETURN_IF_ERROR(CheckNames(in.feature_names, std::string(path) + ".feature_names_", d.index));
  d.separator = std::string(in.separator);
  d.feature_names.assign(in.feature_names.begin(), in.feature_names.end());
  return d;
}

std::string ClassNameOf(const DictVectorizer&) { return "DictVectorizer"; }

std::string Describe(const DictVectorizer& d) {
  return "DictVectorizer: " + std::to_string(d.feature_names.size()) + " features, separator '" +
         EscapeForTerminal(d.separator) + "'";
}

Result<Matrix> Transform(const DictVectorizer& d, const TableView& x) {
  if (x.column_names.size() != x.cols) {
    return InvalidArgument("DictVectorizer needs the input's column names (the dict keys): give a header row");
  }
  if (x.numbers.size() != x.rows * x.cols || (x.HasStrings() && x.strings.size() != x.numbers.size())) {
    return InvalidArgument("DictVectorizer: input arrays do not match its shape");
  }
  Matrix out(x.rows, d.feature_names.size());
  for (size_t r = 0; r < x.rows; ++r) {
    for (size_t c = 0; c < x.cols; ++c) {
      const size_t i = r * x.cols + c;
      const bool is_str = x.HasStrings() && x.is_string[i] != 0;
      const std::string name = is_str ? x.column_names[c] + d.separator + x.strings[i] : x.column_names[c];
      auto it = d.index.find(name);
      if (it == d.index.end()) continue;
      // csr_matrix((values, indices, indptr)).toarray() sums repeated columns.
      out.at(r, static_cast<size_t>(it->second)) += is_str ? 1.0 : x.numbers[i];
    }
  }
  return out;
}

}  // namespace safemodel::estimators
