// The loading pipeline behind Model::Open/Inspect and SignFile.
#ifndef SAFEMODEL_FORMAT_LOADER_H_
#define SAFEMODEL_FORMAT_LOADER_H_

#include <memory>
#include <string>
#include <vector>

#include "format/header.h"
#include "format/layout.h"
#include "safemodel/model.h"
#include "util/file.h"

namespace safemodel::format {

// A file framed and its header verified/parsed — everything but the tensor
// bytes, which CheckBody covers.
struct Loaded {
  MappedFile file;
  Frame frame;
  std::vector<uint64_t> signed_words;  // preamble + header, copied, 8-byte aligned
  HeaderData header;
  std::vector<SignatureInfo> signatures;
  uint32_t trusted_signers = 0;

  std::span<const std::byte> signed_bytes() const {
    return std::as_bytes(std::span(signed_words)).first(kPreambleSize + frame.header_size);
  }
};

enum class TrustMode { kEnforce, kSkip };

// Map -> seal -> copy preamble+header -> signatures (kEnforce) -> parse ->
// file length. Does not read the data region.
Result<Loaded> LoadHeader(const std::string& path, const TrustPolicy& trust, TrustMode mode,
                          const LoadOptions& options);

// Checks the zero padding around the header and between tensors, then hashes
// every tensor (on all cores) and compares with the header. `tensor_bytes`
// gives each tensor's bytes (mapped or copied) in table order.
Status CheckBody(const Loaded& loaded, std::span<const std::span<const std::byte>> tensor_bytes,
                 const LoadOptions& options);

}  // namespace safemodel::format

#endif  // SAFEMODEL_FORMAT_LOADER_H_
