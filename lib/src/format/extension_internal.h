// The library's side of TensorSource and TensorSink: a validator takes
// tensors through the codec's Decoder (dtype and rank checked, each used
// once), a writer adds them through its Encoder.
#ifndef SAFEMODEL_FORMAT_EXTENSION_INTERNAL_H_
#define SAFEMODEL_FORMAT_EXTENSION_INTERNAL_H_

#include <string>

#include "format/codec.h"
#include "safemodel/extension.h"

namespace safemodel::internal {

class TensorTaker {
 public:
  explicit TensorTaker(format::Decoder& d) : d_(d) {}
  TensorSource Source(std::string place, uint32_t version) { return TensorSource(this, std::move(place), version); }
  format::Decoder& decoder() { return d_; }

 private:
  format::Decoder& d_;
};

class TensorAdder {
 public:
  explicit TensorAdder(format::Encoder& e) : e_(e) {}
  TensorSink Sink(std::string prefix) { return TensorSink(this, std::move(prefix)); }
  format::Encoder& encoder() { return e_; }

 private:
  format::Encoder& e_;
};

}  // namespace safemodel::internal

#endif  // SAFEMODEL_FORMAT_EXTENSION_INTERNAL_H_
