// Codec of the encoders and column transformers (estimators/encoders.h):
// schema structs CategoricalEncoder and ColumnTransformerModel.
#include <string>
#include <vector>

#include "format/codec.h"

namespace safemodel::format {

// ---- Encoding ---------------------------------------------------------------

void Encode(Encoder& enc, const est::CategoricalEncoder& m, schema::Estimator::Builder out, const std::string& p) {
  auto b = out.initCategoricalEncoder();
  b.setKind(static_cast<schema::EncoderKind>(m.kind));
  b.setNFeatures(static_cast<uint32_t>(m.n_features));
  b.setHandleUnknown(static_cast<schema::UnknownRule>(m.handle_unknown));
  b.setUnknownValue(m.unknown_value);
  b.setEncodedMissingValue(m.encoded_missing_value);
  b.setYType(static_cast<schema::LabelBinarizerTarget>(m.y_type));
  b.setNegLabel(static_cast<int64_t>(m.neg_label));
  b.setPosLabel(static_cast<int64_t>(m.pos_label));
  auto feats = b.initFeatures(static_cast<unsigned>(m.features.size()));
  for (unsigned i = 0; i < feats.size(); ++i) {
    const est::EncoderFeature& f = m.features[i];
    const std::string fp = p + "features[" + std::to_string(i) + "].";
    auto fb = feats[i];
    if (f.is_string) {
      fb.setNumbers(kNoTensor);
      auto list = fb.initStrings(static_cast<unsigned>(f.strings.size()));
      for (unsigned j = 0; j < list.size(); ++j) list.set(j, capnp::Text::Reader(f.strings[j].data(), f.strings[j].size()));
      fb.setHasNone(f.has_none);
      fb.setHasNan(f.has_nan);
    } else {
      fb.setNumbers(enc.Add<double>(fp + "numbers", DType::kF64, f.numbers, {f.numbers.size()}));
    }
    fb.setDrop(f.drop);
    if (f.infrequent.empty()) {
      fb.setInfrequent(kNoTensor);
    } else {
      const std::vector<int64_t> inf(f.infrequent.begin(), f.infrequent.end());
      fb.setInfrequent(enc.Add<int64_t>(fp + "infrequent", DType::kI64, inf, {inf.size()}));
    }
  }
}

void Encode(Encoder& enc, const est::ColumnTransformer& m, schema::Estimator::Builder out, const std::string& p) {
  auto b = out.initColumnTransformer();
  b.setIsUnion(m.is_union);
  b.setNFeatures(m.is_union ? 0 : static_cast<uint32_t>(m.n_features));
  b.setRemainder(m.remainder);
  auto parts = b.initParts(static_cast<unsigned>(m.parts.size()));
  for (unsigned i = 0; i < parts.size(); ++i) {
    const std::string pp = p + "parts[" + std::to_string(i) + "].";
    parts[i].setName(m.names[i]);
    parts[i].setWeight(m.weights[i]);
    enc.Estimator(m.parts[i], parts[i].initEstimator(), pp);
    if (m.is_union) {
      parts[i].setColumns(kNoTensor);
    } else {
      const std::vector<int64_t> cols(m.columns[i].begin(), m.columns[i].end());
      parts[i].setColumns(enc.Add<int64_t>(pp + "columns", DType::kI64, cols, {cols.size()}));
    }
  }
}

// ---- Decoding ---------------------------------------------------------------

Result<est::Estimator> DecodeCategoricalEncoder(Decoder& d, schema::CategoricalEncoder::Reader r,
                                                const std::string& p) {
  if (static_cast<unsigned>(r.getKind()) > 3) return Unsupported(p + ": unknown encoder kind");
  if (static_cast<unsigned>(r.getYType()) > 2) return Unsupported(p + ": unknown yType");
  if (static_cast<unsigned>(r.getHandleUnknown()) > 3) return Unsupported(p + ": unknown handleUnknown rule");
  est::CategoricalEncoderInput in;
  in.kind = static_cast<est::EncoderKind>(r.getKind());
  in.n_features_in = r.getNFeatures();
  in.handle_unknown = static_cast<est::UnknownRule>(r.getHandleUnknown());
  in.unknown_value = r.getUnknownValue();
  in.encoded_missing_value = r.getEncodedMissingValue();
  in.y_type = static_cast<est::LabelTarget>(r.getYType());
  in.neg_label = r.getNegLabel();
  in.pos_label = r.getPosLabel();
  auto feats = r.getFeatures();
  // Owned storage the input spans borrow.
  std::vector<std::vector<double>> numbers(feats.size());
  std::vector<std::vector<std::string>> strings(feats.size());
  std::vector<std::vector<int64_t>> infrequent(feats.size());
  for (unsigned i = 0; i < feats.size(); ++i) {
    const std::string fp = p + ".features[" + std::to_string(i) + "]";
    auto f = feats[i];
    est::EncoderFeatureInput fi;
    fi.is_string = f.getNumbers() == kNoTensor;
    if (fi.is_string) {
      for (auto t : f.getStrings()) {
        if (t.size() > d.options().max_string_bytes) return LimitExceeded(fp + ".strings: over max_string_bytes");
        strings[i].emplace_back(t.cStr(), t.size());
      }
      fi.strings = strings[i];
      fi.has_none = f.getHasNone();
      fi.has_nan = f.getHasNan();
    } else {
      if (f.hasStrings() && f.getStrings().size() > 0) return Corruption(fp + ": both numbers and strings");
      if (f.getHasNone() || f.getHasNan()) return Corruption(fp + ": hasNone/hasNan on numeric categories");
      SAFEMODEL_ASSIGN_OR_RETURN(numbers[i], d.Copy<double>(f.getNumbers(), DType::kF64, 1, fp + ".numbers"));
      fi.numbers = numbers[i];
    }
    fi.drop = f.getDrop();
    if (f.getInfrequent() != kNoTensor) {
      SAFEMODEL_ASSIGN_OR_RETURN(infrequent[i],
                                 d.Copy<int64_t>(f.getInfrequent(), DType::kI64, 1, fp + ".infrequent"));
      if (infrequent[i].empty()) return Corruption(fp + ".infrequent: empty (noTensor stands for none)");
      fi.infrequent = infrequent[i];
    }
    in.features.push_back(fi);
  }
  SAFEMODEL_ASSIGN_OR_RETURN(est::CategoricalEncoder e, est::BuildCategoricalEncoder(in, p));
  return est::Estimator{std::move(e)};
}

Result<est::Estimator> DecodeColumnTransformer(Decoder& d, schema::ColumnTransformerModel::Reader r,
                                               const std::string& p, int depth) {
  est::ColumnTransformerInput in;
  in.is_union = r.getIsUnion();
  in.n_features_in = in.is_union ? (r.getNFeatures() == 0 ? -1 : static_cast<int64_t>(r.getNFeatures()))
                                 : static_cast<int64_t>(r.getNFeatures());
  in.remainder = r.getRemainder();
  std::vector<est::Estimator> parts;
  auto list = r.getParts();
  for (unsigned i = 0; i < list.size(); ++i) {
    const std::string pp = p + ".parts[" + std::to_string(i) + "]";
    SAFEMODEL_ASSIGN_OR_RETURN(auto e, d.Estimator(list[i].getEstimator(), pp, depth + 1));
    parts.push_back(std::move(e));
    in.names.emplace_back(list[i].getName().cStr(), list[i].getName().size());
    in.weights.push_back(list[i].getWeight());
    if (in.is_union) {
      if (list[i].getColumns() != kNoTensor) return Corruption(pp + ".columns: present in a FeatureUnion");
    } else {
      SAFEMODEL_ASSIGN_OR_RETURN(auto cols, d.Copy<int64_t>(list[i].getColumns(), DType::kI64, 1, pp + ".columns"));
      in.columns.push_back(std::move(cols));
    }
  }
  in.parts = &parts;
  SAFEMODEL_ASSIGN_OR_RETURN(est::ColumnTransformer c, est::BuildColumnTransformer(std::move(in), p));
  return est::Estimator{std::move(c)};
}

}  // namespace safemodel::format
