// Text and dict feature extraction, transform only, as scikit-learn 1.2.1
// computes it: CountVectorizer and TfidfVectorizer with the word analyzer
// (one struct, TextVectorizer), TfidfTransformer on numeric input, and
// DictVectorizer.
//
// Documents: a text vectorizer takes one document per input row, in a table
// of one string column (TableView::strings). Its n_features is 1 (that
// column); its output has one column per vocabulary term. TakesDocuments()
// in estimator.h tells a caller to read input that way.
//
// What the word analyzer does, exactly as Python 3.11 (Unicode 14.0) does it:
//   str.lower() (full mappings, Final_Sigma context) when lowercase;
//   strip_accents 'ascii' (NFKD, keep ASCII) or 'unicode' (NFKD, drop
//   combining marks); tokens are the matches of r"(?u)\b\w\w+\b", i.e. maximal
//   runs of >= 2 code points that re's \w matches (str.isalnum() or '_');
//   tokens in stop_words dropped; word n-grams joined by one space.
// The tables come from scripts/gen_text_unicode.py (text_unicode.inc). Any
// other analyzer, tokenizer, preprocessor or token_pattern is refused by the
// mapper, by name.
//
// Errors from builders are kCorruption naming "<path>.<attribute>"
// (kLimitExceeded for sizes over int32); from Transform kInvalidArgument
// naming the row (invalid UTF-8, a number where a document belongs).
#ifndef SAFEMODEL_ESTIMATORS_TEXT_H_
#define SAFEMODEL_ESTIMATORS_TEXT_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "estimators/preprocessing.h"
#include "estimators/types.h"
#include "safemodel/status.h"

namespace safemodel::estimators {

// ---- tf-idf weighting (TfidfTransformer, TfidfVectorizer._tfidf) --------------

enum class TfidfNorm : uint8_t { kNone, kL1, kL2 };

struct TfidfWeights {
  TfidfNorm norm = TfidfNorm::kL2;
  bool use_idf = true;
  bool smooth_idf = true;   // only validation: idf_ >= 1 when set
  bool sublinear_tf = false;
  std::vector<double> idf;  // n_terms with use_idf, else empty
};

struct TfidfWeightsInput {
  TfidfNorm norm = TfidfNorm::kL2;
  bool use_idf = true;
  bool smooth_idf = true;
  bool sublinear_tf = false;
  std::span<const double> idf;  // empty iff !use_idf
};

// ---- CountVectorizer, TfidfVectorizer ----------------------------------------

enum class StripAccents : uint8_t { kNone, kAscii, kUnicode };

struct TextVectorizer {
  bool tfidf = false;        // TfidfVectorizer (weights below) or CountVectorizer
  int32_t n_features = 1;    // one column of documents
  bool lowercase = true;
  StripAccents strip_accents = StripAccents::kNone;
  int32_t ngram_min = 1, ngram_max = 1;
  bool binary = false;
  std::vector<std::string> terms;       // column j's term (vocabulary_ inverted)
  std::vector<std::string> stop_words;  // sorted, unique
  TfidfWeights weights;                 // tfidf only
  // Built from the above: term -> column, and the most words in a term (the
  // longest n-gram that can match).
  std::unordered_map<std::string, int32_t> index;
  int32_t longest_term_words = 1;

  TextVectorizer() = default;
  TextVectorizer(TextVectorizer&&) = default;
  TextVectorizer& operator=(TextVectorizer&&) = default;
  TextVectorizer Clone() const { return TextVectorizer(*this); }

 private:
  TextVectorizer(const TextVectorizer&) = default;
};

struct TextVectorizerInput {
  bool tfidf = false;
  bool lowercase = true;
  StripAccents strip_accents = StripAccents::kNone;
  int64_t ngram_min = 1, ngram_max = 1;
  bool binary = false;
  std::span<const std::string> terms;       // in column order
  std::span<const std::string> stop_words;  // any order, duplicates allowed
  TfidfWeightsInput weights;                // tfidf only
};

// kCorruption: ngram_range not 1 <= min <= max, an empty or repeated term,
// a term that is not valid UTF-8, idf_ of the wrong length, non-finite, < 1
// with smooth_idf or <= 0 without. kLimitExceeded: more than INT32_MAX terms.
Result<TextVectorizer> BuildTextVectorizer(const TextVectorizerInput& in, std::string_view path);
std::string ClassNameOf(const TextVectorizer& v);
std::string Describe(const TextVectorizer& v);
inline int32_t TransformWidth(const TextVectorizer& v) { return static_cast<int32_t>(v.terms.size()); }
// x: rows x 1 documents (strings). kInvalidArgument for another width, a
// numeric table, or a document that is not valid UTF-8.
Result<Matrix> Transform(const TextVectorizer& v, const TableView& x);

// scikit-learn's ENGLISH_STOP_WORDS (stop_words='english'), sorted.
std::span<const std::string_view> EnglishStopWords();

// The analyzer alone (tokens and n-grams of one document), for tests.
Result<std::vector<std::string>> AnalyzeDocument(const TextVectorizer& v, std::string_view doc);

// ---- TfidfTransformer ----------------------------------------------------------

struct TfidfTransformer {
  int32_t n_features = kAnyWidth;  // kAnyWidth: use_idf=False before 0.24
  TfidfWeights weights;

  TfidfTransformer() = default;
  TfidfTransformer(TfidfTransformer&&) = default;
  TfidfTransformer& operator=(TfidfTransformer&&) = default;
  TfidfTransformer Clone() const { return TfidfTransformer(*this); }

 private:
  TfidfTransformer(const TfidfTransformer&) = default;
};

struct TfidfTransformerInput {
  int64_t n_features_in = -1;  // n_features_in_, or -1 (then len(idf_), or any width)
  TfidfWeightsInput weights;
};

Result<TfidfTransformer> BuildTfidfTransformer(const TfidfTransformerInput& in, std::string_view path);
std::string ClassNameOf(const TfidfTransformer& t);
std::string Describe(const TfidfTransformer& t);
// X must be finite (scikit-learn's check_array).
Result<Matrix> Transform(const TfidfTransformer& t, MatrixView x);

// ---- DictVectorizer --------------------------------------------------------------

struct DictVectorizer {
  int32_t n_features = kAnyWidth;   // dicts of any keys
  std::string separator = "=";
  std::vector<std::string> feature_names;  // feature_names_, column order
  std::unordered_map<std::string, int32_t> index;

  DictVectorizer() = default;
  DictVectorizer(DictVectorizer&&) = default;
  DictVectorizer& operator=(DictVectorizer&&) = default;
  DictVectorizer Clone() const { return DictVectorizer(*this); }

 private:
  DictVectorizer(const DictVectorizer&) = default;
};

struct DictVectorizerInput {
  std::string_view separator = "=";
  std::span<const std::string> feature_names;
};

// kCorruption: an empty or repeated feature name.
Result<DictVectorizer> BuildDictVectorizer(const DictVectorizerInput& in, std::string_view path);
std::string ClassNameOf(const DictVectorizer& d);
std::string Describe(const DictVectorizer& d);
inline int32_t TransformWidth(const DictVectorizer& d) { return static_cast<int32_t>(d.feature_names.size()); }
// Each row is the dict {column name: cell}: a string cell s of column c is
// feature "c<separator>s" = 1, a number cell (NaN for an empty CSV cell, as
// pandas' to_dict gives) is feature "c" = the number; features not in the
// vocabulary are ignored. The table must carry column names.
Result<Matrix> Transform(const DictVectorizer& d, const TableView& x);

}  // namespace safemodel::estimators

#endif  // SAFEMODEL_ESTIMATORS_TEXT_H_
