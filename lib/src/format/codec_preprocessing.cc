// Codec of the numeric preprocessing transformers (estimators/preprocessing.h):
// schema structs ColumnScaler, Normalizer, Binarizer, SimpleImputer,
// PolynomialFeatures, KBinsDiscretizer.
#include <string>
#include <vector>

#include "format/codec.h"

namespace safemodel::format {
namespace {

// nFeatures in the file: 0 for "any width" (kAnyWidth in memory).
uint32_t WidthField(int32_t n) { return n == est::kAnyWidth ? 0 : static_cast<uint32_t>(n); }
int64_t WidthFromField(uint32_t n) { return n == 0 ? -1 : static_cast<int64_t>(n); }

// The builders settle n_features themselves; one width has one encoding.
Status CheckWidthField(int32_t built, uint32_t stored, const std::string& p) {
  if (WidthField(built) == stored) return Status::Ok();
  return Corruption(p + ".nFeatures: " + std::to_string(stored) + " disagrees with the arrays (" +
                    std::to_string(built) + " features)");
}

std::vector<int64_t> Widen(const std::vector<int32_t>& v) { return {v.begin(), v.end()}; }

}  // namespace

// ---- Encoding ---------------------------------------------------------------

void Encode(Encoder& enc, const est::ColumnScaler& s, schema::Estimator::Builder out, const std::string& p) {
  auto b = out.initColumnScaler();
  const std::vector<uint64_t> shape{static_cast<uint64_t>(s.center.empty() ? s.scale.size() : s.center.size())};
  b.setKind(static_cast<schema::ColumnScalerKind>(s.kind));
  b.setNFeatures(WidthField(s.n_features));
  b.setCenter(s.center.empty() ? kNoTensor : enc.Add<double>(p + "center", DType::kF64, s.center, shape));
  b.setScale(s.scale.empty() ? kNoTensor : enc.Add<double>(p + "scale", DType::kF64, s.scale, shape));
}

void Encode(Encoder&, const est::Normalizer& n, schema::Estimator::Builder out, const std::string&) {
  auto b = out.initNormalizer();
  b.setNFeatures(WidthField(n.n_features));
  b.setNorm(static_cast<schema::NormKind>(n.norm));
}

void Encode(Encoder&, const est::Binarizer& bz, schema::Estimator::Builder out, const std::string&) {
  auto b = out.initBinarizer();
  b.setNFeatures(WidthField(bz.n_features));
  b.setThreshold(bz.threshold);
}

void Encode(Encoder& enc, const est::SimpleImputer& s, schema::Estimator::Builder out, const std::string& p) {
  auto b = out.initSimpleImputer();
  b.setNFeatures(static_cast<uint32_t>(s.n_features));
  b.setStrategy(static_cast<schema::ImputeStrategy>(s.strategy));
  b.setKeepEmptyFeatures(s.keep_empty_features);
  b.setMissingIsNan(s.missing_is_nan);
  b.setMissingValue(s.missing_value);
  b.setStatistics(enc.Add<double>(p + "statistics", DType::kF64, s.statistics, {s.statistics.size()}));
  b.setAddIndicator(s.add_indicator);
  b.setIndicatorFeatures(s.add_indicator ? enc.Add<int32_t>(p + "indicator_features", DType::kI32, s.indicator,
                                                            {s.indicator.size()})
                                         : kNoTensor);
}

void Encode(Encoder& enc, const est::PolynomialFeatures& pf, schema::Estimator::Builder out, const std::string& p) {
  auto b = out.initPolynomialFeatures();
  b.setNFeatures(static_cast<uint32_t>(pf.n_features));
  b.setMinDegree(static_cast<uint32_t>(pf.min_degree));
  b.setMaxDegree(static_cast<uint32_t>(pf.max_degree));
  b.setInteractionOnly(pf.interaction_only);
  b.setIncludeBias(pf.include_bias);
  b.setTerms(enc.Add<int32_t>(p + "terms", DType::kI32, pf.terms,
                              {static_cast<uint64_t>(pf.n_output), static_cast<uint64_t>(pf.max_degree)}));
}

void Encode(Encoder& enc, const est::KBinsDiscretizer& k, schema::Estimator::Builder out, const std::string& p) {
  auto b = out.initKBinsDiscretizer();
  b.setNFeatures(static_cast<uint32_t>(k.n_features));
  b.setEncode(static_cast<schema::KBinsEncode>(k.encode));
  b.setFloat32Input(k.float32_input);
  b.setNBins(enc.Add<int32_t>(p + "n_bins", DType::kI32, k.n_bins, {k.n_bins.size()}));
  b.setBinEdges(enc.Add<double>(p + "bin_edges", DType::kF64, k.edges, {k.edges.size()}));
}

// ---- Decoding ---------------------------------------------------------------

Result<est::Estimator> DecodeColumnScaler(Decoder& d, schema::ColumnScaler::Reader r, const std::string& p) {
  if (static_cast<unsigned>(r.getKind()) > 1) return Unsupported(p + ": unknown scaler kind");
  SAFEMODEL_ASSIGN_OR_RETURN(auto center, d.OptionalF64(r.getCenter(), p + ".center"));
  SAFEMODEL_ASSIGN_OR_RETURN(auto scale, d.OptionalF64(r.getScale(), p + ".scale"));
  est::ColumnScalerInput in;
  in.kind = static_cast<est::ColumnScalerKind>(r.getKind());
  in.n_features_in = WidthFromField(r.getNFeatures());
  in.with_centering = r.getCenter() != kNoTensor;
  in.with_scaling = r.getScale() != kNoTensor;
  in.center = center;
  in.scale = scale;
  SAFEMODEL_ASSIGN_OR_RETURN(est::ColumnScaler s, est::BuildColumnScaler(in, p));
  SAFEMODEL_RETURN_IF_ERROR(CheckWidthField(s.n_features, r.getNFeatures(), p));
  return est::Estimator{std::move(s)};
}

Result<est::Estimator> DecodeNormalizer(Decoder&, schema::Normalizer::Reader r, const std::string& p) {
  if (static_cast<unsigned>(r.getNorm()) > 2) return Unsupported(p + ": unknown norm");
  SAFEMODEL_ASSIGN_OR_RETURN(est::Normalizer n, est::BuildNormalizer(WidthFromField(r.getNFeatures()),
                                                                     static_cast<est::NormKind>(r.getNorm()), p));
  return est::Estimator{std::move(n)};
}

Result<est::Estimator> DecodeBinarizer(Decoder&, schema::Binarizer::Reader r, const std::string& p) {
  SAFEMODEL_ASSIGN_OR_RETURN(est::Binarizer b,
                             est::BuildBinarizer(WidthFromField(r.getNFeatures()), r.getThreshold(), p));
  return est::Estimator{std::move(b)};
}

Result<est::Estimator> DecodeSimpleImputer(Decoder& d, schema::SimpleImputer::Reader r, const std::string& p) {
  if (static_cast<unsigned>(r.getStrategy()) > 3) return Unsupported(p + ": unknown imputation strategy");
  SAFEMODEL_ASSIGN_OR_RETURN(auto statistics, d.Copy<double>(r.getStatistics(), DType::kF64, 1, p + ".statistics"));
  std::vector<int64_t> indicator;
  if (r.getIndicatorFeatures() != kNoTensor) {
    if (!r.getAddIndicator()) return Corruption(p + ".indicatorFeatures: present although addIndicator is false");
    SAFEMODEL_ASSIGN_OR_RETURN(auto narrow,
                               d.Copy<int32_t>(r.getIndicatorFeatures(), DType::kI32, 1, p + ".indicatorFeatures"));
    indicator = Widen(narrow);
  } else if (r.getAddIndicator()) {
    return Corruption(p + ".indicatorFeatures: missing although addIndicator is true");
  }
  est::SimpleImputerInput in;
  in.n_features_in = r.getNFeatures();
  in.strategy = static_cast<est::ImputeStrategy>(r.getStrategy());
  in.keep_empty_features = r.getKeepEmptyFeatures();
  in.missing_is_nan = r.getMissingIsNan();
  in.missing_value = r.getMissingValue();
  in.statistics = statistics;
  in.add_indicator = r.getAddIndicator();
  in.indicator = indicator;
  SAFEMODEL_ASSIGN_OR_RETURN(est::SimpleImputer s, est::BuildSimpleImputer(in, p));
  return est::Estimator{std::move(s)};
}

Result<est::Estimator> DecodePolynomialFeatures(Decoder& d, schema::PolynomialFeatures::Reader r,
                                                const std::string& p) {
  est::PolynomialFeaturesInput in;
  SAFEMODEL_ASSIGN_OR_RETURN(auto terms, d.Copy<int32_t>(r.getTerms(), DType::kI32, 2, p + ".terms", &in.terms_shape));
  in.n_features_in = r.getNFeatures();
  in.min_degree = r.getMinDegree();
  in.max_degree = r.getMaxDegree();
  in.interaction_only = r.getInteractionOnly();
  in.include_bias = r.getIncludeBias();
  in.terms = terms;
  SAFEMODEL_ASSIGN_OR_RETURN(est::PolynomialFeatures pf, est::BuildPolynomialFeatures(in, p));
  return est::Estimator{std::move(pf)};
}

Result<est::Estimator> DecodeKBinsDiscretizer(Decoder& d, schema::KBinsDiscretizer::Reader r, const std::string& p) {
  if (static_cast<unsigned>(r.getEncode()) > 1) return Unsupported(p + ": unknown encoding");
  SAFEMODEL_ASSIGN_OR_RETURN(auto n_bins, d.Copy<int32_t>(r.getNBins(), DType::kI32, 1, p + ".nBins"));
  SAFEMODEL_ASSIGN_OR_RETURN(auto edges, d.Copy<double>(r.getBinEdges(), DType::kF64, 1, p + ".binEdges"));
  const std::vector<int64_t> wide = Widen(n_bins);
  est::KBinsDiscretizerInput in;
  in.n_features_in = r.getNFeatures();
  in.encode = static_cast<est::KBinsEncode>(r.getEncode());
  in.float32_input = r.getFloat32Input();
  in.n_bins = wide;
  in.edges = edges;
  SAFEMODEL_ASSIGN_OR_RETURN(est::KBinsDiscretizer k, est::BuildKBinsDiscretizer(in, p));
  return est::Estimator{std::move(k)};
}

}  // namespace safemodel::format
