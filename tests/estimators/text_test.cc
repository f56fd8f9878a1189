// Text features: each builder check refuses one broken field with its code
// and path; the analyzer on hand-picked Unicode cases whose answers Python
// gives (str.lower, re's \w, NFKD); transforms computed by hand; documents
// through Pipelines; every model through the file; `safemodel predict`
// reading whole lines as documents. scikit-learn comparisons are in
// tests/mapping/text_test.cc.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "estimators/estimator.h"
#include "format/estimator_codec.h"
#include "safemodel/model.h"
#include "smdl_roundtrip.h"
#include "test_util.h"
#include "estimators/estimator_test_util.h"

namespace safemodel::estimators {
namespace {



struct Vocab {
  std::vector<std::string> terms;
  std::vector<std::string> stop;
  std::vector<double> idf;
};

TextVectorizerInput CountInput(const Vocab& v) {
  TextVectorizerInput in;
  in.terms = v.terms;
  in.stop_words = v.stop;
  return in;
}

TextVectorizer MustBuild(const TextVectorizerInput& in) {
  auto v = BuildTextVectorizer(in, "V");
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  return std::move(v).value();
}

std::vector<std::string> Analyze(const TextVectorizer& v, std::string_view doc) {
  auto r = AnalyzeDocument(v, doc);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : std::vector<std::string>{};
}

using Strs = std::vector<std::string>;

// ---- builder validation ----------------------------------------------------------

TEST(TextBuild, NgramRangeMustBeOrderedAndPositive) {
  Vocab v{{"a b"}, {}, {}};
  auto in = CountInput(v);
  in.ngram_min = 0;
  EXPECT_REFUSED(BuildTextVectorizer(in, "V"), Code::kCorruption, "V.ngram_range: (0, 1)");
  in.ngram_min = 3;
  in.ngram_max = 2;
  EXPECT_REFUSED(BuildTextVectorizer(in, "V"), Code::kCorruption, "V.ngram_range: (3, 2)");
  in.ngram_min = 1;
  in.ngram_max = int64_t{1} << 40;
  EXPECT_REFUSED(BuildTextVectorizer(in, "V"), Code::kCorruption, "INT32_MAX");
}

TEST(TextBuild, TermsMustBeUniqueNonEmptyUtf8) {
  Vocab twice{{"fox", "dog", "fox"}, {}, {}};
  EXPECT_REFUSED(BuildTextVectorizer(CountInput(twice), "V"), Code::kCorruption, "V.vocabulary_[2]: 'fox' appears twice");
  Vocab empty{{"fox", ""}, {}, {}};
  EXPECT_REFUSED(BuildTextVectorizer(CountInput(empty), "V"), Code::kCorruption, "V.vocabulary_[1]: empty");
  Vocab bad{{"fox", "\xff\xfe"}, {}, {}};
  EXPECT_REFUSED(BuildTextVectorizer(CountInput(bad), "V"), Code::kCorruption, "V.vocabulary_[1]: not valid UTF-8");
}

TEST(TextBuild, IdfMustMatchTheVocabularyAndBeFinite) {
  Vocab v{{"fox", "dog"}, {}, {1.5, 2.0}};
  auto in = CountInput(v);
  in.tfidf = true;
  in.weights.idf = std::span<const double>(v.idf).first(1);
  EXPECT_REFUSED(BuildTextVectorizer(in, "V"), Code::kCorruption, "V._tfidf.idf_: 1 values for 2 features");
  v.idf = {1.5, kNaN};
  in.weights.idf = v.idf;
  EXPECT_REFUSED(BuildTextVectorizer(in, "V"), Code::kCorruption, "V._tfidf.idf_[1]: nan is not finite");
  v.idf = {1.5, 0.5};
  in.weights.idf = v.idf;
  EXPECT_REFUSED(BuildTextVectorizer(in, "V"), Code::kCorruption, "idf_[1]: 0.5 is not finite and >= 1 (smooth_idf)");
  in.weights.smooth_idf = false;
  EXPECT_TRUE(BuildTextVectorizer(in, "V").ok());
  v.idf = {1.5, 0.0};
  in.weights.idf = v.idf;
  EXPECT_REFUSED(BuildTextVectorizer(in, "V"), Code::kCorruption, "idf_[1]: 0 is not finite and > 0");
  in.weights.use_idf = false;
  EXPECT_REFUSED(BuildTextVectorizer(in, "V"), Code::kCorruption, "present but use_idf is False");
}

TEST(TextBuild, CountVectorizerHasNoIdfAndNormMustBeKnown) {
  Vocab v{{"fox"}, {}, {2.0}};
  auto in = CountInput(v);
  in.weights.idf = v.idf;
  EXPECT_REFUSED(BuildTextVectorizer(in, "V"), Code::kCorruption, "CountVectorizer with idf weights");
  in.tfidf = true;
  in.weights.norm = static_cast<TfidfNorm>(7);
  EXPECT_REFUSED(BuildTextVectorizer(in, "V"), Code::kCorruption, "V._tfidf.norm: unknown norm 7");
  in.weights.norm = TfidfNorm::kL2;
  in.strip_accents = static_cast<StripAccents>(9);
  EXPECT_REFUSED(BuildTextVectorizer(in, "V"), Code::kCorruption, "V.strip_accents: unknown mode");
}

TEST(TextBuild, TfidfTransformerWidthAndIdf) {
  std::vector<double> idf{1.0, 2.0};
  TfidfTransformerInput in;
  in.weights.idf = idf;
  in.n_features_in = 3;
  EXPECT_REFUSED(BuildTfidfTransformer(in, "T"), Code::kCorruption, "T.idf_: 2 values for 3 features");
  in.n_features_in = -1;
  auto t = BuildTfidfTransformer(in, "T");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->n_features, 2);
  in.weights.use_idf = false;
  in.weights.idf = {};
  t = BuildTfidfTransformer(in, "T");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->n_features, kAnyWidth);
}

TEST(TextBuild, DictVectorizerNamesUnique) {
  Strs names{"a", "b=x", "a"};
  DictVectorizerInput in;
  in.feature_names = names;
  EXPECT_REFUSED(BuildDictVectorizer(in, "D"), Code::kCorruption, "D.feature_names_[2]: 'a' appears twice");
}

// ---- the analyzer: answers from Python 3.11 ---------------------------------------

TEST(TextAnalyzer, TokensAreRunsOfTwoOrMoreWordCharacters) {
  Vocab v{{"x"}, {}, {}};
  auto t = MustBuild(CountInput(v));
  // re.findall(r"(?u)\b\w\w+\b", s.lower())
  EXPECT_EQ(Analyze(t, "The quick-brown fox, a I x2 2023 3.14 foo_bar __"),
            (Strs{"the", "quick", "brown", "fox", "x2", "2023", "14", "foo_bar", "__"}));
  // ² and ½ are \w (isdigit / isnumeric), the combining acute is not \w.
  EXPECT_EQ(Analyze(t, "x² ½½ e\xcc\x81te\xcc\x81 東京 한국어"), (Strs{"x²", "½½", "te", "東京", "한국어"}));
  EXPECT_EQ(Analyze(t, ""), Strs{});
}

TEST(TextAnalyzer, LowercaseIsPythonsIncludingFinalSigma) {
  Vocab v{{"x"}, {}, {}};
  auto t = MustBuild(CountInput(v));
  // 'ΟΔΟΣ ΣΑΣ'.lower() == 'οδος σας'; 'İ'.lower() == 'i' + U+0307, and the
  // combining dot is not \w: Python's tokens are 'stanbul' alone.
  EXPECT_EQ(Analyze(t, "ΟΔΟΣ ΣΑΣ ΑΣ'"), (Strs{"οδος", "σας", "ας"}));
  EXPECT_EQ(Analyze(t, "İstanbul ǅemal"), (Strs{"stanbul", "ǆemal"}));
  auto in = CountInput(v);
  in.lowercase = false;
  EXPECT_EQ(Analyze(MustBuild(in), "ΟΔΟΣ Fox"), (Strs{"ΟΔΟΣ", "Fox"}));
}

TEST(TextAnalyzer, StripAccentsAsciiAndUnicode) {
  Vocab v{{"x"}, {}, {}};
  auto in = CountInput(v);
  in.strip_accents = StripAccents::kAscii;
  // NFKD then ASCII only: 'ﬁne' -> 'fine', '東京' vanishes, 'x²' -> 'x2'.
  EXPECT_EQ(Analyze(MustBuild(in), "Café ﬁne x² 東京 ＡＢ"), (Strs{"cafe", "fine", "x2", "ab"}));
  in.strip_accents = StripAccents::kUnicode;
  // NFKD without combining marks: Hangul splits into jamo (still \w).
  EXPECT_EQ(Analyze(MustBuild(in), "Naïve ﬁne 東京 한"), (Strs{"naive", "fine", "東京", "\u1112\u1161\u11ab"}));
}

TEST(TextAnalyzer, StopWordsThenNgrams) {
  Vocab v{{"a b c"}, {"the", "of"}, {}};
  auto in = CountInput(v);
  in.ngram_min = 1;
  in.ngram_max = 3;
  EXPECT_EQ(Analyze(MustBuild(in), "the cat of the hat sat"),
            (Strs{"cat", "hat", "sat", "cat hat", "hat sat", "cat hat sat"}));
  in.ngram_min = 2;
  EXPECT_EQ(Analyze(MustBuild(in), "aa bb"), (Strs{"aa bb"}));
  EXPECT_EQ(EnglishStopWords().size(), 318u);
}

TEST(TextAnalyzer, InvalidUtf8IsRefusedNamingTheRow) {
  Vocab v{{"fox"}, {}, {}};
  auto t = MustBuild(CountInput(v));
  std::vector<std::string> docs{"fox", "\xc3\x28"};
  std::vector<double> nums(2, kNaN);
  std::vector<uint8_t> is(2, 1);
  TableView x{2, 1, nums, docs, is, {}};
  EXPECT_REFUSED(Transform(t, x), Code::kInvalidArgument, "X[1, 0]: document is not valid UTF-8");
  std::vector<double> numbers{1.0, 2.0};
  EXPECT_REFUSED(Transform(t, TableView{2, 1, numbers, {}, {}, {}}), Code::kInvalidArgument, "takes documents");
}

// ---- transforms by hand ------------------------------------------------------------

Matrix RunDocs(const Estimator& e, const std::vector<std::string>& docs) {
  std::vector<double> nums(docs.size(), kNaN);
  std::vector<uint8_t> is(docs.size(), 1);
  TableView x{docs.size(), 1, nums, docs, is, {}};
  auto m = Transform(e, x);
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return m.ok() ? *m : Matrix{};
}

TEST(TextTransform, CountsBinaryAndTfidf) {
  Vocab v{{"dog", "fox", "lazy dog"}, {}, {1.0, 2.0, 3.0}};
  auto in = CountInput(v);
  in.ngram_max = 2;
  Estimator count{MustBuild(in)};
  Matrix m = RunDocs(count, {"Dog dog LAZY dog fox", "nothing"});
  EXPECT_EQ(m.data, (std::vector<double>{3, 1, 1, 0, 0, 0}));  // "lazy dog" once
  in.binary = true;
  m = RunDocs(Estimator{MustBuild(in)}, {"Dog dog LAZY dog fox"});
  EXPECT_EQ(m.data, (std::vector<double>{1, 1, 1}));
  in.binary = false;
  in.tfidf = true;
  in.weights.idf = v.idf;
  in.weights.sublinear_tf = true;
  m = RunDocs(Estimator{MustBuild(in)}, {"Dog dog LAZY dog fox"});
  const double a = (std::log(3.0) + 1) * 1.0, b = 1.0 * 2.0, c = 1.0 * 3.0;
  const double n = std::sqrt(c * c + b * b + a * a);
  EXPECT_DOUBLE_EQ(m.data[0], a / n);
  EXPECT_DOUBLE_EQ(m.data[1], b / n);
  EXPECT_DOUBLE_EQ(m.data[2], c / n);
}

TEST(TextTransform, TfidfTransformerSkipsZerosAndChecksInput) {
  std::vector<double> idf{1.0, 2.0};
  TfidfTransformerInput in;
  in.weights.idf = idf;
  in.weights.norm = TfidfNorm::kL1;
  in.weights.sublinear_tf = true;
  auto t = BuildTfidfTransformer(in, "T");
  ASSERT_TRUE(t.ok());
  std::vector<double> x{0.0, 1.0, 0.0, 0.0};
  auto m = Transform(*t, MatrixView{x, 2, 2});
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->data, (std::vector<double>{0.0, 1.0, 0.0, 0.0}));  // log(0) never taken
  x[0] = kNaN;
  EXPECT_REFUSED(Transform(*t, MatrixView{x, 2, 2}), Code::kInvalidArgument, "X[0, 0]");
  EXPECT_REFUSED(Transform(*t, MatrixView{x, 1, 4}), Code::kInvalidArgument, "");
}

TEST(TextTransform, DictVectorizerNamesStringsAndNumbers) {
  Strs names{"city=Paris", "temp", "kind=a=b"};
  DictVectorizerInput in;
  in.feature_names = names;
  auto d = BuildDictVectorizer(in, "D");
  ASSERT_TRUE(d.ok());
  Strs cols{"city", "temp", "kind"};
  std::vector<std::string> strings{"Paris", "", "a=b", "Rome", "", "z"};
  std::vector<double> numbers{kNaN, 12.5, kNaN, kNaN, -1.0, kNaN};
  std::vector<uint8_t> is{1, 0, 1, 1, 0, 1};
  auto m = Transform(*d, TableView{2, 3, numbers, strings, is, cols});
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->data, (std::vector<double>{1, 12.5, 1, 0, -1, 0}));
  EXPECT_REFUSED(Transform(*d, TableView{2, 3, numbers, strings, is, {}}), Code::kInvalidArgument, "header row");
}

// ---- documents through pipelines and the file --------------------------------------

Estimator SmallPipeline() {
  Vocab v{{"fox", "dog"}, {}, {1.5, 1.25}};
  auto in = CountInput(v);
  in.tfidf = true;
  in.weights.idf = v.idf;
  std::vector<double> idf2{1.0, 1.0};
  TfidfTransformerInput t;
  t.weights.idf = idf2;
  t.weights.norm = TfidfNorm::kNone;
  std::vector<Estimator> steps;
  steps.emplace_back(MustBuild(in));
  steps.emplace_back(BuildTfidfTransformer(t, "T").value());
  auto p = BuildPipeline({"vec", "tfidf"}, std::move(steps), "P");
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return std::move(p).value();
}

TEST(TextPipeline, TakesDocumentsOnlyWhenAVectorizerComesFirst) {
  Estimator p = SmallPipeline();
  EXPECT_TRUE(TakesDocuments(p));
  EXPECT_FALSE(TakesDocuments(std::get<Pipeline>(p.model).steps[1]));
  EXPECT_EQ(p.NumFeatures(), 1);
  EXPECT_EQ(p.TransformWidth(), 2);
  Matrix m = RunDocs(p, {"fox dog dog", "cat"});
  EXPECT_EQ(m.rows, 2u);
  EXPECT_GT(m.data[0], 0.0);
  EXPECT_EQ(m.data[2], 0.0);
}

// Every kind through the file: the same output from the reopened model.
void CheckTransformThroughFile(const Estimator& e, const Table& x) {
  safemodel::testing::TempDir dir;
  auto model = testing::WriteAndInspect(e, dir);
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  EXPECT_EQ(model->estimator_class(), e.ClassName());
  EXPECT_EQ(model->takes_documents(), TakesDocuments(e));
  auto got = model->Run(Method::kTransform, x);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  TableView v{x.rows, x.cols, x.numbers, x.strings, x.is_string, x.column_names};
  auto want = Transform(e, v);
  ASSERT_TRUE(want.ok()) << want.status().ToString();
  ASSERT_EQ(got->numbers.size(), want->data.size());
  for (size_t i = 0; i < want->data.size(); ++i) EXPECT_EQ(got->numbers[i], want->data[i]) << i;
}

#define EXPECT_TRANSFORM_SAME_THROUGH_FILE(e, x) CheckTransformThroughFile(e, x)

Table Docs(std::vector<std::string> docs) {
  Table t;
  t.rows = docs.size();
  t.cols = 1;
  t.strings = std::move(docs);
  t.numbers.assign(t.rows, kNaN);
  t.is_string.assign(t.rows, 1);
  return t;
}

TEST(TextFile, EveryKindRoundTrips) {
  Vocab v{{"fox", "lazy dog", "naive"}, {"the"}, {1.5, 1.25, 2.0}};
  auto in = CountInput(v);
  in.ngram_max = 2;
  in.strip_accents = StripAccents::kUnicode;
  EXPECT_TRANSFORM_SAME_THROUGH_FILE(Estimator{MustBuild(in)}, Docs({"The lazy dog, the fox", "naïve fox"}));
  in.tfidf = true;
  in.weights.idf = v.idf;
  in.weights.norm = TfidfNorm::kL1;
  EXPECT_TRANSFORM_SAME_THROUGH_FILE(Estimator{MustBuild(in)}, Docs({"The lazy dog, the fox", "naïve fox"}));
  EXPECT_TRANSFORM_SAME_THROUGH_FILE(SmallPipeline(), Docs({"fox dog", ""}));
  Strs names{"a", "b=x"};
  DictVectorizerInput din;
  din.feature_names = names;
  din.separator = "=";
  Table t;
  t.rows = 1;
  t.cols = 2;
  t.column_names = {"a", "b"};
  t.numbers = {2.5, kNaN};
  t.strings = {"", "x"};
  t.is_string = {0, 1};
  EXPECT_TRANSFORM_SAME_THROUGH_FILE(Estimator{BuildDictVectorizer(din, "D").value()}, t);
  std::vector<double> idf{1.0, 3.0};
  TfidfTransformerInput tin;
  tin.weights.idf = idf;
  Table num;
  num.rows = 1;
  num.cols = 2;
  num.numbers = {1.0, 2.0};
  EXPECT_TRANSFORM_SAME_THROUGH_FILE(Estimator{BuildTfidfTransformer(tin, "T").value()}, num);
}

}  // namespace
}  // namespace safemodel::estimators
