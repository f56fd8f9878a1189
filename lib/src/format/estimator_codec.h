// Estimators in the file: the schema's Estimator union <-> the in-memory
// estimators of lib/src/estimators.
//
// Arrays go to the tensor table; the structs name them by index. Decoding
// runs only after every tensor's hash has been checked, reads the arrays
// through the checked builders (which copy them into memory the process
// owns, then validate), and requires every tensor to be used exactly once
// with the dtype and rank its field documents.
#ifndef SAFEMODEL_FORMAT_ESTIMATOR_CODEC_H_
#define SAFEMODEL_FORMAT_ESTIMATOR_CODEC_H_

#include <capnp/message.h>

#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "estimators/estimator.h"
#include "safemodel.capnp.h"
#include "safemodel/metadata.h"
#include "safemodel/options.h"
#include "safemodel/status.h"
#include "safemodel/tensor.h"

namespace safemodel::format {

// A bundle: a pickled dict/list/tuple of estimators and plain values.
struct BundleMember {
  std::string name;
  std::variant<std::monostate, bool, int64_t, double, std::string, estimators::Estimator> value;
};
struct Bundle {
  enum class Container : uint8_t { kDict, kList, kTuple };
  Container container = Container::kDict;
  std::vector<BundleMember> members;
};

// What a non-weights file holds.
using ModelContent = std::variant<estimators::Estimator, Bundle>;

// A tensor the encoder made (owned bytes).
struct OwnedTensor {
  std::string name;
  DType dtype = DType::kF64;
  std::vector<uint64_t> shape;
  std::string bytes;
};

// Fills `out` from `content`, appending its arrays to `tensors`.
Status EncodeContent(const ModelContent& content, schema::Estimator::Builder out,
                     std::vector<OwnedTensor>& tensors);

// Rebuilds the content from the header's estimator and the verified tensors.
// `header_words` is the (already parsed, canonical) header message.
Result<ModelContent> DecodeContent(std::span<const std::byte> header_words,
                                   std::span<const TensorView> tensors, const LoadOptions& options);

// An unsigned file holding `content` (atomic write / in memory).
// `hash_threads` as in WriteOptions (the sandboxed child passes 1: it may
// not start threads).
Status WriteContent(const std::string& path, const Metadata& metadata, const ModelContent& content);
Result<std::string> SerializeContent(const Metadata& metadata, const ModelContent& content,
                                     unsigned hash_threads = 0);

}  // namespace safemodel::format

#endif  // SAFEMODEL_FORMAT_ESTIMATOR_CODEC_H_
