// The header message: building it canonically, and parsing + validating it.
//
// ParseHeader is the one place where Cap'n Proto reads file bytes; every kj
// exception is caught there and becomes a kCorruption Status. The result is
// plain C++ data the process owns: nothing later touches the message again.
#ifndef SAFEMODEL_FORMAT_HEADER_H_
#define SAFEMODEL_FORMAT_HEADER_H_

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include <capnp/serialize.h>

#include "format/hashing.h"
#include "safemodel.capnp.h"
#include "safemodel/metadata.h"
#include "safemodel/model.h"
#include "safemodel/options.h"
#include "safemodel/status.h"
#include "safemodel/tensor.h"

namespace safemodel::format {

struct TensorEntry {
  std::string name;
  DType dtype = DType::kU8;
  std::vector<uint64_t> shape;
  uint64_t offset = 0;  // within the data region
  uint64_t length = 0;
  Digest hash{};
  std::string chunk_hashes;
};

struct HeaderData {
  uint32_t format_version = 1;
  Metadata metadata;
  std::vector<TensorEntry> tensors;
  uint64_t data_length = 0;
  EstimatorKind kind = EstimatorKind::kWeights;
  std::string framework;  // weights only
  // A user-defined kind at the top (estimator.custom): its name, version and
  // schema id, checked against LoadOptions::kinds before the body is read.
  bool custom = false;
  std::string custom_kind;
  uint32_t custom_version = 0;
  uint64_t custom_schema_id = 0;
};

// Assigns each tensor its offset (packed in order at 64-byte boundaries) and
// returns the data length (end of the last tensor, rounded up to 64).
// kLimitExceeded if the sizes overflow.
Result<uint64_t> AssignOffsets(std::vector<TensorEntry>& tensors);

// Fills the header's estimator union.
using EstimatorFiller = std::function<Status(schema::Estimator::Builder)>;

// The canonical single-segment message (no segment table), as bytes.
// kInvalidArgument for values the schema cannot hold. Without a filler the
// estimator is `weights` with header.framework.
Result<std::string> BuildHeader(const HeaderData& header, const EstimatorFiller& fill = {});

// A Cap'n Proto reader over header words (8-byte aligned, owned by the
// caller) with the traversal and nesting limits of `options`. Reading
// through it may throw kj::Exception: callers catch at their boundary.
class HeaderMessage {
 public:
  HeaderMessage(std::span<const std::byte> words, const LoadOptions& options);
  schema::Header::Reader root() { return reader_.getRoot<schema::Header>(); }
  bool IsCanonical() { return reader_.isCanonical(); }

 private:
  static capnp::ReaderOptions Limits(size_t n_words, const LoadOptions& options);
  kj::ArrayPtr<const capnp::word> segments_[1];
  capnp::SegmentArrayMessageReader reader_;
};

// Parses and validates `words` (8-byte aligned, owned by the caller). Checks:
// canonical form, limits, format version, metadata text, every tensor
// (name, dtype, shape, length, hash sizes, offset = the packed layout),
// data length, and the estimator kind. Errors name the field:
// "header: tensors[3] 'fc.weight': offset 128, expected 64".
Result<HeaderData> ParseHeader(std::span<const std::byte> words, const LoadOptions& options);

}  // namespace safemodel::format

#endif  // SAFEMODEL_FORMAT_HEADER_H_
