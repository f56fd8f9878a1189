// Where a writer's bytes go: a file being written atomically, or memory
// (the sandboxed child, which may not open files, writes into memory).
#ifndef SAFEMODEL_UTIL_SINK_H_
#define SAFEMODEL_UTIL_SINK_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "safemodel/status.h"

namespace safemodel {

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual Status Write(std::span<const std::byte> bytes) = 0;
  virtual uint64_t written() const = 0;

  Status Write(std::string_view s) {
    return Write(std::span(reinterpret_cast<const std::byte*>(s.data()), s.size()));
  }
  Status WriteZeros(uint64_t n);
};

class StringSink final : public ByteSink {
 public:
  using ByteSink::Write;
  Status Write(std::span<const std::byte> bytes) override {
    out_.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    return Status::Ok();
  }
  uint64_t written() const override { return out_.size(); }
  std::string& str() { return out_; }

 private:
  std::string out_;
};

}  // namespace safemodel

#endif  // SAFEMODEL_UTIL_SINK_H_
