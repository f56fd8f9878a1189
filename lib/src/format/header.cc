#include "format/header.h"

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <kj/exception.h>

#include <cstring>
#include <set>

#include "format/layout.h"
#include "safemodel/extension.h"
#include "safemodel.capnp.h"
#include "util/checked.h"
#include "util/text.h"

namespace safemodel::format {
namespace {

std::string Quoted(std::string_view s) { return "'" + EscapeForTerminal(s) + "'"; }

// ---- Building ---------------------------------------------------------------

Status CheckText(std::string_view what, std::string_view s, bool allow_whitespace) {
  if (!IsValidUtf8(s)) return InvalidArgument(std::string(what) + " is not valid UTF-8");
  if (HasControlChars(s, allow_whitespace)) {
    return InvalidArgument(std::string(what) + " " + Quoted(s) + " holds control characters");
  }
  return Status::Ok();
}

capnp::Text::Reader AsText(const std::string& s) { return capnp::Text::Reader(s.data(), s.size()); }

void SetMap(capnp::List<schema::KeyValue>::Builder list, const std::map<std::string, std::string>& m) {
  unsigned i = 0;
  for (const auto& [k, v] : m) {
    list[i].setKey(AsText(k));
    list[i].setValue(AsText(v));
    ++i;
  }
}

Status CheckMetadataForWrite(const Metadata& m) {
  SAFEMODEL_RETURN_IF_ERROR(CheckText("metadata.name", m.name, false));
  SAFEMODEL_RETURN_IF_ERROR(CheckText("metadata.description", m.description, true));
  SAFEMODEL_RETURN_IF_ERROR(CheckText("metadata.license", m.license, false));
  SAFEMODEL_RETURN_IF_ERROR(CheckText("metadata.producer", m.producer, false));
  SAFEMODEL_RETURN_IF_ERROR(CheckText("metadata.producerVersion", m.producer_version, false));
  for (const auto& [k, v] : m.library_versions) {
    SAFEMODEL_RETURN_IF_ERROR(CheckText("metadata.libraryVersions key", k, false));
    SAFEMODEL_RETURN_IF_ERROR(CheckText("metadata.libraryVersions value", v, false));
  }
  for (const auto& [k, v] : m.extra) {
    SAFEMODEL_RETURN_IF_ERROR(CheckText("metadata.extra key", k, false));
    SAFEMODEL_RETURN_IF_ERROR(CheckText("metadata.extra value", v, true));
  }
  for (const auto& f : m.feature_names) {
    SAFEMODEL_RETURN_IF_ERROR(CheckText("metadata.featureNames entry", f, false));
  }
  return Status::Ok();
}

// ---- Parsing ----------------------------------------------------------------

class HeaderParser {
 public:
  explicit HeaderParser(const LoadOptions& options) : options_(options) {}

  Result<HeaderData> Parse(schema::Header::Reader h) {
    HeaderData out;
    out.format_version = h.getFormatVersion();
    if (out.format_version != kFormatVersion) {
      return Unsupported("header.formatVersion: " + std::to_string(out.format_version) +
                         " (this reader knows version " + std::to_string(kFormatVersion) + ")");
    }
    SAFEMODEL_RETURN_IF_ERROR(ParseMetadata(h.getMetadata(), out.metadata));
    SAFEMODEL_RETURN_IF_ERROR(ParseTensors(h.getTensors(), out.tensors));
    out.data_length = h.getDataLength();
    SAFEMODEL_RETURN_IF_ERROR(CheckLayout(out));
    SAFEMODEL_RETURN_IF_ERROR(ParseEstimator(h.getEstimator(), out));
    return out;
  }

 private:
  Result<std::string> Text(std::string_view where, capnp::Text::Reader t, bool allow_whitespace) {
    if (t.size() > options_.max_string_bytes) {
      return LimitExceeded("header." + std::string(where) + ": " + std::to_string(t.size()) +
                           " bytes, over LoadOptions::max_string_bytes (" +
                           std::to_string(options_.max_string_bytes) + ")");
    }
    std::string s(t.cStr(), t.size());
    if (!IsValidUtf8(s)) return Corruption("header." + std::string(where) + ": not valid UTF-8");
    if (HasControlChars(s, allow_whitespace)) {
      return Corruption("header." + std::string(where) + ": control characters in " + Quoted(s));
    }
    return s;
  }

  Status ParseMap(std::string_view where, capnp::List<schema::KeyValue>::Reader list,
                  std::map<std::string, std::string>& out) {
    if (list.size() > options_.max_tensors) {
      return LimitExceeded("header." + std::string(where) + ": " + std::to_string(list.size()) +
                           " entries, over LoadOptions::max_tensors");
    }
    const std::string* prev = nullptr;
    for (unsigned i = 0; i < list.size(); ++i) {
      const std::string at = std::string(where) + "[" + std::to_string(i) + "]";
      SAFEMODEL_ASSIGN_OR_RETURN(std::string k, Text(at + ".key", list[i].getKey(), false));
      SAFEMODEL_ASSIGN_OR_RETURN(std::string v, Text(at + ".value", list[i].getValue(), true));
      // Canonical maps: strictly increasing keys, so one map has one encoding.
      if (prev && !(*prev < k)) {
        return Corruption("header." + at + ".key: " + Quoted(k) + " is not after " + Quoted(*prev) +
                          " (keys must be unique and sorted)");
      }
      prev = &out.emplace(std::move(k), std::move(v)).first->first;
    }
    return Status::Ok();
  }

  Status ParseMetadata(schema::Metadata::Reader m, Metadata& out) {
    SAFEMODEL_ASSIGN_OR_RETURN(out.name, Text("metadata.name", m.getName(), false));
    SAFEMODEL_ASSIGN_OR_RETURN(out.description, Text("metadata.description", m.getDescription(), true));
    SAFEMODEL_ASSIGN_OR_RETURN(out.license, Text("metadata.license", m.getLicense(), false));
    SAFEMODEL_ASSIGN_OR_RETURN(out.producer, Text("metadata.producer", m.getProducer(), false));
    SAFEMODEL_ASSIGN_OR_RETURN(out.producer_version,
                               Text("metadata.producerVersion", m.getProducerVersion(), false));
    SAFEMODEL_RETURN_IF_ERROR(ParseMap("metadata.libraryVersions", m.getLibraryVersions(),
                                       out.library_versions));
    out.created_unix = m.getCreatedUnix();
    auto names = m.getFeatureNames();
    if (names.size() > options_.max_tensors) {
      return LimitExceeded("header.metadata.featureNames: " + std::to_string(names.size()) +
                           " entries, over LoadOptions::max_tensors");
    }
    for (unsigned i = 0; i < names.size(); ++i) {
      SAFEMODEL_ASSIGN_OR_RETURN(
          std::string f, Text("metadata.featureNames[" + std::to_string(i) + "]", names[i], false));
      out.feature_names.push_back(std::move(f));
    }
    return ParseMap("metadata.extra", m.getExtra(), out.extra);
  }

  Status ParseTensors(capnp::List<schema::Tensor>::Reader list, std::vector<TensorEntry>& out) {
    if (list.size() > options_.max_tensors) {
      return LimitExceeded("header.tensors: " + std::to_string(list.size()) +
                           " tensors, over LoadOptions::max_tensors (" +
                           std::to_string(options_.max_tensors) + ")");
    }
    std::set<std::string_view> seen;
    out.reserve(list.size());
    for (unsigned i = 0; i < list.size(); ++i) {
      SAFEMODEL_ASSIGN_OR_RETURN(TensorEntry e, ParseTensor(i, list[i]));
      out.push_back(std::move(e));
    }
    for (size_t i = 0; i < out.size(); ++i) {
      if (!seen.insert(out[i].name).second) {
        return Corruption("header.tensors[" + std::to_string(i) + "]: duplicate name " +
                          Quoted(out[i].name));
      }
    }
    return Status::Ok();
  }

  Result<TensorEntry> ParseTensor(unsigned i, schema::Tensor::Reader t) {
    TensorEntry e;
    const std::string at = "tensors[" + std::to_string(i) + "]";
    SAFEMODEL_ASSIGN_OR_RETURN(e.name, Text(at + ".name", t.getName(), false));
    if (e.name.empty()) return Corruption("header." + at + ".name: empty");
    const std::string where = "header." + at + " " + Quoted(e.name);
    const auto raw_dtype = static_cast<uint16_t>(t.getDtype());
    if (raw_dtype >= kNumDTypes) {
      return Unsupported(where + ": unknown dtype " + std::to_string(raw_dtype));
    }
    e.dtype = static_cast<DType>(raw_dtype);
    auto shape = t.getShape();
    if (shape.size() > options_.max_dims) {
      return LimitExceeded(where + ": " + std::to_string(shape.size()) +
                           " dimensions, over LoadOptions::max_dims (" +
                           std::to_string(options_.max_dims) + ")");
    }
    for (uint64_t d : shape) e.shape.push_back(d);
    auto elems = CheckedProduct(e.shape);
    auto bytes = elems ? CheckedMul(*elems, DTypeSize(e.dtype)) : std::nullopt;
    if (!bytes) return Corruption(where + ": shape " + ShapeString(e.shape) + " overflows 64 bits");
    e.offset = t.getOffset();
    e.length = t.getByteLength();
    if (e.length != *bytes) {
      return Corruption(where + ": byteLength " + std::to_string(e.length) + " but " +
                        std::string(DTypeName(e.dtype)) + " " + ShapeString(e.shape) + " needs " +
                        std::to_string(*bytes));
    }
    auto hash = t.getHash();
    if (hash.size() != kHashSize) {
      return Corruption(where + ": hash is " + std::to_string(hash.size()) + " bytes, not 32");
    }
    std::memcpy(e.hash.data(), hash.begin(), kHashSize);
    auto chunks = t.getChunkHashes();
    const uint64_t want = ChunkCount(e.length) * kHashSize;
    if (chunks.size() != want) {
      return Corruption(where + ": chunkHashes is " + std::to_string(chunks.size()) +
                        " bytes, expected " + std::to_string(want));
    }
    e.chunk_hashes.assign(reinterpret_cast<const char*>(chunks.begin()), chunks.size());
    return e;
  }

  // The layout is fully determined by the table: packed, in order, 64-byte
  // aligned. Requiring exactly that rules out overlap, holes and aliasing.
  Status CheckLayout(const HeaderData& h) {
    std::vector<TensorEntry> expected(h.tensors.size());
    for (size_t i = 0; i < h.tensors.size(); ++i) expected[i].length = h.tensors[i].length;
    auto data_length = AssignOffsets(expected);
    if (!data_length.ok()) return data_length.status().Wrap("header.tensors");
    for (size_t i = 0; i < h.tensors.size(); ++i) {
      if (h.tensors[i].offset != expected[i].offset) {
        return Corruption("header.tensors[" + std::to_string(i) + "] " + Quoted(h.tensors[i].name) +
                          ": offset " + std::to_string(h.tensors[i].offset) + ", expected " +
                          std::to_string(expected[i].offset) +
                          " (tensors are packed in table order at 64-byte boundaries)");
      }
    }
    if (h.data_length != *data_length) {
      return Corruption("header.dataLength: " + std::to_string(h.data_length) + ", expected " +
                        std::to_string(*data_length));
    }
    return Status::Ok();
  }

  Status ParseEstimator(schema::Estimator::Reader e, HeaderData& out) {
    switch (e.which()) {
      case schema::Estimator::WEIGHTS: {
        out.kind = EstimatorKind::kWeights;
        SAFEMODEL_ASSIGN_OR_RETURN(out.framework,
                                   Text("estimator.weights.framework", e.getWeights().getFramework(), false));
        return Status::Ok();
      }
      case schema::Estimator::LINEAR:
      case schema::Estimator::TREES:
      case schema::Estimator::STANDARD_SCALER:
      case schema::Estimator::MIN_MAX_SCALER:
      case schema::Estimator::PIPELINE:
      case schema::Estimator::GAUSSIAN_NB:
      case schema::Estimator::DISCRETE_NB:
      case schema::Estimator::K_MEANS:
      case schema::Estimator::DECOMPOSITION:
      case schema::Estimator::COLUMN_SCALER:
      case schema::Estimator::NORMALIZER:
      case schema::Estimator::BINARIZER:
      case schema::Estimator::SIMPLE_IMPUTER:
      case schema::Estimator::POLYNOMIAL_FEATURES:
      case schema::Estimator::K_BINS_DISCRETIZER:
      case schema::Estimator::GRADIENT_BOOSTING:
      case schema::Estimator::HIST_GRADIENT_BOOSTING:
      case schema::Estimator::DUMMY:
      case schema::Estimator::MLP:
      case schema::Estimator::SVM:
      case schema::Estimator::K_NEIGHBORS:
      case schema::Estimator::ISOLATION_FOREST:
      case schema::Estimator::ADA_BOOST:
      case schema::Estimator::VOTING:
      case schema::Estimator::STACKING:
      case schema::Estimator::ONE_VS_REST:
      case schema::Estimator::CALIBRATED:
      case schema::Estimator::CATEGORICAL_ENCODER:
      case schema::Estimator::COLUMN_TRANSFORMER:
      case schema::Estimator::TEXT_VECTORIZER:
      case schema::Estimator::TFIDF_TRANSFORMER:
      case schema::Estimator::DICT_VECTORIZER:
        // Decoded (and validated) after the tensor hashes are checked.
        out.kind = EstimatorKind::kEstimator;
        return Status::Ok();
      case schema::Estimator::BUNDLE:
        out.kind = EstimatorKind::kBundle;
        return Status::Ok();
      case schema::Estimator::CUSTOM: {
        // Whether this program reads the kind is the loader's question
        // (Model::Open): signing needs only the structure and the hashes.
        auto c = e.getCustom();
        out.kind = EstimatorKind::kEstimator;
        out.custom = true;
        SAFEMODEL_ASSIGN_OR_RETURN(out.custom_kind, Text("estimator.custom.kind", c.getKind(), false));
        if (out.custom_kind.empty() || out.custom_kind.size() > kMaxKindNameBytes) {
          return Corruption("header.estimator.custom.kind: " + Quoted(out.custom_kind) + " is empty or over " +
                            std::to_string(kMaxKindNameBytes) + " bytes");
        }
        out.custom_version = c.getVersion();
        out.custom_schema_id = c.getSchemaId();
        return Status::Ok();
      }
    }
    return Unsupported("header.estimator: unknown estimator kind " +
                       std::to_string(static_cast<unsigned>(e.which())) +
                       " (written by a newer safemodel?)");
  }

  const LoadOptions& options_;
};

}  // namespace

Result<uint64_t> AssignOffsets(std::vector<TensorEntry>& tensors) {
  uint64_t end = 0;
  for (auto& t : tensors) {
    auto offset = CheckedAlignUp(end, kAlignment);
    auto next = offset ? CheckedAdd(*offset, t.length) : std::nullopt;
    if (!next) return LimitExceeded("tensor " + Quoted(t.name) + ": data region overflows 64 bits");
    t.offset = *offset;
    end = *next;
  }
  auto data_length = CheckedAlignUp(end, kAlignment);
  if (!data_length) return LimitExceeded("data region overflows 64 bits");
  return *data_length;
}

Result<std::string> BuildHeader(const HeaderData& header, const EstimatorFiller& fill) {
  SAFEMODEL_RETURN_IF_ERROR(CheckMetadataForWrite(header.metadata));
  SAFEMODEL_RETURN_IF_ERROR(CheckText("weights framework", header.framework, false));
  try {
    capnp::MallocMessageBuilder message;
    auto h = message.initRoot<schema::Header>();
    h.setFormatVersion(header.format_version);
    auto m = h.initMetadata();
    const Metadata& md = header.metadata;
    m.setName(AsText(md.name));
    m.setDescription(AsText(md.description));
    m.setLicense(AsText(md.license));
    m.setProducer(AsText(md.producer));
    m.setProducerVersion(AsText(md.producer_version));
    SetMap(m.initLibraryVersions(static_cast<unsigned>(md.library_versions.size())), md.library_versions);
    m.setCreatedUnix(md.created_unix);
    auto names = m.initFeatureNames(static_cast<unsigned>(md.feature_names.size()));
    for (unsigned i = 0; i < names.size(); ++i) names.set(i, AsText(md.feature_names[i]));
    SetMap(m.initExtra(static_cast<unsigned>(md.extra.size())), md.extra);
    auto tl = h.initTensors(static_cast<unsigned>(header.tensors.size()));
    for (unsigned i = 0; i < tl.size(); ++i) {
      const TensorEntry& e = header.tensors[i];
      auto t = tl[i];
      t.setName(AsText(e.name));
      t.setDtype(static_cast<schema::DType>(e.dtype));
      auto shape = t.initShape(static_cast<unsigned>(e.shape.size()));
      for (unsigned d = 0; d < shape.size(); ++d) shape.set(d, e.shape[d]);
      t.setOffset(e.offset);
      t.setByteLength(e.length);
      t.setHash(capnp::Data::Reader(e.hash.data(), e.hash.size()));
      t.setChunkHashes(capnp::Data::Reader(reinterpret_cast<const capnp::byte*>(e.chunk_hashes.data()),
                                           e.chunk_hashes.size()));
    }
    h.setDataLength(header.data_length);
    if (fill) {
      SAFEMODEL_RETURN_IF_ERROR(fill(h.initEstimator()));
    } else {
      h.initEstimator().initWeights().setFramework(AsText(header.framework));
    }
    kj::Array<capnp::word> words = capnp::canonicalize(h.asReader());
    auto bytes = words.asBytes();
    return std::string(reinterpret_cast<const char*>(bytes.begin()), bytes.size());
  } catch (const kj::Exception& e) {
    return InvalidArgument(std::string("cannot build header: ") + e.getDescription().cStr());
  }
}

capnp::ReaderOptions HeaderMessage::Limits(size_t n_words, const LoadOptions& options) {
  capnp::ReaderOptions ro;
  ro.traversalLimitInWords = std::min<uint64_t>(options.max_traversal_words, 2 * uint64_t{n_words} + 1024);
  ro.nestingLimit = options.max_nesting_depth;
  return ro;
}

HeaderMessage::HeaderMessage(std::span<const std::byte> words, const LoadOptions& options)
    : segments_{kj::ArrayPtr<const capnp::word>(reinterpret_cast<const capnp::word*>(words.data()),
                                                words.size() / sizeof(capnp::word))},
      reader_(kj::arrayPtr(segments_, 1), Limits(words.size() / sizeof(capnp::word), options)) {}

Result<HeaderData> ParseHeader(std::span<const std::byte> words, const LoadOptions& options) {
  if (words.size() % sizeof(capnp::word) != 0 ||
      reinterpret_cast<uintptr_t>(words.data()) % alignof(capnp::word) != 0) {
    return Corruption("header: not a whole number of aligned words");
  }
  try {
    HeaderMessage message(words, options);
    if (!message.IsCanonical()) {
      return Corruption("header@0x10: not a canonical Cap'n Proto message");
    }
    return HeaderParser(options).Parse(message.root());
  } catch (const kj::Exception& e) {
    // The one place Cap'n Proto errors become ours.
    return Corruption(std::string("header@0x10: malformed Cap'n Proto message: ") +
                      e.getDescription().cStr());
  }
}

}  // namespace safemodel::format
