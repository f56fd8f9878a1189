// safemodel/status.h — the one error type of the library.
//
// Every fallible function returns a `Status` or a `Result<T>`. Both are
// [[nodiscard]]: an ignored error is a compile error under -Werror.
//
// Messages that come from reading a file always say *where*: a region and
// byte offset (`header@0x10: ...`, `data@0x1c40: ...`), a tensor name
// (`tensor 'fc1.weight': ...`), or key ids (`signature[1] by key 3F2A...`).
// Callers may prepend context with `Status::Wrap`.
//
// Thread-safety: values; no shared state.
#ifndef SAFEMODEL_STATUS_H_
#define SAFEMODEL_STATUS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace safemodel {

// The small code set. The CLI maps kInvalidArgument and kIoError to exit 2
// (usage or environment), everything else to exit 1 (the input was refused).
enum class Code : uint8_t {
  kOk = 0,
  kInvalidArgument,   // the caller asked for something malformed (bad option, bad name)
  kCorruption,        // the bytes do not follow the format (bad magic, nonzero padding, bad hash)
  kUnsupported,       // well-formed, but a version/dtype/feature we do not handle
  kLimitExceeded,     // a documented limit in LoadOptions/ImportOptions was exceeded
  kSignatureInvalid,  // a signature does not verify, or is by the wrong key
  kUntrusted,         // no (or not enough) trusted signers; revoked key
  kIoError,           // open/read/write/rename failed
};

// Stable lowercase name of a code ("corruption", "signature-invalid", ...).
std::string_view CodeName(Code code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  // "<code name>: <message>", or "ok".
  std::string ToString() const;

  // Returns a copy whose message is "<context>: <message>". OK stays OK.
  Status Wrap(std::string_view context) const;

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string m) { return {Code::kInvalidArgument, std::move(m)}; }
inline Status Corruption(std::string m) { return {Code::kCorruption, std::move(m)}; }
inline Status Unsupported(std::string m) { return {Code::kUnsupported, std::move(m)}; }
inline Status LimitExceeded(std::string m) { return {Code::kLimitExceeded, std::move(m)}; }
inline Status SignatureInvalid(std::string m) { return {Code::kSignatureInvalid, std::move(m)}; }
inline Status Untrusted(std::string m) { return {Code::kUntrusted, std::move(m)}; }
inline Status IoError(std::string m) { return {Code::kIoError, std::move(m)}; }

// A value or an error. Accessing value() of an error is a programming bug
// and aborts (it is not reachable from file contents).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}             // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {       // NOLINT: implicit by design
    if (std::get<Status>(v_).ok()) v_ = Status(Code::kInvalidArgument, "Result built from OK status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace safemodel

#define SAFEMODEL_CONCAT_INNER_(a, b) a##b
#define SAFEMODEL_CONCAT_(a, b) SAFEMODEL_CONCAT_INNER_(a, b)

// Returns the Status from the enclosing function if `expr` is not OK.
#define SAFEMODEL_RETURN_IF_ERROR(expr)              \
  do {                                               \
    ::safemodel::Status _sm_status = (expr);         \
    if (!_sm_status.ok()) return _sm_status;         \
  } while (0)

// `SAFEMODEL_ASSIGN_OR_RETURN(auto x, F());` — declares/assigns the value or
// returns the error.
#define SAFEMODEL_ASSIGN_OR_RETURN(lhs, expr) \
  SAFEMODEL_ASSIGN_OR_RETURN_IMPL_(SAFEMODEL_CONCAT_(_sm_result_, __LINE__), lhs, expr)
#define SAFEMODEL_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                     \
  if (!tmp.ok()) return tmp.status();                    \
  lhs = std::move(tmp).value()

#endif  // SAFEMODEL_STATUS_H_
