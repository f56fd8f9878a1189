// Codec of the text feature extractors (estimators/text.h): schema structs
// TextVectorizer, TfidfTransformer, DictVectorizer (and TfidfWeights).
#include <string>
#include <vector>

#include "format/codec.h"

namespace safemodel::format {
namespace {

void SetTexts(capnp::List<capnp::Text>::Builder list, const std::vector<std::string>& v) {
  for (unsigned i = 0; i < list.size(); ++i) list.set(i, capnp::Text::Reader(v[i].data(), v[i].size()));
}

Result<std::vector<std::string>> Texts(Decoder& d, capnp::List<capnp::Text>::Reader list, const std::string& p) {
  std::vector<std::string> out;
  out.reserve(list.size());
  for (unsigned i = 0; i < list.size(); ++i) {
    auto t = list[i];
    if (t.size() > d.options().max_string_bytes) {
      return LimitExceeded(p + "[" + std::to_string(i) + "]: over max_string_bytes");
    }
    out.emplace_back(t.cStr(), t.size());
  }
  return out;
}

void EncodeWeights(Encoder& enc, const est::TfidfWeights& w, schema::TfidfWeights::Builder b, const std::string& p) {
  b.setNorm(static_cast<schema::TfidfNorm>(w.norm));
  b.setUseIdf(w.use_idf);
  b.setSmoothIdf(w.smooth_idf);
  b.setSublinearTf(w.sublinear_tf);
  b.setIdf(w.use_idf ? enc.Add<double>(p + "idf", DType::kF64, w.idf, {w.idf.size()}) : kNoTensor);
}

// The input of the weights; `idf` receives the copied tensor it borrows.
Result<est::TfidfWeightsInput> DecodeWeights(Decoder& d, schema::TfidfWeights::Reader r, const std::string& p,
                                             std::vector<double>& idf) {
  est::TfidfWeightsInput in;
  in.norm = static_cast<est::TfidfNorm>(r.getNorm());
  in.use_idf = r.getUseIdf();
  in.smooth_idf = r.getSmoothIdf();
  in.sublinear_tf = r.getSublinearTf();
  if (in.use_idf) {
    SAFEMODEL_ASSIGN_OR_RETURN(idf, d.Copy<double>(r.getIdf(), DType::kF64, 1, p + ".idf"));
  } else if (r.getIdf() != kNoTensor) {
    return Corruption(p + ".idf: a tensor without useIdf");
  }
  in.idf = idf;
  return in;
}

}  // namespace

void Encode(Encoder& enc, const est::TextVectorizer& v, schema::Estimator::Builder out, const std::string& p) {
  auto b = out.initTextVectorizer();
  b.setTfidf(v.tfidf);
  b.setLowercase(v.lowercase);
  b.setStripAccents(static_cast<schema::StripAccents>(v.strip_accents));
  b.setNgramMin(static_cast<uint32_t>(v.ngram_min));
  b.setNgramMax(static_cast<uint32_t>(v.ngram_max));
  b.setBinary(v.binary);
  SetTexts(b.initTerms(static_cast<unsigned>(v.terms.size())), v.terms);
  SetTexts(b.initStopWords(static_cast<unsigned>(v.stop_words.size())), v.stop_words);
  if (v.tfidf) {
    EncodeWeights(enc, v.weights, b.initWeights(), p);
  } else {
    b.initWeights().setIdf(kNoTensor);
  }
}

void Encode(Encoder& enc, const est::TfidfTransformer& t, schema::Estimator::Builder out, const std::string& p) {
  auto b = out.initTfidfTransformer();
  b.setNFeatures(t.n_features == est::kAnyWidth ? 0 : static_cast<uint32_t>(t.n_features));
  EncodeWeights(enc, t.weights, b.initWeights(), p);
}

void Encode(Encoder&, const est::DictVectorizer& dv, schema::Estimator::Builder out, const std::string&) {
  auto b = out.initDictVectorizer();
  b.setSeparator(capnp::Text::Reader(dv.separator.data(), dv.separator.size()));
  SetTexts(b.initFeatureNames(static_cast<unsigned>(dv.feature_names.size())), dv.feature_names);
}

Result<est::Estimator> DecodeTextVectorizer(Decoder& d, schema::TextVectorizer::Reader r, const std::string& p) {
  est::TextVectorizerInput in;
  in.tfidf = r.getTfidf();
  in.lowercase = r.getLowercase();
  in.strip_accents = static_cast<est::StripAccents>(r.getStripAccents());
  in.ngram_min = r.getNgramMin();
  in.ngram_max = r.getNgramMax();
  in.binary = r.getBinary();
  SAFEMODEL_ASSIGN_OR_RETURN(auto terms, Texts(d, r.getTerms(), p + ".terms"));
  SAFEMODEL_ASSIGN_OR_RETURN(auto stop, Texts(d, r.getStopWords(), p + ".stopWords"));
  in.terms = terms;
  in.stop_words = stop;
  std::vector<double> idf;
  if (in.tfidf) {
    SAFEMODEL_ASSIGN_OR_RETURN(in.weights, DecodeWeights(d, r.getWeights(), p + ".weights", idf));
  } else if (r.getWeights().getIdf() != kNoTensor) {
    return Corruption(p + ".weights.idf: a tensor for a CountVectorizer");
  }
  SAFEMODEL_ASSIGN_OR_RETURN(auto v, est::BuildTextVectorizer(in, p));
  return est::Estimator{std::move(v)};
}

Result<est::Estimator> DecodeTfidfTransformer(Decoder& d, schema::TfidfTransformer::Reader r, const std::string& p) {
  est::TfidfTransformerInput in;
  in.n_features_in = r.getNFeatures() == 0 ? -1 : static_cast<int64_t>(r.getNFeatures());
  std::vector<double> idf;
  SAFEMODEL_ASSIGN_OR_RETURN(in.weights, DecodeWeights(d, r.getWeights(), p + ".weights", idf));
  SAFEMODEL_ASSIGN_OR_RETURN(auto t, est::BuildTfidfTransformer(in, p));
  if ((t.n_features == est::kAnyWidth ? 0u : static_cast<uint32_t>(t.n_features)) != r.getNFeatures()) {
    return Corruption(p + ".nFeatures: " + std::to_string(r.getNFeatures()) + " disagrees with idf");
  }
  return est::Estimator{std::move(t)};
}

Result<est::Estimator> DecodeDictVectorizer(Decoder& d, schema::DictVectorizer::Reader r, const std::string& p) {
  auto sep = r.getSeparator();
  if (sep.size() > d.options().max_string_bytes) return LimitExceeded(p + ".separator: over max_string_bytes");
  const std::string separator(sep.cStr(), sep.size());
  SAFEMODEL_ASSIGN_OR_RETURN(auto names, Texts(d, r.getFeatureNames(), p + ".featureNames"));
  est::DictVectorizerInput in;
  in.separator = separator;
  in.feature_names = names;
  SAFEMODEL_ASSIGN_OR_RETURN(auto dv, est::BuildDictVectorizer(in, p));
  return est::Estimator{std::move(dv)};
}

}  // namespace safemodel::format
