#include "safemodel/status.h"

namespace safemodel {

std::string_view CodeName(Code code) {
  switch (code) {
    case Code::kOk: return "ok";
    case Code::kInvalidArgument: return "invalid-argument";
    case Code::kCorruption: return "corruption";
    case Code::kUnsupported: return "unsupported";
    case Code::kLimitExceeded: return "limit-exceeded";
    case Code::kSignatureInvalid: return "signature-invalid";
    case Code::kUntrusted: return "untrusted";
    case Code::kIoError: return "io-error";
  }
  return "unknown";
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  return std::string(CodeName(code_)) + ": " + message_;
}

Status Status::Wrap(std::string_view context) const {
  if (ok()) return *this;
  return Status(code_, std::string(context) + ": " + message_);
}

}  // namespace safemodel
