// Text features end to end: scikit-learn 1.2.1 files (and files rewritten as
// 0.20/0.21, 1.5 with idf_ as an array, and numpy 2 would write them) of
// CountVectorizer, TfidfVectorizer, TfidfTransformer and DictVectorizer,
// alone and in pipelines to LogisticRegression / MultinomialNB with string
// labels, converted, written, reopened and compared with scikit-learn's
// outputs on documents with Unicode (tests/mapping/cases/text.py); and the
// refuse_text_* files, each broken in one place.
#include <gtest/gtest.h>

#include <string>

#include "mapping_cases.h"

namespace safemodel::mapping {
namespace {

TEST(MapText, CountVectorizerMatchesScikitLearnExactly) {
  EXPECT_CASES_MATCH_SKLEARN([](const std::string& n) { return StartsWith(n, "text_count"); }, 12);
}

TEST(MapText, TfidfVectorizerMatchesScikitLearn) {
  EXPECT_CASES_MATCH_SKLEARN([](const std::string& n) { return StartsWith(n, "text_tfidf"); }, 12);
}

TEST(MapText, PipelinesToClassifiersWithStringLabelsMatchScikitLearn) {
  EXPECT_CASES_MATCH_SKLEARN([](const std::string& n) { return StartsWith(n, "text_pipe_"); }, 4);
}

TEST(MapText, DictVectorizerMatchesScikitLearnExactly) {
  EXPECT_CASES_MATCH_SKLEARN([](const std::string& n) { return StartsWith(n, "text_dict"); }, 2);
}

TEST(MapText, OtherVersionsMatchScikitLearn) {
  EXPECT_CASES_MATCH_SKLEARN([](const std::string& n) {
    return StartsWith(n, "text_old") || StartsWith(n, "text_v15_") || StartsWith(n, "text_numpy2_");
  }, 6);
}

TEST(MapText, VocabularyMustBeABijection) {
  EXPECT_MAP_REFUSED("text_vocab_out_of_range", Code::kCorruption, "vocabulary_['fox']: 999 out of range");
  EXPECT_MAP_REFUSED("text_vocab_not_bijective", Code::kCorruption, "vocabulary_['", "already belongs to");
  EXPECT_MAP_REFUSED("text_vocab_negative", Code::kCorruption, "vocabulary_['fox']: -1 out of range");
}

TEST(MapText, OtherAnalyzersAndCallablesAreRefusedByName) {
  EXPECT_MAP_REFUSED("text_analyzer_char", Code::kUnsupported, "analyzer='char' is not supported");
  EXPECT_MAP_REFUSED("text_analyzer_callable", Code::kUnsupported, "analyzer=", "not supported");
  EXPECT_MAP_REFUSED("text_tokenizer_callable", Code::kUnsupported, "tokenizer=", "only None");
  EXPECT_MAP_REFUSED("text_preprocessor_callable", Code::kUnsupported, "preprocessor=", "only None");
  EXPECT_MAP_REFUSED("text_token_pattern", Code::kUnsupported, "token_pattern", "is not supported");
  EXPECT_MAP_REFUSED("text_input_filename", Code::kUnsupported, "input=", "only 'content'");
  EXPECT_MAP_REFUSED("text_strip_accents_bad", Code::kCorruption, "strip_accents: 'latin'");
  EXPECT_MAP_REFUSED("text_tfidf_dtype_f32", Code::kUnsupported, "dtype=", "not supported");
  EXPECT_MAP_REFUSED("text_norm_bad", Code::kCorruption, "_tfidf.norm: 'max'");
}

TEST(MapText, NgramRangeMustBeSane) {
  EXPECT_MAP_REFUSED("text_ngram_reversed", Code::kCorruption, "ngram_range: (3, 1)");
  EXPECT_MAP_REFUSED("text_ngram_zero", Code::kCorruption, "ngram_range: (0, 2)");
}

TEST(MapText, IdfMustBeFiniteAndAtLeastOne) {
  EXPECT_MAP_REFUSED("text_idf_nan", Code::kCorruption, "_tfidf.idf_[0]: nan is not finite");
  EXPECT_MAP_REFUSED("text_idf_below_one", Code::kCorruption, "_tfidf.idf_[", ">= 1 (smooth_idf)");
  EXPECT_MAP_REFUSED("text_idf_wrong_length", Code::kCorruption, "_tfidf.idf_:", "values for");
  EXPECT_MAP_REFUSED("text_idf_diag_offdiagonal", Code::kCorruption, "_idf_diag: row 0 is not the diagonal");
  EXPECT_MAP_REFUSED("text_idf_missing", Code::kUnsupported, "neither idf_ nor _idf_diag");
}

TEST(MapText, DictVectorizerNamesMustMatchTheVocabulary) {
  EXPECT_MAP_REFUSED("text_dict_names_mismatch", Code::kCorruption, "feature_names_[0]", "but vocabulary_ maps");
}

}  // namespace
}  // namespace safemodel::mapping
