// The codec's two halves, shared by the per-family codecs: Encoder turns an
// in-memory estimator into the schema's Estimator union plus tensors, Decoder
// turns the union and the verified tensors back into a checked estimator.
//
// Adding a family (docs/ESTIMATORS.md): a union member in schema/safemodel.capnp,
// an Encode overload and a Decode function below (in their own
// codec_<family>.cc), and one case in Decoder::Estimator.
#ifndef SAFEMODEL_FORMAT_CODEC_H_
#define SAFEMODEL_FORMAT_CODEC_H_

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "estimators/estimator.h"
#include "format/estimator_codec.h"
#include "safemodel.capnp.h"
#include "safemodel/extension.h"
#include "safemodel/options.h"
#include "safemodel/status.h"
#include "safemodel/tensor.h"
#include "util/text.h"

namespace safemodel::format {

namespace est = safemodel::estimators;
inline constexpr uint32_t kNoTensor = schema::NO_TENSOR;

class Encoder {
 public:
  explicit Encoder(std::vector<OwnedTensor>& tensors) : tensors_(tensors) {}

  // Appends a tensor (a copy of `values`) and returns its table index.
  template <typename T>
  uint32_t Add(const std::string& name, DType dtype, std::span<const T> values, std::vector<uint64_t> shape) {
    OwnedTensor t{name, dtype, std::move(shape),
                  std::string(reinterpret_cast<const char*>(values.data()), values.size_bytes())};
    tensors_.push_back(std::move(t));
    return static_cast<uint32_t>(tensors_.size() - 1);
  }

  void Labels(const est::LabelValues& labels, schema::Labels::Builder out, const std::string& name) {
    if (const auto* v = std::get_if<std::vector<int64_t>>(&labels)) {
      out.setInt64(Add<int64_t>(name, DType::kI64, *v, {v->size()}));
    } else if (const auto* d = std::get_if<std::vector<double>>(&labels)) {
      out.setFloat64(Add<double>(name, DType::kF64, *d, {d->size()}));
    } else {
      const auto& s = std::get<std::vector<std::string>>(labels);
      auto list = out.initStrings(static_cast<unsigned>(s.size()));
      for (unsigned i = 0; i < list.size(); ++i) list.set(i, capnp::Text::Reader(s[i].data(), s[i].size()));
    }
  }

  // Fills `out` with `e` (dispatches to the Encode overloads below).
  void Estimator(const est::Estimator& e, schema::Estimator::Builder out, const std::string& p);

  // An encoder that cannot go on (a user-defined kind's writer failed)
  // records why; the first error is kept.
  void Fail(Status s) {
    if (status_.ok()) status_ = std::move(s);
  }
  const Status& status() const { return status_; }

 private:
  std::vector<OwnedTensor>& tensors_;
  Status status_;
};

// Maximum nesting of pipelines and bundles (stack bound).
inline constexpr int kMaxDepth = est::kMaxPipelineDepth;

class Decoder {
 public:
  Decoder(std::span<const TensorView> tensors, const LoadOptions& options)
      : tensors_(tensors), used_(tensors.size(), false), options_(options) {}

  // The tensor at `index`, checked for dtype and rank, marked used.
  Result<const TensorView*> Take(uint32_t index, DType dtype, size_t rank, const std::string& path) {
    if (index >= tensors_.size()) {
      return Corruption(path + ": tensor index " + std::to_string(index) + " out of range [0, " +
                        std::to_string(tensors_.size()) + ")");
    }
    const TensorView& t = tensors_[index];
    if (used_[index]) return Corruption(path + ": tensor '" + EscapeForTerminal(t.name) + "' is used twice");
    if (t.dtype != dtype || t.shape.size() != rank) {
      return Corruption(path + ": tensor '" + EscapeForTerminal(t.name) + "' is " + std::string(DTypeName(t.dtype)) +
                        " " + ShapeString(t.shape) + ", expected " + std::string(DTypeName(dtype)) + " of rank " +
                        std::to_string(rank));
    }
    used_[index] = true;
    return &t;
  }

  // Copies: what the builders validate lives in memory the process owns.
  template <typename T>
  Result<std::vector<T>> Copy(uint32_t index, DType dtype, size_t rank, const std::string& path,
                              std::vector<uint64_t>* shape = nullptr) {
    SAFEMODEL_ASSIGN_OR_RETURN(const TensorView* t, Take(index, dtype, rank, path));
    if (shape) *shape = t->shape;
    return CopyOf<T>(*t);
  }

  // A taken tensor's elements, copied into memory the process owns.
  template <typename T>
  static std::vector<T> CopyOf(const TensorView& tensor) {
    const TensorView* t = &tensor;
    std::vector<T> out;
    const size_t n = t->bytes.size() / sizeof(T);
    if (reinterpret_cast<uintptr_t>(t->bytes.data()) % alignof(T) == 0) {
      // Tensor data is 64-byte aligned in a file: one pass, no zero fill.
      const T* first = reinterpret_cast<const T*>(t->bytes.data());
      out.assign(first, first + n);
    } else if (n > 0) {
      out.resize(n);
      std::memcpy(out.data(), t->bytes.data(), n * sizeof(T));
    }
    return out;
  }

  Result<std::vector<double>> OptionalF64(uint32_t index, const std::string& path) {
    if (index == kNoTensor) return std::vector<double>{};
    return Copy<double>(index, DType::kF64, 1, path);
  }

  Result<est::LabelValues> Labels(schema::Labels::Reader l, const std::string& path) {
    switch (l.which()) {
      case schema::Labels::NONE:
        return est::LabelValues{};
      case schema::Labels::INT64: {
        SAFEMODEL_ASSIGN_OR_RETURN(auto v, Copy<int64_t>(l.getInt64(), DType::kI64, 1, path));
        return est::LabelValues(std::move(v));
      }
      case schema::Labels::FLOAT64: {
        SAFEMODEL_ASSIGN_OR_RETURN(auto v, Copy<double>(l.getFloat64(), DType::kF64, 1, path));
        return est::LabelValues(std::move(v));
      }
      case schema::Labels::STRINGS: {
        std::vector<std::string> v;
        for (auto t : l.getStrings()) {
          if (t.size() > options_.max_string_bytes) return LimitExceeded(path + ": label over max_string_bytes");
          v.emplace_back(t.cStr(), t.size());
        }
        return est::LabelValues(std::move(v));
      }
    }
    return Unsupported(path + ": unknown label kind " + std::to_string(static_cast<unsigned>(l.which())));
  }

  // Every tensor in the table must belong to the estimator.
  Status AllUsed() const {
    for (size_t i = 0; i < used_.size(); ++i) {
      if (!used_[i]) {
        return Corruption("tensor '" + EscapeForTerminal(tensors_[i].name) + "' is not used by the estimator");
      }
    }
    return Status::Ok();
  }

  // Builds the estimator of union `r` at `p` with its feature names.
  Result<est::Estimator> Estimator(schema::Estimator::Reader r, const std::string& p, int depth);

  std::span<const TensorView> tensors() const { return tensors_; }
  const LoadOptions& options() const { return options_; }

 private:
  // The union member alone (dispatches to the Decode functions).
  Result<est::Estimator> Family(schema::Estimator::Reader r, const std::string& p, int depth);

  std::span<const TensorView> tensors_;
  std::vector<bool> used_;
  const LoadOptions& options_;
};

// ---- Per-family codecs ----------------------------------------------------
// Encode(enc, model, out, p) fills the union member and appends the tensors,
// named with the prefix `p`. DecodeX(d, reader, p) takes every tensor it
// needs through d.Copy/d.Take (dtype and rank checked, each used once) and
// builds through the family's checked builder; errors name `p`.
void Encode(Encoder& enc, const est::LinearModel& m, schema::Estimator::Builder out, const std::string& p);
void Encode(Encoder& enc, const est::TreeModel& m, schema::Estimator::Builder out, const std::string& p);
void Encode(Encoder& enc, const est::StandardScaler& s, schema::Estimator::Builder out, const std::string& p);
void Encode(Encoder& enc, const est::MinMaxScaler& s, schema::Estimator::Builder out, const std::string& p);
void Encode(Encoder& enc, const est::Pipeline& pl, schema::Estimator::Builder out, const std::string& p);
// Neural networks and SVMs (codec_mlp.cc, codec_svm.cc).
void Encode(Encoder& enc, const est::MlpModel& m, schema::Estimator::Builder out, const std::string& p);
void Encode(Encoder& enc, const est::SvmModel& m, schema::Estimator::Builder out, const std::string& p);
// Text features (codec_text.cc).
void Encode(Encoder& enc, const est::TextVectorizer& v, schema::Estimator::Builder out, const std::string& p);
void Encode(Encoder& enc, const est::TfidfTransformer& t, schema::Estimator::Builder out, const std::string& p);
void Encode(Encoder& enc, const est::DictVectorizer& d, schema::Estimator::Builder out, const std::string& p);
Result<est::Estimator> DecodeTextVectorizer(Decoder& d, schema::TextVectorizer::Reader r, const std::string& p);
Result<est::Estimator> DecodeTfidfTransformer(Decoder& d, schema::TfidfTransformer::Reader r, const std::string& p);
Result<est::Estimator> DecodeDictVectorizer(Decoder& d, schema::DictVectorizer::Reader r, const std::string& p);
Result<est::Estimator> DecodeMlp(Decoder& d, schema::MlpModel::Reader r, const std::string& p);
Result<est::Estimator> DecodeSvm(Decoder& d, schema::SvmModel::Reader r, const std::string& p);
// Encoders and column transformers (codec_encoders.cc).
void Encode(Encoder& enc, const est::CategoricalEncoder& m, schema::Estimator::Builder out, const std::string& p);
void Encode(Encoder& enc, const est::ColumnTransformer& m, schema::Estimator::Builder out, const std::string& p);
Result<est::Estimator> DecodeCategoricalEncoder(Decoder& d, schema::CategoricalEncoder::Reader r, const std::string& p);
Result<est::Estimator> DecodeColumnTransformer(Decoder& d, schema::ColumnTransformerModel::Reader r,
                                               const std::string& p, int depth);

Result<est::Estimator> DecodeLinear(Decoder& d, schema::LinearModel::Reader r, const std::string& p);
Result<est::Estimator> DecodeTrees(Decoder& d, schema::TreeModel::Reader r, const std::string& p);
Result<est::Estimator> DecodeStandardScaler(Decoder& d, schema::StandardScaler::Reader r, const std::string& p);
Result<est::Estimator> DecodeMinMaxScaler(Decoder& d, schema::MinMaxScaler::Reader r, const std::string& p);
Result<est::Estimator> DecodePipeline(Decoder& d, schema::PipelineModel::Reader r, const std::string& p, int depth);

// naive Bayes, clustering, decomposition (codec_naive_bayes.cc, codec_kmeans.cc, codec_decomposition.cc)
void Encode(Encoder& enc, const est::GaussianNB& m, schema::Estimator::Builder out, const std::string& p);
void Encode(Encoder& enc, const est::DiscreteNB& m, schema::Estimator::Builder out, const std::string& p);
void Encode(Encoder& enc, const est::KMeans& m, schema::Estimator::Builder out, const std::string& p);
void Encode(Encoder& enc, const est::Decomposition& m, schema::Estimator::Builder out, const std::string& p);
Result<est::Estimator> DecodeGaussianNB(Decoder& d, schema::GaussianNb::Reader r, const std::string& p);
Result<est::Estimator> DecodeDiscreteNB(Decoder& d, schema::DiscreteNb::Reader r, const std::string& p);
Result<est::Estimator> DecodeKMeans(Decoder& d, schema::KMeans::Reader r, const std::string& p);
Result<est::Estimator> DecodeDecomposition(Decoder& d, schema::Decomposition::Reader r, const std::string& p);
// Numeric preprocessing (codec_preprocessing.cc).
void Encode(Encoder& enc, const est::ColumnScaler& s, schema::Estimator::Builder out, const std::string& p);
void Encode(Encoder& enc, const est::Normalizer& n, schema::Estimator::Builder out, const std::string& p);
void Encode(Encoder& enc, const est::Binarizer& b, schema::Estimator::Builder out, const std::string& p);
void Encode(Encoder& enc, const est::SimpleImputer& s, schema::Estimator::Builder out, const std::string& p);
void Encode(Encoder& enc, const est::PolynomialFeatures& pf, schema::Estimator::Builder out, const std::string& p);
void Encode(Encoder& enc, const est::KBinsDiscretizer& k, schema::Estimator::Builder out, const std::string& p);
Result<est::Estimator> DecodeColumnScaler(Decoder& d, schema::ColumnScaler::Reader r, const std::string& p);
Result<est::Estimator> DecodeNormalizer(Decoder& d, schema::Normalizer::Reader r, const std::string& p);
Result<est::Estimator> DecodeBinarizer(Decoder& d, schema::Binarizer::Reader r, const std::string& p);
Result<est::Estimator> DecodeSimpleImputer(Decoder& d, schema::SimpleImputer::Reader r, const std::string& p);
Result<est::Estimator> DecodePolynomialFeatures(Decoder& d, schema::PolynomialFeatures::Reader r, const std::string& p);
Result<est::Estimator> DecodeKBinsDiscretizer(Decoder& d, schema::KBinsDiscretizer::Reader r, const std::string& p);
// boosting (codec_boosting.cc)
void Encode(Encoder& enc, const est::GradientBoostingModel& m, schema::Estimator::Builder out, const std::string& p);
void Encode(Encoder& enc, const est::HistGradientBoostingModel& m, schema::Estimator::Builder out, const std::string& p);
void Encode(Encoder& enc, const est::DummyModel& m, schema::Estimator::Builder out, const std::string& p);
Result<est::Estimator> DecodeGradientBoosting(Decoder& d, schema::GradientBoostingModel::Reader r, const std::string& p);
Result<est::Estimator> DecodeHistGradientBoosting(Decoder& d, schema::HistGradientBoostingModel::Reader r,
                                                  const std::string& p);
Result<est::Estimator> DecodeDummy(Decoder& d, schema::DummyModel::Reader r, const std::string& p);
// neighbours (codec_knn.cc)
void Encode(Encoder& enc, const est::KnnModel& m, schema::Estimator::Builder out, const std::string& p);
Result<est::Estimator> DecodeKNeighbors(Decoder& d, schema::KNeighborsModel::Reader r, const std::string& p);
// isolation forest and AdaBoost (codec_ensemble.cc)
void Encode(Encoder& enc, const est::IsolationForestModel& m, schema::Estimator::Builder out, const std::string& p);
void Encode(Encoder& enc, const est::AdaBoostModel& m, schema::Estimator::Builder out, const std::string& p);
Result<est::Estimator> DecodeIsolationForest(Decoder& d, schema::IsolationForestModel::Reader r, const std::string& p);
Result<est::Estimator> DecodeAdaBoost(Decoder& d, schema::AdaBoostModel::Reader r, const std::string& p);
// meta-estimators (codec_meta.cc): members through Encoder/Decoder::Estimator, depth + 1.
void Encode(Encoder& enc, const est::VotingModel& m, schema::Estimator::Builder out, const std::string& p);
void Encode(Encoder& enc, const est::StackingModel& m, schema::Estimator::Builder out, const std::string& p);
void Encode(Encoder& enc, const est::OneVsRestModel& m, schema::Estimator::Builder out, const std::string& p);
void Encode(Encoder& enc, const est::CalibratedModel& m, schema::Estimator::Builder out, const std::string& p);
Result<est::Estimator> DecodeVoting(Decoder& d, schema::VotingModel::Reader r, const std::string& p, int depth);
Result<est::Estimator> DecodeStacking(Decoder& d, schema::StackingModel::Reader r, const std::string& p, int depth);
Result<est::Estimator> DecodeOneVsRest(Decoder& d, schema::OneVsRestModel::Reader r, const std::string& p, int depth);
Result<est::Estimator> DecodeCalibrated(Decoder& d, schema::CalibratedModel::Reader r, const std::string& p,
                                        int depth);
// user-defined kinds (codec_custom.cc, safemodel/extension.h)
void Encode(Encoder& enc, const est::CustomEstimator& c, schema::Estimator::Builder out, const std::string& p);
Result<est::Estimator> DecodeCustom(Decoder& d, schema::Custom::Reader r, const std::string& p);
// The registered kind for a file's `custom` member at `p`: kUnsupported
// naming the kind if it is not registered, has another schema id, or a
// version newer than the registered one.
Result<const internal::ErasedKind*> FindKind(std::string_view name, uint32_t version, uint64_t schema_id,
                                             const LoadOptions& options, const std::string& p);

}  // namespace safemodel::format

#endif  // SAFEMODEL_FORMAT_CODEC_H_
